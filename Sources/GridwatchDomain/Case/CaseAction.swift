import Foundation

/// A side effect the machine asks for. The daemon performs these through its outbox; the machine
/// itself never sends, sleeps or stores.
public enum CaseAction: Hashable, Sendable, Codable {
    case notify(Notification)
    /// Call `deadlinePassed(_:now:)` with this id at or after `at`.
    case scheduleDeadline(Deadline)
    /// Forget a scheduled deadline. Firing it anyway is harmless: the machine ignores stale ids.
    case cancelDeadline(DeadlineID)
    /// Append to the case's history and publish.
    case emit(CaseEvent)
    /// The input was refused; the state is unchanged. Reported back to the sender.
    case reject(Rejection)
}

/// A deadline's identifier: case id + sequence.
public struct DeadlineID: StringIdentifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A point in time at which the case must have moved on.
public struct Deadline: Hashable, Sendable, Codable {
    public enum Kind: Hashable, Sendable, Codable {
        /// The level holding the case must sign for it (签收); at the top level this is a reminder.
        case signFor(Level)
        /// The level must have handled it.
        case resolve(Level)
        /// A sent-back case must have been re-dispatched.
        case redispatch(Level)
        /// A parked case is reviewed (and someone reminded).
        case parkedReview(Level)
        /// A supervisor must have verified the handling.
        case verify(Level)
        /// A summoned department must have reported in (报到).
        case reportIn(DepartmentID)
    }

    public var id: DeadlineID
    public var kind: Kind
    public var at: Date

    public init(id: DeadlineID, kind: Kind, at: Date) {
        self.id = id
        self.kind = kind
        self.at = at
    }
}

/// Why an input was refused: a stable code for a reply header and a human detail that never
/// contains message payload.
public struct Rejection: Hashable, Sendable, Codable, Error, CustomStringConvertible {
    public enum Code: String, CaseIterable, Hashable, Sendable, Codable {
        /// The sender holds no role that entitles them to this step on this case.
        case notEntitled
        /// The step makes no sense in the case's current phase.
        case notInPhase
        /// The person who handled a case may not verify it.
        case handlerCannotVerify
        /// An extension must move the deadline later, and there must be a request to approve.
        case invalidExtension
        /// The department is unknown, not summoned, or already reported in.
        case invalidDepartment
        /// The level named is outside what the sender or the policy allows.
        case invalidLevel
        /// The case has ended; a new report should open a new case.
        case caseEnded
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}
