/// A stable identifier for an alarm, camera or care sensor, as the device reports it.
public struct DeviceID: StringIdentifier, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
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
