import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The service manager's notification socket (sd_notify(3)), spoken directly so the daemon does
/// not link libsystemd: each notification is one datagram of `KEY=value` lines sent to the
/// `AF_UNIX` datagram socket named by `$NOTIFY_SOCKET`.
///
/// Without that variable (run by hand, in a test, under another supervisor) every call does
/// nothing, so callers never need to ask whether systemd is there.
public struct SystemdNotifier: Sendable {
    /// The socket from `NOTIFY_SOCKET`: a file system path, or an abstract socket written with a
    /// leading `@`. Nil when the daemon is not run by systemd with `Type=notify`.
    public let socket: String?
    /// The watchdog timeout (`WATCHDOG_USEC`) when systemd watches this very process
    /// (`WATCHDOG_PID` absent or ours); `WATCHDOG=1` is due at least this often.
    public let watchdogTimeout: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, processID: pid_t = getpid()) {
        let socket = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        self.socket = socket
        // A WATCHDOG_PID of another process means the variables were inherited, not meant for us.
        let forUs = environment["WATCHDOG_PID"].map { $0 == "\(processID)" } ?? true
        if socket != nil, forUs, let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 {
            watchdogTimeout = .microseconds(microseconds)
        } else {
            watchdogTimeout = nil
        }
    }

    public var isEnabled: Bool { socket != nil }

    /// Startup is complete (or a reload is): dependent units may start.
    public func ready(status: String) { send(["READY=1", Self.status(status)]) }

    /// A reload began; `ready(status:)` ends it. `MONOTONIC_USEC` lets `Type=notify-reload`
    /// (systemd 253 and later) match the message to its signal; plain `Type=notify` ignores it.
    public func reloading(status: String) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
        send(["RELOADING=1", "MONOTONIC_USEC=\(microseconds)", Self.status(status)])
    }

    /// The graceful shutdown began.
    public func stopping(status: String) { send(["STOPPING=1", Self.status(status)]) }

    /// What the daemon is doing, as `systemctl status` shows it.
    public func status(_ text: String) { send([Self.status(text)]) }

    /// The daemon is alive and making progress.
    public func watchdog() { send(["WATCHDOG=1"]) }

    /// One line: a newline would start another assignment.
    static func status(_ text: String) -> String {
        "STATUS=" + String(text.map { $0.isNewline ? " " : $0 })
    }

    /// Sends one datagram. A failure is not an error of the daemon's (systemd may be restarting);
    /// it returns false and the next notification tries again.
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard let socket else { return true }
        guard let address = Self.address(socket) else { return false }
        let descriptor = unixDatagramSocket()
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let datagram = Array(assignments.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: address.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                datagram.withUnsafeBytes { bytes in
                    sendto(descriptor, bytes.baseAddress, bytes.count, 0, socketAddress, address.length)
                }
            }
        }
        return sent == datagram.count
    }

    /// `sockaddr_un` for a path, or for an abstract name (`@name`: a leading NUL byte, and a
    /// length that counts the name exactly, with no terminator). Nil when it does not fit.
    static func address(_ socket: String) -> (storage: sockaddr_un, length: socklen_t)? {
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let abstract = socket.hasPrefix("@")
        var name = Array(socket.utf8)
        if abstract { name[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        // A path needs room for its terminating NUL (sockaddr_un() is zero-filled).
        guard name.count + (abstract ? 0 : 1) <= capacity else { return nil }
        withUnsafeMutableBytes(of: &storage.sun_path) { path in
            path.copyBytes(from: name)
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        return (storage, socklen_t(offset + name.count + (abstract ? 0 : 1)))
    }
}

/// A fresh `AF_UNIX` datagram socket, closed on exec (at file scope, where `socket` is socket(2)).
private func unixDatagramSocket() -> Int32 {
    #if canImport(Darwin)
    socket(AF_UNIX, SOCK_DGRAM, 0)
    #else
    socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    #endif
}
