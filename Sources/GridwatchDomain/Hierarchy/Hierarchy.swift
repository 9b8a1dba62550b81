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
    /// Every building address fragment, in the order `building(matching:)` prefers them.
    private let addressFragments: [AddressFragment]
    /// The fragments by their first three bytes (one Chinese character), so an address is
    /// compared only with fragments that start somewhere in it: a city has thousands of them.
    private let fragmentsByLead: [UInt32: [Int]]
    /// Fragments shorter than three bytes, compared with every address.
    private let shortFragments: [Int]

    private struct AddressFragment: Sendable, Equatable {
        var utf8: [UInt8]
        /// In characters, as the longest-match rule counts.
        var length: Int
        var grid: GridCode
        var building: BuildingID
    }

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
        var fragments: [AddressFragment] = []
        for code in grids.keys.sorted() {
            guard let p = grids[code] else { continue }
            for building in districts[p.district].streets[p.street].communities[p.community].grids[p.grid].buildings {
                for fragment in building.addresses where !fragment.isEmpty {
                    fragments.append(AddressFragment(utf8: Array(fragment.utf8), length: fragment.count, grid: code, building: building.id))
                }
            }
        }
        addressFragments = fragments
        var byLead: [UInt32: [Int]] = [:]
        var short: [Int] = []
        for (index, fragment) in fragments.enumerated() {
            if fragment.utf8.count < 3 {
                short.append(index)
            } else {
                byLead[Self.lead(fragment.utf8[0], fragment.utf8[1], fragment.utf8[2]), default: []].append(index)
            }
        }
        fragmentsByLead = byLead
        shortFragments = short
    }

    private static func lead(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt32 {
        UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
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
        // Bytes, not `String.contains`: with Foundation loaded that is `range(of:)` through
        // CFString, the most expensive step of placing a hotline request. A fragment occurs in
        // the UTF-8 of the address exactly when it occurs in the text, as both are stored (no
        // Unicode normalisation: addresses are typed in the same input method as the
        // configuration).
        let text = Array(address.utf8)
        var best: Int?
        func consider(_ index: Int) {
            guard let current = best else { best = index; return }
            let (a, b) = (addressFragments[index].length, addressFragments[current].length)
            if a > b || (a == b && index < current) { best = index }
        }
        if text.count >= 3 {
            for start in 0...(text.count - 3) {
                guard let indices = fragmentsByLead[Self.lead(text[start], text[start + 1], text[start + 2])] else { continue }
                for index in indices {
                    let needle = addressFragments[index].utf8
                    if start + needle.count <= text.count, text[start..<start + needle.count].elementsEqual(needle) { consider(index) }
                }
            }
        }
        for index in shortFragments where Self.occurs(addressFragments[index].utf8, in: text) { consider(index) }
        return best.map { (addressFragments[$0].grid, addressFragments[$0].building) }
    }

    private static func occurs(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first, haystack[start..<start + needle.count].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }
}
