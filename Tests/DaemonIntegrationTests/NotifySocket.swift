import Foundation

/// A stand-in for systemd's notification socket: a unix datagram socket the test binds (a path,
/// or an abstract name), and every datagram the daemon sends to it, in order of arrival.
final class NotifySocket: @unchecked Sendable {
    /// The value for `NOTIFY_SOCKET`.
    let address: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var datagrams: [(at: ContinuousClock.Instant, text: String)] = []
    private var closing = false
    private let reader = DispatchSemaphore(value: 0)

    /// - Parameter address: a path, or `@name` for an abstract socket.
    init(_ address: String) throws {
        self.address = address
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NotifySocketError("socket: errno \(errno)") }
        // Written out here rather than taken from the daemon, so the two cannot share a mistake.
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        var name = Array(address.utf8)
        let abstract = name.first == UInt8(ascii: "@")
        if abstract { name[0] = 0 } else { name.append(0) }
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count)
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw NotifySocketError("bind \(address): errno \(errno)")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Thread.detachNewThread { [self] in read() }
    }

    /// Every datagram so far.
    var messages: [String] { lock.withLock { datagrams.map(\.text) } }

    /// When each `WATCHDOG=1` arrived.
    var pings: [ContinuousClock.Instant] { lock.withLock { datagrams.filter { $0.text == "WATCHDOG=1" }.map(\.at) } }

    /// Every `KEY=value` line so far, datagram after datagram.
    var lines: [String] { messages.flatMap { $0.split(separator: "\n").map(String.init) } }

    func count(_ line: String) -> Int { lines.filter { $0 == line }.count }

    /// The `STATUS=` texts so far.
    var statuses: [String] { lines.filter { $0.hasPrefix("STATUS=") }.map { String($0.dropFirst("STATUS=".count)) } }

    func close() {
        lock.withLock { closing = true }
        reader.wait()
        Glibc.close(descriptor)
        if !address.hasPrefix("@") { unlink(address) }
    }

    private func read() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !lock.withLock({ closing }) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 {
                let text = String(decoding: buffer[..<count], as: UTF8.self)
                lock.withLock { datagrams.append((.now, text)) }
            }
        }
        reader.signal()
    }
}

struct NotifySocketError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
