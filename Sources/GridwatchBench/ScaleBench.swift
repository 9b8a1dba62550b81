import CaseStore
import Foundation
import GRDB
import GridConfig
import GridwatchDomain

// City scale: a store holding many open cases with pending deadlines, made directly through the
// store (as the daemon would have written them, without the hours of intake), and the lateness
// of the deadlines that fell due while the daemon ran. See docs/BENCHMARKS.md.

/// `scale-seed`: COUNT open hotline cases, signed for and waiting to be resolved, over every grid
/// and hotline category of CONFIG (those without summoned departments), committed to
/// STATE/gridwatch.sqlite in batches. The last DUE cases written have their resolve deadline due
/// at evenly spaced instants over SECONDS, starting LEAD seconds after the seeding ends
/// (estimated when those cases are written); the others' deadlines lie hours ahead. Every case
/// was opened more than the correlation window ago, so new requests do not fold into them.
/// Writes STATE/due.tsv (case id, due instant) for `scale-check` and prints the window.
func scaleSeed(config: String, state: String, count: Int, due: Int, lead: Double, seconds: Double) throws {
    let configuration = try loadConfiguration(config)
    try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
    let store = try SQLiteCaseStore(path: state + "/gridwatch.sqlite")
    let grids = configuration.hierarchy.gridCodes
    let now = Date()
    let quietSince = configuration.correlationWindow + 600

    /// Opened at `time`, dispatched, signed for by the grid's first member a minute later.
    func open(_ n: Int, category: GridwatchDomain.Category, at time: Date) -> (CaseMachine, [CaseAction])? {
        let grid = grids[n % grids.count]
        guard let context = configuration.caseContext(location: Location(grid: grid, detail: "\(n % 300 + 1)室"), category: category.id),
              let worker = configuration.hierarchy.staff(at: .grid, for: grid).first?.person
        else { return nil }
        let report = Report.hotline(HotlineRequest(
            serviceRequestID: "SCALE-\(n)", serviceCode: category.sourceCode, requestedAt: time, gridCode: grid))
        var (machine, actions) = CaseMachine.open(
            id: CaseID("SC-\(n)"), report: report, category: category.id, severity: category.defaultSeverity, context: context, now: time)
        actions += machine.dispatch(now: time)
        actions += machine.apply(.signFor, from: .person(worker), now: time.addingTimeInterval(60))
        return (machine, actions)
    }

    // How long after opening each category's resolve deadline falls; categories whose cases
    // summon departments (more deadlines, some within minutes) are left out.
    var resolveDelay: [CategoryID: TimeInterval] = [:]
    for category in configuration.categories where category.kind == .hotline {
        guard let (probe, _) = open(0, category: category, at: now), probe.phase == .signedFor,
              probe.activeDeadlines.count == 1, let deadline = probe.activeDeadlines.first
        else { continue }
        resolveDelay[category.id] = deadline.at.timeIntervalSince(now)
    }
    let categories = configuration.categories.filter { resolveDelay[$0.id].map { $0 > quietSince + 600 } ?? false }
    guard !grids.isEmpty, !categories.isEmpty else { throw BenchFailure("the configuration has no grids or suitable hotline categories") }

    var dueLines: [String] = []
    var batch = StoreBatch()
    let started = ContinuousClock.now
    var from = now
    for n in 0..<count {
        let category = categories[(n / grids.count) % categories.count]
        var openedAt = now.addingTimeInterval(-quietSince)
        var dueAt: Date?
        let dueIndex = n - (count - due)
        if dueIndex == 0 {
            // Writing continues at the pace so far; the window opens LEAD seconds after that.
            let pace = Double(n) / max(1e-3, (ContinuousClock.now - started) / .seconds(1))
            from = Date().addingTimeInterval(Double(due) / max(pace, 100) + lead)
        }
        if dueIndex >= 0 {
            let target = from.addingTimeInterval(seconds * Double(dueIndex) / Double(max(due, 1)))
            openedAt = target.addingTimeInterval(-(resolveDelay[category.id] ?? 0))
            dueAt = target
        }
        guard let (machine, actions) = open(n, category: category, at: openedAt) else { continue }
        if let dueAt { dueLines.append("\(machine.id.rawValue)\t\(dueAt.timeIntervalSince1970)") }
        batch.cases.append(machine)
        batch.sourceKeys[machine.reports[0].report.sourceKey] = machine.id
        batch.correlationFamilies[machine.id] = category.correlationFamily
        for action in actions {
            switch action {
            case .emit(let event): batch.events.append(event)
            case .scheduleDeadline(let deadline): batch.scheduledDeadlines.append(StoredDeadline(caseID: machine.id, deadline: deadline))
            case .cancelDeadline(let id): batch.removedDeadlines.append(id)
            case .notify, .reject: break  // already sent, as far as the daemon knows
            }
        }
        if batch.cases.count == 2000 || n == count - 1 {
            try store.commit(batch)
            batch = StoreBatch()
            if (n + 1) % 100_000 == 0 { FileHandle.standardError.write(Data("scale-seed: \(n + 1) cases\n".utf8)) }
        }
    }
    try dueLines.joined(separator: "\n").write(toFile: state + "/due.tsv", atomically: true, encoding: .utf8)
    let elapsed = ContinuousClock.now - started
    let size = try FileManager.default.attributesOfItem(atPath: state + "/gridwatch.sqlite")[.size] as? Int ?? 0
    print("scale-seed: \(count) open cases over \(grids.count) grids and \(categories.count) categories in \(elapsed); \(due) due over \(Int(seconds)) s from \(Int(from.timeIntervalSinceNow)) s from now")
    print("scale-seed: database \(size / 1_048_576) MiB, \(size / max(count, 1)) bytes per case")
}

/// `scale-check`: how late each deadline listed in STATE/due.tsv fired, from the escalation (or,
/// at the top level, the reminder) the daemon recorded for it; prints percentiles and how many
/// have not fired.
func scaleCheck(state: String) throws {
    let lines = try String(contentsOfFile: state + "/due.tsv", encoding: .utf8).split(separator: "\n")
    var due: [String: Double] = [:]
    for line in lines {
        let fields = line.split(separator: "\t")
        if fields.count == 2, let at = Double(fields[1]) { due[String(fields[0])] = at }
    }
    var configuration = Configuration()
    configuration.readonly = true
    let database = try DatabaseQueue(path: state + "/gridwatch.sqlite", configuration: configuration)
    let fired = try database.read { db in
        try Row.fetchAll(db, sql: "SELECT case_id, MIN(at) AS at FROM case_events WHERE kind IN ('escalated', 'reminded') AND case_id LIKE 'SC-%' GROUP BY case_id")
    }
    var lateness: [Double] = []
    for row in fired {
        guard let dueAt = due[row["case_id"] as String] else { continue }
        lateness.append((row["at"] as Double) - dueAt)
    }
    lateness.sort()
    func percentile(_ p: Double) -> String {
        guard !lateness.isEmpty else { return "-" }
        return String(format: "%.1f", lateness[min(lateness.count - 1, Int(Double(lateness.count) * p))] * 1000)
    }
    print("scale-check: \(due.count) due, \(lateness.count) fired, \(due.count - lateness.count) not fired")
    print("scale-check: lateness ms: p50 \(percentile(0.5)) p90 \(percentile(0.9)) p99 \(percentile(0.99)) max \(lateness.last.map { String(format: "%.1f", $0 * 1000) } ?? "-")")
}
