/// Exchanges, queues and bindings that a client declares each time it connects.
///
/// Declaring is idempotent when the definitions match what the broker has; a mismatch (say a
/// queue that exists as classic but is declared as quorum) is a 406 PRECONDITION_FAILED error
/// naming the queue and argument, surfaced as such.
public struct Topology: Sendable, Equatable {
    public var exchanges: [Exchange]
    public var queues: [Queue]
    public var bindings: [Binding]

    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    public struct Exchange: Sendable, Equatable {
        public enum Kind: String, Sendable { case direct, topic, fanout, headers }
        public var name: String
        public var kind: Kind
        public var durable: Bool
        public var isInternal: Bool
        public var arguments: FieldTable

        public init(_ name: String, kind: Kind, durable: Bool = true, isInternal: Bool = false, arguments: FieldTable = [:]) {
            self.name = name
            self.kind = kind
            self.durable = durable
            self.isInternal = isInternal
            self.arguments = arguments
        }
    }

    public struct Queue: Sendable, Equatable {
        public enum Kind: String, Sendable { case classic, quorum }
        public var name: String
        public var kind: Kind
        public var durable: Bool
        public var exclusive: Bool
        public var autoDelete: Bool
        /// Extra arguments such as `x-message-ttl`; `kind` and the fields below add theirs.
        public var arguments: FieldTable
        /// Where rejected and expired messages go (`x-dead-letter-exchange`).
        public var deadLetterExchange: String?
        public var deadLetterRoutingKey: String?
        /// Deliveries after which a quorum queue dead-letters a message (`x-delivery-limit`).
        public var deliveryLimit: Int?

        public init(
            _ name: String, kind: Kind = .classic, durable: Bool = true, exclusive: Bool = false,
            autoDelete: Bool = false, deadLetterExchange: String? = nil, deadLetterRoutingKey: String? = nil,
            deliveryLimit: Int? = nil, arguments: FieldTable = [:]
        ) {
            self.name = name
            self.kind = kind
            self.durable = durable
            self.exclusive = exclusive
            self.autoDelete = autoDelete
            self.deadLetterExchange = deadLetterExchange
            self.deadLetterRoutingKey = deadLetterRoutingKey
            self.deliveryLimit = deliveryLimit
            self.arguments = arguments
        }

        /// The arguments as sent in `queue.declare`.
        public var declaredArguments: FieldTable {
            var table = arguments
            if kind == .quorum { table["x-queue-type"] = .string("quorum") }
            if let deadLetterExchange { table["x-dead-letter-exchange"] = .string(deadLetterExchange) }
            if let deadLetterRoutingKey { table["x-dead-letter-routing-key"] = .string(deadLetterRoutingKey) }
            if let deliveryLimit { table["x-delivery-limit"] = .int(Int64(deliveryLimit)) }
            return table
        }
    }

    public struct Binding: Sendable, Equatable {
        public var queue: String
        public var exchange: String
        public var routingKey: String
        public var arguments: FieldTable

        public init(queue: String, exchange: String, routingKey: String, arguments: FieldTable = [:]) {
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
            self.arguments = arguments
        }
    }
}
