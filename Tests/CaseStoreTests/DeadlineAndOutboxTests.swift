import CaseStore
import Foundation
import GridwatchDomain
import Testing

/// The timer's view (deadlines by due time) and the publisher's (the outbox in order).
@Suite struct DeadlineAndOutboxTests {
    let t0 = StoreFixture.t0

    private func deadline(_ id: String, at: Date, case caseID: CaseID = "C-1") -> StoredDeadline {
        StoredDeadline(caseID: caseID, deadline: Deadline(id: DeadlineID(id), kind: .signFor(.grid), at: at))
    }

    private func message(_ id: String) -> OutboxMessage {
        OutboxMessage(id: id, exchange: "gridwatch.events", routingKey: "case.event", body: Data(id.utf8), type: "case.event", createdAt: t0)
    }

    /// A store holding case C-1 and no deadline or outbox row yet.
    private func withCase(_ body: (SQLiteCaseStore) throws -> Void) throws {
        try withStore { store, _ throws in
            var batch = StoreFixture.opened("C-1", dispatch: false).batch
            batch.outbox = []
            try store.commit(batch)
            try body(store)
        }
    }

    @Test func dueDeadlinesComeEarliestFirstTiesByID() throws {
        try withCase { store throws in
            var batch = StoreBatch()
            batch.scheduledDeadlines = [
                deadline("d-late", at: t0 + 300), deadline("d-b", at: t0 + 100), deadline("d-a", at: t0 + 100),
                deadline("d-first", at: t0 + 50),
            ]
            try store.commit(batch)

            #expect(try store.nextDeadline()?.deadline.id == DeadlineID("d-first"))
            #expect(try store.dueDeadlines(at: t0 + 100, limit: 10).map(\.deadline.id.rawValue) == ["d-first", "d-a", "d-b"])
            #expect(try store.dueDeadlines(at: t0 + 100, limit: 2).map(\.deadline.id.rawValue) == ["d-first", "d-a"])
            #expect(try store.dueDeadlines(at: t0 + 49, limit: 10).isEmpty)
            #expect(try store.dueDeadlines(at: t0 + 1000, limit: 0).isEmpty)
            #expect(try store.dueDeadlines(at: t0 + 1000, limit: 10).count == 4)
        }
    }

    @Test func aDeadlineComesBackAtItsExactInstant() throws {
        try withCase { store throws in
            // Not representable in Unix seconds without rounding: the instant must survive anyway.
            let at = Date(timeIntervalSinceReferenceDate: 821_692_800.123_456_789)
            var batch = StoreBatch()
            batch.scheduledDeadlines = [deadline("d-1", at: at)]
            try store.commit(batch)

            #expect(try store.nextDeadline()?.deadline.at == at)
            #expect(try store.dueDeadlines(at: at, limit: 10).map(\.deadline.at) == [at])
            #expect(try store.dueDeadlines(at: at.addingTimeInterval(-0.001), limit: 10).isEmpty)
        }
    }

    @Test func removedAndRescheduledDeadlines() throws {
        try withCase { store throws in
            var batch = StoreBatch()
            batch.scheduledDeadlines = [deadline("d-1", at: t0 + 10), deadline("d-2", at: t0 + 20)]
            try store.commit(batch)

            var next = StoreBatch()
            next.removedDeadlines = [DeadlineID("d-1")]
            next.scheduledDeadlines = [deadline("d-2", at: t0 + 5), deadline("d-3", at: t0 + 30)]
            try store.commit(next)
            #expect(try store.dueDeadlines(at: t0 + 100, limit: 10).map(\.deadline.id.rawValue) == ["d-2", "d-3"])
            #expect(try store.nextDeadline()?.deadline.at == t0 + 5)

            // Scheduled and cancelled within one batch: gone.
            var both = StoreBatch()
            both.scheduledDeadlines = [deadline("d-4", at: t0 + 1)]
            both.removedDeadlines = [DeadlineID("d-4"), DeadlineID("d-2"), DeadlineID("d-3")]
            try store.commit(both)
            #expect(try store.nextDeadline() == nil)
        }
    }

    @Test func outboxKeepsCommitOrderAcrossBatches() throws {
        try withCase { store throws in
            var first = StoreBatch()
            first.outbox = [message("z"), message("a")]
            var second = StoreBatch()
            second.outbox = [message("m"), message("a")]
            try store.commit(first)
            try store.commit(second)

            let rows = try store.outbox(after: 0, limit: 10)
            #expect(rows.map(\.id) == ["z", "a", "m"])
            #expect(try store.outbox(after: rows[0].sequence, limit: 10).map(\.id) == ["a", "m"])
            #expect(try store.outbox(after: 0, limit: 2).map(\.id) == ["z", "a"])
            #expect(try store.outbox(after: rows[2].sequence, limit: 10).isEmpty)
        }
    }

    @Test func removeFromOutboxDeletesOnlyTheConfirmedRows() throws {
        try withCase { store throws in
            var batch = StoreBatch()
            batch.outbox = [message("one"), message("two"), message("three")]
            try store.commit(batch)
            let rows = try store.outbox(after: 0, limit: 10)

            try store.removeFromOutbox([rows[1].sequence, 999_999])
            #expect(try store.outbox(after: 0, limit: 10).map(\.id) == ["one", "three"])
            #expect(try store.outboxCount() == 2)

            try store.removeFromOutbox([rows[0].sequence, rows[2].sequence])
            #expect(try store.outboxCount() == 0)

            // A sequence is never reused, so a publisher's cursor never skips a new row.
            var later = StoreBatch()
            later.outbox = [message("four")]
            try store.commit(later)
            let four = try #require(try store.outbox(after: rows[2].sequence, limit: 10).first)
            #expect(four.id == "four")
            #expect(four.sequence > rows[2].sequence)
        }
    }
}
