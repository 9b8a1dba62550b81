import Foundation
import GRDB
import GridwatchDomain

extension SQLiteCaseStore {
    /// The assessment scorecards for `period`, counted case by case as the rows are read.
    ///
    /// What `Assessment.compute(assessmentRecords(for:))` answers, without holding every record
    /// at once or decoding whole machines: each case's chain comes from its shared context, and
    /// only the events a scorecard counts are decoded (`Assessment.countedKinds`). A city's
    /// month is hundreds of thousands of cases; this reads them in one snapshot, in memory
    /// proportional to the units, not the cases. `isCancelled` is asked every thousand cases;
    /// when it answers true the count stops with `CancellationError` (as a `StoreError`).
    public func scorecards(for period: Range<Date>, isCancelled: () -> Bool = { false }) throws(StoreError)
        -> [Assessment.Unit: Assessment.Scorecard]
    {
        let kinds = Assessment.countedKinds.sorted()
        return try Self.perform("scorecards") { [pool, contexts] in
            try pool.read { db in
                var cards: [Assessment.Unit: Assessment.Scorecard] = [:]
                let decoder = JSONDecoder()
                let cases = try Row.fetchCursor(
                    db.cachedStatement(sql: "SELECT id, context_id FROM cases WHERE updated_at >= ? AND opened_at < ?"),
                    arguments: [period.lowerBound.timeIntervalSince1970, period.upperBound.timeIntervalSince1970])
                let events = try db.cachedStatement(sql: """
                    SELECT event FROM case_events WHERE case_id = ? AND kind IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))
                    ORDER BY seq
                    """)
                var read = 0
                while let row = try cases.next() {
                    read += 1
                    if read % 1000 == 1, isCancelled() { throw CancellationError() }
                    guard let contextID = row["context_id"] as Int64? else { continue }
                    let id: String = row["id"]
                    let chain = try contexts.template(id: contextID, db: db).chain
                    var history: [CaseEvent] = []
                    let rows = try Data.fetchCursor(events, arguments: StatementArguments([id] + kinds))
                    while let json = try rows.next() { history.append(try decoder.decode(CaseEvent.self, from: json)) }
                    Assessment.add(Assessment.CaseRecord(chain: chain, history: history), period: period, to: &cards)
                }
                return cards
            }
        }
    }
}
