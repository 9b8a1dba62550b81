/// Where a case is: its grid, and the building when known.
public struct Location: Hashable, Sendable, Codable {
    public var grid: GridCode
    public var building: BuildingID?
    /// Free text such as a flat number ("602室"); kept for the people who go there.
    public var detail: String?

    public init(grid: GridCode, building: BuildingID? = nil, detail: String? = nil) {
        self.grid = grid
        self.building = building
        self.detail = detail
    }
}

/// The units above a grid, resolved once so a case carries them.
public struct UnitChain: Hashable, Sendable, Codable {
    public var districtCode: String
    public var streetCode: String
    public var communityCode: String
    public var gridCode: GridCode

    public init(districtCode: String, streetCode: String, communityCode: String, gridCode: GridCode) {
        self.districtCode = districtCode
        self.streetCode = streetCode
        self.communityCode = communityCode
        self.gridCode = gridCode
    }

    /// The code of the unit at `level` in this chain.
    public func code(at level: Level) -> String {
        switch level {
        case .grid: gridCode.rawValue
        case .community: communityCode
        case .street: streetCode
        case .district: districtCode
        }
    }
}
