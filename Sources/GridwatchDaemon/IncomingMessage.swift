import AMQP
import Foundation
import Intake

/// A message from an intake queue, as the processor needs it: no AMQP types beyond this point.
public struct IncomingMessage: Sendable {
    /// The broker message id (`message_id`), or one derived from the body when absent, so a
    /// redelivery is recognised either way.
    public var messageID: String
    public var routingKey: String
    public var body: Data
    /// The publishing broker user, validated by RabbitMQ (`user_id`); nil when the publisher did
    /// not set it, which the trust rules refuse.
    public var userID: String?
    /// For field apps: the person the app authenticated (`x-gridwatch-person` header).
    public var person: String?
    /// For department apps: the department the person acts for (`x-gridwatch-department`).
    public var department: String?
    /// The body decoded ahead of the processor (`CaseProcessor.decode`), by the consumer that
    /// received it, so that decoding runs beside the processor instead of inside it. Nil: the
    /// processor decodes it itself.
    public var decoded: Result<IntakeMessage, IntakeError>?

    public init(messageID: String, routingKey: String, body: Data, userID: String?, person: String? = nil, department: String? = nil) {
        self.messageID = messageID
        self.routingKey = routingKey
        self.body = body
        self.userID = userID
        self.person = person
        self.department = department
    }

    public init(_ delivery: Delivery) {
        let properties = delivery.properties
        self.init(
            messageID: properties.messageID ?? Self.derivedMessageID(routingKey: delivery.routingKey, body: delivery.body),
            routingKey: delivery.routingKey, body: delivery.body, userID: properties.userID,
            person: properties.headers["x-gridwatch-person"]?.stringValue,
            department: properties.headers["x-gridwatch-department"]?.stringValue)
    }

    /// The id of a message published without one: its routing key and a fingerprint of its body,
    /// so a redelivery of the same message is still recognised.
    public static func derivedMessageID(routingKey: String, body: Data) -> String {
        "body:\(routingKey):\(fingerprint(body))"
    }

    /// FNV-1a, 64 bits: stable across runs and machines (Swift's hashValue is not).
    public static func fingerprint(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

/// What became of one incoming message.
public enum Disposition: Sendable, Equatable {
    /// Its effect is committed.
    case applied
    /// Already processed (a redelivery, or a report already in a case): nothing changed.
    case duplicate
    /// Not usable: publish to the dead-letter exchange with this reason, then acknowledge.
    case deadLetter(reason: String, detail: String)
    /// Deliberately ignored (a CAP exercise or test): acknowledge and count.
    case ignored(reason: String)
}
