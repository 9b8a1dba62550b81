import CaseStore
import Foundation
import Synchronization

/// What the daemon knows about its own health, for logs now and `/readyz` and systemd later.
public final class Health: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var brokerConnected = false
        public var storeError: String?
        public var isHealthy: Bool { brokerConnected && storeError == nil }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func storeFailed(_ error: any Error) { state.withLock { $0.storeError = "\(error)" } }
    func storeRecovered() { state.withLock { $0.storeError = nil } }
    func broker(connected: Bool) { state.withLock { $0.brokerConnected = connected } }
}
