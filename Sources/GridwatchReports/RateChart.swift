import Foundation
import GridwatchDomain

/// A horizontal bar chart of one rate, one bar per unit, as inline SVG.
///
/// Bars are coloured by grade band, with dashed lines at the 60 % and 90 % bands. A unit with
/// nothing to divide gets no bar, only a dash, so it is not mistaken for a zero.
struct RateChart {
    var rate: AssessmentTable.Rate
    var rows: [AssessmentTable.Row]

    private let rowHeight = 18.0
    private let barHeight = 12.0
    private let barWidth = 200.0
    private let top = 24.0

    func svg() -> String {
        let labelWidth = Double(min(24, rows.map { AssessmentTable.displayWidth($0.label) }.max() ?? 4)) * 6.5 + 8
        let width = labelWidth + barWidth + 50
        let height = top + Double(rows.count) * rowHeight + 8
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-rate=\"\(rate.rawValue)\" "
            + "width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\">\n"
        svg += "<title>\(rate.chineseName) \(rate.englishName)</title>\n"
        svg += "<text x=\"0\" y=\"14\" font-weight=\"bold\">\(rate.chineseName) \(rate.englishName)</text>\n"
        for band in [0.6, 0.9] {
            let x = n(labelWidth + band * barWidth)
            svg += "<line class=\"band\" x1=\"\(x)\" y1=\"\(n(top - 4))\" x2=\"\(x)\" y2=\"\(n(height - 4))\"/>\n"
        }
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            let label = Markup.escape(Self.truncated(row.label))
            svg += "<text x=\"0\" y=\"\(n(y + barHeight - 2))\">\(label)</text>"
            if let value = rate.value(of: row.card), let grade = rate.grade(of: row.card) {
                svg += "<rect class=\"bar grade-\(grade)\" data-unit=\(Markup.attribute(row.unit.code)) "
                    + "data-value=\"\(AssessmentTable.fraction(value))\" x=\"\(n(labelWidth))\" y=\"\(n(y))\" "
                    + "width=\"\(n(value * barWidth))\" height=\"\(n(barHeight))\">"
                    + "<title>\(Markup.escape(row.label)): \(AssessmentTable.percent(value)) \(grade)</title></rect>"
                svg += "<text x=\"\(n(labelWidth + value * barWidth + 4))\" y=\"\(n(y + barHeight - 2))\">\(AssessmentTable.percent(value))</text>\n"
            } else {
                svg += "<text x=\"\(n(labelWidth + 4))\" y=\"\(n(y + barHeight - 2))\">–</text>\n"
            }
        }
        svg += "</svg>\n"
        return svg
    }

    /// Long names are cut so the bars keep their place; the full name is in the bar's tooltip.
    private static func truncated(_ label: String) -> String {
        var result = ""
        for character in label {
            if AssessmentTable.displayWidth(result + String(character)) > 22 { return result + "…" }
            result.append(character)
        }
        return result
    }

    private func n(_ value: Double) -> String { String(format: "%.1f", value) }
}
