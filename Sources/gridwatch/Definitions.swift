import ArgumentParser
import Foundation
import GridwatchDaemon

struct Definitions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the broker topology (exchanges, queues, bindings) as RabbitMQ definitions JSON.",
        discussion: "The same topology the daemon declares at start; deploy/rabbitmq/definitions.json is this output.")

    @Option(help: "The virtual host to put in the definitions.")
    var virtualHost = "/"

    func run() throws {
        FileHandle.standardOutput.write(try GridwatchTopology.definitionsJSON(virtualHost: virtualHost))
    }
}
