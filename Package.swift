// swift-tools-version:6.1
import PackageDescription

// The data's path reads top to bottom in Sources/:
// broker (CRabbitMQ, AMQP) → intake (Intake) → machine (GridwatchDomain, GridConfig) → daemon (gridwatch).
let package = Package(
    name: "gridwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gridwatch", targets: ["gridwatch"]),
        .executable(name: "gridwatch-bench", targets: ["gridwatch-bench"]),
        .executable(name: "gridwatch-soak", targets: ["gridwatch-soak"]),
        .executable(name: "gridwatch-fuzz", targets: ["gridwatch-fuzz"]),
        .library(name: "AMQP", targets: ["AMQP"]),
        .library(name: "GridwatchDomain", targets: ["GridwatchDomain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The system library librabbitmq (rabbitmq-c); never public API.
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        // The only code that calls amqp_*: connections, topology, consume, confirmed publish.
        .target(
            name: "AMQP",
            dependencies: [
                "CRabbitMQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The pure domain: hierarchy, categories, policies, the escalation machine. No I/O, no clock.
        .target(name: "GridwatchDomain"),
        // The configuration users edit (YAML): hierarchy, departments, devices, policies; validation.
        .target(
            name: "GridConfig",
            dependencies: [
                "GridwatchDomain",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Decoding and validating the messages that arrive on the intake exchange.
        .target(name: "Intake", dependencies: ["GridwatchDomain"]),
        // Cases, history, deadlines and the outbox: the CaseStore protocol and its SQLite store.
        .target(
            name: "CaseStore",
            dependencies: ["GridwatchDomain", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The daemon's services: intake pipeline, deadline timer, outbox publisher, and their wiring.
        .target(
            name: "GridwatchDaemon",
            dependencies: [
                "AMQP",
                "CaseStore",
                "GridwatchDomain",
                "GridConfig",
                "Intake",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The assessment table per unit as text, CSV and a self-contained HTML page with a chart.
        .target(name: "GridwatchReports", dependencies: ["GridwatchDomain"]),
        // Replays a file of timestamped events through the daemon's CaseProcessor on a virtual clock.
        .target(
            name: "GridwatchSimulation",
            dependencies: [
                "CaseStore",
                "GridConfig",
                "GridwatchDaemon",
                "GridwatchDomain",
                "GridwatchReports",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The thin executable: the command line.
        .executableTarget(
            name: "gridwatch",
            dependencies: [
                "AMQP",
                "CaseStore",
                "GridwatchDaemon",
                "GridwatchDomain",
                "GridConfig",
                "GridwatchReports",
                "GridwatchSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The AMQP layer against rabbitmq-c alone, on the same broker: scripts/bench-relay.
        .executableTarget(
            name: "gridwatch-bench",
            dependencies: ["AMQP", "GridConfig", "GridwatchDaemon", "GridwatchDomain",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")],
            path: "Sources/GridwatchBench"
        ),
        // The soak with faults: feeds the daemon, records what it publishes, checks the store
        // against both (scripts/soak; docs/RELIABILITY.md).
        .executableTarget(
            name: "gridwatch-soak",
            dependencies: ["AMQP", "CaseStore", "GridConfig", "GridwatchDaemon", "GridwatchDomain",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")],
            path: "Sources/GridwatchSoak"
        ),
        // Fuzz targets for the intake decoder and the configuration loader: scripts/fuzz builds
        // them with libFuzzer; the ordinary build replays files through the same checks.
        .executableTarget(
            name: "gridwatch-fuzz",
            dependencies: ["GridConfig", "GridwatchDomain", "Intake"],
            path: "Sources/GridwatchFuzz"
        ),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP", "CRabbitMQ"]),
        // Helpers for tests that need the private broker nodes started by scripts/test.
        .target(
            name: "BrokerTestSupport",
            dependencies: ["AMQP", .product(name: "Logging", package: "swift-log")],
            path: "Tests/BrokerTestSupport"
        ),
        // Needs a running broker: scripts/broker start (scripts/test does it for you).
        .testTarget(
            name: "AMQPIntegrationTests",
            dependencies: ["AMQP", "BrokerTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "GridwatchDomainTests",
            dependencies: [
                "GridwatchDomain",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "GridConfigTests", dependencies: ["GridConfig", "GridwatchDomain"]),
        // Runs the daemon against the real broker and real SQLite files.
        .testTarget(
            name: "DaemonIntegrationTests",
            dependencies: ["AMQP", "BrokerTestSupport", "CaseStore", "GridwatchDaemon", "GridwatchDomain", "GridConfig", "Intake",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "CaseStoreTests",
            dependencies: ["CaseStore", "GridwatchDomain", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "IntakeTests", dependencies: ["Intake", "GridwatchDomain"]),
        .testTarget(name: "GridwatchReportsTests", dependencies: ["GridwatchReports", "GridwatchDomain"]),
        // The simulator on small event files, and the simulate and report commands run as processes.
        .testTarget(
            name: "GridwatchSimulationTests",
            dependencies: ["CaseStore", "GridConfig", "GridwatchDomain", "GridwatchReports", "GridwatchSimulation"]
        ),
    ]
)
