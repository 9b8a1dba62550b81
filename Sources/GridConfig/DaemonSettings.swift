import Foundation

/// The daemon's own sections of the main file: `broker`, `store`, `outbox`, `daemon`.
///
/// Read and validated with the domain sections, so `gridwatch check-config` reports every
/// problem of both at once. Credentials never appear here in clear when a file is named:
/// `broker.urlFile` points at a file (or a systemd credential) holding the URL.
public struct DaemonSettings: Hashable, Sendable {
    public struct Broker: Hashable, Sendable {
        /// AMQP URL. Default `amqp://guest:guest@127.0.0.1:5682/` (the private development node).
        /// Overridden by `urlFile`, then by the environment variable `GRIDWATCH_AMQP_URL`.
        public var url: String? = nil
        /// A file whose first line is the URL, e.g. `${CREDENTIALS_DIRECTORY}/amqp-url`; `$VAR`
        /// and `${VAR}` are expanded from the environment.
        public var urlFile: String? = nil
        public var caFile: String? = nil
        public var certificateFile: String? = nil
        public var keyFile: String? = nil
        /// Verify the broker's certificate and host name. Default true.
        public var verifyPeer = true
        /// Seconds. Default 30.
        public var heartbeat = 30
        /// Shown in the broker's connection list. Default `gridwatch`.
        public var connectionName = "gridwatch"
        /// Unacknowledged deliveries per intake queue. Default 512: twice the intake batch, so
        /// the next batch is already here while one is being recorded.
        public var prefetch = 512
        public init() {}
    }

    public struct Store: Hashable, Sendable {
        /// The SQLite file; relative paths are under the state directory. Default `gridwatch.sqlite`.
        public var path = "gridwatch.sqlite"
        public init() {}
    }

    public struct Metrics: Hashable, Sendable {
        /// Address of the `/metrics`, `/healthz`, `/readyz` endpoint. Default 127.0.0.1 (loopback only).
        public var address = "127.0.0.1"
        /// Default 9464; 0 turns the endpoint off.
        public var port = 9464
        /// Seconds between one-line summaries in the log. Default 60; 0 turns them off.
        public var summaryEvery = 60
        public init() {}
    }

    public struct Outbox: Hashable, Sendable {
        /// Rows published per round. Default 500.
        public var batchSize = 500
        public init() {}
    }

    /// What one broker user may send. The broker checks the `user_id` property against the
    /// connection's user, so these names are authenticated.
    public enum Source: String, Hashable, Sendable, CaseIterable {
        case hotline, alarm, camera, care, field, callback
    }

    public var broker = Broker()
    public var store = Store()
    public var outbox = Outbox()
    public var metrics = Metrics()
    /// Messages handled per store transaction. Default 256.
    public var batchSize = 256
    /// Broker user → what it may send. Default: `guest` may send everything (development only).
    public var trust: [String: Set<Source>] = ["guest": Set(Source.allCases)]

    public init() {}
}
