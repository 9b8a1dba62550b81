import NIOCore
import NIOPosix

/// Threads of the daemon's own for the work that blocks on SQLite.
///
/// A commit waits for `fsync`, and every store call blocks its thread until SQLite answers.
/// Swift's cooperative pool has one thread per core (two on a small server); a store call
/// there stops consumers, confirms and timers from running meanwhile. The case processor runs
/// on `processing` (as its actor's executor), the outbox's reads and deletes on `publishing`,
/// and long reports (the assessment) on `background`, so none blocks the pool or waits for the
/// others.
enum StoreThreads {
    private static let group = MultiThreadedEventLoopGroup(numberOfThreads: 3)
    private static let loops = Array(group.makeIterator())

    /// The thread the `CaseProcessor` actor runs on.
    static var processing: any EventLoop { loops[0] }
    /// The thread the outbox publisher reads and deletes rows on.
    static var publishing: any EventLoop { loops[1] }
    /// The thread long reads run on, such as the assessment over a month of cases.
    static var background: any EventLoop { loops[2] }

    /// Runs `body` on `loop` and returns its result to the caller's task.
    static func run<T: Sendable>(on loop: any EventLoop, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await loop.submit(body).get()
    }
}
