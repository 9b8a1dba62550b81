import AMQP
import GridwatchDaemon
import Foundation
import Logging
import Synchronization

// gridwatch-bench: the AMQP layer measured against amqp-bench (rabbitmq-c with nothing in
// between), on the same broker and in the same run. See docs/BENCHMARKS.md.
//
//   gridwatch-bench setup HOST PORT QUEUE EXCHANGE RKEY SINK
//       declares QUEUE, the direct EXCHANGE and SINK bound to it with RKEY (durable, classic).
//   gridwatch-bench setup-fanout HOST PORT QUEUE EXCHANGE RKEY SINK…
//       the daemon's shape for the C relay: QUEUE and every SINK quorum queues, each SINK bound
//       to the direct EXCHANGE with RKEY, so one relayed message is stored in every SINK.
//   gridwatch-bench purge HOST PORT QUEUE…
//       removes every ready message from each QUEUE.
//   gridwatch-bench relay HOST PORT QUEUE EXCHANGE RKEY COUNT PREFETCH
//       what `amqp-bench relay` does, through the public API of the AMQP module: consume COUNT
//       messages, publish each body persistent and confirmed to EXCHANGE/RKEY, acknowledge each
//       delivery only after its publish is confirmed; prints msgs/s.
//
//   gridwatch-bench topology HOST PORT
//       declares the daemon's exchanges and queues (GridwatchTopology), as `gridwatch run` does.
//   gridwatch-bench seed HOST PORT CONFIG RUN SEEDS
//       publishes SEEDS hotline requests to gridwatch.intake, each opening a case of its own.
//   gridwatch-bench feed HOST PORT CONFIG RUN SEEDS COUNT
//       publishes COUNT mixed intake messages (hotline, alarm, camera, care, field updates to the
//       seed cases, a few invalid ones); see IntakeFeed.swift.
//   gridwatch-bench drain HOST PORT DAEMON CONFIG STATE EXPECTED LIMIT
//       starts DAEMON (`gridwatch run`) and times it until EXPECTED messages are committed or
//       dead-lettered and the outbox is empty; stops it after (SIGTERM). At most LIMIT seconds.
//   gridwatch-bench latency HOST PORT CONFIG RUN RATE SECONDS [WAIT]
//       hotline requests at RATE per second for SECONDS against a running daemon; prints the
//       percentiles of request sent → its case.dispatched event received, waiting up to WAIT
//       seconds (default 90) after the last send for the stragglers.
//
//   gridwatch-bench scale-seed CONFIG STATE COUNT DUE LEAD SECONDS
//       writes COUNT open cases with pending deadlines straight into STATE's store, DUE of them
//       falling due over SECONDS, from LEAD seconds after the seeding ends; see ScaleBench.swift.
//   gridwatch-bench scale-check STATE
//       how late the daemon escalated each of those DUE cases.
//
//   gridwatch-bench burst-config DIRECTORY BUILDINGS
//       adds BUILDINGS buildings, each with a smoke alarm, a gas alarm and a camera, to every grid
//       of the copy of a configuration in DIRECTORY; see BurstConfig.swift.
//   gridwatch-bench burst HOST PORT CONFIG STATE RUN COUNT SECONDS LIMIT
//       COUNT camera detections and alarms folding into incidents known in advance, spread over
//       SECONDS, against a daemon running on the fresh store in STATE; times the drain (at most
//       LIMIT seconds) and checks the cases in the store; see BurstBench.swift.
//   gridwatch-bench city-config DIR --grids GRIDS --categories CATEGORIES
//       writes a configuration directory shaped like deploy/config with GRIDS grids and
//       CATEGORIES hotline categories; see CityConfig.swift.
//   gridwatch-bench incidents-feed HOST PORT CONFIG RUN INCIDENTS REPORTS
//       publishes REPORTS hotline requests about INCIDENTS incidents; see IncidentWorkload.swift.
//   gridwatch-bench incidents-check STATE CONFIG RUN INCIDENTS REPORTS
//       checks that STATE's store holds one case per incident with all of its reports.
//   gridwatch-bench alertmanager-load URL PID CONFIG RUN INCIDENTS REPORTS BATCH CONNECTIONS LIMIT
//       the same reports as alerts POSTed to the Alertmanager at URL (process PID), timed until
//       it lists one alert per incident; see AlertmanagerBench.swift.
//
// Credentials: guest/guest, vhost "/"; set AMQP_USER, AMQP_PASS, AMQP_VHOST like amqp-bench.

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func environment(_ key: String, _ fallback: String) -> String {
    guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { return fallback }
    return value
}

func makeClient(host: String, port: String, name: String, topology: Topology = Topology(),
                onEvent: @escaping @Sendable (AMQPEvent) -> Void = { _ in }) throws -> AMQPClient {
    let user = environment("AMQP_USER", "guest")
    let password = environment("AMQP_PASS", "guest")
    let vhost = environment("AMQP_VHOST", "/")
    let encodedVhost = vhost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? vhost
    var configuration = AMQPConfiguration(url: try AMQPURL("amqp://\(user):\(password)@\(host):\(port)/\(encodedVhost)"))
    configuration.connectionName = name
    var logger = Logger(label: "gridwatch-bench")
    logger.logLevel = .warning
    let client = try AMQPClient(configuration: configuration, topology: topology, logger: logger, onEvent: onEvent)
    client.start()
    return client
}

func connected(_ client: AMQPClient, _ host: String, _ port: String) async throws {
    guard await client.waitUntilConnected(timeout: .seconds(30)) else {
        await client.shutdown()
        throw BenchFailure("cannot connect to \(host):\(port)")
    }
}

func setup(host: String, port: String, queue: String, exchange: String, routingKey: String, sinks: [String],
           kind: Topology.Queue.Kind = .classic) async throws {
    let client = try makeClient(host: host, port: port, name: "gridwatch-bench setup")
    try await connected(client, host, port)
    let result: Result<Void, AMQPError>
    do {
        try await client.declare(Topology(
            exchanges: [.init(exchange, kind: .direct)],
            queues: ([queue] + sinks).map { .init($0, kind: kind) },
            bindings: sinks.map { .init(queue: $0, exchange: exchange, routingKey: routingKey) }))
        result = .success(())
    } catch {
        result = .failure(error)
    }
    await client.shutdown()
    try result.get()
}

func purge(host: String, port: String, queues: [String]) async throws {
    let client = try makeClient(host: host, port: port, name: "gridwatch-bench purge")
    try await connected(client, host, port)
    for queue in queues {
        let count = try await client.purge(queue: queue)
        print("purge: \(queue): \(count) messages")
    }
    await client.shutdown()
}

/// What the relay's confirms have settled: the deliveries waiting for their publish's confirm,
/// and how far the acknowledged prefix reaches. Touched by the relay task (to record deliveries)
/// and by the client's thread (publish completions).
final class RelayLedger: Sendable {
    private struct State {
        /// The batches as the consumer handed them out, from `head` on still (partly) unacknowledged.
        var batches: [(start: Int, deliveries: [Delivery])] = []
        var head = 0
        var confirmed: [Bool]
        /// Deliveries 0..<acknowledged are acknowledged (or about to be, by the caller).
        var acknowledged = 0
        var failure: String?
        var done: CheckedContinuation<String?, Never>?
        var finished = false
    }

    private let state: Mutex<State>
    let count: Int

    init(count: Int) {
        self.count = count
        state = Mutex(State(confirmed: Array(repeating: false, count: count)))
    }

    /// Records a batch of deliveries numbered from `start`, before any of them is published.
    func record(_ batch: [Delivery], from start: Int) {
        state.withLock { $0.batches.append((start, batch)) }
    }

    /// A publish's outcome. Calls `acknowledge` with the last delivery of the confirmed prefix
    /// when it grew; publishes are numbered in delivery order, so acknowledging that delivery
    /// with `multiple` acknowledges exactly the deliveries whose publish is confirmed. The
    /// waiter in `finished()` resumes only after the last acknowledgement has been queued.
    func settle(_ index: Int, _ outcome: PublishOutcome, acknowledge: (Delivery) -> Void) {
        let (ack, resume): (Delivery?, (CheckedContinuation<String?, Never>, String?)?) = state.withLock { state in
            guard outcome == .confirmed else {
                state.failure = state.failure ?? "publish \(index + 1) ended as \(outcome)"
                return (nil, finish(&state))
            }
            state.confirmed[index] = true
            let start = state.acknowledged
            while state.acknowledged < count, state.confirmed[state.acknowledged] { state.acknowledged += 1 }
            guard state.acknowledged > start else { return (nil, nil) }
            let last = state.acknowledged - 1
            while state.batches[state.head].start + state.batches[state.head].deliveries.count <= last {
                state.batches[state.head].deliveries = []
                state.head += 1
            }
            let batch = state.batches[state.head]
            let delivery = batch.deliveries[last - batch.start]
            return (delivery, state.acknowledged == count ? finish(&state) : nil)
        }
        if let ack { acknowledge(ack) }
        if let (continuation, failure) = resume { continuation.resume(returning: failure) }
    }

    func fail(_ why: String) {
        let resume = state.withLock { state in
            state.failure = state.failure ?? why
            return finish(&state)
        }
        if let (continuation, failure) = resume { continuation.resume(returning: failure) }
    }

    /// Waits until every delivery is acknowledged or something failed; returns the failure.
    func finished() async -> String? {
        await withCheckedContinuation { continuation in
            let now: String?? = state.withLock { state in
                if state.finished { return .some(state.failure) }
                state.done = continuation
                return .none
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    private func finish(_ state: inout State) -> (CheckedContinuation<String?, Never>, String?)? {
        guard !state.finished else { return nil }
        state.finished = true
        defer { state.done = nil }
        return state.done.map { ($0, state.failure) }
    }
}

func relay(host: String, port: String, queue: String, exchange: String, routingKey: String,
           count: Int, prefetch: UInt16) async throws {
    let ledger = RelayLedger(count: count)
    // A reconnect would renumber deliveries and publishes: the run would no longer measure one
    // connection, so any such event ends it as a failure.
    let client = try makeClient(host: host, port: port, name: "gridwatch-bench relay") { event in
        switch event {
        case .connected: break
        case .disconnected(let error): ledger.fail("disconnected: \(error)")
        case .connectFailed(let error, _): ledger.fail("cannot connect: \(error)")
        case .blocked(let reason): ledger.fail("the broker blocks publishing: \(reason)")
        case .unblocked: break
        case .consumerCancelled(let queue): ledger.fail("consumer of \(queue) cancelled")
        case .channelReopened(let error): ledger.fail("channel reopened: \(error)")
        }
    }
    try await connected(client, host, port)
    let consumer = client.consume(queue: queue, prefetch: prefetch)
    let properties = MessageProperties(persistent: true)
    var delivered = 0
    var started: ContinuousClock.Instant?
    while delivered < count {
        let batch = await consumer.nextBatch(max: count - delivered)
        if batch.isEmpty {
            ledger.fail("the consumer ended after \(delivered) deliveries")
            break
        }
        if started == nil { started = .now }
        ledger.record(batch, from: delivered)
        for position in batch.indices {
            let index = delivered + position
            let message = OutgoingMessage(exchange: exchange, routingKey: routingKey, body: batch[position].body, properties: properties)
            client.publish(message) { outcome in
                ledger.settle(index, outcome) { client.ack($0, multiple: true) }
            }
        }
        delivered += batch.count
    }
    let failure = await ledger.finished()
    // Commands run in order: once this returns, the last acknowledgement is on the wire.
    await client.stopConsuming()
    let elapsed = started.map { ContinuousClock.now - $0 } ?? .zero
    await client.shutdown()
    if let failure { throw BenchFailure(failure) }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(String(format: "relay: %d messages in %.3f s = %.0f msgs/s (prefetch %d)", count, seconds,
                 Double(count) / seconds, Int(prefetch)))
}

/// The incident workload of CONFIG for INCIDENTS and REPORTS given as text, timed from now.
func incidentWorkload(config: String, run: String, _ incidents: String, _ reports: String) throws -> IncidentWorkload {
    guard let incidents = Int(incidents), incidents > 0, let reports = Int(reports), reports > 0 else {
        throw BenchFailure("INCIDENTS and REPORTS must be positive numbers")
    }
    return try IncidentWorkload(configuration: try loadConfiguration(config), run: run, incidents: incidents, reports: reports,
                                now: Date())
}

let arguments = CommandLine.arguments
do {
    switch (arguments.count > 1 ? arguments[1] : "", arguments.count) {
    case ("setup", 8):
        try await setup(host: arguments[2], port: arguments[3], queue: arguments[4], exchange: arguments[5],
                        routingKey: arguments[6], sinks: [arguments[7]])
    case ("setup-fanout", 8...):
        try await setup(host: arguments[2], port: arguments[3], queue: arguments[4], exchange: arguments[5],
                        routingKey: arguments[6], sinks: Array(arguments[7...]), kind: .quorum)
    case ("purge", 5...):
        try await purge(host: arguments[2], port: arguments[3], queues: Array(arguments[4...]))
    case ("relay", 9):
        guard let count = Int(arguments[7]), count > 0, let prefetch = UInt16(arguments[8]), prefetch > 0 else {
            throw BenchFailure("COUNT and PREFETCH must be positive numbers")
        }
        try await relay(host: arguments[2], port: arguments[3], queue: arguments[4], exchange: arguments[5],
                        routingKey: arguments[6], count: count, prefetch: prefetch)
    case ("topology", 4):
        let client = try makeClient(host: arguments[2], port: arguments[3], name: "gridwatch-bench topology")
        try await connected(client, arguments[2], arguments[3])
        do {
            try await client.declare(GridwatchTopology.topology)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    case ("seed", 7):
        guard let seeds = Int(arguments[6]), seeds > 0 else { throw BenchFailure("SEEDS must be a positive number") }
        try await seed(host: arguments[2], port: arguments[3], config: arguments[4], run: arguments[5], seeds: seeds,
                       now: Date())
    case ("feed", 8):
        guard let seeds = Int(arguments[6]), seeds > 0, let count = Int(arguments[7]), count > 0 else {
            throw BenchFailure("SEEDS and COUNT must be positive numbers")
        }
        try await feed(host: arguments[2], port: arguments[3], config: arguments[4], run: arguments[5], seeds: seeds,
                       count: count, now: Date())
    case ("drain", 9):
        guard let expected = Int(arguments[7]), expected > 0, let limit = Double(arguments[8]), limit > 0 else {
            throw BenchFailure("EXPECTED and LIMIT must be positive numbers")
        }
        try await drain(host: arguments[2], port: arguments[3], daemon: arguments[4], config: arguments[5],
                        state: arguments[6], expected: expected, limit: limit)
    case ("latency", 8...9):
        guard let rate = Int(arguments[6]), rate > 0, let duration = Int(arguments[7]), duration > 0, duration <= 600,
              let wait = arguments.count == 9 ? Int(arguments[8]) : 90, (0...600).contains(wait) else {
            throw BenchFailure("RATE, SECONDS and WAIT must be positive numbers (SECONDS and WAIT at most 600)")
        }
        try await latency(host: arguments[2], port: arguments[3], config: arguments[4], run: arguments[5], rate: rate,
                          duration: duration, wait: wait)
    case ("scale-seed", 8):
        guard let count = Int(arguments[4]), count > 0, let due = Int(arguments[5]), (0...count).contains(due),
              let lead = Double(arguments[6]), lead >= 0, let seconds = Double(arguments[7]), seconds > 0 else {
            throw BenchFailure("COUNT, DUE, LEAD and SECONDS must be numbers, DUE at most COUNT")
        }
        try scaleSeed(config: arguments[2], state: arguments[3], count: count, due: due, lead: lead, seconds: seconds)
    case ("scale-check", 3):
        try scaleCheck(state: arguments[2])
    case ("burst-config", 4):
        guard let buildings = Int(arguments[3]), (1...1000).contains(buildings) else {
            throw BenchFailure("BUILDINGS must be a number from 1 to 1000")
        }
        try burstConfig(directory: arguments[2], buildings: buildings)
    case ("burst", 10):
        guard let count = Int(arguments[7]), count > 0, let spread = Double(arguments[8]), spread > 0,
              let limit = Double(arguments[9]), limit > 0 else {
            throw BenchFailure("COUNT, SECONDS and LIMIT must be positive numbers")
        }
        try await burst(host: arguments[2], port: arguments[3], config: arguments[4], state: arguments[5], run: arguments[6],
                        count: count, spread: spread, limit: limit)
    case ("city-config", 7):
        guard arguments[3] == "--grids", let grids = Int(arguments[4]), (1...99_000).contains(grids),
              arguments[5] == "--categories", let categories = Int(arguments[6]), (1...999).contains(categories) else {
            throw BenchFailure("usage: city-config DIR --grids GRIDS --categories CATEGORIES (at most 99,000 grids, 999 categories)")
        }
        var city = CityConfig(grids: grids, categories: categories)
        try city.write(to: arguments[2])
        print("city-config: \(grids) grids, \(categories) categories in \(arguments[2])")
    case ("incidents-feed", 8):
        try await incidentsFeed(host: arguments[2], port: arguments[3],
                                workload: try incidentWorkload(config: arguments[4], run: arguments[5], arguments[6], arguments[7]))
    case ("incidents-check", 7):
        try incidentsCheck(state: arguments[2],
                           workload: try incidentWorkload(config: arguments[3], run: arguments[4], arguments[5], arguments[6]))
    case ("alertmanager-load", 11):
        guard let pid = Int32(arguments[3]), let batch = Int(arguments[8]), batch > 0, let connections = Int(arguments[9]),
              (1...64).contains(connections), let limit = Double(arguments[10]), limit > 0 else {
            throw BenchFailure("PID, BATCH, CONNECTIONS (at most 64) and LIMIT must be positive numbers")
        }
        try await alertmanagerLoad(
            url: arguments[2], pid: pid,
            workload: try incidentWorkload(config: arguments[4], run: arguments[5], arguments[6], arguments[7]),
            batch: batch, connections: connections, limit: limit)
    default:
        FileHandle.standardError.write(Data("""
            usage: gridwatch-bench setup HOST PORT QUEUE EXCHANGE RKEY SINK
                   gridwatch-bench setup-fanout HOST PORT QUEUE EXCHANGE RKEY SINK…
                   gridwatch-bench purge HOST PORT QUEUE…
                   gridwatch-bench relay HOST PORT QUEUE EXCHANGE RKEY COUNT PREFETCH
                   gridwatch-bench topology HOST PORT
                   gridwatch-bench seed HOST PORT CONFIG RUN SEEDS
                   gridwatch-bench feed HOST PORT CONFIG RUN SEEDS COUNT
                   gridwatch-bench drain HOST PORT DAEMON CONFIG STATE EXPECTED LIMIT
                   gridwatch-bench latency HOST PORT CONFIG RUN RATE SECONDS [WAIT]
                   gridwatch-bench scale-seed CONFIG STATE COUNT DUE LEAD SECONDS
                   gridwatch-bench scale-check STATE
                   gridwatch-bench burst-config DIRECTORY BUILDINGS
                   gridwatch-bench burst HOST PORT CONFIG STATE RUN COUNT SECONDS LIMIT
                   gridwatch-bench city-config DIR --grids GRIDS --categories CATEGORIES
                   gridwatch-bench incidents-feed HOST PORT CONFIG RUN INCIDENTS REPORTS
                   gridwatch-bench incidents-check STATE CONFIG RUN INCIDENTS REPORTS
                   gridwatch-bench alertmanager-load URL PID CONFIG RUN INCIDENTS REPORTS BATCH CONNECTIONS LIMIT

            """.utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("gridwatch-bench: \(error)\n".utf8))
    exit(1)
}
