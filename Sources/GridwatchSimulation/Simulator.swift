import CaseStore
import Foundation
import GridConfig
import GridwatchDaemon
import GridwatchDomain
import Logging

/// Replays timestamped events through the daemon's own `CaseProcessor` on a virtual clock.
///
/// Nothing is simplified for the simulation: the same intake limits, triage, correlation,
/// machine and store transactions run, only the clock is the events' and no broker is involved.
/// Before each event, every deadline due by the event's time fires at its own instant (as the
/// daemon's timer would fire it); then the event is processed at its `at`. After the last
/// event the clock runs on to `until`, firing deadlines. Notifications and case events stay in
/// the store's outbox, where the report counts them.
public struct Simulator: Sendable {
    /// The broker user the simulated messages come from, trusted for every source.
    public static let userID = "gridwatch-simulator"

    public var configuration: GridwatchConfiguration
    public var store: any CaseStore
    public var logger: Logger

    public init(configuration: GridwatchConfiguration, store: any CaseStore, logger: Logger) {
        var configuration = configuration
        configuration.daemon.trust[Self.userID] = Set(DaemonSettings.Source.allCases)
        self.configuration = configuration
        self.store = store
        self.logger = logger
    }

    /// How far a run has got, for a progress line.
    public struct Progress: Sendable {
        public var eventsDone: Int
        public var eventsTotal: Int
        public var virtualTime: Date
    }

    /// Replays `input` and reports what happened. `until` defaults to 7 days after the last event;
    /// `timeZone` is the zone the report shows times in.
    public func run(_ input: SimulationInput, until: Date? = nil, timeZone: TimeZone = .gmt,
                    progress: (@Sendable (Progress) -> Void)? = nil) async throws -> SimulationReport {
        let processor = try CaseProcessor(configuration: configuration, store: store, logger: logger)
        let start = input.events.first?.at ?? until ?? Date(timeIntervalSince1970: 0)
        let end = max(until ?? (input.events.last?.at ?? start).addingTimeInterval(7 * 86400), start)
        let outboxStart = try lastOutboxSequence()
        var tally = SimulationReport.Events()
        tally.read = input.events.count + input.unreadable.count
        tally.unreadable = input.unreadable
        var deadlinesFired = 0

        for (index, event) in input.events.enumerated() where event.at <= end {
            deadlinesFired += try await advance(processor, to: event.at) { time in
                progress?(Progress(eventsDone: index, eventsTotal: input.events.count, virtualTime: time))
            }
            guard let message = try incoming(event) else {
                tally.count(.deadLetter(reason: "unknown_case", detail: "no case holds the report \(event.caseOf ?? "")"), line: event.line)
                continue
            }
            let dispositions = try await processor.process([message], now: event.at)
            for disposition in dispositions { tally.count(disposition, line: event.line) }
            progress?(Progress(eventsDone: index + 1, eventsTotal: input.events.count, virtualTime: event.at))
        }
        tally.afterEnd = input.events.count(where: { $0.at > end })
        deadlinesFired += try await advance(processor, to: end) { time in
            progress?(Progress(eventsDone: input.events.count, eventsTotal: input.events.count, virtualTime: time))
        }
        progress?(Progress(eventsDone: input.events.count, eventsTotal: input.events.count, virtualTime: end))

        var report = SimulationReport(period: start..<end, events: tally, deadlinesFired: deadlinesFired)
        try report.collect(from: store, openedSince: start, outboxAfter: outboxStart, hierarchy: configuration.hierarchy,
                           timeZone: timeZone)
        return report
    }

    /// Fires every deadline due by `time`, each batch at the instant it was due, telling
    /// `clock` where the virtual clock stands (the run-on after the last event may be long).
    private func advance(_ processor: CaseProcessor, to time: Date, clock: (Date) -> Void) async throws -> Int {
        var fired = 0
        while let next = try await processor.nextDeadline(), next <= time {
            clock(next)
            var batch = try await processor.fireDueDeadlines(now: next).fired
            // Rounding can make the earliest row look due a hair before the store hands it out.
            if batch == 0 { batch = try await processor.fireDueDeadlines(now: time).fired }
            if batch == 0 { break }
            fired += batch
        }
        return fired
    }

    /// The message the broker would have delivered, with the case id filled in for `caseOf`;
    /// nil when no case holds that report.
    private func incoming(_ event: SimulationEvent) throws(StoreError) -> IncomingMessage? {
        var body = event.body
        if let sourceKey = event.caseOf {
            guard let id = try store.caseID(forSourceKey: sourceKey) else { return nil }
            if var object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] {
                object["caseId"] = id.rawValue
                body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? body
            }
        }
        let messageID = event.messageID ?? IncomingMessage.derivedMessageID(routingKey: event.routingKey, body: event.body)
        return IncomingMessage(
            messageID: messageID, routingKey: event.routingKey, body: body, userID: Self.userID,
            person: event.person, department: event.department)
    }

    private func lastOutboxSequence() throws(StoreError) -> Int64 {
        var last: Int64 = 0
        while let row = try store.outbox(after: last, limit: 1000).last { last = row.sequence }
        return last
    }
}
