import Foundation
import GridwatchDomain

/// Where something was written, for problems found after reading.
struct SourceLocation: Hashable {
    var file: String
    var path: String
    var line: Int?

    init(_ cursor: YAMLCursor) {
        file = cursor.file
        path = cursor.path
        line = cursor.line
    }
}

/// Reads the YAML sections into domain values, remembering where every definition and every
/// reference was written so the validator can point at them.
struct ConfigurationReader {
    enum ReferenceKind: String { case person, department, category, grid }

    struct Reference {
        var kind: ReferenceKind
        var id: String
        var at: SourceLocation
    }

    let sink: ProblemSink
    var people: [(Person, SourceLocation)] = []
    var districts: [(District, SourceLocation)] = []
    var departments: [(Department, SourceLocation)] = []
    var devices: [(Device, SourceLocation)] = []
    var categories: [(Category, SourceLocation)] = []
    var policies = PolicySections()
    var references: [Reference] = []
    /// Building references from devices: (grid, building, where).
    var buildingReferences: [(GridCode, BuildingID, SourceLocation)] = []
    /// Unit codes as written, with where: checked for shape and uniqueness.
    var unitCodes: [(level: String, code: String, parent: String?, at: SourceLocation)] = []
    var correlationWindow: TimeInterval = 1800
    var limits = GridwatchConfiguration.Limits()
    var daemon = DaemonSettings()
    var seenSections: Set<String> = []

    init(sink: ProblemSink) { self.sink = sink }

    static let domainSections: Set<String> = ["people", "districts", "departments", "devices", "categories", "policies"]
    /// Sections of the main file that belong to the daemon, not to the domain; left alone here.
    static let daemonSections: Set<String> = ["broker", "store", "outbox", "metrics", "daemon"]

    mutating func readMain(file: String, text: String, include: (String) -> String?) {
        guard let root = compose(text, file: file, sink: sink) else { return }
        let allowed = Self.domainSections.union(Self.daemonSections).union(["include", "correlation", "limits"])
        guard let entries = root.mapping(allowed: allowed) else { return }
        readSections(entries)
        if let c = root.field("correlation", in: entries, required: false), let e = c.mapping(allowed: ["window"]) {
            if let w = c.field("window", in: e, required: true)?.duration() { correlationWindow = w }
        }
        if let l = root.field("limits", in: entries, required: false) { readLimits(l) }
        readDaemonSections(root, entries)
        guard let includes = root.field("include", in: entries, required: false)?.sequence() else { return }
        for item in includes {
            guard let name = item.string() else { continue }
            guard !name.contains("/"), !name.hasPrefix(".") else {
                item.problem("included files must sit next to the main file")
                continue
            }
            guard let included = include(name) else {
                item.problem("cannot read included file '\(name)'")
                continue
            }
            guard let doc = compose(included, file: name, sink: sink), let e = doc.mapping(allowed: Self.domainSections) else { continue }
            readSections(e)
        }
    }

    private mutating func readSections(_ entries: [(key: String, value: YAMLCursor)]) {
        for (key, value) in entries {
            guard Self.domainSections.contains(key) else { continue }
            if !seenSections.insert(key).inserted { value.problem("section '\(key)' is defined in more than one file") }
            switch key {
            case "people": value.sequence()?.forEach { readPerson($0) }
            case "districts": value.sequence()?.forEach { readDistrict($0) }
            case "departments": value.sequence()?.forEach { readDepartment($0) }
            case "devices": value.sequence()?.forEach { readDevice($0) }
            case "categories": value.sequence()?.forEach { readCategory($0) }
            case "policies": readPolicies(value)
            default: break
            }
        }
    }

    private mutating func readLimits(_ c: YAMLCursor) {
        guard let e = c.mapping(allowed: ["maxMessageBytes", "maxTextLength", "maxClockSkew", "maxAge"]) else { return }
        if let v = c.field("maxMessageBytes", in: e, required: false)?.int(in: 1024...1_048_576) { limits.maxMessageBytes = v }
        if let v = c.field("maxTextLength", in: e, required: false)?.int(in: 1...65536) { limits.maxTextLength = v }
        if let v = c.field("maxClockSkew", in: e, required: false)?.duration() { limits.maxClockSkew = v }
        if let v = c.field("maxAge", in: e, required: false)?.duration() { limits.maxAge = v }
    }

    mutating func refer(_ kind: ReferenceKind, _ id: String, at cursor: YAMLCursor) {
        references.append(Reference(kind: kind, id: id, at: SourceLocation(cursor)))
    }

    /// Builds the domain values from what was read; duplicates are kept here and reported by
    /// the validator (the hierarchy's own indices take the first).
    func build() -> GridwatchConfiguration {
        GridwatchConfiguration(
            hierarchy: Hierarchy(districts: districts.map(\.0), people: people.map(\.0)),
            departments: departments.map(\.0), devices: devices.map(\.0), categories: categories.map(\.0),
            policies: policies.book(), correlationWindow: correlationWindow, limits: limits, daemon: daemon)
    }
}
