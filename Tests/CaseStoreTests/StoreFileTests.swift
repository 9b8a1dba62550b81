@testable import CaseStore
import Foundation
import GridwatchDomain
import Testing

/// The database file: creation, restarts, a reader beside the writer, and files it must refuse.
@Suite struct StoreFileTests {
    @Test func everythingSurvivesARestart() throws {
        try withScratchDirectory { directory throws in
            let path = directory.appendingPathComponent("gridwatch.sqlite").path
            let (machine, batch) = StoreFixture.opened("C-1")
            do {
                let store = try SQLiteCaseStore(path: path)
                try store.commit(batch)
            }
            let reopened = try SQLiteCaseStore(path: path)
            #expect(try reopened.load("C-1") == machine)
            #expect(try reopened.outbox(after: 0, limit: 100).map(\.id) == batch.outbox.map(\.id))
            #expect(try reopened.nextDeadline() == StoredDeadline(caseID: "C-1", deadline: machine.activeDeadlines[0]))
            #expect(try reopened.processed(batch.messageIDs) == Set(batch.messageIDs))

            // And the sequence goes on after the rows already there.
            var more = StoreBatch()
            more.outbox = [OutboxMessage(id: "late", exchange: "x", routingKey: "k", body: Data(), type: "t", createdAt: StoreFixture.t0)]
            try reopened.commit(more)
            #expect(try reopened.outbox(after: 0, limit: 100).last?.id == "late")
        }
    }

    @Test func aReaderSeesTheWritersCommitsWhileItRuns() throws {
        try withStore { writer, url throws in
            try writer.commit(StoreFixture.opened("C-1").batch)
            let reader = try SQLiteCaseStore(path: url.path, readOnly: true)
            #expect(try reader.cases(CaseFilter()).map(\.id) == ["C-1"])

            try writer.commit(StoreFixture.opened("C-2", now: StoreFixture.t0 + 60).batch)
            #expect(try reader.cases(CaseFilter()).map(\.id) == ["C-2", "C-1"])
            #expect(try reader.caseDetail("C-2")?.machine == (try writer.load("C-2")))

            let refused = try #require(throws: StoreError.self) { try reader.commit(StoreFixture.opened("C-3").batch) }
            #expect(refused.operation == "commit")
            #expect(throws: StoreError.self) { try reader.removeFromOutbox([1]) }
            #expect(throws: StoreError.self) { try reader.pruneProcessed(olderThan: Date()) }
            #expect(try writer.load("C-3") == nil)
        }
    }

    @Test func aReaderOpensTheFileWhenNoDaemonRuns() throws {
        try withScratchDirectory { directory throws in
            let path = directory.appendingPathComponent("gridwatch.sqlite").path
            let (machine, batch) = StoreFixture.opened("C-1")
            do {
                let store = try SQLiteCaseStore(path: path)
                try store.commit(batch)
            }
            let reader = try SQLiteCaseStore(path: path, readOnly: true)
            #expect(try reader.caseDetail("C-1")?.machine == machine)
            #expect(try reader.outboxCount() == batch.outbox.count)
        }
    }

    @Test func anEmptyFileIsMigrated() throws {
        try withScratchDirectory { directory throws in
            let path = directory.appendingPathComponent("empty.sqlite").path
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))

            // A reader must not migrate: the daemon has not created the schema yet.
            let error = try #require(throws: StoreError.self) { try SQLiteCaseStore(path: path, readOnly: true) }
            #expect(error.kind == .schema)

            let store = try SQLiteCaseStore(path: path)
            #expect(try store.cases(CaseFilter()).isEmpty)
            #expect(try store.outboxCount() == 0)
            try store.commit(StoreFixture.opened("C-1").batch)
            #expect(try SQLiteCaseStore(path: path, readOnly: true).load("C-1") != nil)
        }
    }

    @Test func aMissingFileIsCreatedByTheDaemonOnly() throws {
        try withScratchDirectory { directory throws in
            let path = directory.appendingPathComponent("missing.sqlite").path
            let error = try #require(throws: StoreError.self) { try SQLiteCaseStore(path: path, readOnly: true) }
            #expect(error.kind == .other)
            #expect(error.description.contains("no database file"))
            #expect(!FileManager.default.fileExists(atPath: path))

            _ = try SQLiteCaseStore(path: path)
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test(arguments: [false, true]) func aFileThatIsNoDatabaseIsRefused(readOnly: Bool) throws {
        try withScratchDirectory { directory throws in
            let path = directory.appendingPathComponent("notes.sqlite").path
            let text = String(repeating: "cases are kept elsewhere, not in this file\n", count: 100)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))

            let error = try #require(throws: StoreError.self) { try SQLiteCaseStore(path: path, readOnly: readOnly) }
            #expect(error.kind == .corrupt)
            #expect(!error.isTransient)
            #expect(error.operation == "open")
        }
    }

    @Test(arguments: [false, true]) func aSchemaFromANewerDaemonIsRefused(readOnly: Bool) throws {
        try withStore { store, url throws in
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-from-the-future')")
            }
            let error = try #require(throws: StoreError.self) { try SQLiteCaseStore(path: url.path, readOnly: readOnly) }
            #expect(error.kind == .schema)
            #expect(error.description.contains("newer"))
        }
    }

    @Test func settingsAreDurable() throws {
        try withStore { store, _ throws in
            let (journal, synchronous, foreignKeys) = try store.pool.read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                    try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")
                )
            }
            #expect(journal == "wal")
            #expect(synchronous == 2)  // FULL
            #expect(foreignKeys == true)

            // Removing published rows relaxes the sync for its own transaction only: the next
            // commit on the writer is synced again.
            try store.commit(StoreFixture.opened("C-1").batch)
            try store.removeFromOutbox(try store.outbox(after: 0, limit: 10).map(\.sequence))
            #expect(try store.outboxCount() == 0)
            #expect(try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        }
    }
}
