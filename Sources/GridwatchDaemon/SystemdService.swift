import CaseStore
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps systemd informed when it runs the daemon as a `Type=notify` service: `READY=1` once the
/// broker is connected and the intake has subscribed, a `STATUS=` line saying what the daemon is
/// doing, `RELOADING=1` … `READY=1` around a SIGHUP reload, `STOPPING=1` when the drain begins,
/// and `WATCHDOG=1` while the pipeline makes progress.
///
/// The watchdog is fed unless an intake batch has been in hand longer than half the watchdog
/// timeout with no answer from the store in that time. An idle daemon, one waiting for the
/// broker and one retrying a failing store keep feeding it: they are doing what they should,
/// and a restart would not help them. A batch that never finishes (a hung call) stops the
/// pings, and systemd restarts the service; the broker redelivers the batch's messages to the
/// new process.
///
/// It is the first service of the group, so it stops last and feeds the watchdog through the
/// whole drain; `shutdownNotice` is the last, the first to hear of the shutdown.
final class SystemdService: Service, Sendable {
    let notifier: SystemdNotifier
    let health: Health
    let processor: CaseProcessor
    let store: any CaseStore
    let logger: Logger
    /// How often the status line is refreshed. Default 5 s.
    let statusInterval: Duration

    private struct State {
        var ready = false
        var stopping = false
        /// Set while the watchdog is held back, so the log says it once, not at every tick.
        var withholding = false
    }
    private let state = Mutex(State())

    init(notifier: SystemdNotifier, health: Health, processor: CaseProcessor, store: any CaseStore, logger: Logger,
         statusInterval: Duration = .seconds(5)) {
        self.notifier = notifier
        self.health = health
        self.processor = processor
        self.store = store
        self.logger = logger
        self.statusInterval = statusInterval
    }

    func run() async throws {
        guard notifier.isEnabled else { return await waitForShutdown() }
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.reportReadinessAndStatus() }
                if let timeout = self.notifier.watchdogTimeout {
                    group.addTask { await self.feedWatchdog(every: timeout / 2) }
                }
            }
        }
    }

    /// The service that announces the shutdown: last in the group, it is told first.
    var shutdownNotice: some Service { ShutdownNotice(systemd: self) }

    /// The hook for `ReloadService.onReload`. Before the daemon is ready, a reload only changes
    /// the status line: `READY=1` must wait for the broker and the intake.
    func reload(starting: Bool, outcome: String) {
        let (ready, stopping) = state.withLock { ($0.ready, $0.stopping) }
        guard !stopping else { return }
        switch (starting, ready) {
        case (true, true): notifier.reloading(status: outcome)
        case (false, true): notifier.ready(status: outcome)
        case (_, false): notifier.status(outcome)
        }
    }

    func announceStopping() {
        state.withLock { $0.stopping = true }
        notifier.stopping(status: "stopping: finishing the batch in hand, flushing the outbox")
    }

    // MARK: The loops

    private func waitForShutdown() async {
        try? await gracefulShutdown()
    }

    private func reportReadinessAndStatus() async {
        while !Task.isCancelled {
            let snapshot = health.snapshot
            if snapshot.brokerConnected && snapshot.intakeConsuming { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard !Task.isCancelled else { return }
        let line = await statusLine()
        state.withLock { $0.ready = true }
        notifier.ready(status: line)
        logger.info("ready: told systemd", metadata: ["systemd.status": "\(line)"])
        while !Task.isCancelled {
            try? await Task.sleep(for: statusInterval)
            let line = await statusLine()
            if !state.withLock({ $0.stopping }) { notifier.status(line) }
        }
    }

    private func feedWatchdog(every interval: Duration) async {
        while !Task.isCancelled {
            let snapshot = health.snapshot
            let stuck = !Self.feedsWatchdog(snapshot, now: .now, limit: interval)
            let wasWithholding = state.withLock { state in
                defer { state.withholding = stuck }
                return state.withholding
            }
            if stuck, !wasWithholding {
                logger.critical("an intake batch has been in hand too long; withholding the watchdog so systemd restarts the daemon", metadata: [
                    "intake.batch_held": "\(Self.longestBatch(snapshot, now: .now) ?? .zero)",
                    "systemd.watchdog_timeout": "\(interval * 2)",
                ])
            } else if !stuck, wasWithholding {
                logger.notice("the stuck intake batch finished; feeding the watchdog again")
            }
            if !stuck { notifier.watchdog() }
            try? await Task.sleep(for: interval)
        }
    }

    /// Whether the pipeline is making progress: no intake batch has been in hand longer than
    /// `limit`, or the store refused something within it. Idle, waiting for the broker and
    /// retrying a failing store all count as progress; a call that never returns does not.
    static func feedsWatchdog(_ snapshot: Health.Snapshot, now: ContinuousClock.Instant, limit: Duration) -> Bool {
        guard let held = longestBatch(snapshot, now: now), held > limit else { return true }
        // Each attempt on a locked database waits out SQLite's busy timeout, and the intake's
        // waits in line behind the deadline timer's: long, but answered.
        return snapshot.lastStoreFailure.map { now - $0 <= limit } ?? false
    }

    /// How long the oldest batch in hand has been, or nil when the intake is waiting for messages.
    static func longestBatch(_ snapshot: Health.Snapshot, now: ContinuousClock.Instant) -> Duration? {
        snapshot.batchesInFlight.values.min().map { now - $0 }
    }

    /// e.g. "consuming; 12 open cases; outbox 0", "broker unreachable, retrying; …", "store failing: …".
    private func statusLine() async -> String {
        let openCases = await processor.openCaseCount
        let outbox = try? store.outboxCount()
        return Self.statusLine(health.snapshot, openCases: openCases, outbox: outbox)
    }

    static func statusLine(_ snapshot: Health.Snapshot, openCases: Int, outbox: Int?) -> String {
        let counts = "\(openCases) open case\(openCases == 1 ? "" : "s"); outbox \(outbox.map { "\($0)" } ?? "unknown")"
        if let error = snapshot.storeError {
            return "store failing: \(error.prefix(200)); retrying, nothing acknowledged; \(counts)"
        }
        if !snapshot.brokerConnected { return "broker unreachable, retrying; \(counts)" }
        if !snapshot.intakeConsuming { return "starting; \(counts)" }
        return "consuming; \(counts)"
    }

    private struct ShutdownNotice: Service {
        let systemd: SystemdService

        func run() async throws {
            try? await gracefulShutdown()
            systemd.announceStopping()
        }
    }
}
