@testable import AMQP
import Testing

/// Acks queued together reach the broker as the fewest frames that settle the same deliveries.
@Suite("Ack coalescing")
struct AckCoalescerTests {
    private let first = Delivery.Origin(generation: 1, channel: 3)
    private let second = Delivery.Origin(generation: 1, channel: 4)

    /// The acks that would go on the wire for a run of queued acks.
    private func sent(_ acks: [(Delivery.Origin, UInt64, Bool)]) -> [(UInt16, UInt64, Bool)] {
        var coalescer = AckCoalescer()
        var wire: [(UInt16, UInt64, Bool)] = []
        for (origin, tag, multiple) in acks {
            if let earlier = coalescer.add(origin, tag: tag, multiple: multiple) {
                wire.append((earlier.origin.channel, earlier.tag, earlier.multiple))
            }
        }
        if let last = coalescer.take() { wire.append((last.origin.channel, last.tag, last.multiple)) }
        return wire
    }

    @Test("a run of multiple acks on one channel becomes its last")
    func multipleRun() {
        let wire = sent([(first, 1, true), (first, 2, true), (first, 5, true)])
        #expect(wire.map(\.1) == [5])
        #expect(wire.allSatisfy { $0.0 == 3 && $0.2 })
    }

    @Test("a single ack is covered by a later multiple ack, not the other way round")
    func singleThenMultiple() {
        #expect(sent([(first, 1, false), (first, 2, true)]).map(\.1) == [2])
        #expect(sent([(first, 1, false), (first, 2, false), (first, 3, true)]).map(\.1) == [1, 3])
        #expect(sent([(first, 1, true), (first, 2, false)]).map(\.1) == [1, 2])
    }

    @Test("acks of other channels or lower tags are kept, in order")
    func keptApart() {
        #expect(sent([(first, 4, true), (second, 2, true), (first, 5, true)]).map { [$0.0, UInt16($0.1)] }
            == [[3, 4], [4, 2], [3, 5]])
        #expect(sent([(first, 4, true), (first, 3, true)]).map(\.1) == [4, 3])
        let otherGeneration = Delivery.Origin(generation: 2, channel: 3)
        #expect(sent([(first, 4, true), (otherGeneration, 5, true)]).map(\.1) == [4, 5])
    }
}
