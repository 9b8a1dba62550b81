import CaseStore
import Foundation
import GRDB
import GridwatchDaemon
import GridwatchDomain

/// The soak's verdict, from the ledger (what the feed had confirmed by the broker), the record
/// (what the broker delivered from the daemon's output queues) and the store (read-only):
///
/// - (a) every valid message is committed (its id in `processed_messages`) and its effect is in
///   exactly one place: a report's source key in exactly one case (one `opened` or `merged`
///   event in all the history, in the case `source_keys` names), a progress note once in its case;
/// - (b) every history row was published as a case event under its own id, every dispatch,
///   escalation and reminder has its notification, and repeats carry the same id and body;
/// - (c) no deadline fired later than the downtime explains, and none is left overdue;
/// - (d) the dead-letter queue holds exactly the invalid messages, each with its reason.
///
/// "Lost" counts what should exist and does not; "violations" everything else that is wrong.
struct SoakCheck {
    let database: String
    let ledger: String
    let record: String
    let windows: String
    /// Lateness allowed beyond the downtime, in seconds.
    let margin: Double
    /// When the daemon was stopped for good: deadlines due before it (and the margin) must have fired.
    let stoppedAt: Date

    struct Report {
        var lines: [String] = []
        var lost: [String: Int] = [:]
        var violations: [String: Int] = [:]
        /// A few of each kind of failure, to start looking from.
        var examples: [String: [String]] = [:]
        var duplicates = 0
        var maxLateness = 0.0
        var maxLatenessBeyondDowntime = 0.0

        var totalLost: Int { lost.values.reduce(0, +) }
        var passed: Bool { totalLost == 0 && violations.values.allSatisfy { $0 == 0 } }

        mutating func lose(_ what: String, _ example: @autoclosure () -> String) {
            lost[what, default: 0] += 1
            if examples[what, default: []].count < 3 { examples[what, default: []].append(example()) }
        }

        mutating func violate(_ what: String, _ example: @autoclosure () -> String) {
            violations[what, default: 0] += 1
            if examples[what, default: []].count < 3 { examples[what, default: []].append(example()) }
        }

        var summary: String {
            var out = lines.map { "soak-check: \($0)" }
            for (label, counts) in [("LOST", lost), ("VIOLATION", violations)] {
                for (what, count) in counts.sorted(by: { $0.key < $1.key }) where count > 0 {
                    out.append("soak-check: \(label) \(count): \(what)")
                    out += (examples[what] ?? []).map { "soak-check:   e.g. \($0)" }
                }
            }
            out.append(String(format: "soak-check: lost %d, duplicates %d, max lateness %.1f s (%.1f s beyond downtime)",
                              totalLost, duplicates, maxLateness, maxLatenessBeyondDowntime))
            out.append("soak-check: \(passed ? "PASS" : "FAIL")")
            return out.joined(separator: "\n")
        }
    }

    /// A ledger line: a message the broker confirmed, and what it should have led to.
    struct Entry {
        var messageID: String
        var kind: String
        var expect: String
        var key: String
        var note: String
    }

    /// A history row, decoded.
    struct StoredEvent {
        var seq: Int64
        var event: CaseEvent
    }

    func run() throws -> Report {
        var report = Report()
        let entries = try lines(of: ledger).compactMap { line -> Entry? in
            let f = fields(line)
            guard f.count >= 5 else { return nil }
            return Entry(messageID: String(f[0]), kind: String(f[1]), expect: String(f[2]), key: String(f[3]), note: String(f[4]))
        }
        let recorded = try lines(of: record).compactMap(RecordedMessage.init)
        guard let db = openReadOnly(database) else { throw SoakFailure("cannot open \(database)") }
        let store = try SQLiteCaseStore(path: database, readOnly: true)
        let (processed, sourceKeys, events, pending, unpublished) = try db.read { db in
            let processed = Set(try String.fetchAll(db, sql: "SELECT message_id FROM processed_messages"))
            var sourceKeys: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, case_id FROM source_keys") { sourceKeys[row["key"]] = row["case_id"] }
            let decoder = JSONDecoder()
            var events: [StoredEvent] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT seq, event FROM case_events ORDER BY seq")
            while let row = try cursor.next() {
                let text: String = row["event"]
                events.append(StoredEvent(seq: row["seq"], event: try decoder.decode(CaseEvent.self, from: Data(text.utf8))))
            }
            let pending = try Row.fetchAll(db, sql: "SELECT id, case_id, due_at, kind FROM deadlines ORDER BY due_at").map {
                (id: $0["id"] as String, caseID: $0["case_id"] as String, due: $0["due_at"] as Double, kind: $0["kind"] as String)
            }
            // Rows the daemon had no time to publish before it stopped: committed, and published
            // at its next start, so late rather than lost.
            let unpublished = Set(try String.fetchAll(db, sql: "SELECT id FROM outbox"))
            return (processed, sourceKeys, events, pending, unpublished)
        }
        let stream = entries.filter { !$0.kind.hasPrefix("seed") }
        let kinds = Dictionary(grouping: stream, by: \.kind).mapValues(\.count).sorted { $0.key < $1.key }
        report.lines.append("events \(stream.count) (\(kinds.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), "
                            + "\(entries.count - stream.count) seed messages")
        checkAccepted(entries, processed: processed, sourceKeys: sourceKeys, events: events, into: &report)
        checkPublished(events, recorded: recorded, unpublished: unpublished, into: &report)
        try checkDeadlines(events, pending: pending, store: store, into: &report)
        checkDeadLetters(entries, recorded: recorded, into: &report)
        return report
    }

    /// (a) Every valid message committed once, its effect in exactly one case; nothing invalid committed.
    func checkAccepted(_ entries: [Entry], processed: Set<String>, sourceKeys: [String: String], events: [StoredEvent],
                       into report: inout Report) {
        var reportCases: [String: [String]] = [:]
        var notes: [String: [String]] = [:]
        var signedFor: [String: Int] = [:]
        for stored in events {
            let event = stored.event
            switch event.kind {
            case .opened(let source, _), .merged(let source): reportCases[source, default: []].append(event.caseID.rawValue)
            case .progress(_, let note): notes[note, default: []].append(event.caseID.rawValue)
            case .signedFor: signedFor[event.caseID.rawValue, default: 0] += 1
            default: break
            }
        }
        var committed = 0
        for entry in entries {
            switch entry.expect {
            case "report", "field":
                guard processed.contains(entry.messageID) else {
                    report.lose("valid messages not committed", entry.messageID)
                    continue
                }
                committed += 1
                if entry.expect == "report" {
                    let cases = reportCases[entry.key] ?? []
                    if cases.isEmpty {
                        report.lose("reports in no case", entry.key)
                    } else if cases.count > 1 {
                        report.violate("reports in more than one case (or twice in one)", "\(entry.key): \(cases)")
                    } else if sourceKeys[entry.key] != cases[0] {
                        report.violate("source_keys disagrees with the history", "\(entry.key): \(sourceKeys[entry.key] ?? "none") vs \(cases[0])")
                    }
                } else if entry.note.isEmpty {
                    if signedFor[entry.key, default: 0] != 1 {
                        report.violate("seed cases not signed for exactly once", "\(entry.key): \(signedFor[entry.key, default: 0])")
                    }
                } else {
                    let cases = notes[entry.note] ?? []
                    if cases.isEmpty {
                        report.lose("field updates not in their case", entry.messageID)
                    } else if cases != [entry.key] {
                        report.violate("field updates applied more than once or to another case", "\(entry.messageID): \(cases)")
                    }
                }
            case "dead":
                if processed.contains(entry.messageID) { report.violate("invalid messages committed", entry.messageID) }
            default:
                report.violate("ledger lines not understood", entry.messageID)
            }
        }
        let caseCount = Set(events.map(\.event.caseID)).count
        report.lines.append("accepted: \(committed) valid messages committed, in \(caseCount) cases; \(events.count) history rows")
    }

    /// (b) Every history row published as a case event under its id; every dispatch, escalation
    /// and reminder notified; repeats under the same id with the same body.
    func checkPublished(_ events: [StoredEvent], recorded: [RecordedMessage], unpublished: Set<String>, into report: inout Report) {
        var caseEvents: [String: (count: Int, fingerprints: Set<String>)] = [:]
        var notifications: [String: (count: Int, fingerprints: Set<String>)] = [:]
        var notified = Set<String>()
        for message in recorded where message.queue != GridwatchTopology.deadQueue {
            if message.bodyID != message.messageID {
                report.violate("messages whose body names another id", "\(message.messageID) vs \(message.bodyID)")
            }
            if message.queue == GridwatchTopology.caseEventsQueue {
                caseEvents[message.messageID, default: (0, [])].count += 1
                caseEvents[message.messageID]!.fingerprints.insert(message.fingerprint)
            } else {
                // One message per channel: `<case>/n<step>.<channel>`, each in its channel's queue.
                let key = message.queue + " " + message.messageID
                notifications[key, default: (0, [])].count += 1
                notifications[key]!.fingerprints.insert(message.fingerprint)
                if let dot = message.messageID.lastIndex(of: ".") { notified.insert(String(message.messageID[..<dot])) }
            }
        }
        let stored = Set(events.map(\.event.id))
        for stored in events where caseEvents[stored.event.id] == nil && !unpublished.contains(stored.event.id) {
            report.lose("history rows not published as case events", stored.event.id)
        }
        for id in caseEvents.keys where !stored.contains(id) { report.violate("case events published but not in the history", id) }
        var duplicates = 0
        for (id, seen) in caseEvents.merging(notifications, uniquingKeysWith: { first, _ in first }) {
            duplicates += seen.count - 1
            if seen.fingerprints.count > 1 { report.violate("one id published with different bodies", id) }
        }
        report.duplicates += duplicates
        var steps = 0
        for stored in events {
            // The machine numbers events, notifications and deadlines in one sequence per case:
            // a dispatch `e<k>` is notified as `n<k+1>`, and so is a reminder; an escalation
            // `e<k>` tells the level it leaves as `n<k+4>` (after its deadline, its dispatch
            // `e<k+2>` and that dispatch's notification).
            let offset: Int
            switch stored.event.kind {
            case .dispatched, .reminded: offset = 1
            case .escalated: offset = 4
            default: continue
            }
            steps += 1
            guard let slash = stored.event.id.lastIndex(of: "/"),
                  let k = Int(stored.event.id[stored.event.id.index(after: slash)...].dropFirst()) else {
                report.violate("history ids not of the form <case>/e<n>", stored.event.id)
                continue
            }
            let expected = "\(stored.event.id[..<slash])/n\(k + offset)"
            if !notified.contains(expected) && !unpublished.contains(where: { $0.hasPrefix(expected + ".") }) {
                report.lose("dispatches, escalations and reminders without their notification", "\(stored.event.id) → \(expected)")
            }
        }
        report.lines.append("published: \(caseEvents.count) case events for \(stored.count) history rows, "
                            + "\(notifications.count) notifications (\(steps) steps checked); \(duplicates) repeats, all with their ids; "
                            + "\(unpublished.count) rows left in the outbox at the stop")
    }

    /// (d) Exactly the invalid messages dead-lettered, each with its reason.
    func checkDeadLetters(_ entries: [Entry], recorded: [RecordedMessage], into report: inout Report) {
        var dead: [String: [String]] = [:]
        for message in recorded where message.queue == GridwatchTopology.deadQueue {
            dead[message.messageID, default: []].append(message.reason)
        }
        let byID = Dictionary(entries.map { ($0.messageID, $0) }, uniquingKeysWith: { first, _ in first })
        var expected = 0
        for entry in entries where entry.expect == "dead" {
            expected += 1
            guard let reasons = dead[entry.messageID] else {
                report.lose("invalid messages not dead-lettered", entry.messageID)
                continue
            }
            if reasons.contains(where: { $0 != entry.key }) {
                report.violate("dead letters with the wrong reason", "\(entry.messageID): \(reasons) instead of \(entry.key)")
            }
        }
        var duplicates = 0
        for (id, reasons) in dead {
            duplicates += reasons.count - 1
            guard let entry = byID[id] else {
                report.violate("dead letters the feed never sent", id)
                continue
            }
            if entry.expect != "dead" { report.violate("valid messages dead-lettered", "\(id): \(reasons)") }
        }
        report.duplicates += duplicates
        let reasons = Dictionary(grouping: entries.filter { $0.expect == "dead" }, by: \.key).mapValues(\.count)
            .sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        report.lines.append("dead letters: \(expected) invalid messages sent (\(reasons)), \(dead.count) dead-lettered, \(duplicates) repeats")
    }
}
