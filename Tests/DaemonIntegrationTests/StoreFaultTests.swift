import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GRDB
import GridwatchDaemon
import GridwatchDomain
import Testing

@Suite("Store faults")
struct StoreFaultTests {
    @Test("a locked database: nothing is acknowledged while it lasts, and the intake resumes by itself")
    func lockedDatabase() async throws {
        let harness = try await DaemonHarness("locked")
        defer { Task { await harness.tearDown() } }
        try harness.start()
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "L-0")) == .confirmed)
        #expect(await harness.eventually { try harness.store().cases(CaseFilter()).count == 1 })

        // Another process takes the write lock and holds it for a while.
        let blocker = try DatabaseQueue(path: harness.databasePath)
        let released = Task.detached {
            try blocker.inDatabase { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                Thread.sleep(forTimeInterval: 8)
                try db.execute(sql: "COMMIT")
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "L-1", grid: "110101008001002")) == .confirmed)
        // While locked, the daemon holds the delivery unacknowledged. A purge removes only ready
        // messages: had the daemon given it back, the purge would drop it and the count below
        // would never reach 2; had it acked before recording, it would be lost the same way.
        try await Task.sleep(for: .seconds(6))
        let ready = try await harness.observer.purge(queue: "gridwatch.intake.hotline")
        #expect(ready == 0)
        try await released.value
        #expect(await harness.eventually(timeout: .seconds(40)) { try harness.store().cases(CaseFilter()).count == 2 },
                "after the lock is released the message is recorded")
    }
}
