import AMQP
import Foundation
import GRDB
import GridwatchDaemon
import Logging

struct SoakFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func environment(_ key: String, _ fallback: String) -> String {
    guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { return fallback }
    return value
}

/// A client that reconnects quickly: the soak restarts the broker under it, and a publisher or
/// recorder that waited 30 s to try again would stretch every outage.
func makeClient(host: String, port: String, name: String, topology: Topology = Topology()) throws -> AMQPClient {
    let user = environment("AMQP_USER", "guest")
    let password = environment("AMQP_PASS", "guest")
    let vhost = environment("AMQP_VHOST", "/")
    let encodedVhost = vhost.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? vhost
    var configuration = AMQPConfiguration(url: try AMQPURL("amqp://\(user):\(password)@\(host):\(port)/\(encodedVhost)"))
    configuration.connectionName = name
    configuration.reconnect = Backoff(initial: .milliseconds(200), maximum: .seconds(2))
    configuration.heartbeatSeconds = 10
    var logger = Logger(label: "gridwatch-soak")
    logger.logLevel = .critical
    let client = try AMQPClient(configuration: configuration, topology: topology, logger: logger)
    client.start()
    return client
}

func connected(_ client: AMQPClient, _ host: String, _ port: String, timeout: Duration = .seconds(120)) async throws {
    guard await client.waitUntilConnected(timeout: timeout) else {
        await client.shutdown()
        throw SoakFailure("cannot connect to \(host):\(port)")
    }
}

func declareTopology(host: String, port: String) async throws {
    let client = try makeClient(host: host, port: port, name: "gridwatch-soak topology")
    try await connected(client, host, port)
    do {
        try await client.declare(GridwatchTopology.topology)
    } catch {
        await client.shutdown()
        throw error
    }
    await client.shutdown()
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func say(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// The daemon's database, read-only (it is the only writer); nil until the daemon created it.
func openReadOnly(_ path: String) -> DatabaseQueue? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    var configuration = Configuration()
    configuration.readonly = true
    configuration.busyMode = .timeout(10)
    return try? DatabaseQueue(path: path, configuration: configuration)
}

/// Appends lines to a file, for the ledger and the record; many small writes, one flush each.
final class LineWriter: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw SoakFailure("cannot create \(path)") }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw SoakFailure("cannot write \(path)") }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    func write(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        let text = lines.joined(separator: "\n") + "\n"
        lock.withLock { handle.write(Data(text.utf8)) }
    }

    func close() {
        lock.withLock { try? handle.close() }
    }
}

/// Tab-separated fields; the soak writes no tabs or newlines inside a field.
func fields(_ line: Substring) -> [Substring] {
    line.split(separator: "\t", omittingEmptySubsequences: false)
}

func lines(of path: String) throws -> [Substring] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.split(separator: "\n")
}
