/// Where and how to reach the broker: `amqp://user:pass@host:port/vhost` or `amqps://…`.
///
/// Parsed by hand rather than with `amqp_parse_url` so that a malformed URL becomes a clear
/// error naming the part that is wrong (librabbitmq only says "bad url"), and so that the
/// password never reaches a description: `redacted` is the only way a URL is printed.
public struct AMQPURL: Sendable, Equatable, CustomStringConvertible {
    public var useTLS: Bool
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var virtualHost: String

    public init(
        host: String, port: Int? = nil, user: String = "guest", password: String = "guest",
        virtualHost: String = "/", useTLS: Bool = false
    ) {
        self.useTLS = useTLS
        self.host = host
        self.port = port ?? (useTLS ? 5671 : 5672)
        self.user = user
        self.password = password
        self.virtualHost = virtualHost
    }

    /// Parses an AMQP URI as RabbitMQ documents it: user, password and vhost are
    /// percent-decoded; an empty path means the default vhost `/`; `%2F` spells `/`.
    public init(_ text: String) throws(AMQPError) {
        func fail(_ why: String) -> AMQPError {
            AMQPError(.invalidURL, operation: "parse \(Self.redact(text))", replyText: why)
        }
        let useTLS: Bool
        var rest: Substring
        if text.hasPrefix("amqp://") {
            useTLS = false
            rest = text.dropFirst("amqp://".count)
        } else if text.hasPrefix("amqps://") {
            useTLS = true
            rest = text.dropFirst("amqps://".count)
        } else {
            throw fail("the scheme must be amqp:// or amqps://")
        }
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        let path: Substring
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        } else {
            path = ""
        }
        var user = "guest"
        var password = "guest"
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                guard let u = Self.percentDecode(credentials[..<colon]),
                    let p = Self.percentDecode(credentials[credentials.index(after: colon)...])
                else { throw fail("the user or password has a bad %-escape") }
                user = u
                password = p
            } else {
                guard let u = Self.percentDecode(credentials) else { throw fail("the user has a bad %-escape") }
                user = u
                password = ""
            }
        }
        var host = String(rest)
        var port = useTLS ? 5671 : 5672
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw fail("an IPv6 host needs a closing ]") }
            let after = host[host.index(after: close)...]
            let literal = String(host[host.index(after: host.startIndex)..<close])
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw fail("the port must be 1–65535") }
                port = p
            } else if !after.isEmpty {
                throw fail("unexpected text after the IPv6 host")
            }
            host = literal
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else {
                throw fail("the port must be 1–65535")
            }
            port = p
            host = String(host[..<colon])
        }
        if host.isEmpty { host = "localhost" }
        guard let vhost = Self.percentDecode(path) else { throw fail("the virtual host has a bad %-escape") }
        self.init(
            host: host, port: port, user: user, password: password,
            virtualHost: vhost.isEmpty ? "/" : vhost, useTLS: useTLS)
    }

    /// The URL with the password replaced by `***`: the only form fit for logs and errors.
    public var redacted: String {
        let scheme = useTLS ? "amqps" : "amqp"
        let vhost = virtualHost == "/" ? "" : Self.percentEncode(virtualHost)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(Self.percentEncode(user)):***@\(hostPart):\(port)/\(vhost)"
    }

    public var description: String { redacted }

    /// Redacts the password of a URL that may not even parse, for error messages about it.
    static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let afterScheme = text[scheme.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return text }
        let credentials = authority[..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, scalar.properties.isAlphabetic || ("0"..."9").contains(Character(scalar)) || "-._~".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
