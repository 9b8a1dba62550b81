import ArgumentParser
import Foundation

/// The fields `gridwatch publish` can take from flags instead of a JSON file: the ones a person
/// trying the system or wiring up a hotline system needs most. Anything else goes in with
/// `--set key=value`. Timestamps default to now, in the schema's field for the kind.
struct PublishFields: ParsableArguments {
    @Option(help: "hotline: service_request_id; alarm: identifier. Default: a new id.") var id: String?
    @Option(help: "hotline: Open311 service_code, e.g. gas-leak, garbage, noise.") var serviceCode: String?
    @Option(help: "hotline: grid_code (15 digits) where it happened.") var grid: String?
    @Option(help: "hotline: description.") var description: String?
    @Option(help: "hotline: address_string.") var address: String?
    @Option(help: "alarm: deviceId; camera: cameraId; care: sensorId.") var device: String?
    @Option(help: "alarm: info.event, e.g. combustible-gas, smoke.") var event: String?
    @Option(help: "alarm: msgType Alert, Update or Cancel.") var msgType: String?
    @Option(help: "camera: detection, e.g. fire, ebikeInLift, fallen.") var detection: String?
    @Option(help: "camera: confidence, 0–1.") var confidence: Double?
    @Option(help: "care: signal, e.g. water, door.") var signal: String?
    @Option(help: "care: inactiveSince (ISO 8601).") var inactiveSince: String?
    @Option(name: .customLong("case"), help: "field: caseId.") var caseID: String?
    @Option(help: "field: type, e.g. signFor, progress, handled, verify, rate, whistle, reportIn.") var type: String?
    @Option(help: "field: note.") var note: String?
    @Option(help: "field: reason (sendBack, park, askExtension).") var reason: String?
    @Option(name: .customLong("set"), help: "Any other field: key=value (value as JSON if it parses, else a string). Repeatable.")
    var extra: [String] = []

    var isEmpty: Bool {
        [id, serviceCode, grid, description, address, device, event, msgType, detection, signal, inactiveSince, caseID, type, note, reason]
            .allSatisfy { $0 == nil } && confidence == nil && extra.isEmpty
    }

    /// Lays the flags over `base` (a file's object, or empty) for `kind`.
    func body(kind: Publish.Kind, over base: [String: Any], now: Date = Date()) throws -> [String: Any] {
        var body = base
        let stamp = now.formatted(.iso8601)
        func put(_ key: String, _ value: Any?) { if let value { body[key] = value } }
        func putDefault(_ key: String, _ value: Any) { if body[key] == nil { body[key] = value } }
        switch kind {
        case .hotline:
            put("service_request_id", id)
            putDefault("service_request_id", "cli-\(UUID().uuidString.prefix(8).lowercased())")
            putDefault("status", "open")
            put("service_code", serviceCode)
            put("grid_code", grid)
            put("description", description)
            put("address_string", address)
            putDefault("requested_datetime", stamp)
        case .alarm:
            put("identifier", id)
            putDefault("identifier", "cli-\(UUID().uuidString.prefix(8).lowercased())")
            putDefault("sender", "gridwatch-cli")
            putDefault("sent", stamp)
            putDefault("status", "Actual")
            put("msgType", msgType)
            putDefault("msgType", "Alert")
            put("deviceId", device)
            var info = body["info"] as? [String: Any] ?? [:]
            if let event { info["event"] = event }
            for (key, value) in ["urgency": "Immediate", "severity": "Severe", "certainty": "Observed"] where info[key] == nil {
                info[key] = value
            }
            body["info"] = info
        case .camera:
            put("cameraId", device)
            put("detection", detection)
            put("confidence", confidence)
            putDefault("detectedAt", stamp)
        case .care:
            put("sensorId", device)
            put("signal", signal)
            put("inactiveSince", inactiveSince)
            putDefault("observedAt", stamp)
        case .field:
            put("caseId", caseID)
            put("type", type)
            put("note", note)
            put("reason", reason)
            putDefault("sentAt", stamp)
        }
        for item in extra {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ValidationError("--set takes key=value, not '\(item)'")
            }
            let key = String(item[..<equals])
            let text = String(item[item.index(after: equals)...])
            body[key] = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) ?? text
        }
        return body
    }
}
