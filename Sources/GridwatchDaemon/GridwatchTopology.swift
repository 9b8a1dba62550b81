import AMQP

/// The exchanges and queues Gridwatch declares at start; `deploy/rabbitmq/definitions.json` is
/// the same topology for brokers set up ahead of the daemon (a test keeps the two in step).
///
/// ```
/// hotline.* alarm.* camera.* care.* field.*  →  gridwatch.intake (topic)  →  one quorum queue per source
/// cases' notifications  →  gridwatch.notify (topic, key <channel>.<level>)  →  sms, app, voice queues
/// case events           →  gridwatch.cases  (topic, key case.<event>)       →  gridwatch.cases.events
/// rejected input        →  gridwatch.dead   (topic, original key, reason in x-gridwatch-reason)
/// ```
public enum GridwatchTopology {
    public static let intakeExchange = "gridwatch.intake"
    public static let notifyExchange = "gridwatch.notify"
    public static let casesExchange = "gridwatch.cases"
    public static let deadExchange = "gridwatch.dead"
    public static let deadQueue = "gridwatch.dead"
    public static let caseEventsQueue = "gridwatch.cases.events"
    /// Deliveries after which a quorum queue gives up on a message that keeps failing (a message
    /// that crashes the daemon, say) and dead-letters it.
    public static let deliveryLimit = 5

    /// An intake source: its routing-key prefix and queue.
    public struct Source: Sendable, Hashable {
        public var prefix: String
        public var queue: String
    }

    public static let sources: [Source] = ["hotline", "alarm", "camera", "care", "field"].map {
        Source(prefix: $0, queue: "gridwatch.intake.\($0)")
    }

    public static let notifyChannels = ["sms", "app", "voice"]

    public static var topology: Topology {
        var exchanges: [Topology.Exchange] = [
            .init(intakeExchange, kind: .topic), .init(notifyExchange, kind: .topic),
            .init(casesExchange, kind: .topic), .init(deadExchange, kind: .topic),
        ]
        exchanges.sort { $0.name < $1.name }
        var queues: [Topology.Queue] = sources.map {
            .init($0.queue, kind: .quorum, deadLetterExchange: deadExchange, deliveryLimit: deliveryLimit)
        }
        var bindings: [Topology.Binding] = sources.map {
            .init(queue: $0.queue, exchange: intakeExchange, routingKey: "\($0.prefix).#")
        }
        for channel in notifyChannels {
            queues.append(.init("gridwatch.notify.\(channel)", kind: .quorum))
            bindings.append(.init(queue: "gridwatch.notify.\(channel)", exchange: notifyExchange, routingKey: "\(channel).#"))
        }
        queues.append(.init(caseEventsQueue, kind: .quorum))
        bindings.append(.init(queue: caseEventsQueue, exchange: casesExchange, routingKey: "#"))
        queues.append(.init(deadQueue, kind: .quorum))
        bindings.append(.init(queue: deadQueue, exchange: deadExchange, routingKey: "#"))
        return Topology(exchanges: exchanges, queues: queues, bindings: bindings)
    }
}
