import Foundation

/// The daemon's sections of the main file.
extension ConfigurationReader {
    mutating func readDaemonSections(_ root: YAMLCursor, _ entries: [(key: String, value: YAMLCursor)]) {
        if let b = root.field("broker", in: entries, required: false) { readBroker(b) }
        if let s = root.field("store", in: entries, required: false),
           let e = s.mapping(allowed: ["path"]),
           let path = s.field("path", in: e, required: false)?.string(maxLength: 4096) {
            daemon.store.path = path
        }
        if let o = root.field("outbox", in: entries, required: false),
           let e = o.mapping(allowed: ["batchSize"]),
           let size = o.field("batchSize", in: e, required: false)?.int(in: 1...10_000) {
            daemon.outbox.batchSize = size
        }
        if let d = root.field("daemon", in: entries, required: false) { readDaemon(d) }
        if let m = root.field("metrics", in: entries, required: false), let e = m.mapping(allowed: ["address", "port", "summaryEvery"]) {
            if let a = m.field("address", in: e, required: false)?.string(maxLength: 255) { daemon.metrics.address = a }
            if let p = m.field("port", in: e, required: false)?.int(in: 0...65535) { daemon.metrics.port = p }
            if let s = m.field("summaryEvery", in: e, required: false) {
                if case .scalar(let scalar) = s.node, scalar.string == "0" {
                    daemon.metrics.summaryEvery = 0
                } else if let seconds = s.duration() {
                    daemon.metrics.summaryEvery = Int(seconds)
                }
            }
        }
    }

    private mutating func readBroker(_ cursor: YAMLCursor) {
        let keys: Set<String> = ["url", "urlFile", "caFile", "certificateFile", "keyFile", "verifyPeer", "heartbeat",
                                 "connectionName", "prefetch"]
        guard let e = cursor.mapping(allowed: keys) else { return }
        if let c = cursor.field("url", in: e, required: false), let url = c.string(maxLength: 2048) {
            if url.hasPrefix("amqp://") || url.hasPrefix("amqps://") {
                daemon.broker.url = url
            } else {
                c.problem("must start with amqp:// or amqps://")
            }
        }
        daemon.broker.urlFile = cursor.field("urlFile", in: e, required: false)?.string(maxLength: 4096)
        daemon.broker.caFile = cursor.field("caFile", in: e, required: false)?.string(maxLength: 4096)
        daemon.broker.certificateFile = cursor.field("certificateFile", in: e, required: false)?.string(maxLength: 4096)
        daemon.broker.keyFile = cursor.field("keyFile", in: e, required: false)?.string(maxLength: 4096)
        if (daemon.broker.certificateFile == nil) != (daemon.broker.keyFile == nil) {
            cursor.problem("certificateFile and keyFile go together")
        }
        if let v = cursor.field("verifyPeer", in: e, required: false)?.bool() { daemon.broker.verifyPeer = v }
        if let h = cursor.field("heartbeat", in: e, required: false) {
            if let seconds = h.duration(), seconds <= 3600 {
                daemon.broker.heartbeat = Int(seconds)
            } else {
                h.problem("heartbeat must be a duration up to 1h")
            }
        }
        if let n = cursor.field("connectionName", in: e, required: false)?.string(maxLength: 200) {
            daemon.broker.connectionName = n
        }
        if let p = cursor.field("prefetch", in: e, required: false)?.int(in: 1...65535) { daemon.broker.prefetch = p }
    }

    private mutating func readDaemon(_ cursor: YAMLCursor) {
        guard let e = cursor.mapping(allowed: ["batchSize", "trust"]) else { return }
        if let b = cursor.field("batchSize", in: e, required: false)?.int(in: 1...10_000) { daemon.batchSize = b }
        if let t = cursor.field("trust", in: e, required: false), let users = t.mapping() {
            var trust: [String: Set<DaemonSettings.Source>] = [:]
            let choices = Dictionary(uniqueKeysWithValues: DaemonSettings.Source.allCases.map { ($0.rawValue, $0) })
            for (user, sources) in users {
                guard let list = sources.sequence() else { continue }
                trust[user] = Set(list.compactMap { $0.choice(choices) })
            }
            daemon.trust = trust
        }
    }
}
