import Foundation
import GridwatchDomain

extension CaseStore {
    /// The history and unit chain of every case opened before `end`: what `Assessment.compute`
    /// needs for a period ending there. A case opened earlier may still have events inside the
    /// period, so nothing opened before the period's start is left out.
    public func assessmentRecords(openedBefore end: Date) throws(StoreError) -> [Assessment.CaseRecord] {
        var filter = CaseFilter()
        filter.openedBefore = end
        filter.limit = Int(Int32.max)
        var records: [Assessment.CaseRecord] = []
        for summary in try cases(filter) {
            guard let detail = try caseDetail(summary.id) else { continue }  // cannot vanish: cases are never deleted
            records.append(Assessment.CaseRecord(chain: detail.machine.context.chain, history: detail.history))
        }
        return records
    }
}
