import CaseStore
import Foundation
import GridwatchDomain

/// A small world (one community, two grids, building 38 on 工体北路) and real machines in it,
/// with the batches the pipeline would commit for their actions.
enum StoreFixture {
    static let gridCode = GridCode("110101008005003")!
    static let otherGridCode = GridCode("110101008005004")!
    static let building: BuildingID = "gongti-north-38"
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static let worker: PersonID = "bi-lin"
    static let stationHead: PersonID = "zhao-huilan"
    static let dutyOfficer: PersonID = "street-duty"
    static let commandCentre: PersonID = "district-centre"
    static let otherWorker: PersonID = "other-worker"
    static let gasContact: PersonID = "gas-dispatcher"

    static let gas: DepartmentID = "gas-company"
    static let gasLeak: CategoryID = "hotline.gas-leak"
    static let gasAlarm: CategoryID = "alarm.combustible-gas"
    static let noise: CategoryID = "hotline.noise"
    static let gasFamily = "gas-leak"

    static var hierarchy: Hierarchy {
        let grid = Grid(
            code: gridCode, name: "工体北路网格", staff: [.init(role: .gridWorker, person: worker)],
            buildings: [Building(id: building, name: "38号楼", addresses: ["工体北路38号楼"])])
        let other = Grid(code: otherGridCode, name: "另一网格", staff: [.init(role: .gridWorker, person: otherWorker)])
        let community = Community(
            code: "110101008005", name: "工人体育馆社区", staff: [.init(role: .stationHead, person: stationHead)], grids: [grid, other])
        let street = Street(code: "110101008", name: "东直门街道", staff: [.init(role: .streetDutyOfficer, person: dutyOfficer)], communities: [community])
        let district = District(code: "110101", name: "东城区", staff: [.init(role: .districtCommandCentre, person: commandCentre)], streets: [street])
        let people = [worker, stationHead, dutyOfficer, commandCentre, otherWorker, gasContact].map {
            Person(id: $0, name: $0.rawValue, phone: "13800000000", channels: [.app, .sms])
        }
        return Hierarchy(districts: [district], people: people)
    }

    static let departments = [
        Department(id: gas, name: "燃气集团", kind: .gas, categories: [gasLeak, gasAlarm], contacts: [gasContact]),
    ]

    static func context(category: CategoryID = gasLeak, grid: GridCode = gridCode) -> CaseContext {
        CaseContext.make(
            location: Location(grid: grid, building: grid == gridCode ? building : nil, detail: "602室"), category: category,
            hierarchy: hierarchy, departments: departments, policies: PolicyBook(base: PolicyBook.generalDefault))!
    }

    static func hotline(_ id: String, at: Date = t0) -> Report {
        .hotline(HotlineRequest(serviceRequestID: id, serviceCode: "gas-leak", requestedAt: at, addressString: "工体北路38号楼602室"))
    }

    static func alarm(_ id: String, device: DeviceID = "gas-38-602", at: Date = t0) -> Report {
        .alarm(Alarm(identifier: id, sender: "alarm-gw", sent: at, messageType: .alert, event: "combustible-gas", deviceID: device))
    }

    /// Opens case `id` at `now` and, by default, dispatches it; returns the machine and the
    /// batch that records both steps.
    static func opened(
        _ id: CaseID, report: Report? = nil, category: CategoryID = gasLeak, grid: GridCode = gridCode,
        dispatch: Bool = true, family: String? = gasFamily, messageID: String? = nil, now: Date = t0
    ) -> (machine: CaseMachine, batch: StoreBatch) {
        let report = report ?? hotline("REQ-\(id.rawValue)", at: now)
        var (machine, actions) = CaseMachine.open(
            id: id, report: report, category: category, severity: .normal, context: context(category: category, grid: grid), now: now)
        if dispatch { actions += machine.dispatch(now: now) }
        var batch = StoreBatch()
        batch.record(machine, actions, messageID: messageID ?? "msg-\(id.rawValue)", now: now)
        if let family { batch.correlationFamilies[id] = family }
        return (machine, batch)
    }
}

extension StoreBatch {
    /// Adds what the pipeline records for one step of `machine`: its new state, its source keys,
    /// and its actions (history, deadlines, outbox messages).
    mutating func record(_ machine: CaseMachine, _ actions: [CaseAction], messageID: String?, now: Date) {
        if let messageID { messageIDs.append(messageID) }
        cases.removeAll { $0.id == machine.id }
        cases.append(machine)
        for merged in machine.reports { sourceKeys[merged.report.sourceKey] = machine.id }
        for action in actions {
            switch action {
            case .emit(let event):
                events.append(event)
                outbox.append(OutboxMessage(
                    id: event.id, exchange: "gridwatch.events", routingKey: "case.event", body: Data(event.id.utf8), type: "case.event",
                    createdAt: now))
            case .notify(let notification):
                outbox.append(OutboxMessage(
                    id: notification.id, exchange: "gridwatch.notifications", routingKey: notification.reason.rawValue,
                    body: Data(notification.id.utf8), type: "notification.dispatched", createdAt: now))
            case .scheduleDeadline(let deadline):
                scheduledDeadlines.append(StoredDeadline(caseID: machine.id, deadline: deadline))
            case .cancelDeadline(let id):
                removedDeadlines.append(id)
            case .reject:
                break
            }
        }
    }
}

/// A directory of its own for each test's database files, removed afterwards.
func withScratchDirectory(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casestore-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
}

/// A fresh writable store in a scratch directory.
func withStore(_ body: (SQLiteCaseStore, URL) throws -> Void) throws {
    try withScratchDirectory { directory in
        let url = directory.appendingPathComponent("gridwatch.sqlite")
        let store = try SQLiteCaseStore(path: url.path)
        try body(store, url)
    }
}
