import GridwatchDomain

/// What a configuration offers to the tools that build traffic from it (the benchmark's feeds and
/// the soak's stream): each grid with its grid worker, the categories' source codes by kind and
/// the devices by kind, all in the configuration's own order.
public struct TrafficSources: Sendable {
    /// A grid and the grid worker who signs for its cases (the first on its staff).
    public struct GridStaff: Sendable, Equatable {
        public var code: String
        public var worker: String
    }

    /// Grids without a grid worker are left out.
    public let grids: [GridStaff]
    public let hotlineCodes: [String]
    public let cameraCodes: [String]
    public let careCodes: [String]
    /// Alarm devices whose id starts with `gas-` and `smoke-`.
    public let gasAlarms: [String]
    public let smokeAlarms: [String]
    public let cameras: [String]
    public let careSensors: [String]

    public init(_ configuration: GridwatchConfiguration) {
        grids = configuration.hierarchy.districts.flatMap(\.streets).flatMap(\.communities).flatMap(\.grids)
            .compactMap { grid in
                grid.staff.first { $0.role == .gridWorker }.map { GridStaff(code: grid.code.rawValue, worker: $0.person.rawValue) }
            }
        func codes(_ kind: GridwatchDomain.Category.Kind) -> [String] {
            configuration.categories.filter { $0.kind == kind }.map(\.sourceCode)
        }
        func devices(_ kind: Device.Kind, prefix: String = "") -> [String] {
            configuration.devices.filter { $0.kind == kind && $0.id.rawValue.hasPrefix(prefix) }.map(\.id.rawValue)
        }
        hotlineCodes = codes(.hotline)
        cameraCodes = codes(.camera)
        careCodes = codes(.careSensor)
        gasAlarms = devices(.alarm, prefix: "gas-")
        smokeAlarms = devices(.alarm, prefix: "smoke-")
        cameras = devices(.camera)
        careSensors = devices(.careSensor)
    }
}
