import Foundation

/// A partial policy: only what it sets overrides what it inherits, the way an alertmanager child
/// route copies its parent and changes only its own settings. Per-level tables merge per level.
public struct PolicyOverride: Hashable, Sendable, Codable {
    public var startLevel: Level?
    public var notifyAtOnce: [Level]?
    public var signForWithin: [Level: TimeInterval]?
    public var resolveWithin: [Level: TimeInterval]?
    public var topLevel: Level?
    public var reminderInterval: TimeInterval?
    public var summon: [DepartmentID]?
    public var summonOwners: Bool?
    public var reportInWithin: TimeInterval?
    public var verifyWithin: TimeInterval?
    public var redispatchWithin: TimeInterval?
    public var raiseSeverityAfter: Int?

    public init(
        startLevel: Level? = nil, notifyAtOnce: [Level]? = nil, signForWithin: [Level: TimeInterval]? = nil,
        resolveWithin: [Level: TimeInterval]? = nil, topLevel: Level? = nil, reminderInterval: TimeInterval? = nil,
        summon: [DepartmentID]? = nil, summonOwners: Bool? = nil, reportInWithin: TimeInterval? = nil,
        verifyWithin: TimeInterval? = nil, redispatchWithin: TimeInterval? = nil, raiseSeverityAfter: Int? = nil
    ) {
        self.startLevel = startLevel
        self.notifyAtOnce = notifyAtOnce
        self.signForWithin = signForWithin
        self.resolveWithin = resolveWithin
        self.topLevel = topLevel
        self.reminderInterval = reminderInterval
        self.summon = summon
        self.summonOwners = summonOwners
        self.reportInWithin = reportInWithin
        self.verifyWithin = verifyWithin
        self.redispatchWithin = redispatchWithin
        self.raiseSeverityAfter = raiseSeverityAfter
    }

    /// `base` with this override's settings laid over it.
    public func applied(to base: EscalationPolicy) -> EscalationPolicy {
        var p = base
        if let startLevel { p.startLevel = startLevel }
        if let notifyAtOnce { p.notifyAtOnce = notifyAtOnce }
        if let signForWithin { p.signForWithin.merge(signForWithin) { _, new in new } }
        if let resolveWithin { p.resolveWithin.merge(resolveWithin) { _, new in new } }
        if let topLevel { p.topLevel = topLevel }
        if let reminderInterval { p.reminderInterval = reminderInterval }
        if let summon { p.summon = summon }
        if let summonOwners { p.summonOwners = summonOwners }
        if let reportInWithin { p.reportInWithin = reportInWithin }
        if let verifyWithin { p.verifyWithin = verifyWithin }
        if let redispatchWithin { p.redispatchWithin = redispatchWithin }
        if let raiseSeverityAfter { p.raiseSeverityAfter = raiseSeverityAfter }
        return p
    }
}
