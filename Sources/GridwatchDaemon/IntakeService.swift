import AMQP
import CaseStore
import Foundation
import Logging
import ServiceLifecycle

/// Consumes the intake queues: each batch of deliveries goes through the processor, whose
/// commit makes the effects durable; only then are the deliveries acknowledged. Unusable input
/// is copied to the dead-letter exchange with its reason (confirmed) before it is acknowledged.
struct IntakeService: Service {
    let client: AMQPClient
    let processor: CaseProcessor
    let batchSize: Int
    let prefetch: UInt16
    /// Rung after each commit, for the outbox and the deadline timer.
    let committed: [Wakeup]
    let health: Health
    let logger: Logger
    var metrics: DaemonMetrics? = nil

    func run() async throws {
        let consumers = GridwatchTopology.sources.map { client.consume(queue: $0.queue, prefetch: prefetch) }
        health.intakeSubscribed()
        // On SIGTERM: stop taking new batches; the batch in hand is finished and acknowledged.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for consumer in consumers {
                    group.addTask { await consume(consumer) }
                }
            }
        }
        // The consumers' channels stay open until the connection closes at the end of the drain:
        // RabbitMQ may ignore acknowledgements that reach a quorum queue just before their channel
        // closes (rabbitmq-server#10327), which would redeliver the batch just finished. What was
        // prefetched but not taken goes back to the queues when the connection closes.
        logger.info("intake stopped")
    }

    /// Two batches at a time: while the processor records one and it is acknowledged, the next
    /// is taken from the consumer's buffer and decoded, so the processor does not sit idle
    /// waiting for a decode. Batches are still recorded and acknowledged in order, and at most
    /// two are held (the prefetch is twice the batch).
    private func consume(_ consumer: Consumer) async {
        let source = String(consumer.queue.split(separator: ".").last ?? "")
        var (deliveries, messages) = await nextBatch(consumer, source: source)
        // Checked before each batch: deliveries already buffered would otherwise keep the loop
        // going after SIGTERM, as every acknowledgement lets the broker send more. A batch taken
        // but not recorded is never acknowledged, and returns to its queue with the connection.
        while !deliveries.isEmpty && !Task.isCancelled {
            async let upcoming = nextBatch(consumer, source: source)
            let started = ContinuousClock.now
            guard let dispositions = await processWithRetry(messages, queue: consumer.queue) else {
                health.batchEnded(queue: consumer.queue)
                return  // shutting down before the store came back: nothing acknowledged, all redelivered
            }
            metrics?.batchProcessed(ContinuousClock.now - started)
            for wakeup in committed { wakeup.ring() }
            await settle(deliveries, dispositions, source: source)
            health.batchEnded(queue: consumer.queue)
            (deliveries, messages) = await upcoming
        }
    }

    /// The consumer's next batch, decoded (`CaseProcessor.decode`); empty when it has finished.
    private func nextBatch(_ consumer: Consumer, source: String) async -> ([Delivery], [IncomingMessage]) {
        let deliveries = await consumer.nextBatch(max: batchSize)
        guard !deliveries.isEmpty else { return ([], []) }
        metrics?.received(source: source, count: deliveries.count)
        return (deliveries, processor.decode(deliveries.map(IncomingMessage.init), now: Date()))
    }

    /// Tries until the store takes the batch. While it fails (disk full, locked), nothing is
    /// acknowledged and the daemon reports unhealthy; it resumes by itself when the store clears.
    private func processWithRetry(_ messages: [IncomingMessage], queue: String) async -> [Disposition]? {
        var attempt = 0
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(30))
        while true {
            health.batchStarted(queue: queue)
            do {
                let dispositions = try await processor.process(messages, now: Date())
                if attempt > 0 {
                    health.storeRecovered()
                    logger.notice("store is writable again; intake resumed", metadata: ["intake.queue": "\(queue)"])
                }
                return dispositions
            } catch {
                health.storeFailed(error)
                metrics?.storeFailure(kind: error.kind.rawValue)
                health.batchEnded(queue: queue)  // waiting for the store is not being stuck
                let delay = backoff.delay(attempt: attempt, unit: Double.random(in: 0...1))
                logger.error("cannot record a batch; retrying, nothing acknowledged", metadata: [
                    "store.error": "\(error)", "intake.queue": "\(queue)", "intake.batch": "\(messages.count)",
                    "retry_in": "\(delay)",
                ])
                attempt += 1
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return nil
                }
            }
        }
    }

    private func settle(_ deliveries: [Delivery], _ dispositions: [Disposition], source: String) async {
        var deadLetters: [(Delivery, OutgoingMessage)] = []
        for (delivery, disposition) in zip(deliveries, dispositions) {
            switch disposition {
            case .applied:
                client.ack(delivery)
            case .duplicate:
                metrics?.duplicate(source: source)
                client.ack(delivery)
            case .ignored(let reason):
                metrics?.ignored(source: source, reason: reason)
                logger.info("message ignored", metadata: ["intake.reason": "\(reason)", "intake.routing_key": "\(delivery.routingKey)"])
                client.ack(delivery)
            case .deadLetter(let reason, let detail):
                metrics?.rejected(source: source, reason: reason)
                logger.warning("message dead-lettered", metadata: [
                    "intake.reason": "\(reason)", "intake.detail": "\(detail)", "intake.routing_key": "\(delivery.routingKey)",
                ])
                deadLetters.append((delivery, Self.deadLetter(delivery, reason: reason, detail: detail)))
            }
        }
        guard !deadLetters.isEmpty else { return }
        let outcomes = await client.publish(deadLetters.map(\.1))
        for ((delivery, _), outcome) in zip(deadLetters, outcomes) {
            if outcome == .confirmed {
                client.ack(delivery)
            } else {
                // Not safely in the dead-letter queue yet: back to its queue, to be judged again.
                logger.warning("dead-letter copy not confirmed; message requeued", metadata: ["amqp.outcome": "\(outcome)"])
                client.nack(delivery, requeue: true)
            }
        }
    }

    /// The copy for `gridwatch.dead`: the original body and properties, with why it was refused.
    static func deadLetter(_ delivery: Delivery, reason: String, detail: String) -> OutgoingMessage {
        var properties = delivery.properties
        properties.userID = nil  // the broker would refuse another user's id on our connection
        properties.headers["x-gridwatch-reason"] = .string(reason)
        properties.headers["x-gridwatch-detail"] = .string(String(detail.prefix(1000)))
        properties.headers["x-gridwatch-original-exchange"] = .string(delivery.exchange)
        properties.headers["x-gridwatch-original-routing-key"] = .string(delivery.routingKey)
        if let user = delivery.properties.userID { properties.headers["x-gridwatch-original-user"] = .string(user) }
        properties.persistent = true
        return OutgoingMessage(
            exchange: GridwatchTopology.deadExchange, routingKey: delivery.routingKey, body: delivery.body, properties: properties)
    }
}
