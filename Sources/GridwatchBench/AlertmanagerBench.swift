import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// Alertmanager's side of scripts/bench-alertmanager: the same reports as alerts, through its
// HTTP API. See docs/BENCHMARKS.md, "Side by side with Alertmanager".

/// `alertmanager-load`: POSTs the workload's reports as alerts to URL's /api/v2/alerts in stream
/// order, BATCH alerts per request, over CONNECTIONS concurrent connections (connection `c` sends
/// batches c, c + CONNECTIONS, …), then reads /api/v2/alerts until it holds one alert per
/// incident. Times the first POST to that answer; prints it with the peak resident memory and
/// the CPU time the Alertmanager process PID used meanwhile, then checks the aggregation groups
/// (not timed). Gives up LIMIT seconds after the first POST.
func alertmanagerLoad(url: String, pid: Int32, workload: IncidentWorkload, batch: Int, connections: Int, limit: Double) async throws {
    guard let base = URL(string: url) else { throw BenchFailure("'\(url)' is not a URL") }
    let alertsURL = base.appendingPathComponent("api/v2/alerts")
    let reports = workload.order.count
    let bodies = try stride(from: 0, to: reports, by: batch).map { from in
        try JSONSerialization.data(withJSONObject: (from..<min(from + batch, reports)).map(workload.alert))
    }
    let settings = URLSessionConfiguration.ephemeral
    settings.httpMaximumConnectionsPerHost = connections
    settings.timeoutIntervalForRequest = 60
    let session = URLSession(configuration: settings)

    let before = ProcessFigures(pid: pid)
    let started = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for connection in 0..<connections {
            group.addTask {
                for i in stride(from: connection, to: bodies.count, by: connections) {
                    var request = URLRequest(url: alertsURL)
                    request.httpMethod = "POST"
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                    request.httpBody = bodies[i]
                    let (answer, response) = try await session.data(for: request)
                    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                    guard status == 200 else {
                        throw BenchFailure("POST \(i + 1) answered \(status): \(String(decoding: answer.prefix(300), as: UTF8.self))")
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    var alerts: [Any] = []
    while true {
        alerts = try await getArray(session, alertsURL)
        if alerts.count >= workload.incidents.count || seconds(ContinuousClock.now - started) >= limit { break }
        try await Task.sleep(for: .milliseconds(100))
    }
    let elapsed = seconds(ContinuousClock.now - started)
    let after = ProcessFigures(pid: pid)

    let groups = try await getArray(session, base.appendingPathComponent("api/v2/alerts/groups"))
    let sizes = groups.map { (($0 as? [String: Any])?["alerts"] as? [Any])?.count ?? 0 }
    var usage = ""
    if let before, let after {
        usage = String(format: "; %@, %.1f s of CPU", after.peakText, after.cpuSeconds - before.cpuSeconds)
    }
    print(String(format: "alertmanager: %d alerts in %.3f s = %.0f msgs/s (%d alerts, %d groups of %d to %d alerts%@)",
                 reports, elapsed, Double(reports) / elapsed, alerts.count, groups.count, sizes.min() ?? 0, sizes.max() ?? 0,
                 usage))
    guard alerts.count == workload.incidents.count, groups.count == workload.incidents.count, sizes.allSatisfy({ $0 == 1 }) else {
        throw BenchFailure("Alertmanager does not hold one alert in one group per incident")
    }
}

/// GETs `url` and decodes its JSON array.
private func getArray(_ session: URLSession, _ url: URL) async throws -> [Any] {
    let (data, response) = try await session.data(from: url)
    guard (response as? HTTPURLResponse)?.statusCode == 200,
          let array = try JSONSerialization.jsonObject(with: data) as? [Any]
    else { throw BenchFailure("GET \(url.path) did not answer a JSON array") }
    return array
}
