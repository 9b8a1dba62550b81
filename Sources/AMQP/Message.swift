import Foundation

/// The basic properties of a message (AMQP 0-9-1 `basic` class content header).
public struct MessageProperties: Sendable, Equatable {
    public var contentType: String?
    public var contentEncoding: String?
    public var headers: FieldTable = [:]
    /// Persistent messages (delivery mode 2) survive a broker restart in durable queues.
    public var persistent: Bool = true
    public var priority: UInt8?
    public var correlationID: String?
    public var replyTo: String?
    public var expiration: String?
    public var messageID: String?
    /// Seconds since the Unix epoch.
    public var timestamp: UInt64?
    public var type: String?
    /// Set by the publisher and validated by RabbitMQ against the connection's user, so a
    /// consumer can trust who sent a message.
    public var userID: String?
    public var appID: String?

    public init(
        contentType: String? = nil, headers: FieldTable = [:], persistent: Bool = true,
        messageID: String? = nil, correlationID: String? = nil, timestamp: UInt64? = nil,
        type: String? = nil, appID: String? = nil, userID: String? = nil
    ) {
        self.contentType = contentType
        self.headers = headers
        self.persistent = persistent
        self.messageID = messageID
        self.correlationID = correlationID
        self.timestamp = timestamp
        self.type = type
        self.appID = appID
        self.userID = userID
    }
}

/// A message to publish. `mandatory` (the default) makes an unroutable message come back as
/// `PublishOutcome.returned` instead of being dropped by the broker.
public struct OutgoingMessage: Sendable, Equatable {
    public var exchange: String
    public var routingKey: String
    public var body: Data
    public var properties: MessageProperties
    public var mandatory: Bool

    public init(
        exchange: String, routingKey: String, body: Data,
        properties: MessageProperties = MessageProperties(), mandatory: Bool = true
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }
}

/// How one publish ended. Every publish ends in exactly one of these.
public enum PublishOutcome: Sendable, Equatable {
    /// The broker confirmed it (`basic.ack`): it is in every queue it was routed to.
    case confirmed
    /// The broker refused it (`basic.nack`), e.g. a queue at its length limit with reject-publish.
    case nacked
    /// No queue was bound for it (`basic.return` with `mandatory`); nothing was stored.
    case returned(replyCode: UInt16, replyText: String)
    /// The connection or channel failed before the broker answered: the message may or may not
    /// have arrived, so publish it again (downstream drops duplicates by message id).
    case failed(AMQPError)

    public var isConfirmed: Bool { self == .confirmed }
}

/// A message delivered to a consumer. Acknowledge it through the client it came from.
public struct Delivery: Sendable {
    public var body: Data
    public var properties: MessageProperties
    public var exchange: String
    public var routingKey: String
    /// The queue the consumer reads.
    public var queue: String
    public var deliveryTag: UInt64
    /// The broker delivered this message before without an acknowledgement (a consumer died or
    /// a connection was lost): the effect may already have been recorded.
    public var redelivered: Bool
    /// Which connection and channel the tag belongs to; tags are meaningless on any other.
    let origin: Origin

    struct Origin: Sendable, Equatable {
        var generation: UInt64
        var channel: UInt16
    }

    /// How many times the broker has dead-lettered this message, from its `x-death` header.
    public var deathCount: Int64 {
        guard let deaths = properties.headers["x-death"]?.arrayValue else { return 0 }
        return deaths.reduce(0) { $0 + ($1.tableValue?["count"]?.intValue ?? 0) }
    }

    /// How many times a quorum queue has delivered this message before (`x-delivery-count`).
    public var deliveryCount: Int64 {
        properties.headers["x-delivery-count"]?.intValue ?? 0
    }
}

/// Something the connection went through, for logs, metrics and health.
public enum AMQPEvent: Sendable, Equatable {
    /// Connected and set up (topology declared, consumers subscribed); `attempt` counts from 1.
    case connected(attempt: Int)
    /// The connection is gone; the client will reconnect unless shutting down.
    case disconnected(AMQPError)
    /// A connection attempt failed; the next one is in `retryIn`.
    case connectFailed(AMQPError, retryIn: Duration)
    /// The broker is blocking publishers (memory or disk alarm), with its reason.
    case blocked(reason: String)
    case unblocked
    /// The broker cancelled a consumer (its queue was deleted, or the node failed over).
    case consumerCancelled(queue: String)
    /// A channel was closed by the broker and reopened.
    case channelReopened(AMQPError)
}
