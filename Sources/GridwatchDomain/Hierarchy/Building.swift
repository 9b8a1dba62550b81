/// A stable identifier for a building or courtyard within its grid, e.g. "gongti-north-38".
public struct BuildingID: StringIdentifier, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
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
