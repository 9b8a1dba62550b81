import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GridwatchDaemon
import Testing

/// A small tmpfs mounted over a directory, so a test can fill the file system under the database
/// for real. Needs root (the tests run as root) and a kernel that allows the mount.
struct TmpfsMount {
    let path: String

    /// Whether this process may mount a tmpfs, found by mounting one and unmounting it again.
    static let possible: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-tmpfs-\(getpid())").path
        guard (try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)) != nil else { return false }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard let mount = try? TmpfsMount(probe, size: "1m") else { return false }
        mount.unmount()
        return true
    }()

    init(_ path: String, size: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let status = try spawnAndWait(["/bin/mount", "-t", "tmpfs", "-o", "size=\(size),mode=0750", "tmpfs", path],
                                      environment: ProcessInfo.processInfo.environment)
        guard status == 0 else { throw TestFailure("mount -t tmpfs on \(path) failed (\(status))") }
        self.path = path
    }

    func unmount() {
        _ = try? spawnAndWait(["/bin/umount", path], environment: ProcessInfo.processInfo.environment)
    }

    /// Fills what is left of the file system with one file; returns its path.
    func fill() throws -> String {
        let filler = path + "/filler"
        guard let handle = FileHandle(forWritingAtPath: filler) ?? {
            FileManager.default.createFile(atPath: filler, contents: nil)
            return FileHandle(forWritingAtPath: filler)
        }() else { throw TestFailure("cannot create \(filler)") }
        defer { try? handle.close() }
        let chunk = Data(count: 64 * 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        // Whatever is smaller than a chunk, too.
        while (try? handle.write(contentsOf: Data(count: 4096))) != nil {}
        return filler
    }
}

@Suite("Disk full")
struct DiskFullTests {
    @Test("the file system under the database fills up: nothing is acknowledged, the daemon says why and is not ready; once space returns it records every event exactly once by itself",
          .enabled(if: TmpfsMount.possible,
                   "cannot mount a tmpfs here (needs root and a kernel that allows it), so a full disk cannot be made for real"))
    func diskFull() async throws {
        let harness = try await DaemonHarness("diskfull")
        defer { Task { await harness.tearDown() } }
        let mount = try TmpfsMount(harness.statePath, size: "8m")
        let log = harness.directory.appendingPathComponent("daemon.log").path
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_AMQP_URL"] = harness.vhostURL
        let daemon = try spawn([Broker.gridwatchBinary, "run", "--config", harness.configDirectory.appendingPathComponent("gridwatch.yaml").path,
                                "--state-directory", harness.statePath, "--log-level", "info"], environment: environment, output: log)
        defer {
            kill(daemon, SIGKILL)
            _ = waitForExit(daemon)
            mount.unmount()
        }
        let readyz = "http://127.0.0.1:\(harness.metricsPort)/readyz"
        #expect(await harness.eventually(timeout: .seconds(30)) { try MetricsTests.get(readyz).status == 200 })
        let grids = harness.configuration.hierarchy.gridCodes.map(\.rawValue)
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "F-0", grid: grids[0]), messageID: "f-0") == .confirmed)
        #expect(await harness.eventually { try harness.store().cases(CaseFilter()).count == 1 && harness.store().outboxCount() == 0 })

        let filler = try mount.fill()
        let total = 20
        for index in 1...total {
            let json = DaemonHarness.hotline(id: "F-\(index)", grid: grids[index % grids.count])
            #expect(await harness.publish("hotline.12345", json, messageID: "f-\(index)") == .confirmed)
        }
        // The daemon holds the batch unacknowledged while it retries: the purge finds nothing
        // ready. Had it given the messages back they would be purged, had it acknowledged them
        // without recording they would be gone; either way the count at the end would fall short.
        let refused = await harness.eventually(timeout: .seconds(20)) {
            (try String(contentsOfFile: log, encoding: .utf8)).contains("cannot record a batch; retrying, nothing acknowledged")
        }
        #expect(refused, "the log says the batch cannot be recorded")
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("database or disk is full") || text.contains("disk I/O error"), "the log names the store's error")
        #expect(await harness.eventually { try MetricsTests.get(readyz).status == 503 })
        #expect(try MetricsTests.get(readyz).body.contains("store:"))
        try await Task.sleep(for: .seconds(2))
        #expect(try harness.store().cases(CaseFilter()).count == 1, "nothing recorded while the disk is full")
        #expect(try await harness.observer.purge(queue: "gridwatch.intake.hotline") == 0, "nothing given back or ready")

        try FileManager.default.removeItem(atPath: filler)
        let recovered = await harness.eventually(timeout: .seconds(60)) {
            try harness.store().cases(CaseFilter()).count == total + 1
        }
        #expect(recovered, "every event recorded once space returned")
        let keys = try CrashRecoveryTests.sourceKeys(harness.store())
        #expect(keys.sorted() == (0...total).map { "hotline:F-\($0)" }.sorted(), "each request in exactly one case")
        #expect(try harness.store().processed((0...total).map { "f-\($0)" }).count == total + 1)
        #expect(await harness.eventually(timeout: .seconds(30)) { try MetricsTests.get(readyz).status == 200 })
        #expect((try String(contentsOfFile: log, encoding: .utf8)).contains("store is writable again; intake resumed"))
        #expect(await harness.eventually(timeout: .seconds(30)) { try harness.store().outboxCount() == 0 })
    }
}
