import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GridwatchDaemon
import Testing

@Suite("SIGHUP reloads the configuration")
struct ReloadTests {
    @Test("an invalid configuration is refused and the old one kept; a valid one takes effect; open cases keep their state")
    func reload() async throws {
        let harness = try await DaemonHarness("reload")
        defer { Task { await harness.tearDown() } }
        try FileManager.default.createDirectory(atPath: harness.statePath, withIntermediateDirectories: true)
        let main = harness.configDirectory.appendingPathComponent("gridwatch.yaml")
        let original = try String(contentsOf: main, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_AMQP_URL"] = harness.vhostURL
        let log = harness.directory.appendingPathComponent("daemon.log").path
        let pid = try spawn([Broker.gridwatchBinary, "run",
                             "--config", main.path, "--state-directory", harness.statePath], environment: environment, output: log)
        defer {
            kill(pid, SIGTERM)
            _ = waitForExit(pid)
        }
        func logText() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(await harness.eventually { logText().contains("connected to the broker") })
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "R-1")) == .confirmed)
        #expect(await harness.eventually { try harness.store().cases(CaseFilter()).count == 1 })

        // Broken YAML: refused, the daemon carries on with what it had.
        try (original + "\ncorrelation: [not, a, mapping\n").write(to: main, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        #expect(await harness.eventually { logText().contains("configuration NOT reloaded") })
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "R-2", grid: "110101008001002")) == .confirmed)
        #expect(await harness.eventually { try harness.store().cases(CaseFilter()).count == 2 }, "still working on the old configuration")

        // Valid, and different: guest may no longer send hotline requests.
        let narrowed = original.replacingOccurrences(
            of: "guest: [hotline, alarm, camera, care, field, callback]", with: "guest: [alarm, camera, care, field, callback]")
        #expect(narrowed != original)
        try narrowed.write(to: main, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        #expect(await harness.eventually { logText().contains("configuration reloaded") })
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "R-3", grid: "110101008001003"), messageID: "r-3") == .confirmed)
        let dead = await harness.waitFor(GridwatchTopology.deadQueue, timeout: .seconds(10)) { $0.contains { $0.messageID == "r-3" } }
        #expect(dead.first { $0.messageID == "r-3" }?.reason == "untrusted_sender")
        let store = try harness.store()
        #expect(try store.cases(CaseFilter()).count == 2)
        #expect(try store.cases(CaseFilter()).allSatisfy { $0.phase == .dispatched }, "open cases kept their state")
    }
}
