import Foundation
import GridwatchDomain

/// The catalogue sections: departments, devices and categories.
extension ConfigurationReader {
    static let departmentKinds = Dictionary(uniqueKeysWithValues: Department.Kind.allCases.map { ($0.rawValue, $0) })
    static let deviceKinds = Dictionary(uniqueKeysWithValues: Device.Kind.allCases.map { ($0.rawValue, $0) })
    static let categoryKinds = Dictionary(uniqueKeysWithValues: Category.Kind.allCases.map { ($0.rawValue, $0) })
    static let severities = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.description, $0) })

    mutating func readDepartment(_ c: YAMLCursor) {
        guard let e = c.mapping(allowed: ["id", "name", "kind", "categories", "contacts"]) else { return }
        let id = c.field("id", in: e, required: true)?.string(maxLength: 64)
        let name = c.field("name", in: e, required: true)?.string(maxLength: 64)
        let kind = c.field("kind", in: e, required: true)?.choice(Self.departmentKinds)
        var categories: [CategoryID] = []
        if let cc = c.field("categories", in: e, required: false), let items = cc.strings() {
            for item in items { refer(.category, item, at: cc) }
            categories = items.map { CategoryID($0) }
        }
        var contacts: [PersonID] = []
        if let cc = c.field("contacts", in: e, required: true), let items = cc.strings(maxLength: 64) {
            if items.isEmpty { cc.problem("a department needs a contact, or its summons reach nobody") }
            for item in items { refer(.person, item, at: cc) }
            contacts = items.map { PersonID($0) }
        }
        guard let id, let name, let kind else { return }
        departments.append((Department(id: DepartmentID(id), name: name, kind: kind, categories: categories, contacts: contacts), SourceLocation(c)))
    }

    mutating func readDevice(_ c: YAMLCursor) {
        guard let e = c.mapping(allowed: ["id", "kind", "grid", "building", "coordinate"]) else { return }
        let id = c.field("id", in: e, required: true)?.string(maxLength: 64)
        let kind = c.field("kind", in: e, required: true)?.choice(Self.deviceKinds)
        let gridCursor = c.field("grid", in: e, required: true)
        var grid: GridCode?
        if let gc = gridCursor, let raw = gc.string(maxLength: 16) {
            grid = GridCode(raw)
            if grid == nil { gc.problem("'\(raw)' is not a 14- or 15-digit grid code") } else { refer(.grid, raw, at: gc) }
        }
        let building = c.field("building", in: e, required: false)
        let buildingID = building?.string(maxLength: 64).map { BuildingID($0) }
        if let grid, let buildingID, let building { buildingReferences.append((grid, buildingID, SourceLocation(building))) }
        let coordinate = c.field("coordinate", in: e, required: false)?.coordinate().map { Coordinate(latitude: $0.latitude, longitude: $0.longitude) }
        guard let id, let kind, let grid else { return }
        devices.append((Device(id: DeviceID(id), kind: kind, grid: grid, building: buildingID, coordinate: coordinate), SourceLocation(c)))
    }

    mutating func readCategory(_ c: YAMLCursor) {
        guard let e = c.mapping(allowed: ["id", "name", "kind", "code", "severity", "incident"]) else { return }
        let id = c.field("id", in: e, required: true)?.string(maxLength: 64)
        let name = c.field("name", in: e, required: true)?.string(maxLength: 64)
        let kind = c.field("kind", in: e, required: true)?.choice(Self.categoryKinds)
        let code = c.field("code", in: e, required: true)?.string(maxLength: 64)
        let severity = c.field("severity", in: e, required: true)?.choice(Self.severities)
        let incident = c.field("incident", in: e, required: false)?.string(maxLength: 64)
        if let kind, let code, let cc = c.field("code", in: e, required: true) {
            switch kind {
            case .camera where CameraDetection.Detection(rawValue: code) == nil:
                cc.problem("'\(code)' is not a camera detection Gridwatch decodes")
            case .careSensor where CareInactivity.Signal(rawValue: code) == nil:
                cc.problem("'\(code)' is not a care-sensor signal Gridwatch decodes")
            case .camera, .careSensor, .hotline, .alarm:
                break
            }
        }
        guard let id, let name, let kind, let code, let severity else { return }
        categories.append((
            Category(id: CategoryID(id), name: name, kind: kind, sourceCode: code, defaultSeverity: severity, incident: incident),
            SourceLocation(c)
        ))
    }
}
