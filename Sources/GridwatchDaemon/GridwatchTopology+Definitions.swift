import AMQP
import Foundation

extension GridwatchTopology {
    /// The topology in RabbitMQ's definitions format, for `load_definitions` or
    /// `rabbitmqctl import_definitions`: brokers can be set up before the daemon first starts,
    /// and permissions granted per source on exchanges that already exist.
    public static func definitionsJSON(virtualHost: String = "/") throws -> Data {
        let topology = Self.topology
        func arguments(_ table: FieldTable) -> [String: Any] {
            var result: [String: Any] = [:]
            for (key, value) in table {
                switch value {
                case .string(let s): result[key] = s
                case .int(let i): result[key] = i
                case .bool(let b): result[key] = b
                case .double(let d): result[key] = d
                case .bytes, .timestamp, .array, .table, .void: result[key] = "\(value)"
                }
            }
            return result
        }
        let document: [String: Any] = [
            "vhosts": [["name": virtualHost]],
            "exchanges": topology.exchanges.map {
                ["name": $0.name, "vhost": virtualHost, "type": $0.kind.rawValue, "durable": $0.durable,
                 "auto_delete": false, "internal": $0.isInternal, "arguments": arguments($0.arguments)] as [String: Any]
            },
            "queues": topology.queues.map {
                ["name": $0.name, "vhost": virtualHost, "durable": $0.durable, "auto_delete": $0.autoDelete,
                 "arguments": arguments($0.declaredArguments)] as [String: Any]
            },
            "bindings": topology.bindings.map {
                ["source": $0.exchange, "vhost": virtualHost, "destination": $0.queue, "destination_type": "queue",
                 "routing_key": $0.routingKey, "arguments": arguments($0.arguments)] as [String: Any]
            },
        ]
        var data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }
}
