/// A stable identifier for a building or courtyard within its grid, e.g. "gongti-north-38".
public struct BuildingID: Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (l: BuildingID, r: BuildingID) -> Bool { l.rawValue < r.rawValue }
}

/// A building or courtyard (楼门/院): the optional fifth level. It locates cases and lets reports
/// about the same building fold together; it never holds a case.
public struct Building: Hashable, Sendable, Codable {
    public var id: BuildingID
    public var name: String
    /// Address fragments that identify the building in free-text hotline addresses, e.g. "工体北路38号楼".
    public var addresses: [String]
    public var staff: [StaffAssignment]

    public init(id: BuildingID, name: String, addresses: [String] = [], staff: [StaffAssignment] = []) {
        self.id = id
        self.name = name
        self.addresses = addresses
        self.staff = staff
    }
}
