/// A stable identifier for an alarm, camera or care sensor, as the device reports it.
public struct DeviceID: Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (l: DeviceID, r: DeviceID) -> Bool { l.rawValue < r.rawValue }
}

/// A registered device (技防): where it is decides where its events become cases.
public struct Device: Hashable, Sendable, Codable {
    public enum Kind: String, CaseIterable, Hashable, Sendable, Codable {
        case alarm, camera, careSensor
    }

    public var id: DeviceID
    public var kind: Kind
    public var grid: GridCode
    public var building: BuildingID?
    public var coordinate: Coordinate?

    public init(id: DeviceID, kind: Kind, grid: GridCode, building: BuildingID? = nil, coordinate: Coordinate? = nil) {
        self.id = id
        self.kind = kind
        self.grid = grid
        self.building = building
        self.coordinate = coordinate
    }
}
