import Foundation

/// One entry of a case's history: what happened, when, by whom. Assessment is computed from these.
public struct CaseEvent: Hashable, Sendable, Codable {
    public enum Kind: Hashable, Sendable, Codable {
        case opened(source: String, severity: Severity)
        case dispatched(level: Level, signForBy: Date)
        case signedFor(level: Level, by: PersonID, inTime: Bool)
        case escalated(from: Level, to: Level, because: EscalationCause)
        case reminded(level: Level, because: EscalationCause)
        case sentBack(level: Level, by: PersonID, reason: String)
        case redispatched(level: Level, by: PersonID)
        case progress(by: PersonID, note: String)
        case extensionRequested(by: PersonID, until: Date, reason: String)
        case extensionGranted(by: PersonID, until: Date)
        case parked(level: Level, by: PersonID, reason: String)
        case resumed(by: PersonID)
        case handled(level: Level, by: PersonID, inTime: Bool, note: String)
        case verified(by: PersonID, note: String)
        case verificationFailed(by: PersonID, note: String)
        case closed(level: Level)
        case closedAsFalseAlarm
        case rated(satisfied: Bool)
        case reopened(level: Level)
        case merged(source: String)
        case severityRaised(from: Severity, to: Severity)
        case whistle(kind: WhistleKind, by: PersonID, departments: [DepartmentID])
        case summoned(DepartmentID)
        case reportedIn(DepartmentID, inTime: Bool)
        case summonOverdue(DepartmentID)
        case alarmCancelled(afterSignFor: Bool)
    }

    /// Why a case climbed or a reminder went out.
    public enum EscalationCause: String, CaseIterable, Hashable, Sendable, Codable {
        case signForOverdue, resolveOverdue, redispatchOverdue, verifyOverdue, parked
    }

    /// Case id + sequence.
    public var id: String
    public var caseID: CaseID
    public var at: Date
    public var kind: Kind

    public init(id: String, caseID: CaseID, at: Date, kind: Kind) {
        self.id = id
        self.caseID = caseID
        self.at = at
        self.kind = kind
    }
}
