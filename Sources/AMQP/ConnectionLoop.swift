import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The thread that owns a connection: connects, declares, consumes, publishes and reconnects.
///
/// rabbitmq-c connections must not be shared between threads and only service heartbeats inside
/// library calls, so one dedicated thread makes every call and never blocks for long: it polls
/// the socket together with an eventfd that other threads write to when they queue a command.
/// Swift code talks to it only through `submit(_:)`; results come back through callbacks.
final class ConnectionLoop: @unchecked Sendable {
    typealias Completion = @Sendable (PublishOutcome) -> Void
    typealias Done = @Sendable (Result<UInt32, AMQPError>) -> Void

    enum Command {
        case publish(OutgoingMessage, Completion)
        case ack(Delivery.Origin, tag: UInt64, multiple: Bool)
        case nack(Delivery.Origin, tag: UInt64, multiple: Bool, requeue: Bool)
        case addConsumer(Consumer)
        case declare(Topology, Done)
        case purge(String, Done)
        case deleteQueue(String, Done)
        case stopConsuming(@Sendable () -> Void)
    }

    /// What other threads may read or change, under one lock.
    struct Shared {
        var commands: [Command] = []
        var sleeping = false
        var shuttingDown = false
        var connected = false
        var finished = false
        var connectWaiters: [CheckedContinuation<Bool, Never>] = []
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let shared = Mutex(Shared())
    /// A pipe: other threads write a byte to wake the loop from `poll`.
    private let wakeDescriptor: Int32
    private let wakeWriter: Int32
    private let configuration: AMQPConfiguration
    private let topology: Topology
    private let logger: Logger
    private let onEvent: @Sendable (AMQPEvent) -> Void

    // Owned by the loop's thread alone.
    private var connection: Connection?
    private var generation: UInt64 = 0
    private var tracker = PublishTracker<Completion>()
    private var waiting: [(OutgoingMessage, Completion)] = []
    private var waitingHead = 0
    private var consumers: [UInt16: Consumer] = [:]
    private var consumersStopped = false
    private var blocked = false
    private var random = SystemRandomNumberGenerator()

    /// The header that numbers each publish, so that a `basic.return` can be matched to it.
    static let sequenceHeader = "x-gridwatch-publish-seq"

    init(configuration: AMQPConfiguration, topology: Topology, logger: Logger,
         onEvent: @escaping @Sendable (AMQPEvent) -> Void) {
        self.configuration = configuration
        self.topology = topology
        self.logger = logger
        self.onEvent = onEvent
        var ends: [Int32] = [0, 0]
        let status = pipe(&ends)
        precondition(status == 0, "pipe failed: \(errno)")
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeDescriptor = ends[0]
        wakeWriter = ends[1]
    }

    deinit {
        close(wakeDescriptor)
        close(wakeWriter)
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "amqp \(configuration.connectionName)"
        thread.start()
    }

    /// Queues a command and wakes the thread if it sleeps. One lock for both: this runs for
    /// every publish and ack, while the loop's thread takes the same lock.
    func submit(_ command: Command) {
        let (rejected, sleeping): (Command?, Bool) = shared.withLock { shared in
            if shared.finished { return (command, false) }
            shared.commands.append(command)
            defer { shared.sleeping = false }
            return (nil, shared.sleeping)
        }
        if let rejected {
            Self.fail(rejected, AMQPError(.shuttingDown, operation: "submit"))
            return
        }
        if sleeping { writeWakeup() }
    }

    func requestShutdown() {
        shared.withLock { $0.shuttingDown = true }
        wake()
    }

    private func wake() {
        let shouldWrite = shared.withLock { shared in
            defer { shared.sleeping = false }
            return shared.sleeping
        }
        if shouldWrite { writeWakeup() }
    }

    private func writeWakeup() {
        var one: UInt8 = 1
        _ = write(wakeWriter, &one, 1)
    }

    // MARK: The thread

    private func run() {
        var attempt = 0
        while !isShuttingDown {
            do {
                try connect()
                attempt = 0
                try serve()
            } catch {
                let delay = configuration.reconnect.delay(attempt: attempt, using: &random)
                let wasConnected = connection?.isOpen != nil && generationConnected
                tearDown(error)
                if wasConnected {
                    logger.warning("connection to the broker ended; reconnecting", metadata: ["amqp.error": "\(error)"])
                    onEvent(.disconnected(error))
                } else {
                    logger.warning("cannot connect to the broker", metadata: [
                        "amqp.error": "\(error)", "amqp.retry_in": "\(delay)", "amqp.attempt": "\(attempt + 1)",
                    ])
                    onEvent(.connectFailed(error, retryIn: delay))
                }
                attempt += 1
                sleepWhileDisconnected(delay)
            }
        }
        finish()
    }

    private var generationConnected = false

    private var isShuttingDown: Bool { shared.withLock { $0.shuttingDown } }

    private func connect() throws(AMQPError) {
        let connection = Connection()
        self.connection = connection
        generationConnected = false
        try connection.open(configuration)
        try connection.openChannel(ChannelNumber.control)
        try declare(topology, on: connection)
        try connection.openChannel(ChannelNumber.publish)
        try connection.confirmSelect(on: ChannelNumber.publish)
        generation += 1
        blocked = false
        for (channel, consumer) in consumers.sorted(by: { $0.key < $1.key }) where !consumersStopped {
            try subscribe(consumer, on: channel, connection)
        }
        generationConnected = true
        let waiters = shared.withLock { shared in
            shared.connected = true
            defer { shared.connectWaiters.removeAll() }
            return shared.connectWaiters
        }
        for waiter in waiters { waiter.resume(returning: true) }
        logger.info("connected to the broker", metadata: [
            "amqp.url": "\(configuration.url.redacted)", "amqp.generation": "\(generation)",
        ])
        onEvent(.connected(attempt: Int(generation)))
    }

    private func declare(_ topology: Topology, on connection: Connection) throws(AMQPError) {
        for exchange in topology.exchanges { try connection.declare(exchange, on: ChannelNumber.control) }
        for queue in topology.queues { try connection.declare(queue, on: ChannelNumber.control) }
        for binding in topology.bindings { try connection.bind(binding, on: ChannelNumber.control) }
    }

    private func subscribe(_ consumer: Consumer, on channel: UInt16, _ connection: Connection) throws(AMQPError) {
        try connection.openChannel(channel)
        try connection.qos(prefetch: consumer.prefetch, on: channel)
        _ = try connection.consume(queue: consumer.queue, on: channel)
    }

    /// Runs while connected: commands in, frames out, sleep in poll when there is nothing to do.
    private func serve() throws(AMQPError) {
        guard let connection else { return }
        var pollDescriptors = [
            pollfd(fd: connection.socketDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        // Heartbeats are only sent from inside library calls: wake up often enough to send them.
        let heartbeat = configuration.heartbeatSeconds
        let pollMilliseconds = Int32(heartbeat > 0 ? min(1000, heartbeat * 250) : 1000)
        // Two buffers trade places under the lock, so taking the commands allocates nothing.
        var commands: [Command] = []
        while true {
            commands.removeAll(keepingCapacity: true)
            let shuttingDown = shared.withLock { shared in
                swap(&commands, &shared.commands)
                return shared.shuttingDown
            }
            var acks = AckCoalescer()
            for (index, command) in commands.enumerated() {
                do {
                    if case .ack(let origin, let tag, let multiple) = command {
                        if let earlier = acks.add(origin, tag: tag, multiple: multiple) { try sendAck(earlier, connection) }
                        continue
                    }
                    if let earlier = acks.take() { try sendAck(earlier, connection) }
                    try execute(command, connection)
                } catch {
                    settle(commands[(index + 1)...], error)
                    throw error
                }
            }
            if let last = acks.take() { try sendAck(last, connection) }
            if shuttingDown {
                try drainAndClose(connection)
                return
            }
            try flushPublishes(connection)
            let frames = try readAvailable(connection)
            if frames > 0 || connection.hasBufferedInput { continue }
            let sleep = shared.withLock { shared in
                guard shared.commands.isEmpty, !shared.shuttingDown else { return false }
                shared.sleeping = true
                return true
            }
            guard sleep else { continue }
            pollDescriptors[0].revents = 0
            pollDescriptors[1].revents = 0
            _ = poll(&pollDescriptors, 2, pollMilliseconds)
            shared.withLock { $0.sleeping = false }
            if pollDescriptors[1].revents != 0 { drainWakeups() }
            // Even after a quiet poll, one read lets the library send and check heartbeats.
            _ = try readAvailable(connection)
        }
    }

    private func execute(_ command: Command, _ connection: Connection) throws(AMQPError) {
        switch command {
        case .publish(let message, let completion):
            waiting.append((message, completion))
        case .ack(let origin, let tag, let multiple):
            try sendAck(.init(origin: origin, tag: tag, multiple: multiple), connection)
        case .nack(let origin, let tag, let multiple, let requeue):
            guard origin.generation == generation, !consumersStopped else { return }
            try connection.nack(tag, multiple: multiple, requeue: requeue, on: origin.channel)
        case .addConsumer(let consumer):
            let channel = ChannelNumber.firstConsumer + UInt16(consumers.count)
            consumers[channel] = consumer
            if !consumersStopped { try subscribe(consumer, on: channel, connection) }
        case .declare(let topology, let done):
            done(controlCall(connection) { () throws(AMQPError) in try declare(topology, on: connection); return 0 })
        case .purge(let queue, let done):
            done(controlCall(connection) { () throws(AMQPError) in try connection.purge(queue: queue, on: ChannelNumber.control) })
        case .deleteQueue(let queue, let done):
            done(controlCall(connection) { () throws(AMQPError) in try connection.deleteQueue(queue, on: ChannelNumber.control); return 0 })
        case .stopConsuming(let done):
            consumersStopped = true
            for channel in consumers.keys.sorted() { connection.closeChannel(channel) }
            done()
        }
    }

    private func sendAck(_ ack: AckCoalescer.Ack, _ connection: Connection) throws(AMQPError) {
        guard ack.origin.generation == generation else { return }  // redelivered on the new connection
        // Stopping closed the consumers' channels, which put their unacknowledged deliveries
        // back; an ack on a closed channel would make the broker close the whole connection.
        guard !consumersStopped else { return }
        try connection.ack(ack.tag, multiple: ack.multiple, on: ack.origin.channel)
    }

    /// Runs a synchronous call on the control channel. A channel-level failure (a declare that
    /// does not match, a queue that is not there) is the caller's error: the channel is reopened
    /// and the connection carries on.
    private func controlCall(_ connection: Connection, _ body: () throws(AMQPError) -> UInt32) -> Result<UInt32, AMQPError> {
        do {
            return .success(try body())
        } catch where error.code == .channelClosed {
            do {
                try connection.openChannel(ChannelNumber.control)
            } catch {
                return .failure(error)
            }
            onEvent(.channelReopened(error))
            return .failure(error)
        } catch {
            return .failure(error)
        }
    }

    /// Sends waiting publishes while the window has room and the broker is not blocking us
    /// (a blocked broker stops reading, and a write into a full socket would stall this thread).
    private func flushPublishes(_ connection: Connection) throws(AMQPError) {
        while waitingHead < waiting.count, tracker.outstanding < configuration.publishWindow, !blocked {
            let (message, completion) = waiting[waitingHead]
            waitingHead += 1
            let extra = message.mandatory ? (key: Self.sequenceHeader, value: Int64(tracker.nextSequence)) : nil
            do {
                try connection.publish(message, on: ChannelNumber.publish, extraHeader: extra)
            } catch {
                completion(.failed(error))
                throw error
            }
            _ = tracker.sent(completion)
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        }
    }

    /// Reads the frames that have arrived, at most `readChunk`; returns how many.
    ///
    /// The limit keeps the pipeline moving: deliveries go to their consumers in chunks, and
    /// the loop takes the publishes and acks queued meanwhile before it reads on, rather than
    /// holding everything until a long run of frames is read.
    private func readAvailable(_ connection: Connection) throws(AMQPError) -> Int {
        var count = 0
        var batches: [UInt16: [Delivery]] = [:]
        defer {
            for (channel, deliveries) in batches { consumers[channel]?.enqueue(deliveries) }
        }
        while count < Self.readChunk, let frame = try connection.nextFrame(timeout: .zero) {
            count += 1
            try handle(frame, connection, into: &batches)
        }
        connection.releaseBuffers()
        return count
    }

    /// How many frames one `readAvailable` takes before the loop turns to its commands.
    static let readChunk = 64

    private func handle(_ frame: Frame, _ connection: Connection, into batches: inout [UInt16: [Delivery]]) throws(AMQPError) {
        switch frame {
        case .deliver(let channel, let header, let properties, let body):
            guard let consumer = consumers[channel] else { return }
            batches[channel, default: []].append(Delivery(
                body: body, properties: properties, exchange: header.exchange, routingKey: header.routingKey,
                queue: consumer.queue, deliveryTag: header.deliveryTag, redelivered: header.redelivered,
                origin: .init(generation: generation, channel: channel)))
        case .ack(_, let tag, let multiple):
            for (completion, outcome) in tracker.acked(tag, multiple: multiple) { completion(outcome) }
        case .nack(_, let tag, let multiple):
            for (completion, outcome) in tracker.nacked(tag, multiple: multiple) { completion(outcome) }
        case .returned(_, let replyCode, let replyText, let properties):
            if let sequence = properties.headers[Self.sequenceHeader]?.intValue,
                tracker.returned(UInt64(sequence), replyCode: replyCode, replyText: replyText) {
                return
            }
            logger.warning("a returned message matches no pending publish", metadata: ["amqp.reply_code": "\(replyCode)"])
        case .consumerCancelled(let channel, _):
            let queue = consumers[channel]?.queue ?? "?"
            onEvent(.consumerCancelled(queue: queue))
            // Re-declaring the topology and subscribing again is what a reconnect does.
            throw AMQPError(.channelClosed, operation: "consumer of \(queue)", replyText: "cancelled by the broker")
        case .channelClosed(let channel, let error):
            if channel == ChannelNumber.publish {
                for (completion, outcome) in tracker.failAll(error) { completion(outcome) }
                try connection.openChannel(ChannelNumber.publish)
                try connection.confirmSelect(on: ChannelNumber.publish)
                logger.warning("publish channel closed by the broker; reopened", metadata: ["amqp.error": "\(error)"])
                onEvent(.channelReopened(error))
            } else if channel == ChannelNumber.control {
                try connection.openChannel(ChannelNumber.control)
                onEvent(.channelReopened(error))
            } else {
                throw error  // a consumer's channel: reconnecting subscribes again cleanly
            }
        case .connectionClosed(let error):
            throw error
        case .blocked(let reason):
            blocked = true
            logger.warning("the broker blocks publishing", metadata: ["amqp.reason": "\(reason)"])
            onEvent(.blocked(reason: reason))
        case .unblocked:
            blocked = false
            logger.info("the broker unblocked publishing")
            onEvent(.unblocked)
        case .other:
            break
        }
    }

    /// Graceful end: stop deliveries, give outstanding confirms `shutdownGrace` to arrive, close.
    private func drainAndClose(_ connection: Connection) throws(AMQPError) {
        if !consumersStopped {
            consumersStopped = true
            for channel in consumers.keys.sorted() { connection.closeChannel(channel) }
        }
        let deadline = ContinuousClock.now + configuration.shutdownGrace
        try flushPublishes(connection)
        while !tracker.isEmpty || waitingHead < waiting.count, ContinuousClock.now < deadline {
            if let frame = try connection.nextFrame(timeout: .milliseconds(50)) {
                var ignored: [UInt16: [Delivery]] = [:]
                try handle(frame, connection, into: &ignored)
            }
            try flushPublishes(connection)
        }
        connection.close()
    }

    /// After a failure: every unconfirmed publish fails (the caller may publish it again), the
    /// deliveries not yet handed out are dropped (the broker redelivers them).
    private func tearDown(_ error: AMQPError) {
        let lost = AMQPError(.connectionLost, operation: "publish", replyCode: error.replyCode,
                             replyText: error.replyText ?? error.code.description)
        for (completion, outcome) in tracker.failAll(lost) { completion(outcome) }
        failWaiting(lost)
        connection?.abandon()
        connection = nil
        for consumer in consumers.values { consumer.discard(generation: generation) }
        shared.withLock { $0.connected = false }
        generationConnected = false
    }

    private func failWaiting(_ error: AMQPError) {
        for (_, completion) in waiting[waitingHead...] { completion(.failed(error)) }
        waiting.removeAll()
        waitingHead = 0
    }

    /// Waits out a reconnect delay, answering commands meanwhile: publishes and declarations
    /// fail at once (nothing can be sent), acks of the lost connection are moot.
    private func sleepWhileDisconnected(_ delay: Duration) {
        let deadline = ContinuousClock.now + delay
        var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
        while ContinuousClock.now < deadline {
            let commands = shared.withLock { shared -> [Command]? in
                if shared.shuttingDown { return nil }
                defer { shared.commands.removeAll() }
                shared.sleeping = shared.commands.isEmpty
                return shared.commands
            }
            guard let commands else { return }
            settle(commands[...], AMQPError(.notConnected, operation: "broker \(configuration.url.redacted)"))
            let remaining = deadline - ContinuousClock.now
            let milliseconds = max(1, min(Int32(remaining / .milliseconds(1)), 1000))
            descriptor.revents = 0
            _ = poll(&descriptor, 1, milliseconds)
            shared.withLock { $0.sleeping = false }
            drainWakeups()
        }
    }

    private func drainWakeups() {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(wakeDescriptor, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Answers commands that cannot run on a connection: consumers are kept for the next one,
    /// everything else fails with `error` (acks need no answer: the broker redelivers).
    private func settle(_ commands: ArraySlice<Command>, _ error: AMQPError) {
        for command in commands {
            switch command {
            case .addConsumer(let consumer):
                consumers[ChannelNumber.firstConsumer + UInt16(consumers.count)] = consumer
            case .stopConsuming(let done):
                consumersStopped = true
                done()
            case .publish, .ack, .nack, .declare, .purge, .deleteQueue:
                Self.fail(command, error)
            }
        }
    }

    private func finish() {
        let stopping = AMQPError(.shuttingDown, operation: "publish")
        for (completion, outcome) in tracker.failAll(stopping) { completion(outcome) }
        failWaiting(stopping)
        connection = nil
        let (commands, connectWaiters, finishWaiters) = shared.withLock { shared in
            shared.finished = true
            shared.connected = false
            defer {
                shared.commands.removeAll()
                shared.connectWaiters.removeAll()
                shared.finishWaiters.removeAll()
            }
            return (shared.commands, shared.connectWaiters, shared.finishWaiters)
        }
        for command in commands { Self.fail(command, stopping) }
        for consumer in consumers.values { consumer.finish() }
        for waiter in connectWaiters { waiter.resume(returning: false) }
        for waiter in finishWaiters { waiter.resume() }
        logger.info("AMQP client stopped")
    }

    private static func fail(_ command: Command, _ error: AMQPError) {
        switch command {
        case .publish(_, let completion): completion(.failed(error))
        case .declare(_, let done), .purge(_, let done), .deleteQueue(_, let done): done(.failure(error))
        case .stopConsuming(let done): done()
        case .ack, .nack: break  // the broker redelivers what was not acknowledged
        case .addConsumer(let consumer): consumer.finish()
        }
    }
}

/// Folds the acknowledgements queued together into as few `basic.ack` frames as say the same.
///
/// A worker that acknowledges each delivery once its publish is confirmed queues one ack per
/// message, and the confirms of one read arrive together: an ack with `multiple` for tag n
/// covers every earlier ack of the same consumer channel, so only the last of such a run goes on
/// the wire. Only consecutive acks are folded (any other command in between ends the run), so
/// what the broker sees settles the same deliveries in the same order.
struct AckCoalescer {
    struct Ack {
        var origin: Delivery.Origin
        var tag: UInt64
        var multiple: Bool
    }

    private var held: Ack?

    /// Holds `ack`; returns the ack held before it when that one must be sent first.
    mutating func add(_ origin: Delivery.Origin, tag: UInt64, multiple: Bool) -> Ack? {
        let ack = Ack(origin: origin, tag: tag, multiple: multiple)
        defer { held = ack }
        guard let earlier = held else { return nil }
        if multiple, earlier.origin == origin, earlier.tag <= tag { return nil }
        return earlier
    }

    /// The ack still held, to send before anything else happens.
    mutating func take() -> Ack? {
        defer { held = nil }
        return held
    }
}
