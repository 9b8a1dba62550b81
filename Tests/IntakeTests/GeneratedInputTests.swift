import Foundation
import GridwatchDomain
import Intake
import Testing

/// Twenty thousand bodies from a seeded generator: each valid example with one field broken in a
/// known way (wrong type, huge number, deep nesting, bytes that are not UTF-8, a far timestamp,
/// an unknown value, a key written twice, padding past the size limit) or its bytes mangled.
/// A broken field must be refused for that field with the reason that fits; any refusal must be
/// short, printable and stable; nothing may take long.
@Suite("Generated hostile input")
struct GeneratedInputTests {
    static let count = 20_000
    static let now = SchemaExampleTests.manifest.now
    /// Fields checked against the receiver's clock; the other timestamps are compared with these.
    static let windowed: Set<String> = ["requested_datetime", "updated_datetime", "sent", "detectedAt", "observedAt", "sentAt"]
    static let enumerations: Set<String> = [
        "status", "msgType", "info.urgency", "info.severity", "info.certainty", "detection", "signal", "type", "level", "whistleKind",
    ]
    static let wholeBody: Set<IntakeError.Code> = [.tooLarge, .invalidJSON, .unknownKind, .tooDeep]

    /// A field of a valid example, ready to be replaced: the example's bytes before and after its
    /// value, the value as written, and its JSON type.
    struct Field: Sendable {
        var path: String
        var before: [UInt8]
        var after: [UInt8]
        var original: [UInt8]
        var type: String

        /// The example with this field's value replaced by `raw`, written as it is. Built as `Data`,
        /// whose appends copy memory at once even in a debug build, where `[UInt8] + [UInt8]` goes
        /// byte by byte and 600 KB bodies would take most of the test's time.
        func replaced(with raw: [UInt8]) -> Data {
            var body = Data(before)
            body.append(contentsOf: raw)
            body.append(contentsOf: after)
            return body
        }
        func replaced(with raw: String) -> Data { replaced(with: Array(raw.utf8)) }
    }

    struct Example: Sendable {
        var kind: MessageKind
        var bytes: [UInt8]
        var fields: [Field]
    }

    /// The valid examples, each with every field (`info.severity` too), prepared once.
    static let examples: [Example] = SchemaExampleTests.files.filter { $0.contains("/valid/") }.map { file in
        let data = try! Data(contentsOf: SchemaExampleTests.examples.appendingPathComponent(file))
        let json = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        let kind = MessageKind(rawValue: String(file.prefix { $0 != "/" }))!
        return Example(kind: kind, bytes: Array(data), fields: fieldPaths(json, prefix: "").map { field(json, $0) })
    }

    static func fieldPaths(_ object: [String: Any], prefix: String) -> [String] {
        object.keys.sorted().flatMap { key -> [String] in
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let nested = object[key] as? [String: Any] { return [path] + fieldPaths(nested, prefix: path) }
            return [path]
        }
    }

    static func field(_ json: [String: Any], _ path: String) -> Field {
        let hole = "\u{1}HOLE\u{1}"
        let parts = path.split(separator: ".").map(String.init)
        var holed = json
        set(&holed, path: parts, to: hole)
        let text = Array(try! JSONSerialization.data(withJSONObject: holed, options: [.sortedKeys]))
        let quoted = Array(try! JSONSerialization.data(withJSONObject: [hole]).dropFirst().dropLast())
        let start = (0...(text.count - quoted.count)).first { text[$0..<$0 + quoted.count].elementsEqual(quoted) }!
        var value: Any? = json
        for part in parts { value = (value as? [String: Any])?[part] }
        let original = Array(try! JSONSerialization.data(withJSONObject: [value!], options: [.fragmentsAllowed]).dropFirst().dropLast())
        let type = switch original.first {
        case UInt8(ascii: "\""): "string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "boolean"
        case UInt8(ascii: "["): "array"
        case UInt8(ascii: "{"): "object"
        default: "number"
        }
        return Field(path: path, before: Array(text[..<start]), after: Array(text[(start + quoted.count)...]), original: original, type: type)
    }

    static func set(_ object: inout [String: Any], path: [String], to value: Any) {
        guard let first = path.first else { return }
        if path.count == 1 {
            object[first] = value
        } else if var nested = object[first] as? [String: Any] {
            set(&nested, path: Array(path.dropFirst()), to: value)
            object[first] = nested
        }
    }

    /// A mutation and what the decoder must say to it.
    enum Expected {
        /// Refused with exactly this reason.
        case reason(String)
        /// Refused naming this field with one of these codes, or (`acceptable`) accepted.
        case field(String, codes: Set<IntakeError.Code>, acceptable: Bool)
        /// Anything, as long as a refusal is well-formed.
        case wellFormed
    }

    /// A raw JSON value of another type than the field's.
    static func otherType(than field: Field, _ rng: inout SplitMix) -> String {
        let candidates: [String]
        switch field.type {
        case "string": candidates = ["1", "true", "null", "[]", "{}", "-0.5"]
        case "boolean": candidates = ["1", "\"true\"", "null", "[true]"]
        case "number": candidates = ["\"0.5\"", "true", "null", "[0.5]", "{}"]
        case "array": candidates = ["\"x\"", "{}", "1", "null"]
        default: candidates = ["\"x\"", "[]", "1", "false", "null"]
        }
        return candidates.randomElement(using: &rng)!
    }

    /// Arrays or objects nested 17, 513 (Foundation's parser traps on 513 opening brackets at the
    /// end of a body) and 100,000 levels deep.
    static let nestings: [[UInt8]] = [17, 513, 100_000].flatMap { depth in
        [String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
         String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)].map { Array($0.utf8) }
    }

    /// A string just past 64 KiB: 22,000 characters of three bytes each.
    static let padding = Array(("\"" + String(repeating: "长", count: 22_000) + "\"").utf8)

    /// The generator's choices for input `index`.
    static func mutation(_ index: Int, _ rng: inout SplitMix) -> (Example, Data, Expected, IntakeLimits) {
        let example = examples[index % examples.count]
        var limits = IntakeLimits()
        let field = example.fields.randomElement(using: &rng)!
        let path = field.path
        switch Int.random(in: 0..<12, using: &rng) {
        case 0:
            return (example, field.replaced(with: otherType(than: field, &rng)), .field(path, codes: [.wrongType], acceptable: false), limits)
        case 1:
            let huge = ["1e400", "-1e400", "1e-400", "1" + String(repeating: "0", count: 400)].randomElement(using: &rng)!
            return (example, field.replaced(with: huge), .reason("invalid_json"), limits)
        case 2:
            // 2^64 and -2^63-1 are doubles: a number field is out of range, any other is of the wrong type.
            let big = ["18446744073709551616", "-9223372036854775809", "1e308"].randomElement(using: &rng)!
            let codes: Set<IntakeError.Code> = field.type == "number" ? [.outOfRange] : [.wrongType]
            return (example, field.replaced(with: big), .field(path, codes: codes, acceptable: false), limits)
        case 3:
            limits.maxBodyBytes = 1_048_576  // the most the configuration allows, so depth refuses these and not size
            return (example, field.replaced(with: nestings.randomElement(using: &rng)!), .reason("too_deep"), limits)
        case 4:
            let bad: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE6, 0x9C]]
            return (example, field.replaced(with: [0x22, 0x61] + bad.randomElement(using: &rng)! + [0x22]), .reason("invalid_json"), limits)
        case 5 where field.type == "string" && looksLikeTimestamp(field.original):
            let far = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00+08:00", "2999-01-01T00:00:00.5-00:30"]
                .randomElement(using: &rng)!
            let bytes = field.replaced(with: "\"\(far)\"")
            if windowed.contains(path) {
                let code: IntakeError.Code = far.hasPrefix("9") || far.hasPrefix("2999") ? .inFuture : .tooOld
                return (example, bytes, .field(path, codes: [code], acceptable: false), limits)
            }
            return (example, bytes, .field(path, codes: [.inconsistent], acceptable: true), limits)
        case 6 where enumerations.contains(path):
            let unknown = ["Bogus", "actual", "ALERT", "", "signfor", "district ", "评分"].randomElement(using: &rng)!
            let codes: Set<IntakeError.Code> = unknown.isEmpty ? [.empty] : [.unknownValue]
            return (example, field.replaced(with: "\"\(unknown)\""), .field(path, codes: codes, acceptable: false), limits)
        case 7:
            // The same key again, with the same value or another.
            let key = String(path.split(separator: ".").last!)
            let again = field.original + Array(",\"\(key)\":".utf8) + (Bool.random(using: &rng) ? field.original : Array("\"other\"".utf8))
            return (example, field.replaced(with: again), .reason("duplicate_field:\(path)"), limits)
        case 8:
            return (example, field.replaced(with: padding), .reason("too_large"), limits)
        default:
            return (example, Data(mangle(example.bytes, &rng)), .wellFormed, limits)
        }
    }

    /// `"yyyy-mm-ddT…`, as written in the example.
    static func looksLikeTimestamp(_ raw: [UInt8]) -> Bool {
        raw.count >= 22 && raw[5] == UInt8(ascii: "-") && raw[11] == UInt8(ascii: "T")
    }

    static let fragments: [[UInt8]] = [
        Array("null".utf8), Array("1e400".utf8), Array("[[[[[[[[[[[[[[[[[[[[".utf8), Array("\"\\ud800\"".utf8), [0xFF, 0xFE, 0xFD],
        Array(",\"type\":\"rate\"".utf8), Array("\"\\u0000\"".utf8), Array("}".utf8), Array("]".utf8), Array("{\"a\":".utf8),
        Array("18446744073709551616".utf8), Array("\"9999-12-31T23:59:59Z\"".utf8),
    ]

    /// Byte-level damage: flips, cuts, insertions of troublesome fragments, truncation.
    static func mangle(_ original: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var body = original
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let i = Int.random(in: 0..<max(body.count, 1), using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !body.isEmpty: body[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            case 1 where !body.isEmpty: body.removeSubrange(i..<min(body.count, i + Int.random(in: 1...16, using: &rng)))
            case 2: body.insert(contentsOf: fragments.randomElement(using: &rng)!, at: min(i, body.count))
            case 3 where !body.isEmpty: body[i] = UInt8.random(in: 0...255, using: &rng)
            default: body = Array(body.prefix(i))
            }
        }
        return body
    }

    @Test("twenty thousand mutated examples: the broken field is named, every refusal is well-formed, none is slow")
    func generated() throws {
        var rng = SplitMix(state: 20_261_122)
        var refused: [IntakeError.Code: Int] = [:]
        var slowest: Duration = .zero
        for index in 0..<Self.count {
            let (example, body, expected, limits) = Self.mutation(index, &rng)
            let decoder = IntakeDecoder(limits: limits)
            let started = ContinuousClock.now
            let result = decoder.decode(example.kind, body: body, now: Self.now)
            slowest = max(slowest, ContinuousClock.now - started)
            #expect(decoder.decode(example.kind, body: body, now: Self.now) == result, "input \(index): not stable")
            let error: IntakeError?
            if case .failure(let e) = result { error = e } else { error = nil }
            if let error {
                refused[error.code, default: 0] += 1
                #expect(Self.wellFormed(error), "input \(index): \(error)")
            }
            switch expected {
            case .reason(let reason):
                #expect(error?.deadLetterReason == reason, "input \(index) (\(example.kind.rawValue))")
            case .field(let path, let codes, let acceptable):
                if let error {
                    #expect((codes.contains(error.code) && error.field == path) || (acceptable && error.code == .inconsistent),
                            "input \(index): \(path) broken, got \(error)")
                } else {
                    #expect(acceptable, "input \(index): \(path) broken and accepted")
                }
            case .wellFormed:
                break
            }
        }
        #expect(slowest < .seconds(1), "the slowest input took \(slowest)")
        // The generator reaches every reason it means to.
        for code in [IntakeError.Code.wrongType, .outOfRange, .invalidJSON, .tooDeep, .tooOld, .inFuture, .unknownValue, .duplicateField, .tooLarge] {
            #expect(refused[code, default: 0] > 0, "no input was refused as \(code)")
        }
    }

    static func wellFormed(_ error: IntakeError) -> Bool {
        let reason = error.deadLetterReason
        return (reason == error.code.rawValue || reason.hasPrefix(error.code.rawValue + ":"))
            && (wholeBody.contains(error.code) || !error.field.isEmpty)
            && reason.unicodeScalars.count <= 160
            && !reason.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.isWhitespace }
    }
}

typealias SplitMix = RobustnessTests.SplitMix
