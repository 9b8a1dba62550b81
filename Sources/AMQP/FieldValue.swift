import Foundation

/// A value in an AMQP field table (message headers, queue and exchange arguments).
public enum FieldValue: Sendable, Equatable, Hashable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case timestamp(UInt64)
    case array([FieldValue])
    case table(FieldTable)
    case void

    public var stringValue: String? {
        switch self {
        case .string(let s): s
        case .bytes(let b): String(validating: b, as: UTF8.self)
        case .bool, .int, .double, .timestamp, .array, .table, .void: nil
        }
    }

    public var intValue: Int64? {
        switch self {
        case .int(let i): i
        case .timestamp(let t): Int64(exactly: t)
        case .bool, .double, .string, .bytes, .array, .table, .void: nil
        }
    }

    public var tableValue: FieldTable? {
        if case .table(let t) = self { return t }
        return nil
    }

    public var arrayValue: [FieldValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}

/// An AMQP field table; keys keep their order so that what is sent is what was built.
public struct FieldTable: Sendable, Equatable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    public private(set) var entries: [(key: String, value: FieldValue)]

    public init() { entries = [] }

    public init(dictionaryLiteral elements: (String, FieldValue)...) {
        entries = elements.map { (key: $0.0, value: $0.1) }
    }

    public subscript(key: String) -> FieldValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((key: key, value: newValue))
            }
        }
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public func makeIterator() -> IndexingIterator<[(key: String, value: FieldValue)]> {
        entries.makeIterator()
    }

    public static func == (lhs: FieldTable, rhs: FieldTable) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}
