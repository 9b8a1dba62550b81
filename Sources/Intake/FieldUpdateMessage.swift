import Foundation
import GridwatchDomain

/// A field update as it arrived: which case, what step, when the app says it was taken.
public struct FieldUpdateMessage: Hashable, Sendable {
    public var caseID: CaseID
    public var update: FieldUpdate
    public var sentAt: Date

    public init(caseID: CaseID, update: FieldUpdate, sentAt: Date) {
        self.caseID = caseID
        self.update = update
        self.sentAt = sentAt
    }
}
