@testable import CaseStore
import Foundation
import GridwatchDomain
import Testing

/// The store filters history by its `kind` column with `Assessment.countedKinds`; those names
/// must be the column's spellings of the kinds `Assessment.add` counts.
@Suite struct CountedKindTests {
    @Test func everyCountedKindIsAColumnSpelling() {
        let t = Date(timeIntervalSince1970: 0)
        let counted: [CaseEvent.Kind] = [
            .dispatched(level: .grid, signForBy: t), .signedFor(level: .grid, by: "w", inTime: true),
            .handled(level: .grid, by: "w", inTime: true, note: ""), .verificationFailed(by: "s", note: ""),
            .closed(level: .grid), .rated(satisfied: true), .reopened(level: .grid), .closedAsFalseAlarm,
        ]
        #expect(Set(counted.map(\.storeName)) == Assessment.countedKinds)
        #expect(!Assessment.countedKinds.contains(CaseEvent.Kind.opened(source: "s", severity: .normal).storeName))
    }
}
