import Foundation
import GridwatchDomain

/// The hierarchy sections: people, and districts → streets → communities → grids → buildings.
extension ConfigurationReader {
    static let channels: [String: Channel] = Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0.rawValue, $0) })
    static let roles: [String: Role] = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0.rawValue, $0) })

    mutating func readPerson(_ c: YAMLCursor) {
        guard let e = c.mapping(allowed: ["id", "name", "phone", "channels", "roster"]) else { return }
        let id = c.field("id", in: e, required: true)?.string(maxLength: 64)
        let name = c.field("name", in: e, required: true)?.string(maxLength: 64)
        let phone = c.field("phone", in: e, required: true)?.string(maxLength: 32)
        if let phone, let pc = c.field("phone", in: e, required: true),
            !phone.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "+" || $0 == "-") })
        {
            pc.problem("a phone number holds digits, '+' and '-' only")
        }
        var channels: [Channel] = []
        if let cc = c.field("channels", in: e, required: true), let items = cc.sequence() {
            channels = items.compactMap { $0.choice(Self.channels) }
            if items.isEmpty { cc.problem("a person needs at least one channel, or nothing reaches them") }
        }
        let roster = c.field("roster", in: e, required: false).flatMap(readRoster)
        guard let id, let name, let phone else { return }
        people.append((Person(id: PersonID(id), name: name, phone: phone, channels: channels, roster: roster), SourceLocation(c)))
    }

    private func readRoster(_ c: YAMLCursor) -> DutyRoster? {
        guard let items = c.sequence() else { return nil }
        var windows: [DutyRoster.Window] = []
        for item in items {
            guard let e = item.mapping(allowed: ["days", "from", "to"]) else { continue }
            let days = item.field("days", in: e, required: true)?.sequence()?.compactMap { $0.int(in: 1...7) }
            let from = item.field("from", in: e, required: true).flatMap(Self.minuteOfDay)
            let to = item.field("to", in: e, required: true).flatMap(Self.minuteOfDay)
            guard let days, let from, let to else { continue }
            windows.append(.init(weekdays: Set(days), fromMinute: from, toMinute: to))
        }
        if windows.isEmpty { c.problem("a roster needs at least one window; omit it for round-the-clock duty") }
        return DutyRoster(windows: windows)
    }

    private static func minuteOfDay(_ c: YAMLCursor) -> Int? {
        guard let text = c.string(maxLength: 5) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else {
            c.problem("expected HH:MM between 00:00 and 24:00")
            return nil
        }
        return h * 60 + m
    }

    /// `staff: {role: person | [persons]}`.
    mutating func readStaff(_ c: YAMLCursor?, allowed: [Role]) -> [StaffAssignment] {
        guard let c, let e = c.mapping(allowed: Set(allowed.map(\.rawValue))) else { return [] }
        var staff: [StaffAssignment] = []
        for (key, value) in e {
            guard let role = Self.roles[key], let ids = value.strings(maxLength: 64) else { continue }
            for id in ids {
                refer(.person, id, at: value)
                staff.append(StaffAssignment(role: role, person: PersonID(id)))
            }
        }
        return staff
    }

    mutating func readDistrict(_ c: YAMLCursor) {
        guard let e = c.mapping(allowed: ["code", "name", "staff", "streets"]) else { return }
        let code = c.field("code", in: e, required: true)?.string(maxLength: 16)
        let name = c.field("name", in: e, required: true)?.string(maxLength: 64)
        let staff = readStaff(c.field("staff", in: e, required: true), allowed: [.districtCommandCentre])
        var streets: [Street] = []
        for s in c.field("streets", in: e, required: true)?.sequence() ?? [] {
            if let street = readStreet(s, parent: code) { streets.append(street) }
        }
        guard let code, let name else { return }
        unitCodes.append(("district", code, nil, SourceLocation(c)))
        districts.append((District(code: code, name: name, staff: staff, streets: streets), SourceLocation(c)))
    }

    private mutating func readStreet(_ c: YAMLCursor, parent: String?) -> Street? {
        guard let e = c.mapping(allowed: ["code", "name", "staff", "communities"]) else { return nil }
        let code = c.field("code", in: e, required: true)?.string(maxLength: 16)
        let name = c.field("name", in: e, required: true)?.string(maxLength: 64)
        let staff = readStaff(c.field("staff", in: e, required: true), allowed: [.streetDutyOfficer])
        var communities: [Community] = []
        for x in c.field("communities", in: e, required: true)?.sequence() ?? [] {
            if let community = readCommunity(x, parent: code) { communities.append(community) }
        }
        guard let code, let name else { return nil }
        unitCodes.append(("street", code, parent, SourceLocation(c)))
        return Street(code: code, name: name, staff: staff, communities: communities)
    }

    private mutating func readCommunity(_ c: YAMLCursor, parent: String?) -> Community? {
        guard let e = c.mapping(allowed: ["code", "name", "staff", "grids"]) else { return nil }
        let code = c.field("code", in: e, required: true)?.string(maxLength: 16)
        let name = c.field("name", in: e, required: true)?.string(maxLength: 64)
        let staff = readStaff(c.field("staff", in: e, required: true), allowed: [.stationHead, .communitySecretary])
        var grids: [Grid] = []
        for g in c.field("grids", in: e, required: true)?.sequence() ?? [] {
            if let grid = readGrid(g, parent: code) { grids.append(grid) }
        }
        guard let code, let name else { return nil }
        unitCodes.append(("community", code, parent, SourceLocation(c)))
        return Community(code: code, name: name, staff: staff, grids: grids)
    }

    private mutating func readGrid(_ c: YAMLCursor, parent: String?) -> Grid? {
        guard let e = c.mapping(allowed: ["code", "name", "staff", "buildings", "boundary"]) else { return nil }
        let codeCursor = c.field("code", in: e, required: true)
        let raw = codeCursor?.string(maxLength: 16)
        let name = c.field("name", in: e, required: true)?.string(maxLength: 64)
        let staff = readStaff(
            c.field("staff", in: e, required: true), allowed: [.gridWorker, .gridLeader, .gridManager, .gridSupervisor, .gridAssistant])
        var buildings: [Building] = []
        for b in c.field("buildings", in: e, required: false)?.sequence() ?? [] {
            guard let be = b.mapping(allowed: ["id", "name", "addresses", "staff"]) else { continue }
            let id = b.field("id", in: be, required: true)?.string(maxLength: 64)
            let bname = b.field("name", in: be, required: true)?.string(maxLength: 64)
            let addresses = b.field("addresses", in: be, required: false)?.strings() ?? []
            let bstaff = readStaff(b.field("staff", in: be, required: false), allowed: [.buildingCaptain])
            if let id, let bname {
                if buildings.contains(where: { $0.id.rawValue == id }) { b.problem("duplicate building id '\(id)' in this grid") }
                buildings.append(Building(id: BuildingID(id), name: bname, addresses: addresses, staff: bstaff))
            }
        }
        var boundary: GeoPolygon?
        if let bc = c.field("boundary", in: e, required: false), let points = bc.sequence() {
            let vertices = points.compactMap { $0.coordinate() }.map { Coordinate(latitude: $0.latitude, longitude: $0.longitude) }
            if vertices.count < 3 { bc.problem("a boundary needs at least three points") } else { boundary = GeoPolygon(vertices: vertices) }
        }
        guard let raw, let name else { return nil }
        guard let code = GridCode(raw) else {
            codeCursor?.problem("'\(raw)' is not a 14- or 15-digit grid code")
            return nil
        }
        unitCodes.append(("grid", raw, parent, SourceLocation(c)))
        if !staff.contains(where: { $0.role.handlesCases }) {
            c.problem("grid \(raw) has nobody responsible (needs a gridWorker, gridLeader, gridManager or gridAssistant)")
        }
        return Grid(code: code, name: name, staff: staff, buildings: buildings, boundary: boundary)
    }
}
