import ArgumentParser
import CaseStore
import Foundation
import GridConfig
import GridwatchDomain
import GridwatchReports
import GridwatchSimulation

/// `gridwatch report` (named apart from the domain's `Report`, an incoming report).
struct AssessmentReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The assessment table per unit for a period: text, CSV, or one HTML page with a chart.",
        discussion: """
            响应率 response, 解决率 resolution, 满意率 satisfaction, 按时结案率 on-time and 返工率 rework rates per \
            street, community or grid, computed from the case histories (read-only; safe while the daemon runs). \
            Grades: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else E.
            """)

    @OptionGroup var store: Cases.StoreOptions

    @Option(name: .shortAndLong, help: "The configuration, for unit names (otherwise codes only).")
    var config: String?

    @Option(help: "First day (YYYY-MM-DD, or an ISO 8601 time). Default: the first of this month.")
    var from: String?

    @Option(help: "Last day, included (YYYY-MM-DD, or an ISO 8601 time, excluded). Default: today.")
    var to: String?

    @Option(help: "The zone days begin in, e.g. Asia/Shanghai. Default: the machine's.")
    var timeZone: String?

    @Option(help: "Units to assess: street, community or grid.")
    var level: String = "community"

    @Option(help: "Output format: text, csv or html.")
    var format: ReportFormat = .text

    @Option(help: "Write to this file. Default: standard output.")
    var output: String?

    func validate() throws {
        guard let level = Level.named(level), level != .district else { throw ValidationError("--level must be street, community or grid") }
        if let timeZone, TimeZone(identifier: timeZone) == nil { throw ValidationError("unknown time zone '\(timeZone)'") }
    }

    func run() throws {
        let zone = timeZone.flatMap(TimeZone.init(identifier:)) ?? .current
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let today = calendar.startOfDay(for: Date())
        let start = try from.map { try Self.bound($0, calendar: calendar, inclusiveEnd: false, option: "--from") }
            ?? calendar.dateInterval(of: .month, for: today)!.start
        let end = try to.map { try Self.bound($0, calendar: calendar, inclusiveEnd: true, option: "--to") }
            ?? calendar.date(byAdding: .day, value: 1, to: today)!
        guard start < end else { throw ValidationError("--from must be before --to") }

        let names = try config.map { Assessment.Unit.names(in: try loadConfiguration($0).hierarchy) } ?? [:]
        let cards = try store.open().scorecards(for: start..<end, isCancelled: { false })
        let table = AssessmentTable(cards, level: Level.named(level)!, period: start..<end, names: names, timeZone: zone)
        let text = switch format {
        case .text: table.text()
        case .csv: table.csv()
        case .html: table.html()
        }
        try write(Data(text.utf8), to: output)
    }

    /// A day at its midnight (or the next midnight, for an inclusive end), or an exact time.
    private static func bound(_ text: String, calendar: Calendar, inclusiveEnd: Bool, option: String) throws -> Date {
        if let time = SimulationInput.parseTime(text) { return time }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else {
            throw ValidationError("\(option) '\(text)' is neither YYYY-MM-DD nor an ISO 8601 time")
        }
        return inclusiveEnd ? calendar.date(byAdding: .day, value: 1, to: day)! : day
    }
}

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, csv, html
}
