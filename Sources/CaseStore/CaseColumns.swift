import Foundation
import GRDB
import GridwatchDomain

/// The summary columns of a `cases` row, derived from a machine at every commit.
///
/// Listings filter and print these columns without decoding a machine. Text values are the
/// spellings an operator types at `sqlite3` (`dispatched`, `community`, `critical`), not raw
/// integers that would need a legend.
struct CaseColumns {
    var id: String
    var category: String
    var street: String
    var community: String
    var grid: String
    var openedAt: Double
    var updatedAt: Double
    var phase: String
    var level: String?
    var severity: String
    var ended: Bool
    var reportCount: Int

    init(_ machine: CaseMachine) {
        let chain = machine.context.chain
        let opened = machine.history.first?.at ?? machine.reports.first?.receivedAt ?? .distantPast
        let lastReport = machine.reports.map(\.receivedAt).max() ?? opened
        id = machine.id.rawValue
        category = machine.context.category.rawValue
        street = chain.streetCode
        community = chain.communityCode
        grid = chain.gridCode.rawValue
        openedAt = opened.timeIntervalSince1970
        updatedAt = max(machine.history.last?.at ?? opened, lastReport).timeIntervalSince1970
        phase = machine.phase.rawValue
        level = machine.level?.description
        severity = machine.severity.description
        ended = machine.isEnded
        reportCount = machine.reports.count
    }

    /// The family a case gets when no batch ever named one: what `Category.correlationFamily`
    /// answers for a category without an incident.
    static func defaultFamily(of machine: CaseMachine) -> String {
        "category:\(machine.context.category.rawValue)"
    }
}

/// The correlator's view of an open case (`Correlator.Key`) as the `cases` columns keep it:
/// the grid and family have columns of their own already; device ids as a JSON array, or NULL
/// for the usual case without any.
struct CorrelationColumns {
    var building: String?
    var devices: String?
    var lastReportAt: Double

    init(_ key: Correlator.Key) throws {
        building = key.location.building?.rawValue
        devices = key.devices.isEmpty ? nil : String(decoding: try JSONEncoder().encode(key.devices.map(\.rawValue).sorted()), as: UTF8.self)
        lastReportAt = key.lastReportAt.timeIntervalSince1970
    }

    /// The key read back; without source keys, which `CaseStore.caseID(forSourceKey:)` answers.
    static func key(row: Row, families: inout [String: String]) throws -> Correlator.Key {
        let family: String = row["family"]
        // One string per family, not one per case: a million open cases share a few dozen.
        let shared = families[family] ?? family
        families[family] = shared
        var devices: Set<DeviceID> = []
        if let json = row["devices"] as String? {
            devices = Set(try JSONDecoder().decode([String].self, from: Data(json.utf8)).map { DeviceID($0) })
        }
        guard let grid = GridCode(row["grid"] as String) else {
            throw StoreError(.corrupt, operation: "openCaseKeys", message: "case \(row["id"] as String) has no valid grid code")
        }
        return Correlator.Key(
            caseID: CaseID(row["id"] as String), family: shared,
            location: Location(grid: grid, building: (row["building"] as String?).map { BuildingID($0) }),
            devices: devices, sourceKeys: [], lastReportAt: Date(timeIntervalSince1970: row["last_report_at"] as Double? ?? 0))
    }
}

/// Reading the text spellings back.
extension CaseSummary {
    /// The columns `init(row:)` reads, in a `SELECT`.
    static let columns = "id, phase, level, category, severity, street, community, grid, opened_at, updated_at, report_count"

    init(row: Row) throws(StoreError) {
        let phaseName: String = row["phase"]
        let levelName: String? = row["level"]
        let severityName: String = row["severity"]
        guard let phase = CaseMachine.Phase(rawValue: phaseName),
            let severity = Severity(name: severityName)
        else { throw StoreError(.encoding, operation: "cases", message: "unknown phase or severity in a case row") }
        var level: Level?
        if let levelName {
            guard let known = Level.allCases.first(where: { $0.description == levelName }) else {
                throw StoreError(.encoding, operation: "cases", message: "unknown level in a case row")
            }
            level = known
        }
        self.init(
            id: CaseID(row["id"] as String), phase: phase, level: level, category: row["category"], severity: severity,
            street: row["street"], community: row["community"], grid: row["grid"],
            openedAt: Date(timeIntervalSince1970: row["opened_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            reportCount: row["report_count"])
    }
}

extension CaseEvent.Kind {
    /// The case name (`escalated`, `closedAsFalseAlarm`), for the `kind` column that history
    /// queries filter on. Read by reflection so a new kind in the domain needs no change here.
    var storeName: String {
        Mirror(reflecting: self).children.first?.label ?? String(describing: self)
    }
}

extension Deadline.Kind {
    /// The case name (`signFor`, `reportIn`), for the `kind` column of `deadlines`.
    var storeName: String {
        Mirror(reflecting: self).children.first?.label ?? String(describing: self)
    }
}
