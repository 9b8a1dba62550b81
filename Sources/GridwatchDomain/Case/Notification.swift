/// A message to people, with the reason so templates and reports can tell dispatch from escalation.
public struct Notification: Hashable, Sendable, Codable {
    public enum Reason: String, CaseIterable, Hashable, Sendable, Codable {
        /// You hold this case now.
        case dispatched
        /// The case climbed to you because the level below missed a deadline.
        case escalated
        /// A copy: a case you know of moved (escalated above you, emergency at another level).
        case informed
        /// The case still waits on you; sent at the top level and for parked cases.
        case reminder
        /// Your department is summoned: report in (报到).
        case summoned
        /// A summoned department has not reported in.
        case summonOverdue
        /// A case was sent back (退单) and needs re-dispatch.
        case sentBack
        /// An extension was asked for and needs approval.
        case extensionRequested
        /// A handled case awaits verification (核查).
        case verificationDue
        /// The citizen was not satisfied; the case is back with you as rework.
        case reopened
        /// Repeated reports raised the severity.
        case severityRaised
        /// The alarm was cancelled after sign-for; the case stays with you.
        case alarmCancelled
    }

    /// Case id + sequence: the outbox's deduplication key.
    public var id: String
    public var caseID: CaseID
    public var reason: Reason
    /// The level addressed, when the recipients are a level's staff.
    public var level: Level?
    public var department: DepartmentID?
    public var recipients: [Recipient]

    public init(id: String, caseID: CaseID, reason: Reason, level: Level?, department: DepartmentID? = nil, recipients: [Recipient]) {
        self.id = id
        self.caseID = caseID
        self.reason = reason
        self.level = level
        self.department = department
        self.recipients = recipients
    }
}

/// One person to reach, and how.
public struct Recipient: Hashable, Sendable, Codable {
    public var person: PersonID
    public var channels: [Channel]

    public init(person: PersonID, channels: [Channel]) {
        self.person = person
        self.channels = channels
    }
}
