import AMQP
import Foundation
import GridwatchDaemon
import Synchronization

// A burst of camera detections and alarms against a running daemon: how long it takes to drain
// and whether the cases come out as planned. See docs/BENCHMARKS.md, "Bursts".

/// Notifications read from the notify queues: per case, how many were sent because the case
/// was dispatched, and when the last notification of any kind arrived.
final class NotificationLedger: Sendable {
    private struct State {
        var dispatched: [String: Int] = [:]
        var total = 0
        var lastArrival = ContinuousClock.now
    }
    private let state = Mutex(State())

    func record(_ batch: [Delivery], at instant: ContinuousClock.Instant) {
        let cases = batch.compactMap { delivery -> String? in
            guard let object = try? JSONSerialization.jsonObject(with: delivery.body) as? [String: Any],
                  object["reason"] as? String == "dispatched" else { return nil }
            return object["caseID"] as? String
        }
        state.withLock { state in
            for id in cases { state.dispatched[id, default: 0] += 1 }
            state.total += batch.count
            state.lastArrival = instant
        }
    }

    var dispatched: [String: Int] { state.withLock { $0.dispatched } }
    var total: Int { state.withLock { $0.total } }
    var lastArrival: ContinuousClock.Instant { state.withLock { $0.lastArrival } }
}

/// `burst`: publishes COUNT events of the burst plan (`BurstPlan`) spread evenly over SPREAD
/// seconds, against a daemon running on the fresh store in STATE, and times from the first
/// publish until every event is committed and the outbox is empty, at most LIMIT seconds; then
/// checks the store against the plan (`BurstCheck`). Throws on any violation.
///
/// Publishing stops at COUNT or at twice SPREAD, whichever comes first: a broker that cannot take
/// the rate gets fewer events, and the expectations follow what was confirmed.
func burst(host: String, port: String, config: String, state: String, run: String, count: Int, spread: Double,
           limit: Double) async throws {
    let configuration = try loadConfiguration(config)
    let plan = try BurstPlan(configuration: configuration, run: run, now: Date())
    let events = plan.events(count: count, run: run)
    let user = environment("AMQP_USER", "guest")
    let messages = events.map { intakeMessage($0.message, user: user) }
    let families = Dictionary(grouping: plan.incidents, by: \.family).mapValues(\.count).sorted { $0.key < $1.key }
    print("burst: plan: \(plan.incidents.count) incidents (\(families.map { "\($0.value) \($0.key)" }.joined(separator: ", "))) from \(plan.sources.joined().count) devices")

    let database = state + "/gridwatch.sqlite"
    guard FileManager.default.fileExists(atPath: database) else { throw BenchFailure("no store at \(database): start the daemon first") }
    let store = try readOnlyStore(database)
    guard try storeCounts(store).processed == 0 else { throw BenchFailure("the store in \(state) is not fresh") }

    let reader = try makeClient(host: host, port: port, name: "gridwatch-bench burst reader")
    try await connected(reader, host, port)
    let notifications = NotificationLedger()
    let dead = Counter()
    var readers: [Task<Void, Never>] = []
    for channel in GridwatchTopology.notifyChannels {
        let queue = "gridwatch.notify.\(channel)"
        _ = try await reader.purge(queue: queue)
        readers.append(reading(reader, queue: queue) { batch, now in notifications.record(batch, at: now) })
    }
    _ = try await reader.purge(queue: GridwatchTopology.deadQueue)
    readers.append(reading(reader, queue: GridwatchTopology.deadQueue) { batch, _ in dead.add(batch.count) })

    let publisher = try makeClient(host: host, port: port, name: "gridwatch-bench burst publisher")
    try await connected(publisher, host, port)
    let confirmed = Counter()
    let failed = Counter()
    let started = ContinuousClock.now
    var sent = 0
    while sent < count {
        let elapsed = seconds(ContinuousClock.now - started)
        if elapsed >= 2 * spread { break }
        let due = min(count, Int(elapsed / spread * Double(count)) + 1)
        while sent < due {
            publisher.publish(messages[sent]) { outcome in
                if outcome == .confirmed { confirmed.add(1) } else { failed.add(1) }
            }
            sent += 1
        }
        let next = started + .seconds(spread * Double(sent) / Double(count))
        try await Task.sleep(until: max(next, ContinuousClock.now.advanced(by: .milliseconds(1))), clock: .continuous)
    }
    let queued = seconds(ContinuousClock.now - started)
    let committedWhenQueued = (try? storeCounts(store).processed) ?? 0
    let confirmLimit = ContinuousClock.now + .seconds(60)
    while confirmed.count + failed.count < sent, ContinuousClock.now < confirmLimit {
        try await Task.sleep(for: .milliseconds(5))
    }
    let allConfirmed = seconds(ContinuousClock.now - started)

    var committed: Double?
    var drained: Double?
    var last = (processed: 0, outbox: 0)
    while failed.count == 0, confirmed.count == sent, seconds(ContinuousClock.now - started) < limit {
        if let counts = try? storeCounts(store) {
            last = counts
            let now = seconds(ContinuousClock.now - started)
            if committed == nil, counts.processed + dead.count >= sent { committed = now }
            if committed != nil, counts.outbox == 0 {
                drained = now
                break
            }
        }
        try await Task.sleep(for: .milliseconds(10))
    }
    // Everything is confirmed into the notify queues by now; let the readers empty them.
    let quietLimit = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now - notifications.lastArrival < .seconds(2), ContinuousClock.now < quietLimit {
        try await Task.sleep(for: .milliseconds(50))
    }
    for task in readers { task.cancel() }
    await publisher.shutdown()
    await reader.shutdown()

    let kinds = Dictionary(grouping: events.prefix(sent), by: \.message.routingKey).mapValues(\.count).sorted { $0.key < $1.key }
    print(String(format: "burst: %d events (%@), %.1f per incident, queued in %.3f s; the broker confirmed them %.3f s after the first publish = %.0f msgs/s",
                 sent, kinds.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
                 Double(sent) / Double(min(sent, plan.incidents.count)), queued, allConfirmed, Double(sent) / allConfirmed))
    if failed.count > 0 || confirmed.count < sent {
        throw BenchFailure("\(failed.count) publishes not confirmed, \(sent - confirmed.count - failed.count) unanswered")
    }
    guard let committed, let drained else {
        throw BenchFailure("not drained within \(Int(limit)) s: \(last.processed) committed, \(dead.count) dead-lettered of \(sent); outbox \(last.outbox)")
    }
    print(String(format: "burst: %d committed when publishing ended; all committed %.3f s after the first publish, outbox empty at %.3f s = %.0f events/s",
                 committedWhenQueued, committed, drained, Double(sent) / drained))

    let check = try BurstCheck(plan: plan, events: events.prefix(sent), store: store,
                               dispatchNotifications: notifications.dispatched, deadLettered: dead.count)
    print("""
        burst: check: \(sent) events in \(check.cases) cases for \(check.incidents) incidents, \(check.reports) reports counted; \
        \(check.dispatchedEvents) dispatched events; \(check.notifiedCases) cases notified \
        (\(notifications.dispatched.values.reduce(0, +)) dispatch notifications of \(notifications.total)); \(dead.count) dead-lettered
        """)
    guard check.violations.isEmpty else {
        for violation in check.violations { print("burst: violation: \(violation)") }
        throw BenchFailure("\(check.violations.count) kinds of violation")
    }
    print("burst: check passed")
}
