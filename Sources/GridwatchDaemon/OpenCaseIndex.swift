import Foundation
import GridwatchDomain

/// The open cases as the correlator sees them, indexed so that a report is compared only with
/// the cases it could fold into: those of its device, and those of its incident family in its
/// grid.
///
/// A busy grid holds hundreds of open cases of a dozen families; comparing a report with all of
/// them (and copying each key to do so) was a tenth of the daemon's work per message. With a
/// million open cases a grid's family holds thousands, nearly all reported on long before the
/// correlation window: each place keeps its cases' last report times, so only those inside the
/// window are handed over.
struct OpenCaseIndex {
    private(set) var keys: [CaseID: Correlator.Key] = [:]
    private var byDevice: [DeviceID: Set<CaseID>] = [:]
    /// Each place's open cases, with the time of their last report.
    private var byPlace: [Place: [CaseID: Date]] = [:]

    private struct Place: Hashable {
        var grid: GridCode
        var family: String
    }

    /// The index of `keys` (one per case, as the store lists them), built in one pass with its
    /// tables sized up front: growing them key by key was most of a restart on a million open
    /// cases.
    init(_ keys: [Correlator.Key]) {
        self.keys.reserveCapacity(keys.count)
        var places: [Place: [(CaseID, Date)]] = [:]
        var devices: [DeviceID: [CaseID]] = [:]
        for var key in keys {
            key.sourceKeys = []
            if let old = self.keys.updateValue(key, forKey: key.caseID) {
                // Listed twice: keep the last, as upsert would.
                places[Place(grid: old.location.grid, family: old.family)]?.removeAll { $0.0 == key.caseID }
                for device in old.devices { devices[device]?.removeAll { $0 == key.caseID } }
            }
            places[Place(grid: key.location.grid, family: key.family), default: []].append((key.caseID, key.lastReportAt))
            for device in key.devices { devices[device, default: []].append(key.caseID) }
        }
        byPlace = places.filter { !$0.value.isEmpty }.mapValues { entries in
            Dictionary(entries, uniquingKeysWith: { _, last in last })
        }
        byDevice = devices.filter { !$0.value.isEmpty }.mapValues { Set($0) }
    }

    var count: Int { keys.count }

    /// The keys a report of `family` from `device` in `grid` at `time` could fold into: the
    /// device's cases, and the place's cases last reported within `window` of `time` (the
    /// correlator's own test). Reports whose source key is already known never get here (the
    /// store's source keys answer that), so cases of other families in the grid are not needed.
    func candidates(device: DeviceID?, grid: GridCode, family: String, at time: Date, within window: TimeInterval) -> [Correlator.Key] {
        var ids: [CaseID] = []
        if let place = byPlace[Place(grid: grid, family: family)] {
            for (id, last) in place where abs(time.timeIntervalSince(last)) <= window { ids.append(id) }
        }
        if let device, let deviceCases = byDevice[device] {
            let near = Set(ids)
            ids += deviceCases.filter { !near.contains($0) }
        }
        return ids.compactMap { keys[$0] }
    }

    /// The open cases holding a report of `device`, smallest id first.
    func cases(of device: DeviceID) -> [Correlator.Key] {
        (byDevice[device] ?? []).sorted().compactMap { keys[$0] }
    }

    mutating func upsert(_ key: Correlator.Key) {
        remove(key.caseID)
        // Source keys are answered by the store for every case; holding a set of them for each
        // of a city's open cases would be most of the index's memory.
        var key = key
        key.sourceKeys = []
        keys[key.caseID] = key
        for device in key.devices { byDevice[device, default: []].insert(key.caseID) }
        byPlace[Place(grid: key.location.grid, family: key.family), default: [:]][key.caseID] = key.lastReportAt
    }

    mutating func remove(_ id: CaseID) {
        guard let old = keys.removeValue(forKey: id) else { return }
        for device in old.devices {
            byDevice[device]?.remove(id)
            if byDevice[device]?.isEmpty == true { byDevice[device] = nil }
        }
        let place = Place(grid: old.location.grid, family: old.family)
        byPlace[place]?[id] = nil
        if byPlace[place]?.isEmpty == true { byPlace[place] = nil }
    }
}
