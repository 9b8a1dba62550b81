import Foundation

/// Reads one JSON object strictly: every field has one type, unknown fields are refused, and
/// every refusal names its field by JSON path.
///
/// Checks run in a fixed order (unknown fields first, then fields in the order the decoder asks
/// for them), so the same bad message always yields the same error.
struct ObjectReader {
    let fields: [String: JSONValue]
    let keys: [String]
    let path: String
    let limits: IntakeLimits
    let now: Date

    init(_ value: JSONValue, path: String, limits: IntakeLimits, now: Date) throws(IntakeError) {
        guard case .object(let fields, let keys) = value else {
            throw IntakeError(.wrongType, field: path, "expected an object, got \(value.typeName)")
        }
        self.fields = fields
        self.keys = keys
        self.path = path
        self.limits = limits
        self.now = now
    }

    func at(_ name: String) -> String { name.isEmpty ? path : path.isEmpty ? name : "\(path).\(name)" }

    func rejectUnknown(allowed: Set<String>) throws(IntakeError) {
        if let unknown = keys.first(where: { !allowed.contains($0) }) {
            throw IntakeError(.unknownField, field: Self.path(path, key: unknown), "not a field of this message")
        }
    }

    /// The path of a key the sender wrote, which ends up in the dead-letter header: an empty key
    /// would vanish, so it is written JSON Pointer-like as `[""]`; a key longer than 64 characters
    /// is cut short and anything but letters, marks, digits, punctuation and symbols is replaced,
    /// so a hostile key can neither bloat the header and the log (a 65 KB key went into both, in
    /// the reason and again in the detail) nor break a log line. A combining mark at the start is
    /// replaced too: it would fuse with the `:` or `.` before it, and `unknown_field:` would no
    /// longer be a prefix of the reason to Swift's `String`.
    static func path(_ path: String, key: String) -> String {
        guard !key.isEmpty else { return "\(path)[\"\"]" }
        let scalars = key.unicodeScalars.prefix(64).enumerated().map { i, scalar in
            printable(scalar) && !(i == 0 && combining(scalar)) ? scalar : "?"
        }
        var name = String(String.UnicodeScalarView(scalars))
        if key.unicodeScalars.count > 64 { name += "…" }
        return path.isEmpty ? name : "\(path).\(name)"
    }

    private static func printable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format, .surrogate, .privateUse, .unassigned: false
        default: true
        }
    }

    private static func combining(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: scalar.properties.isGraphemeExtend
        }
    }

    private func value(_ name: String, required: Bool) throws(IntakeError) -> JSONValue? {
        guard let v = fields[name] else {
            if required { throw IntakeError(.missingField, field: at(name), "required") }
            return nil
        }
        return v
    }

    /// A string of at most `max` characters; `multiline` allows line breaks and tabs (free
    /// text), otherwise any control character is refused.
    func string(_ name: String, max: Int, required: Bool, multiline: Bool = false) throws(IntakeError) -> String? {
        guard let v = try value(name, required: required) else { return nil }
        guard case .string(let s) = v else { throw IntakeError(.wrongType, field: at(name), "expected a string, got \(v.typeName)") }
        guard !s.isEmpty else { throw IntakeError(.empty, field: at(name), "must not be empty") }
        guard s.unicodeScalars.count <= max else { throw IntakeError(.tooLong, field: at(name), "longer than \(max) characters") }
        let forbidden = s.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control && !(multiline && (scalar == "\n" || scalar == "\r" || scalar == "\t"))
        }
        if forbidden { throw IntakeError(.invalidFormat, field: at(name), "contains control characters") }
        return s
    }

    /// An identifier: printable, no whitespace.
    func identifier(_ name: String, required: Bool) throws(IntakeError) -> String? {
        guard let s = try string(name, max: limits.maxIdentifierLength, required: required) else { return nil }
        if s.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw IntakeError(.invalidFormat, field: at(name), "an identifier contains no whitespace")
        }
        return s
    }

    func number(_ name: String, in range: ClosedRange<Double>, required: Bool) throws(IntakeError) -> Double? {
        guard let v = try value(name, required: required) else { return nil }
        guard case .number(let d) = v else { throw IntakeError(.wrongType, field: at(name), "expected a number, got \(v.typeName)") }
        guard range.contains(d) else {
            throw IntakeError(.outOfRange, field: at(name), "must be within \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }

    func bool(_ name: String, required: Bool) throws(IntakeError) -> Bool? {
        guard let v = try value(name, required: required) else { return nil }
        guard case .bool(let b) = v else { throw IntakeError(.wrongType, field: at(name), "expected true or false, got \(v.typeName)") }
        return b
    }

    /// One of a fixed set of spellings; an unknown value is refused, never mapped to a default.
    func choice<T>(_ name: String, _ options: [String: T], required: Bool) throws(IntakeError) -> T? {
        guard let s = try string(name, max: 64, required: required) else { return nil }
        guard let value = options[s] else {
            throw IntakeError(.unknownValue, field: at(name), "expected one of: \(options.keys.sorted().joined(separator: ", "))")
        }
        return value
    }

    /// An RFC 3339 timestamp with an explicit offset. `window` checks it against `now`: no
    /// further ahead than the clock skew, no older than the maximum age.
    func timestamp(_ name: String, required: Bool, window: Bool = true) throws(IntakeError) -> Date? {
        guard let s = try string(name, max: 40, required: required) else { return nil }
        guard let date = Self.parseTimestamp(s) else {
            throw IntakeError(.invalidFormat, field: at(name), "expected an RFC 3339 timestamp with offset, e.g. 2026-11-22T09:30:00+08:00")
        }
        if window {
            if date.timeIntervalSince(now) > limits.maxClockSkew {
                throw IntakeError(.inFuture, field: at(name), "later than now by more than the allowed clock skew")
            }
            if now.timeIntervalSince(date) > limits.maxAge { throw IntakeError(.tooOld, field: at(name), "older than the maximum age") }
        }
        return date
    }

    static func parseTimestamp(_ s: String) -> Date? {
        // RFC 3339 requires the 'T', seconds and an offset; ISO8601DateFormatter alone would also take other ISO forms.
        let bytes = Array(s.utf8)
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T"), bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        // ISO8601DateFormatter rolls 30 February over into March; a sender who wrote it is wrong.
        // Digits only: Int("-001") is -1, and ISO8601DateFormatter would then take a year before 1.
        func number(_ range: Range<Int>) -> Int? {
            bytes[range].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                ? Int(String(decoding: bytes[range], as: UTF8.self)) : nil
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        // The two forms senders use (`…Z`, `…±hh:mm`, whole seconds) are computed here: building
        // an ISO8601DateFormatter per timestamp was a sixth of the daemon's CPU time. Every other
        // form (fractions, unusual offsets) still goes to the formatter, so what is accepted and
        // what it means do not change.
        if let offset = Self.offsetSeconds(bytes) {
            let seconds = Self.daysSince1970(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let d = plain.date(from: s) { return d }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: s)
    }

    /// The offset of a timestamp of exactly `yyyy-mm-ddThh:mm:ssZ` or `yyyy-mm-ddThh:mm:ss±hh:mm`
    /// (hours 0–23, minutes 0–59), in seconds east of UTC; nil for any other form.
    static func offsetSeconds(_ bytes: [UInt8]) -> Int? {
        func digit(_ i: Int) -> Int? {
            let b = bytes[i]
            return b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") ? Int(b - UInt8(ascii: "0")) : nil
        }
        for i in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where digit(i) == nil { return nil }
        if bytes.count == 20 { return bytes[19] == UInt8(ascii: "Z") ? 0 : nil }
        guard bytes.count == 25, bytes[22] == UInt8(ascii: ":"),
              bytes[19] == UInt8(ascii: "+") || bytes[19] == UInt8(ascii: "-"),
              let h1 = digit(20), let h2 = digit(21), let m1 = digit(23), let m2 = digit(24)
        else { return nil }
        let hours = h1 * 10 + h2
        let minutes = m1 * 10 + m2
        guard hours <= 23, minutes <= 59 else { return nil }
        let offset = hours * 3600 + minutes * 60
        return bytes[19] == UInt8(ascii: "+") ? offset : -offset
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    func object(_ name: String, required: Bool) throws(IntakeError) -> ObjectReader? {
        guard let v = try value(name, required: required) else { return nil }
        return try ObjectReader(v, path: at(name), limits: limits, now: now)
    }

    func identifiers(_ name: String, required: Bool) throws(IntakeError) -> [String]? {
        guard let v = try value(name, required: required) else { return nil }
        guard case .array(let items) = v else { throw IntakeError(.wrongType, field: at(name), "expected an array, got \(v.typeName)") }
        guard items.count <= limits.maxListLength else { throw IntakeError(.tooLong, field: at(name), "more than \(limits.maxListLength) items") }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            let element = ObjectReader.single(item, path: "\(at(name))[\(i)]", limits: limits, now: now)
            guard let s = try element.identifier("", required: true) else { continue }
            out.append(s)
        }
        return out
    }

    /// An http(s) URL.
    func url(_ name: String, required: Bool) throws(IntakeError) -> String? {
        guard let s = try string(name, max: limits.maxURLLength, required: required) else { return nil }
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil else {
            throw IntakeError(.invalidFormat, field: at(name), "expected an http or https URL")
        }
        return s
    }

    /// Wraps a bare value so the field readers can check it; its path is `path` itself.
    static func single(_ value: JSONValue, path: String, limits: IntakeLimits, now: Date) -> ObjectReader {
        ObjectReader(fields: ["": value], keys: [""], path: path, limits: limits, now: now)
    }

    private init(fields: [String: JSONValue], keys: [String], path: String, limits: IntakeLimits, now: Date) {
        self.fields = fields
        self.keys = keys
        self.path = path
        self.limits = limits
        self.now = now
    }
}
