import ArgumentParser

@main
struct Gridwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridwatch",
        abstract: "Grid-based case handling: hotline requests and sensor events in, cases dispatched and escalated on time.",
        subcommands: [Run.self, CheckConfig.self, Cases.self, Publish.self, Definitions.self, Simulate.self, AssessmentReport.self],
        defaultSubcommand: nil)
}

/// Options every command that reads the configuration shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "The main configuration file.")
    var config: String = "/etc/gridwatch/gridwatch.yaml"

    @Option(help: "Where the database lives (relative store paths are under it). Default: $STATE_DIRECTORY or /var/lib/gridwatch.")
    var stateDirectory: String?
}
