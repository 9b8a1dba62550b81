/// An identifier that is a string on the wire and in the store, but its own type in code, so a
/// person's id can never be passed where a department's is expected.
///
/// Conforming types declare only `rawValue` and `init(_:)`; encoding (a bare JSON string),
/// ordering, literals and printing come from here.
public protocol StringIdentifier: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    var rawValue: String { get }
    init(_ rawValue: String)
}

extension StringIdentifier {
    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension StringIdentifier where Self: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(value) }
}
