import CaseStore
import Foundation
import GridConfig
import GridwatchDomain
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps the gauges that are read from the store fresh (open cases, outbox backlog, assessment
/// rates) and writes a one-line summary to the log for those who watch journald rather than
/// Prometheus.
struct MetricsService: Service {
    let store: any CaseStore
    let metrics: DaemonMetrics
    let health: Health
    let configuration: ConfigurationHolder
    let logger: Logger
    /// nil: no summary lines.
    var summaryEvery: Duration? = .seconds(60)
    var gaugesEvery: Duration = .seconds(15)
    /// The assessment reads a month of cases: every 15 minutes is fresh enough for rates
    /// judged by the month, and light on the store.
    var assessmentEvery: Duration = .seconds(900)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var lastSummary = ContinuousClock.now
            var lastAssessment = ContinuousClock.now - assessmentEvery
            var previous = metrics.summary
            while !Task.isCancelled {
                refreshGauges()
                if ContinuousClock.now - lastAssessment >= assessmentEvery {
                    await refreshAssessment()
                    lastAssessment = ContinuousClock.now
                }
                if let summaryEvery, ContinuousClock.now - lastSummary >= summaryEvery {
                    previous = logSummary(since: previous)
                    lastSummary = ContinuousClock.now
                }
                try? await Task.sleep(for: gaugesEvery)
            }
        }
    }

    private func refreshGauges() {
        do {
            let counts = try store.openCaseCounts()
            let names = configuration.configuration.hierarchy
            metrics.casesOpen(counts.map { (level: $0.level ?? "received", street: names.street(code: $0.street)?.name ?? $0.street, count: $0.count) })
            metrics.outboxPending(try store.outboxCount())
        } catch {
            logger.warning("cannot read gauges from the store", metadata: ["store.error": "\(error)"])
        }
    }

    /// 响应率, 解决率, 满意率, 按时结案率, 返工率 over the last 30 days, per street and community.
    ///
    /// Counted on a thread of its own (a month of a city's cases takes a while), and given up
    /// as soon as the service is cancelled, so a shutdown never waits for it.
    private func refreshAssessment() async {
        let now = Date()
        let period = now.addingTimeInterval(-30 * 86_400)..<now
        let cancelled = CancellationFlag()
        let store = store
        do {
            let scorecards = try await withTaskCancellationHandler {
                try await StoreThreads.run(on: StoreThreads.background) {
                    try store.scorecards(for: period, isCancelled: { cancelled.isSet })
                }
            } onCancel: {
                cancelled.set()
            }
            let hierarchy = configuration.configuration.hierarchy
            for (unit, card) in scorecards where unit.level == .street || unit.level == .community {
                let name = unit.level == .street ? hierarchy.street(code: unit.code)?.name : hierarchy.community(code: unit.code)?.name
                let label = name.map { "\($0) (\(unit.code))" } ?? unit.code
                let rates: [(String, Double?)] = [
                    ("response", card.responseRate), ("resolution", card.resolutionRate), ("satisfaction", card.satisfactionRate),
                    ("on_time", card.onTimeRate), ("rework", card.reworkRate),
                ]
                for (rate, value) in rates {
                    if let value { metrics.assessment(unit: label, level: "\(unit.level)", rate: rate, value: value) }
                }
            }
        } catch {
            guard !cancelled.isSet else { return }
            logger.warning("cannot compute assessment rates", metadata: ["store.error": "\(error)"])
        }
    }

    private func logSummary(since previous: DaemonMetrics.Totals) -> DaemonMetrics.Totals {
        let now = metrics.summary
        let snapshot = health.snapshot
        let open = (try? store.openCaseCounts().reduce(0) { $0 + $1.count }) ?? -1
        let outbox = (try? store.outboxCount()) ?? -1
        logger.info("summary", metadata: [
            "events.received": "\(now.received - previous.received)", "events.rejected": "\(now.rejected - previous.rejected)",
            "escalations": "\(now.escalations - previous.escalations)", "published": "\(now.published - previous.published)",
            "cases.open": "\(open)", "outbox.pending": "\(outbox)", "broker.connected": "\(snapshot.brokerConnected)",
            "broker.reconnects": "\(now.reconnects)", "store.ok": "\(snapshot.storeError == nil)",
        ])
        return now
    }
}

/// Set once from a task's cancellation handler, read by work running on another thread.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
