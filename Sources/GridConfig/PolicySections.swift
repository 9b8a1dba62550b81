import Foundation
import GridwatchDomain

/// The `policies` section as read: a default laid over the built-in general policy, then
/// overrides by severity, by category, and by category × severity.
struct PolicySections {
    var base = PolicyOverride()
    var bySeverity: [Severity: PolicyOverride] = [:]
    var byCategory: [CategoryID: (PolicyOverride, SourceLocation)] = [:]
    var byPair: [PolicyBook.Key: (PolicyOverride, SourceLocation)] = [:]
    /// Departments named in `summon`, for the validator.
    var summoned: [(DepartmentID, SourceLocation)] = []

    func book() -> PolicyBook {
        PolicyBook(
            base: base.applied(to: PolicyBook.generalDefault), bySeverity: bySeverity,
            byCategory: byCategory.mapValues(\.0), byCategoryAndSeverity: byPair.mapValues(\.0))
    }
}

extension ConfigurationReader {
    static let levels = Dictionary(uniqueKeysWithValues: Level.allCases.map { ($0.description, $0) })
    static let policyKeys: Set<String> = [
        "startLevel", "notifyAtOnce", "signFor", "resolve", "topLevel", "reminderEvery", "summon", "summonOwners",
        "reportInWithin", "verifyWithin", "redispatchWithin", "raiseSeverityAfter",
    ]

    mutating func readPolicies(_ c: YAMLCursor) {
        guard let e = c.mapping(allowed: ["default", "severities", "categories", "overrides"]) else { return }
        if let d = c.field("default", in: e, required: false), let o = readOverride(d, extra: []) { policies.base = o }
        if let s = c.field("severities", in: e, required: false), let entries = s.mapping(allowed: Set(Self.severities.keys)) {
            for (key, value) in entries {
                if let severity = Self.severities[key], let o = readOverride(value, extra: []) { policies.bySeverity[severity] = o }
            }
        }
        if let s = c.field("categories", in: e, required: false), let entries = s.mapping() {
            for (key, value) in entries {
                refer(.category, key, at: value)
                if let o = readOverride(value, extra: []) { policies.byCategory[CategoryID(key)] = (o, SourceLocation(value)) }
            }
        }
        for item in c.field("overrides", in: e, required: false)?.sequence() ?? [] {
            guard let ie = item.mapping(allowed: Self.policyKeys.union(["category", "severity"])) else { continue }
            let category = item.field("category", in: ie, required: true)?.string(maxLength: 64)
            let severity = item.field("severity", in: ie, required: true)?.choice(Self.severities)
            if let category, let cc = item.field("category", in: ie, required: true) { refer(.category, category, at: cc) }
            guard let o = readOverride(item, extra: ["category", "severity"]), let category, let severity else { continue }
            let key = PolicyBook.Key(category: CategoryID(category), severity: severity)
            if policies.byPair[key] != nil { item.problem("a second override for \(category) at \(severity)") }
            policies.byPair[key] = (o, SourceLocation(item))
        }
    }

    private mutating func readOverride(_ c: YAMLCursor, extra: Set<String>) -> PolicyOverride? {
        guard let e = c.mapping(allowed: Self.policyKeys.union(extra)) else { return nil }
        var o = PolicyOverride()
        o.startLevel = c.field("startLevel", in: e, required: false)?.choice(Self.levels)
        o.topLevel = c.field("topLevel", in: e, required: false)?.choice(Self.levels)
        if let n = c.field("notifyAtOnce", in: e, required: false), let items = n.sequence() {
            o.notifyAtOnce = items.compactMap { $0.choice(Self.levels) }
        }
        o.signForWithin = c.field("signFor", in: e, required: false).flatMap(readLevelDurations)
        o.resolveWithin = c.field("resolve", in: e, required: false).flatMap(readLevelDurations)
        o.reminderInterval = c.field("reminderEvery", in: e, required: false)?.duration()
        if let s = c.field("summon", in: e, required: false), let items = s.strings(maxLength: 64) {
            o.summon = items.map { DepartmentID($0) }
            for item in items {
                refer(.department, item, at: s)
                policies.summoned.append((DepartmentID(item), SourceLocation(s)))
            }
        }
        o.summonOwners = c.field("summonOwners", in: e, required: false)?.bool()
        o.reportInWithin = c.field("reportInWithin", in: e, required: false)?.duration()
        o.verifyWithin = c.field("verifyWithin", in: e, required: false)?.duration()
        o.redispatchWithin = c.field("redispatchWithin", in: e, required: false)?.duration()
        o.raiseSeverityAfter = c.field("raiseSeverityAfter", in: e, required: false)?.int(in: 0...1000)
        return o
    }

    private func readLevelDurations(_ c: YAMLCursor) -> [Level: TimeInterval]? {
        guard let entries = c.mapping(allowed: Set(Self.levels.keys)) else { return nil }
        var table: [Level: TimeInterval] = [:]
        for (key, value) in entries {
            if let level = Self.levels[key], let d = value.duration() { table[level] = d }
        }
        return table
    }
}
