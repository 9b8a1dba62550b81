import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GridwatchDaemon
import Testing

/// `systemctl stop`: SIGTERM to the built binary, which stops consuming, finishes the batch in
/// hand, flushes the outbox, closes its connection and exits 0 well within `TimeoutStopSec`.
@Suite("SIGTERM drains the daemon")
struct GracefulStopTests {
    /// The unit's TimeoutStopSec: a stop must end well before systemd would SIGKILL.
    static let stopLimit: Duration = .seconds(30)

    @Test("SIGTERM mid-stream and restart: every request in exactly one case, the outbox empty at each exit, exit 0 in time")
    func sigtermMidStream() async throws {
        let harness = try await DaemonHarness("drain")
        defer { Task { await harness.tearDown() } }
        let grids = harness.configuration.hierarchy.gridCodes.map(\.rawValue)
        let codes = ["garbage", "noise", "street-vending"]
        let total = 600
        let published = Set((0..<total).map { "hotline:T-\($0)" })
        let first = try Self.spawnDaemon(harness)
        // About 200 a second, going on through the stop and the restart.
        let publisher = Task {
            var confirmed = 0
            for index in 0..<total {
                let json = DaemonHarness.hotline(id: "T-\(index)", code: codes[index % codes.count], grid: grids[index % grids.count])
                if await harness.publish("hotline.12345", json, messageID: "t-\(index)") == .confirmed { confirmed += 1 }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return confirmed
        }
        #expect(await harness.eventually(timeout: .seconds(60)) { try harness.store().cases(CrashRecoveryTests.all).count >= 20 })

        let stoppedIn = try await Self.stop(first)
        #expect(stoppedIn < Self.stopLimit, "stopped in \(stoppedIn)")
        let recordedAtStop = try CrashRecoveryTests.sourceKeys(harness.store()).count
        #expect(recordedAtStop < total, "the stop came in the middle of the stream")
        #expect(try harness.store().outboxCount() == 0, "every notification and case event committed before the stop was published")

        let second = try Self.spawnDaemon(harness)
        #expect(await publisher.value == total)
        let allThere = await harness.eventually(timeout: .seconds(90)) {
            try CrashRecoveryTests.sourceKeys(harness.store()).count == total
        }
        #expect(allThere)
        let keys = try CrashRecoveryTests.sourceKeys(harness.store())
        #expect(Set(keys) == published, "missing: \(published.subtracting(keys).sorted().prefix(5))")
        #expect(keys.count == Set(keys).count, "a request counted in two cases")

        _ = try await Self.stop(second)
        #expect(try harness.store().outboxCount() == 0)
        let log = try String(contentsOfFile: harness.directory.appendingPathComponent("daemon.log").path, encoding: .utf8)
        #expect(log.components(separatedBy: "gridwatch stopped").count - 1 == 2, "both runs ended through the graceful path")
    }

    @Test("SIGTERM with a backlog: the daemon stops consuming at once instead of working through the queue")
    func sigtermStopsConsuming() async throws {
        let harness = try await DaemonHarness("drain-backlog")
        defer { Task { await harness.tearDown() } }
        // One message per batch and per prefetch: the backlog takes long enough to stop the
        // daemon in the middle of it on any machine, and what a stop lets through is counted exactly.
        let main = harness.configDirectory.appendingPathComponent("gridwatch.yaml")
        let text = try String(contentsOf: main, encoding: .utf8)
            .replacingOccurrences(of: "prefetch: 512", with: "prefetch: 1").replacingOccurrences(of: "batchSize: 256", with: "batchSize: 1")
        try text.write(to: main, atomically: true, encoding: .utf8)
        let grids = harness.configuration.hierarchy.gridCodes.map(\.rawValue)
        let codes = ["garbage", "noise", "street-vending"]
        let total = 3000
        let ids = (0..<total).map { "b-\($0)" }
        let messages = (0..<total).map { index in
            OutgoingMessage(
                exchange: GridwatchTopology.intakeExchange, routingKey: "hotline.12345",
                body: Data(DaemonHarness.hotline(id: "B-\(index)", code: codes[index % codes.count], grid: grids[index % grids.count]).utf8),
                properties: MessageProperties(contentType: "application/json", messageID: "b-\(index)", userID: "guest"))
        }
        let outcomes = await harness.observer.publish(messages)
        #expect(outcomes.allSatisfy { $0 == .confirmed })

        let daemon = try Self.spawnDaemon(harness)
        #expect(await harness.eventually(timeout: .seconds(60)) { try harness.store().processed(ids).count >= 20 })
        let beforeStop = try harness.store().processed(ids).count
        let stoppedIn = try await Self.stop(daemon)
        #expect(stoppedIn < Self.stopLimit)
        let processed = try harness.store().processed(ids).count
        #expect(processed < total)
        // The batch in hand (one message per queue) and what the measurement raced with, not the rest.
        #expect(processed - beforeStop < 50, "\(processed - beforeStop) more after SIGTERM: it kept consuming")
        // Every acknowledgement reached the broker; what it did not take is back in the queue.
        let ready = try await harness.observer.purge(queue: "gridwatch.intake.hotline")
        #expect(processed + Int(ready) == total, "\(processed) recorded + \(ready) ready")
    }

    @Test("SIGTERM while the store refuses: exit 0 in time without waiting for it, nothing acknowledged, recorded after the restart")
    func sigtermWhileStoreRefuses() async throws {
        let harness = try await DaemonHarness("drain-locked")
        defer { Task { await harness.tearDown() } }
        let first = try Self.spawnDaemon(harness)
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "D-0")) == .confirmed)
        #expect(await harness.eventually { try harness.store().cases(CrashRecoveryTests.all).count == 1 })

        let released = try await SystemdNotifyTests.holdWriteLock(harness.databasePath, for: 20)
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "D-1", grid: "110101008001002")) == .confirmed)
        let log = harness.directory.appendingPathComponent("daemon.log").path
        #expect(await harness.eventually { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("cannot record a batch") })
        let stoppedIn = try await Self.stop(first)
        // The retry is abandoned; what is left is the store calls already waiting out SQLite's
        // 5 s busy timeout (the intake's, the deadline timer's), well inside the stop timeout.
        #expect(stoppedIn < Self.stopLimit, "stopped in \(stoppedIn)")
        await released()

        let second = try Self.spawnDaemon(harness)
        #expect(await harness.eventually { try harness.store().cases(CrashRecoveryTests.all).count == 2 },
                "the refused request was not acknowledged, so it came back")
        // On a loaded machine the lock may lapse before the first daemon gives up, so the
        // request can be recorded before this daemon runs: SIGTERM only once it handles signals.
        let readyz = "http://127.0.0.1:\(harness.metricsPort)/readyz"
        #expect(await harness.eventually(timeout: .seconds(30)) { try MetricsTests.get(readyz).status == 200 })
        _ = try await Self.stop(second)
    }

    /// Sends SIGTERM, expects exit status 0, and returns how long the stop took.
    static func stop(_ pid: pid_t) async throws -> Duration {
        let start = ContinuousClock.now
        kill(pid, SIGTERM)
        let status = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: waitForExit(pid)) }
        }
        #expect(status == 0, "exit status \(status)")
        return ContinuousClock.now - start
    }

    static func spawnDaemon(_ harness: DaemonHarness) throws -> pid_t {
        try FileManager.default.createDirectory(atPath: harness.statePath, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_AMQP_URL"] = harness.vhostURL
        let binary = Broker.gridwatchBinary
        return try spawn([binary, "run", "--config", harness.configDirectory.appendingPathComponent("gridwatch.yaml").path,
                          "--state-directory", harness.statePath],
                         environment: environment, output: harness.directory.appendingPathComponent("daemon.log").path)
    }
}
