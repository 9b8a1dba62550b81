import Foundation
import GridwatchDomain

/// A small world: one district, one street, one community, two grids, building 38 on 工体北路.
enum Fixture {
    static let gridCode = GridCode("110101008005003")!
    static let otherGridCode = GridCode("110101008005004")!
    static let building: BuildingID = "gongti-north-38"
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static let worker: PersonID = "bi-lin"
    static let leader: PersonID = "grid-leader"
    static let manager: PersonID = "grid-manager"
    static let supervisor: PersonID = "grid-supervisor"
    static let assistant: PersonID = "grid-assistant"
    static let stationHead: PersonID = "zhao-huilan"
    static let secretary: PersonID = "secretary"
    static let dutyOfficer: PersonID = "street-duty"
    static let commandCentre: PersonID = "district-centre"
    static let captain: PersonID = "captain-38"
    static let otherWorker: PersonID = "other-worker"
    static let gasContact: PersonID = "gas-dispatcher"
    static let propertyContact: PersonID = "property-manager"

    static let gas: DepartmentID = "gas-company"
    static let property: DepartmentID = "property-management"

    static let gasLeak: CategoryID = "hotline.gas-leak"
    static let gasAlarm: CategoryID = "alarm.combustible-gas"
    static let noise: CategoryID = "hotline.noise"

    static func person(_ id: PersonID) -> Person {
        Person(id: id, name: id.rawValue, phone: "13800000000", channels: [.app, .sms])
    }

    static var hierarchy: Hierarchy {
        let grid = Grid(
            code: gridCode, name: "工体北路网格",
            staff: [
                .init(role: .gridWorker, person: worker), .init(role: .gridLeader, person: leader),
                .init(role: .gridManager, person: manager), .init(role: .gridSupervisor, person: supervisor),
                .init(role: .gridAssistant, person: assistant),
            ],
            buildings: [Building(id: building, name: "38号楼", addresses: ["工体北路38号楼"], staff: [.init(role: .buildingCaptain, person: captain)])],
            boundary: GeoPolygon(vertices: [
                .init(latitude: 39.930, longitude: 116.440), .init(latitude: 39.930, longitude: 116.450),
                .init(latitude: 39.940, longitude: 116.450), .init(latitude: 39.940, longitude: 116.440),
            ]))
        let other = Grid(code: otherGridCode, name: "另一网格", staff: [.init(role: .gridWorker, person: otherWorker)])
        let community = Community(
            code: "110101008005", name: "工人体育馆社区",
            staff: [.init(role: .stationHead, person: stationHead), .init(role: .communitySecretary, person: secretary)],
            grids: [grid, other])
        let street = Street(code: "110101008", name: "东直门街道", staff: [.init(role: .streetDutyOfficer, person: dutyOfficer)], communities: [community])
        let district = District(code: "110101", name: "东城区", staff: [.init(role: .districtCommandCentre, person: commandCentre)], streets: [street])
        let people = [worker, leader, manager, supervisor, assistant, stationHead, secretary, dutyOfficer, commandCentre, captain, otherWorker, gasContact, propertyContact].map(person)
        return Hierarchy(districts: [district], people: people)
    }

    static let departments = [
        Department(id: gas, name: "燃气集团", kind: .gas, categories: [gasLeak, gasAlarm], contacts: [gasContact]),
        Department(id: property, name: "物业公司", kind: .propertyManagement, categories: [], contacts: [propertyContact]),
    ]

    static var policies: PolicyBook {
        PolicyBook(
            base: PolicyBook.generalDefault,
            bySeverity: [.critical: PolicyBook.emergencyOverride],
            byCategory: [gasLeak: PolicyBook.utilityOverride, gasAlarm: PolicyBook.utilityOverride])
    }

    static func context(category: CategoryID = gasLeak, building: BuildingID? = building) -> CaseContext {
        CaseContext.make(
            location: Location(grid: gridCode, building: building, detail: "602室"), category: category,
            hierarchy: hierarchy, departments: departments, policies: policies)!
    }

    static func hotline(_ id: String = "12345-0001", at: Date = t0) -> Report {
        .hotline(HotlineRequest(serviceRequestID: id, serviceCode: "gas-leak", requestedAt: at, addressString: "工体北路38号楼602室"))
    }

    static func alarm(_ id: String = "A-1", device: DeviceID = "gas-38-602", at: Date = t0, type: Alarm.MessageType = .alert) -> Report {
        .alarm(Alarm(identifier: id, sender: "alarm-gw", sent: at, messageType: type, event: "combustible-gas", deviceID: device))
    }

    /// A case opened (and by default dispatched) at `t0`.
    static func machine(
        report: Report = hotline(), category: CategoryID = gasLeak, severity: Severity = .normal, dispatch: Bool = true
    ) -> CaseMachine {
        var m = CaseMachine.open(id: "C-1", report: report, category: category, severity: severity, context: context(category: category), now: t0).machine
        if dispatch { _ = m.dispatch(now: t0) }
        return m
    }
}

extension Array where Element == CaseAction {
    var notifications: [GridwatchDomain.Notification] {
        compactMap { if case .notify(let n) = $0 { n } else { nil } }
    }
    var scheduled: [Deadline] {
        compactMap { if case .scheduleDeadline(let d) = $0 { d } else { nil } }
    }
    var cancelled: [DeadlineID] {
        compactMap { if case .cancelDeadline(let d) = $0 { d } else { nil } }
    }
    var events: [CaseEvent.Kind] {
        compactMap { if case .emit(let e) = $0 { e.kind } else { nil } }
    }
    /// The actions remind a level of an overdue case (`CaseEvent.Kind.reminded`).
    var reminds: Bool {
        events.contains { if case .reminded = $0 { true } else { false } }
    }
    var rejection: Rejection.Code? {
        guard count == 1, case .reject(let r) = self[0] else { return nil }
        return r.code
    }
}

extension Date {
    func plus(minutes: Double) -> Date { addingTimeInterval(minutes * 60) }
    func plus(hours: Double) -> Date { addingTimeInterval(hours * 3600) }
}
