import Foundation
import GridConfig
import GridwatchDomain

// The dedup and grouping workload that Gridwatch and Alertmanager both get in
// scripts/bench-alertmanager. See docs/BENCHMARKS.md, "Side by side with Alertmanager".

/// REPORTS hotline reports of INCIDENTS incidents, each incident reported REPORTS / INCIDENTS
/// times (the first REPORTS % INCIDENTS once more), in a deterministic shuffle.
///
/// An incident is a grid × building × hotline category. The categories of `city-config` are each
/// their own incident family, so Gridwatch's correlator folds exactly the reports of one incident
/// into one case: same grid and family, the same named building, within the window. Report
/// times are spread over the `span` seconds before `now` in stream order, so every report is
/// within the 30-minute window of the others of its incident as long as the daemon handles it
/// within 30 − 5 minutes of the feed. Alertmanager gets the same reports as alerts whose labels
/// name the incident (so it deduplicates them) and a route grouping by those labels.
struct IncidentWorkload {
    struct Incident {
        var grid: String
        var building: String
        var address: String
        var category: GridwatchDomain.Category
    }

    static let span: TimeInterval = 300

    let run: String
    let now: Date
    let incidents: [Incident]
    /// The incident of each report, in stream order.
    let order: [Int]

    init(configuration: GridwatchConfiguration, run: String, incidents count: Int, reports: Int, now: Date) throws {
        let categories = configuration.categories.filter { $0.kind == .hotline }
        let grids = configuration.hierarchy.gridCodes.compactMap { configuration.hierarchy.grid($0) }
        let buildings = grids.map { $0.buildings.filter { !$0.addresses.isEmpty } }
        let perGrid = buildings.map(\.count).min() ?? 0
        guard count > 0, reports >= count, count <= grids.count * categories.count * perGrid else {
            throw BenchFailure("""
                \(count) incidents of \(reports) reports do not fit \(grids.count) grids × \(categories.count) \
                hotline categories × \(perGrid) buildings with addresses per grid
                """)
        }
        self.run = run
        self.now = now
        incidents = (0..<count).map { i in
            let g = i % grids.count
            let building = buildings[g][(i / (grids.count * categories.count)) % perGrid]
            return Incident(grid: grids[g].code.rawValue, building: building.id.rawValue, address: building.addresses[0],
                            category: categories[(i / grids.count) % categories.count])
        }
        var order = (0..<reports).map { $0 % count }
        var rng = SplitMix(seed: 0x1DED_0CA5E)
        for k in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(k, Int(rng.next() % UInt64(k + 1)))
        }
        self.order = order
    }

    /// Report `k`'s request id; its source key is `hotline:<id>`.
    func requestID(_ k: Int) -> String { "\(run)-\(k)" }

    func time(_ k: Int) -> Date {
        now.addingTimeInterval(-Self.span * Double(order.count - k) / Double(order.count))
    }

    /// Report `k` as the hotline request Gridwatch gets: the building's address with a unit.
    func hotline(_ k: Int) -> IntakeFeed.Message {
        let incident = incidents[order[k]]
        return IntakeFeed.hotline(requestID(k), code: incident.category.sourceCode, grid: incident.grid,
                                  address: "\(incident.address)\(k % 6 + 1)单元", at: time(k))
    }

    /// The labels Alertmanager deduplicates and groups by: they name the incident.
    static let groupLabels = ["grid", "family", "building"]

    /// Report `k` as the alert Alertmanager gets (`postableAlert` of its API v2).
    func alert(_ k: Int) -> [String: Any] {
        let incident = incidents[order[k]]
        let id = requestID(k)
        return [
            "labels": [
                "alertname": incident.category.id.rawValue, "family": incident.category.correlationFamily,
                "grid": incident.grid, "building": incident.building, "severity": incident.category.defaultSeverity.description,
            ],
            "annotations": ["description": "基准测试来电 \(id)", "source": "hotline:\(id)", "address": incident.address],
            "startsAt": IntakeFeed.timestamp(time(k)),
        ]
    }
}
