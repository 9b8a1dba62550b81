/// The grid hierarchy: districts → streets → communities → grids → buildings, with the people
/// who answer at each.
///
/// Built once from validated configuration and then only read, so lookups are precomputed.
/// Validation (in GridConfig) guarantees unique codes; if duplicates slip through, the first
/// definition wins rather than crashing.
public struct Hierarchy: Sendable, Equatable {
    public let districts: [District]
    public let people: [PersonID: Person]

    private let gridIndex: [GridCode: GridPath]
    private let communityIndex: [String: (district: Int, street: Int, community: Int)]
    private let streetIndex: [String: (district: Int, street: Int)]
    private let districtIndex: [String: Int]

    private struct GridPath: Sendable, Equatable {
        var district: Int
        var street: Int
        var community: Int
        var grid: Int
    }

    public init(districts: [District], people: [Person]) {
        self.districts = districts
        var persons: [PersonID: Person] = [:]
        for person in people where persons[person.id] == nil { persons[person.id] = person }
        self.people = persons
        var grids: [GridCode: GridPath] = [:]
        var communities: [String: (district: Int, street: Int, community: Int)] = [:]
        var streets: [String: (district: Int, street: Int)] = [:]
        var districtsByCode: [String: Int] = [:]
        for (d, district) in districts.enumerated() {
            if districtsByCode[district.code] == nil { districtsByCode[district.code] = d }
            for (s, street) in district.streets.enumerated() {
                if streets[street.code] == nil { streets[street.code] = (d, s) }
                for (c, community) in street.communities.enumerated() {
                    if communities[community.code] == nil { communities[community.code] = (d, s, c) }
                    for (g, grid) in community.grids.enumerated() where grids[grid.code] == nil {
                        grids[grid.code] = GridPath(district: d, street: s, community: c, grid: g)
                    }
                }
            }
        }
        gridIndex = grids
        communityIndex = communities
        streetIndex = streets
        districtIndex = districtsByCode
    }

    public static func == (lhs: Hierarchy, rhs: Hierarchy) -> Bool {
        lhs.districts == rhs.districts && lhs.people == rhs.people
    }

    /// All grid codes, sorted.
    public var gridCodes: [GridCode] { gridIndex.keys.sorted() }

    public func grid(_ code: GridCode) -> Grid? {
        guard let p = gridIndex[code] else { return nil }
        return districts[p.district].streets[p.street].communities[p.community].grids[p.grid]
    }

    public func community(code: String) -> Community? {
        guard let p = communityIndex[code] else { return nil }
        return districts[p.district].streets[p.street].communities[p.community]
    }

    public func street(code: String) -> Street? {
        guard let p = streetIndex[code] else { return nil }
        return districts[p.district].streets[p.street]
    }

    public func district(code: String) -> District? {
        districtIndex[code].map { districts[$0] }
    }

    /// The units above a grid, as configured (not as the code's digits suggest: a grid may have
    /// been moved between communities without being renumbered).
    public func chain(for code: GridCode) -> UnitChain? {
        guard let p = gridIndex[code] else { return nil }
        let district = districts[p.district]
        let street = district.streets[p.street]
        let community = street.communities[p.community]
        return UnitChain(districtCode: district.code, streetCode: street.code, communityCode: community.code, gridCode: code)
    }

    /// The staff answering for `grid` at `level`: the grid's own, its community's, its street's
    /// or its district's.
    public func staff(at level: Level, for grid: GridCode) -> [StaffAssignment] {
        guard let p = gridIndex[grid] else { return [] }
        let district = districts[p.district]
        let street = district.streets[p.street]
        let community = street.communities[p.community]
        switch level {
        case .grid: return community.grids[p.grid].staff
        case .community: return community.staff
        case .street: return street.staff
        case .district: return district.staff
        }
    }

    /// The building with `id` in `grid`.
    public func building(_ id: BuildingID, in grid: GridCode) -> Building? {
        self.grid(grid)?.buildings.first { $0.id == id }
    }

    /// The grid whose boundary contains `point`, if exactly one does. Overlapping boundaries
    /// are a configuration error; rather than guess, an ambiguous point is not placed.
    public func grid(containing point: Coordinate) -> GridCode? {
        let hits = gridIndex.keys.filter { grid($0)?.boundary?.contains(point) == true }
        return hits.count == 1 ? hits[0] : nil
    }

    /// The building (and its grid) whose address fragment occurs in `address`. The longest
    /// matching fragment wins so that "38号楼" does not match "138号楼"'s grid by accident.
    public func building(matching address: String) -> (grid: GridCode, building: BuildingID)? {
        var best: (grid: GridCode, building: BuildingID, length: Int)?
        for code in gridIndex.keys.sorted() {
            guard let grid = grid(code) else { continue }
            for building in grid.buildings {
                for fragment in building.addresses where !fragment.isEmpty && address.contains(fragment) {
                    if fragment.count > (best?.length ?? 0) { best = (code, building.id, fragment.count) }
                }
            }
        }
        return best.map { ($0.grid, $0.building) }
    }
}
