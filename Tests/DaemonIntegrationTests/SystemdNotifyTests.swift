import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GRDB
import GridwatchDaemon
import Testing

/// The daemon as systemd runs it (`Type=notify`, `WatchdogSec=`): the built binary, with a
/// notification socket of the test's own in `NOTIFY_SOCKET`.
@Suite("systemd notifications and watchdog")
struct SystemdNotifyTests {
    @Test("READY=1 once consuming, STATUS= lines, WATCHDOG=1 repeatedly, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM, exit 0")
    func notifications() async throws {
        let harness = try await DaemonHarness("notify")
        defer { Task { await harness.tearDown() } }
        let socket = try NotifySocket(harness.directory.appendingPathComponent("notify.sock").path)
        defer { socket.close() }
        let pid = try Self.spawnDaemon(harness, socket: socket, watchdogMicroseconds: 2_000_000)
        var exited = false
        defer { if !exited { kill(pid, SIGKILL); _ = waitForExit(pid) } }

        #expect(await harness.eventually { socket.count("READY=1") == 1 }, "\(socket.messages)")
        #expect(socket.statuses.first?.hasPrefix("consuming; 0 open cases; outbox 0") == true, "\(socket.statuses)")
        let readyAt = socket.lines.firstIndex(of: "READY=1")

        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "N-1")) == .confirmed)
        #expect(await harness.eventually { try harness.store().cases(CaseFilter()).count == 1 })
        #expect(await harness.eventually(timeout: .seconds(15)) { socket.statuses.contains("consuming; 1 open case; outbox 0") },
                "the status line follows the store: \(socket.statuses)")
        // WATCHDOG_USEC 2 s: a ping every second.
        let pings = socket.count("WATCHDOG=1")
        #expect(await harness.eventually(timeout: .seconds(10)) { socket.count("WATCHDOG=1") >= pings + 3 })

        kill(pid, SIGHUP)
        #expect(await harness.eventually { socket.count("READY=1") == 2 }, "\(socket.messages)")
        let lines = socket.lines
        let reloading = try #require(lines.firstIndex(of: "RELOADING=1"))
        #expect(readyAt.map { $0 < reloading } == true)
        #expect(lines[reloading...].contains("READY=1"), "READY=1 after RELOADING=1")
        #expect(lines.contains { $0.hasPrefix("MONOTONIC_USEC=") })
        #expect(socket.statuses.contains("configuration reloaded"))

        kill(pid, SIGTERM)
        let status = waitForExit(pid)
        exited = true
        #expect(status == 0)
        let stopping = try #require(socket.lines.firstIndex(of: "STOPPING=1"))
        #expect(stopping > reloading)
        #expect(socket.statuses.contains { $0.hasPrefix("stopping") })
    }

    @Test("a failing store keeps the watchdog fed: waiting for it is what the daemon should do, and a restart would not help")
    func storeFailureKeepsWatchdog() async throws {
        let harness = try await DaemonHarness("notify-store")
        defer { Task { await harness.tearDown() } }
        let socket = try NotifySocket(harness.directory.appendingPathComponent("notify.sock").path)
        defer { socket.close() }
        // 14 s: a ping every 7 s, more than SQLite's 5 s busy wait that each attempt spends.
        let pid = try Self.spawnDaemon(harness, socket: socket, watchdogMicroseconds: 14_000_000)
        defer {
            kill(pid, SIGTERM)
            _ = waitForExit(pid)
        }
        #expect(await harness.eventually { socket.count("READY=1") == 1 })
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "S-0")) == .confirmed)
        #expect(await harness.eventually { try harness.store().cases(CaseFilter()).count == 1 })

        let released = try await Self.holdWriteLock(harness.databasePath, for: 18)
        let lockedAt = ContinuousClock.now
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "S-1", grid: "110101008001002")) == .confirmed)
        #expect(await harness.eventually(timeout: .seconds(20)) { socket.statuses.contains { $0.hasPrefix("store failing:") } },
                "\(socket.statuses)")
        await released()
        let releasedAt = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))  // the test's own threads may be slow to read under load
        // 18 s of refusals, a ping due every 7 s: never a gap systemd would act on.
        let pings = socket.pings
        #expect(pings.filter { $0 > lockedAt && $0 < releasedAt + .seconds(3) }.count >= 2,
                "pings went on while the store refused: \(pings.map { $0 - lockedAt }), released at \(releasedAt - lockedAt)")
        let gaps = zip(pings, pings.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { $0 < .seconds(14) }, "\(gaps)")
        let log = try String(contentsOfFile: harness.directory.appendingPathComponent("daemon.log").path, encoding: .utf8)
        #expect(log.contains("cannot record a batch; retrying"))
        #expect(!log.contains("withholding the watchdog"))
        #expect(await harness.eventually(timeout: .seconds(40)) { try harness.store().cases(CaseFilter()).count == 2 })
        #expect(await harness.eventually(timeout: .seconds(10)) { socket.statuses.last?.hasPrefix("consuming; 2 open cases") == true },
                "\(socket.statuses.suffix(3))")
    }

    @Test("a batch held past half the watchdog timeout with no answer from the store stops the pings, so systemd would restart the daemon; they resume after")
    func stuckBatchStopsWatchdog() async throws {
        let harness = try await DaemonHarness("notify-stuck")
        defer { Task { await harness.tearDown() } }
        let socket = try NotifySocket(harness.directory.appendingPathComponent("notify.sock").path)
        defer { socket.close() }
        // 3 s: a ping every 1.5 s, and a batch in hand for more than 1.5 s without an answer from
        // the store counts as stuck. A locked database holds each attempt for SQLite's 5 s busy
        // wait: that long without an answer, for real.
        let pid = try Self.spawnDaemon(harness, socket: socket, watchdogMicroseconds: 3_000_000)
        defer {
            kill(pid, SIGTERM)
            _ = waitForExit(pid)
        }
        #expect(await harness.eventually { socket.count("READY=1") == 1 })
        let released = try await Self.holdWriteLock(harness.databasePath, for: 12)
        let lockedAt = ContinuousClock.now
        #expect(await harness.publish("hotline.12345", DaemonHarness.hotline(id: "W-1")) == .confirmed)
        await released()
        #expect(await harness.eventually { try harness.store().cases(CaseFilter()).count == 1 })
        let resumed = await harness.eventually(timeout: .seconds(10)) { (socket.pings.last ?? lockedAt) > lockedAt + .seconds(13) }
        #expect(resumed, "pings resume once the batch is through")

        let pings = socket.pings
        let gaps = zip(pings, pings.dropFirst()).map { $1 - $0 }
        #expect(gaps.contains { $0 > .seconds(3) }, "a gap past the 3 s timeout: \(gaps)")
        let log = try String(contentsOfFile: harness.directory.appendingPathComponent("daemon.log").path, encoding: .utf8)
        #expect(log.contains("withholding the watchdog"))
        #expect(log.contains("feeding the watchdog again"))
    }

    /// Takes SQLite's write lock from a connection of the test's own and returns once it holds
    /// it, with a function that waits until it is released, `seconds` later. The connection
    /// sleeps on a thread of its own: a sleeping cooperative thread would starve the other tests.
    static func holdWriteLock(_ path: String, for seconds: Double) async throws -> @Sendable () async -> Void {
        let blocker = try DatabaseQueue(path: path)
        let released = DispatchSemaphore(value: 0)
        try await withCheckedThrowingContinuation { (locked: CheckedContinuation<Void, Error>) in
            Thread.detachNewThread {
                var told = false
                do {
                    try blocker.inDatabase { db in
                        try db.execute(sql: "BEGIN EXCLUSIVE")
                        told = true
                        locked.resume()
                        Thread.sleep(forTimeInterval: seconds)
                        try db.execute(sql: "COMMIT")
                    }
                } catch {
                    if !told { locked.resume(throwing: error) }
                }
                released.signal()
            }
        }
        return {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    released.wait()
                    continuation.resume()
                }
            }
        }
    }

    /// The built binary, as systemd would start it: NOTIFY_SOCKET and WATCHDOG_USEC set, the
    /// broker URL from the environment.
    static func spawnDaemon(_ harness: DaemonHarness, socket: NotifySocket, watchdogMicroseconds: Int) throws -> pid_t {
        try FileManager.default.createDirectory(atPath: harness.statePath, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["GRIDWATCH_AMQP_URL"] = harness.vhostURL
        environment["NOTIFY_SOCKET"] = socket.address
        environment["WATCHDOG_USEC"] = "\(watchdogMicroseconds)"
        environment.removeValue(forKey: "WATCHDOG_PID")
        let binary = Broker.gridwatchBinary
        return try spawn([binary, "run", "--config", harness.configDirectory.appendingPathComponent("gridwatch.yaml").path,
                          "--state-directory", harness.statePath],
                         environment: environment, output: harness.directory.appendingPathComponent("daemon.log").path)
    }
}
