import AMQP
import Foundation
import GRDB
import GridConfig
import GridwatchDaemon

func outgoing(_ message: SoakStream.Message, user: String) -> OutgoingMessage {
    var properties = MessageProperties(
        contentType: "application/json", messageID: message.messageID, timestamp: UInt64(Date().timeIntervalSince1970),
        userID: message.authenticated ? user : nil)
    properties.persistent = true
    if let person = message.person { properties.headers["x-gridwatch-person"] = .string(person) }
    return OutgoingMessage(exchange: GridwatchTopology.intakeExchange, routingKey: message.routingKey, body: message.body,
                           properties: properties)
}

/// Publishes until the broker has confirmed every message, as a sender that must not lose a
/// report does: what is not confirmed (the broker restarting, or away) is sent again after a
/// pause, under the same message id. Returns how many publishes were repeated.
func publishConfirmed(_ client: AMQPClient, _ messages: [OutgoingMessage], giveUpAfter: Duration = .seconds(900)) async throws -> Int {
    var pending = messages
    var repeated = 0
    var pause = Duration.milliseconds(200)
    let limit = ContinuousClock.now + giveUpAfter
    while !pending.isEmpty {
        let outcomes = await client.publish(pending)
        let unconfirmed = zip(pending, outcomes).filter { $0.1 != .confirmed }.map(\.0)
        if unconfirmed.isEmpty { break }
        guard ContinuousClock.now < limit else {
            throw SoakFailure("\(unconfirmed.count) messages not confirmed within \(giveUpAfter)")
        }
        repeated += unconfirmed.count
        pending = unconfirmed
        try await Task.sleep(for: pause)
        pause = min(pause * 2, .seconds(2))
    }
    return repeated
}

/// Polls the daemon's database until `condition` holds; fails after `limit`.
func waitForStore(_ path: String, limit: Duration, what: String, _ condition: (Database) throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    var db: DatabaseQueue?
    while ContinuousClock.now < deadline {
        if db == nil { db = openReadOnly(path) }
        if let db, (try? db.read(condition)) == true { return }
        try await Task.sleep(for: .milliseconds(500))
    }
    throw SoakFailure("the daemon did not record \(what) within \(limit)")
}

/// `feed`: the seed cases, signed for, then the stream (see `SoakStream`).
func feed(host: String, port: String, config: String, database: String, run: String, seeds seedCount: Int, count: Int,
          rate: Double, ledger ledgerPath: String) async throws {
    let configuration = try GridwatchConfiguration.load(contentsOf: URL(fileURLWithPath: config))
    let stream = SoakStream(configuration: configuration, run: run, start: Date())
    guard stream.problems.isEmpty else { throw SoakFailure("the configuration cannot feed a soak: \(stream.problems.joined(separator: "; "))") }
    let user = environment("AMQP_USER", "guest")
    let ledger = try LineWriter(path: ledgerPath)
    defer { ledger.close() }
    let client = try makeClient(host: host, port: port, name: "gridwatch-soak feed")
    try await connected(client, host, port)
    func send(_ messages: [SoakStream.Message]) async throws -> Int {
        let repeated = try await publishConfirmed(client, messages.map { outgoing($0, user: user) })
        ledger.write(messages.map { "\($0.messageID)\t\($0.kind)\t\($0.expectation.fields)" })
        return repeated
    }
    do {
        // The seeds: opened, then signed for by their grid workers, before anything else.
        let seeds = (0..<seedCount).map(stream.seed)
        var repeated = try await send(seeds.map(\.message))
        let keys = seeds.map { message -> String in
            guard case .report(let key) = message.message.expectation else { preconditionFailure("a seed is a report") }
            return key
        }
        var caseIDs: [String: String] = [:]
        try await waitForStore(database, limit: .seconds(300), what: "the \(seedCount) seed cases") { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key, case_id FROM source_keys WHERE key LIKE 'hotline:seed-' || ? || '-%'",
                                        arguments: [run])
            caseIDs = Dictionary(rows.map { ($0["key"], $0["case_id"]) }, uniquingKeysWith: { first, _ in first })
            return caseIDs.count == seedCount
        }
        let targets = keys.indices.map { (caseID: caseIDs[keys[$0]]!, worker: seeds[$0].grid.worker) }
        repeated += try await send(targets.indices.map { stream.signFor($0, caseID: targets[$0].caseID, worker: targets[$0].worker) })
        try await waitForStore(database, limit: .seconds(300), what: "the seed cases' sign-for") { db in
            let signed = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM cases WHERE phase = 'signedFor' AND id IN (SELECT case_id FROM source_keys WHERE key LIKE 'hotline:seed-' || ? || '-%')
                """, arguments: [run]) ?? 0
            return signed == seedCount
        }
        say("feed: \(seedCount) seed cases opened and signed for; streaming \(count) messages at \(Int(rate))/s")
        FileManager.default.createFile(atPath: ledgerPath + ".streaming", contents: nil)

        var kinds: [String: Int] = [:]
        let started = ContinuousClock.now
        var lastReport = started
        var next = 0
        while next < count {
            let due = min(count, Int(seconds(ContinuousClock.now - started) * rate) + 1)
            if next < due {
                let now = Date()
                let batch = (next..<min(due, next + 2000)).map { stream.message($0, seeds: targets, now: now) }
                repeated += try await send(batch)
                for message in batch { kinds[message.kind, default: 0] += 1 }
                next += batch.count
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
            if ContinuousClock.now - lastReport >= .seconds(30) {
                lastReport = .now
                say("feed: \(next) of \(count) confirmed (\(repeated) publishes repeated)")
            }
        }
        let elapsed = seconds(ContinuousClock.now - started)
        let mix = kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print(String(format: "feed: %d messages in %.0f s (%@); %d seeds; %d publishes repeated", count, elapsed, mix, seedCount, repeated))
    } catch {
        await client.shutdown()
        throw error
    }
    await client.shutdown()
}

/// `settle`: waits until every valid message of the ledger is committed and the outbox is empty.
func settle(database: String, ledger: String, limit: Double) async throws {
    let valid = Set(try lines(of: ledger).compactMap { line -> String? in
        let f = fields(line)
        return f.count > 2 && f[2] != "dead" ? String(f[0]) : nil
    })
    let deadline = ContinuousClock.now + .seconds(limit)
    var lastReport = ContinuousClock.now
    var state: (missing: Int, outbox: Int) = (valid.count, -1)
    while ContinuousClock.now < deadline {
        if let db = openReadOnly(database), let now = try? await db.read({ db in
            let processed = Set(try String.fetchAll(db, sql: "SELECT message_id FROM processed_messages"))
            return (missing: valid.subtracting(processed).count, outbox: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0)
        }) {
            state = now
            if now.missing == 0, now.outbox == 0 {
                print("settle: all \(valid.count) valid messages committed, outbox empty")
                return
            }
        }
        if ContinuousClock.now - lastReport >= .seconds(30) {
            lastReport = .now
            say("settle: \(state.missing) valid messages not yet committed, outbox \(state.outbox)")
        }
        try await Task.sleep(for: .seconds(1))
    }
    throw SoakFailure("not settled within \(Int(limit)) s: \(state.missing) valid messages not committed, outbox \(state.outbox)")
}
