import AMQP
import ArgumentParser
import Foundation
import GridConfig
import GridwatchDaemon
import Logging

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send one intake message (hotline request, alarm, camera detection, care alert, field update) and wait for the broker's confirm.",
        discussion: """
            The body is a JSON file (see deploy/schemas/examples) or standard input. The message goes to the
            gridwatch.intake exchange with routing key <kind>.cli and user_id set to the URL's user, as a
            hotline system or sensor platform would send it.
              gridwatch publish hotline deploy/schemas/examples/hotline-request/valid/gas-leak.json
              gridwatch publish field update.json --person gw-0007
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case hotline, alarm, camera, care, field
    }

    @Argument(help: "hotline, alarm, camera, care or field.") var kind: Kind
    @Argument(help: "JSON file with the message body; '-' or nothing for standard input.") var file: String?
    @Option(help: "Broker URL. Default: $GRIDWATCH_AMQP_URL or the local development node.")
    var url: String?
    @Option(help: "For field updates: the person the field app authenticated (x-gridwatch-person).") var person: String?
    @Option(help: "For department updates: the department the person acts for (x-gridwatch-department).") var department: String?
    @Option(help: "Message id (default: a new UUID).") var messageID: String?

    func run() async throws {
        let body: Data
        if let file, file != "-" {
            body = try Data(contentsOf: URL(fileURLWithPath: file))
        } else {
            body = FileHandle.standardInput.readDataToEndOfFile()
        }
        var broker = GridConfig.DaemonSettings.Broker()
        broker.url = url
        var configuration = try Daemon.amqpConfiguration(broker)
        configuration.connectionName = "gridwatch publish"
        configuration.reconnect = Backoff(initial: .milliseconds(200), maximum: .seconds(2))
        var logger = Logger(label: "gridwatch.publish")
        logger.logLevel = .error
        let client = try AMQPClient(configuration: configuration, logger: logger)
        client.start()
        guard await client.waitUntilConnected(timeout: .seconds(10)) else {
            await client.shutdown()
            throw ValidationError("cannot connect to \(configuration.url.redacted)")
        }
        var properties = MessageProperties(
            contentType: "application/json", messageID: messageID ?? UUID().uuidString.lowercased(),
            timestamp: UInt64(Date().timeIntervalSince1970), userID: configuration.url.user)
        if let person { properties.headers["x-gridwatch-person"] = .string(person) }
        if let department { properties.headers["x-gridwatch-department"] = .string(department) }
        let outcome = await client.publish(OutgoingMessage(
            exchange: GridwatchTopology.intakeExchange, routingKey: "\(kind.rawValue).cli", body: body, properties: properties))
        await client.shutdown()
        guard outcome == .confirmed else {
            FileHandle.standardError.write(Data("gridwatch: not confirmed: \(outcome)\n".utf8))
            throw ExitCode(1)
        }
        print("confirmed: \(properties.messageID!) → \(GridwatchTopology.intakeExchange) \(kind.rawValue).cli")
    }
}
