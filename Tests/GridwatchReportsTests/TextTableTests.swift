import Foundation
import GridwatchDomain
@testable import GridwatchReports
import Testing

@Suite("Text table")
struct TextTableTests {
    @Test("Chinese characters take two columns, ASCII one")
    func widths() {
        #expect(AssessmentTable.displayWidth("东直门街道") == 10)
        #expect(AssessmentTable.displayWidth("110101008") == 9)
        #expect(AssessmentTable.displayWidth("响应率 response") == 15)
    }

    @Test("columns line up with Chinese names: every row is as wide as the header")
    func alignment() {
        let names = [ReportFixture.unit("110101008001"): "工人体育馆社区", ReportFixture.unit("110101008002"): "新中街"]
        let lines = ReportFixture.table(names: names).text().split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "title, two header lines, two units")
        let header = lines[1]
        for row in lines[3...] {
            #expect(AssessmentTable.displayWidth(row) == AssessmentTable.displayWidth(header), "\(row)")
        }
        #expect(lines[3].contains("工人体育馆社区"))
        #expect(lines[3].contains("79.0%") && lines[3].hasSuffix(" B"))
        #expect(lines[4].contains("0.0%") && lines[4].contains(" - "), "an undefined rate is a dash, not 0%")
    }

    @Test("an empty period says so")
    func empty() {
        let table = AssessmentTable([:], level: .street, period: ReportFixture.period)
        #expect(table.text().contains("no street had cases in this period"))
    }
}
