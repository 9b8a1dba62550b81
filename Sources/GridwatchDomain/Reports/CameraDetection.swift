import Foundation

/// A detection from a camera's analytics.
public struct CameraDetection: Hashable, Sendable, Codable {
    /// The detections Gridwatch knows; an analytics vendor's other types are rejected at intake.
    public enum Detection: String, CaseIterable, Hashable, Sendable, Codable {
        case fire, smoke, personFallen, crowdGathering, fighting, intrusion, ebikeInLift
        case streetVending, garbageOverflow, exposedGarbage, debrisPile, waterOnRoad, objectThrownFromHeight
    }

    public var cameraID: DeviceID
    public var detection: Detection
    /// 0...1.
    public var confidence: Double
    public var snapshotURL: String?
    public var detectedAt: Date

    public init(cameraID: DeviceID, detection: Detection, confidence: Double, snapshotURL: String? = nil, detectedAt: Date) {
        self.cameraID = cameraID
        self.detection = detection
        self.confidence = confidence
        self.snapshotURL = snapshotURL
        self.detectedAt = detectedAt
    }
}
