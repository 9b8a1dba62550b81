import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GridwatchDaemon
import GridwatchDomain
import Testing

/// Hostile messages through the real broker into the running daemon: each ends in
/// gridwatch.dead with the reason a dead-letter consumer can act on, a redelivered id is applied
/// once, and the valid request behind them all still opens its case.
@Suite("Hostile input against the running daemon")
struct HostileMessageTests {
    /// A hotline request with `replacing` pairs applied to its JSON text.
    static func hotline(_ id: String, grid: String = "110101008001002", at: Date = Date(), _ replacing: [(String, String)] = []) -> String {
        var text = DaemonHarness.hotline(id: id, grid: grid, at: at)
        for (from, to) in replacing { text = text.replacingOccurrences(of: from, with: to) }
        return text
    }

    static func fieldUpdate(_ caseID: String, _ type: String, _ extra: String = "") -> String {
        #"{"caseId": "\#(caseID)", "type": "\#(type)", "sentAt": "\#(DaemonHarness.iso(Date()))"\#(extra)}"#
    }

    /// Routing key, body and the `x-gridwatch-reason` it must be dead-lettered with, by message id.
    static func hostile(closedCase: String) -> [String: (routingKey: String, body: Data, reason: String)] {
        let at = Date()
        let now = DaemonHarness.iso(at)
        let longKey = String(repeating: "k", count: 65_000)
        return [
            "oversized": ("hotline.12345", Data(hotline("H-BIG", [("楼道堆放杂物", String(repeating: "杂", count: 100_000))]).utf8), "too_large"),
            // Foundation's JSON parser traps on a body whose 513th opening bracket is its last byte.
            "deep-513": ("hotline.12345", Data((#"{"service_request_id": "# + String(repeating: "[", count: 512)).utf8), "too_deep"),
            "deep-30000": ("hotline.12345", Data((String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)).utf8), "too_deep"),
            "not-utf8": ("hotline.12345", Data(Array(#"{"service_request_id": "H-"#.utf8) + [0xFF, 0xFE] + Array(#"", "status": "open"}"#.utf8)),
                         "invalid_json"),
            "wrong-type": ("hotline.12345", Data(hotline("H-TYPE", [(#""H-TYPE""#, "12345")]).utf8), "wrong_type:service_request_id"),
            "huge-number": ("hotline.12345", Data(hotline("H-HUGE", [(#""grid_code""#, #""lat": 1e400, "long": 116.42, "grid_code""#)]).utf8),
                            "invalid_json"),
            "far-future": ("hotline.12345", Data(hotline("H-FUTURE", at: at, [(now, "9999-12-31T23:59:59+08:00")]).utf8), "in_future:requested_datetime"),
            "far-past": ("hotline.12345", Data(hotline("H-PAST", at: at, [(now, "0001-01-01T00:00:00Z")]).utf8), "too_old:requested_datetime"),
            "unknown-enum": ("hotline.12345", Data(hotline("H-ENUM", [(#""open""#, #""reopened""#)]).utf8), "unknown_value:status"),
            "duplicate-key": ("hotline.12345", Data(hotline("H-DUPKEY", [(#""status": "open""#, #""status": "open", "status": "closed""#)]).utf8),
                              "duplicate_field:status"),
            // This key went into the reason and the detail header whole, and into the log.
            "long-key": ("hotline.12345", Data(hotline("H-KEY", [(#""grid_code""#, #""\#(longKey)": 1, "grid_code""#)]).utf8),
                         "unknown_field:" + String(repeating: "k", count: 64) + "…"),
            "no-such-case": ("field.app", Data(fieldUpdate("GW-DOESNOTEXIST", "signFor").utf8), "unknown_case"),
            "closed-case": ("field.app", Data(fieldUpdate(closedCase, "progress", #", "note": "又去看了一次""#).utf8), "rejected:caseEnded"),
        ]
    }

    @Test("hostile messages are dead-lettered with their reasons, a repeated id is applied once, and the request behind them opens its case")
    func hostileMix() async throws {
        let harness = try await DaemonHarness("hostile")
        defer { Task { await harness.tearDown() } }
        try harness.start()

        // A case taken all the way to closed: signed for, handled, verified by the grid's supervisor.
        #expect(await harness.publish("hotline.12345", Self.hotline("H-CLOSE", grid: "110101008001001"), messageID: "close-0") == .confirmed)
        let opened = await harness.waitFor(GridwatchTopology.caseEventsQueue) { $0.contains { $0.routingKey == "case.opened" } }
        let closedCase = try #require(opened.first { $0.routingKey == "case.opened" }?.json["caseID"] as? String)
        #expect(await harness.publish("field.app", Self.fieldUpdate(closedCase, "signFor"), messageID: "close-1", person: "gw-0007") == .confirmed)
        #expect(await harness.publish("field.app", Self.fieldUpdate(closedCase, "handled", #", "note": "已清理""#), messageID: "close-2",
                                      person: "gw-0007") == .confirmed)
        #expect(await harness.publish("field.app", Self.fieldUpdate(closedCase, "verify", #", "passed": true"#), messageID: "close-3",
                                      person: "gs-0010") == .confirmed)
        let closing = await harness.waitFor(GridwatchTopology.caseEventsQueue) { $0.contains { $0.routingKey == "case.closed" } }
        #expect(closing.contains { $0.routingKey == "case.closed" && $0.json["caseID"] as? String == closedCase })

        let hostile = Self.hostile(closedCase: closedCase)
        for (id, message) in hostile.sorted(by: { $0.key < $1.key }) {
            #expect(await harness.publish(message.routingKey, body: message.body, messageID: id, person: "gw-0007") == .confirmed, "\(id)")
        }
        // The same request three times: twice with one message id (a redelivery), once with another (a retry).
        for messageID in ["dup-1", "dup-1", "dup-2"] {
            #expect(await harness.publish("hotline.12345", Self.hotline("H-DUP"), messageID: messageID) == .confirmed)
        }
        #expect(await harness.publish("hotline.12345", Self.hotline("H-AFTER", grid: "110101008001003"), messageID: "after") == .confirmed)

        let events = await harness.waitFor(GridwatchTopology.caseEventsQueue, timeout: .seconds(30)) { events in
            events.contains { $0.routingKey == "case.opened" && ($0.json["sources"] as? [String]) == ["hotline:H-AFTER"] }
        }
        #expect(events.contains { $0.routingKey == "case.opened" && ($0.json["sources"] as? [String]) == ["hotline:H-AFTER"] },
                "the valid request behind the hostile ones opened its case")
        let duplicates = events.filter { $0.routingKey == "case.opened" && ($0.json["sources"] as? [String]) == ["hotline:H-DUP"] }
        #expect(duplicates.count == 1, "the repeated request opened one case")

        let dead = await harness.waitFor(GridwatchTopology.deadQueue, timeout: .seconds(30)) { $0.count >= hostile.count }
        let reasons = Dictionary(dead.map { ($0.messageID ?? "?", $0.reason ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(Set(reasons.keys) == Set(hostile.keys), "exactly the hostile messages are dead-lettered: \(reasons.keys.sorted())")
        for (id, message) in hostile {
            #expect(reasons[id] == message.reason, "\(id)")
        }
        #expect(dead.count == hostile.count, "each once")

        let store = try harness.store()
        #expect(try store.caseID(forSourceKey: "hotline:H-DUP") != nil)
        #expect(try store.cases(CaseFilter()).count == 3, "H-CLOSE, H-DUP and H-AFTER; nothing from the hostile ones")
        #expect(try store.caseDetail(CaseID(closedCase))?.machine.phase == .closed)
    }
}

extension DaemonHarness {
    /// Publishes any bytes as an intake message, as the test broker's guest.
    func publish(_ routingKey: String, body: Data, messageID: String, person: String? = nil) async -> PublishOutcome {
        var properties = MessageProperties(contentType: "application/json", messageID: messageID, userID: "guest")
        if let person { properties.headers["x-gridwatch-person"] = .string(person) }
        return await observer.publish(OutgoingMessage(
            exchange: GridwatchTopology.intakeExchange, routingKey: routingKey, body: body, properties: properties))
    }
}
