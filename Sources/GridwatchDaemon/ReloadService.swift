import Foundation
import GridConfig
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP: the new files are read and validated completely first,
/// then swapped in at once. An invalid configuration changes nothing: the daemon keeps running on
/// the old one and says why in the log. Open cases keep their state (and the context they were
/// opened with); new cases follow the new configuration.
///
/// The broker and store settings are read once at start; a change to them is logged as needing
/// a restart rather than applied half-way.
struct ReloadService: Service {
    let path: URL
    let processor: CaseProcessor
    let current: ConfigurationHolder
    let logger: Logger
    /// Called around a reload (systemd's RELOADING=1 … READY=1).
    var onReload: @Sendable (_ starting: Bool, _ outcome: String) -> Void = { _, _ in }

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                await reload()
            }
        }
    }

    func reload() async {
        onReload(true, "reloading \(path.path)")
        do {
            let fresh = try GridwatchConfiguration.load(contentsOf: path)
            let old = current.configuration
            if fresh.daemon != old.daemon {
                logger.warning("broker, store or daemon settings changed: they take effect at the next restart")
            }
            await processor.reload(fresh)
            current.configuration = fresh
            logger.notice("configuration reloaded", metadata: [
                "config.path": "\(path.path)", "config.grids": "\(fresh.hierarchy.gridCodes.count)",
                "config.categories": "\(fresh.categories.count)",
            ])
            onReload(false, "configuration reloaded")
        } catch {
            logger.error("configuration NOT reloaded; still running on the previous one", metadata: [
                "config.path": "\(path.path)", "config.error": "\(error)",
            ])
            onReload(false, "reload failed; running on the previous configuration")
        }
    }
}

/// The configuration in force, for the parts that read it outside the processor.
public final class ConfigurationHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var value: GridwatchConfiguration

    public init(_ configuration: GridwatchConfiguration) { value = configuration }

    public var configuration: GridwatchConfiguration {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
