import BrokerTestSupport
import CaseStore
import Foundation
import GridwatchDaemon
import Intake
import Testing

@Suite("gridwatch publish")
struct PublishCommandTests {
    static let binary = Broker.gridwatchBinary

    /// Runs the command and returns its standard output.
    static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (Int32, String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try spawn([binary] + arguments, environment: environment, output: output)
        let status = waitForExit(pid)
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    @Test("bodies built from flags are messages the intake accepts", arguments: [
        (MessageKind.hotlineRequest, ["hotline", "--service-code", "gas-leak", "--grid", "110101008001001", "--description", "38号楼燃气味"]),
        (.alarm, ["alarm", "--device", "gas-110101008001001-38", "--event", "combustible-gas"]),
        (.cameraDetection, ["camera", "--device", "cam-110101008001001-01", "--detection", "ebikeInLift", "--confidence", "0.9"]),
        (.careInactivity, ["care", "--device", "care-110101008001001-01", "--signal", "water", "--inactive-since", "2026-01-01T00:00:00Z"]),
        (.fieldUpdate, ["field", "--case", "GW-1", "--type", "progress", "--note", "已到现场"]),
    ])
    func flagsMakeValidMessages(kind: MessageKind, arguments: [String]) throws {
        var args = ["publish"] + arguments + ["--dry-run"]
        if kind == .careInactivity {
            // inactiveSince must lie within the intake's age limit: yesterday.
            args[args.firstIndex(of: "2026-01-01T00:00:00Z")!] = Date().addingTimeInterval(-86_400).formatted(.iso8601)
        }
        let (status, output) = try Self.run(args)
        #expect(status == 0)
        let decoded = IntakeDecoder().decode(kind, body: Data(output.utf8), now: Date())
        if case .failure(let error) = decoded { Issue.record("\(kind): \(error) in \(output)") }
    }

    @Test("a request sent with flags reaches the daemon and opens a case")
    func endToEnd() async throws {
        let harness = try await DaemonHarness("publish-cli")
        defer { Task { await harness.tearDown() } }
        try harness.start()
        let (status, output) = try await Task.detached {
            try Self.run(["publish", "hotline", "--url", harness.vhostURL, "--id", "CLI-1", "--service-code", "noise",
                          "--grid", "110101008001002", "--description", "夜间施工噪声"])
        }.value
        #expect(status == 0, "\(output)")
        #expect(output.contains("confirmed"))
        #expect(await harness.eventually { try harness.store().caseID(forSourceKey: "hotline:CLI-1") != nil })
    }
}
