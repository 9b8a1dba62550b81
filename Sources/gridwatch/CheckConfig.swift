import ArgumentParser
import Foundation
import GridConfig
import GridwatchDaemon
import GridwatchDomain
import Logging

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and summarise it; exits non-zero with every problem listed.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let config = options.config
        let configuration = try loadConfiguration(config)
        let hierarchy = configuration.hierarchy
        print("configuration OK: \(config)")
        for district in hierarchy.districts {
            print("  \(district.name) (\(district.code)): \(district.streets.count) streets")
            for street in district.streets {
                let grids = street.communities.reduce(0) { $0 + $1.grids.count }
                print("    \(street.name) (\(street.code)): \(street.communities.count) communities, \(grids) grids")
            }
        }
        print("  people: \(hierarchy.people.count), departments: \(configuration.departments.count), devices: \(configuration.devices.count)")
        print("  categories: \(configuration.categories.count), correlation window: \(DurationText.format(configuration.correlationWindow))")
        let broker = configuration.daemon.broker
        print("  broker: \(broker.urlFile.map { "URL from \($0)" } ?? (broker.url.map { redact($0) } ?? "local development node")), prefetch \(broker.prefetch)")
        print("  store: \(configuration.daemon.store.path), batch \(configuration.daemon.batchSize)")
        // Warnings only: the configuration is valid, and a reload must not fail over a mode.
        let daemon = Daemon(configuration: configuration, stateDirectory: stateDirectory(options), logger: Logger(label: "gridwatch"))
        for finding in FileExposure.check(Daemon.guardedFiles(configuration: configuration, storePath: daemon.storePath)) {
            print("warning: \(finding)")
        }
    }

    /// The password of a URL never reaches the terminal.
    private func redact(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", range: scheme.upperBound..<url.endIndex),
              let colon = url.range(of: ":", range: scheme.upperBound..<at.lowerBound) else { return url }
        return String(url[..<colon.upperBound]) + "***" + String(url[at.lowerBound...])
    }
}
