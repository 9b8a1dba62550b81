import Foundation

/// One line of a simulation file: a message as it would have arrived on the intake exchange,
/// and when.
///
/// ```json
/// {"at": "2026-11-02T08:15:00+08:00", "routingKey": "hotline.12345", "body": {…}}
/// {"at": "2026-11-02T08:40:00+08:00", "routingKey": "field.app", "person": "gw-0007",
///  "caseOf": "hotline:12345-20261102-0001", "body": {"type": "signFor", "sentAt": "…"}}
/// ```
///
/// `body` is the message JSON exactly as publishers send it (deploy/schemas/examples). `person`
/// and `department` stand for the headers `x-gridwatch-person` and `x-gridwatch-department`; a
/// field update without `person` comes from the hotline centre's callback. `caseOf` names a
/// report source key; the simulator puts that report's case id into the body's `caseId`, since
/// case ids are assigned while the file is replayed.
public struct SimulationEvent: Sendable, Hashable {
    /// 1-based line number in the file, for messages about it.
    public var line: Int
    public var at: Date
    public var routingKey: String
    public var body: Data
    public var person: String?
    public var department: String?
    /// The broker message id; without one, an id derived from routing key and body, as the
    /// daemon derives it, so a repeated line counts as a redelivery.
    public var messageID: String?
    public var caseOf: String?

    public init(line: Int, at: Date, routingKey: String, body: Data, person: String? = nil, department: String? = nil,
                messageID: String? = nil, caseOf: String? = nil) {
        self.line = line
        self.at = at
        self.routingKey = routingKey
        self.body = body
        self.person = person
        self.department = department
        self.messageID = messageID
        self.caseOf = caseOf
    }
}

/// A line that is not a simulation event (not JSON, or without `at`, `routingKey` or `body`).
public struct UnreadableLine: Error, Sendable, Hashable, Codable {
    public var line: Int
    public var reason: String
}

/// A simulation file, read whole: events in time order (lines with the same `at` keep their
/// order) and the lines that could not be read.
public struct SimulationInput: Sendable {
    public var events: [SimulationEvent]
    public var unreadable: [UnreadableLine]

    public init(events: [SimulationEvent], unreadable: [UnreadableLine] = []) {
        self.events = events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        self.unreadable = unreadable
    }

    /// Reads JSON Lines; blank lines and lines starting with `#` are skipped.
    public init(contentsOf url: URL) throws {
        try self.init(jsonLines: Data(contentsOf: url))
    }

    public init(jsonLines data: Data) {
        var events: [SimulationEvent] = []
        var unreadable: [UnreadableLine] = []
        var number = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            let text = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
            if text.isEmpty || text.first == UInt8(ascii: "#") { continue }
            switch Self.event(Data(line), line: number) {
            case .success(let event): events.append(event)
            case .failure(let failure): unreadable.append(failure)
            }
        }
        self.init(events: events, unreadable: unreadable)
    }

    private static func event(_ data: Data, line: Int) -> Result<SimulationEvent, UnreadableLine> {
        func fail(_ reason: String) -> Result<SimulationEvent, UnreadableLine> { .failure(UnreadableLine(line: line, reason: reason)) }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return fail("not a JSON object") }
        guard let atText = object["at"] as? String else { return fail("no \"at\" timestamp") }
        guard let at = Self.parseTime(atText) else { return fail("\"at\" is not an ISO 8601 time with a zone") }
        guard let routingKey = object["routingKey"] as? String, !routingKey.isEmpty else { return fail("no \"routingKey\"") }
        guard let body = object["body"], JSONSerialization.isValidJSONObject(body),
              let bodyData = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return fail("no \"body\" object") }
        for key in ["person", "department", "messageId", "caseOf"] where object[key] != nil && !(object[key] is String) {
            return fail("\"\(key)\" is not a string")
        }
        return .success(SimulationEvent(
            line: line, at: at, routingKey: routingKey, body: bodyData, person: object["person"] as? String,
            department: object["department"] as? String, messageID: object["messageId"] as? String,
            caseOf: object["caseOf"] as? String))
    }

    /// `2026-11-02T08:15:00+08:00`, `2026-11-02T00:15:00Z`, with or without fractional seconds.
    public static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
