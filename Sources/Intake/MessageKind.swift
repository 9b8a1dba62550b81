import GridwatchDomain

/// The kinds of message that arrive on the intake exchange. The raw value is what the broker's
/// routing key (or the message's type property) names, and what the schema files are called.
public enum MessageKind: String, CaseIterable, Hashable, Sendable {
    case hotlineRequest = "hotline-request"
    case alarm = "alarm"
    case cameraDetection = "camera-detection"
    case careInactivity = "care-inactivity"
    case fieldUpdate = "field-update"
}

/// A decoded, validated message.
public enum IntakeMessage: Hashable, Sendable {
    /// Something that may open or join a case.
    case report(Report)
    /// A step on an existing case. The sender's identity is not in it: the daemon takes that
    /// from the authenticated connection and passes it to the machine separately.
    case fieldUpdate(FieldUpdateMessage)
}
