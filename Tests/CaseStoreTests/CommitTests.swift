import CaseStore
import Foundation
import GridwatchDomain
import Testing

/// What one batch writes, and what writing it again does.
@Suite struct CommitTests {
    let t0 = StoreFixture.t0

    @Test func aBatchRoundTrips() throws {
        try withStore { store, _ throws in
            let (machine, batch) = StoreFixture.opened("C-1")
            try store.commit(batch)

            #expect(try store.load("C-1") == machine)
            #expect(try store.load("C-404") == nil)
            let detail = try #require(try store.caseDetail("C-1"))
            #expect(detail.machine == machine)
            #expect(detail.history == machine.history)
            #expect(detail.deadlines == machine.activeDeadlines.map { StoredDeadline(caseID: "C-1", deadline: $0) })
            #expect(!detail.deadlines.isEmpty)

            let outbox = try store.outbox(after: 0, limit: 100)
            #expect(outbox.map(\.id) == batch.outbox.map(\.id))
            #expect(outbox.map(\.sequence) == outbox.map(\.sequence).sorted())
            #expect(Set(outbox.map(\.sequence)).count == outbox.count)
            #expect(outbox.allSatisfy { $0.sequence > 0 })
            let first = try #require(outbox.first)
            var expected = batch.outbox[0]
            expected.sequence = first.sequence
            #expect(first == expected)
            #expect(try store.outboxCount() == batch.outbox.count)
            #expect(try store.caseID(forSourceKey: "hotline:REQ-C-1") == "C-1")
            #expect(try store.caseID(forSourceKey: "hotline:nobody") == nil)
        }
    }

    @Test func committingTheSameBatchAgainAddsNothing() throws {
        try withStore { store, _ throws in
            let (_, batch) = StoreFixture.opened("C-1")
            try store.commit(batch)
            let before = try store.outbox(after: 0, limit: 100)
            try store.commit(batch)

            #expect(try store.outbox(after: 0, limit: 100) == before)
            #expect(try store.caseDetail("C-1")?.history.count == batch.events.count)
            #expect(try store.caseDetail("C-1")?.deadlines.count == batch.scheduledDeadlines.count)
            #expect(try store.processed(batch.messageIDs) == Set(batch.messageIDs))
        }
    }

    @Test func aLaterStepReplacesTheCaseAndItsDeadlines() throws {
        try withStore { store, _ throws in
            var (machine, first) = StoreFixture.opened("C-1")
            try store.commit(first)
            let signFor = try #require(machine.activeDeadlines.first)

            let actions = machine.deadlinePassed(signFor.id, now: signFor.at)
            var second = StoreBatch()
            second.record(machine, actions, messageID: nil, now: signFor.at)
            second.removedDeadlines.append(signFor.id)
            try store.commit(second)

            let detail = try #require(try store.caseDetail("C-1"))
            #expect(detail.machine == machine)
            #expect(detail.machine.level == .community)
            #expect(detail.history == machine.history)
            #expect(detail.deadlines.map(\.deadline) == machine.activeDeadlines)
            #expect(!detail.deadlines.contains { $0.deadline.id == signFor.id })
            #expect(try store.outboxCount() == first.outbox.count + second.outbox.count)
        }
    }

    @Test func aCaseSteppedTwiceInOneBatchKeepsItsLastState() throws {
        try withStore { store, _ throws in
            var (machine, batch) = StoreFixture.opened("C-1")
            let merged = machine.merge(StoreFixture.hotline("REQ-2"), category: StoreFixture.gasLeak, now: t0 + 60)
            batch.cases.append(machine)
            batch.events += merged.compactMap { if case .emit(let event) = $0 { event } else { nil } }
            try store.commit(batch)

            #expect(try store.load("C-1") == machine)
            #expect(try store.load("C-1")?.reports.count == 2)
            #expect(try store.caseDetail("C-1")?.history == machine.history)
        }
    }

    @Test func processedFindsOnlyCommittedIDs() throws {
        try withStore { store, _ throws in
            var batch = StoreFixture.opened("C-1", messageID: "m1").batch
            batch.messageIDs.append("m2")
            #expect(try store.processed(["m1"]) == [])
            try store.commit(batch)

            #expect(try store.processed(["m1", "m2", "m3"]) == ["m1", "m2"])
            #expect(try store.processed([]) == [])
        }
    }

    @Test func pruningForgetsOnlyOldProcessedIDs() throws {
        try withStore { store, _ throws in
            var batch = StoreBatch()
            batch.messageIDs = ["m1", "m2"]
            try store.commit(batch)

            #expect(try store.pruneProcessed(olderThan: Date().addingTimeInterval(-3600)) == 0)
            #expect(try store.processed(["m1", "m2"]) == ["m1", "m2"])
            #expect(try store.pruneProcessed(olderThan: Date().addingTimeInterval(60)) == 2)
            #expect(try store.processed(["m1", "m2"]) == [])
        }
    }

    @Test func anEmptyBatchWritesNothing() throws {
        try withStore { store, _ throws in
            try store.commit(StoreBatch())
            #expect(try store.outboxCount() == 0)
            #expect(try store.nextDeadline() == nil)
        }
    }

    @Test func aFailedBatchLeavesNothingBehind() throws {
        try withStore { store, _ throws in
            var batch = StoreFixture.opened("C-1").batch
            // An event of a case nobody stored breaks the foreign key late in the transaction.
            batch.events.append(CaseEvent(id: "C-9/e1", caseID: "C-9", at: t0, kind: .closedAsFalseAlarm))
            #expect(throws: StoreError.self) { try store.commit(batch) }

            #expect(try store.load("C-1") == nil)
            #expect(try store.outboxCount() == 0)
            #expect(try store.processed(batch.messageIDs) == [])
        }
    }

    @Test func errorsNameTheOperationButNoPayload() throws {
        try withStore { store, _ throws in
            var batch = StoreBatch()
            batch.events.append(CaseEvent(id: "C-9/e1", caseID: "C-9", at: t0, kind: .progress(by: "bi-lin", note: "王小明 13800000000")))
            let error = try #require(throws: StoreError.self) { try store.commit(batch) }
            #expect(error.operation == "commit")
            #expect(error.kind == .other)
            #expect(!error.isTransient)
            #expect(!error.description.contains("13800000000"))
            #expect(error.description.contains("FOREIGN KEY"))
        }
    }
}
