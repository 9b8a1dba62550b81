@testable import AMQP
import CRabbitMQ
import Foundation
import Testing

@Suite("Field tables through librabbitmq's encoder")
struct FieldTableTests {
    @Test("a table survives encoding to the wire format and decoding back")
    func wireRoundTrip() throws {
        let table: FieldTable = [
            "text": .string("网格 110101001001001"), "count": .int(-7), "big": .int(Int64.max), "yes": .bool(true),
            "ratio": .double(0.25), "blob": .bytes([0, 1, 255]), "when": .timestamp(1_790_000_000),
            "nested": .table(["deeper": .table(["list": .array([.int(1), .string("二"), .void])])]),
            "empty": .table([:]), "none": .array([]),
        ]
        var pool = amqp_pool_t()
        init_amqp_pool(&pool, 4096)
        defer { empty_amqp_pool(&pool) }
        var cTable = table.cTable(in: &pool)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset = 0
        let encoded = buffer.withUnsafeMutableBytes { raw in
            amqp_encode_table(amqp_bytes_t(len: raw.count, bytes: raw.baseAddress), &cTable, &offset)
        }
        #expect(encoded == AMQP_STATUS_OK.rawValue)
        var decoded = amqp_table_t()
        var readOffset = 0
        let status = buffer.withUnsafeMutableBytes { raw in
            amqp_decode_table(amqp_bytes_t(len: offset, bytes: raw.baseAddress), &pool, &decoded, &readOffset)
        }
        #expect(status == AMQP_STATUS_OK.rawValue)
        #expect(FieldTable(decoded) == table)
    }

    @Test("message properties keep every field through C and back")
    func propertiesRoundTrip() {
        var properties = MessageProperties(
            contentType: "application/json", headers: ["source": .string("camera")], persistent: false,
            messageID: "m-1", correlationID: "c-1", timestamp: 42, type: "camera.detection", appID: "edge-7",
            userID: "sensor-platform")
        properties.priority = 9
        properties.replyTo = "reply"
        properties.expiration = "60000"
        properties.contentEncoding = "gzip"
        var pool = amqp_pool_t()
        init_amqp_pool(&pool, 4096)
        defer { empty_amqp_pool(&pool) }
        let c = properties.cProperties(in: &pool, extraHeaders: ["x-extra": .int(1)])
        var expected = properties
        expected.headers["x-extra"] = .int(1)
        #expect(MessageProperties(c) == expected)
    }

    @Test("x-death and x-delivery-count headers are read as counts")
    func deathCounts() {
        var properties = MessageProperties()
        properties.headers["x-death"] = .array([
            .table(["count": .int(2), "reason": .string("rejected")]), .table(["count": .int(1), "reason": .string("expired")]),
        ])
        properties.headers["x-delivery-count"] = .int(3)
        let delivery = Delivery(
            body: Data(), properties: properties, exchange: "", routingKey: "q", queue: "q", deliveryTag: 1,
            redelivered: true, origin: .init(generation: 1, channel: 3))
        #expect(delivery.deathCount == 3)
        #expect(delivery.deliveryCount == 3)
    }
}
