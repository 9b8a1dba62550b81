import GridwatchDomain

extension Assessment.Unit {
    /// The configured name of every unit of the hierarchy, for reports: 东直门街道 rather than 110101008.
    public static func names(in hierarchy: Hierarchy) -> [Assessment.Unit: String] {
        var names: [Assessment.Unit: String] = [:]
        for district in hierarchy.districts {
            names[.init(level: .district, code: district.code)] = district.name
            for street in district.streets {
                names[.init(level: .street, code: street.code)] = street.name
                for community in street.communities {
                    names[.init(level: .community, code: community.code)] = community.name
                    for grid in community.grids {
                        names[.init(level: .grid, code: grid.code.rawValue)] = grid.name
                    }
                }
            }
        }
        return names
    }
}
