import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GridConfig
import GridwatchDaemon
import Logging

/// One daemon under test: the sample configuration (optionally with short deadlines), a
/// virtual host of its own on the test broker, and a state directory in /tmp.
final class DaemonHarness: @unchecked Sendable {
    let vhostURL: String
    let directory: URL
    let configDirectory: URL
    /// The daemon's /metrics port, free when the harness was made.
    let metricsPort: Int
    var configuration: GridwatchConfiguration
    let observer: AMQPClient
    private var task: Task<Void, Error>?
    private var consumers: [String: Consumer] = [:]
    private var received: [String: [Received]] = [:]
    private let lock = NSLock()

    /// - Parameter shortDeadlines: every sign-for deadline 2 s and reminders every 2 s, so an
    ///   unsigned case climbs grid → community → street → district within seconds.
    /// - Parameter brokerURL: a broker of the test's own instead of a virtual host on the shared one.
    init(_ name: String, shortDeadlines: Bool = false, brokerURL: String? = nil) async throws {
        if let brokerURL {
            vhostURL = brokerURL
        } else {
            vhostURL = try await Broker.freshVirtualHost(name)
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-test-\(UUID().uuidString)")
        configDirectory = directory.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        let sample = Broker.repositoryRoot.appendingPathComponent("deploy/config")
        metricsPort = Self.freePort()
        for file in try FileManager.default.contentsOfDirectory(atPath: sample.path) where file.hasSuffix(".yaml") {
            var text = try String(contentsOf: sample.appendingPathComponent(file), encoding: .utf8)
            if shortDeadlines, file == "policies.yaml" { text = Self.shorten(text) }
            // Daemons of tests running side by side each need a metrics port of their own.
            if file == "gridwatch.yaml" { text += "\nmetrics:\n  port: \(metricsPort)\n" }
            try text.write(to: configDirectory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        configuration = try GridwatchConfiguration.load(contentsOf: configDirectory.appendingPathComponent("gridwatch.yaml"))
        configuration.daemon.broker.url = vhostURL
        configuration.daemon.broker.heartbeat = 5
        // The observer declares the topology too, so nothing published before the daemon starts is lost.
        observer = try await Broker.client(vhostURL, topology: GridwatchTopology.topology, name: "observer")
    }

    /// A TCP port nothing listens on right now (the kernel's pick for port 0).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Every sign-for and resolve deadline in seconds; reminders every 2 s.
    static func shorten(_ policies: String) -> String {
        var text = policies
        let signFor = try! NSRegularExpression(pattern: #"signFor: \{[^}]*\}"#)
        text = signFor.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text),
            withTemplate: "signFor: {grid: 2s, community: 2s, street: 2s, district: 2s}")
        let reminder = try! NSRegularExpression(pattern: #"reminderEvery: \w+"#)
        text = reminder.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "reminderEvery: 2s")
        return text
    }

    var statePath: String { directory.appendingPathComponent("state").path }
    var databasePath: String { directory.appendingPathComponent("state/gridwatch.sqlite").path }

    /// Runs the daemon in this process until `stop()`.
    func start() throws {
        try FileManager.default.createDirectory(atPath: statePath, withIntermediateDirectories: true)
        let daemon = Daemon(configuration: configuration, stateDirectory: URL(fileURLWithPath: statePath),
                            logger: Logger(label: "test.daemon"))
        task = Task { try await daemon.run() }
    }

    func stop() async {
        task?.cancel()
        _ = try? await task?.value
        task = nil
    }

    func tearDown() async {
        await stop()
        await observer.shutdown()
        await Broker.deleteVirtualHost(url: vhostURL)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Publishes an intake message as the given broker user would (the test broker's guest).
    func publish(_ routingKey: String, _ json: String, messageID: String? = nil, person: String? = nil) async -> PublishOutcome {
        var properties = MessageProperties(contentType: "application/json", messageID: messageID, userID: "guest")
        if let person { properties.headers["x-gridwatch-person"] = .string(person) }
        return await observer.publish(OutgoingMessage(
            exchange: GridwatchTopology.intakeExchange, routingKey: routingKey, body: Data(json.utf8), properties: properties))
    }

    /// Opens the store read-only, as `gridwatch cases` does.
    func store() throws -> SQLiteCaseStore { try SQLiteCaseStore(path: databasePath, readOnly: true) }

    /// Waits until `condition` holds, polling; false after `timeout`.
    func eventually(timeout: Duration = .seconds(20), _ condition: () throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return (try? condition()) == true
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    static func hotline(id: String, code: String = "garbage", grid: String = "110101008001001", at: Date = Date()) -> String {
        """
        {"service_request_id": "\(id)", "status": "open", "service_code": "\(code)",
         "requested_datetime": "\(iso(at))", "description": "楼道堆放杂物", "grid_code": "\(grid)",
         "caller": {"name": "王女士", "phone": "13900000000"}}
        """
    }
}

/// Messages read from a queue of the topology, decoded as JSON objects.
struct Received {
    var routingKey: String
    var type: String?
    var messageID: String?
    /// `x-gridwatch-reason` on dead-lettered messages.
    var reason: String?
    var json: [String: Any]
}

extension DaemonHarness {
    /// Keeps reading `queue` until `condition` holds over everything it has delivered so far
    /// (in this harness), or `timeout` passes; returns all of it.
    func waitFor(_ queue: String, timeout: Duration = .seconds(20), _ condition: ([Received]) -> Bool) async -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let sofar = lock.withLock { received[queue] ?? [] }
            if condition(sofar) || ContinuousClock.now >= deadline { return sofar }
            _ = await drain(queue, atLeast: 1, timeout: .milliseconds(300))
        }
    }

    /// Reads what has arrived on `queue` within `timeout`, acknowledging it.
    func drain(_ queue: String, atLeast count: Int, timeout: Duration = .seconds(20)) async -> [Received] {
        // One consumer per queue for the harness's life: a second one would share the messages.
        let consumer = lock.withLock {
            if let existing = consumers[queue] { return existing }
            let created = observer.consume(queue: queue, prefetch: 500)
            consumers[queue] = created
            return created
        }
        let deliveries = await Broker.collect(consumer, count: count, client: observer, timeout: timeout)
        let messages = deliveries.map {
            Received(routingKey: $0.routingKey, type: $0.properties.type, messageID: $0.properties.messageID,
                     reason: $0.properties.headers["x-gridwatch-reason"]?.stringValue,
                     json: (try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any]) ?? [:])
        }
        lock.withLock { received[queue, default: []].append(contentsOf: messages) }
        return messages
    }
}
