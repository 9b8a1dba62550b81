import GridwatchDomain

/// The open cases as the correlator sees them, indexed so that a report is compared only with
/// the cases it could fold into: those of its device and those of its grid.
struct OpenCaseIndex {
    private(set) var keys: [CaseID: Correlator.Key] = [:]
    private var byDevice: [DeviceID: Set<CaseID>] = [:]
    private var byGrid: [GridCode: Set<CaseID>] = [:]

    init(_ keys: [Correlator.Key]) {
        for key in keys { upsert(key) }
    }

    var count: Int { keys.count }

    /// The keys a report from `device` in `grid` could match.
    func candidates(device: DeviceID?, grid: GridCode) -> [Correlator.Key] {
        var ids = byGrid[grid] ?? []
        if let device, let deviceCases = byDevice[device] { ids.formUnion(deviceCases) }
        return ids.compactMap { keys[$0] }
    }

    mutating func upsert(_ key: Correlator.Key) {
        remove(key.caseID)
        keys[key.caseID] = key
        for device in key.devices { byDevice[device, default: []].insert(key.caseID) }
        byGrid[key.location.grid, default: []].insert(key.caseID)
    }

    mutating func remove(_ id: CaseID) {
        guard let old = keys.removeValue(forKey: id) else { return }
        for device in old.devices {
            byDevice[device]?.remove(id)
            if byDevice[device]?.isEmpty == true { byDevice[device] = nil }
        }
        byGrid[old.location.grid]?.remove(id)
        if byGrid[old.location.grid]?.isEmpty == true { byGrid[old.location.grid] = nil }
    }
}
