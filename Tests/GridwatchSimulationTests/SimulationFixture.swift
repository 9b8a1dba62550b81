import Foundation
import GridConfig

/// A small day of events with outcomes known from the sample policy (deploy/config/policies.yaml:
/// a normal case must be signed for within 2 h at the grid, 2 h at the community, 1 h at the
/// street, 1 h at the district, which is then reminded every 4 h).
enum SimulationFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let configPath = repository.appendingPathComponent("deploy/config/gridwatch.yaml").path

    static func configuration() throws -> GridwatchConfiguration {
        try GridwatchConfiguration.load(contentsOf: URL(fileURLWithPath: configPath))
    }

    /// 2026-11-02 09:00 Beijing time.
    static let t0 = Date(timeIntervalSince1970: 1_793_581_200)
    static let until = t0.addingTimeInterval(24 * 3600)

    /// Noise in grid 1, which nobody signs for: it climbs grid → community → street → district.
    static let unanswered = "hotline:12345-T-0001"
    /// Garbage in grid 2, signed for in time, handled, verified and rated: it ends without climbing.
    static let answered = "hotline:12345-T-0002"

    static let lines: [String] = [
        #"# a comment, then a blank line, both skipped"#,
        "",
        event(0, "hotline.12345", request("12345-T-0001", "noise", grid: "110101008001001", at: 0)),
        event(10, "hotline.12345", request("12345-T-0002", "garbage", grid: "110101008001002", at: 10)),
        // The broker delivers the same message again: counted once, as a duplicate.
        event(10, "hotline.12345", request("12345-T-0002", "garbage", grid: "110101008001002", at: 10)),
        event(30, "field.app", field("signFor", at: 30), person: "gw-0014", caseOf: answered),
        event(60, "field.app", field("handled", at: 60, #","note":"清运完毕""#), person: "gw-0014", caseOf: answered),
        event(120, "field.app", field("verify", at: 120, #","passed":true,"note":"核查通过""#), person: "gs-0017", caseOf: answered),
        event(180, "field.app", field("rate", at: 180, #","satisfied":true"#), caseOf: answered),
        // Invalid: a category the catalogue does not have, and a request stamped 8 days before it arrived.
        event(200, "hotline.12345", request("12345-T-0003", "pet-adoption", grid: "110101008001001", at: 200)),
        event(210, "hotline.12345", request("12345-T-0004", "noise", grid: "110101008001001", at: 210 - 8 * 24 * 60)),
        #"{"at": "not a time", "routingKey": "hotline.12345", "body": {}}"#,
    ]

    static var jsonLines: Data { Data(lines.joined(separator: "\n").utf8) }

    static func time(_ minutes: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        return formatter.string(from: t0.addingTimeInterval(minutes * 60))
    }

    static func event(_ minutes: Double, _ routingKey: String, _ body: String, person: String? = nil, caseOf: String? = nil) -> String {
        var line = #"{"at":"\#(time(minutes))","routingKey":"\#(routingKey)","body":\#(body)"#
        if let person { line += #","person":"\#(person)""# }
        if let caseOf { line += #","caseOf":"\#(caseOf)""# }
        return line + "}"
    }

    static func request(_ id: String, _ code: String, grid: String, at minutes: Double) -> String {
        #"{"service_request_id":"\#(id)","status":"open","service_code":"\#(code)","requested_datetime":"\#(time(minutes))","grid_code":"\#(grid)"}"#
    }

    static func field(_ type: String, at minutes: Double, _ more: String = "") -> String {
        #"{"type":"\#(type)","sentAt":"\#(time(minutes))"\#(more)}"#
    }
}
