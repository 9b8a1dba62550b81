/// The bookkeeping of a channel in confirm mode: which publishes wait for the broker's answer.
///
/// Publishes are numbered from 1 per channel in the order they were sent. The broker answers
/// with `basic.ack`/`basic.nack` for one tag or, with `multiple`, for every tag up to it; a
/// mandatory message that no queue took comes back first as `basic.return` and is then acked,
/// so a return is remembered until its ack and reported as `.returned`. Pure: no I/O, so every
/// order of answers can be tested without a broker.
struct PublishTracker<Token> {
    private struct Entry {
        var token: Token
        var returned: (code: UInt16, text: String)?
    }

    /// The sequence number the next publish will get (`nextPublishSeqNo`).
    private(set) var nextSequence: UInt64 = 1
    private var pending: [UInt64: Entry] = [:]
    /// No tag below this one is pending: where a `multiple` answer starts looking.
    private var lowest: UInt64 = 1

    var outstanding: Int { pending.count }
    var isEmpty: Bool { pending.isEmpty }

    /// Records a publish just written to the channel; returns its sequence number.
    mutating func sent(_ token: Token) -> UInt64 {
        let sequence = nextSequence
        nextSequence += 1
        pending[sequence] = Entry(token: token, returned: nil)
        return sequence
    }

    /// Records a `basic.return` for `sequence`; the outcome is reported when its ack arrives.
    /// Returns false when no such publish is pending (a return the client cannot place).
    mutating func returned(_ sequence: UInt64, replyCode: UInt16, replyText: String) -> Bool {
        guard pending[sequence] != nil else { return false }
        pending[sequence]?.returned = (replyCode, replyText)
        return true
    }

    /// A `basic.ack`: confirmed, or returned if a return came first.
    mutating func acked(_ tag: UInt64, multiple: Bool) -> [(Token, PublishOutcome)] {
        resolve(tag, multiple: multiple) { entry in
            if let returned = entry.returned {
                return .returned(replyCode: returned.code, replyText: returned.text)
            }
            return .confirmed
        }
    }

    /// A `basic.nack`: the broker did not take the message.
    mutating func nacked(_ tag: UInt64, multiple: Bool) -> [(Token, PublishOutcome)] {
        resolve(tag, multiple: multiple) { _ in .nacked }
    }

    /// The channel or connection is gone: every pending publish failed, and a new channel
    /// numbers its publishes from 1 again.
    mutating func failAll(_ error: AMQPError) -> [(Token, PublishOutcome)] {
        let failed = pending.sorted { $0.key < $1.key }.map { ($0.value.token, PublishOutcome.failed(error)) }
        pending.removeAll()
        nextSequence = 1
        lowest = 1
        return failed
    }

    private mutating func resolve(
        _ tag: UInt64, multiple: Bool, outcome: (Entry) -> PublishOutcome
    ) -> [(Token, PublishOutcome)] {
        var resolved: [(Token, PublishOutcome)] = []
        if multiple {
            guard tag >= lowest else { return [] }
            for sequence in lowest...tag {
                if let entry = pending.removeValue(forKey: sequence) {
                    resolved.append((entry.token, outcome(entry)))
                }
            }
            lowest = tag + 1
        } else if let entry = pending.removeValue(forKey: tag) {
            resolved.append((entry.token, outcome(entry)))
            if tag == lowest { advanceLowest() }
        }
        return resolved
    }

    private mutating func advanceLowest() {
        while lowest < nextSequence, pending[lowest] == nil { lowest += 1 }
    }
}
