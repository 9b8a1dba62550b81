import Foundation

extension CaseMachine {
    /// Everything of a machine but its `CaseContext`: what changes as the case moves.
    ///
    /// The context (the unit chain, the people at each level, the policies, the departments) is
    /// fixed when the case opens and is most of a machine's encoded size; cases of one grid and
    /// category share the same one. A store can therefore keep the context once and save only
    /// the progress at each step, and put the two back together with `init(context:progress:)`.
    public struct Progress: Hashable, Sendable, Codable {
        let id: CaseID
        let severity: Severity
        let reports: [MergedReport]
        let history: [CaseEvent]
        let reworkCount: Int
        let state: State
        let phaseDeadline: Deadline?
        let summons: [DepartmentID: Summon]
        let pendingExtension: Date?
        let repeatsSinceRaise: Int
        let sequence: Int
        let statedDeadline: Date?

        /// The case this is the progress of.
        public var caseID: CaseID { id }
    }

    public var progress: Progress {
        Progress(
            id: id, severity: severity, reports: reports, history: history, reworkCount: reworkCount, state: state,
            phaseDeadline: phaseDeadline, summons: summons, pendingExtension: pendingExtension,
            repeatsSinceRaise: repeatsSinceRaise, sequence: sequence, statedDeadline: statedDeadline)
    }

    /// The machine whose context is `context` and whose progress is `progress`.
    public init(context: CaseContext, progress: Progress) {
        id = progress.id
        self.context = context
        severity = progress.severity
        reports = progress.reports
        history = progress.history
        reworkCount = progress.reworkCount
        state = progress.state
        phaseDeadline = progress.phaseDeadline
        summons = progress.summons
        pendingExtension = progress.pendingExtension
        repeatsSinceRaise = progress.repeatsSinceRaise
        sequence = progress.sequence
        statedDeadline = progress.statedDeadline
    }
}
