import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GridwatchDaemon
import GridwatchDomain
import Testing

@Suite("The daemon end to end: broker in, SQLite, broker out")
struct PipelineTests {
    @Test("a hotline request is recorded and produces the dispatch notification and the case events")
    func hotlineDispatch() async throws {
        let harness = try await DaemonHarness("hotline")
        defer { Task { await harness.tearDown() } }
        try harness.start()
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "REQ-1"), messageID: "m-1") == .confirmed)

        let notifications = await harness.drain("gridwatch.notify.sms", atLeast: 1)
        let dispatch = try #require(notifications.first { $0.type == "notification.dispatched" })
        #expect(dispatch.routingKey == "sms.grid")
        #expect((dispatch.json["text"] as? String)?.contains("新派案件") == true)
        #expect((dispatch.json["text"] as? String)?.contains("工人体育馆第1网格") == true)
        let recipients = try #require(dispatch.json["recipients"] as? [[String: Any]])
        #expect(!recipients.isEmpty)
        #expect(dispatch.json["deadline"] != nil)
        let caseID = try #require(dispatch.json["caseID"] as? String)

        let events = await harness.drain(GridwatchTopology.caseEventsQueue, atLeast: 2)
        #expect(events.map(\.routingKey).prefix(2) == ["case.opened", "case.dispatched"])
        #expect(events.allSatisfy { $0.json["caseID"] as? String == caseID })
        #expect((events.first?.json["sources"] as? [String]) == ["hotline:REQ-1"])

        let store = try harness.store()
        let detail = try #require(try store.caseDetail(CaseID(caseID)))
        #expect(detail.machine.phase == .dispatched)
        #expect(detail.deadlines.count == 1)
        // A row leaves the outbox when its confirm arrives, which may be just after its consumer
        // has the message.
        #expect(await harness.eventually { try store.outboxCount() == 0 }, "everything published was confirmed and removed")

        // The same request again (a redelivery, or the hotline system retrying): nothing new.
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "REQ-1"), messageID: "m-1") == .confirmed)
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "REQ-1"), messageID: "m-1b") == .confirmed)
        try await Task.sleep(for: .seconds(1))
        #expect(try store.cases(CaseFilter()).count == 1)
        #expect(await harness.drain(GridwatchTopology.caseEventsQueue, atLeast: 1, timeout: .seconds(1)).isEmpty)
    }

    @Test("an unsigned case climbs grid → community → street → district; a sign-for stops the climb")
    func escalation() async throws {
        let harness = try await DaemonHarness("escalation", shortDeadlines: true)
        defer { Task { await harness.tearDown() } }
        try harness.start()
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "ESC-1")) == .confirmed)

        func escalations(_ events: [Received]) -> [String] {
            events.filter { $0.routingKey == "case.escalated" }.compactMap { event -> String? in
                guard let detail = event.json["detail"] as? [String: Any], let escalated = detail["escalated"] as? [String: Any] else { return nil }
                return "\(escalated["from"] ?? "?")→\(escalated["to"] ?? "?")"
            }
        }
        // At the district: reminders, never silence.
        let events = await harness.waitFor(GridwatchTopology.caseEventsQueue, timeout: .seconds(30)) {
            escalations($0).count >= 3 && $0.contains { $0.routingKey == "case.reminded" }
        }
        #expect(escalations(events) == ["0→1", "1→2", "2→3"], "one level at a time, up to the district")
        #expect(events.contains { $0.routingKey == "case.reminded" })
        let notifications = await harness.waitFor("gridwatch.notify.app", timeout: .seconds(5)) {
            $0.filter { $0.type == "notification.escalated" }.count >= 3
        }
        let escalatedLevels = notifications.filter { $0.type == "notification.escalated" }.map(\.routingKey)
        #expect(escalatedLevels == ["app.community", "app.street", "app.district"])
        #expect(notifications.contains { $0.type == "notification.informed" }, "the level below is kept informed")

        // A second case (another grid, so it does not fold into the first) signed for by its
        // grid worker in time does not climb.
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "ESC-2", grid: "110101008001002")) == .confirmed)
        let opened = await harness.waitFor(GridwatchTopology.caseEventsQueue, timeout: .seconds(5)) {
            $0.contains { ($0.json["sources"] as? [String]) == ["hotline:ESC-2"] }
        }
        let second = try #require(opened.first { ($0.json["sources"] as? [String]) == ["hotline:ESC-2"] }?.json["caseID"] as? String)
        let signFor = #"{"caseId": "\#(second)", "type": "signFor", "sentAt": "\#(DaemonHarness.iso(Date()))"}"#
        #expect(await harness.publish("field.app", signFor, person: "gw-0014") == .confirmed)
        try await Task.sleep(for: .seconds(5))
        let store = try harness.store()
        let detail = try #require(try store.caseDetail(CaseID(second)))
        #expect(detail.machine.phase == .signedFor)
        #expect(!detail.history.contains { if case .escalated = $0.kind { true } else { false } })
    }

    @Test("the gas-leak emergency alerts grid, community and street at once and summons the gas company and property")
    func gasLeak() async throws {
        let harness = try await DaemonHarness("gasleak")
        defer { Task { await harness.tearDown() } }
        try harness.start()
        let alarm = """
            {"identifier": "GAS-38-\(UUID().uuidString.prefix(6))", "sender": "gateway-dongzhimen", "sent": "\(DaemonHarness.iso(Date()))",
             "status": "Actual", "msgType": "Alert",
             "info": {"event": "combustible-gas", "urgency": "Immediate", "severity": "Extreme", "certainty": "Observed"},
             "deviceId": "gas-110101008001001-38"}
            """
        #expect(await harness.publish("alarm.gas", alarm) == .confirmed)
        let events = await harness.drain(GridwatchTopology.caseEventsQueue, atLeast: 4, timeout: .seconds(10))
        let summoned = events.filter { $0.routingKey == "case.summoned" }.compactMap {
            (($0.json["detail"] as? [String: Any])?["summoned"] as? [String: Any])?["_0"] as? String
        }
        #expect(Set(summoned).isSuperset(of: ["gas-company", "property-management"]), "summoned: \(summoned)")
        var levels = Set<String>()
        for queue in ["gridwatch.notify.sms", "gridwatch.notify.app", "gridwatch.notify.voice"] {
            for message in await harness.drain(queue, atLeast: 3, timeout: .seconds(2)) { levels.insert(message.routingKey.split(separator: ".").last.map(String.init) ?? "") }
        }
        #expect(levels.isSuperset(of: ["grid", "community", "street"]), "levels notified: \(levels)")
        let caseID = try #require(events.first?.json["caseID"] as? String)
        let detail = try #require(try harness.store().caseDetail(CaseID(caseID)))
        #expect(detail.machine.severity == .critical)
        #expect(detail.machine.context.location.building?.rawValue == "b-110101008001001-38")
    }

    @Test("a poison message goes to the dead-letter queue with its reason while the stream behind it flows")
    func poisonMessage() async throws {
        let harness = try await DaemonHarness("poison")
        defer { Task { await harness.tearDown() } }
        try harness.start()
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "OK-1")) == .confirmed)
        #expect(await harness.publish("hotline.12345", #"{"service_request_id": "BAD-1", "status": "open"}"#, messageID: "poison-1") == .confirmed)
        #expect(await harness.publish("hotline.12345", "not json at all", messageID: "poison-2") == .confirmed)
        #expect(await harness.publish("alarm.gas", DaemonHarness.hotline(id: "X"), messageID: "poison-3") == .confirmed)
        for index in 2...5 {
            #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "OK-\(index)", grid: "110101008001002")) == .confirmed)
        }
        let dead = await harness.drain(GridwatchTopology.deadQueue, atLeast: 3, timeout: .seconds(10))
        let reasons = Dictionary(uniqueKeysWithValues: dead.compactMap { message -> (String, String)? in
            guard let id = message.messageID else { return nil }
            return (id, message.reason ?? "")
        })
        #expect(Set(reasons.keys) == ["poison-1", "poison-2", "poison-3"])
        #expect(reasons["poison-1"]?.hasPrefix("missing_field") == true, "\(reasons)")
        #expect(reasons["poison-2"] == "invalid_json", "\(reasons)")
        #expect(reasons["poison-3"]?.isEmpty == false, "\(reasons)")
        #expect(await harness.eventually { try harness.store().cases(CaseFilter()).count == 2 },
                "the good requests around the poison were all handled (OK-1 alone, OK-2…5 fold into one case)")
    }
}
