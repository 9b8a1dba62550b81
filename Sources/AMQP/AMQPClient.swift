import Foundation
import Logging

/// A connection to RabbitMQ that stays up: it reconnects with backoff after a broker restart or
/// a network loss, declares its topology again and resumes its consumers.
///
/// All broker work happens on one thread the client owns; these methods only queue work for it
/// and never block Swift's cooperative pool. Every publish ends in exactly one `PublishOutcome`.
///
/// ```swift
/// let client = try AMQPClient(configuration: .init(url: AMQPURL("amqp://guest:guest@127.0.0.1:5682/")),
///                             topology: topology, logger: logger)
/// client.start()
/// let intake = client.consume(queue: "gridwatch.intake.hotline", prefetch: 200)
/// for await delivery in intake {
///     …
///     client.ack(delivery)
/// }
/// ```
public final class AMQPClient: Sendable {
    private let loop: ConnectionLoop
    public let configuration: AMQPConfiguration

    /// Validates the configuration; nothing connects until `start()` or `run()`.
    public init(
        configuration: AMQPConfiguration, topology: Topology = Topology(), logger: Logger,
        onEvent: @escaping @Sendable (AMQPEvent) -> Void = { _ in }
    ) throws(AMQPError) {
        try configuration.validate()
        self.configuration = configuration
        loop = ConnectionLoop(configuration: configuration, topology: topology, logger: logger, onEvent: onEvent)
    }

    /// Starts the connection thread; it connects and keeps reconnecting until `shutdown()`.
    public func start() {
        loop.start()
    }

    /// Runs until the task is cancelled, then shuts down gracefully: the shape of a lifecycle
    /// service.
    public func run() async {
        start()
        await withTaskCancellationHandler {
            await waitUntilFinished()
        } onCancel: {
            loop.requestShutdown()
        }
    }

    /// Stops consuming, waits up to `shutdownGrace` for outstanding confirms, closes the
    /// connection and ends the thread. Publishes not confirmed by then fail with `.shuttingDown`.
    public func shutdown() async {
        loop.requestShutdown()
        await waitUntilFinished()
    }

    private func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = loop.shared.withLock { shared in
                if shared.finished { return true }
                shared.finishWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Whether the client is connected right now.
    public var isConnected: Bool { loop.shared.withLock { $0.connected } }

    /// Waits until connected; false if `timeout` passes first or the client stopped.
    public func waitUntilConnected(timeout: Duration = .seconds(30)) async -> Bool {
        if isConnected { return true }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if isConnected { return true }
            if loop.shared.withLock({ $0.finished }) { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return isConnected
    }

    // MARK: Consuming

    /// Subscribes to `queue` with manual acknowledgement and at most `prefetch` unacknowledged
    /// deliveries; the subscription is renewed after every reconnect.
    public func consume(queue: String, prefetch: UInt16) -> Consumer {
        let consumer = Consumer(queue: queue, prefetch: max(1, prefetch))
        loop.submit(.addConsumer(consumer))
        return consumer
    }

    /// Cancels every consumer (no more deliveries), keeping the connection for acks and
    /// publishes: the first step of a graceful drain. Unacknowledged deliveries go back to their
    /// queues when the channel closes.
    public func stopConsuming() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.submit(.stopConsuming({ continuation.resume() }))
        }
    }

    /// Acknowledges a delivery (with `multiple`, every earlier one of its consumer too). An ack
    /// for a delivery of a connection that has since been lost is dropped: the broker has
    /// already put that message back and delivers it again.
    public func ack(_ delivery: Delivery, multiple: Bool = false) {
        loop.submit(.ack(delivery.origin, tag: delivery.deliveryTag, multiple: multiple))
    }

    /// Rejects a delivery without requeueing it, so the queue dead-letters it.
    public func reject(_ delivery: Delivery) {
        loop.submit(.nack(delivery.origin, tag: delivery.deliveryTag, multiple: false, requeue: false))
    }

    /// Negative acknowledgement; `requeue: false` dead-letters.
    public func nack(_ delivery: Delivery, multiple: Bool = false, requeue: Bool) {
        loop.submit(.nack(delivery.origin, tag: delivery.deliveryTag, multiple: multiple, requeue: requeue))
    }

    // MARK: Publishing

    /// Publishes with a confirm; `completion` runs exactly once, on the client's thread, when
    /// the outcome is known. Keep it short. For pipelines that must not wait on each message.
    public func publish(_ message: OutgoingMessage, completion: @escaping @Sendable (PublishOutcome) -> Void) {
        loop.submit(.publish(message, completion))
    }

    /// Publishes with a confirm and waits for the outcome.
    public func publish(_ message: OutgoingMessage) async -> PublishOutcome {
        await withCheckedContinuation { continuation in
            publish(message) { continuation.resume(returning: $0) }
        }
    }

    /// Publishes several messages, pipelined within the publish window, and waits for all their
    /// outcomes (in the same order).
    public func publish(_ messages: [OutgoingMessage]) async -> [PublishOutcome] {
        guard !messages.isEmpty else { return [] }
        let collector = OutcomeCollector(count: messages.count)
        return await withCheckedContinuation { continuation in
            collector.onComplete { continuation.resume(returning: $0) }
            for (index, message) in messages.enumerated() {
                publish(message) { collector.set(index, $0) }
            }
        }
    }

    // MARK: Topology at run time

    /// Declares more exchanges, queues and bindings now (they are not re-declared on reconnect).
    /// A mismatch with what the broker has is returned as the broker's error; the connection stays.
    public func declare(_ topology: Topology) async throws(AMQPError) {
        _ = try await control { .declare(topology, $0) }
    }

    /// Removes every ready message from a queue; returns how many.
    public func purge(queue: String) async throws(AMQPError) -> UInt32 {
        try await control { .purge(queue, $0) }
    }

    public func deleteQueue(_ queue: String) async throws(AMQPError) {
        _ = try await control { .deleteQueue(queue, $0) }
    }

    private func control(_ make: (@escaping ConnectionLoop.Done) -> ConnectionLoop.Command) async throws(AMQPError) -> UInt32 {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<UInt32, AMQPError>, Never>) in
            loop.submit(make({ continuation.resume(returning: $0) }))
        }
        return try result.get()
    }
}

/// Gathers the outcomes of a batch of publishes, which arrive one by one on the client's thread.
private final class OutcomeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [PublishOutcome?]
    private var remaining: Int
    private var completion: (([PublishOutcome]) -> Void)?

    init(count: Int) {
        outcomes = Array(repeating: nil, count: count)
        remaining = count
    }

    func onComplete(_ completion: @escaping ([PublishOutcome]) -> Void) {
        self.completion = completion
    }

    func set(_ index: Int, _ outcome: PublishOutcome) {
        lock.lock()
        outcomes[index] = outcome
        remaining -= 1
        let done = remaining == 0
        lock.unlock()
        if done { completion?(outcomes.map { $0! }) }
    }
}
