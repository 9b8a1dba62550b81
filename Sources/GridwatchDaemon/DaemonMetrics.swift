import Foundation
import Prometheus
import Synchronization

/// Everything the daemon counts, in one Prometheus registry served at `/metrics`.
///
/// Labels stay few and bounded: sources (5), reason codes (the part of a dead-letter reason
/// before `:`), levels (4), channels (3), streets and communities of the configuration.
public final class DaemonMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()

    /// Seconds, for time-to-sign-for and time-to-resolve: minutes to weeks.
    static let caseDurationBuckets: [Duration] = [
        .seconds(60), .seconds(300), .seconds(900), .seconds(1800), .seconds(3600), .seconds(7200), .seconds(14_400),
        .seconds(43_200), .seconds(86_400), .seconds(3 * 86_400), .seconds(7 * 86_400), .seconds(15 * 86_400),
    ]
    /// Processing and commit times: a millisecond to seconds.
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    /// Running totals kept here too, for the one-line log summary.
    struct Totals {
        var received = 0
        var rejected = 0
        var escalations = 0
        var published = 0
        var reconnects = 0
    }
    private let totals = Mutex(Totals())

    public init() {}

    // MARK: Intake

    func received(source: String, count: Int = 1) {
        registry.makeCounter(name: "gridwatch_events_received_total", labels: [("source", source)],
                             help: "Intake messages received, by source").increment(by: Int64(count))
        totals.withLock { $0.received += count }
    }

    func rejected(source: String, reason: String) {
        let code = reason.split(separator: ":").first.map(String.init) ?? reason
        registry.makeCounter(name: "gridwatch_events_rejected_total", labels: [("source", source), ("reason", code)],
                             help: "Intake messages dead-lettered, by source and reason").increment()
        totals.withLock { $0.rejected += 1 }
    }

    func duplicate(source: String) {
        registry.makeCounter(name: "gridwatch_events_duplicate_total", labels: [("source", source)],
                             help: "Intake messages already handled (redeliveries, repeated requests)").increment()
    }

    func ignored(source: String, reason: String) {
        registry.makeCounter(name: "gridwatch_events_ignored_total", labels: [("source", source), ("reason", reason)],
                             help: "Intake messages deliberately ignored (CAP exercises and tests)").increment()
    }

    func batchProcessed(_ duration: Duration) {
        registry.makeDurationHistogram(name: "gridwatch_batch_processing_seconds", buckets: Self.latencyBuckets,
                                       help: "Time to handle one intake batch, commit included").record(duration)
    }

    func storeCommit(_ duration: Duration) {
        registry.makeDurationHistogram(name: "gridwatch_store_commit_seconds", buckets: Self.latencyBuckets,
                                       help: "Time of one store transaction").record(duration)
    }

    func storeFailure(kind: String) {
        registry.makeCounter(name: "gridwatch_store_failures_total", labels: [("kind", kind)],
                             help: "Store operations that failed, by kind (busy, diskFull, io, …)").increment()
    }

    // MARK: Cases

    func escalated(from: String, to: String) {
        registry.makeCounter(name: "gridwatch_escalations_total", labels: [("from", from), ("to", to)],
                             help: "Cases moved up a level because a deadline passed").increment()
        totals.withLock { $0.escalations += 1 }
    }

    func deadlineMissed(kind: String) {
        registry.makeCounter(name: "gridwatch_deadlines_missed_total", labels: [("kind", kind)],
                             help: "Deadlines that passed unmet (sign for, resolve, report in, …)").increment()
    }

    func deadlinesFired(count: Int, lateness: TimeInterval) {
        registry.makeCounter(name: "gridwatch_deadlines_fired_total", help: "Deadlines fired").increment(by: Int64(count))
        registry.makeDurationHistogram(name: "gridwatch_deadline_lateness_seconds", buckets: Self.latencyBuckets,
                                       help: "How late the latest deadline of a firing round was")
            .record(.milliseconds(Int64(max(0, lateness) * 1000)))
    }

    func timeToSignFor(_ seconds: TimeInterval, level: String) {
        registry.makeDurationHistogram(name: "gridwatch_time_to_sign_for_seconds", labels: [("level", level)],
                                       buckets: Self.caseDurationBuckets, help: "From dispatch to sign-for (签收)")
            .record(.seconds(max(0, seconds)))
    }

    func timeToResolve(_ seconds: TimeInterval, level: String) {
        registry.makeDurationHistogram(name: "gridwatch_time_to_resolve_seconds", labels: [("level", level)],
                                       buckets: Self.caseDurationBuckets, help: "From opening to handled")
            .record(.seconds(max(0, seconds)))
    }

    func casesOpen(_ counts: [(level: String, street: String, count: Int)]) {
        for entry in counts {
            registry.makeGauge(name: "gridwatch_cases_open", labels: [("level", entry.level), ("street", entry.street)],
                               help: "Open cases by the level holding them and their street").set(Int64(entry.count))
        }
    }

    func assessment(unit: String, level: String, rate: String, value: Double) {
        registry.makeGauge(name: "gridwatch_assessment_rate", labels: [("level", level), ("unit", unit), ("rate", rate)],
                           help: "Assessment rates over the last 30 days: response (响应率), resolution (解决率), satisfaction (满意率), on_time (按时结案率), rework (返工率)")
            .set(value)
    }

    // MARK: Outbox and broker

    func published(channel: String, confirmed: Bool) {
        registry.makeCounter(name: "gridwatch_outbox_published_total", labels: [("exchange", channel), ("outcome", confirmed ? "confirmed" : "unconfirmed")],
                             help: "Outbox messages published, by exchange and whether the broker confirmed them").increment()
        if confirmed { totals.withLock { $0.published += 1 } }
    }

    func outboxPending(_ count: Int) {
        registry.makeGauge(name: "gridwatch_outbox_pending", help: "Messages waiting in the outbox for a confirmed publish").set(Int64(count))
    }

    func brokerReconnect() {
        registry.makeCounter(name: "gridwatch_broker_reconnects_total", help: "Connections to the broker after the first").increment()
        totals.withLock { $0.reconnects += 1 }
    }

    func brokerConnected(_ connected: Bool) {
        registry.makeGauge(name: "gridwatch_broker_connected", help: "1 while connected to the broker").set(Int64(connected ? 1 : 0))
    }

    /// The text of `/metrics`.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 * 1024)
        registry.emit(into: &buffer)
        return buffer
    }

    var summary: Totals { totals.withLock { $0 } }
}
