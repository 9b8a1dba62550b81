import CaseStore
import Foundation
import GridwatchDomain
import Testing

/// `gridwatch cases` listings, case details and the correlator's view of open cases.
@Suite struct ListingTests {
    let t0 = StoreFixture.t0

    /// Four cases an hour apart: C-1 gas leak dispatched to the grid, C-2 noise only received,
    /// C-3 gas leak in the other grid, C-4 an alarm cancelled into a false alarm (ended).
    private func withFourCases(_ body: (SQLiteCaseStore) throws -> Void) throws {
        try withStore { store, _ throws in
            var batch = StoreBatch()
            let cases = [
                StoreFixture.opened("C-1", now: t0),
                StoreFixture.opened("C-2", category: StoreFixture.noise, dispatch: false, family: nil, now: t0 + 3600),
                StoreFixture.opened("C-3", grid: StoreFixture.otherGridCode, now: t0 + 7200),
            ]
            for (_, part) in cases { batch.append(part) }
            var (alarm, opened) = StoreFixture.opened("C-4", report: StoreFixture.alarm("A-1"), category: StoreFixture.gasAlarm, now: t0 + 10_800)
            batch.append(opened)
            let cancelled = alarm.alarmCancelled(now: t0 + 10_900)
            #expect(alarm.isEnded)
            batch.record(alarm, cancelled, messageID: "msg-cancel", now: t0 + 10_900)
            try store.commit(batch)
            try body(store)
        }
    }

    private func ids(_ store: SQLiteCaseStore, _ change: (inout CaseFilter) -> Void = { _ in }) throws -> [String] {
        var filter = CaseFilter()
        change(&filter)
        return try store.cases(filter).map(\.id.rawValue)
    }

    @Test func listingsAreNewestFirstAndLimited() throws {
        try withFourCases { store throws in
            #expect(try ids(store) == ["C-4", "C-3", "C-2", "C-1"])
            #expect(try ids(store) { $0.limit = 2 } == ["C-4", "C-3"])
            #expect(try ids(store) { $0.limit = 0 } == [])
        }
    }

    @Test func eachFilterNarrowsTheListing() throws {
        try withFourCases { store throws in
            #expect(try ids(store) { $0.openOnly = true } == ["C-3", "C-2", "C-1"])
            #expect(try ids(store) { $0.phase = .received } == ["C-2"])
            #expect(try ids(store) { $0.phase = .falseAlarm } == ["C-4"])
            #expect(try ids(store) { $0.level = .grid } == ["C-3", "C-1"])
            #expect(try ids(store) { $0.grid = StoreFixture.otherGridCode.rawValue } == ["C-3"])
            #expect(try ids(store) { $0.community = "110101008005" } == ["C-4", "C-3", "C-2", "C-1"])
            #expect(try ids(store) { $0.street = "110101009" } == [])
            #expect(try ids(store) { $0.category = StoreFixture.gasLeak.rawValue } == ["C-3", "C-1"])
            #expect(try ids(store) { $0.openedAfter = t0 } == ["C-4", "C-3", "C-2"])
            #expect(try ids(store) { $0.openedBefore = t0 + 7200 } == ["C-2", "C-1"])
            #expect(try ids(store) { $0.updatedSince = t0 + 10_900 } == ["C-4"])
            #expect(try ids(store) { $0.updatedSince = t0 + 10_901 } == [])
            // The assessment reads only the cases active in its period.
            #expect(try store.assessmentRecords(for: t0 + 10_900 ..< t0 + 86_400).count == 1)
            #expect(try store.assessmentRecords(for: t0 ..< t0 + 86_400).count == 4)
            #expect(try ids(store) {
                $0.openOnly = true
                $0.category = StoreFixture.gasLeak.rawValue
                $0.openedAfter = t0
            } == ["C-3"])
        }
    }

    @Test func aSummaryDescribesTheCase() throws {
        try withFourCases { store throws in
            let summary = try #require(try store.cases(CaseFilter()).first { $0.id == "C-1" })
            #expect(summary == CaseSummary(
                id: "C-1", phase: .dispatched, level: .grid, category: "hotline.gas-leak", severity: .normal,
                street: "110101008", community: "110101008005", grid: "110101008005003",
                openedAt: t0, updatedAt: t0, reportCount: 1))
            let ended = try #require(try store.cases(CaseFilter()).first { $0.id == "C-4" })
            #expect(ended.phase == .falseAlarm)
            #expect(ended.level == nil)
            #expect(ended.updatedAt == t0 + 10_900)
        }
    }

    @Test func caseDetailHoldsHistoryAndPendingDeadlines() throws {
        try withFourCases { store throws in
            let open = try #require(try store.caseDetail("C-1"))
            #expect(open.history == open.machine.history)
            #expect(open.deadlines.map(\.deadline) == open.machine.activeDeadlines)

            let ended = try #require(try store.caseDetail("C-4"))
            #expect(ended.history.last?.kind == .closedAsFalseAlarm)
            #expect(ended.deadlines.isEmpty)
            #expect(try store.caseDetail("C-404") == nil)
        }
    }

    @Test func openKeysLeaveOutEndedCases() throws {
        try withFourCases { store throws in
            let keys = try store.openCaseKeys()
            #expect(Set(keys.map(\.caseID)) == ["C-1", "C-2", "C-3"])
            let gas = try #require(keys.first { $0.caseID == "C-1" })
            let expected = try #require(try store.load("C-1")).correlationKey(family: StoreFixture.gasFamily)
            #expect(gas.family == expected.family && gas.location == expected.location && gas.devices == expected.devices)
            // Unix seconds in a REAL column: equal to well under a microsecond, which is all the
            // correlation window needs.
            #expect(abs(gas.lastReportAt.timeIntervalSince(expected.lastReportAt)) < 1e-6)
            #expect(gas.sourceKeys.isEmpty, "answered by caseID(forSourceKey:), not kept with the key")
            // No family given for C-2: the family of a category without an incident.
            #expect(keys.first { $0.caseID == "C-2" }?.family == "category:hotline.noise")
            // An ended case's source key still leads to it, for idempotency.
            #expect(try store.caseID(forSourceKey: "alarm:alarm-gw:A-1") == "C-4")
        }
    }

    @Test func aLaterBatchWithoutFamilyKeepsTheStoredOne() throws {
        try withStore { store, _ throws in
            var (machine, batch) = StoreFixture.opened("C-1")
            try store.commit(batch)
            let merged = machine.merge(StoreFixture.hotline("REQ-2"), category: StoreFixture.gasLeak, now: t0 + 60)
            var next = StoreBatch()
            next.record(machine, merged, messageID: "msg-2", now: t0 + 60)
            try store.commit(next)

            let key = try #require(try store.openCaseKeys().first)
            #expect(key.family == StoreFixture.gasFamily)
            #expect(try store.caseID(forSourceKey: "hotline:REQ-C-1") == "C-1")
            #expect(try store.caseID(forSourceKey: "hotline:REQ-2") == "C-1")
            #expect(abs(key.lastReportAt.timeIntervalSince(t0 + 60)) < 1e-6)
            #expect(try store.cases(CaseFilter()).first?.reportCount == 2)

            // A sensor's case keeps its device for the correlator.
            try store.commit(StoreFixture.opened("C-2", report: StoreFixture.alarm("A-9"), category: StoreFixture.gasAlarm).batch)
            #expect(try store.openCaseKeys().first { $0.caseID == "C-2" }?.devices == ["gas-38-602"])
        }
    }
}

extension StoreBatch {
    /// Adds another batch's contents, as a pipeline does when it groups messages.
    mutating func append(_ other: StoreBatch) {
        messageIDs += other.messageIDs
        for machine in other.cases {
            cases.removeAll { $0.id == machine.id }
            cases.append(machine)
        }
        sourceKeys.merge(other.sourceKeys) { _, new in new }
        events += other.events
        scheduledDeadlines += other.scheduledDeadlines
        removedDeadlines += other.removedDeadlines
        outbox += other.outbox
        correlationFamilies.merge(other.correlationFamilies) { _, new in new }
    }
}
