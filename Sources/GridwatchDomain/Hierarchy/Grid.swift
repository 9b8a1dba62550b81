/// A unit grid (网格): the lowest level that holds cases ("身边事不出网格").
public struct Grid: Hashable, Sendable, Codable {
    public var code: GridCode
    public var name: String
    /// The grid worker, grid leader and "一格三员".
    public var staff: [StaffAssignment]
    public var buildings: [Building]
    /// The grid's boundary, when known, so that a report with coordinates can be placed.
    public var boundary: GeoPolygon?

    public init(code: GridCode, name: String, staff: [StaffAssignment], buildings: [Building] = [], boundary: GeoPolygon? = nil) {
        self.code = code
        self.name = name
        self.staff = staff
        self.buildings = buildings
        self.boundary = boundary
    }
}
