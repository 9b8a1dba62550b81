import Foundation
import GridwatchDomain
import Testing

@Suite("String identifiers")
struct StringIdentifierTests {
    @Test("encode as bare JSON strings, as the store and the wire expect, and decode back")
    func bareStrings() throws {
        let encoded = try JSONEncoder().encode([CaseID("GW-1")])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["GW-1"]"#)
        #expect(try JSONDecoder().decode([DeadlineID].self, from: Data(#"["GW-1/d2"]"#.utf8)) == [DeadlineID("GW-1/d2")])
        let people: [PersonID: Int] = ["gw-0007": 1]
        #expect(String(decoding: try JSONEncoder().encode(people), as: UTF8.self).contains("gw-0007"))
    }

    @Test("order and print by their text")
    func ordering() {
        #expect(DepartmentID("fire") < DepartmentID("gas-company"))
        #expect([DeviceID("b"), "a"].sorted() == ["a", "b"])
        #expect("\(CategoryID("hotline.noise"))" == "hotline.noise")
    }
}
