import Foundation
import GridwatchDomain

/// Decodes and validates the messages of the intake exchange.
///
/// Size and nesting depth are checked before parsing, a key written twice is refused, JSON
/// types are exact, unknown fields and unknown enumeration values are refused, strings are
/// bounded, and timestamps must lie within the clock skew and maximum age around `now`, which
/// is passed in so decoding stays deterministic. The first problem found is returned, naming
/// its field; the JSON Schemas under `deploy/schemas/` describe the same rules for senders.
public struct IntakeDecoder: Sendable {
    public var limits: IntakeLimits

    public init(limits: IntakeLimits = IntakeLimits()) { self.limits = limits }

    /// Decodes `body` as a message of `kind`.
    public func decode(_ kind: MessageKind, body: [UInt8], now: Date) -> Result<IntakeMessage, IntakeError> {
        decode(kind, body: Data(body), now: now)
    }

    public func decode(_ kind: MessageKind, body: Data, now: Date) -> Result<IntakeMessage, IntakeError> {
        do throws(IntakeError) {
            let root = try parse(body, now: now)
            switch kind {
            case .hotlineRequest: return .success(.report(.hotline(try hotline(root))))
            case .alarm: return .success(.report(.alarm(try alarm(root))))
            case .cameraDetection: return .success(.report(.camera(try camera(root))))
            case .careInactivity: return .success(.report(.care(try care(root))))
            case .fieldUpdate: return .success(.fieldUpdate(try fieldUpdate(root)))
            }
        } catch {
            return .failure(error)
        }
    }

    /// Decodes a message whose kind is given as text (a routing key); an unknown kind is refused.
    public func decode(kind: String, body: Data, now: Date) -> Result<IntakeMessage, IntakeError> {
        guard let k = MessageKind(rawValue: kind) else {
            return .failure(IntakeError(.unknownKind, field: "", "not a message kind Gridwatch takes"))
        }
        return decode(k, body: body, now: now)
    }

    func parse(_ body: Data, now: Date) throws(IntakeError) -> ObjectReader {
        guard body.count <= limits.maxBodyBytes else {
            throw IntakeError(.tooLarge, field: "", "body larger than \(limits.maxBodyBytes) bytes")
        }
        let shape = JSONShape(body, maxDepth: limits.maxNestingDepth)
        guard !shape.tooDeep else {
            throw IntakeError(.tooDeep, field: "", "objects and arrays nested deeper than \(limits.maxNestingDepth) levels")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: body)
        } catch {
            throw IntakeError(.invalidJSON, field: "", "not valid UTF-8 JSON")
        }
        guard case .object = value else { throw IntakeError(.invalidJSON, field: "", "the body must be a JSON object") }
        if let key = shape.duplicateKey { throw IntakeError(.duplicateField, field: key, "written more than once in one object") }
        return try ObjectReader(value, path: "", limits: limits, now: now)
    }
}
