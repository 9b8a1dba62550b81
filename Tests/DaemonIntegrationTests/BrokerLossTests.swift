import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
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
}
