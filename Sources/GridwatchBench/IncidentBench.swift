import Foundation
import GRDB

// Gridwatch's side of scripts/bench-alertmanager: the incident workload into the intake, and
// what the daemon made of it. The timing is `drain`'s. See docs/BENCHMARKS.md.

/// `incidents-feed`: publishes the workload's REPORTS hotline requests to gridwatch.intake,
/// confirmed, in stream order.
func incidentsFeed(host: String, port: String, workload: IncidentWorkload) async throws {
    let user = environment("AMQP_USER", "guest")
    let messages = workload.order.indices.map { intakeMessage(workload.hotline($0), user: user) }
    let elapsed = try await publishTimed(host: host, port: port, name: "gridwatch-bench incidents-feed", messages)
    print(String(format: "incidents-feed: %d reports of %d incidents in %.3f s = %.0f msgs/s", messages.count,
                 workload.incidents.count, elapsed, Double(messages.count) / elapsed))
}

/// `incidents-check`: whether STATE's store folded the workload as it should — one case per
/// incident, holding exactly that incident's reports (their source keys). Throws if not.
func incidentsCheck(state: String, workload: IncidentWorkload) throws {
    var configuration = Configuration()
    configuration.readonly = true
    let database = try DatabaseQueue(path: state + "/gridwatch.sqlite", configuration: configuration)
    let prefix = "hotline:\(workload.run)-"
    let (cases, rows) = try database.read { db in
        (try Int.fetchOne(db, sql: "SELECT count(*) FROM cases") ?? 0,
         try Row.fetchAll(db, sql: "SELECT key, case_id FROM source_keys WHERE key LIKE ? || '%'", arguments: [prefix]))
    }
    var incidentsOfCase: [String: Set<Int>] = [:]
    var casesOfIncident: [Int: Set<String>] = [:]
    for row in rows {
        let key: String = row["key"]
        let caseID: String = row["case_id"]
        guard let k = Int(key.dropFirst(prefix.count)), workload.order.indices.contains(k) else { continue }
        incidentsOfCase[caseID, default: []].insert(workload.order[k])
        casesOfIncident[workload.order[k], default: []].insert(caseID)
    }
    let mixed = incidentsOfCase.values.filter { $0.count > 1 }.count
    let split = casesOfIncident.values.filter { $0.count > 1 }.count
    print("""
        incidents-check: \(cases) cases holding \(rows.count) reports; \(casesOfIncident.count) of \
        \(workload.incidents.count) incidents recorded, \(split) split over several cases, \(mixed) cases mixing incidents
        """)
    guard cases == workload.incidents.count, rows.count == workload.order.count, casesOfIncident.count == workload.incidents.count,
          split == 0, mixed == 0
    else { throw BenchFailure("the store does not hold one case per incident with all its reports") }
}
