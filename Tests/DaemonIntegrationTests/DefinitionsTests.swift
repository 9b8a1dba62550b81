import AMQP
import BrokerTestSupport
import Foundation
import GridwatchDaemon
import Testing

@Suite("deploy/rabbitmq/definitions.json")
struct DefinitionsTests {
    @Test("the committed definitions are exactly the topology the daemon declares")
    func committedMatchesCode() throws {
        let committed = try Data(contentsOf: Broker.repositoryRoot.appendingPathComponent("deploy/rabbitmq/definitions.json"))
        #expect(committed == (try GridwatchTopology.definitionsJSON()),
                "regenerate with: gridwatch definitions > deploy/rabbitmq/definitions.json")
    }

    @Test("a broker set up from the definitions accepts the daemon's declarations unchanged")
    func importedDefinitionsAgreeWithDeclarations() async throws {
        let url = try await Broker.freshVirtualHost("definitions")
        defer { Task { await Broker.deleteVirtualHost(url: url) } }
        let vhost = try #require(url.split(separator: "/").last.flatMap { String($0).removingPercentEncoding })
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("definitions-\(UUID().uuidString).json")
        try GridwatchTopology.definitionsJSON(virtualHost: vhost).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await runBlocking { try Broker.main("ctl", "-q", "import_definitions", file.path) }

        let client = try await Broker.client(url, name: "definitions")
        defer { Task { await client.shutdown() } }
        // Passive agreement: declaring the daemon's topology on the imported one changes nothing and fails nothing.
        try await client.declare(GridwatchTopology.topology)
        let hotline = OutgoingMessage(exchange: GridwatchTopology.intakeExchange, routingKey: "hotline.x", body: Data("{}".utf8))
        #expect(await client.publish(hotline) == .confirmed, "the intake binding exists")
    }
}
