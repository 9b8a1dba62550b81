import AMQP
import BrokerTestSupport
import Foundation
import GridwatchDaemon
import Testing

/// The broker users `deploy/rabbitmq/users` creates, made by the script itself on a virtual
/// host of their own, under a name prefix of their own (users are broker-wide), for one suite.
struct BrokerUsers: Sendable {
    /// The users the suites need: the daemon and the publishers.
    static let names = ["gridwatch", "gw-hotline", "gw-callback", "gw-sensors", "gw-field"]

    /// guest's URL for the virtual host (guest may do everything there, as on every test host).
    let guestURL: String
    let virtualHost: String
    let prefix: String
    let passwordDirectory: URL

    /// The suite's users, set by the `.brokerUsers` trait around the suite.
    @TaskLocal static var current: BrokerUsers?

    static let script = Broker.repositoryRoot.appendingPathComponent("deploy/rabbitmq/users").path

    /// Runs the script against the test broker; returns its status and what it printed.
    static func run(_ arguments: [String]) throws -> (Int32, String) {
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_BROKER_PORT"] = String(Broker.mainPort)
        let ctl = Broker.repositoryRoot.appendingPathComponent("scripts/broker").path + " ctl"
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("users-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try spawn(["/bin/bash", script, "--ctl", ctl] + arguments, environment: environment, output: output)
        let status = waitForExit(pid)
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    /// Runs `rabbitmqctl ARGS` against the test broker; returns what it printed.
    static func ctl(_ arguments: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_BROKER_PORT"] = String(Broker.mainPort)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try spawn([Broker.repositoryRoot.appendingPathComponent("scripts/broker").path, "ctl"] + arguments,
                            environment: environment, output: output)
        let status = waitForExit(pid)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw TestFailure("rabbitmqctl \(arguments.joined(separator: " ")) failed (\(status)): \(text)") }
        return text
    }

    static func create() async throws -> BrokerUsers {
        let guestURL = try await Broker.freshVirtualHost("users")
        guard let virtualHost = guestURL.split(separator: "/").last.flatMap({ String($0).removingPercentEncoding }) else {
            throw TestFailure("no virtual host in \(guestURL)")
        }
        let prefix = "t\(UUID().uuidString.prefix(8).lowercased())-"
        let passwords = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-users-\(UUID().uuidString)")
        let users = BrokerUsers(guestURL: guestURL, virtualHost: virtualHost, prefix: prefix, passwordDirectory: passwords)
        // Gridwatch's exchanges and queues, as the definitions or the daemon would declare them.
        let admin = try await Broker.client(guestURL, topology: GridwatchTopology.topology, name: "users-admin")
        await admin.shutdown()
        let arguments = ["--vhost", virtualHost, "--prefix", prefix, "--password-dir", passwords.path] + names
        let (status, output) = try await blocking { try run(arguments) }
        guard status == 0 else {
            await users.remove()
            throw TestFailure("deploy/rabbitmq/users failed (\(status)): \(output)")
        }
        return users
    }

    /// Deletes the users (with the script) and the virtual host.
    func remove() async {
        let arguments = ["--prefix", prefix, "--password-dir", passwordDirectory.path, "--remove"] + Self.names
        _ = try? await blocking { try Self.run(arguments) }
        await Broker.deleteVirtualHost(url: guestURL)
        try? FileManager.default.removeItem(at: passwordDirectory)
    }

    /// The broker user name of one of `names`.
    func name(_ user: String) -> String { prefix + user }

    /// The URL `user` connects with, its password read from the file the script wrote.
    func url(_ user: String) throws -> String {
        let file = passwordDirectory.appendingPathComponent(name(user))
        let password = try #require(try String(contentsOf: file, encoding: .utf8).split(separator: "\n").first)
        let encoded = virtualHost.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!
        return "amqp://\(name(user)):\(password)@127.0.0.1:\(Broker.mainPort)/\(encoded)"
    }

    /// A connected client as `user`, declaring nothing.
    func client(_ user: String, onEvent: @escaping @Sendable (AMQPEvent) -> Void = { _ in }) async throws -> AMQPClient {
        try await Broker.client(try url(user), name: "test-\(user)", onEvent: onEvent)
    }
}

/// Creates the broker users once around a suite, and removes them after it.
struct BrokerUsersTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let users = try await BrokerUsers.create()
        do {
            try await BrokerUsers.$current.withValue(users) { try await function() }
        } catch {
            await users.remove()
            throw error
        }
        await users.remove()
    }
}

extension Trait where Self == BrokerUsersTrait {
    static var brokerUsers: Self { Self() }
}

/// Runs blocking work (a child process) off Swift's cooperative pool and returns its result.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
