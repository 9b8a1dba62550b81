import AMQP
import BrokerTestSupport
import Foundation
import Testing

@Suite("Errors the broker reports, surfaced and survived")
struct FailureTests {
    @Test("a rejected message reaches the dead-letter queue with x-death")
    func rejectDeadLetters() async throws {
        let queue = Broker.uniqueName("work")
        let deadExchange = Broker.uniqueName("dead-x")
        let deadQueue = Broker.uniqueName("dead")
        for kind in [Topology.Queue.Kind.classic, .quorum] {
            let work = "\(queue).\(kind)"
            let topology = Topology(
                exchanges: [.init(deadExchange, kind: .fanout)],
                queues: [.init(work, kind: kind, deadLetterExchange: deadExchange, deliveryLimit: kind == .quorum ? 5 : nil),
                         .init(deadQueue)],
                bindings: [.init(queue: deadQueue, exchange: deadExchange, routingKey: "")])
            let client = try await Broker.client(topology: topology)
            let consumer = client.consume(queue: work, prefetch: 5)
            let outcome = await client.publish(OutgoingMessage(
                exchange: "", routingKey: work, body: Data("poison".utf8),
                properties: MessageProperties(headers: ["x-gridwatch-reason": .string("invalid: missing field service_code")])))
            #expect(outcome == .confirmed)
            let delivery = try #require(await Broker.collect(consumer, count: 1, client: client, ack: false).first)
            client.reject(delivery)

            let dead = client.consume(queue: deadQueue, prefetch: 5)
            let deadLettered = try #require(await Broker.collect(dead, count: 1, client: client).first)
            #expect(deadLettered.body == Data("poison".utf8))
            #expect(deadLettered.deathCount == 1)
            let death = try #require(deadLettered.properties.headers["x-death"]?.arrayValue?.first?.tableValue)
            #expect(death["reason"] == .string("rejected"))
            #expect(death["queue"] == .string(work))
            #expect(deadLettered.properties.headers["x-gridwatch-reason"] == .string("invalid: missing field service_code"))
            // Delete from another connection once ours is closed: deleting a queue under our own
            // consumer would make the broker cancel it and our client reconnect.
            await client.shutdown()
            let admin = try await Broker.client(name: "gridwatch-test-admin")
            try await admin.deleteQueue(work)
            try await admin.deleteQueue(deadQueue)
            await admin.shutdown()
        }
    }

    @Test("a declaration that contradicts the broker is a clear error, and the connection carries on")
    func declareMismatch() async throws {
        let queue = Broker.uniqueName("mismatch")
        let client = try await Broker.client(topology: Topology(queues: [.init(queue, kind: .classic)]))
        defer { Task { try? await client.deleteQueue(queue); await client.shutdown() } }
        await #expect {
            try await client.declare(Topology(queues: [.init(queue, kind: .quorum)]))
        } throws: { error in
            guard let error = error as? AMQPError else { return false }
            return error.code == .channelClosed && error.replyCode == 406
                && (error.replyText ?? "").contains("PRECONDITION_FAILED")
                && error.operation == "queue.declare \(queue)"
        }
        // Same connection, still usable: declare and publish work.
        try await client.declare(Topology(queues: [.init(queue, kind: .classic)]))
        #expect(await client.publish(OutgoingMessage(exchange: "", routingKey: queue, body: Data())) == .confirmed)
        #expect(client.isConnected)
    }

    @Test("wrong credentials are reported as such, without the password")
    func authenticationFailure() async throws {
        var configuration = try Broker.configuration(Broker.mainURL.replacingOccurrences(of: "guest:guest", with: "guest:s3cret-wrong"))
        configuration.reconnect = Backoff(initial: .seconds(5), maximum: .seconds(5))
        let events = EventLog()
        let client = try AMQPClient(configuration: configuration, logger: .init(label: "test.auth"), onEvent: events.record)
        client.start()
        let deadline = ContinuousClock.now + .seconds(10)
        while events.all.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        await client.shutdown()
        guard case .connectFailed(let error, _)? = events.all.first else {
            Issue.record("expected a failed connection, got \(events.all)")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.replyCode == 403)
        #expect(!error.description.contains("s3cret-wrong"))
        #expect(error.description.contains("***"))
        #expect(client.isConnected == false)
    }

    @Test("a broker that deletes the queue under a consumer: noticed, and consuming resumes")
    func consumerCancelledByBroker() async throws {
        let queue = Broker.uniqueName("cancelled")
        let events = EventLog()
        let client = try await Broker.client(topology: Topology(queues: [.init(queue)]), onEvent: events.record)
        defer { Task { try? await client.deleteQueue(queue); await client.shutdown() } }
        let consumer = client.consume(queue: queue, prefetch: 10)
        #expect(await client.publish(OutgoingMessage(exchange: "", routingKey: queue, body: Data("1".utf8))) == .confirmed)
        #expect(await Broker.collect(consumer, count: 1, client: client).count == 1)

        // Another connection deletes the queue: the broker cancels our consumer.
        let admin = try await Broker.client(name: "gridwatch-test-admin")
        try await admin.deleteQueue(queue)
        await admin.shutdown()

        let deadline = ContinuousClock.now + .seconds(10)
        while !events.contains({ $0 == .consumerCancelled(queue: queue) }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(events.contains { $0 == .consumerCancelled(queue: queue) })
        #expect(await client.waitUntilConnected(timeout: .seconds(10)))
        // The reconnect declared the queue again and subscribed: a new message arrives.
        var published = PublishOutcome.failed(AMQPError(.notConnected, operation: "test"))
        for _ in 0..<50 where published != .confirmed {
            published = await client.publish(OutgoingMessage(exchange: "", routingKey: queue, body: Data("2".utf8)))
            if published != .confirmed { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(published == .confirmed)
        let again = await Broker.collect(consumer, count: 1, client: client)
        #expect(again.map(\.body) == [Data("2".utf8)])
    }
}
