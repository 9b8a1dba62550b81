import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GRDB
import GridwatchDaemon
import GridwatchDomain
import Testing

@Suite("Broker loss")
struct BrokerLossTests {
    @Test("the broker restarts mid-stream: the daemon reconnects, nothing is lost, every case is announced")
    func brokerRestart() async throws {
        let port = 5702
        try await runBlocking { try Broker.node(port: port, "start") }
        let harness = try await DaemonHarness("loss", brokerURL: "amqp://guest:guest@127.0.0.1:\(port)/")
        defer {
            Task {
                await harness.tearDown()
                try? await runBlocking { try Broker.node(port: port, "stop") }
            }
        }
        try harness.start()
        let grids = harness.configuration.hierarchy.gridCodes.map(\.rawValue)
        let total = 400
        var restart: Task<Void, Error>?
        for index in 0..<total {
            let json = DaemonHarness.hotline(id: "B-\(index)", code: ["noise", "garbage"][index % 2], grid: grids[index % grids.count])
            // A publisher that retries until confirmed, as a hotline system must.
            var outcome = PublishOutcome.nacked
            for _ in 0..<300 where outcome != .confirmed {
                outcome = await harness.publish("hotline.12345", json, messageID: "b-\(index)")
                if outcome != .confirmed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(outcome == .confirmed)
            if index == 100 { restart = Task { try await runBlocking { try Broker.node(port: port, "restart") } } }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await #require(restart).value

        let all = await harness.eventually(timeout: .seconds(60)) {
            try CrashRecoveryTests.sourceKeys(harness.store()).count == total
        }
        #expect(all, "every request is recorded exactly once")
        #expect(await harness.eventually(timeout: .seconds(30)) { try harness.store().outboxCount() == 0 },
                "everything committed was published and confirmed")
        // Every case's "opened" event reached the cases exchange at least once.
        let store = try harness.store()
        let caseIDs = Set(try store.cases(CrashRecoveryTests.all).map(\.id.rawValue))
        let events = await harness.waitFor(GridwatchTopology.caseEventsQueue, timeout: .seconds(30)) { received in
            caseIDs.isSubset(of: Set(received.filter { $0.routingKey == "case.opened" }.compactMap { $0.json["caseID"] as? String }))
        }
        let announced = Set(events.filter { $0.routingKey == "case.opened" }.compactMap { $0.json["caseID"] as? String })
        #expect(caseIDs.isSubset(of: announced), "not announced: \(caseIDs.subtracting(announced).prefix(5))")
        // Duplicates downstream carry the same message id, so they can be dropped.
        let ids = events.compactMap(\.messageID)
        #expect(Set(ids).count == Set(events.map { "\($0.messageID ?? "")|\($0.routingKey)" }).count)
    }

    @Test("the broker is away for 45 s: the daemon stays up, says it is not ready, keeps firing deadlines into the store, and afterwards records and publishes everything once")
    func brokerAway() async throws {
        // A node of this test's own: the restart test above has 5702, and both may run at once.
        let port = 5732
        try await runBlocking { try Broker.node(port: port, "start") }
        let harness = try await DaemonHarness("away", shortDeadlines: true, brokerURL: "amqp://guest:guest@127.0.0.1:\(port)/")
        // Cleaned up at the end of the test, awaited; the deferred task only if it ended early.
        var finished = false
        defer {
            if !finished {
                Task {
                    await harness.tearDown()
                    try? await runBlocking { try Broker.node(port: port, "stop") }
                }
            }
        }
        // Cases climb to the top within seconds; reminders there every 20 s rather than 2 s keep
        // the backlog the outage builds small enough to publish within the test's time.
        let policies = harness.configDirectory.appendingPathComponent("policies.yaml")
        try (try String(contentsOf: policies, encoding: .utf8)).replacingOccurrences(of: "reminderEvery: 2s", with: "reminderEvery: 20s")
            .write(to: policies, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: harness.statePath, withIntermediateDirectories: true)
        let log = harness.directory.appendingPathComponent("daemon.log").path
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_AMQP_URL"] = harness.vhostURL
        let daemon = try spawn([Broker.gridwatchBinary, "run", "--config", harness.configDirectory.appendingPathComponent("gridwatch.yaml").path,
                                "--state-directory", harness.statePath, "--log-level", "info"], environment: environment, output: log)
        defer {
            if !finished {
                kill(daemon, SIGTERM)
                _ = waitForExit(daemon)
            }
        }
        let readyz = "http://127.0.0.1:\(harness.metricsPort)/readyz"
        #expect(await harness.eventually(timeout: .seconds(30)) { try MetricsTests.get(readyz).status == 200 })

        // A burst, and the broker goes at once: some requests are still in their queue.
        let grids = harness.configuration.hierarchy.gridCodes.map(\.rawValue)
        let before = 200
        for index in 0..<before {
            let json = DaemonHarness.hotline(id: "W-\(index)", code: ["noise", "garbage"][index % 2], grid: grids[index % grids.count])
            #expect(await harness.publish("hotline.12345", json, messageID: "w-\(index)") == .confirmed)
        }
        try await runBlocking { try Broker.node(port: port, "stop") }
        let away = Date()
        let outage = ContinuousClock.now

        #expect(await harness.eventually(timeout: .seconds(15)) {
            let (status, body) = try MetricsTests.get(readyz)
            return status == 503 && body.contains("broker: not connected")
        }, "/readyz says the broker is not connected")
        // Deadlines (2 s sign-for) go on firing into the store with no broker to publish to.
        let escalated = await harness.eventually(timeout: .seconds(30)) {
            let db = try DatabaseQueue(path: harness.databasePath, configuration: Self.readOnly)
            return try db.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM case_events WHERE kind IN ('escalated', 'reminded') AND at > ?",
                                 arguments: [away.timeIntervalSince1970 + 1]) ?? 0
            } > 0
        }
        #expect(escalated, "deadlines fire while the broker is away")
        try await Task.sleep(until: outage + .seconds(45), clock: .continuous)
        #expect(kill(daemon, 0) == 0, "the daemon is still running")
        #expect(try MetricsTests.get(readyz).status == 503)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("cannot connect to the broker") || text.contains("connection to the broker ended"))

        try await runBlocking { try Broker.node(port: port, "start") }
        // The daemon's backoff is capped at 30 s.
        #expect(await harness.eventually(timeout: .seconds(45)) { try MetricsTests.get(readyz).status == 200 }, "ready again")
        let after = 50
        for index in before..<(before + after) {
            let json = DaemonHarness.hotline(id: "W-\(index)", code: ["noise", "garbage"][index % 2], grid: grids[index % grids.count])
            var outcome = PublishOutcome.nacked
            for _ in 0..<100 where outcome != .confirmed {
                outcome = await harness.publish("hotline.12345", json, messageID: "w-\(index)")
                if outcome != .confirmed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(outcome == .confirmed)
        }
        let total = before + after
        #expect(await harness.eventually(timeout: .seconds(60)) { try CrashRecoveryTests.sourceKeys(harness.store()).count == total },
                "every request recorded")
        let keys = try CrashRecoveryTests.sourceKeys(harness.store())
        #expect(keys.sorted() == (0..<total).map { "hotline:W-\($0)" }.sorted(), "each request in exactly one case")
        #expect(await harness.eventually(timeout: .seconds(30)) { try harness.store().outboxCount() == 0 }, "the outbox drained")
        // Every history row, those written while the broker was away included, reached the cases
        // exchange. More rows may come (reminders every 2 s); those read so far must all be there.
        let db = try DatabaseQueue(path: harness.databasePath, configuration: Self.readOnly)
        let stored = Set(try await db.read { try String.fetchAll($0, sql: "SELECT id FROM case_events") })
        let whileAway = try await db.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM case_events WHERE at > ? AND at < ?",
                             arguments: [away.timeIntervalSince1970, away.timeIntervalSince1970 + 45]) ?? 0
        }
        #expect(whileAway > 0)
        let events = await harness.waitFor(GridwatchTopology.caseEventsQueue, timeout: .seconds(60)) { received in
            stored.isSubset(of: Set(received.compactMap(\.messageID)))
        }
        let published = Set(events.compactMap(\.messageID))
        #expect(stored.isSubset(of: published), "not published: \(stored.subtracting(published).sorted().prefix(5))")

        kill(daemon, SIGTERM)
        #expect(waitForExit(daemon) == 0, "a clean stop after the outage")
        finished = true
        await harness.tearDown()
        try await runBlocking { try Broker.node(port: port, "stop") }
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }
}
