/// Why a message was refused: the field (as a JSON path) and a stable reason code for the
/// dead-letter header, plus a human explanation that never quotes the payload (it may hold a
/// citizen's name or phone number).
public struct IntakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable, machine-readable reasons. Never renamed: dead-letter consumers match on them.
    public enum Code: String, CaseIterable, Hashable, Sendable {
        /// The body exceeds the size limit.
        case tooLarge = "too_large"
        /// The body is not a JSON object.
        case invalidJSON = "invalid_json"
        /// The message kind is not one Gridwatch takes.
        case unknownKind = "unknown_kind"
        case missingField = "missing_field"
        case unknownField = "unknown_field"
        case wrongType = "wrong_type"
        /// A value outside the field's vocabulary.
        case unknownValue = "unknown_value"
        case tooLong = "too_long"
        case empty = "empty"
        case outOfRange = "out_of_range"
        /// A value of the right type in the wrong shape (a grid code, a URL, a phone number).
        case invalidFormat = "invalid_format"
        /// A timestamp later than now plus the allowed clock skew.
        case inFuture = "in_future"
        /// A timestamp older than the maximum age.
        case tooOld = "too_old"
        /// Fields that are fine alone but contradict each other.
        case inconsistent = "inconsistent"
        /// Objects and arrays nested deeper than the limit.
        case tooDeep = "too_deep"
        /// A key written twice in one object: readers disagree on which one counts.
        case duplicateField = "duplicate_field"
    }

    public var code: Code
    /// JSON path of the offending field, e.g. `info.severity` or `departments[2]`; empty for the whole body.
    public var field: String
    public var reason: String

    public init(_ code: Code, field: String, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// The value for a dead-letter header: `code` alone, or `code:field`.
    public var deadLetterReason: String { field.isEmpty ? code.rawValue : "\(code.rawValue):\(field)" }

    public var description: String { "\(deadLetterReason): \(reason)" }
}
