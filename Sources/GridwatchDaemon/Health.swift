import CaseStore
import Foundation
import Synchronization

/// What the daemon knows about its own health, for logs now and `/readyz` and systemd later.
public final class Health: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var brokerConnected = false
        public var storeError: String?
        /// The intake has subscribed its consumers (with the broker connected: ready to systemd).
        public var intakeConsuming = false
        /// When the batch each intake queue is working on started; absent while a queue waits.
        /// A batch held much longer than a commit takes means a stuck pipeline (the watchdog).
        public var batchesInFlight: [String: ContinuousClock.Instant] = [:]
        /// When a store call last failed. A store that keeps refusing is still answering: a batch
        /// queued behind its busy waits is slow, not stuck.
        public var lastStoreFailure: ContinuousClock.Instant?
        public var isHealthy: Bool { brokerConnected && storeError == nil }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func storeFailed(_ error: any Error) {
        state.withLock {
            $0.storeError = "\(error)"
            $0.lastStoreFailure = .now
        }
    }
    func storeRecovered() { state.withLock { $0.storeError = nil } }
    func broker(connected: Bool) { state.withLock { $0.brokerConnected = connected } }
    func intakeSubscribed() { state.withLock { $0.intakeConsuming = true } }
    func batchStarted(queue: String) { state.withLock { $0.batchesInFlight[queue] = .now } }
    func batchEnded(queue: String) { state.withLock { $0.batchesInFlight[queue] = nil } }
}
