import BrokerTestSupport
import Foundation
import Testing

/// Files open to others are reported at start and by `check-config`; the daemon creates its own
/// closed to them.
@Suite("File permissions")
struct FilePermissionTests {
    /// The warning lines of `check-config`'s output.
    static func warnings(_ output: String) -> [String] {
        output.split(separator: "\n").filter { $0.hasPrefix("warning: ") }.map(String.init)
    }

    @Test("check-config warns about a world-writable configuration and a world-readable database, and still succeeds")
    func checkConfig() throws {
        let copy = try ConfigurationCopy("modes-check")
        defer { copy.remove() }
        try FileManager.default.createDirectory(atPath: copy.state.path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o750])
        let database = copy.state.appendingPathComponent("gridwatch.sqlite").path
        #expect(FileManager.default.createFile(atPath: database, contents: Data(), attributes: [.posixPermissions: 0o640]))
        let arguments = ["check-config", "-c", copy.main.path, "--state-directory", copy.state.path]

        let (closedStatus, closed) = try PublishCommandTests.run(arguments)
        #expect(closedStatus == 0)
        #expect(Self.warnings(closed).isEmpty, "nothing to say about closed files: \(closed)")

        let hierarchy = copy.directory.appendingPathComponent("hierarchy.yaml").path
        #expect(chmod(copy.main.path, 0o666) == 0)
        #expect(chmod(hierarchy, 0o660) == 0)
        #expect(chmod(database, 0o644) == 0)
        let (status, output) = try PublishCommandTests.run(arguments)
        #expect(status == 0, "warnings do not fail a reload: \(output)")
        #expect(output.hasPrefix("configuration OK"))
        #expect(Self.warnings(output) == [
            "warning: \(copy.main.path) is group-writable (mode 0666); recommended 0640",
            "warning: \(copy.main.path) is world-writable (mode 0666); recommended 0640",
            "warning: \(hierarchy) is group-writable (mode 0660); recommended 0640",
            "warning: \(database) is world-readable (mode 0644); recommended 0640",
        ], "\(output)")
    }

    @Test("the daemon warns at start about a world-writable configuration, and creates its state directory 0750 and database 0640")
    func daemonStart() async throws {
        let harness = try await DaemonHarness("modes-daemon")
        defer { Task { await harness.tearDown() } }
        let copy = try ConfigurationCopy("modes-daemon")
        defer { copy.remove() }
        #expect(chmod(copy.main.path, 0o666) == 0)
        let state = copy.directory.appendingPathComponent("var/lib/gridwatch")
        let daemon = try DaemonProcess(copy, stateDirectory: state, environment: ["GRIDWATCH_AMQP_URL": harness.vhostURL])
        let connected = await daemon.waitFor("connected to the broker")
        let database = state.appendingPathComponent("gridwatch.sqlite").path
        // While the daemon runs, the database is in WAL mode: all three files exist.
        let modes = [state.path, database, database + "-wal", database + "-shm"].map { ($0, ConfigurationCopy.mode($0)) }
        #expect(daemon.stop() == 0)
        #expect(connected, "\(daemon.text)")

        let warnings = daemon.text.split(separator: "\n").filter { $0.contains("a file is open to others") }
        #expect(warnings.contains { $0.contains("file.path=\(copy.main.path)") && $0.contains("file.mode=0666") && $0.contains("file.problem=world-writable") },
                "\(daemon.text)")
        #expect(warnings.contains { $0.contains("file.path=\(copy.main.path)") && $0.contains("file.problem=group-writable") })
        #expect(warnings.count == 2, "only the configuration file: what the daemon made itself is closed: \(warnings)")
        for (path, mode) in modes {
            let mode = try #require(mode, "\(path) exists")
            #expect(mode & 0o027 == 0, "\(path): nothing for others, nothing written by the group (mode \(String(mode, radix: 8)))")
            #expect(mode & 0o600 == 0o600, "\(path): the daemon reads and writes it")
        }
    }
}
