@testable import AMQP
import CRabbitMQ
import Testing

/// The publish path writes the sequence header straight into the pool; it must encode exactly
/// what the general path (a Swift table merged into the message's headers) would.
@Suite("The publish sequence header")
struct PublishHeaderTests {
    private func decoded(_ properties: MessageProperties, key: String, value: Int64) -> (fast: MessageProperties, general: MessageProperties) {
        var pool = amqp_pool_t()
        init_amqp_pool(&pool, 4096)
        defer { empty_amqp_pool(&pool) }
        let fast = MessageProperties(properties.cProperties(in: &pool, extraHeader: key, value))
        let general = MessageProperties(properties.cProperties(in: &pool, extraHeaders: [key: .int(value)]))
        return (fast, general)
    }

    @Test("added after the message's own headers, as the general path adds it")
    func appended() {
        var properties = MessageProperties(contentType: "application/json", messageID: "m-1")
        properties.headers = ["source": .string("hotline"), "attempt": .int(2)]
        let (fast, general) = decoded(properties, key: "x-seq", value: 42)
        #expect(fast == general)
        #expect(fast.headers["x-seq"] == .int(42))
        #expect(fast.headers["source"] == .string("hotline"))
    }

    @Test("alone when the message has no headers")
    func alone() {
        let (fast, general) = decoded(MessageProperties(), key: "x-seq", value: 1)
        #expect(fast == general)
        #expect(fast.headers.count == 1)
    }

    @Test("replaces a message header of the same name")
    func replaces() {
        var properties = MessageProperties()
        properties.headers = ["x-seq": .string("forged"), "other": .bool(true)]
        let (fast, general) = decoded(properties, key: "x-seq", value: 7)
        #expect(fast.headers["x-seq"] == .int(7))
        #expect(fast.headers.count == 2)
        #expect(Set(fast.headers.map(\.key)) == Set(general.headers.map(\.key)))
    }
}
