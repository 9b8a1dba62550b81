import Foundation
import GRDB
import GridwatchDomain

/// Reads. Each runs in one read transaction on a reader connection, so it sees one committed
/// snapshot and never waits for the writer.
extension SQLiteCaseStore {
    public func processed(_ messageIDs: [String]) throws(StoreError) -> Set<String> {
        guard !messageIDs.isEmpty else { return [] }
        return try read("processed") { db in
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM processed_messages WHERE message_id = ?")
            var found: Set<String> = []
            for id in messageIDs where try Bool.fetchOne(statement, arguments: [id]) != nil {
                found.insert(id)
            }
            return found
        }
    }

    public func caseID(forSourceKey key: String) throws(StoreError) -> CaseID? {
        try read("caseID") { db in
            let statement = try db.cachedStatement(sql: "SELECT case_id FROM source_keys WHERE key = ?")
            return try String.fetchOne(statement, arguments: [key]).map { CaseID($0) }
        }
    }

    public func load(_ id: CaseID) throws(StoreError) -> CaseMachine? {
        try read("load") { [contexts] db in try Self.machine(id, decoder: JSONDecoder(), contexts: contexts, db: db) }
    }

    /// Read through the covering index `cases_open_correlation`: the rows themselves (states,
    /// contexts) are never touched, so a restart reads a few dozen bytes per open case.
    public func openCaseKeys() throws(StoreError) -> [Correlator.Key] {
        try read("openCaseKeys") { db in
            let rows = try Row.fetchCursor(db.cachedStatement(
                sql: "SELECT id, family, grid, building, devices, last_report_at FROM cases WHERE ended = 0"))
            var keys: [Correlator.Key] = []
            var families: [String: String] = [:]
            while let row = try rows.next() {
                keys.append(try CorrelationColumns.key(row: row, families: &families))
            }
            return keys
        }
    }

    public func nextDeadline() throws(StoreError) -> StoredDeadline? {
        try read("nextDeadline") { db in
            try Self.deadlines(
                db.cachedStatement(sql: "SELECT case_id, deadline FROM deadlines ORDER BY due_at, id LIMIT 1"), arguments: []
            ).first
        }
    }

    /// Rows are chosen on the `REAL` column, then checked against the exact instant, so a
    /// deadline is never handed out before its time by rounding.
    public func dueDeadlines(at time: Date, limit: Int) throws(StoreError) -> [StoredDeadline] {
        guard limit > 0 else { return [] }
        return try read("dueDeadlines") { db in
            try Self.deadlines(
                db.cachedStatement(sql: Self.dueDeadlinesSQL), arguments: [time.timeIntervalSince1970, limit]
            ).filter { $0.deadline.at <= time }
        }
    }

    public func outbox(after sequence: Int64, limit: Int) throws(StoreError) -> [OutboxMessage] {
        guard limit > 0 else { return [] }
        return try read("outbox") { db in
            let statement = try db.cachedStatement(sql: """
                SELECT sequence, id, exchange, routing_key, body, type, created_at FROM outbox
                WHERE sequence > ? ORDER BY sequence LIMIT ?
                """)
            return try Row.fetchAll(statement, arguments: [sequence, limit]).map { row in
                OutboxMessage(
                    sequence: row["sequence"], id: row["id"], exchange: row["exchange"], routingKey: row["routing_key"],
                    body: row["body"], type: row["type"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
            }
        }
    }

    public func outboxCount() throws(StoreError) -> Int {
        try read("outboxCount") { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox")) ?? 0
        }
    }

    public func openCaseCounts() throws(StoreError) -> [OpenCaseCount] {
        try read("openCaseCounts") { db in
            let rows = try Row.fetchAll(db.cachedStatement(
                sql: "SELECT level, street, COUNT(*) AS n FROM cases WHERE ended = 0 GROUP BY level, street"))
            return rows.map { OpenCaseCount(level: $0["level"], street: $0["street"], count: $0["n"]) }
        }
    }

    public func cases(_ filter: CaseFilter) throws(StoreError) -> [CaseSummary] {
        guard filter.limit > 0 else { return [] }
        let query = CaseQuery(filter)
        return try read("cases") { db in
            var summaries: [CaseSummary] = []
            let rows = try Row.fetchCursor(db.cachedStatement(sql: query.sql), arguments: query.arguments)
            while let row = try rows.next() { summaries.append(try CaseSummary(row: row)) }
            return summaries
        }
    }

    public func caseDetail(_ id: CaseID) throws(StoreError) -> CaseDetail? {
        try read("caseDetail") { [contexts] db in
            let decoder = JSONDecoder()
            guard let machine = try Self.machine(id, decoder: decoder, contexts: contexts, db: db) else { return nil }
            let events = try Data.fetchCursor(
                db.cachedStatement(sql: "SELECT event FROM case_events WHERE case_id = ? ORDER BY seq"), arguments: [id.rawValue])
            var history: [CaseEvent] = []
            while let json = try events.next() { history.append(try decoder.decode(CaseEvent.self, from: json)) }
            let deadlines = try Self.deadlines(
                db.cachedStatement(sql: "SELECT case_id, deadline FROM deadlines WHERE case_id = ? ORDER BY due_at, id"),
                arguments: [id.rawValue])
            return CaseDetail(machine: machine, history: history, deadlines: deadlines)
        }
    }

    static let dueDeadlinesSQL = "SELECT case_id, deadline FROM deadlines WHERE due_at <= ? ORDER BY due_at, id LIMIT ?"

    /// SQLite's plan for `sql`, one line per step: how the tests check that listings and the
    /// timer walk an index instead of scanning or sorting.
    func queryPlan(_ sql: String, arguments: StatementArguments = []) throws(StoreError) -> [String] {
        try read("queryPlan") { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    // MARK: Helpers

    /// One read transaction, its errors mapped like every other call's.
    private func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        try Self.perform(operation) { [pool] in try pool.read(body) }
    }

    /// A case's machine: its progress, and its context with its location put back.
    private static func machine(_ id: CaseID, decoder: JSONDecoder, contexts: CaseContexts, db: Database) throws -> CaseMachine? {
        let statement = try db.cachedStatement(sql: "SELECT state, location, context_id FROM cases WHERE id = ?")
        guard let row = try Row.fetchOne(statement, arguments: [id.rawValue]) else { return nil }
        guard let state = row["state"] as Data?, let locationJSON = row["location"] as Data?, let contextID = row["context_id"] as Int64?
        else { throw StoreError(.corrupt, operation: "load", message: "case \(id) lacks its state, location or context") }
        let progress = try decoder.decode(CaseMachine.Progress.self, from: state)
        let location = try decoder.decode(Location.self, from: locationJSON)
        let context = try contexts.context(id: contextID, location: location, db: db)
        return CaseMachine(context: context, progress: progress)
    }

    /// Decodes `(case_id, deadline)` rows.
    private static func deadlines(_ statement: Statement, arguments: StatementArguments) throws -> [StoredDeadline] {
        let decoder = JSONDecoder()
        return try Row.fetchAll(statement, arguments: arguments).map { row in
            StoredDeadline(caseID: CaseID(row["case_id"] as String), deadline: try decoder.decode(Deadline.self, from: row["deadline"] as Data))
        }
    }
}
