import Foundation

/// All escalation policies: a complete default and layers of overrides.
///
/// Resolution for (category, severity) applies, in order: the default, the severity's override,
/// the category's override, then the (category, severity) override. Later layers are more
/// specific, so a gas category's 24-hour deadline survives a generic "high" override but an
/// explicit "gas at critical" entry beats both.
public struct PolicyBook: Hashable, Sendable, Codable {
    /// A (category, severity) pair.
    public struct Key: Hashable, Sendable, Codable {
        public var category: CategoryID
        public var severity: Severity
        public init(category: CategoryID, severity: Severity) {
            self.category = category
            self.severity = severity
        }
    }

    public var base: EscalationPolicy
    public var bySeverity: [Severity: PolicyOverride]
    public var byCategory: [CategoryID: PolicyOverride]
    public var byCategoryAndSeverity: [Key: PolicyOverride]

    public init(
        base: EscalationPolicy, bySeverity: [Severity: PolicyOverride] = [:], byCategory: [CategoryID: PolicyOverride] = [:],
        byCategoryAndSeverity: [Key: PolicyOverride] = [:]
    ) {
        self.base = base
        self.bySeverity = bySeverity
        self.byCategory = byCategory
        self.byCategoryAndSeverity = byCategoryAndSeverity
    }

    public func policy(for category: CategoryID, severity: Severity) -> EscalationPolicy {
        var p = base
        if let o = bySeverity[severity] { p = o.applied(to: p) }
        if let o = byCategory[category] { p = o.applied(to: p) }
        if let o = byCategoryAndSeverity[Key(category: category, severity: severity)] { p = o.applied(to: p) }
        return p
    }

    static let minute: TimeInterval = 60
    static let hour: TimeInterval = 3600
    static let day: TimeInterval = 86400

    /// The deadlines of Beijing's 12345 service standard: seven days in general (3 + 2 + 1 + 1
    /// days from grid to district), with a reminder every four hours at the top.
    public static let generalDefault = EscalationPolicy(
        startLevel: .grid,
        notifyAtOnce: [],
        signForWithin: [.grid: 2 * hour, .community: 2 * hour, .street: 1 * hour, .district: 1 * hour],
        resolveWithin: [.grid: 3 * day, .community: 2 * day, .street: 1 * day, .district: 1 * day],
        topLevel: .district,
        reminderInterval: 4 * hour,
        summon: [],
        summonOwners: false,
        reportInWithin: 30 * minute,
        verifyWithin: 1 * day,
        redispatchWithin: 2 * hour,
        raiseSeverityAfter: 5
    )

    /// Emergency or risk to life or property: answered within two hours in all (1 h + 30 + 15 +
    /// 15 min), grid, community and street notified at once, the owning department summoned
    /// with 30 minutes to report in.
    public static let emergencyOverride = PolicyOverride(
        notifyAtOnce: [.community, .street],
        signForWithin: [.grid: 10 * minute, .community: 10 * minute, .street: 10 * minute, .district: 10 * minute],
        resolveWithin: [.grid: 1 * hour, .community: 30 * minute, .street: 15 * minute, .district: 15 * minute],
        reminderInterval: 15 * minute,
        summonOwners: true,
        reportInWithin: 30 * minute,
        verifyWithin: 2 * hour,
        redispatchWithin: 10 * minute,
        raiseSeverityAfter: 3
    )

    /// Water, power, gas and heating: 24 hours in all (12 + 6 + 3 + 3 h).
    public static let utilityOverride = PolicyOverride(
        signForWithin: [.grid: 1 * hour, .community: 1 * hour, .street: 1 * hour, .district: 1 * hour],
        resolveWithin: [.grid: 12 * hour, .community: 6 * hour, .street: 3 * hour, .district: 3 * hour],
        reminderInterval: 2 * hour
    )

    /// Complex matters: 15 days in all (7 + 4 + 2 + 2 days).
    public static let complexOverride = PolicyOverride(
        resolveWithin: [.grid: 7 * day, .community: 4 * day, .street: 2 * day, .district: 2 * day],
        reminderInterval: 1 * day
    )
}
