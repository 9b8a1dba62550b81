import Foundation

/// A care sensor in the home of an elderly person living alone (空巢独居老人) has seen no
/// activity for too long: a welfare visit is due.
public struct CareInactivity: Hashable, Sendable, Codable {
    public enum Signal: String, CaseIterable, Hashable, Sendable, Codable { case water, door, motion }

    public var sensorID: DeviceID
    public var signal: Signal
    public var inactiveSince: Date
    public var observedAt: Date

    public init(sensorID: DeviceID, signal: Signal, inactiveSince: Date, observedAt: Date) {
        self.sensorID = sensorID
        self.signal = signal
        self.inactiveSince = inactiveSince
        self.observedAt = observedAt
    }
}
