import ArgumentParser
import Foundation
import GridConfig
import GridwatchDaemon
import Logging

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: consume the intake queues, keep cases, notify, escalate.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "gridwatch")
        let configuration = try loadConfiguration(options.config)
        let daemon = Daemon(configuration: configuration, stateDirectory: stateDirectory(options), logger: logger,
                            configurationPath: URL(fileURLWithPath: options.config))
        try await daemon.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Loads the configuration or exits 78 (EX_CONFIG) with every problem listed.
func loadConfiguration(_ path: String) throws -> GridwatchConfiguration {
    do {
        return try GridwatchConfiguration.load(contentsOf: URL(fileURLWithPath: path))
    } catch {
        FileHandle.standardError.write(Data("gridwatch: \(error)\n".utf8))
        throw ExitCode(78)
    }
}

func stateDirectory(_ options: ConfigOptions) -> URL {
    let path = options.stateDirectory ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"] ?? "/var/lib/gridwatch"
    return URL(fileURLWithPath: path, isDirectory: true)
}
