import Foundation
import GridwatchDomain
@testable import GridwatchReports

/// Tables with known counts, so every rate and grade in the output can be checked by hand.
enum ReportFixture {
    static let period = Date(timeIntervalSince1970: 1_793_462_400)..<Date(timeIntervalSince1970: 1_796_140_800)

    /// dispatched 10, signed in time 9 (90 % A), closed 8 (80 % B), rated 4 of which 3 satisfied
    /// (75 % B), handled 8 of which 5 in time (62.5 % C), reworked 1 (12.5 %, graded on 87.5 %: B).
    static var good: Assessment.Scorecard {
        var card = Assessment.Scorecard()
        card.dispatched = 10
        card.signedForInTime = 9
        card.closed = 8
        card.rated = 4
        card.satisfied = 3
        card.handled = 8
        card.handledInTime = 5
        card.reworked = 1
        return card
    }

    /// dispatched 4, nothing signed in time: response 0 % (E); no other rate.
    static var idle: Assessment.Scorecard {
        var card = Assessment.Scorecard()
        card.dispatched = 4
        return card
    }

    static func unit(_ code: String) -> Assessment.Unit { .init(level: .community, code: code) }

    static func table(names: [Assessment.Unit: String] = [:]) -> AssessmentTable {
        let cards: [Assessment.Unit: Assessment.Scorecard] = [
            unit("110101008001"): good,
            unit("110101008002"): idle,
            .init(level: .street, code: "110101008"): good,
        ]
        return AssessmentTable(cards, level: .community, period: period, names: names)
    }
}
