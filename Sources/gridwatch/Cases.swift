import ArgumentParser
import CaseStore
import Foundation
import GridwatchDomain

struct Cases: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect cases (read-only; safe while the daemon runs).",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct StoreOptions: ParsableArguments {
        @Option(help: "The SQLite database. Default: $STATE_DIRECTORY/gridwatch.sqlite or /var/lib/gridwatch/gridwatch.sqlite.")
        var database: String?

        func open() throws -> SQLiteCaseStore {
            let directory = ProcessInfo.processInfo.environment["STATE_DIRECTORY"] ?? "/var/lib/gridwatch"
            let path = database ?? "\(directory)/gridwatch.sqlite"
            do {
                return try SQLiteCaseStore(path: path, readOnly: true)
            } catch {
                FileHandle.standardError.write(Data("gridwatch: cannot open \(path): \(error)\n".utf8))
                throw ExitCode(66)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases, newest first.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Only open cases.") var open = false
        @Option(help: "Phase: received, dispatched, signedFor, handled, closed, rated, sentBack, parked, falseAlarm.") var phase: String?
        @Option(help: "Level holding the case: grid, community, street, district.") var level: String?
        @Option(help: "Street code.") var street: String?
        @Option(help: "Community code.") var community: String?
        @Option(help: "Grid code.") var grid: String?
        @Option(help: "Category id.") var category: String?
        @Option(help: "At most this many.") var limit = 50

        func validate() throws {
            if let phase, CaseMachine.Phase(rawValue: phase) == nil { throw ValidationError("unknown phase '\(phase)'") }
            if let level, Level.named(level) == nil { throw ValidationError("unknown level '\(level)'") }
        }

        func run() throws {
            var filter = CaseFilter()
            filter.openOnly = open
            filter.phase = phase.flatMap(CaseMachine.Phase.init(rawValue:))
            filter.level = level.flatMap(Level.named)
            filter.street = street
            filter.community = community
            filter.grid = grid
            filter.category = category
            filter.limit = limit
            let rows = try store.open().cases(filter)
            print(["case", "phase", "level", "category", "severity", "grid", "reports", "opened", "updated"].joined(separator: "\t"))
            for row in rows {
                print([row.id.rawValue, row.phase.rawValue, row.level.map { "\($0)" } ?? "-", row.category, "\(row.severity)",
                       row.grid ?? "-", "\(row.reportCount)", timestamp(row.openedAt), timestamp(row.updatedAt)].joined(separator: "\t"))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one case with its history and pending deadlines.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The case id, e.g. GW-1A2B3C4D5E6F7A8B.") var id: String

        func run() throws {
            guard let detail = try store.open().caseDetail(CaseID(id)) else {
                FileHandle.standardError.write(Data("gridwatch: no case \(id)\n".utf8))
                throw ExitCode(1)
            }
            let machine = detail.machine
            print("case \(machine.id.rawValue): \(machine.phase.rawValue) at \(machine.level.map { "\($0)" } ?? "-"), \(machine.context.category.rawValue), \(machine.severity)")
            print("location: grid \(machine.context.location.grid.rawValue)\(machine.context.location.building.map { ", building \($0.rawValue)" } ?? "")")
            print("reports (\(machine.reports.count)):")
            for report in machine.reports { print("  \(timestamp(report.receivedAt))  \(report.report.sourceKey)") }
            print("history:")
            for event in detail.history { print("  \(timestamp(event.at))  \(event.kind)") }
            print("pending deadlines:")
            if detail.deadlines.isEmpty { print("  none") }
            for stored in detail.deadlines { print("  \(timestamp(stored.deadline.at))  \(stored.deadline.kind)  (\(stored.deadline.id.rawValue))") }
        }
    }
}

private func timestamp(_ date: Date) -> String {
    date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
}

extension Level {
    /// A level by its English name, as typed on the command line.
    static func named(_ name: String) -> Level? { allCases.first { "\($0)" == name } }
}
