import CaseStore
import Foundation
import Logging
import ServiceLifecycle

/// Housekeeping that keeps the database from growing without bound: processed message ids older
/// than `keepProcessed` are forgotten (a redelivery or a publisher's resend comes within minutes,
/// so 7 days is a wide margin). Runs at start and then every `interval`.
struct MaintenanceService: Service {
    let store: any CaseStore
    let logger: Logger
    var keepProcessed: TimeInterval = 7 * 86_400
    var interval: Duration = .seconds(6 * 3600)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let removed = try store.pruneProcessed(olderThan: Date().addingTimeInterval(-keepProcessed))
                    if removed > 0 { logger.info("pruned processed message ids", metadata: ["store.pruned": "\(removed)"]) }
                } catch {
                    logger.warning("cannot prune processed message ids", metadata: ["store.error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
