import Foundation
import GridConfig
import GridwatchDomain
import Testing

/// Configuration files built to hurt the loader: deep nesting, alias bombs, numbers and durations
/// beyond range, duplicate keys, bytes that are not UTF-8, and thousands of seeded random edits
/// of a small valid configuration. The loader answers each with located problems, quickly, and
/// never crashes (these tests run on the cooperative pool's threads, as a reload does).
@Suite("Hostile configuration")
struct HostileConfigurationTests {
    static let main = """
        include: [hierarchy.yaml, rest.yaml]
        correlation: {window: 30m}
        limits: {maxMessageBytes: 65536, maxTextLength: 4000, maxClockSkew: 5m, maxAge: 7d}
        daemon:
          trust: {guest: [hotline, alarm, camera, care, field, callback]}
        """

    static let hierarchy = """
        people:
          - {id: w1, name: 网格员, phone: "13800000001", channels: [app]}
          - {id: s1, name: 监督员, phone: "13800000006", channels: [sms]}
          - {id: h1, name: 站长, phone: "13800000002", channels: [sms]}
          - {id: d1, name: 值班员, phone: "13800000003", channels: [voice, sms], roster: [{days: [1, 2, 3, 4, 5], from: "08:00", to: "20:00"}]}
          - {id: c1, name: 指挥中心, phone: "13800000004", channels: [app]}
          - {id: g1, name: 燃气抢修, phone: "13800000005", channels: [sms]}
        districts:
          - code: "110101"
            name: 东城区
            staff: {districtCommandCentre: c1}
            streets:
              - code: "110101008"
                name: 东直门街道
                staff: {streetDutyOfficer: d1}
                communities:
                  - code: "110101008001"
                    name: 工人体育馆社区
                    staff: {stationHead: h1}
                    grids:
                      - code: "110101008001001"
                        name: 第1网格
                        staff: {gridWorker: w1, gridSupervisor: s1}
                        boundary: [[39.93, 116.42], [39.93, 116.424], [39.934, 116.424]]
                        buildings:
                          - {id: b-38, name: 38号楼, addresses: [工体北路38号楼], staff: {buildingCaptain: w1}}
        """

    static let rest = """
        departments:
          - {id: gas, name: 燃气公司 R&D & 抢修, kind: gas, categories: [hotline.gas-leak], contacts: [g1]}
        categories:
          - {id: hotline.gas-leak, name: 燃气泄漏, kind: hotline, code: gas-leak, severity: critical, incident: gas-leak}
          - {id: alarm.combustible-gas, name: 可燃气体报警, kind: alarm, code: combustible-gas, severity: critical, incident: gas-leak}
          - {id: camera.smoke, name: 烟雾, kind: camera, code: smoke, severity: high}
        devices:
          - {id: gas-38, kind: alarm, grid: "110101008001001", building: b-38, coordinate: [39.931, 116.421]}
        policies:
          default: {signFor: {grid: 2h}, resolve: {grid: 3d}, reminderEvery: 4h}
          severities:
            critical: {notifyAtOnce: [community, street], summonOwners: true, reportInWithin: 30m}
          categories:
            hotline.gas-leak: {resolve: {grid: 2h}}
          overrides:
            - {category: alarm.combustible-gas, severity: critical, summon: [gas]}
        """

    /// Problems of `text` as the main file with the small configuration's files to include;
    /// empty when it is valid.
    static func problems(main text: String = main, hierarchy: String = hierarchy, rest: String = rest) -> [ConfigurationProblem] {
        let files = ["hierarchy.yaml": hierarchy, "rest.yaml": rest]
        do {
            _ = try GridwatchConfiguration.parse(mainFile: "gridwatch.yaml", text: text) { files[$0] }
            return []
        } catch {
            return error.problems
        }
    }

    @Test("the small configuration is valid, names with '&' in them included")
    func smallIsValid() {
        #expect(Self.problems().isEmpty, "\(Self.problems())")
    }

    @Test("a hundred thousand levels of nesting, and just under the YAML library's thousand, are problems, not crashes", arguments: [
        "people: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
        String(repeating: "[", count: 100_000),
        "people:\n" + String(repeating: "- ", count: 100_000) + "x",
        "people: " + String(repeating: "[", count: 998) + String(repeating: "]", count: 998),
        "people:\n" + String(repeating: "- ", count: 990) + "x",
        "people: " + String(repeating: "{a: ", count: 990) + "1" + String(repeating: "}", count: 990),
        (0..<990).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x",
    ])
    func deepNesting(_ text: String) {
        let started = ContinuousClock.now
        let problems = Self.problems(main: text)
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { $0.file == "gridwatch.yaml" || $0.file == "(configuration)" })
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test("anchors are refused at their line before the YAML library sees them, so an alias bomb costs nothing")
    func aliasBomb() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 { lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]") }
        lines.append("? *a9\n: 1")
        let started = ContinuousClock.now
        let problems = Self.problems(main: lines.joined(separator: "\n"))
        #expect(ContinuousClock.now - started < .seconds(1), "a key standing for 10^10 nodes would take hours to hash")
        let anchor = try #require(problems.first)
        #expect(anchor.line == 1 && anchor.message.contains("anchors and aliases"), "\(problems)")
        // Streets that are aliases of one street with aliased communities: the reader would walk every copy.
        let copies = Self.hierarchy.replacingOccurrences(of: "      - code: \"110101008\"", with: "      - &street\n        code: \"110101008\"")
        let line = try #require(Self.problems(hierarchy: copies).first { $0.message.contains("anchors") }?.line)
        #expect(line == 13)
    }

    @Test("'&' that cannot start an anchor is text", arguments: ["R&D", "燃气 & 抢修", "研发&测试", "\"&\"", "a&b-c", "'& b'"])
    func ampersands(_ name: String) {
        let rest = Self.rest.replacingOccurrences(of: "燃气公司 R&D & 抢修", with: name)
        #expect(Self.problems(rest: rest).isEmpty, "\(Self.problems(rest: rest))")
    }

    @Test("anchor-like text is refused even where it would be harmless, naming the line", arguments: ["\"x &a\"", "'&id'", "# &note"])
    func anchorLikeText(_ text: String) {
        let main = Self.main + "\n" + (text.hasPrefix("#") ? text : "correlation2: \(text)")
        let problems = Self.problems(main: main)
        #expect(problems.contains { $0.line == 6 && $0.message.contains("anchors") }, "\(problems)")
    }

    @Test("numbers and durations beyond range are problems at their key", arguments: [
        ("limits: {maxMessageBytes: 99999999999999999999999999}", "limits.maxMessageBytes", "expected an integer"),
        ("limits: {maxMessageBytes: 1e400}", "limits.maxMessageBytes", "expected an integer"),
        ("limits: {maxTextLength: -9223372036854775808}", "limits.maxTextLength", "must be within"),
        ("limits: {maxAge: 99999999999w}", "limits.maxAge", "positive duration"),
        ("correlation: {window: 0s}", "correlation.window", "positive duration"),
        ("correlation: {window: .inf}", "correlation.window", "positive duration"),
    ])
    func hugeNumbers(_ text: String, _ path: String, _ fragment: String) {
        let problems = Self.problems(main: "include: [hierarchy.yaml, rest.yaml]\n" + text)
        #expect(problems.contains { $0.path == path && $0.message.contains(fragment) }, "\(problems)")
    }

    @Test("a coordinate of 1e400 or NaN is not a number")
    func hugeCoordinates() {
        for value in ["1e400", ".nan", "-.inf"] {
            let rest = Self.rest.replacingOccurrences(of: "coordinate: [39.931, 116.421]", with: "coordinate: [\(value), 116.421]")
            #expect(Self.problems(rest: rest).contains { $0.path == "devices[0].coordinate[0]" && $0.message == "expected a number" })
        }
    }

    @Test("a key written twice in one mapping is named, with its line")
    func duplicateKeys() {
        let problems = Self.problems(main: Self.main + "\ncorrelation: {window: 1h}")
        #expect(problems.contains { $0.message == "duplicate key 'correlation' in one mapping" && $0.line == 2 }, "\(problems)")
    }

    @Test("a file that is not UTF-8 cannot be read; the problem says so")
    func invalidUTF8() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(Self.main.utf8).write(to: directory.appendingPathComponent("gridwatch.yaml"))
        try Data(Self.hierarchy.utf8).write(to: directory.appendingPathComponent("hierarchy.yaml"))
        try Data(Array(Self.rest.utf8) + [0xFF, 0xC0, 0x80]).write(to: directory.appendingPathComponent("rest.yaml"))
        do {
            _ = try GridwatchConfiguration.load(contentsOf: directory.appendingPathComponent("gridwatch.yaml"))
            Issue.record("loaded a file that is not UTF-8")
        } catch {
            #expect(error.problems.contains { $0.message == "cannot read included file 'rest.yaml'" }, "\(error)")
        }
    }
}
