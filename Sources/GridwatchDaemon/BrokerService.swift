import AMQP
import ServiceLifecycle

/// The broker connection as a lifecycle service: it runs from start to the end of the graceful
/// shutdown, and is the last to stop, so the intake can still acknowledge and the outbox still
/// publish while they drain.
struct BrokerService: Service {
    let client: AMQPClient

    func run() async throws {
        client.start()
        try? await gracefulShutdown()  // returns on graceful shutdown or cancellation alike
        await client.shutdown()
    }
}
