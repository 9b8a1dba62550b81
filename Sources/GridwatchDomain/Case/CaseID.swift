/// A case's identifier, assigned by the daemon when the case is opened. Every identifier the
/// machine hands out (notifications, deadlines, events) is derived from it plus a sequence, so
/// replaying the same inputs yields the same identifiers and downstream can deduplicate.
public struct CaseID: Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (l: CaseID, r: CaseID) -> Bool { l.rawValue < r.rawValue }
}
