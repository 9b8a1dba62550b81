import Foundation
import Testing

/// `gridwatch simulate` and `gridwatch report` run as processes, as an operator runs them.
@Suite("simulate and report commands")
struct CommandLineTests {
    /// The `gridwatch` built beside this test bundle (`swift build --build-tests` builds both into
    /// the same directory, whatever the scratch path), or `$GRIDWATCH_BINARY`.
    static let binary: String? = {
        if let path = ProcessInfo.processInfo.environment["GRIDWATCH_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        let path = bundle.deletingLastPathComponent().appendingPathComponent("gridwatch").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    @Test("simulate writes a JSON report, and report renders the kept store as an HTML page",
          .enabled(if: binary != nil, "no gridwatch binary beside the test bundle: run swift build --build-tests, or set GRIDWATCH_BINARY"))
    func simulateThenReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = directory.appendingPathComponent("day.jsonl")
        try SimulationFixture.jsonLines.write(to: events)
        let database = directory.appendingPathComponent("sim.sqlite").path
        let json = directory.appendingPathComponent("report.json").path

        let simulated = try run(["simulate", events.path, "--config", SimulationFixture.configPath, "--database", database,
                                 "--until", "2026-11-03T09:00:00+08:00", "--format", "json", "--output", json], in: directory)
        #expect(simulated.status == 0, "\(simulated.stderr)")
        #expect(simulated.stderr.isEmpty, "no progress line when standard error is not a terminal: \(simulated.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(report["casesOpened"] as? Int == 2)
        #expect((report["escalations"] as? [[String: Any]])?.count == 3)

        let html = directory.appendingPathComponent("report.html").path
        let reported = try run(["report", "--database", database, "--config", SimulationFixture.configPath, "--from", "2026-11-01",
                                "--to", "2026-11-30", "--time-zone", "Asia/Shanghai", "--level", "community", "--format", "html",
                                "--output", html], in: directory)
        #expect(reported.status == 0, "\(reported.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<tr data-unit=\"110101008001\"><td class=\"code\">110101008001</td><td class=\"name\">工人体育馆社区</td>"))
        #expect(page.contains("<svg"))
        #expect(page.contains("2026-11-01 00:00 – 2026-12-01 00:00 Asia/Shanghai"))

        let csv = try run(["report", "--database", database, "--from", "2026-11-01", "--to", "2026-11-30", "--level", "grid",
                           "--format", "csv"], in: directory)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.contains("\r\ngrid,110101008001001,,1,"), "the unanswered case's grid, without names when no --config is given")
    }

    @Test("both commands explain themselves", .enabled(if: binary != nil))
    func help() throws {
        let simulate = try run(["simulate", "--help"], in: FileManager.default.temporaryDirectory)
        #expect(simulate.status == 0)
        #expect(simulate.stdout.contains("--until") && simulate.stdout.contains("virtual clock"))
        let report = try run(["report", "--help"], in: FileManager.default.temporaryDirectory)
        #expect(report.status == 0)
        #expect(report.stdout.contains("--format") && report.stdout.contains("响应率"))
    }

    @Test("simulate refuses a database file that already exists: it could be the daemon's", .enabled(if: binary != nil))
    func existingDatabase() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = directory.appendingPathComponent("day.jsonl")
        try SimulationFixture.jsonLines.write(to: events)
        let existing = directory.appendingPathComponent("gridwatch.sqlite")
        try Data("keep me".utf8).write(to: existing)
        let result = try run(["simulate", events.path, "--config", SimulationFixture.configPath, "--database", existing.path], in: directory)
        #expect(result.status == 73)
        #expect(try String(contentsOf: existing, encoding: .utf8) == "keep me")
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary with its output in files (pipes could fill and block the child).
    func run(_ arguments: [String], in directory: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.binary))
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let err = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                       stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
