import Foundation
import GridwatchDomain

extension CaseStore {
    /// The history and unit chain of every case that can count in `period`: opened before its
    /// end, with activity at or after its start. A case opened earlier may still have events
    /// inside the period, so it is kept; a case quiet since before the period has no event in it
    /// (events are never later than a case's `updated_at`), so it is not read at all: the
    /// rates are computed from the cases of one period, not from every case ever kept.
    public func assessmentRecords(for period: Range<Date>) throws(StoreError) -> [Assessment.CaseRecord] {
        var filter = CaseFilter()
        filter.openedBefore = period.upperBound
        filter.updatedSince = period.lowerBound
        filter.limit = Int(Int32.max)
        var records: [Assessment.CaseRecord] = []
        for summary in try cases(filter) {
            guard let detail = try caseDetail(summary.id) else { continue }  // cannot vanish: cases are never deleted
            records.append(Assessment.CaseRecord(chain: detail.machine.context.chain, history: detail.history))
        }
        return records
    }

    /// Scorecards from `assessmentRecords(for:)`: every record at once, for stores without a
    /// streaming count of their own.
    public func scorecards(for period: Range<Date>, isCancelled: () -> Bool) throws(StoreError)
        -> [Assessment.Unit: Assessment.Scorecard]
    {
        Assessment.compute(try assessmentRecords(for: period), period: period)
    }
}
