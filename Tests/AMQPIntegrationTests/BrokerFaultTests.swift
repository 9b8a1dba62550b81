import AMQP
import BrokerTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Tests that restart, pause or throttle a broker. They use the second node (`Broker.fault`) and
/// run one at a time, so the other suites never see these faults.
@Suite("Broker faults: restart, frozen broker, memory alarm", .serialized)
struct BrokerFaultTests {
    @Test("a broker restart in the middle of 10,000 messages loses no confirmed message")
    func restartMidStream() async throws {
        let total = 10_000
        let queue = Broker.uniqueName("restart")
        let topology = Topology(queues: [.init(queue, kind: .classic, durable: true)])
        let consumerClient = try await Broker.client(Broker.faultURL, topology: topology, name: "restart-consumer")
        let publisherEvents = EventLog()
        let publisher = try await Broker.client(Broker.faultURL, topology: topology, name: "restart-publisher",
                                                onEvent: publisherEvents.record)
        let consumer = consumerClient.consume(queue: queue, prefetch: 200)
        let received = IDSet()
        let consuming = Task {
            while true {
                let batch = await consumer.nextBatch(max: 500)
                if batch.isEmpty { return }
                for delivery in batch {
                    if let id = Int(String(decoding: delivery.body, as: UTF8.self)) { received.insert(id) }
                    consumerClient.ack(delivery)
                }
            }
        }

        var confirmed = Set<Int>()
        var pending = Array(0..<total)
        var restart: Task<Void, Error>?
        let deadline = ContinuousClock.now + .seconds(240)
        func reconnectedAfterRestart() -> Bool {
            publisherEvents.contains { if case .disconnected = $0 { true } else { false } } && publisher.isConnected
        }
        while !pending.isEmpty, ContinuousClock.now < deadline {
            // About 1,000 messages a second. The last 500 wait until the publisher has lost its
            // connection and got it back, so the restart falls inside the stream however slowly
            // the broker stops on a busy machine.
            try await Task.sleep(for: .milliseconds(50))
            if restart != nil, pending.count <= 500, !reconnectedAfterRestart() { continue }
            let batch = Array(pending.prefix(50))
            pending.removeFirst(batch.count)
            let outcomes = await publisher.publish(batch.map {
                OutgoingMessage(exchange: "", routingKey: queue, body: Data(String($0).utf8))
            })
            var retry: [Int] = []
            for (id, outcome) in zip(batch, outcomes) {
                if outcome == .confirmed { confirmed.insert(id) } else { retry.append(id) }
            }
            if !retry.isEmpty {
                pending.append(contentsOf: retry)
                try await Task.sleep(for: .milliseconds(200))
            }
            if restart == nil, confirmed.count >= 1_000 {
                // Restart while the stream goes on: publishes and deliveries are in flight.
                restart = Task { try await runBlocking { try Broker.fault("restart") } }
            }
        }
        try await #require(restart).value
        #expect(confirmed.count == total, "every message is confirmed in the end")

        let drainDeadline = ContinuousClock.now + .seconds(120)
        while received.count < total, ContinuousClock.now < drainDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let missing = confirmed.subtracting(received.all)
        #expect(missing.isEmpty, "confirmed but never delivered: \(missing.count), e.g. \(missing.sorted().prefix(5))")
        // The restart must actually have cut the stream: the publisher lost its connection while
        // 500 messages were still to go (what failed then was published again).
        #expect(reconnectedAfterRestart())
        consuming.cancel()
        try? await publisher.deleteQueue(queue)
        await publisher.shutdown()
        await consumerClient.shutdown()
    }

    @Test("a frozen broker is noticed by the missed heartbeats, and the client reconnects")
    func heartbeatTimeout() async throws {
        var configuration = try Broker.configuration(Broker.faultURL, name: "heartbeat")
        configuration.heartbeatSeconds = 1
        let events = EventLog()
        let client = try AMQPClient(configuration: configuration, logger: .init(label: "test.heartbeat"), onEvent: events.record)
        client.start()
        #expect(await client.waitUntilConnected(timeout: .seconds(20)))
        let pid = try brokerPID()
        kill(pid, SIGSTOP)
        let deadline = ContinuousClock.now + .seconds(8)
        while client.isConnected, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        kill(pid, SIGCONT)
        #expect(!client.isConnected, "the client noticed the silence within 8 s")
        #expect(events.contains {
            if case .disconnected(let error) = $0 { return error.code == .heartbeatTimeout }
            return false
        })
        #expect(await client.waitUntilConnected(timeout: .seconds(30)))
        await client.shutdown()
    }

    @Test("a memory alarm blocks publishing, is reported, and the publish completes once it clears")
    func connectionBlocked() async throws {
        let queue = Broker.uniqueName("blocked")
        let events = EventLog()
        let client = try await Broker.client(
            Broker.faultURL, topology: Topology(queues: [.init(queue)]), name: "blocked", onEvent: events.record)
        try await runBlocking { try Broker.fault("ctl", "-q", "set_vm_memory_high_watermark", "0") }
        let outcome = Task { await client.publish(OutgoingMessage(exchange: "", routingKey: queue, body: Data("x".utf8))) }
        let deadline = ContinuousClock.now + .seconds(10)
        while !events.contains({ if case .blocked = $0 { true } else { false } }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let blocked = events.contains { if case .blocked = $0 { true } else { false } }
        try await runBlocking { try Broker.fault("ctl", "-q", "set_vm_memory_high_watermark", "0.4") }
        #expect(blocked)
        #expect(await outcome.value == .confirmed)
        let unblockDeadline = ContinuousClock.now + .seconds(10)
        while !events.contains({ $0 == .unblocked }), ContinuousClock.now < unblockDeadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(events.contains { $0 == .unblocked })
        try? await client.deleteQueue(queue)
        await client.shutdown()
    }

    private func brokerPID() throws -> pid_t {
        let file = Broker.repositoryRoot.appendingPathComponent(".run/broker-fault/rabbitmq.pid")
        let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text) else { throw TestFailure("no broker pid in \(file.path)") }
        return pid
    }
}

/// Ids seen by a consumer task, read by the test.
final class IDSet: @unchecked Sendable {
    private let lock = NSLock()
    private var ids = Set<Int>()
    func insert(_ id: Int) { lock.withLock { _ = ids.insert(id) } }
    var count: Int { lock.withLock { ids.count } }
    var all: Set<Int> { lock.withLock { ids } }
}
