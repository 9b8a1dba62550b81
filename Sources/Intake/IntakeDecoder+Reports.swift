import Foundation
import GridwatchDomain

/// Reports: hotline requests (Open311 GeoReport v2 base), alarms (CAP 1.2 base), camera
/// detections and care-sensor inactivity.
extension IntakeDecoder {
    static let hotlineFields: Set<String> = [
        "service_request_id", "status", "service_code", "requested_datetime", "description", "lat", "long",
        "address_string", "address_id", "media_url", "agency_responsible", "expected_datetime", "updated_datetime",
        "status_notes", "caller", "grid_code",
    ]

    func hotline(_ r: ObjectReader) throws(IntakeError) -> HotlineRequest {
        try r.rejectUnknown(allowed: Self.hotlineFields)
        let id = try r.identifier("service_request_id", required: true)!
        let status = try r.choice("status", ["open": HotlineRequest.Status.open, "closed": .closed], required: true)!
        let code = try r.identifier("service_code", required: true)!
        let requested = try r.timestamp("requested_datetime", required: true)!
        let text = try r.string("description", max: limits.maxTextLength, required: false, multiline: true)
        let lat = try r.number("lat", in: -90...90, required: false)
        let lon = try r.number("long", in: -180...180, required: false)
        if (lat == nil) != (lon == nil) {
            throw IntakeError(.inconsistent, field: lat == nil ? "lat" : "long", "lat and long come together")
        }
        let address = try r.string("address_string", max: limits.maxShortTextLength, required: false)
        let addressID = try r.identifier("address_id", required: false)
        let media = try r.url("media_url", required: false)
        _ = try r.string("agency_responsible", max: limits.maxShortTextLength, required: false)
        _ = try r.timestamp("expected_datetime", required: false, window: false)
        _ = try r.timestamp("updated_datetime", required: false)
        _ = try r.string("status_notes", max: limits.maxTextLength, required: false, multiline: true)
        var callerName: String?
        var callerPhone: String?
        if let caller = try r.object("caller", required: false) {
            try caller.rejectUnknown(allowed: ["name", "phone"])
            callerName = try caller.string("name", max: 64, required: false)
            callerPhone = try caller.string("phone", max: 32, required: false)
            if let phone = callerPhone, !phone.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "+" || $0 == "-") }) {
                throw IntakeError(.invalidFormat, field: "caller.phone", "digits, '+' and '-' only")
            }
        }
        var grid: GridCode?
        if let raw = try r.string("grid_code", max: 15, required: false) {
            guard let code = GridCode(raw) else { throw IntakeError(.invalidFormat, field: "grid_code", "expected 14 or 15 digits") }
            grid = code
        }
        return HotlineRequest(
            serviceRequestID: id, status: status, serviceCode: code, requestedAt: requested, text: text,
            coordinate: lat.map { Coordinate(latitude: $0, longitude: lon!) }, addressString: address, addressID: addressID,
            mediaURL: media, callerName: callerName, callerPhone: callerPhone, gridCode: grid)
    }

    static let capStatus: [String: Alarm.Status] = ["Actual": .actual, "Exercise": .exercise, "System": .system, "Test": .test, "Draft": .draft]
    static let capMessageType: [String: Alarm.MessageType] = ["Alert": .alert, "Update": .update, "Cancel": .cancel]
    static let capUrgency: [String: Alarm.Urgency] = [
        "Immediate": .immediate, "Expected": .expected, "Future": .future, "Past": .past, "Unknown": .unknown,
    ]
    static let capSeverity: [String: Alarm.CAPSeverity] = [
        "Extreme": .extreme, "Severe": .severe, "Moderate": .moderate, "Minor": .minor, "Unknown": .unknown,
    ]
    static let capCertainty: [String: Alarm.Certainty] = [
        "Observed": .observed, "Likely": .likely, "Possible": .possible, "Unlikely": .unlikely, "Unknown": .unknown,
    ]

    func alarm(_ r: ObjectReader) throws(IntakeError) -> Alarm {
        try r.rejectUnknown(allowed: ["identifier", "sender", "sent", "status", "msgType", "references", "info", "deviceId"])
        let identifier = try r.identifier("identifier", required: true)!
        let sender = try r.identifier("sender", required: true)!
        let sent = try r.timestamp("sent", required: true)!
        let status = try r.choice("status", Self.capStatus, required: true)!
        let type = try r.choice("msgType", Self.capMessageType, required: true)!
        let references = try r.identifiers("references", required: false) ?? []
        if type != .alert, references.isEmpty {
            throw IntakeError(.missingField, field: "references", "an Update or Cancel names the alert it refers to")
        }
        let info = try r.object("info", required: true)!
        try info.rejectUnknown(allowed: ["event", "urgency", "severity", "certainty", "area"])
        let event = try info.identifier("event", required: true)!
        let urgency = try info.choice("urgency", Self.capUrgency, required: true)!
        let severity = try info.choice("severity", Self.capSeverity, required: true)!
        let certainty = try info.choice("certainty", Self.capCertainty, required: true)!
        var areaDescription: String?
        if let area = try info.object("area", required: false) {
            try area.rejectUnknown(allowed: ["areaDesc"])
            areaDescription = try area.string("areaDesc", max: limits.maxShortTextLength, required: true)
        }
        let device = try r.identifier("deviceId", required: true)!
        return Alarm(
            identifier: identifier, sender: sender, sent: sent, status: status, messageType: type, references: references,
            event: event, urgency: urgency, severity: severity, certainty: certainty, deviceID: DeviceID(device),
            areaDescription: areaDescription)
    }

    static let detections = Dictionary(uniqueKeysWithValues: CameraDetection.Detection.allCases.map { ($0.rawValue, $0) })

    func camera(_ r: ObjectReader) throws(IntakeError) -> CameraDetection {
        try r.rejectUnknown(allowed: ["cameraId", "detection", "confidence", "snapshotUrl", "detectedAt"])
        let camera = try r.identifier("cameraId", required: true)!
        let detection = try r.choice("detection", Self.detections, required: true)!
        let confidence = try r.number("confidence", in: 0...1, required: true)!
        let snapshot = try r.url("snapshotUrl", required: false)
        let at = try r.timestamp("detectedAt", required: true)!
        return CameraDetection(cameraID: DeviceID(camera), detection: detection, confidence: confidence, snapshotURL: snapshot, detectedAt: at)
    }

    static let signals = Dictionary(uniqueKeysWithValues: CareInactivity.Signal.allCases.map { ($0.rawValue, $0) })

    func care(_ r: ObjectReader) throws(IntakeError) -> CareInactivity {
        try r.rejectUnknown(allowed: ["sensorId", "signal", "inactiveSince", "observedAt"])
        let sensor = try r.identifier("sensorId", required: true)!
        let signal = try r.choice("signal", Self.signals, required: true)!
        let since = try r.timestamp("inactiveSince", required: true, window: false)!
        let observed = try r.timestamp("observedAt", required: true)!
        guard since < observed else {
            throw IntakeError(.inconsistent, field: "inactiveSince", "must be before observedAt")
        }
        return CareInactivity(sensorID: DeviceID(sensor), signal: signal, inactiveSince: since, observedAt: observed)
    }
}
