import ArgumentParser
import CaseStore
import Foundation
import GridConfig
import GridwatchSimulation
import Logging
import Synchronization

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a file of timestamped events on a virtual clock and report what would have happened.",
        discussion: """
            Runs every event through the daemon's own pipeline (intake limits, triage, correlation, the case \
            machine, the store) with the events' times as the clock, firing deadlines as they fall due, and \
            reports what would have been dispatched and escalated and the assessment rates: test a policy \
            change against last month's traffic before deploying it. No broker is involved. \
            The file is JSON Lines, one event a line: see docs/SIMULATION.md.
            """)

    @Argument(help: "The events: JSON Lines, one {\"at\", \"routingKey\", \"body\", …} a line.")
    var events: String

    @Option(name: .shortAndLong, help: "The configuration to test.")
    var config: String = "deploy/config/gridwatch.yaml"

    @Option(help: "Keep the simulated store in this new file (it must not exist). Default: a temporary file, removed after.")
    var database: String?

    @Option(help: "Run the clock on to this time (ISO 8601 with zone). Default: 7 days after the last event.")
    var until: String?

    @Option(help: "The zone the report shows times in, e.g. Asia/Shanghai. Default: the machine's.")
    var timeZone: String?

    @Option(help: "Report format: text or json.")
    var format: SimulationFormat = .text

    @Option(help: "Write the report to this file. Default: standard output.")
    var output: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .error
            return handler
        }
        var untilDate: Date?
        if let until {
            guard let date = SimulationInput.parseTime(until) else { throw ValidationError("--until '\(until)' is not an ISO 8601 time with a zone") }
            untilDate = date
        }
        guard let zone = timeZone.map(TimeZone.init(identifier:)) ?? .current else {
            throw ValidationError("unknown time zone '\(timeZone ?? "")'")
        }
        let configuration = try loadConfiguration(config)
        let input: SimulationInput
        do {
            input = try SimulationInput(contentsOf: URL(fileURLWithPath: events))
        } catch {
            FileHandle.standardError.write(Data("gridwatch: cannot read \(events): \(error.localizedDescription)\n".utf8))
            throw ExitCode(66)
        }

        let path = database ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("gridwatch-simulate-\(UUID().uuidString).sqlite").path
        // Never replay into a store that holds anything: it could be the daemon's own.
        guard !FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("gridwatch: \(path) exists; the simulation needs a new file\n".utf8))
            throw ExitCode(73)
        }
        defer {
            if database == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        }
        let store = try SQLiteCaseStore(path: path)
        let simulator = Simulator(configuration: configuration, store: store, logger: Logger(label: "gridwatch.simulate"))
        let progress = isatty(STDERR_FILENO) == 1 ? ProgressLine() : nil
        var onProgress: (@Sendable (Simulator.Progress) -> Void)?
        if let progress { onProgress = { progress.show($0) } }
        let report = try await simulator.run(input, until: untilDate, timeZone: zone, progress: onProgress)
        progress?.finish()

        let data = switch format {
        case .text: Data(report.text().utf8)
        case .json: try report.json() + Data("\n".utf8)
        }
        try write(data, to: output)
    }
}

enum SimulationFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// One line on a terminal's standard error, rewritten in place at most ten times a second.
final class ProgressLine: Sendable {
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    func show(_ progress: Simulator.Progress) {
        let now = ContinuousClock.now
        let due = last.withLock { last in
            guard last.map({ now - $0 >= .milliseconds(100) }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        let time = progress.virtualTime.formatted(.iso8601)
        FileHandle.standardError.write(Data("\r\u{1B}[Kevents \(progress.eventsDone)/\(progress.eventsTotal)  virtual time \(time)".utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// Writes to a file, or to standard output when `path` is nil or `-`.
func write(_ data: Data, to path: String?) throws {
    guard let path, path != "-" else {
        FileHandle.standardOutput.write(data)
        return
    }
    do {
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        FileHandle.standardError.write(Data("gridwatch: cannot write \(path): \(error.localizedDescription)\n".utf8))
        throw ExitCode(73)
    }
}
