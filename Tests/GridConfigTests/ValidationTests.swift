import Foundation
import GridConfig
import GridwatchDomain
import Testing

/// Bad configuration is reported completely, with file and key path, and never crashes.
@Suite("Validation")
struct ValidationTests {
    static let main = """
        include: [hierarchy.yaml, rest.yaml]
        correlation: {window: 30m}
        broker: {url: "amqp://localhost"}
        """

    static let hierarchy = """
        people:
          - {id: w1, name: 网格员, phone: "13800000001", channels: [app]}
          - {id: h1, name: 站长, phone: "13800000002", channels: [sms]}
          - {id: d1, name: 值班员, phone: "13800000003", channels: [voice]}
          - {id: c1, name: 指挥中心, phone: "13800000004", channels: [app]}
          - {id: nochan, name: 无渠道, phone: "13800000005", channels: []}
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
                    name: 社区一
                    staff: {stationHead: h1}
                    grids:
                      - {code: "110101008001001", name: 一, staff: {gridWorker: w1}}
                      - {code: "110101008001001", name: 重复, staff: {gridWorker: w1}}
                      - {code: "11010100800100X", name: 坏码, staff: {gridWorker: w1}}
                      - {code: "110101008002003", name: 错社区, staff: {gridWorker: w1}}
                      - {code: "110101008001004", name: 无人, staff: {gridSupervisor: w1}}
                      - {code: "110101008001005", name: 未知人, staff: {gridWorker: ghost}}
                      - {code: "110101008001006", name: 错角色, staff: {stationHead: h1}}
        """

    static let rest = """
        departments:
          - {id: gas, name: 燃气, kind: gas, categories: [hotline.gas-leak, hotline.nonexistent], contacts: [w1]}
        categories:
          - {id: hotline.gas-leak, name: 燃气泄漏, kind: hotline, code: gas-leak, severity: critical}
          - {id: camera.bogus, name: 假, kind: camera, code: unicorn, severity: low}
        devices:
          - {id: dev1, kind: alarm, grid: "110101008001001", building: nowhere}
          - {id: dev2, kind: toaster, grid: "110101008009009"}
        policies:
          default: {reminderEvery: 0m, topLevel: street}
          categories:
            hotline.unknown: {resolve: {grid: 1h}}
          overrides:
            - {category: hotline.gas-leak, severity: critical, summon: [nobody], startLevel: district}
        """

    static func problems() -> [ConfigurationProblem] {
        let files = ["hierarchy.yaml": hierarchy, "rest.yaml": rest]
        do {
            _ = try GridwatchConfiguration.parse(mainFile: "gridwatch.yaml", text: main) { files[$0] }
            return []
        } catch {
            return error.problems
        }
    }

    static func has(_ problems: [ConfigurationProblem], file: String, path: String, _ fragment: String) -> Bool {
        problems.contains { $0.file == file && $0.path == path && $0.message.contains(fragment) }
    }

    @Test("every problem is reported at once, with file, key path and line")
    func allAtOnce() {
        let p = Self.problems()
        let grids = "districts[0].streets[0].communities[0].grids"
        #expect(Self.has(p, file: "hierarchy.yaml", path: "people[4].channels", "at least one channel"))
        #expect(Self.has(p, file: "hierarchy.yaml", path: "\(grids)[1]", "duplicate grid code '110101008001001'"))
        #expect(Self.has(p, file: "hierarchy.yaml", path: "\(grids)[2].code", "not a 14- or 15-digit grid code"))
        #expect(Self.has(p, file: "hierarchy.yaml", path: "\(grids)[3]", "does not start with its parent's code"))
        #expect(Self.has(p, file: "hierarchy.yaml", path: "\(grids)[4]", "nobody responsible"))
        #expect(Self.has(p, file: "hierarchy.yaml", path: "\(grids)[5].staff.gridWorker", "unknown person 'ghost'"))
        #expect(Self.has(p, file: "hierarchy.yaml", path: "\(grids)[6].staff.stationHead", "unknown key"))
        #expect(Self.has(p, file: "rest.yaml", path: "departments[0].categories", "unknown category 'hotline.nonexistent'"))
        #expect(Self.has(p, file: "rest.yaml", path: "categories[1].code", "not a camera detection"))
        #expect(Self.has(p, file: "rest.yaml", path: "devices[0].building", "unknown building 'nowhere'"))
        #expect(Self.has(p, file: "rest.yaml", path: "devices[1].kind", "'toaster' is not one of"))
        #expect(Self.has(p, file: "rest.yaml", path: "devices[1].grid", "unknown grid '110101008009009'"))
        #expect(Self.has(p, file: "rest.yaml", path: "policies.default.reminderEvery", "positive duration"))
        #expect(Self.has(p, file: "rest.yaml", path: "policies.categories.hotline.unknown", "unknown category 'hotline.unknown'"))
        #expect(Self.has(p, file: "rest.yaml", path: "policies.overrides[0].summon", "unknown department 'nobody'"))
        #expect(Self.has(p, file: "rest.yaml", path: "policies.overrides[0]", "startLevel district is above topLevel street"))
        #expect(p.allSatisfy { $0.line != nil || $0.file == "(policies)" })
        #expect(!p.contains { $0.path.hasPrefix("broker") }, "the daemon's sections are not the domain's to judge")
    }

    @Test("syntax errors, missing files and empty documents are problems, not crashes", arguments: [
        ("districts: [", "gridwatch.yaml", "YAML syntax error"),
        ("include: [missing.yaml]", "gridwatch.yaml", "cannot read included file 'missing.yaml'"),
        ("include: [../etc/passwd]", "gridwatch.yaml", "next to the main file"),
        ("", "gridwatch.yaml", "empty document"),
        ("- just\n- a list", "gridwatch.yaml", "expected a mapping"),
        ("correlation: {window: soon}", "gridwatch.yaml", "positive duration"),
        ("limits: {maxMessageBytes: 10}", "gridwatch.yaml", "must be within"),
        ("frobnicate: 1", "gridwatch.yaml", "unknown key"),
    ])
    func malformed(text: String, file: String, fragment: String) {
        do {
            _ = try GridwatchConfiguration.parse(mainFile: "gridwatch.yaml", text: text) { _ in nil }
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.problems.contains { $0.file == file && $0.message.contains(fragment) }, "\(error)")
        }
    }

    @Test("durations", arguments: [
        ("30m", 1800.0), ("2h", 7200), ("7d", 604_800), ("1h30m", 5400), ("90s", 90), ("1w", 604_800),
    ])
    func durations(text: String, seconds: Double) {
        #expect(DurationText.parse(text) == seconds)
        #expect(DurationText.parse(DurationText.format(seconds)) == seconds)
    }

    @Test("malformed durations are refused", arguments: ["", "m", "30", "30x", "-5m", "1.5h", "h1", "9999999h"])
    func badDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test("random edits of the sample's files never crash the loader, and every problem is located", arguments: [
        "policies.yaml", "categories.yaml", "departments.yaml",
    ])
    func mutations(_ name: String) throws {
        let directory = SampleConfigurationTests.sampleURL.deletingLastPathComponent()
        var files: [String: String] = [:]
        for file in ["hierarchy.yaml", "departments.yaml", "categories.yaml", "devices.yaml", "policies.yaml"] {
            files[file] = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        }
        let main = try String(contentsOf: SampleConfigurationTests.sampleURL, encoding: .utf8)
        let original = Array(files[name]!)
        let pieces = [":", "-", " ", "\n", "[", "]", "{", "}", "&a", "*a", "'", "\"", "0", "-1", "0s", "null", "~", "\t", "?"]
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(n, 1)))
        }
        var rejected = 0
        for _ in 0..<50 {
            var text = original
            for _ in 0...next(3) {
                let i = next(text.count)
                if next(2) == 0 {
                    text.removeSubrange(i..<min(text.count, i + 1 + next(6)))
                } else {
                    text.insert(contentsOf: pieces[next(pieces.count)], at: i)
                }
            }
            var edited = files
            edited[name] = String(text)
            do {
                _ = try GridwatchConfiguration.parse(mainFile: "gridwatch.yaml", text: main) { edited[$0] }
            } catch {
                rejected += 1
                #expect(!error.problems.isEmpty)
                #expect(error.problems.allSatisfy { !$0.file.isEmpty })
            }
        }
        #expect(rejected > 0, "edits must be able to break the configuration")
    }

    @Test("truncating the sample anywhere never crashes the loader")
    func truncations() throws {
        let text = try String(contentsOf: SampleConfigurationTests.sampleURL.deletingLastPathComponent().appendingPathComponent("policies.yaml"), encoding: .utf8)
        for cut in stride(from: 0, to: text.count, by: 97) {
            let prefix = String(text.prefix(cut))
            _ = try? GridwatchConfiguration.parse(mainFile: "gridwatch.yaml", text: "include: [p.yaml]") { _ in prefix }
        }
    }
}
