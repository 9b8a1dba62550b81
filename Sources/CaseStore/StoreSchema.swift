import Foundation
import GRDB
import GridwatchDomain

/// The SQLite schema, as a list of versioned migrations.
///
/// A migration, once released, is never edited: a later change is a new migration appended
/// here, so a database written by an older daemon is upgraded in place when a newer one opens
/// it. A database that holds migrations this binary does not know was written by a newer
/// daemon; the store refuses it rather than guess (`StoreError.Kind.schema`).
///
/// Times are `REAL` Unix seconds, so `datetime(due_at, 'unixepoch')` reads them. Values that
/// must come back bit for bit (a deadline's instant, an event's, a machine) also travel as JSON
/// in the row, because a `Date` converted to Unix seconds and back may move by a ulp, and a
/// deadline delivered a ulp early would be judged stale by the machine. JSON is stored as
/// `TEXT`, so `json_extract(state, '$.severity')` works from the `sqlite3` shell.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createVersion1)
        migrator.registerMigration("v2-shared-contexts", migrate: shareContexts)
        migrator.registerMigration("v3-correlation-columns", migrate: correlationColumns)
        return migrator
    }

    private static func createVersion1(_ db: Database) throws {
        // One row per case. The summary columns are derived from `state` at every commit so
        // listings never decode a machine; category, place and opening time never change.
        try db.execute(sql: """
            CREATE TABLE cases (
                id TEXT PRIMARY KEY NOT NULL,
                category TEXT NOT NULL,
                family TEXT NOT NULL,
                street TEXT NOT NULL,
                community TEXT NOT NULL,
                grid TEXT NOT NULL,
                opened_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                phase TEXT NOT NULL,
                level TEXT,
                severity TEXT NOT NULL,
                ended INTEGER NOT NULL CHECK (ended IN (0, 1)),
                report_count INTEGER NOT NULL,
                correlation_key TEXT,
                state TEXT NOT NULL
            ) STRICT;
            CREATE INDEX cases_by_opened ON cases(opened_at, id);
            CREATE INDEX cases_open_by_opened ON cases(opened_at, id) WHERE ended = 0;
            CREATE INDEX cases_by_street ON cases(street, opened_at, id);
            CREATE INDEX cases_by_community ON cases(community, opened_at, id);
            CREATE INDEX cases_by_grid ON cases(grid, opened_at, id);
            CREATE INDEX cases_by_category ON cases(category, opened_at, id);
            CREATE INDEX cases_by_phase ON cases(phase, opened_at, id);
            CREATE INDEX cases_by_level ON cases(level, opened_at, id);
            """)
        // History in commit order: `seq` aliases the rowid, so the order survives VACUUM.
        try db.execute(sql: """
            CREATE TABLE case_events (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                case_id TEXT NOT NULL REFERENCES cases(id),
                at REAL NOT NULL,
                kind TEXT NOT NULL,
                event TEXT NOT NULL
            ) STRICT;
            CREATE INDEX case_events_by_case ON case_events(case_id);
            """)
        try db.execute(sql: """
            CREATE TABLE source_keys (
                key TEXT PRIMARY KEY NOT NULL,
                case_id TEXT NOT NULL REFERENCES cases(id)
            ) STRICT, WITHOUT ROWID;
            """)
        // Grows by one row per message: `pruneProcessed(olderThan:)` bounds it.
        try db.execute(sql: """
            CREATE TABLE processed_messages (
                message_id TEXT PRIMARY KEY NOT NULL,
                committed_at REAL NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX processed_messages_by_committed ON processed_messages(committed_at);
            """)
        try db.execute(sql: """
            CREATE TABLE deadlines (
                id TEXT PRIMARY KEY NOT NULL,
                case_id TEXT NOT NULL REFERENCES cases(id),
                due_at REAL NOT NULL,
                kind TEXT NOT NULL,
                deadline TEXT NOT NULL
            ) STRICT;
            CREATE INDEX deadlines_by_due ON deadlines(due_at, id);
            CREATE INDEX deadlines_by_case ON deadlines(case_id);
            """)
        // AUTOINCREMENT: a sequence is never reused after its row is published and removed, so
        // the publisher's "after sequence" cursor never skips a new row.
        try db.execute(sql: """
            CREATE TABLE outbox (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                exchange TEXT NOT NULL,
                routing_key TEXT NOT NULL,
                body BLOB NOT NULL,
                type TEXT NOT NULL,
                created_at REAL NOT NULL
            ) STRICT;
            """)
    }

    /// Keeps each case's context once per distinct value (`CaseContexts`) instead of inside
    /// every saved state: `state` becomes the machine's `Progress`, and the new `location` and
    /// `context_id` columns hold what the context needs back. Every existing row is converted
    /// here, so after this migration each row has both columns.
    private static func shareContexts(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE case_contexts (
                id INTEGER PRIMARY KEY,
                body TEXT NOT NULL UNIQUE
            ) STRICT;
            ALTER TABLE cases ADD COLUMN location TEXT;
            ALTER TABLE cases ADD COLUMN context_id INTEGER REFERENCES case_contexts(id);
            """)
        let contexts = CaseContexts()
        var ids: [CaseContext: Int64] = [:]
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        let update = try db.makeStatement(sql: "UPDATE cases SET state = ?, location = ?, context_id = ? WHERE id = ?")
        // In pages by id, so a large file is converted without holding it all in memory.
        let page = try db.makeStatement(sql: "SELECT id, state FROM cases WHERE id > ? ORDER BY id LIMIT 1000")
        var after = ""
        while true {
            let rows = try Row.fetchAll(page, arguments: [after])
            guard let last = rows.last else { break }
            for row in rows {
                let machine = try decoder.decode(CaseMachine.self, from: row["state"] as Data)
                let contextID = try contexts.id(for: machine.context, pending: &ids, db: db)
                try update.execute(arguments: [
                    String(decoding: try encoder.encode(machine.progress), as: UTF8.self),
                    String(decoding: try encoder.encode(machine.context.location), as: UTF8.self),
                    contextID, row["id"] as String,
                ])
            }
            after = last["id"]
        }
    }

    /// What the correlator needs of an open case becomes plain columns read through one
    /// covering index, instead of a JSON key decoded per case: a restart on a million open
    /// cases spent most of its time decoding those keys and reading whole rows to get them.
    /// Existing open cases are filled in from their `correlation_key`, which is no longer
    /// written.
    private static func correlationColumns(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE cases ADD COLUMN building TEXT;
            ALTER TABLE cases ADD COLUMN devices TEXT;
            ALTER TABLE cases ADD COLUMN last_report_at REAL;
            """)
        let decoder = JSONDecoder()
        let update = try db.makeStatement(sql: "UPDATE cases SET building = ?, devices = ?, last_report_at = ?, correlation_key = NULL WHERE id = ?")
        let page = try db.makeStatement(sql: """
            SELECT id, correlation_key FROM cases WHERE ended = 0 AND correlation_key IS NOT NULL AND id > ? ORDER BY id LIMIT 1000
            """)
        var after = ""
        while true {
            let rows = try Row.fetchAll(page, arguments: [after])
            guard let last = rows.last else { break }
            for row in rows {
                let key = try decoder.decode(Correlator.Key.self, from: row["correlation_key"] as Data)
                let columns = try CorrelationColumns(key)
                try update.execute(arguments: [columns.building, columns.devices, columns.lastReportAt, row["id"] as String])
            }
            after = last["id"]
        }
        try db.execute(sql: """
            CREATE INDEX cases_open_correlation ON cases(id, family, grid, building, devices, last_report_at, ended) WHERE ended = 0;
            """)
    }
}
