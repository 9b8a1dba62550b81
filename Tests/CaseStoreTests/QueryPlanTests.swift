@testable import CaseStore
import Foundation
import GridwatchDomain
import Testing

/// The listings and the timer's query walk an index in the order they return rows, so their
/// cost stays flat as the tables grow.
@Suite struct QueryPlanTests {
    enum Narrowing: String, CaseIterable, Sendable {
        case none, open, phase, level, street, community, grid, category, openedAfter, openAndCategory

        var filter: CaseFilter {
            var filter = CaseFilter()
            switch self {
            case .none: break
            case .open: filter.openOnly = true
            case .phase: filter.phase = .dispatched
            case .level: filter.level = .street
            case .street: filter.street = "110101008"
            case .community: filter.community = "110101008005"
            case .grid: filter.grid = "110101008005003"
            case .category: filter.category = "hotline.gas-leak"
            case .openedAfter: filter.openedAfter = StoreFixture.t0
            case .openAndCategory:
                filter.openOnly = true
                filter.category = "hotline.gas-leak"
            }
            return filter
        }
    }

    /// A restart reads the open cases' correlation columns from their index alone.
    @Test func openKeysComeFromTheCoveringIndex() throws {
        try withStore { store, _ throws in
            let steps = try store.queryPlan("SELECT id, family, grid, building, devices, last_report_at FROM cases WHERE ended = 0")
            #expect(steps.count == 1 && steps[0].contains("COVERING INDEX cases_open_correlation"), "\(steps)")
        }
    }

    @Test(arguments: Narrowing.allCases) func aListingNeitherScansNorSorts(narrowing: Narrowing) throws {
        try withStore { store, _ throws in
            let query = CaseQuery(narrowing.filter)
            let steps = try store.queryPlan(query.sql, arguments: query.arguments)
            #expect(!steps.isEmpty)
            #expect(steps.allSatisfy { $0.contains("INDEX") }, "\(steps)")
            #expect(!steps.contains { $0.contains("TEMP B-TREE") }, "\(steps)")
        }
    }

    @Test func dueDeadlinesWalkTheirIndex() throws {
        try withStore { store, _ throws in
            let steps = try store.queryPlan(SQLiteCaseStore.dueDeadlinesSQL, arguments: [0, 10])
            #expect(steps == ["SEARCH deadlines USING INDEX deadlines_by_due (due_at<?)"])
        }
    }
}
