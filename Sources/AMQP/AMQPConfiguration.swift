/// How to connect to the broker and how hard to try. Every field documents its default.
public struct AMQPConfiguration: Sendable {
    /// Broker address and credentials.
    public var url: AMQPURL
    /// TLS settings, used when `url` is `amqps://`.
    public var tls: TLS = TLS()
    /// Heartbeat interval offered to the broker, in seconds; 0 disables heartbeats. Default 30.
    public var heartbeatSeconds: Int = 30
    /// TCP connect timeout. Default 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// AMQP handshake (and TLS handshake) timeout. Default 10 s.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Timeout of synchronous broker calls such as `queue.declare`. Default 30 s.
    public var rpcTimeout: Duration = .seconds(30)
    /// Shown in the broker's management UI and `rabbitmqctl list_connections`. Default "gridwatch".
    public var connectionName: String = "gridwatch"
    /// Largest frame offered to the broker, in bytes. Default 131072.
    public var frameMax: Int = 131_072
    /// How many publishes may wait for their confirms at once; more wait in a queue. Default 1000.
    public var publishWindow: Int = 1000
    /// Delays between reconnection attempts.
    public var reconnect: Backoff = Backoff()
    /// How long a graceful shutdown waits for outstanding confirms. Default 5 s.
    public var shutdownGrace: Duration = .seconds(5)

    public init(url: AMQPURL) {
        self.url = url
    }

    /// TLS to the broker. Peer and host-name verification are on unless turned off explicitly.
    public struct TLS: Sendable, Equatable {
        /// PEM file with the CA certificates that may sign the broker's certificate.
        public var caFile: String?
        /// PEM client certificate and key, for brokers that ask for one.
        public var certificateFile: String?
        public var keyFile: String?
        /// Verify the broker's certificate chain. Default true.
        public var verifyPeer: Bool = true
        /// Verify that the certificate names the host connected to. Default true.
        public var verifyHostname: Bool = true

        public init(
            caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil,
            verifyPeer: Bool = true, verifyHostname: Bool = true
        ) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.verifyPeer = verifyPeer
            self.verifyHostname = verifyHostname
        }
    }

    /// Checks ranges and file pairs before anything connects, so a typo is reported at start.
    public func validate() throws(AMQPError) {
        func fail(_ why: String) -> AMQPError {
            AMQPError(.invalidConfiguration, operation: "configure \(url.redacted)", replyText: why)
        }
        guard (0...65535).contains(heartbeatSeconds) else { throw fail("heartbeat must be 0–65535 s") }
        guard frameMax >= 4096 else { throw fail("frame_max must be at least 4096") }
        guard publishWindow >= 1 else { throw fail("the publish window must be at least 1") }
        guard (tls.certificateFile == nil) == (tls.keyFile == nil) else {
            throw fail("a TLS client certificate needs its key, and a key its certificate")
        }
        guard reconnect.initial > .zero, reconnect.maximum >= reconnect.initial else {
            throw fail("reconnect delays must be positive, with the maximum not below the initial delay")
        }
    }
}

/// Capped exponential backoff with jitter: attempt n waits between half and all of
/// `min(maximum, initial × 2ⁿ)`, so many clients restarting together do not reconnect in step.
public struct Backoff: Sendable, Equatable {
    /// First delay. Default 200 ms.
    public var initial: Duration = .milliseconds(200)
    /// Largest delay. Default 30 s.
    public var maximum: Duration = .seconds(30)

    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The delay before attempt `attempt` (0-based), with `unit` a random number in [0, 1].
    public func delay(attempt: Int, unit: Double) -> Duration {
        let cap = maximum / .nanoseconds(1)
        let base = initial / .nanoseconds(1)
        let exponent = min(attempt, 62)
        let ceiling = min(cap, base * pow2(exponent))
        let clamped = min(max(unit, 0), 1)
        return .nanoseconds(Int64(ceiling / 2 + ceiling / 2 * clamped))
    }

    public func delay<R: RandomNumberGenerator>(attempt: Int, using generator: inout R) -> Duration {
        delay(attempt: attempt, unit: Double.random(in: 0...1, using: &generator))
    }

    private func pow2(_ n: Int) -> Double {
        var value = 1.0
        for _ in 0..<n { value *= 2 }
        return value
    }
}
