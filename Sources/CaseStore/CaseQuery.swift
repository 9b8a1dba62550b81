import GRDB
import GridwatchDomain

/// The `SELECT` for a `CaseFilter`: only the conditions the filter sets, newest first.
///
/// Each filter column has an index on `(column, opened_at, id)` and open cases a partial index, so
/// SQLite walks one index in `opened_at` order and stops at the limit instead of sorting the
/// table. The SQL text depends only on which fields are set, so at most a few hundred distinct
/// statements exist and GRDB's statement cache serves the repeated listings.
struct CaseQuery {
    var sql: String
    var arguments: StatementArguments

    init(_ filter: CaseFilter) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments += [value]
        }
        if filter.openOnly { conditions.append("ended = 0") }
        add("phase = ?", filter.phase?.rawValue)
        add("level = ?", filter.level?.description)
        add("street = ?", filter.street)
        add("community = ?", filter.community)
        add("grid = ?", filter.grid)
        add("category = ?", filter.category)
        add("opened_at > ?", filter.openedAfter?.timeIntervalSince1970)
        add("opened_at < ?", filter.openedBefore?.timeIntervalSince1970)
        add("updated_at >= ?", filter.updatedSince?.timeIntervalSince1970)
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        sql = "SELECT \(CaseSummary.columns) FROM cases\(whereClause) ORDER BY opened_at DESC, id DESC LIMIT ?"
        arguments += [filter.limit]
        self.arguments = arguments
    }
}
