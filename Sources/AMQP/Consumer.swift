import Synchronization

/// The deliveries of one queue, across reconnections: the client subscribes again after each
/// reconnect and keeps filling the same consumer. At most `prefetch` deliveries are unacknowledged
/// at once, which bounds the buffer.
///
/// Read it with `for await delivery in consumer` or, to handle what has arrived together,
/// `nextBatch(max:)`. Acknowledge through the client.
public final class Consumer: AsyncSequence, Sendable {
    public typealias Element = Delivery

    public let queue: String
    public let prefetch: UInt16

    private struct State {
        var buffer: [Delivery] = []
        var waiter: CheckedContinuation<[Delivery], Never>?
        var waiterMax = 0
        var finished = false
    }
    private let state = Mutex(State())

    init(queue: String, prefetch: UInt16) {
        self.queue = queue
        self.prefetch = prefetch
    }

    /// Waits for at least one delivery and returns up to `max` of those that have arrived, in
    /// order; an empty array means the consumer has finished (client shut down or task cancelled).
    public func nextBatch(max: Int = .max) async -> [Delivery] {
        let ready: [Delivery]? = state.withLock { state in
            if !state.buffer.isEmpty { return Self.take(&state.buffer, max) }
            if state.finished { return [] }
            return nil
        }
        if let ready { return ready }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow: [Delivery]? = state.withLock { state in
                    if !state.buffer.isEmpty { return Self.take(&state.buffer, max) }
                    if state.finished || Task.isCancelled { return [] }
                    state.waiter = continuation
                    state.waiterMax = max
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<[Delivery], Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: [])
        }
    }

    /// Called by the connection's thread with what one read brought.
    func enqueue(_ deliveries: [Delivery]) {
        guard !deliveries.isEmpty else { return }
        let (waiter, batch): (CheckedContinuation<[Delivery], Never>?, [Delivery]) = state.withLock { state in
            // Usually the reader has taken everything: then the array changes hands uncopied.
            if state.buffer.isEmpty { state.buffer = deliveries } else { state.buffer.append(contentsOf: deliveries) }
            guard let waiter = state.waiter else { return (nil, []) }
            state.waiter = nil
            return (waiter, Self.take(&state.buffer, state.waiterMax))
        }
        waiter?.resume(returning: batch)
    }

    /// Deliveries of a lost connection cannot be acknowledged any more; the broker delivers them
    /// again, so they are dropped here rather than handed out.
    func discard(generation: UInt64) {
        state.withLock { state in state.buffer.removeAll { $0.origin.generation == generation } }
    }

    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[Delivery], Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: [])
    }

    private static func take(_ buffer: inout [Delivery], _ max: Int) -> [Delivery] {
        if buffer.count <= max {
            // Handing over the whole array (not a copy of it) leaves a fresh empty one behind.
            defer { buffer = [] }
            return buffer
        }
        let batch = Array(buffer.prefix(max))
        buffer.removeFirst(max)
        return batch
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: Consumer
        var pending: [Delivery] = []
        var index = 0

        public mutating func next() async -> Delivery? {
            if index < pending.count {
                defer { index += 1 }
                return pending[index]
            }
            pending = await consumer.nextBatch()
            index = 0
            guard !pending.isEmpty else { return nil }
            index = 1
            return pending[0]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: self) }
}
