/// A stable identifier for a person, as the identity provider of the field app knows them.
public struct PersonID: StringIdentifier, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// How a notification reaches someone.
public enum Channel: String, CaseIterable, Hashable, Comparable, Sendable, Codable {
    case sms
    case app
    case voice

    public static func < (l: Channel, r: Channel) -> Bool { l.rawValue < r.rawValue }
}

/// Someone who can be notified and may act on cases.
///
/// `description` deliberately omits name and phone: they are citizens' and workers' personal
/// data and must not reach logs.
public struct Person: Hashable, Sendable, Codable, CustomStringConvertible {
    public var id: PersonID
    public var name: String
    public var phone: String
    /// Channels that reach this person, in the order to try. Never empty after validation.
    public var channels: [Channel]
    /// When absent the person is on duty around the clock ("24小时动态").
    public var roster: DutyRoster?

    public init(id: PersonID, name: String, phone: String, channels: [Channel], roster: DutyRoster? = nil) {
        self.id = id
        self.name = name
        self.phone = phone
        self.channels = channels
        self.roster = roster
    }

    public var description: String { "Person(\(id))" }
}
