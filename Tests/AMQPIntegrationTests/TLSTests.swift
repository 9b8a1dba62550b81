import AMQP
import BrokerTestSupport
import Foundation
import Logging
import Testing

/// TLS against a RabbitMQ TLS listener, with certificates this test makes with openssl: a CA,
/// a broker certificate for `localhost` signed by it, and a second, unrelated CA.
@Suite("TLS to the broker")
struct TLSTests {
    @Test("verified TLS connects; a wrong CA and a wrong host name are refused; verification is on by default")
    func tls() async throws {
        let port = 5712
        let tlsPort = 5713
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await runBlocking { try Self.makeCertificates(in: directory) }
        let nodeDirectory = Broker.repositoryRoot.appendingPathComponent(".run/broker-\(port)")
        try FileManager.default.createDirectory(at: nodeDirectory, withIntermediateDirectories: true)
        try """
            listeners.ssl.1 = 127.0.0.1:\(tlsPort)
            ssl_options.cacertfile = \(directory.path)/ca.pem
            ssl_options.certfile = \(directory.path)/server.pem
            ssl_options.keyfile = \(directory.path)/server.key
            ssl_options.verify = verify_none
            ssl_options.fail_if_no_peer_cert = false

            """.write(to: nodeDirectory.appendingPathComponent("rabbitmq.extra.conf"), atomically: true, encoding: .utf8)
        try await runBlocking { try Broker.node(port: port, "start") }
        defer {
            try? FileManager.default.removeItem(at: nodeDirectory.appendingPathComponent("rabbitmq.extra.conf"))
            Task { try? await runBlocking { try Broker.node(port: port, "stop") } }
        }

        // The right CA and the certificate's host name: connected, and messages are confirmed.
        let good = try await connect("amqps://guest:guest@localhost:\(tlsPort)/", ca: directory.appendingPathComponent("ca.pem").path)
        #expect(good.error == nil)
        if let client = good.client {
            let queue = Broker.uniqueName("tls")
            try await client.declare(Topology(queues: [.init(queue, autoDelete: true)]))
            #expect(await client.publish(OutgoingMessage(exchange: "", routingKey: queue, body: Data("over TLS".utf8))) == .confirmed)
            await client.shutdown()
        }

        // A CA that did not sign the broker's certificate.
        let wrongCA = try await connect("amqps://guest:guest@localhost:\(tlsPort)/", ca: directory.appendingPathComponent("other-ca.pem").path)
        #expect(wrongCA.error?.code == .tlsFailed, "\(String(describing: wrongCA.error))")

        // The right CA, but a host name the certificate does not name (it names only localhost).
        let wrongHost = try await connect("amqps://guest:guest@127.0.0.1:\(tlsPort)/", ca: directory.appendingPathComponent("ca.pem").path)
        #expect(wrongHost.error?.code == .tlsFailed, "\(String(describing: wrongHost.error))")
        let unchecked = try await connect("amqps://guest:guest@127.0.0.1:\(tlsPort)/", ca: directory.appendingPathComponent("ca.pem").path,
                                          verifyHostname: false)
        #expect(unchecked.error == nil, "host-name verification can be turned off explicitly")
        await unchecked.client?.shutdown()

        // Without a CA file the system's CAs are used, which do not know the test CA: refused.
        let noCA = try await connect("amqps://guest:guest@localhost:\(tlsPort)/", ca: nil)
        #expect(noCA.error?.code == .tlsFailed, "\(String(describing: noCA.error))")
    }

    /// Connects and reports the first error, or the connected client.
    private func connect(_ url: String, ca: String?, verifyHostname: Bool = true) async throws -> (client: AMQPClient?, error: AMQPError?) {
        var configuration = AMQPConfiguration(url: try AMQPURL(url))
        configuration.tls = .init(caFile: ca, verifyPeer: true, verifyHostname: verifyHostname)
        configuration.reconnect = Backoff(initial: .seconds(5), maximum: .seconds(5))
        let events = EventLog()
        let client = try AMQPClient(configuration: configuration, logger: Logger(label: "test.tls"), onEvent: events.record)
        client.start()
        let deadline = ContinuousClock.now + .seconds(15)
        while events.all.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        switch events.all.first {
        case .connected?:
            return (client, nil)
        case .connectFailed(let error, _)?:
            await client.shutdown()
            return (nil, error)
        default:
            await client.shutdown()
            return (nil, AMQPError(.timeout, operation: "connect \(url)"))
        }
    }

    static func makeCertificates(in directory: URL) throws {
        let d = directory.path
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Gridwatch Test CA",
             "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem"],
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Unrelated CA",
             "-keyout", "\(d)/other-ca.key", "-out", "\(d)/other-ca.pem"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "\(d)/server.key", "-out", "\(d)/server.csr"],
            ["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key", "-CAcreateserial",
             "-days", "2", "-out", "\(d)/server.pem", "-extfile", "\(d)/san.cnf"],
        ]
        try "subjectAltName = DNS:localhost\n".write(toFile: "\(d)/san.cnf", atomically: true, encoding: .utf8)
        for step in steps {
            let status = try spawnAndWait(["/usr/bin/openssl"] + step, environment: ProcessInfo.processInfo.environment)
            guard status == 0 else { throw TestFailure("openssl \(step[0]) failed (\(status))") }
        }
    }
}
