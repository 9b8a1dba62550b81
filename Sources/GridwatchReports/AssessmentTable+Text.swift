import Foundation
import GridwatchDomain

extension AssessmentTable {
    /// A plain-text table for a terminal: columns aligned by display width, so Chinese names
    /// (two columns each in a monospaced font) line up with codes and numbers.
    public func text() -> String {
        var header = ["单位 unit", "名称 name", "派遣 dispatched"]
        header += Rate.allCases.map(\.chineseName)
        header += ["综合 score", "等级 grade"]
        var lines: [[String]] = [header]
        lines.append(["", "", ""] + Rate.allCases.map { $0.englishName.replacingOccurrences(of: " rate", with: "") } + ["", ""])
        for row in rows {
            var cells = [row.unit.code, row.name ?? "-", String(row.card.dispatched)]
            cells += Rate.allCases.map { Self.percent($0.value(of: row.card)) }
            cells += [Self.percent(row.score), row.grade ?? "-"]
            lines.append(cells)
        }
        let widths = header.indices.map { column in lines.map { Self.displayWidth($0[column]) }.max() ?? 0 }
        // Codes and names read left-aligned; counts and rates right-aligned.
        let rendered = lines.map { cells in
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - Self.displayWidth(cell))
                return column < 2 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
        let title = "\(level.chineseName) \(level) assessment, \(periodText) (\(rows.count) units)"
        let body = rows.isEmpty ? ["no \(level) had cases in this period"] : rendered.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
        return ([title] + body).joined(separator: "\n") + "\n"
    }

    /// `92.3%`, or `-` for a rate with nothing to divide.
    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "-" }
        return String(format: "%.1f%%", rate * 100)
    }

    /// Columns a string takes in a monospaced terminal: East Asian wide and fullwidth
    /// characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                width + 2
            case 0x0300...0x036F, 0x200B...0x200F:
                width
            default:
                width + 1
            }
        }
    }
}
