import Foundation
import GridwatchDomain

/// Checks what can only be checked with everything read: codes and their nesting, uniqueness,
/// references, that every level has someone responsible, and that every resolved policy is sound.
struct ConfigurationValidator {
    let reader: ConfigurationReader
    let sink: ProblemSink

    func problem(_ at: SourceLocation, _ message: String) {
        sink.add(ConfigurationProblem(file: at.file, path: at.path, line: at.line, message: message))
    }

    func validate(_ configuration: GridwatchConfiguration) {
        checkUnitCodes()
        checkUnique(reader.people.map { ($0.0.id.rawValue, $0.1) }, what: "person id")
        checkUnique(reader.departments.map { ($0.0.id.rawValue, $0.1) }, what: "department id")
        checkUnique(reader.devices.map { ($0.0.id.rawValue, $0.1) }, what: "device id")
        checkUnique(reader.categories.map { ($0.0.id.rawValue, $0.1) }, what: "category id")
        checkUnique(reader.categories.map { ("\($0.0.kind.rawValue) code '\($0.0.sourceCode)'", $0.1) }, what: "category source")
        checkReferences(configuration)
        checkStaffedLevels()
        checkPolicies(configuration)
        if reader.districts.isEmpty, reader.seenSections.contains("districts") == false {
            sink.add(ConfigurationProblem(file: "(configuration)", path: "districts", message: "no hierarchy is configured"))
        }
    }

    private func checkUnique(_ items: [(String, SourceLocation)], what: String) {
        var first: [String: SourceLocation] = [:]
        for (key, at) in items {
            if let earlier = first[key] {
                problem(at, "duplicate \(what) '\(key)' (first defined at \(earlier.file):\(earlier.line ?? 0))")
            } else {
                first[key] = at
            }
        }
    }

    private func checkUnitCodes() {
        let digits = ["district": 6, "street": 9, "community": 12]
        for unit in reader.unitCodes {
            if let n = digits[unit.level], !GridCode.isUnitCode(unit.code, digits: n) {
                problem(unit.at, "\(unit.level) code '\(unit.code)' must be \(n) digits")
            }
            if let parent = unit.parent, !unit.code.hasPrefix(parent) {
                problem(unit.at, "\(unit.level) code '\(unit.code)' does not start with its parent's code '\(parent)'")
            }
            if unit.level == "street", let n = Int(unit.code.suffix(3)), !(1...399).contains(n) {
                problem(unit.at, "street number \(unit.code.suffix(3)) is outside 001–399 (街道 001–099, 镇 100–199, 乡 200–399)")
            }
        }
        for level in ["district", "street", "community", "grid"] {
            checkUnique(reader.unitCodes.filter { $0.level == level }.map { ($0.code, $0.at) }, what: "\(level) code")
        }
    }

    private func checkReferences(_ configuration: GridwatchConfiguration) {
        let people = Set(reader.people.map(\.0.id.rawValue))
        let departments = Set(reader.departments.map(\.0.id.rawValue))
        let categories = Set(reader.categories.map(\.0.id.rawValue))
        for ref in reader.references {
            let known: Bool
            switch ref.kind {
            case .person: known = people.contains(ref.id)
            case .department: known = departments.contains(ref.id)
            case .category: known = categories.contains(ref.id)
            case .grid: known = GridCode(ref.id).flatMap { configuration.hierarchy.grid($0) } != nil
            }
            if !known { problem(ref.at, "unknown \(ref.kind.rawValue) '\(ref.id)'") }
        }
        for (grid, building, at) in reader.buildingReferences where configuration.hierarchy.grid(grid) != nil {
            if configuration.hierarchy.building(building, in: grid) == nil {
                problem(at, "unknown building '\(building)' in grid \(grid)")
            }
        }
    }

    /// A level with nobody to notify would make escalation silent, which Gridwatch must never be.
    private func checkStaffedLevels() {
        for (district, at) in reader.districts {
            if !district.staff.contains(where: { $0.role.handlesCases }) { problem(at, "district \(district.code) has nobody responsible") }
            for street in district.streets where !street.staff.contains(where: { $0.role.handlesCases }) {
                problem(at, "street \(street.code) has nobody responsible")
            }
            for street in district.streets {
                for community in street.communities where !community.staff.contains(where: { $0.role.handlesCases }) {
                    problem(at, "community \(community.code) has nobody responsible")
                }
            }
        }
    }

    private func checkPolicies(_ configuration: GridwatchConfiguration) {
        let book = configuration.policies
        var reported: Set<String> = []
        let policyFile = SourceLocation(file: "(policies)", path: "policies", line: nil)
        for message in book.base.problems where reported.insert("default:\(message)").inserted {
            problem(policyFile, "default: \(message)")
        }
        for category in reader.categories.map(\.0.id) {
            for severity in Severity.allCases {
                let at = reader.policies.byPair[.init(category: category, severity: severity)]?.1
                    ?? reader.policies.byCategory[category]?.1 ?? policyFile
                for message in book.policy(for: category, severity: severity).problems
                where reported.insert("\(category):\(severity):\(message)").inserted {
                    problem(at, "\(category) at \(severity): \(message)")
                }
            }
        }
    }
}

extension SourceLocation {
    init(file: String, path: String, line: Int?) {
        self.file = file
        self.path = path
        self.line = line
    }
}
