import AMQP
import Foundation
import GridwatchDaemon
import Synchronization

/// One line of the record: what a consumer of the daemon's output queues received.
///
/// `queue \t message id \t routing key \t type \t reason \t body fingerprint \t body id \t case id`,
/// where reason is the dead letter's `x-gridwatch-reason` and the ids are those the JSON body
/// names (notifications and case events).
struct RecordedMessage {
    var queue: String
    var messageID: String
    var routingKey: String
    var type: String
    var reason: String
    var fingerprint: String
    var bodyID: String
    var caseID: String

    init(_ delivery: Delivery) {
        queue = delivery.queue
        messageID = delivery.properties.messageID ?? ""
        routingKey = delivery.routingKey
        type = delivery.properties.type ?? ""
        reason = delivery.properties.headers["x-gridwatch-reason"]?.stringValue ?? ""
        fingerprint = IncomingMessage.fingerprint(delivery.body)
        let object = delivery.queue == GridwatchTopology.deadQueue
            ? nil : (try? JSONSerialization.jsonObject(with: delivery.body)) as? [String: Any]
        bodyID = object?["id"] as? String ?? ""
        caseID = object?["caseID"] as? String ?? ""
    }

    init?(_ line: Substring) {
        let f = fields(line)
        guard f.count == 8 else { return nil }
        (queue, messageID, routingKey, type) = (String(f[0]), String(f[1]), String(f[2]), String(f[3]))
        (reason, fingerprint, bodyID, caseID) = (String(f[4]), String(f[5]), String(f[6]), String(f[7]))
    }

    var line: String {
        [queue, messageID, routingKey, type, reason, fingerprint, bodyID, caseID]
            .map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
            .joined(separator: "\t")
    }
}

/// `record`: reads every output queue of the topology and writes a line per delivery before
/// acknowledging it, so a message is in the record at least once (a redelivery after a broker
/// restart may add it twice; the checks count those as duplicates).
func record(host: String, port: String, output: String, stopFile: String) async throws {
    let writer = try LineWriter(path: output)
    defer { writer.close() }
    let queues = [GridwatchTopology.caseEventsQueue, GridwatchTopology.deadQueue]
        + GridwatchTopology.notifyChannels.map { "gridwatch.notify.\($0)" }
    let client = try makeClient(host: host, port: port, name: "gridwatch-soak record", topology: GridwatchTopology.topology)
    try await connected(client, host, port)
    let progress = RecordProgress()
    let readers = queues.map { queue in
        let consumer = client.consume(queue: queue, prefetch: 1000)
        return Task {
            while !Task.isCancelled {
                let batch = await consumer.nextBatch(max: 1000)
                if batch.isEmpty { return }
                writer.write(batch.map { RecordedMessage($0).line })
                client.ack(batch.last!, multiple: true)
                progress.received(batch.count, from: queue)
            }
        }
    }
    var lastReport = ContinuousClock.now
    while true {
        try await Task.sleep(for: .seconds(1))
        let idle = ContinuousClock.now - progress.last
        if FileManager.default.fileExists(atPath: stopFile), idle >= .seconds(5) { break }
        if ContinuousClock.now - lastReport >= .seconds(60) {
            lastReport = .now
            say("record: \(progress.counts.values.reduce(0, +)) messages so far")
        }
    }
    // Commands run in order: once this returns, the last acknowledgement is on the wire.
    await client.stopConsuming()
    for reader in readers { reader.cancel() }
    await client.shutdown()
    let summary = progress.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    print("record: \(summary)")
}

/// What the recorder's readers have written so far, and when the last delivery came.
final class RecordProgress: Sendable {
    private let state = Mutex((last: ContinuousClock.now, counts: [String: Int]()))

    func received(_ count: Int, from queue: String) {
        state.withLock { state in
            state.last = .now
            state.counts[queue, default: 0] += count
        }
    }

    var last: ContinuousClock.Instant { state.withLock { $0.last } }
    var counts: [String: Int] { state.withLock { $0.counts } }
}
