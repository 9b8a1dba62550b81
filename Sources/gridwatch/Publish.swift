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
            The body comes from flags, from a JSON file (see deploy/schemas/examples), or both (flags win);
            with neither, from standard input. The message goes to the gridwatch.intake exchange with routing
            key <kind>.cli and user_id set to the URL's user, as a hotline system or sensor platform would send it.
              gridwatch publish hotline --service-code gas-leak --grid 110101008001001 --description "38号楼燃气味"
              gridwatch publish alarm --device gas-110101008001001-38 --event combustible-gas
              gridwatch publish field --case GW-… --type signFor --person gw-0007
              gridwatch publish hotline deploy/schemas/examples/hotline-request/valid/gas-leak.json
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
    @OptionGroup(title: "Fields") var fields: PublishFields
    @Flag(help: "Print the body instead of sending it.") var dryRun = false

    func run() async throws {
        var body: Data
        if let file, file != "-" {
            body = try Data(contentsOf: URL(fileURLWithPath: file))
        } else if fields.isEmpty {
            body = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            body = Data("{}".utf8)
        }
        if !fields.isEmpty {
            guard let base = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw ValidationError("the file is not a JSON object, so flags cannot be added to it")
            }
            body = try JSONSerialization.data(
                withJSONObject: try fields.body(kind: kind, over: base), options: [.sortedKeys, .withoutEscapingSlashes])
        }
        if dryRun {
            print(String(decoding: body, as: UTF8.self))
            return
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
