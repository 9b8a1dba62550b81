import Foundation
import GridwatchDomain
@testable import GridwatchReports
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("HTML page")
struct HTMLTests {
    @Test("the page is well-formed XML with one table row and one bar per unit in each rate's chart")
    func structure() throws {
        let names = [ReportFixture.unit("110101008001"): "工人体育馆社区", ReportFixture.unit("110101008002"): "新中街社区"]
        let page = try Page(ReportFixture.table(names: names).html())
        #expect(page.rows.map(\.unit) == ["110101008001", "110101008002"])
        #expect(page.rows[0].cells == ["110101008001", "工人体育馆社区", "10", "90.0%", "80.0%", "75.0%", "62.5%", "12.5%", "79.0%", "B"])
        #expect(page.rows[1].cells == ["110101008002", "新中街社区", "4", "0.0%", "0.0%", "–", "–", "–", "0.0%", "E"])
        #expect(page.charts.keys.sorted() == ["onTime", "resolution", "response", "rework", "satisfaction"])
        #expect(page.charts["response"]?.map(\.unit) == ["110101008001", "110101008002"])
        #expect(page.charts["response"]?.map(\.value) == ["0.9000", "0.0000"])
        #expect(page.charts["response"]?.map(\.grade) == ["A", "E"])
        #expect(page.charts["rework"]?.map(\.grade) == ["B"], "rework graded on 1 − rate; no bar without a rate")
        #expect(page.charts["satisfaction"]?.map(\.value) == ["0.7500"])
        #expect(page.headers.contains("响应率response rate") && page.headers.contains("返工率rework rate"))
    }

    @Test("names are escaped in the table and in the charts")
    func escaping() throws {
        let names = [ReportFixture.unit("110101008001"): "<script>alert('x')</script> & co"]
        let html = ReportFixture.table(names: names).html()
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"))
        let page = try Page(html)
        #expect(page.rows[0].cells[1] == "<script>alert('x')</script> & co")
    }

    @Test("nothing is loaded from elsewhere")
    func selfContained() {
        let html = ReportFixture.table().html()
        for outside in ["<script", "<link", "src=", "@import", "url(", "http://", "https://"] {
            #expect(!html.replacingOccurrences(of: "http://www.w3.org/", with: "").contains(outside), "\(outside)")
        }
    }

    /// What the tests read back from the page, parsed as XML.
    struct Page {
        struct Row {
            var unit: String
            var cells: [String]
        }
        struct Bar {
            var unit: String
            var value: String
            var grade: String
        }
        var rows: [Row] = []
        var headers: [String] = []
        var charts: [String: [Bar]] = [:]

        init(_ html: String) throws {
            let reader = Reader()
            let parser = XMLParser(data: Data(html.utf8))
            parser.delegate = reader
            guard parser.parse() else {
                throw ParseFailure(description: "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
            }
            rows = reader.rows
            headers = reader.headers
            charts = reader.charts
        }
    }

    struct ParseFailure: Error, CustomStringConvertible {
        var description: String
    }

    final class Reader: NSObject, XMLParserDelegate {
        var rows: [Page.Row] = []
        var headers: [String] = []
        var charts: [String: [Page.Bar]] = [:]
        private var chart: String?
        private var text: String?
        private var inBody = false

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch element {
            case "tbody": inBody = true
            case "tr" where inBody: if let unit = attributes["data-unit"] { rows.append(Page.Row(unit: unit, cells: [])) }
            case "td", "th": text = ""
            case "svg": chart = attributes["data-rate"]
            case "rect":
                guard let chart, let unit = attributes["data-unit"], let value = attributes["data-value"],
                      let grade = attributes["class"]?.split(separator: " ").first(where: { $0.hasPrefix("grade-") })
                else { return }
                charts[chart, default: []].append(Page.Bar(unit: unit, value: value, grade: String(grade.dropFirst(6))))
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text? += string }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            switch element {
            case "td":
                if inBody, let text, !rows.isEmpty { rows[rows.count - 1].cells.append(text) }
                text = nil
            case "th":
                if let text { headers.append(text) }
                text = nil
            case "tbody": inBody = false
            case "svg": chart = nil
            default: break
            }
        }
    }
}
