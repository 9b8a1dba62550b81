@testable import CaseStore
import Foundation
import GRDB
import GridwatchDomain
import Testing

/// Contexts are kept once per distinct value and put back together with each case's own
/// location; databases written before that are converted when they are opened.
@Suite struct SharedContextTests {
    @Test func casesOfOneGridAndCategoryShareOneContextRowButKeepTheirOwnLocation() throws {
        try withStore { store, url in
            let first = StoreFixture.opened("C-1")
            var second = StoreFixture.opened("C-2", report: StoreFixture.hotline("REQ-C-2"))
            // The same grid, building and category; another flat.
            var context = second.machine.context
            context.location.detail = "1101室"
            second.machine = CaseMachine(context: context, progress: second.machine.progress)
            second.batch.cases = [second.machine]
            let elsewhere = StoreFixture.opened("C-3", grid: StoreFixture.otherGridCode)
            try store.commit(first.batch)
            try store.commit(second.batch)
            try store.commit(elsewhere.batch)

            #expect(try contextRows(store) == 2)
            #expect(try store.load("C-1") == first.machine)
            #expect(try store.load("C-2") == second.machine)
            #expect(try store.load("C-2")?.context.location.detail == "1101室")
            #expect(try store.load("C-3") == elsewhere.machine)

            // Another process (or a restart) knows nothing of this one's memory.
            let reader = try SQLiteCaseStore(path: url.path, readOnly: true)
            #expect(try reader.load("C-1") == first.machine)
            #expect(try reader.load("C-2") == second.machine)
            #expect(try reader.caseDetail("C-3")?.machine == elsewhere.machine)
        }
    }

    @Test func anUpdateKeepsTheContextAndWritesTheNewProgress() throws {
        try withStore { store, _ in
            var (machine, batch) = StoreFixture.opened("C-1")
            try store.commit(batch)
            let later = StoreFixture.t0.addingTimeInterval(60)
            let actions = machine.apply(.signFor, from: .person(StoreFixture.worker), now: later)
            var step = StoreBatch()
            step.record(machine, actions, messageID: "msg-sign", now: later)
            try store.commit(step)
            #expect(try store.load("C-1") == machine)
            #expect(try store.load("C-1")?.phase == .signedFor)
            #expect(try contextRows(store) == 1)
        }
    }

    @Test func aDatabaseOfTheFirstSchemaIsConvertedWhenOpened() throws {
        // Both later migrations run on it: shared contexts, then correlation columns.
        try withScratchDirectory { directory in
            let path = directory.appendingPathComponent("v1.sqlite").path
            let machines = [StoreFixture.opened("C-1").machine, StoreFixture.opened("C-2", grid: StoreFixture.otherGridCode).machine]
            // Written as the first schema did: the whole machine, context included, in `state`.
            let old = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(old, upTo: "v1")
            try old.write { db in
                for machine in machines {
                    let columns = CaseColumns(machine)
                    try db.execute(
                        sql: """
                            INSERT INTO cases (id, category, family, street, community, grid, opened_at, updated_at,
                                               phase, level, severity, ended, report_count, correlation_key, state)
                            VALUES (?, ?, 'gas-leak', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
                            """,
                        arguments: [
                            columns.id, columns.category, columns.street, columns.community, columns.grid, columns.openedAt,
                            columns.updatedAt, columns.phase, columns.level, columns.severity, columns.reportCount,
                            String(decoding: try JSONEncoder().encode(machine.correlationKey(family: "gas-leak")), as: UTF8.self),
                            String(decoding: try JSONEncoder().encode(machine), as: UTF8.self),
                        ])
                }
            }
            try old.close()

            let error = try #require(throws: StoreError.self) { try SQLiteCaseStore(path: path, readOnly: true) }
            #expect(error.kind == .schema)
            let store = try SQLiteCaseStore(path: path)
            for machine in machines {
                #expect(try store.load(machine.id) == machine)
            }
            #expect(try contextRows(store) == 2)
            let unconverted = try store.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases WHERE location IS NULL OR context_id IS NULL")
            }
            #expect(unconverted == 0)
            // Their correlation keys, written as JSON by the first schema, are columns now.
            let keys = try store.openCaseKeys().sorted { $0.caseID < $1.caseID }
            #expect(keys.map(\.caseID) == machines.map(\.id))
            for (key, machine) in zip(keys, machines) {
                let expected = machine.correlationKey(family: "gas-leak")
                #expect(key.location == expected.location && key.devices == expected.devices && key.family == expected.family)
                #expect(abs(key.lastReportAt.timeIntervalSince(expected.lastReportAt)) < 1e-6)
            }
        }
    }

    private func contextRows(_ store: SQLiteCaseStore) throws -> Int? {
        try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_contexts") }
    }
}
