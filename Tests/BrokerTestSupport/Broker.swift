import AMQP
import Foundation
import Logging

/// The brokers the integration tests use, started by `scripts/test` (or `scripts/broker start`).
///
/// `main` is shared by tests that leave it running; `fault` is a second node that tests may stop,
/// restart and pause, so a fault test never disturbs the others running beside it.
public enum Broker {
    public static let mainURL = ProcessInfo.processInfo.environment["GRIDWATCH_TEST_AMQP_URL"]
        ?? "amqp://guest:guest@127.0.0.1:5682/"
    public static let faultPort = ProcessInfo.processInfo.environment["GRIDWATCH_TEST_FAULT_PORT"].flatMap(Int.init) ?? 5692
    public static let faultURL = "amqp://guest:guest@127.0.0.1:\(faultPort)/"

    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let mainPort = URL(string: mainURL.replacingOccurrences(of: "amqp://", with: "http://"))?.port ?? 5682

    /// The `gridwatch` built with these tests: beside the test bundle, in whatever build
    /// directory (`--scratch-path`) it was built; `.build/debug` when it is not there.
    public static let gridwatchBinary: String = {
        let tests = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let beside = tests.appendingPathComponent("gridwatch").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repositoryRoot.appendingPathComponent(".build/debug/gridwatch").path
    }()

    /// Runs `scripts/broker ARGS` against the main node. Blocks: call it through `runBlocking`.
    public static func main(_ arguments: String...) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_BROKER_PORT"] = String(mainPort)
        let script = repositoryRoot.appendingPathComponent("scripts/broker").path
        let status = try spawnAndWait([script] + arguments, environment: environment)
        guard status == 0 else {
            throw TestFailure("scripts/broker \(arguments.joined(separator: " ")) failed (\(status))")
        }
    }

    /// A virtual host of its own for one test, so tests that use Gridwatch's fixed queue names
    /// run side by side without seeing each other's messages. Returns its URL.
    public static func freshVirtualHost(_ prefix: String) async throws -> String {
        let vhost = uniqueName(prefix)
        try await runBlocking {
            try main("ctl", "-q", "add_vhost", vhost)
            try main("ctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        }
        let base = mainURL.hasSuffix("/") ? mainURL : mainURL + "/"
        return base + vhost.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
    }

    public static func deleteVirtualHost(url: String) async {
        guard let vhost = url.split(separator: "/").last.flatMap({ String($0).removingPercentEncoding }) else { return }
        try? await runBlocking { try main("ctl", "-q", "delete_vhost", vhost) }
    }

    public static func configuration(_ url: String = mainURL, name: String = "gridwatch-test") throws -> AMQPConfiguration {
        var configuration = AMQPConfiguration(url: try AMQPURL(url))
        configuration.connectionName = name
        configuration.reconnect = Backoff(initial: .milliseconds(100), maximum: .seconds(2))
        configuration.heartbeatSeconds = 5
        return configuration
    }

    public static func client(
        _ url: String = mainURL, topology: Topology = Topology(), name: String = "gridwatch-test",
        onEvent: @escaping @Sendable (AMQPEvent) -> Void = { _ in }
    ) async throws -> AMQPClient {
        let client = try AMQPClient(
            configuration: configuration(url, name: name), topology: topology,
            logger: Logger(label: "test.\(name)"), onEvent: onEvent)
        client.start()
        guard await client.waitUntilConnected(timeout: .seconds(30)) else {
            throw TestFailure("cannot connect to \(url): is the test broker running? (scripts/broker start)")
        }
        return client
    }

    /// A queue name no other test uses.
    public static func uniqueName(_ prefix: String) -> String {
        "test.\(prefix).\(UUID().uuidString.prefix(8))"
    }

    /// Runs `scripts/broker ARGS` against the fault node. Blocks: call it through `runBlocking`.
    public static func fault(_ arguments: String...) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_BROKER_PORT"] = String(faultPort)
        environment["GRIDWATCH_BROKER_NAME"] = "gridwatch-fault@localhost"
        environment["GRIDWATCH_BROKER_DIR"] = repositoryRoot.appendingPathComponent(".run/broker-fault").path
        let script = repositoryRoot.appendingPathComponent("scripts/broker").path
        let status = try spawnAndWait([script] + arguments, environment: environment)
        guard status == 0 else {
            throw TestFailure("scripts/broker \(arguments.joined(separator: " ")) failed (\(status))")
        }
    }

    /// A broker node of a test's own, on `port`, for tests that restart a broker while other
    /// suites run beside them. `node("start")`, `node("restart")`, `node("stop")`.
    public static func node(port: Int, _ arguments: String...) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_BROKER_PORT"] = String(port)
        environment["GRIDWATCH_BROKER_NAME"] = "gridwatch-\(port)@localhost"
        environment["GRIDWATCH_BROKER_DIR"] = repositoryRoot.appendingPathComponent(".run/broker-\(port)").path
        let script = repositoryRoot.appendingPathComponent("scripts/broker").path
        let status = try spawnAndWait([script] + arguments, environment: environment)
        guard status == 0 else {
            throw TestFailure("scripts/broker \(arguments.joined(separator: " ")) on port \(port) failed (\(status))")
        }
    }

    /// Reads everything a consumer gets until `count` messages or `timeout` of silence.
    public static func collect(_ consumer: Consumer, count: Int, client: AMQPClient, ack: Bool = true,
                        timeout: Duration = .seconds(10)) async -> [Delivery] {
        var received: [Delivery] = []
        while received.count < count {
            let wanted = count - received.count
            let batch = await withTaskGroup(of: [Delivery]?.self) { group in
                group.addTask { await consumer.nextBatch(max: wanted) }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return nil
                }
                let first = await group.next()!
                group.cancelAll()
                return first
            }
            guard let batch, !batch.isEmpty else { break }
            if ack { for delivery in batch { client.ack(delivery) } }
            received.append(contentsOf: batch)
        }
        return received
    }
}

/// posix_spawn and waitpid: Foundation's Process does not always notice a child's exit when the
/// child leaves a daemon behind (the broker), and would hang the test.
public func spawnAndWait(_ argv: [String], environment: [String: String]) throws -> Int32 {
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in cArguments { free(pointer) }
        for pointer in cEnvironment { free(pointer) }
    }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], nil, nil, cArguments, cEnvironment)
    guard spawned == 0 else { throw TestFailure("cannot start \(argv[0]): error \(spawned)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw TestFailure("waitpid failed: \(errno)") }
    }
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs blocking work (a child process) off Swift's cooperative pool.
public func runBlocking(_ body: @escaping @Sendable () throws -> Void) async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
        Thread.detachNewThread {
            do {
                try body()
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// Events a client reported, for assertions.
public final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [AMQPEvent] = []

    public init() {}

    public var record: @Sendable (AMQPEvent) -> Void { { [self] event in lock.withLock { events.append(event) } } }

    public var all: [AMQPEvent] { lock.withLock { events } }

    public func contains(_ predicate: (AMQPEvent) -> Bool) -> Bool { all.contains(where: predicate) }
}

/// Starts a program and returns its pid without waiting (the test ends it, by that pid).
public func spawn(_ argv: [String], environment: [String: String], output: String? = nil) throws -> pid_t {
    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for pointer in cArguments { free(pointer) }
        for pointer in cEnvironment { free(pointer) }
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let output {
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
    guard spawned == 0 else { throw TestFailure("cannot start \(argv[0]): error \(spawned)") }
    return pid
}

/// Waits for a child to end; returns its exit status (128 + signal when killed).
public func waitForExit(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}
