/// A case's identifier, assigned by the daemon when the case is opened. Every identifier the
/// machine hands out (notifications, deadlines, events) is derived from it plus a sequence, so
/// replaying the same inputs yields the same identifiers and downstream can deduplicate.
public struct CaseID: StringIdentifier, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
