import BrokerTestSupport
import Foundation
import Testing

private let systemdAnalyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// systemd/gridwatch.service as systemd reads it. `systemd-analyze` works on the file alone,
/// without systemd running; the tests are skipped where it is not installed.
@Suite("systemd unit file", .enabled(if: systemdAnalyze != nil, "systemd-analyze is not installed (apt-get install systemd)"))
struct UnitFileTests {

    @Test("systemd-analyze verify accepts it: no unknown keys, no bad values, every command there")
    func verify() throws {
        let (status, output) = try Self.run(["verify", Self.unitWithBuiltBinary().path])
        #expect(status == 0)
        // Unknown keys and bad values are only warnings: the output must be empty too.
        #expect(output.isEmpty, "\(output)")
    }

    @Test("systemd-analyze security rates its exposure OK (below 2.0)")
    func security() throws {
        let (status, output) = try Self.run(["security", "--offline=yes", Self.unitWithBuiltBinary().path])
        #expect(status == 0)
        let overall = try #require(output.split(separator: "\n").last { $0.contains("Overall exposure level") })
        let level = overall.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(level.map { $0 < 2.0 } == true, "\(overall)")
    }

    @Test("the stop timeout leaves room for the drain: outbox 10 s and broker 5 s")
    func timeouts() throws {
        let unit = try String(contentsOf: Self.unit, encoding: .utf8)
        let stop = try #require(Self.seconds(unit, "TimeoutStopSec"))
        #expect(stop > 10 + 5)
        let watchdog = try #require(Self.seconds(unit, "WatchdogSec"))
        #expect(watchdog / 2 > 5, "half the watchdog must exceed SQLite's 5 s busy wait")
        #expect(unit.contains("Type=notify\n"))
        #expect(!unit.contains("amqp://"), "no broker URL, let alone a password, in the unit")
    }

    static let unit = Broker.repositoryRoot.appendingPathComponent("systemd/gridwatch.service")

    /// `verify` checks that ExecStart's binary exists: point it at the one just built.
    static func unitWithBuiltBinary() throws -> URL {
        let binary = Broker.gridwatchBinary
        let text = try String(contentsOf: unit, encoding: .utf8).replacingOccurrences(of: "/usr/local/bin/gridwatch", with: binary)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent("gridwatch.service")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-analyze-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let pid = try spawn([systemdAnalyze!] + arguments, environment: ProcessInfo.processInfo.environment, output: output)
        let status = waitForExit(pid)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return (status, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `KEY=30s` as seconds.
    static func seconds(_ unit: String, _ key: String) -> Int? {
        unit.split(separator: "\n").first { $0.hasPrefix("\(key)=") }
            .flatMap { Int($0.dropFirst(key.count + 1).replacingOccurrences(of: "s", with: "")) }
    }
}
