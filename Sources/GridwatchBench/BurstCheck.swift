import Foundation
import GRDB

/// What the store holds after a burst, held against the plan: every event in exactly one case,
/// one case per incident and one incident per case, each case with the incident's place, family
/// and number of reports, one `dispatched` event and at least one dispatch notification.
struct BurstCheck {
    var cases = 0
    var reports = 0
    var incidents = 0
    var dispatchedEvents = 0
    var notifiedCases = 0
    var violations: [String] = []

    /// - Parameters:
    ///   - events: the events the broker confirmed, in the order sent.
    ///   - dispatchNotifications: by case id, the notifications read with reason `dispatched`.
    init(plan: BurstPlan, events: ArraySlice<BurstPlan.Event>, store: DatabaseQueue, dispatchNotifications: [String: Int],
         deadLettered: Int) throws {
        struct CaseRow {
            var family: String
            var grid: String
            var building: String?
            var reportCount: Int
        }
        let (caseOfSource, rows, dispatched) = try store.read { db in
            var caseOfSource: [String: String] = [:]
            let sources = try Row.fetchCursor(db, sql: "SELECT key, case_id FROM source_keys")
            while let row = try sources.next() { caseOfSource[row[0]] = row[1] }
            var rows: [String: CaseRow] = [:]
            let cases = try Row.fetchCursor(db, sql: "SELECT id, family, grid, building, report_count FROM cases")
            while let row = try cases.next() {
                rows[row[0]] = CaseRow(family: row[1], grid: row[2], building: row[3], reportCount: row[4])
            }
            var dispatched: [String: Int] = [:]
            let events = try Row.fetchCursor(db, sql: "SELECT case_id, count(*) FROM case_events WHERE kind = 'dispatched' GROUP BY case_id")
            while let row = try events.next() { dispatched[row[0]] = row[1] }
            return (caseOfSource, rows, dispatched)
        }

        var eventsOfIncident: [Int: Int] = [:]
        var casesOfIncident: [Int: Set<String>] = [:]
        var incidentsOfCase: [String: Set<Int>] = [:]
        var unfiled = 0
        for event in events {
            eventsOfIncident[event.incident, default: 0] += 1
            guard let caseID = caseOfSource[event.sourceKey] else {
                unfiled += 1
                continue
            }
            casesOfIncident[event.incident, default: []].insert(caseID)
            incidentsOfCase[caseID, default: []].insert(event.incident)
        }
        cases = rows.count
        reports = rows.values.reduce(0) { $0 + $1.reportCount }
        incidents = eventsOfIncident.count
        dispatchedEvents = dispatched.values.reduce(0, +)
        notifiedCases = rows.keys.filter { dispatchNotifications[$0, default: 0] > 0 }.count

        func violation(_ what: String, _ examples: [String]) {
            guard !examples.isEmpty else { return }
            violations.append("\(examples.count) \(what) (e.g. \(examples.sorted().prefix(3).joined(separator: "; ")))")
        }
        if unfiled > 0 { violations.append("\(unfiled) events are in no case") }
        if caseOfSource.count != events.count - unfiled {
            violations.append("\(caseOfSource.count - (events.count - unfiled)) source keys in the store that the burst did not send")
        }
        if reports != events.count { violations.append("the cases count \(reports) reports for \(events.count) events") }
        if cases != incidents { violations.append("\(cases) cases for \(incidents) incidents") }
        violation("incidents split over several cases", casesOfIncident.filter { $0.value.count > 1 }.map { incident, ids in
            "\(plan.incidents[incident]): \(ids.sorted().joined(separator: ", "))"
        })
        violation("cases holding reports of several incidents", incidentsOfCase.filter { $0.value.count > 1 }.map { id, held in
            "\(id): \(held.sorted().map { "\(plan.incidents[$0])" }.joined(separator: ", "))"
        })
        var misplaced: [String] = []
        var miscounted: [String] = []
        for (id, held) in incidentsOfCase where held.count == 1 {
            let incident = held.first!
            let expected = plan.incidents[incident]
            guard let row = rows[id] else {
                misplaced.append("\(id) is named by source keys but missing")
                continue
            }
            if row.grid != expected.grid || row.building != expected.building || row.family != expected.family {
                misplaced.append("\(id): \(row.grid) \(row.building ?? "-") \(row.family), expected \(expected)")
            }
            if row.reportCount != eventsOfIncident[incident] {
                miscounted.append("\(id): \(row.reportCount) reports for \(eventsOfIncident[incident] ?? 0) events")
            }
        }
        violation("cases not placed as their incident", misplaced)
        violation("cases whose report count is not their incident's number of events", miscounted)
        violation("cases without exactly one dispatched event", rows.keys.filter { dispatched[$0] != 1 }.map {
            "\($0): \(dispatched[$0] ?? 0)"
        })
        violation("cases without a dispatch notification", rows.keys.filter { dispatchNotifications[$0, default: 0] == 0 })
        if deadLettered > 0 { violations.append("\(deadLettered) events dead-lettered") }
    }
}
