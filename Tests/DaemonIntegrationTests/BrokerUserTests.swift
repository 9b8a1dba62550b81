import AMQP
import BrokerTestSupport
import CaseStore
import Foundation
import GridConfig
import GridwatchDaemon
import GridwatchDomain
import Testing

/// Senders are who they say: the users `deploy/rabbitmq/users` makes, on the real broker, with
/// the daemon running as its own least-privileged user.
@Suite("Broker users and permissions", .serialized, .brokerUsers)
struct BrokerUserTests {
    static func users() throws -> BrokerUsers { try #require(BrokerUsers.current) }

    static func message(_ routingKey: String, exchange: String = GridwatchTopology.intakeExchange, userID: String?) -> OutgoingMessage {
        OutgoingMessage(exchange: exchange, routingKey: routingKey, body: Data("{}".utf8),
                        properties: MessageProperties(contentType: "application/json", messageID: UUID().uuidString, userID: userID))
    }

    /// The broker closed the channel with `code` (403 ACCESS_REFUSED, 406 PRECONDITION_FAILED).
    static func refused(_ outcome: PublishOutcome, _ code: UInt16, _ text: String) -> Bool {
        guard case .failed(let error) = outcome else { return false }
        return error.code == .channelClosed && error.replyCode == code && (error.replyText ?? "").contains(text)
    }

    @Test("a publisher may publish its own routing keys to gridwatch.intake, and nothing else anywhere", arguments: [
        ("gw-hotline", "hotline.12345", ["alarm.gas", "camera.cam-1", "care.care-1", "field.app"]),
        ("gw-sensors", "alarm.gas", ["hotline.12345", "field.app", "alarmx.gas"]),
        ("gw-field", "field.app", ["hotline.12345", "alarm.gas", "care.care-1"]),
        ("gw-callback", "field.callback", ["hotline.12345", "camera.cam-1"]),
    ])
    func ownRoutingKeysOnly(user: String, own: String, others: [String]) async throws {
        let users = try Self.users()
        let client = try await users.client(user)
        defer { Task { await client.shutdown() } }
        let me = users.name(user)
        #expect(await client.publish(Self.message(own, userID: me)) == .confirmed, "its own routing key")
        for key in others {
            let outcome = await client.publish(Self.message(key, userID: me))
            #expect(Self.refused(outcome, 403, "ACCESS_REFUSED"), "\(user) → \(key): \(outcome)")
            guard case .failed(let error) = outcome else { continue }
            #expect((error.replyText ?? "").contains("topic '\(key)'"), "refused by its topic permission: \(error)")
        }
        // Other exchanges, including the default one that reaches any queue by name.
        for (exchange, key) in [(GridwatchTopology.notifyExchange, "sms.grid"), (GridwatchTopology.deadExchange, own),
                                ("", "gridwatch.notify.sms"), ("amq.topic", own)] {
            let outcome = await client.publish(Self.message(key, exchange: exchange, userID: me))
            #expect(Self.refused(outcome, 403, "ACCESS_REFUSED"), "\(user) → exchange '\(exchange)': \(outcome)")
        }
        #expect(await client.publish(Self.message(own, userID: me)) == .confirmed, "the channel is reopened and still usable")
    }

    @Test("a publisher can read no queue: notifications, case events, dead letters, intake — 403", arguments: [
        "gw-hotline", "gw-sensors", "gw-field", "gw-callback",
    ])
    func readsNothing(user: String) async throws {
        let users = try Self.users()
        let queues = GridwatchTopology.notifyChannels.map { "gridwatch.notify.\($0)" }
            + [GridwatchTopology.caseEventsQueue, GridwatchTopology.deadQueue, "gridwatch.intake.hotline", "gridwatch.intake.field"]
        for queue in queues {
            let events = EventLog()
            let client = try await users.client(user, onEvent: events.record)
            let consumer = client.consume(queue: queue, prefetch: 10)
            let deadline = ContinuousClock.now + .seconds(15)
            func refusal() -> AMQPError? {
                for event in events.all {
                    switch event {
                    case .disconnected(let error), .connectFailed(let error, _):
                        if error.replyCode == 403 { return error }
                    default: continue
                    }
                }
                return nil
            }
            while refusal() == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            await client.shutdown()
            let error = try #require(refusal(), "\(user) consuming \(queue): \(events.all)")
            #expect((error.replyText ?? "").contains("ACCESS_REFUSED"), "\(error)")
            #expect((error.replyText ?? "").contains(queue), "\(error)")
            #expect(await consumer.nextBatch().isEmpty, "nothing delivered")
        }
        // Nor a queue of its own to bind to the notifications.
        let client = try await users.client(user)
        defer { Task { await client.shutdown() } }
        let spy = "spy-\(UUID().uuidString.prefix(6))"
        let error = await #expect(throws: AMQPError.self) {
            try await client.declare(Topology(queues: [.init(spy, exclusive: true, autoDelete: true)],
                                              bindings: [.init(queue: spy, exchange: GridwatchTopology.notifyExchange, routingKey: "#")]))
        }
        #expect(error?.replyCode == 403, "\(String(describing: error))")
    }

    @Test("user_id cannot be forged: another user's name is refused with 406, the own name passes")
    func userIDCannotBeForged() async throws {
        let users = try Self.users()
        let client = try await users.client("gw-hotline")
        defer { Task { await client.shutdown() } }
        for claimed in [users.name("gw-field"), users.name("gridwatch"), "guest"] {
            let outcome = await client.publish(Self.message("hotline.12345", userID: claimed))
            #expect(Self.refused(outcome, 406, "PRECONDITION_FAILED"), "claiming \(claimed): \(outcome)")
            guard case .failed(let error) = outcome else { continue }
            #expect((error.replyText ?? "").contains("user_id"), "\(error)")
        }
        #expect(await client.publish(Self.message("hotline.12345", userID: users.name("gw-hotline"))) == .confirmed)
    }

    @Test("the daemon runs as its own user; a field update from a user not trusted for field is dead-lettered, the field app's is applied")
    func trustFollowsTheBrokerUser() async throws {
        let users = try Self.users()
        let harness = try await DaemonHarness("users", brokerURL: users.guestURL)
        defer {
            Task {
                await harness.stop()
                await harness.observer.shutdown()
                try? FileManager.default.removeItem(at: harness.directory)
            }
        }
        // The sample's trust map with this suite's names, without the development guest: guest
        // may publish anything on this virtual host but is trusted for nothing.
        var trust: [String: Set<DaemonSettings.Source>] = [:]
        for (user, sources) in harness.configuration.daemon.trust where user != "guest" { trust[users.name(user)] = sources }
        #expect(trust[users.name("gw-field")] == [.field])
        harness.configuration.daemon.trust = trust
        harness.configuration.daemon.broker.url = try users.url("gridwatch")
        try harness.start()

        let hotline = try await users.client("gw-hotline")
        defer { Task { await hotline.shutdown() } }
        let request = "USERS-\(UUID().uuidString.prefix(6))"
        let report = OutgoingMessage(
            exchange: GridwatchTopology.intakeExchange, routingKey: "hotline.12345",
            body: Data(DaemonHarness.hotline(id: request, grid: "110101008001002").utf8),
            properties: MessageProperties(contentType: "application/json", messageID: request, userID: users.name("gw-hotline")))
        #expect(await hotline.publish(report) == .confirmed)
        #expect(await harness.eventually { try harness.store().caseID(forSourceKey: "hotline:\(request)") != nil })
        let caseID = try #require(try harness.store().caseID(forSourceKey: "hotline:\(request)"))
        // The daemon is connected as the script's gridwatch user, not as guest.
        let connections = try await blocking { try BrokerUsers.ctl(["-q", "list_connections", "--no-table-headers", "user", "vhost", "name"]) }
        #expect(connections.split(separator: "\n").contains { $0.hasPrefix("\(users.name("gridwatch"))\t\(users.virtualHost)\t") },
                "\(connections)")

        // The grid worker of 110101008001002 signs for it: the same update from three users.
        let signFor = Data(#"{"caseId": "\#(caseID.rawValue)", "type": "signFor", "sentAt": "\#(DaemonHarness.iso(Date()))"}"#.utf8)
        func update(_ messageID: String, as user: String) -> OutgoingMessage {
            var properties = MessageProperties(contentType: "application/json", messageID: messageID, userID: user)
            properties.headers["x-gridwatch-person"] = .string("gw-0014")
            return OutgoingMessage(exchange: GridwatchTopology.intakeExchange, routingKey: "field.app", body: signFor, properties: properties)
        }
        // guest: the broker lets it publish field.*, Gridwatch does not trust it.
        #expect(await harness.observer.publish(update("sign-guest", as: "guest")) == .confirmed)
        // The callback user may publish field.* (ratings) but not act as a person.
        let callback = try await users.client("gw-callback")
        defer { Task { await callback.shutdown() } }
        #expect(await callback.publish(update("sign-callback", as: users.name("gw-callback"))) == .confirmed)
        let dead = await harness.waitFor(GridwatchTopology.deadQueue) { received in
            ["sign-guest", "sign-callback"].allSatisfy { id in received.contains { $0.messageID == id } }
        }
        #expect(dead.first { $0.messageID == "sign-guest" }?.reason == "untrusted_sender")
        #expect(dead.first { $0.messageID == "sign-callback" }?.reason == "unknown_sender")
        #expect(try harness.store().caseDetail(caseID)?.machine.phase == .dispatched, "neither changed the case")

        let field = try await users.client("gw-field")
        defer { Task { await field.shutdown() } }
        #expect(await field.publish(update("sign-field", as: users.name("gw-field"))) == .confirmed)
        #expect(await harness.eventually { try harness.store().caseDetail(caseID)?.machine.phase == .signedFor })
        #expect(!dead.contains { $0.messageID == "sign-field" })
    }
}

/// The script and the sample configuration name the same users for the same sources.
@Suite("Broker users match daemon.trust")
struct BrokerUserListTests {
    struct Line {
        var name: String
        var trust: Set<DaemonSettings.Source>?
        var topicWrite: String?
    }

    static func list() throws -> [Line] {
        let (status, output) = try BrokerUsers.run(["--list"])
        #expect(status == 0, "\(output)")
        return output.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Line(name: fields[0],
                        trust: fields[1] == "-" ? nil : Set(fields[1].split(separator: ",").compactMap { DaemonSettings.Source(rawValue: String($0)) }),
                        topicWrite: fields[5] == "-" ? nil : fields[5])
        }
    }

    @Test("every publisher the script creates is trusted in the sample for exactly its sources, and no one else is")
    func sampleTrustMatches() throws {
        let lines = try Self.list()
        let sample = try GridwatchConfiguration.load(contentsOf: Broker.repositoryRoot.appendingPathComponent("deploy/config/gridwatch.yaml"))
        let publishers = lines.filter { $0.trust != nil }
        #expect(publishers.count >= 4)
        for line in publishers {
            #expect(sample.daemon.trust[line.name] == line.trust, "\(line.name)")
        }
        let scripted = Set(publishers.map(\.name))
        #expect(Set(sample.daemon.trust.keys).subtracting(scripted) == ["guest"], "only the development guest is not the script's")
        #expect(lines.contains { $0.name == "gridwatch" && $0.trust == nil }, "the daemon is trusted for nothing")
    }

    @Test("each publisher's topic pattern admits the routing keys of its sources and no other source's")
    func topicPatternsFollowTrust() throws {
        let prefixes: [DaemonSettings.Source: String] = [
            .hotline: "hotline", .alarm: "alarm", .camera: "camera", .care: "care", .field: "field", .callback: "field",
        ]
        for line in try Self.list() {
            guard let trust = line.trust else {
                #expect(line.topicWrite == nil, "\(line.name) publishes nothing")
                continue
            }
            let pattern = try NSRegularExpression(pattern: try #require(line.topicWrite))
            func admits(_ key: String) -> Bool { pattern.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil }
            let own = Set(trust.compactMap { prefixes[$0] })
            for prefix in Set(prefixes.values) {
                #expect(admits("\(prefix).x") == own.contains(prefix), "\(line.name): \(prefix).x against \(pattern.pattern)")
            }
            #expect(!admits("x.\(own.first!).y"), "anchored at the start: \(pattern.pattern)")
        }
    }
}
