import Foundation

/// Turns a validated report into what a case needs: category, severity and location.
///
/// Placement order: a device's registered place; for a hotline request, the grid whose boundary
/// contains its coordinates (a measured point beats a typed code); else the grid code the
/// operator gave; else a building whose address occurs in the address text. A report that cannot be placed is not guessed at: it goes to the district's
/// unassigned queue (兜底), which is the daemon's to handle.
public struct Triage: Sendable {
    public struct Outcome: Hashable, Sendable {
        public var category: Category
        public var severity: Severity
        public var location: Location
    }

    public enum Failure: Hashable, Sendable, Error {
        case unknownCategory(kind: Category.Kind, code: String)
        case unknownDevice(DeviceID)
        case deviceKindMismatch(DeviceID)
        case unplaced
        /// A CAP exercise, test, system or draft message: acknowledged, never a case.
        case notActual
    }

    public var hierarchy: Hierarchy
    public var devices: [DeviceID: Device]
    public var categories: [Category]

    public init(hierarchy: Hierarchy, devices: [Device], categories: [Category]) {
        self.hierarchy = hierarchy
        self.devices = Dictionary(devices.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.categories = categories
    }

    public func category(kind: Category.Kind, code: String) -> Category? {
        categories.first { $0.kind == kind && $0.sourceCode == code }
    }

    public func triage(_ report: Report) -> Result<Outcome, Failure> {
        switch report {
        case .hotline(let r):
            guard let category = category(kind: .hotline, code: r.serviceCode) else {
                return .failure(.unknownCategory(kind: .hotline, code: r.serviceCode))
            }
            guard let location = place(r) else { return .failure(.unplaced) }
            return .success(Outcome(category: category, severity: category.defaultSeverity, location: location))
        case .alarm(let a):
            guard a.status == .actual else { return .failure(.notActual) }
            return fromDevice(a.deviceID, kind: .alarm, categoryKind: .alarm, code: a.event, severity: a.severity.severity)
        case .camera(let c):
            return fromDevice(c.cameraID, kind: .camera, categoryKind: .camera, code: c.detection.rawValue, severity: nil)
        case .care(let c):
            return fromDevice(c.sensorID, kind: .careSensor, categoryKind: .careSensor, code: c.signal.rawValue, severity: nil)
        }
    }

    private func fromDevice(
        _ id: DeviceID, kind: Device.Kind, categoryKind: Category.Kind, code: String, severity: Severity?
    ) -> Result<Outcome, Failure> {
        guard let device = devices[id] else { return .failure(.unknownDevice(id)) }
        guard device.kind == kind else { return .failure(.deviceKindMismatch(id)) }
        guard let category = category(kind: categoryKind, code: code) else {
            return .failure(.unknownCategory(kind: categoryKind, code: code))
        }
        return .success(Outcome(
            category: category, severity: severity ?? category.defaultSeverity,
            location: Location(grid: device.grid, building: device.building)))
    }

    private func place(_ r: HotlineRequest) -> Location? {
        let byAddress = r.addressString.flatMap { hierarchy.building(matching: $0) }
        if let point = r.coordinate, let grid = hierarchy.grid(containing: point) {
            let building = byAddress?.grid == grid ? byAddress?.building : nil
            return Location(grid: grid, building: building, detail: r.addressString)
        }
        if let grid = r.gridCode, hierarchy.grid(grid) != nil {
            let building = byAddress?.grid == grid ? byAddress?.building : nil
            return Location(grid: grid, building: building, detail: r.addressString)
        }
        if let byAddress { return Location(grid: byAddress.grid, building: byAddress.building, detail: r.addressString) }
        return nil
    }
}
