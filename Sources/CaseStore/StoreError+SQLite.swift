import GRDB

extension StoreError {
    /// Classifies any error raised while talking to SQLite: the one place SQLite result codes
    /// become `StoreError.Kind`s.
    ///
    /// Messages carry SQLite's own text (e.g. `UNIQUE constraint failed: outbox.id`) or the
    /// coding path of a value that would not encode or decode, never SQL arguments or message
    /// bodies: those hold citizens' names, addresses and phone numbers.
    init(_ error: any Error, operation: String) {
        switch error {
        case let error as StoreError:
            self = error
        case let error as DatabaseError:
            self.init(Self.kind(of: error.resultCode), operation: operation, message: Self.message(of: error))
        case let error as EncodingError:
            self.init(.encoding, operation: operation, message: "could not encode \(Self.path(of: error))")
        case let error as DecodingError:
            self.init(.encoding, operation: operation, message: "could not decode \(Self.path(of: error))")
        default:
            self.init(.other, operation: operation, message: String(describing: type(of: error)))
        }
    }

    /// Busy and locked clear when the other connection lets go; a full disk or an I/O error
    /// when an operator steps in; a corrupt file or a file that is no database never do.
    private static func kind(of code: ResultCode) -> Kind {
        switch code.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: .busy
        case .SQLITE_FULL: .diskFull
        case .SQLITE_IOERR: .io
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: .corrupt
        default: .other
        }
    }

    private static func message(of error: DatabaseError) -> String {
        let code = "SQLite error \(error.extendedResultCode.rawValue)"
        guard let text = error.message else { return code }
        return "\(code): \(text)"
    }

    private static func path(of error: EncodingError) -> String {
        switch error {
        case .invalidValue(_, let context): describe(context.codingPath)
        @unknown default: "a value"
        }
    }

    private static func path(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            describe(context.codingPath)
        @unknown default: "a value"
        }
    }

    /// The coding path as field names only: never the value that failed.
    private static func describe(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "a value" : "field " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
