import Foundation

/// Decides whether a new report belongs to a case that is already open.
///
/// Pure: the daemon passes the keys of the open cases (`CaseMachine.correlationKey`). Rules,
/// in order: the same source key is a redelivery (idempotent); an event from a device that
/// already has an open case folds into it; a report of the same incident family (a smoke
/// camera, a smoke alarm and a call about a fire are one fire) in the same grid within the
/// window folds in — unless both name buildings and the buildings differ.
public struct Correlator: Hashable, Sendable, Codable {
    /// What correlation needs to know of an open case.
    public struct Key: Hashable, Sendable, Codable {
        public var caseID: CaseID
        public var family: String
        public var location: Location
        public var devices: Set<DeviceID>
        public var sourceKeys: Set<String>
        public var lastReportAt: Date

        public init(caseID: CaseID, family: String, location: Location, devices: Set<DeviceID>, sourceKeys: Set<String>, lastReportAt: Date) {
            self.caseID = caseID
            self.family = family
            self.location = location
            self.devices = devices
            self.sourceKeys = sourceKeys
            self.lastReportAt = lastReportAt
        }
    }

    public enum Decision: Hashable, Sendable {
        /// Already part of this case: acknowledge and do nothing.
        case duplicate(CaseID)
        /// Merge into this case (`CaseMachine.merge`).
        case fold(into: CaseID)
        /// Open a new case.
        case open
    }

    /// How long after a case's last report a similar report still folds into it.
    public var window: TimeInterval

    public init(window: TimeInterval) { self.window = window }

    /// The decision for a report with `sourceKey` from `device` about `family` at `location`, at `time`.
    /// Among several matching cases, the most recently reported wins (then the smallest id), so
    /// the answer never depends on the order of `openCases`.
    public func decide(sourceKey: String, device: DeviceID?, family: String, location: Location, at time: Date, openCases: [Key]) -> Decision {
        if let hit = openCases.filter({ $0.sourceKeys.contains(sourceKey) }).min(by: { $0.caseID < $1.caseID }) {
            return .duplicate(hit.caseID)
        }
        if let device, let hit = best(openCases.filter { $0.devices.contains(device) }) {
            return .fold(into: hit.caseID)
        }
        let similar = openCases.filter { key in
            guard key.family == family, key.location.grid == location.grid else { return false }
            if let a = key.location.building, let b = location.building, a != b { return false }
            return abs(time.timeIntervalSince(key.lastReportAt)) <= window
        }
        if let hit = best(similar) { return .fold(into: hit.caseID) }
        return .open
    }

    private func best(_ keys: [Key]) -> Key? {
        keys.min { a, b in a.lastReportAt != b.lastReportAt ? a.lastReportAt > b.lastReportAt : a.caseID < b.caseID }
    }
}

extension CaseMachine {
    /// This case as the correlator sees it. `family` is the incident family of its category; the
    /// location is the grid and building, all the correlator compares.
    public func correlationKey(family: String) -> Correlator.Key {
        Correlator.Key(
            caseID: id, family: family, location: Location(grid: context.location.grid, building: context.location.building),
            devices: Set(reports.compactMap(\.report.deviceID)), sourceKeys: Set(reports.map(\.report.sourceKey)),
            lastReportAt: reports.map(\.receivedAt).max() ?? .distantPast)
    }
}
