import AMQP
import CaseStore
import Foundation
import Logging
import ServiceLifecycle

/// Publishes the outbox: notifications and case events written in the same transactions as the
/// state changes. A row leaves the outbox only when the broker confirmed it; anything else
/// (broker gone, channel error, no queue bound) is retried with backoff, so nothing committed is
/// ever dropped. Every message carries its row id as the AMQP message id for deduplication.
struct OutboxService: Service {
    let client: AMQPClient
    let store: any CaseStore
    let wakeup: Wakeup
    let batchSize: Int
    let logger: Logger
    var metrics: DaemonMetrics? = nil
    /// How long a graceful shutdown keeps publishing what is left. Default 10 s.
    var drainLimit: Duration = .seconds(10)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await publishLoop(until: nil)
        }
        // Graceful shutdown: flush what the intake committed last, within the limit.
        await publishLoop(until: ContinuousClock.now + drainLimit)
        logger.info("outbox stopped", metadata: ["outbox.left": "\((try? store.outboxCount()) ?? -1)"])
    }

    /// Publishes until cancelled, or, with a deadline, until the outbox is empty or time is up.
    private func publishLoop(until deadline: ContinuousClock.Instant?) async {
        var after: Int64 = 0
        var attempt = 0
        let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(30))
        while deadline.map({ ContinuousClock.now < $0 }) ?? !Task.isCancelled {
            let rows: [OutboxMessage]
            do {
                let (store, start, limit) = (store, after, batchSize)
                rows = try await StoreThreads.run(on: StoreThreads.publishing) { try store.outbox(after: start, limit: limit) }
            } catch {
                logger.error("cannot read the outbox", metadata: ["store.error": "\(error)"])
                try? await Task.sleep(for: backoff.delay(attempt: attempt, unit: 0.5))
                attempt += 1
                continue
            }
            if rows.isEmpty {
                if after == 0, deadline != nil { return }  // drained
                after = 0
                if deadline == nil { await wakeup.wait(timeout: .seconds(1)) }
                continue
            }
            let outcomes = await client.publish(rows.map(Self.message))
            for (row, outcome) in zip(rows, outcomes) { metrics?.published(channel: row.exchange, confirmed: outcome == .confirmed) }
            let confirmed = zip(rows, outcomes).filter { $0.1 == .confirmed }.map(\.0.sequence)
            if !confirmed.isEmpty {
                do {
                    let store = store
                    try await StoreThreads.run(on: StoreThreads.publishing) { try store.removeFromOutbox(confirmed) }
                } catch {
                    // Published but still listed: they go out again later; the ids make that harmless.
                    logger.error("cannot remove published rows from the outbox", metadata: ["store.error": "\(error)"])
                }
            }
            if confirmed.count == rows.count {
                after = rows.last!.sequence
                attempt = 0
            } else {
                let failed = zip(rows, outcomes).first { $0.1 != .confirmed }!
                let delay = backoff.delay(attempt: attempt, unit: Double.random(in: 0...1))
                attempt += 1
                logger.warning("outbox publish not confirmed; will retry", metadata: [
                    "outbox.id": "\(failed.0.id)", "amqp.outcome": "\(failed.1)", "outbox.unconfirmed": "\(rows.count - confirmed.count)",
                    "retry_in": "\(delay)",
                ])
                after = 0
                try? await Task.sleep(for: delay)
            }
        }
    }

    static func message(_ row: OutboxMessage) -> OutgoingMessage {
        OutgoingMessage(
            exchange: row.exchange, routingKey: row.routingKey, body: row.body,
            properties: MessageProperties(
                contentType: "application/json", messageID: row.id, timestamp: UInt64(max(0, row.createdAt.timeIntervalSince1970)),
                type: row.type, appID: "gridwatch"))
    }
}
