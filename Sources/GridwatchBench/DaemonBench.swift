import AMQP
import Foundation
import GRDB
import GridConfig
import GridwatchDaemon
import Synchronization

// The daemon end to end: feed the intake, run the daemon until everything is recorded and
// published, and the event-to-notification latency. See docs/BENCHMARKS.md.

func loadConfiguration(_ path: String) throws -> GridwatchConfiguration {
    try GridwatchConfiguration.load(contentsOf: URL(fileURLWithPath: path))
}

func intakeMessage(_ message: IntakeFeed.Message, user: String) -> OutgoingMessage {
    var properties = MessageProperties(
        contentType: "application/json", messageID: message.messageID, timestamp: UInt64(Date().timeIntervalSince1970),
        userID: user)
    properties.persistent = true
    if let person = message.person { properties.headers["x-gridwatch-person"] = .string(person) }
    return OutgoingMessage(exchange: GridwatchTopology.intakeExchange, routingKey: message.routingKey, body: message.body,
                           properties: properties)
}

/// Publishes `messages` in confirmed chunks; fails on anything but a confirm.
func publishAll(_ client: AMQPClient, _ messages: some Sequence<OutgoingMessage>, chunk: Int = 2000) async throws {
    var pending: [OutgoingMessage] = []
    var sent = 0
    func flush() async throws {
        let outcomes = await client.publish(pending)
        if let bad = outcomes.firstIndex(where: { $0 != .confirmed }) {
            throw BenchFailure("publish \(sent + bad + 1) ended as \(outcomes[bad])")
        }
        sent += pending.count
        pending.removeAll(keepingCapacity: true)
    }
    for message in messages {
        pending.append(message)
        if pending.count == chunk { try await flush() }
    }
    if !pending.isEmpty { try await flush() }
}

/// Publishes `messages` confirmed on a connection of its own; returns the seconds it took.
func publishTimed(host: String, port: String, name: String, _ messages: [OutgoingMessage]) async throws -> Double {
    let client = try makeClient(host: host, port: port, name: name)
    try await connected(client, host, port)
    let started = ContinuousClock.now
    do {
        try await publishAll(client, messages)
    } catch {
        await client.shutdown()
        throw error
    }
    let elapsed = seconds(ContinuousClock.now - started)
    await client.shutdown()
    return elapsed
}

/// `seed`: the hotline requests that open the cases the feed's field updates refer to.
func seed(host: String, port: String, config: String, run: String, seeds: Int, now: Date) async throws {
    let feed = IntakeFeed(configuration: try loadConfiguration(config), run: run, now: now)
    let user = environment("AMQP_USER", "guest")
    let client = try makeClient(host: host, port: port, name: "gridwatch-bench seed")
    try await connected(client, host, port)
    do {
        try await publishAll(client, (0..<seeds).lazy.map { intakeMessage(feed.seed($0).message, user: user) })
    } catch {
        await client.shutdown()
        throw error
    }
    await client.shutdown()
    print("seed: \(seeds) hotline requests published")
}

/// `feed`: COUNT mixed messages (see `IntakeFeed.message`), published confirmed.
func feed(host: String, port: String, config: String, run: String, seeds: Int, count: Int, now: Date) async throws {
    let feed = IntakeFeed(configuration: try loadConfiguration(config), run: run, now: now)
    let user = environment("AMQP_USER", "guest")
    var signed = Set<Int>()
    var kinds: [String: Int] = [:]
    var messages: [OutgoingMessage] = []
    messages.reserveCapacity(count)
    for i in 0..<count {
        let message = feed.message(i, seeds: seeds, signed: &signed)
        kinds[message.routingKey, default: 0] += 1
        messages.append(intakeMessage(message, user: user))
    }
    let elapsed = try await publishTimed(host: host, port: port, name: "gridwatch-bench feed", messages)
    let mix = kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print(String(format: "feed: %d messages in %.3f s = %.0f msgs/s (%@)", count, elapsed, Double(count) / elapsed, mix))
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Counts the dead-lettered messages: the daemon acknowledges an unusable message right after
/// its copy in `gridwatch.dead` is confirmed, so these count as handled.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ n: Int) { value.add(n, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// Reads `queue` until the consumer ends or the task is cancelled: hands each batch to `handle`
/// on arrival, then acknowledges it.
func reading(_ client: AMQPClient, queue: String, prefetch: UInt16 = 1000,
             _ handle: @escaping @Sendable ([Delivery], ContinuousClock.Instant) -> Void) -> Task<Void, Never> {
    let consumer = client.consume(queue: queue, prefetch: prefetch)
    return Task {
        while !Task.isCancelled {
            let batch = await consumer.nextBatch(max: Int(prefetch))
            if batch.isEmpty { return }
            handle(batch, .now)
            client.ack(batch.last!, multiple: true)
        }
    }
}

/// The daemon's store, opened read-only beside the running daemon.
func readOnlyStore(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.readonly = true
    return try DatabaseQueue(path: path, configuration: configuration)
}

/// Messages committed (rows of `processed_messages`) and outbox rows not yet confirmed.
func storeCounts(_ db: DatabaseQueue) throws -> (processed: Int, outbox: Int) {
    try db.read { db in
        (try Int.fetchOne(db, sql: "SELECT count(*) FROM processed_messages") ?? 0,
         try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0)
    }
}

/// `drain`: starts the daemon on a prefilled intake and times it from the start of the process
/// until every one of EXPECTED messages is handled — its effects committed (a row in
/// `processed_messages`) or its dead-letter copy confirmed (a message in `gridwatch.dead`) —
/// and the outbox is empty (every notification and case event confirmed by the broker). Prints
/// the daemon's peak resident memory and CPU time at that moment, then stops it with SIGTERM.
func drain(host: String, port: String, daemon: String, config: String, state: String, expected: Int, limit: Double) async throws {
    let database = URL(fileURLWithPath: state).appendingPathComponent("gridwatch.sqlite").path
    let before = FileManager.default.fileExists(atPath: database) ? try storeCounts(try readOnlyStore(database)).processed : 0

    let dead = Counter()
    let client = try makeClient(host: host, port: port, name: "gridwatch-bench dead-letters")
    try await connected(client, host, port)
    _ = try await client.purge(queue: GridwatchTopology.deadQueue)
    let reader = reading(client, queue: GridwatchTopology.deadQueue) { batch, _ in dead.add(batch.count) }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: daemon)
    process.arguments = ["run", "--config", config, "--state-directory", state, "--log-level", "error"]
    let started = ContinuousClock.now
    try process.run()
    var db: DatabaseQueue?
    var last = (processed: 0, outbox: 0)
    var finished: Double?
    var figures: ProcessFigures?
    while process.isRunning, seconds(ContinuousClock.now - started) < limit {
        if db == nil, FileManager.default.fileExists(atPath: database) { db = try? readOnlyStore(database) }
        if let db, let now = try? storeCounts(db) {
            last = now
            if now.processed - before + dead.count >= expected, now.outbox == 0 {
                finished = seconds(ContinuousClock.now - started)
                figures = ProcessFigures(pid: process.processIdentifier)
                break
            }
        }
        try await Task.sleep(for: .milliseconds(10))
    }
    let exitedEarly = !process.isRunning
    if process.isRunning { process.terminate() }
    let stopLimit = ContinuousClock.now + .seconds(30)
    while process.isRunning, ContinuousClock.now < stopLimit { try await Task.sleep(for: .milliseconds(50)) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    reader.cancel()
    await client.shutdown()
    guard let finished else {
        throw BenchFailure("""
            not drained\(exitedEarly ? " (the daemon exited)" : " within \(Int(limit)) s"): \
            \(last.processed - before) committed, \(dead.count) dead-lettered of \(expected); outbox \(last.outbox)
            """)
    }
    let usage = figures.map { String(format: "; %@, %.1f s of CPU", $0.peakText, $0.cpuSeconds) } ?? ""
    print(String(format: "drain: %d messages in %.3f s = %.0f msgs/s (%d committed, %d dead-lettered%@)",
                 expected, finished, Double(expected) / finished, last.processed - before, dead.count, usage))
}
