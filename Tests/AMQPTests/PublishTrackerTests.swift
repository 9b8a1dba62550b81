@testable import AMQP
import Testing

/// Every order in which a broker may answer a window of publishes.
@Suite("Publisher-confirm bookkeeping")
struct PublishTrackerTests {
    private func sent(_ count: Int) -> PublishTracker<Int> {
        var tracker = PublishTracker<Int>()
        for token in 1...count { #expect(tracker.sent(token) == UInt64(token)) }
        return tracker
    }

    private func outcomes(_ resolved: [(Int, PublishOutcome)]) -> [Int: PublishOutcome] {
        Dictionary(uniqueKeysWithValues: resolved)
    }

    @Test("single acks in any order confirm exactly their publish")
    func singleAcks() {
        var tracker = sent(3)
        #expect(outcomes(tracker.acked(2, multiple: false)) == [2: .confirmed])
        #expect(outcomes(tracker.acked(1, multiple: false)) == [1: .confirmed])
        #expect(tracker.outstanding == 1)
        #expect(outcomes(tracker.acked(3, multiple: false)) == [3: .confirmed])
        #expect(tracker.isEmpty)
    }

    @Test("a multiple ack confirms everything up to its tag, skipping what was already answered")
    func multipleAck() {
        var tracker = sent(5)
        #expect(outcomes(tracker.nacked(2, multiple: false)) == [2: .nacked])
        #expect(outcomes(tracker.acked(4, multiple: true)) == [1: .confirmed, 3: .confirmed, 4: .confirmed])
        #expect(tracker.outstanding == 1)
        #expect(tracker.acked(4, multiple: true).isEmpty, "a repeated answer resolves nothing twice")
        #expect(outcomes(tracker.nacked(5, multiple: true)) == [5: .nacked])
    }

    @Test("a return is reported when its ack arrives, not as confirmed")
    func returnThenAck() {
        var tracker = sent(3)
        let placed = tracker.returned(2, replyCode: 312, replyText: "NO_ROUTE")
        let unknown = tracker.returned(9, replyCode: 312, replyText: "NO_ROUTE")
        #expect(placed)
        #expect(!unknown, "an unknown sequence is not placed")
        #expect(outcomes(tracker.acked(3, multiple: true)) == [
            1: .confirmed, 2: .returned(replyCode: 312, replyText: "NO_ROUTE"), 3: .confirmed,
        ])
    }

    @Test("a lost connection fails every pending publish and numbering restarts at 1")
    func failAll() {
        var tracker = sent(4)
        _ = tracker.acked(1, multiple: false)
        let error = AMQPError(.connectionLost, operation: "publish")
        let failed = tracker.failAll(error)
        #expect(failed.map(\.0) == [2, 3, 4])
        #expect(failed.allSatisfy { $0.1 == .failed(error) })
        #expect(tracker.isEmpty)
        #expect(tracker.sent(10) == 1)
        #expect(outcomes(tracker.acked(1, multiple: true)) == [10: .confirmed])
    }

    @Test("every publish ends in exactly one outcome, whatever the broker's order", arguments: 0..<50)
    func exactlyOnce(seed: Int) {
        var random = SplitMix(seed: UInt64(seed))
        let count = 40
        var tracker = sent(count)
        var seen: [Int: Int] = [:]
        var next: UInt64 = 1
        while !tracker.isEmpty {
            let tag = min(UInt64(count), next + UInt64(random.next() % 4))
            let multiple = random.next() % 2 == 0
            let resolved = random.next() % 5 == 0 ? tracker.nacked(tag, multiple: multiple) : tracker.acked(tag, multiple: multiple)
            for (token, _) in resolved { seen[token, default: 0] += 1 }
            if multiple { next = tag + 1 }
            if random.next() % 7 == 0 {
                for (token, _) in tracker.failAll(AMQPError(.connectionLost, operation: "test")) { seen[token, default: 0] += 1 }
            }
        }
        #expect(seen.count == count)
        #expect(seen.values.allSatisfy { $0 == 1 })
    }
}

/// A small seeded generator, so a failing case can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
