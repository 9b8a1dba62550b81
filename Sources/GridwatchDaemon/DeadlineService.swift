import AMQP
import CaseStore
import Foundation
import Logging
import ServiceLifecycle

/// Fires deadlines when they come due. It sleeps until the earliest pending deadline in the
/// store (no periodic scan of the cases), and is woken early when the intake commits, since a
/// new case may have scheduled something sooner. After a restart, deadlines that passed while
/// the daemon was down are due at once and fire in order.
struct DeadlineService: Service {
    let processor: CaseProcessor
    let wakeup: Wakeup
    let outbox: Wakeup
    let health: Health
    let logger: Logger
    /// The longest sleep, so a clock jump is noticed within it. Default 60 s.
    var longestSleep: Duration = .seconds(60)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var attempt = 0
            let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(30))
            while !Task.isCancelled {
                do {
                    let (fired, lateness) = try await processor.fireDueDeadlines(now: Date())
                    if attempt > 0 { health.storeRecovered() }
                    attempt = 0
                    if fired > 0 {
                        outbox.ring()
                        logger.debug("deadlines fired", metadata: ["deadline.count": "\(fired)", "deadline.max_lateness_s": "\(lateness)"])
                        continue  // there may be more due, or ones the firing scheduled in the past
                    }
                    let next = try await processor.nextDeadline()
                    let sleep = next.map { Duration.milliseconds(max(0, Int64($0.timeIntervalSinceNow * 1000)) + 1) } ?? longestSleep
                    await wakeup.wait(timeout: min(sleep, longestSleep))
                } catch {
                    health.storeFailed(error)
                    let delay = backoff.delay(attempt: attempt, unit: Double.random(in: 0...1))
                    attempt += 1
                    logger.error("cannot fire deadlines; retrying", metadata: ["store.error": "\(error)", "retry_in": "\(delay)"])
                    try? await Task.sleep(for: delay)
                }
            }
        }
        logger.info("deadline timer stopped")
    }
}
