import Foundation
@testable import AMQP
@testable import GridwatchDaemon
import Testing

/// Which deliveries of a batch one `multiple` ack settles (`IntakeService.acknowledgedTogether`).
@Suite struct BatchAckTests {
    static func delivery(_ tag: UInt64, generation: UInt64 = 1, channel: UInt16 = 2) -> Delivery {
        Delivery(body: Data(), properties: MessageProperties(), exchange: "gridwatch.intake", routingKey: "hotline.x",
                 queue: "gridwatch.intake.hotline", deliveryTag: tag, redelivered: false,
                 origin: .init(generation: generation, channel: channel))
    }

    static let dead = Disposition.deadLetter(reason: "invalid", detail: "")

    @Test("a batch without dead letters is settled by one ack of its last delivery")
    func wholeBatch() {
        let deliveries = (1...5).map { Self.delivery($0) }
        let dispositions: [Disposition] = [.applied, .duplicate, .ignored(reason: "x"), .applied, .applied]
        #expect(IntakeService.acknowledgedTogether(deliveries, dispositions) == 5)
    }

    @Test("a dead letter ends the run: it is acknowledged only once its copy is confirmed")
    func deadLetterEndsTheRun() {
        let deliveries = (11...15).map { Self.delivery($0) }
        #expect(IntakeService.acknowledgedTogether(deliveries, [.applied, .applied, Self.dead, .applied, .applied]) == 2)
        #expect(IntakeService.acknowledgedTogether(deliveries, [Self.dead, .applied, .applied, .applied, .applied]) == 0)
        #expect(IntakeService.acknowledgedTogether([], []) == 0)
    }

    @Test("deliveries of another connection or channel, or out of tag order, are not covered")
    func otherOrigins() {
        let mixedGeneration = [Self.delivery(7), Self.delivery(8), Self.delivery(1, generation: 2)]
        #expect(IntakeService.acknowledgedTogether(mixedGeneration, [.applied, .applied, .applied]) == 2)
        let mixedChannel = [Self.delivery(7), Self.delivery(8, channel: 3)]
        #expect(IntakeService.acknowledgedTogether(mixedChannel, [.applied, .applied]) == 1)
        let outOfOrder = [Self.delivery(7), Self.delivery(9), Self.delivery(8)]
        #expect(IntakeService.acknowledgedTogether(outOfOrder, [.applied, .applied, .applied]) == 2)
    }
}
