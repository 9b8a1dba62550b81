import Foundation

/// Something that arrived and passed intake validation, not yet placed or categorised.
public enum Report: Hashable, Sendable, Codable {
    case hotline(HotlineRequest)
    case alarm(Alarm)
    case camera(CameraDetection)
    case care(CareInactivity)

    /// A key unique to the source, so a redelivered message is recognised: the hotline's request
    /// id, the CAP identifier, or device and time for detections and sensors.
    public var sourceKey: String {
        switch self {
        case .hotline(let r): "hotline:\(r.serviceRequestID)"
        case .alarm(let a): "alarm:\(a.sender):\(a.identifier)"
        case .camera(let c): "camera:\(c.cameraID):\(Int(c.detectedAt.timeIntervalSince1970))"
        case .care(let c): "care:\(c.sensorID):\(Int(c.observedAt.timeIntervalSince1970))"
        }
    }

    /// The device that produced it, for sensor reports.
    public var deviceID: DeviceID? {
        switch self {
        case .hotline: nil
        case .alarm(let a): a.deviceID
        case .camera(let c): c.cameraID
        case .care(let c): c.sensorID
        }
    }

    /// When it happened by the source's account.
    public var occurredAt: Date {
        switch self {
        case .hotline(let r): r.requestedAt
        case .alarm(let a): a.sent
        case .camera(let c): c.detectedAt
        case .care(let c): c.observedAt
        }
    }
}
