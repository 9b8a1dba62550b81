import Foundation
import GRDB
import GridwatchDomain

/// The embedded case store: one SQLite file in WAL mode, written by the daemon alone.
///
/// WAL lets `gridwatch cases` read a consistent snapshot while the daemon writes, and lets the
/// daemon's own reads (the timer's `dueDeadlines`, the publisher's `outbox`) run beside a
/// commit. `synchronous = FULL` syncs the WAL at every commit, so a batch that `commit(_:)`
/// returned survives a power cut, which is what acknowledging the broker's delivery promises.
///
/// The store is safe to share between tasks: GRDB serialises writes on one connection and
/// hands reads to a small pool of reader connections. Every call blocks its thread until SQLite
/// answers, so the daemon calls it from a thread of its own, not from the cooperative pool.
public final class SQLiteCaseStore: CaseStore, Sendable {
    /// The database file.
    public let path: String
    /// Whether this store only reads (`gridwatch cases` beside a running daemon).
    public let readOnly: Bool
    let pool: DatabasePool
    /// The shared case contexts the store recently wrote or read.
    let contexts = CaseContexts()

    /// Opens the database at `path`, creating and migrating it unless `readOnly`.
    ///
    /// Read-only opening never creates, migrates or writes: it fails with `.other` when the file
    /// does not exist and with `.schema` when the schema is older or newer than this binary's.
    /// A writable opening upgrades an older schema and refuses a newer one (`.schema`).
    public init(path: String, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        self.readOnly = readOnly
        if readOnly, !FileManager.default.fileExists(atPath: path) {
            throw StoreError(.other, operation: "open", message: "no database file at \(path)")
        }
        pool = try Self.perform("open") { try DatabasePool(path: path, configuration: Self.configuration(readOnly: readOnly)) }
        try Self.perform("open") { [pool] in
            let migrator = StoreSchema.migrator
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(.schema, operation: "open", message: "the database was written by a newer gridwatch")
            }
            if readOnly {
                let current = try pool.read { db in try migrator.hasCompletedMigrations(db) }
                if !current {
                    throw StoreError(.schema, operation: "open", message: "the database schema is older than this gridwatch; start the daemon once to upgrade it")
                }
            } else {
                try migrator.migrate(pool)
                try pool.write { db in try Self.refreshStatistics(db) }
            }
        }
    }

    /// Connection settings for every connection of the pool.
    private static func configuration(readOnly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.foreignKeysEnabled = true
        // A reader beside the daemon, or a checkpoint, may hold a lock for a moment: wait for
        // it rather than fail the batch at once.
        configuration.busyMode = .timeout(5)
        configuration.label = "gridwatch.cases"
        configuration.prepareDatabase { db in
            // FULL, not NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and
            // the broker has already been told those messages are done.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }

    /// Lets SQLite refresh the statistics its planner chooses indexes by, where they drifted.
    /// `analysis_limit` bounds the work to a sample per index, so a large file opens quickly.
    static func refreshStatistics(_ db: Database) throws {
        try db.execute(sql: "PRAGMA analysis_limit = 1000; PRAGMA optimize")
    }

    /// Refuses a write on a read-only store with a plain message, before SQLite would.
    func requireWritable(_ operation: String) throws(StoreError) {
        guard readOnly else { return }
        throw StoreError(.other, operation: operation, message: "the store was opened read-only")
    }

    /// Runs `body`, turning whatever it throws into a `StoreError` named after `operation`.
    /// Every SQLite call of the store goes through here, so errors are mapped in one place.
    static func perform<T>(_ operation: String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw StoreError(error, operation: operation)
        }
    }
}
