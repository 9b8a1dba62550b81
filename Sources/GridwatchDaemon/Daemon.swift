import AMQP
import CaseStore
import Foundation
import GridConfig
import GridwatchDomain
import Logging
import ServiceLifecycle

/// The daemon: loads and checks the configuration, opens the store, connects to the broker and
/// runs the services until SIGTERM or SIGINT, then drains gracefully.
///
/// Services stop in reverse order: the intake first (no new work), then the deadline timer,
/// then the outbox (flushing what was committed), and last the broker connection.
public struct Daemon: Sendable {
    public var configuration: GridwatchConfiguration
    public var stateDirectory: URL
    public var logger: Logger
    /// The main configuration file, read again on SIGHUP; nil turns reloading off.
    public var configurationPath: URL?

    public init(configuration: GridwatchConfiguration, stateDirectory: URL, logger: Logger, configurationPath: URL? = nil) {
        self.configuration = configuration
        self.stateDirectory = stateDirectory
        self.logger = logger
        self.configurationPath = configurationPath
    }

    /// The SQLite file the configuration names, under the state directory unless absolute.
    public var storePath: String {
        let path = configuration.daemon.store.path
        return path.hasPrefix("/") ? path : stateDirectory.appendingPathComponent(path).path
    }

    public func run() async throws {
        let settings = configuration.daemon
        try Self.prepareStore(at: storePath)
        let store = try SQLiteCaseStore(path: storePath)
        warnAboutOpenFiles()
        let metrics = DaemonMetrics()
        let processor = try CaseProcessor(configuration: configuration, store: store, logger: logger, metrics: metrics)
        let health = Health()
        let holder = ConfigurationHolder(configuration)
        let amqp = try Self.amqpConfiguration(settings.broker)
        let brokerLogger = logger
        let client = try AMQPClient(
            configuration: amqp, topology: GridwatchTopology.topology, logger: logger,
            onEvent: { event in
                switch event {
                case .connected(let attempt):
                    health.broker(connected: true)
                    metrics.brokerConnected(true)
                    if attempt > 1 { metrics.brokerReconnect() }
                case .disconnected, .connectFailed:
                    health.broker(connected: false)
                    metrics.brokerConnected(false)
                case .blocked(let reason): brokerLogger.warning("broker blocks publishing", metadata: ["amqp.reason": "\(reason)"])
                case .unblocked, .consumerCancelled, .channelReopened: break
                }
            })
        let outboxWakeup = Wakeup()
        let deadlineWakeup = Wakeup()
        let openCases = await processor.openCaseCount
        let waiting = try store.outboxCount()
        logger.info("gridwatch starting", metadata: [
            "store.path": "\(storePath)", "amqp.url": "\(amqp.url.redacted)",
            "cases.open": "\(openCases)", "outbox.waiting": "\(waiting)",
        ])
        let services: [any Service] = [
            BrokerService(client: client),
            MaintenanceService(store: store, logger: logger),
            OutboxService(client: client, store: store, wakeup: outboxWakeup, batchSize: settings.outbox.batchSize, logger: logger,
                          metrics: metrics),
            DeadlineService(processor: processor, wakeup: deadlineWakeup, outbox: outboxWakeup, health: health, logger: logger),
            IntakeService(
                client: client, processor: processor, batchSize: settings.batchSize, prefetch: UInt16(settings.broker.prefetch),
                committed: [outboxWakeup, deadlineWakeup], health: health, logger: logger, metrics: metrics),
        ]
        var all = services
        let systemd = SystemdService(notifier: SystemdNotifier(), health: health, processor: processor, store: store, logger: logger)
        if let configurationPath {
            all.insert(ReloadService(path: configurationPath, processor: processor, current: holder, logger: logger,
                                     onReload: { systemd.reload(starting: $0, outcome: $1) }), at: 1)
        }
        var metricsService = MetricsService(store: store, metrics: metrics, health: health, configuration: holder, logger: logger)
        metricsService.summaryEvery = settings.metrics.summaryEvery > 0 ? .seconds(settings.metrics.summaryEvery) : nil
        all.insert(metricsService, at: 1)
        if settings.metrics.port > 0 {
            all.insert(MetricsServer(host: settings.metrics.address, port: settings.metrics.port, metrics: metrics, health: health, logger: logger), at: 1)
        }
        // First, so it stops last and feeds the watchdog through the drain; its notice last, so
        // STOPPING=1 goes out as soon as SIGTERM arrives.
        all.insert(systemd, at: 0)
        all.append(systemd.shutdownNotice)
        let group = ServiceGroup(configuration: .init(
            services: all.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("gridwatch stopped")
    }

    /// The broker settings, with the URL from (in order) `GRIDWATCH_AMQP_URL`, `broker.urlFile`,
    /// `broker.url`, or the local development node.
    public static func amqpConfiguration(_ broker: DaemonSettings.Broker,
                                         environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AMQPConfiguration {
        var text = broker.url ?? "amqp://guest:guest@127.0.0.1:5682/"
        if let file = broker.urlFile {
            let path = expand(file, environment)
            guard let contents = try? String(contentsOfFile: path, encoding: .utf8),
                  let line = contents.split(whereSeparator: \.isNewline).first else {
                throw AMQPError(.invalidConfiguration, operation: "read broker.urlFile", replyText: "cannot read \(path)")
            }
            text = line.trimmingCharacters(in: .whitespaces)
        }
        if let url = environment["GRIDWATCH_AMQP_URL"], !url.isEmpty { text = url }
        var configuration = AMQPConfiguration(url: try AMQPURL(text))
        configuration.tls = .init(caFile: broker.caFile, certificateFile: broker.certificateFile, keyFile: broker.keyFile,
                                  verifyPeer: broker.verifyPeer, verifyHostname: broker.verifyPeer)
        configuration.heartbeatSeconds = broker.heartbeat
        configuration.connectionName = broker.connectionName
        try configuration.validate()
        return configuration
    }

    /// `$VAR` and `${VAR}` from the environment, e.g. `${CREDENTIALS_DIRECTORY}/amqp-url`.
    static func expand(_ text: String, _ environment: [String: String]) -> String {
        var result = text
        for (key, value) in environment.sorted(by: { $0.key.count > $1.key.count }) {
            result = result.replacingOccurrences(of: "${\(key)}", with: value).replacingOccurrences(of: "$\(key)", with: value)
        }
        return result
    }
}
