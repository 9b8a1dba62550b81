import AMQP
import BrokerTestSupport
import Foundation
import Testing

@Suite("Publishing and consuming on a real broker")
struct RoundTripTests {
    @Test("a message arrives with its body, headers and properties")
    func roundTrip() async throws {
        let queue = Broker.uniqueName("roundtrip")
        let client = try await Broker.client(topology: Topology(queues: [.init(queue, autoDelete: false)]))
        defer { Task { try? await client.deleteQueue(queue); await client.shutdown() } }
        let consumer = client.consume(queue: queue, prefetch: 10)

        var properties = MessageProperties(
            contentType: "application/json",
            headers: ["source": .string("hotline"), "attempt": .int(3), "urgent": .bool(true),
                      "nested": .table(["grid": .string("110101001001001")]), "list": .array([.int(1), .string("二")])],
            messageID: "req-42", correlationID: "corr-7", timestamp: 1_790_000_000, type: "hotline.request",
            appID: "test")
        properties.priority = 4
        let body = Data(#"{"description":"楼道堆物"}"#.utf8)
        let outcome = await client.publish(OutgoingMessage(exchange: "", routingKey: queue, body: body, properties: properties))
        #expect(outcome == .confirmed)

        let deliveries = await Broker.collect(consumer, count: 1, client: client)
        let delivery = try #require(deliveries.first)
        #expect(delivery.body == body)
        #expect(delivery.routingKey == queue)
        #expect(delivery.exchange == "")
        #expect(delivery.redelivered == false)
        #expect(delivery.properties.contentType == "application/json")
        #expect(delivery.properties.messageID == "req-42")
        #expect(delivery.properties.correlationID == "corr-7")
        #expect(delivery.properties.timestamp == 1_790_000_000)
        #expect(delivery.properties.type == "hotline.request")
        #expect(delivery.properties.appID == "test")
        #expect(delivery.properties.priority == 4)
        #expect(delivery.properties.persistent)
        #expect(delivery.properties.headers["source"] == .string("hotline"))
        #expect(delivery.properties.headers["attempt"] == .int(3))
        #expect(delivery.properties.headers["urgent"] == .bool(true))
        #expect(delivery.properties.headers["nested"] == .table(["grid": .string("110101001001001")]))
        #expect(delivery.properties.headers["list"] == .array([.int(1), .string("二")]))
    }

    @Test("every publish of a stream is confirmed and stored")
    func confirms() async throws {
        let queue = Broker.uniqueName("confirms")
        let client = try await Broker.client(topology: Topology(queues: [.init(queue)]))
        defer { Task { try? await client.deleteQueue(queue); await client.shutdown() } }
        let messages = (0..<2_000).map {
            OutgoingMessage(exchange: "", routingKey: queue, body: Data("message \($0)".utf8))
        }
        let outcomes = await client.publish(messages)
        #expect(outcomes.count == 2_000)
        #expect(outcomes.allSatisfy { $0 == .confirmed })
        #expect(try await client.purge(queue: queue) == 2_000)
    }

    @Test("an unroutable mandatory publish comes back as returned, not confirmed")
    func unroutableIsReturned() async throws {
        let exchange = Broker.uniqueName("nowhere")
        let client = try await Broker.client(topology: Topology(exchanges: [.init(exchange, kind: .topic, durable: false)]))
        defer { Task { await client.shutdown() } }
        let outcomes = await client.publish([
            OutgoingMessage(exchange: exchange, routingKey: "no.queue.bound", body: Data("lost?".utf8)),
            OutgoingMessage(exchange: "", routingKey: Broker.uniqueName("missing"), body: Data("lost too?".utf8)),
        ])
        #expect(outcomes == [
            .returned(replyCode: 312, replyText: "NO_ROUTE"), .returned(replyCode: 312, replyText: "NO_ROUTE"),
        ])
        // Without mandatory the broker drops it and confirms: the reason mandatory is the default.
        let unmandatory = await client.publish(
            OutgoingMessage(exchange: exchange, routingKey: "x", body: Data(), mandatory: false))
        #expect(unmandatory == .confirmed)
    }

    @Test("a publish to a missing exchange fails with the broker's 404, and the next one goes through")
    func missingExchange() async throws {
        let queue = Broker.uniqueName("after404")
        let events = EventLog()
        let client = try await Broker.client(topology: Topology(queues: [.init(queue)]), onEvent: events.record)
        defer { Task { try? await client.deleteQueue(queue); await client.shutdown() } }
        let failed = await client.publish(OutgoingMessage(exchange: Broker.uniqueName("absent"), routingKey: "x", body: Data()))
        guard case .failed(let error) = failed else {
            Issue.record("expected a failure, got \(failed)")
            return
        }
        #expect(error.replyCode == 404)
        #expect(error.replyText?.contains("NOT_FOUND") == true)
        let next = await client.publish(OutgoingMessage(exchange: "", routingKey: queue, body: Data("ok".utf8)))
        #expect(next == .confirmed)
        #expect(events.contains { if case .channelReopened = $0 { true } else { false } })
    }
}
