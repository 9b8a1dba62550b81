import Foundation

/// A technical alarm, with OASIS CAP 1.2 as the base (one `info` block flattened in).
public struct Alarm: Hashable, Sendable, Codable {
    /// CAP `status`. Only `actual` alarms open cases; exercises and tests are acknowledged and dropped by the daemon.
    public enum Status: String, CaseIterable, Hashable, Sendable, Codable { case actual, exercise, system, test, draft }
    /// CAP `msgType` restricted to what a device sends about its own alarm.
    public enum MessageType: String, CaseIterable, Hashable, Sendable, Codable { case alert, update, cancel }
    /// CAP `urgency`.
    public enum Urgency: String, CaseIterable, Hashable, Sendable, Codable { case immediate, expected, future, past, unknown }
    /// CAP `severity`.
    public enum CAPSeverity: String, CaseIterable, Hashable, Sendable, Codable {
        case extreme, severe, moderate, minor, unknown

        /// The domain severity; `unknown` leaves the category's default in force.
        public var severity: Severity? {
            switch self {
            case .extreme: .critical
            case .severe: .high
            case .moderate: .normal
            case .minor: .low
            case .unknown: nil
            }
        }
    }
    /// CAP `certainty`.
    public enum Certainty: String, CaseIterable, Hashable, Sendable, Codable { case observed, likely, possible, unlikely, unknown }

    public var identifier: String
    public var sender: String
    public var sent: Date
    public var status: Status
    public var messageType: MessageType
    /// For updates and cancels, the identifiers of the alerts they refer to.
    public var references: [String]
    /// CAP `event`: the alarm type, matched against alarm categories' `sourceCode`.
    public var event: String
    public var urgency: Urgency
    public var severity: CAPSeverity
    public var certainty: Certainty
    public var deviceID: DeviceID
    public var areaDescription: String?

    public init(
        identifier: String, sender: String, sent: Date, status: Status = .actual, messageType: MessageType = .alert,
        references: [String] = [], event: String, urgency: Urgency = .immediate, severity: CAPSeverity = .severe,
        certainty: Certainty = .observed, deviceID: DeviceID, areaDescription: String? = nil
    ) {
        self.identifier = identifier
        self.sender = sender
        self.sent = sent
        self.status = status
        self.messageType = messageType
        self.references = references
        self.event = event
        self.urgency = urgency
        self.severity = severity
        self.certainty = certainty
        self.deviceID = deviceID
        self.areaDescription = areaDescription
    }
}
