import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GridwatchDaemon
import GridwatchDomain
import Testing

@Suite("Crash recovery of the daemon process")
struct CrashRecoveryTests {
    @Test("SIGKILL mid-stream and restart: no event lost, no case duplicated, pending deadlines still fire")
    func killAndRestart() async throws {
        let harness = try await DaemonHarness("crash", shortDeadlines: true)
        defer { Task { await harness.tearDown() } }
        try FileManager.default.createDirectory(atPath: harness.statePath, withIntermediateDirectories: true)
        let binary = Broker.gridwatchBinary
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_AMQP_URL"] = harness.vhostURL
        let arguments = [binary, "run", "--config", harness.configDirectory.appendingPathComponent("gridwatch.yaml").path,
                         "--state-directory", harness.statePath, "--log-level", "warning"]
        let log = harness.directory.appendingPathComponent("daemon.log").path

        // 600 requests over every grid and three categories: some open cases, some fold.
        let grids = harness.configuration.hierarchy.gridCodes.map(\.rawValue)
        let codes = ["garbage", "noise", "street-vending"]
        let total = 600
        let published = Set((0..<total).map { "hotline:K-\($0)" })
        let first = try spawn(arguments, environment: environment, output: log)
        // The stream goes on while the daemon is killed and restarted (about 200 a second).
        let publisher = Task {
            var confirmed = 0
            for index in 0..<total {
                let json = DaemonHarness.hotline(id: "K-\(index)", code: codes[index % codes.count], grid: grids[index % grids.count])
                if await harness.publish("hotline.12345", json, messageID: "k-\(index)") == .confirmed { confirmed += 1 }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return confirmed
        }
        #expect(await harness.eventually(timeout: .seconds(60)) { try harness.store().cases(Self.all).count >= 20 })
        kill(first, SIGKILL)
        #expect(waitForExit(first) == 128 + SIGKILL)
        let recordedAtKill = try Self.sourceKeys(harness.store()).count
        #expect(recordedAtKill < total, "the kill came in the middle of the stream")
        let killedAt = Date()
        let second = try spawn(arguments, environment: environment, output: log)
        defer {
            kill(second, SIGTERM)
            _ = waitForExit(second)
        }

        #expect(await publisher.value == total)
        // Every request ends in exactly one case.
        let allThere = await harness.eventually(timeout: .seconds(90)) {
            try Self.sourceKeys(harness.store()).count == total
        }
        #expect(allThere)
        let keys = try Self.sourceKeys(harness.store())
        #expect(Set(keys) == published, "missing: \(published.subtracting(keys).sorted().prefix(5))")
        #expect(keys.count == Set(keys).count, "a request counted in two cases")

        // Deadlines scheduled before the kill fire after the restart (2 s sign-for deadlines).
        let escalatedAfterRestart = await harness.eventually(timeout: .seconds(30)) {
            let store = try harness.store()
            return try store.cases(Self.all).contains { summary in
                guard let detail = try store.caseDetail(summary.id) else { return false }
                return detail.history.contains { event in
                    if case .escalated = event.kind { return event.at > killedAt }
                    return false
                }
            }
        }
        #expect(escalatedAfterRestart)
    }

    static var all: CaseFilter {
        var filter = CaseFilter()
        filter.limit = 100_000
        return filter
    }

    /// Every report source key of every case (with repeats, if a report were in two cases).
    static func sourceKeys(_ store: SQLiteCaseStore) throws -> [String] {
        try store.cases(all).flatMap { summary in
            try store.caseDetail(summary.id)?.machine.reports.map(\.report.sourceKey) ?? []
        }
    }
}
