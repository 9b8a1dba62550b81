import BrokerTestSupport
import Foundation
import GridConfig
@testable import GridwatchDaemon
import GridwatchDomain
import Testing

/// The outbox bodies written by hand (`JSONWriter`) are the JSON `JSONEncoder` writes for the
/// documented `Encodable` bodies.
@Suite struct OutboxBodyTests {
    static let encoder = OutboxEncoder(configuration: try! GridwatchConfiguration.load(
        contentsOf: Broker.repositoryRoot.appendingPathComponent("deploy/config/gridwatch.yaml"))).encoder

    static let texts = [
        "", "plain", "【网格通】新派案件，请签收：燃气泄漏，东直门街道 602室", "quote \" and \\ backslash", "slash / and tab\t",
        "new\nline\r", "control \u{01}\u{1F}\u{7F}", "emoji 🚒", "é composed e\u{301}",
    ]

    static func date(_ rng: inout some RandomNumberGenerator) -> Date {
        Date(timeIntervalSince1970: Double.random(in: -2_208_988_800...7_258_118_400, using: &rng))  // 1900 … 2200
    }

    static func parsed(_ data: Data) throws -> NSDictionary {
        try #require(JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    @Test func notificationBodies() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            func text() -> String { Self.texts.randomElement(using: &rng)! }
            func maybe() -> String? { Bool.random(using: &rng) ? text() : nil }
            let body = OutboxEncoder.NotificationBody(
                id: text(), caseID: text(), reason: text(), level: maybe(), department: maybe(), channel: text(),
                recipients: (0..<Int.random(in: 0...3, using: &rng)).map { _ in .init(person: text(), name: maybe(), phone: maybe()) },
                text: text(), category: text(), severity: text(),
                location: .init(grid: text(), building: maybe(), detail: maybe(), street: maybe(), community: maybe()),
                deadline: Bool.random(using: &rng) ? Self.date(&rng) : nil)
            #expect(try Self.parsed(body.json) == Self.parsed(Self.encoder.encode(body)), "\(body)")
        }
    }

    @Test func eventBodies() throws {
        var rng = SystemRandomNumberGenerator()
        let kinds: [CaseEvent.Kind] = [
            .opened(source: "hotline:REQ-1", severity: .high), .dispatched(level: .grid, signForBy: Date(timeIntervalSince1970: 1_800_000_000)),
            .escalated(from: .grid, to: .community, because: .signForOverdue), .progress(by: "bi-lin", note: "已到场 \"处置\"\n"),
        ]
        for _ in 0..<500 {
            func text() -> String { Self.texts.randomElement(using: &rng)! }
            let kind = kinds.randomElement(using: &rng)!
            let body = OutboxEncoder.EventBody(
                id: text(), caseID: text(), at: Self.date(&rng), event: text(), detail: kind, phase: text(),
                level: Bool.random(using: &rng) ? text() : nil, category: text(), severity: text(),
                sources: (0..<Int.random(in: 0...3, using: &rng)).map { _ in text() })
            let json = body.json(detail: try Self.encoder.encode(kind))
            #expect(try Self.parsed(json) == Self.parsed(Self.encoder.encode(body)), "\(body)")
        }
    }

    @Test func timestampsAreWhatTheISO8601StrategyWrites() throws {
        var rng = SystemRandomNumberGenerator()
        var dates = (0..<2000).map { _ in Self.date(&rng) }
        dates += [0, -1, -0.5, 86_400, 951_782_400, 4_102_444_799.999].map { Date(timeIntervalSince1970: $0) }
        for date in dates {
            let expected = String(decoding: try Self.encoder.encode([date]), as: UTF8.self)
            #expect("[\"\(JSONWriter.iso8601(date))\"]" == expected, "\(date.timeIntervalSince1970)")
        }
    }
}
