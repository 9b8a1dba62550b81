import AMQP
import Foundation
import GridConfig
import GridwatchDaemon
import Synchronization

/// Send times by source key, and the latencies measured so far.
final class LatencyLedger: Sendable {
    private struct State {
        var sent: [String: ContinuousClock.Instant] = [:]
        var latencies: [Double] = []
        var lastArrival: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    func sent(_ key: String, at instant: ContinuousClock.Instant) { state.withLock { $0.sent[key] = instant } }

    func received(_ key: String, at instant: ContinuousClock.Instant) {
        state.withLock { state in
            guard let sent = state.sent.removeValue(forKey: key) else { return }
            state.latencies.append(seconds(instant - sent))
            state.lastArrival = instant
        }
    }

    var measured: [Double] { state.withLock { $0.latencies } }
    var measuredCount: Int { state.withLock { $0.latencies.count } }
    var lastArrival: ContinuousClock.Instant? { state.withLock { $0.lastArrival } }
    var outstanding: Int { state.withLock { $0.sent.count } }
}

/// `latency`: hotline requests at a steady RATE for SECONDS, each opening a case of its own
/// (grids, categories and half-hour slots all differ, so none folds into another), while reading
/// `gridwatch.cases.events`; measures from just before each publish to the arrival of the
/// `case.dispatched` event of the case it opened. A request that folds into a case already open
/// in the store (as on the city-scale store) gets no dispatch of its own and is counted missing.
/// Waits up to `wait` seconds after
/// the last send for the stragglers; a daemon slower than the rate is behind by then, and how
/// far (requests not yet dispatched when sending ended, when the last one came) is printed.
func latency(host: String, port: String, config: String, run: String, rate: Int, duration: Int, wait: Int = 90) async throws {
    let feed = IntakeFeed(configuration: try loadConfiguration(config), run: run, now: Date())
    let user = environment("AMQP_USER", "guest")
    let ledger = LatencyLedger()
    let reader = try makeClient(host: host, port: port, name: "gridwatch-bench latency reader")
    try await connected(reader, host, port)
    _ = try await reader.purge(queue: GridwatchTopology.caseEventsQueue)
    let events = reading(reader, queue: GridwatchTopology.caseEventsQueue, prefetch: 2000) { batch, now in
        for delivery in batch where delivery.routingKey == "case.dispatched" {
            guard let object = try? JSONSerialization.jsonObject(with: delivery.body) as? [String: Any],
                  let caseID = object["caseID"] as? String, let sources = object["sources"] as? [String] else { continue }
            // Only the dispatch of the case the request opened: one that folded into an open
            // case is named again when that case is escalated and dispatched anew, later.
            for source in sources where IntakeFeed.caseID(sourceKey: source) == caseID { ledger.received(source, at: now) }
        }
    }
    // Built before sending: under load, building a message costs more than the interval between
    // two sends at a few thousand a second, and the sender would fall behind its own rate.
    let total = rate * duration
    let slots = feed.sources.grids.count * feed.sources.hotlineCodes.count
    let requests = (0..<total).map { n in
        let grid = feed.sources.grids[n % feed.sources.grids.count].code
        let code = feed.sources.hotlineCodes[(n / feed.sources.grids.count) % feed.sources.hotlineCodes.count]
        let id = "lat-\(run)-\(n)"
        let message = IntakeFeed.hotline(id, code: code, grid: grid, at: feed.now.addingTimeInterval(-60 - Double(n / slots) * 31 * 60))
        return (sourceKey: "hotline:\(id)", message: intakeMessage(message, user: user))
    }
    let publisher = try makeClient(host: host, port: port, name: "gridwatch-bench latency publisher")
    try await connected(publisher, host, port)
    let failures = Counter()
    let interval = Duration.seconds(1) / rate
    let started = ContinuousClock.now
    var next = 0
    while next < total {
        let due = min(total, Int(seconds(ContinuousClock.now - started) * Double(rate)) + 1)
        while next < due {
            ledger.sent(requests[next].sourceKey, at: .now)
            publisher.publish(requests[next].message) { outcome in
                if outcome != .confirmed { failures.add(1) }
            }
            next += 1
        }
        try await Task.sleep(until: started + interval * next, clock: .continuous)
    }
    let sendEnd = ContinuousClock.now
    let sendTime = seconds(sendEnd - started)
    let dispatchedBySendEnd = ledger.measuredCount
    // A daemon slower than the rate falls behind; give it time to catch up before counting losses.
    let waitLimit = ContinuousClock.now + .seconds(wait)
    while ledger.outstanding > 0, ContinuousClock.now < waitLimit { try await Task.sleep(for: .milliseconds(20)) }
    events.cancel()
    await publisher.shutdown()
    await reader.shutdown()
    let latencies = ledger.measured.sorted()
    guard !latencies.isEmpty else { throw BenchFailure("no case.dispatched event arrived") }
    func percentile(_ p: Double) -> Double {
        latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)] * 1000
    }
    print(String(format: "latency: %d sent in %.1f s (%.0f/s), %d dispatched events, %d missing, %d not confirmed",
                 total, sendTime, Double(total) / sendTime, latencies.count, ledger.outstanding, failures.count))
    print(String(format: "latency ms: p50 %.1f p90 %.1f p99 %.1f max %.1f", percentile(0.5), percentile(0.9), percentile(0.99),
                 latencies.last! * 1000))
    let lastAfter = ledger.lastArrival.map { seconds($0 - sendEnd) } ?? 0
    print(String(format: "latency: %d dispatched when sending ended (%d behind); the last %.1f s after, %.0f dispatched/s over the run",
                 dispatchedBySendEnd, total - dispatchedBySendEnd, lastAfter, Double(latencies.count) / (sendTime + max(0, lastAfter))))
    if failures.count > 0 { throw BenchFailure("\(failures.count) requests not confirmed by the broker") }
}
