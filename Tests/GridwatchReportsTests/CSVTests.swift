import Foundation
import GridwatchDomain
@testable import GridwatchReports
import Testing

@Suite("CSV")
struct CSVTests {
    @Test("fields are quoted only when they hold a comma, a quote or a line break; quotes are doubled",
          arguments: [
              ("东直门街道", "东直门街道"),
              ("a,b", "\"a,b\""),
              ("say \"hi\"", "\"say \"\"hi\"\"\""),
              ("two\nlines", "\"two\nlines\""),
              ("crlf\r\nend", "\"crlf\r\nend\""),
              ("", ""),
          ])
    func quoting(value: String, field: String) {
        #expect(AssessmentTable.csvField(value) == field)
    }

    @Test("a header and one CRLF-terminated record per unit, rates as fractions, empty when undefined")
    func records() {
        let names = [ReportFixture.unit("110101008001"): "工人体育馆社区, 北区", ReportFixture.unit("110101008002"): "新中街\"社区\""]
        let csv = ReportFixture.table(names: names).csv()
        let records = csv.components(separatedBy: "\r\n")
        #expect(records.count == 4, "header, two units, and the empty string after the last CRLF")
        #expect(records[0].hasPrefix("level,code,name,dispatched,"))
        #expect(records[0].hasSuffix("response_rate,resolution_rate,satisfaction_rate,on_time_rate,rework_rate,score,grade"))
        #expect(records[1] == "community,110101008001,\"工人体育馆社区, 北区\",10,9,8,5,8,4,3,1,0,0.9000,0.8000,0.7500,0.6250,0.1250,0.7900,B")
        #expect(records[2] == "community,110101008002,\"新中街\"\"社区\"\"\",4,0,0,0,0,0,0,0,0,0.0000,0.0000,,,,0.0000,E")
        #expect(records[3] == "")
    }
}
