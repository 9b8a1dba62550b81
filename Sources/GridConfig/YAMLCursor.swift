import Foundation
import Yams

/// A position in a YAML document: the node, its key path and file, and the problem list every
/// read reports into. Reading never throws: a wrong shape becomes a problem and a `nil`, so one
/// pass finds every problem.
struct YAMLCursor {
    let node: Node
    let path: String
    let file: String
    let problems: ProblemSink

    var line: Int? { node.mark.map { $0.line } }

    func problem(_ message: String) {
        problems.add(ConfigurationProblem(file: file, path: path, line: line, message: message))
    }

    func child(_ node: Node, key: String) -> YAMLCursor {
        YAMLCursor(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file, problems: problems)
    }

    func child(_ node: Node, index: Int) -> YAMLCursor {
        YAMLCursor(node: node, path: "\(path)[\(index)]", file: file, problems: problems)
    }

    /// The mapping's entries, reporting keys not in `allowed` (typos must not silently drop settings).
    func mapping(allowed: Set<String>? = nil) -> [(key: String, value: YAMLCursor)]? {
        guard case .mapping(let mapping) = node else {
            problem("expected a mapping")
            return nil
        }
        var entries: [(key: String, value: YAMLCursor)] = []
        var seen: Set<String> = []
        for (k, v) in mapping {
            guard case .scalar(let scalar) = k else {
                problem("keys must be plain strings")
                continue
            }
            let key = scalar.string
            if !seen.insert(key).inserted { child(v, key: key).problem("duplicate key") }
            if let allowed, !allowed.contains(key) {
                child(v, key: key).problem("unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            entries.append((key, child(v, key: key)))
        }
        return entries
    }

    /// The value under `key` in a mapping; reports a missing required key.
    func field(_ key: String, in entries: [(key: String, value: YAMLCursor)], required: Bool) -> YAMLCursor? {
        if let hit = entries.first(where: { $0.key == key }) { return hit.value }
        if required { problem("missing required key '\(key)'") }
        return nil
    }

    func sequence() -> [YAMLCursor]? {
        guard case .sequence(let seq) = node else {
            problem("expected a list")
            return nil
        }
        return seq.enumerated().map { child($0.element, index: $0.offset) }
    }

    func string(maxLength: Int = 200) -> String? {
        guard case .scalar(let scalar) = node else {
            problem("expected a string")
            return nil
        }
        let value = scalar.string
        if value.isEmpty {
            problem("must not be empty")
            return nil
        }
        if value.count > maxLength {
            problem("longer than \(maxLength) characters")
            return nil
        }
        return value
    }

    func bool() -> Bool? {
        guard case .scalar(let scalar) = node else {
            problem("expected true or false")
            return nil
        }
        switch scalar.string {
        case "true": return true
        case "false": return false
        default:
            problem("expected true or false")
            return nil
        }
    }

    func int(in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            problem("expected an integer")
            return nil
        }
        guard range.contains(value) else {
            problem("must be within \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    func double() -> Double? {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            problem("expected a number")
            return nil
        }
        return value
    }

    /// A duration such as `30m`, `2h`, `7d` or `1h30m`; must be positive.
    func duration() -> TimeInterval? {
        guard let text = string(maxLength: 40) else { return nil }
        guard let value = DurationText.parse(text), value > 0 else {
            problem("expected a positive duration such as 30m, 2h, 7d or 1h30m")
            return nil
        }
        return value
    }

    /// A list of strings, or a single string taken as a one-element list.
    func strings(maxLength: Int = 200) -> [String]? {
        if case .scalar = node { return string(maxLength: maxLength).map { [$0] } }
        guard let items = sequence() else { return nil }
        return items.compactMap { $0.string(maxLength: maxLength) }
    }

    /// A value from a fixed vocabulary, naming the choices when it is not one of them.
    func choice<T>(_ options: [String: T]) -> T? {
        guard let text = string() else { return nil }
        guard let value = options[text] else {
            problem("'\(text)' is not one of: \(options.keys.sorted().joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A `[latitude, longitude]` pair.
    func coordinate() -> (latitude: Double, longitude: Double)? {
        guard let items = sequence() else { return nil }
        guard items.count == 2, let lat = items[0].double(), let lon = items[1].double() else {
            problem("expected [latitude, longitude]")
            return nil
        }
        guard (-90...90).contains(lat), (-180...180).contains(lon) else {
            problem("latitude or longitude out of range")
            return nil
        }
        return (lat, lon)
    }
}

/// Collects problems across the whole load. A class so cursors can share it by reference
/// while staying cheap to copy; used from one thread only.
final class ProblemSink {
    private(set) var problems: [ConfigurationProblem] = []
    func add(_ p: ConfigurationProblem) { problems.append(p) }
}

/// Durations as users write them.
public enum DurationText {
    /// Parses `90s`, `30m`, `2h`, `7d`, `1w` and concatenations such as `1h30m`.
    public static func parse(_ text: String) -> TimeInterval? {
        var total: TimeInterval = 0
        var digits = ""
        var sawUnit = false
        for ch in text {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
                continue
            }
            guard let n = Double(digits), digits.count <= 6 else { return nil }
            let unit: TimeInterval
            switch ch {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 7 * 86400
            default: return nil
            }
            total += n * unit
            digits = ""
            sawUnit = true
        }
        return digits.isEmpty && sawUnit ? total : nil
    }

    /// The shortest spelling `parse` reads back to `interval`.
    public static func format(_ interval: TimeInterval) -> String {
        var rest = Int(interval)
        var out = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out.isEmpty ? "0s" : out
    }
}
