@testable import AMQP
import Testing

@Suite("AMQP URLs")
struct AMQPURLTests {
    @Test("a full URL is split into its parts")
    func full() throws {
        let url = try AMQPURL("amqp://gridwatch:p%40ss@broker.example:5673/gw%2Fprod")
        #expect(url == AMQPURL(host: "broker.example", port: 5673, user: "gridwatch", password: "p@ss", virtualHost: "gw/prod"))
    }

    @Test("defaults: guest, port 5672 (5671 with TLS), vhost /")
    func defaults() throws {
        #expect(try AMQPURL("amqp://localhost") == AMQPURL(host: "localhost"))
        #expect(try AMQPURL("amqp://") == AMQPURL(host: "localhost"))
        #expect(try AMQPURL("amqps://broker/") == AMQPURL(host: "broker", port: 5671, useTLS: true))
        #expect(try AMQPURL("amqp://h/%2F").virtualHost == "/")
        #expect(try AMQPURL("amqp://u@h").password == "")
        #expect(try AMQPURL("amqp://[::1]:5682/").host == "::1")
        #expect(try AMQPURL("amqp://[::1]:5682/").port == 5682)
    }

    @Test("malformed URLs are rejected with the reason", arguments: [
        ("http://host/", "scheme"),
        ("amqp://host:0/", "port"),
        ("amqp://host:99999/", "port"),
        ("amqp://host:abc/", "port"),
        ("amqp://us%zzer:pw@host/", "%-escape"),
        ("amqp://[::1/", "IPv6"),
    ])
    func malformed(text: String, reason: String) {
        #expect {
            _ = try AMQPURL(text)
        } throws: { error in
            guard let error = error as? AMQPError else { return false }
            return error.code == .invalidURL && (error.replyText ?? "").contains(reason)
        }
    }

    @Test("the password never appears in a description or an error")
    func redaction() throws {
        let url = try AMQPURL("amqps://hotline:Secr3t%21@mq.city.example/gridwatch")
        #expect(url.redacted == "amqps://hotline:***@mq.city.example:5671/gridwatch")
        #expect(!"\(url)".contains("Secr3t"))
        do {
            _ = try AMQPURL("amqp://hotline:Secr3t@host:port/")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("Secr3t"))
            #expect(error.description.contains("hotline:***@"))
        }
    }
}

@Suite("Reconnect backoff")
struct BackoffTests {
    let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(10))

    @Test("doubles from the initial delay and stops at the maximum")
    func growth() {
        #expect(backoff.delay(attempt: 0, unit: 1) == .milliseconds(100))
        #expect(backoff.delay(attempt: 1, unit: 1) == .milliseconds(200))
        #expect(backoff.delay(attempt: 5, unit: 1) == .milliseconds(3200))
        #expect(backoff.delay(attempt: 7, unit: 1) == .seconds(10))
        #expect(backoff.delay(attempt: 1000, unit: 1) == .seconds(10))
    }

    @Test("jitter keeps each delay between half and all of its ceiling")
    func jitter() {
        #expect(backoff.delay(attempt: 3, unit: 0) == .milliseconds(400))
        #expect(backoff.delay(attempt: 3, unit: 0.5) == .milliseconds(600))
        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<20 {
            let ceiling = min(Duration.milliseconds(100) * (1 << min(attempt, 20)), .seconds(10))
            let delay = backoff.delay(attempt: attempt, using: &generator)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
        }
    }

    @Test("a configuration with impossible settings is refused before connecting")
    func validation() throws {
        var configuration = AMQPConfiguration(url: AMQPURL(host: "h"))
        try configuration.validate()
        configuration.tls.certificateFile = "client.pem"
        #expect(throws: AMQPError.self) { try configuration.validate() }
        configuration.tls.keyFile = "client.key"
        try configuration.validate()
        configuration.publishWindow = 0
        #expect(throws: AMQPError.self) { try configuration.validate() }
    }
}
