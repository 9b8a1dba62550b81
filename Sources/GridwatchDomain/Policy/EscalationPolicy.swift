import Foundation

/// The fully resolved rules for one category at one severity: who hears of a case, how long each
/// level has, and how far it may climb.
///
/// Every field is set: inheritance (`PolicyOverride`, `PolicyBook`) happens before a policy
/// reaches a case, so the machine never has to ask "and if this is missing?".
public struct EscalationPolicy: Hashable, Sendable, Codable {
    /// The level that first holds the case. Above `grid` only where the policy deliberately skips levels.
    public var startLevel: Level
    /// Levels notified at dispatch besides the start level: an emergency starts at several at once.
    public var notifyAtOnce: [Level]
    /// Time from dispatch to a level until it must sign for (签收) the case.
    public var signForWithin: [Level: TimeInterval]
    /// Time from dispatch to a level until it must have handled the case (the stated deadline).
    public var resolveWithin: [Level: TimeInterval]
    /// The highest level the case may climb to; there it is reminded, never dropped.
    public var topLevel: Level
    /// Interval of reminders once at the top level, and for parked cases and missing report-ins.
    public var reminderInterval: TimeInterval
    /// Departments summoned at dispatch.
    public var summon: [DepartmentID]
    /// Whether the departments owning the category are summoned at dispatch too.
    public var summonOwners: Bool
    /// How long a summoned department has to report in (报到); Pinggu used 30 minutes.
    public var reportInWithin: TimeInterval
    /// How long a supervisor has to verify (核查) a handled case before being reminded.
    public var verifyWithin: TimeInterval
    /// How long a sent-back case may wait for re-dispatch before the level above takes it.
    public var redispatchWithin: TimeInterval
    /// Number of merged reports at which the severity is raised one step; 0 never raises.
    public var raiseSeverityAfter: Int

    public init(
        startLevel: Level, notifyAtOnce: [Level], signForWithin: [Level: TimeInterval], resolveWithin: [Level: TimeInterval],
        topLevel: Level, reminderInterval: TimeInterval, summon: [DepartmentID], summonOwners: Bool,
        reportInWithin: TimeInterval, verifyWithin: TimeInterval, redispatchWithin: TimeInterval, raiseSeverityAfter: Int
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

    /// The sign-for time at `level`; a level without its own entry uses the nearest one below,
    /// then the reminder interval, so a deadline always exists.
    public func signFor(at level: Level) -> TimeInterval { lookup(signForWithin, level) }

    /// The resolve time at `level`, with the same fallback as `signFor(at:)`.
    public func resolve(at level: Level) -> TimeInterval { lookup(resolveWithin, level) }

    private func lookup(_ table: [Level: TimeInterval], _ level: Level) -> TimeInterval {
        var probe: Level? = level
        while let l = probe {
            if let value = table[l] { return value }
            probe = l.below
        }
        return reminderInterval
    }

    /// Problems that make the policy unusable; empty when it is sound. Durations must be
    /// positive or a deadline would fire at the moment it is set and escalation would race.
    public var problems: [String] {
        var found: [String] = []
        if startLevel > topLevel { found.append("startLevel \(startLevel) is above topLevel \(topLevel)") }
        for (name, table) in [("signForWithin", signForWithin), ("resolveWithin", resolveWithin)] {
            for (level, value) in table.sorted(by: { $0.key < $1.key }) where !(value > 0 && value.isFinite) {
                found.append("\(name).\(level) must be a positive duration")
            }
        }
        for (name, value) in [
            ("reminderInterval", reminderInterval), ("reportInWithin", reportInWithin),
            ("verifyWithin", verifyWithin), ("redispatchWithin", redispatchWithin),
        ] where !(value > 0 && value.isFinite) {
            found.append("\(name) must be a positive duration")
        }
        if raiseSeverityAfter < 0 { found.append("raiseSeverityAfter must not be negative") }
        return found
    }
}
