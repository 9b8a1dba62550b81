import Foundation
import GRDB
import GridwatchDomain

/// Writes: a batch in one transaction, synced before `commit(_:)` returns; published outbox
/// rows and old message ids deleted.
extension SQLiteCaseStore {
    public func commit(_ batch: StoreBatch) throws(StoreError) {
        guard !batch.isEmpty else { return }
        try requireWritable("commit")
        let committedAt = Date().timeIntervalSince1970
        let newContexts = try Self.perform("commit") { [pool, contexts] in
            // One encoder for the whole batch; the default date strategy writes a `Date`'s own
            // double, so instants come back bit for bit.
            let encoder = JSONEncoder()
            return try pool.write { db in
                let newContexts = try Self.saveCases(batch, encoder: encoder, contexts: contexts, db: db)
                try Self.insertSourceKeys(batch.sourceKeys, db: db)
                try Self.insertEvents(batch.events, encoder: encoder, db: db)
                try Self.saveDeadlines(batch, encoder: encoder, db: db)
                try Self.appendOutbox(batch.outbox, db: db)
                try Self.markProcessed(batch.messageIDs, at: committedAt, db: db)
                return newContexts
            }
        }
        contexts.remember(newContexts)
    }

    /// Confirmed rows go in one transaction, which does not wait for its own `fsync`.
    ///
    /// Losing a removal to a power cut only publishes those rows again, with the same ids,
    /// which downstream deduplicates: so the delete runs with `synchronous = NORMAL` and becomes
    /// durable with the next intake commit (WAL frames are synced in order). That saves one of
    /// the two syncs per batch the pipeline otherwise waits for.
    public func removeFromOutbox(_ sequences: [Int64]) throws(StoreError) {
        guard !sequences.isEmpty else { return }
        try requireWritable("removeFromOutbox")
        try Self.perform("removeFromOutbox") { [pool] in
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
                try db.inTransaction {
                    let delete = try db.cachedStatement(sql: "DELETE FROM outbox WHERE sequence = ?")
                    for sequence in sequences { try delete.execute(arguments: [sequence]) }
                    return .commit
                }
            }
        }
    }

    /// Deletes the ids of messages committed before `date`, returning how many went.
    ///
    /// The broker redelivers only deliveries that were never acknowledged, and a delivery is
    /// acknowledged right after its commit, so an id is needed for minutes, not months. Keep a
    /// generous margin (days) for publishers that resend after their own restart.
    @discardableResult
    public func pruneProcessed(olderThan date: Date) throws(StoreError) -> Int {
        try requireWritable("pruneProcessed")
        return try Self.perform("pruneProcessed") { [pool] in
            try pool.write { db in
                try db.cachedStatement(sql: "DELETE FROM processed_messages WHERE committed_at < ?")
                    .execute(arguments: [date.timeIntervalSince1970])
                let pruned = db.changesCount
                // Pruning runs now and then for the daemon's whole life: a good time for this too.
                try Self.refreshStatistics(db)
                return pruned
            }
        }
    }

    /// Inserts or updates each case, returning the context ids it looked up or added.
    ///
    /// An update writes the case's progress and summary columns only: category, place, opening
    /// time and context never change, so their indexes and the context are left alone. Only a
    /// new case looks up its context (`CaseContexts`).
    private static func saveCases(_ batch: StoreBatch, encoder: JSONEncoder, contexts: CaseContexts, db: Database) throws -> [CaseContext: Int64] {
        var contextIDs: [CaseContext: Int64] = [:]
        guard !batch.cases.isEmpty else { return contextIDs }
        let familyOf = try db.cachedStatement(sql: "SELECT family FROM cases WHERE id = ?")
        let update = try db.cachedStatement(sql: """
            UPDATE cases SET family = ?, updated_at = ?, phase = ?, level = ?, severity = ?, ended = ?,
                             report_count = ?, building = ?, devices = ?, last_report_at = ?, state = ?
            WHERE id = ?
            """)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO cases (id, category, family, street, community, grid, opened_at, updated_at,
                               phase, level, severity, ended, report_count, building, devices, last_report_at, state, location, context_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        // A case stepped by several messages of the batch is written once, in its last state:
        // encoding a machine is most of a commit's cost.
        var last: [CaseID: Int] = [:]
        for (index, machine) in batch.cases.enumerated() { last[machine.id] = index }
        for (index, machine) in batch.cases.enumerated() where last[machine.id] == index {
            let columns = CaseColumns(machine)
            var family = batch.correlationFamilies[machine.id]
            if family == nil { family = try String.fetchOne(familyOf, arguments: [columns.id]) }
            let resolved = family ?? CaseColumns.defaultFamily(of: machine)
            // Only open cases are correlated; an ended case keeps no key.
            let key = columns.ended ? nil : try CorrelationColumns(machine.correlationKey(family: resolved))
            let state = Self.text(try encoder.encode(machine.progress))
            try update.execute(arguments: [
                resolved, columns.updatedAt, columns.phase, columns.level, columns.severity, columns.ended,
                columns.reportCount, key?.building, key?.devices, key?.lastReportAt, state, columns.id,
            ])
            guard db.changesCount == 0 else { continue }
            let contextID = try contexts.id(for: machine.context, pending: &contextIDs, db: db)
            try insert.execute(arguments: [
                columns.id, columns.category, resolved, columns.street, columns.community, columns.grid,
                columns.openedAt, columns.updatedAt, columns.phase, columns.level, columns.severity,
                columns.ended, columns.reportCount, key?.building, key?.devices, key?.lastReportAt, state,
                Self.text(try encoder.encode(machine.context.location)), contextID,
            ])
        }
        return contextIDs
    }

    /// A source key keeps the case it first named: a redelivery names the same one.
    private static func insertSourceKeys(_ keys: [String: CaseID], db: Database) throws {
        guard !keys.isEmpty else { return }
        let insert = try db.cachedStatement(sql: "INSERT INTO source_keys (key, case_id) VALUES (?, ?) ON CONFLICT (key) DO NOTHING")
        for (key, caseID) in keys {
            try insert.execute(arguments: [key, caseID.rawValue])
        }
    }

    /// Appends history; an event already stored (a replayed batch) is skipped, keeping its place.
    private static func insertEvents(_ events: [CaseEvent], encoder: JSONEncoder, db: Database) throws {
        guard !events.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO case_events (id, case_id, at, kind, event) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """)
        for event in events {
            try insert.execute(arguments: [
                event.id, event.caseID.rawValue, event.at.timeIntervalSince1970, event.kind.storeName, Self.text(try encoder.encode(event)),
            ])
        }
    }

    /// Adds (or replaces, by id) the scheduled deadlines, then removes the removed ones, so a
    /// deadline scheduled and cancelled within one batch is gone. Ids are never reused, so the
    /// opposite order never matters.
    private static func saveDeadlines(_ batch: StoreBatch, encoder: JSONEncoder, db: Database) throws {
        if !batch.scheduledDeadlines.isEmpty {
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO deadlines (id, case_id, due_at, kind, deadline) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    case_id = excluded.case_id, due_at = excluded.due_at, kind = excluded.kind, deadline = excluded.deadline
                """)
            for stored in batch.scheduledDeadlines {
                let deadline = stored.deadline
                try upsert.execute(arguments: [
                    deadline.id.rawValue, stored.caseID.rawValue, deadline.at.timeIntervalSince1970, deadline.kind.storeName,
                    Self.text(try encoder.encode(deadline)),
                ])
            }
        }
        if !batch.removedDeadlines.isEmpty {
            let delete = try db.cachedStatement(sql: "DELETE FROM deadlines WHERE id = ?")
            for id in batch.removedDeadlines {
                try delete.execute(arguments: [id.rawValue])
            }
        }
    }

    /// Appends messages in batch order; a message whose id is already waiting is not added
    /// again, so a replayed batch publishes nothing twice.
    private static func appendOutbox(_ messages: [OutboxMessage], db: Database) throws {
        guard !messages.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO outbox (id, exchange, routing_key, body, type, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING
            """)
        for message in messages {
            try insert.execute(arguments: [
                message.id, message.exchange, message.routingKey, message.body, message.type,
                message.createdAt.timeIntervalSince1970,
            ])
        }
    }

    private static func markProcessed(_ messageIDs: [String], at committedAt: Double, db: Database) throws {
        guard !messageIDs.isEmpty else { return }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO processed_messages (message_id, committed_at) VALUES (?, ?)
            ON CONFLICT (message_id) DO NOTHING
            """)
        for id in messageIDs {
            try insert.execute(arguments: [id, committedAt])
        }
    }

    /// JSON goes in as `TEXT`, so SQLite's JSON functions read it.
    private static func text(_ json: Data) -> String { String(decoding: json, as: UTF8.self) }
}
