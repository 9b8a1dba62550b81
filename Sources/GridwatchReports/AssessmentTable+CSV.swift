import Foundation
import GridwatchDomain

extension AssessmentTable {
    /// RFC 4180 CSV: CRLF line ends, a header row, fields quoted when they hold a comma, a quote
    /// or a line break, quotes doubled. Rates are fractions (0.9231), empty when there was nothing
    /// to divide, so a spreadsheet neither shows 0% nor fails to sum.
    public func csv() -> String {
        var header = ["level", "code", "name", "dispatched", "signed_for_in_time", "handled", "handled_in_time", "closed",
                      "rated", "satisfied", "reworked", "false_alarms"]
        header += Rate.allCases.map(\.key)
        header += ["score", "grade"]
        var records = [header]
        for row in rows {
            let card = row.card
            var fields = ["\(row.unit.level)", row.unit.code, row.name ?? ""]
            fields += [card.dispatched, card.signedForInTime, card.handled, card.handledInTime, card.closed,
                       card.rated, card.satisfied, card.reworked, card.falseAlarms].map(String.init)
            fields += Rate.allCases.map { Self.fraction($0.value(of: card)) }
            fields += [Self.fraction(row.score), row.grade ?? ""]
            records.append(fields)
        }
        return records.map { $0.map(Self.csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One field, quoted only when it must be.
    public static func csvField(_ value: String) -> String {
        // By scalar: Swift reads "\r\n" as one Character, equal to neither "\r" nor "\n".
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func fraction(_ rate: Double?) -> String {
        guard let rate else { return "" }
        return String(format: "%.4f", rate)
    }
}
