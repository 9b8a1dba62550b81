import Foundation
@testable import GridwatchDaemon
import Testing

@Suite("sd_notify without libsystemd")
struct SystemdNotifierTests {
    @Test("no NOTIFY_SOCKET: nothing to send to, no watchdog, and every call is a quiet no-op")
    func disabled() {
        let notifier = SystemdNotifier(environment: ["WATCHDOG_USEC": "2000000"])
        #expect(!notifier.isEnabled)
        #expect(notifier.watchdogTimeout == nil)
        #expect(notifier.send(["READY=1"]))
    }

    @Test("WATCHDOG_USEC is ours unless WATCHDOG_PID names another process")
    func watchdogFromEnvironment() {
        let socket = "/run/systemd/notify"
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "30000000"], processID: 42).watchdogTimeout == .seconds(30))
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"], processID: 42)
            .watchdogTimeout == .seconds(30))
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"], processID: 42)
            .watchdogTimeout == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "0"], processID: 42).watchdogTimeout == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "soon"], processID: 42).watchdogTimeout == nil)
    }

    @Test("datagrams reach a path socket and an abstract one ('@name')", arguments: [false, true])
    func delivery(abstract: Bool) async throws {
        let name = "gridwatch-notify-\(UUID().uuidString.prefix(8))"
        let address = abstract ? "@\(name)" : FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        let socket = try NotifySocket(address)
        defer { socket.close() }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": address])
        notifier.ready(status: "consuming; 3 open cases;\noutbox 0")
        notifier.watchdog()
        notifier.stopping(status: "stopping")
        let deadline = ContinuousClock.now + .seconds(5)
        while socket.messages.count < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(socket.messages == ["READY=1\nSTATUS=consuming; 3 open cases; outbox 0", "WATCHDOG=1", "STOPPING=1\nSTATUS=stopping"])
    }

    @Test("an address too long for sockaddr_un is refused, not truncated")
    func tooLong() {
        #expect(SystemdNotifier.address(String(repeating: "x", count: 107)) != nil)
        #expect(SystemdNotifier.address(String(repeating: "x", count: 108)) == nil)
        #expect(SystemdNotifier.address("@" + String(repeating: "x", count: 107)) != nil)
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "x", count: 200)]).send(["READY=1"]))
    }

    @Test("the status line says what the daemon is doing")
    func statusLines() {
        var snapshot = Health.Snapshot()
        snapshot.brokerConnected = true
        snapshot.intakeConsuming = true
        #expect(SystemdService.statusLine(snapshot, openCases: 12, outbox: 0) == "consuming; 12 open cases; outbox 0")
        #expect(SystemdService.statusLine(snapshot, openCases: 1, outbox: nil) == "consuming; 1 open case; outbox unknown")
        snapshot.brokerConnected = false
        #expect(SystemdService.statusLine(snapshot, openCases: 12, outbox: 3) == "broker unreachable, retrying; 12 open cases; outbox 3")
        snapshot.storeError = "database is locked"
        #expect(SystemdService.statusLine(snapshot, openCases: 12, outbox: 3)
            == "store failing: database is locked; retrying, nothing acknowledged; 12 open cases; outbox 3")
    }

    @Test("the watchdog is held back only by a batch in hand too long with no answer from the store, not by idleness or waiting")
    func watchdogDecision() {
        let now = ContinuousClock.now
        let limit = Duration.seconds(15)
        var snapshot = Health.Snapshot()
        #expect(SystemdService.feedsWatchdog(snapshot, now: now, limit: limit), "idle, broker not even connected")
        snapshot.storeError = "disk I/O error"
        #expect(SystemdService.feedsWatchdog(snapshot, now: now, limit: limit), "between store retries")
        snapshot.batchesInFlight["gridwatch.intake.hotline"] = now - .seconds(2)
        #expect(SystemdService.feedsWatchdog(snapshot, now: now, limit: limit))
        snapshot.batchesInFlight["gridwatch.intake.alarm"] = now - .seconds(16)
        #expect(!SystemdService.feedsWatchdog(snapshot, now: now, limit: limit), "one queue's batch is stuck")
        #expect(SystemdService.longestBatch(snapshot, now: now) == .seconds(16))
        snapshot.lastStoreFailure = now - .seconds(4)
        #expect(SystemdService.feedsWatchdog(snapshot, now: now, limit: limit), "in line behind a store that keeps refusing")
        snapshot.lastStoreFailure = now - .seconds(20)
        #expect(!SystemdService.feedsWatchdog(snapshot, now: now, limit: limit), "the store stopped answering")
    }
}
