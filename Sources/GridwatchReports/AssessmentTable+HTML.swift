import Foundation
import GridwatchDomain

extension AssessmentTable {
    /// One self-contained page: inline CSS, the table, and an inline SVG bar chart per rate.
    ///
    /// Nothing is loaded from elsewhere (no scripts, fonts or images), so the file can be mailed
    /// or opened on a machine without a network. The markup is also well-formed XML (XHTML
    /// syntax: every element closed, only XML's own entities) so tools can parse it.
    public func html(title: String? = nil) -> String {
        let heading = title ?? "考核 Assessment — \(level.chineseName) \(level)"
        let period = Markup.escape(periodText)
        var page = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(Markup.escape(heading)), \(period)</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>\(Markup.escape(heading))</h1>
            <p class="period">\(period) (end exclusive) · \(rows.count) units</p>

            """
        page += table()
        page += "<h2>图表 Chart</h2>\n<div class=\"charts\">\n"
        for rate in Rate.allCases { page += RateChart(rate: rate, rows: rows).svg() }
        page += "</div>\n"
        page += """
            <p class="legend">等级 grade: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E. 返工率 rework is graded on 1 − rate; \
            综合 score is the mean of the rates a unit has, rework counted as 1 − rate. \
            A rate with nothing to divide is shown as “–”, not as zero.</p>
            </body>
            </html>

            """
        return page
    }

    private func table() -> String {
        var html = "<table>\n<thead><tr><th>单位<br/>unit</th><th>名称<br/>name</th><th>派遣<br/>dispatched</th>"
        for rate in Rate.allCases { html += "<th>\(rate.chineseName)<br/>\(rate.englishName)</th>" }
        html += "<th>综合<br/>score</th><th>等级<br/>grade</th></tr></thead>\n<tbody>\n"
        for row in rows {
            html += "<tr data-unit=\"\(Markup.escape(row.unit.code))\">"
            html += "<td class=\"code\">\(Markup.escape(row.unit.code))</td>"
            html += "<td class=\"name\">\(Markup.escape(row.name ?? ""))</td>"
            html += "<td class=\"num\">\(row.card.dispatched)</td>"
            for rate in Rate.allCases {
                html += Self.rateCell(rate.value(of: row.card), grade: rate.grade(of: row.card), rate: rate.rawValue)
            }
            html += Self.rateCell(row.score, grade: row.grade, rate: "score")
            html += "<td class=\"grade\(row.grade.map { " grade-\($0)" } ?? "")\">\(row.grade ?? "–")</td>"
            html += "</tr>\n"
        }
        if rows.isEmpty { html += "<tr><td colspan=\"10\">no \(level) had cases in this period</td></tr>\n" }
        html += "</tbody>\n</table>\n"
        return html
    }

    private static func rateCell(_ value: Double?, grade: String?, rate: String) -> String {
        guard let value, let grade else { return "<td class=\"num none\" data-rate=\"\(rate)\">–</td>" }
        return "<td class=\"num grade-\(grade)\" data-rate=\"\(rate)\" data-value=\(Markup.attribute(fraction(value)))>\(percent(value))</td>"
    }

    private static let style = """
        body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}\
        h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}.period,.legend{color:#555}\
        table{border-collapse:collapse;font-size:.9em}th,td{border:1px solid #ccc;padding:.3em .6em}\
        th{background:#f3f3f3;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}\
        td.code{font-family:monospace}td.grade{text-align:center;font-weight:700}\
        .grade-A{background:#d8f0d8}.grade-B{background:#e8f4d0}.grade-C{background:#fff4c8}\
        .grade-D{background:#ffe0c0}.grade-E{background:#f8d0d0}\
        .charts{display:flex;flex-wrap:wrap;gap:1.5em}svg{font-size:11px}\
        rect.bar.grade-A{fill:#3a8f3a}rect.bar.grade-B{fill:#7ab648}rect.bar.grade-C{fill:#e0b400}\
        rect.bar.grade-D{fill:#e07b00}rect.bar.grade-E{fill:#c83232}line.band{stroke:#bbb;stroke-dasharray:2 2}
        """
}

/// Escaping for text and attribute values, in one place.
enum Markup {
    /// `&`, `<`, `>`, `"` and `'` as entities XML and HTML both know.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A quoted attribute value.
    static func attribute(_ value: String) -> String { "\"" + escape(value) + "\"" }
}
