import CaseStore
import Foundation
import GridConfig
import GridwatchDomain
import GridwatchSimulation
import Logging
import Testing

@Suite("Simulator")
struct SimulatorTests {
    /// Runs the fixture day in a fresh store and hands back the report and the store.
    func simulate() async throws -> (SimulationReport, SQLiteCaseStore, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteCaseStore(path: directory.appendingPathComponent("sim.sqlite").path)
        let simulator = Simulator(configuration: try SimulationFixture.configuration(), store: store, logger: Logger(label: "test"))
        let report = try await simulator.run(SimulationInput(jsonLines: SimulationFixture.jsonLines), until: SimulationFixture.until)
        return (report, store, directory)
    }

    @Test("every event is accounted for: applied, duplicate, dead-lettered with its reason, or unreadable")
    func dispositions() async throws {
        let (report, _, directory) = try await simulate()
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = report.events
        #expect(events.read == 10, "the comment and the blank line are not events")
        #expect(events.applied == 6, "two requests, sign-for, handled, verify, rate")
        #expect(events.duplicates == 1)
        #expect(events.deadLettered["unknown_category"] == 1)
        #expect(events.deadLettered.keys.contains { $0.hasPrefix("too_old") })
        #expect(events.deadLettered.values.reduce(0, +) == 2)
        #expect(events.unreadable.map(\.line) == [12])
        #expect(report.casesOpened == 2)
    }

    @Test("the case nobody signs for climbs one level per missed sign-for deadline, at the deadline's instant")
    func escalation() async throws {
        let (report, store, directory) = try await simulate()
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = try #require(try store.caseID(forSourceKey: SimulationFixture.unanswered))
        let history = try #require(try store.caseDetail(id)).history
        let climbs = history.compactMap { event -> (Level, Level, Date)? in
            if case .escalated(let from, let to, _) = event.kind { (from, to, event.at) } else { nil }
        }
        let t0 = SimulationFixture.t0
        #expect(climbs.map(\.0) == [.grid, .community, .street])
        #expect(climbs.map(\.1) == [.community, .street, .district])
        #expect(climbs.map(\.2) == [t0.addingTimeInterval(2 * 3600), t0.addingTimeInterval(4 * 3600), t0.addingTimeInterval(5 * 3600)])
        let reminders = history.filter { if case .reminded(.district, _) = $0.kind { true } else { false } }
        #expect(reminders.map(\.at) == [6, 10, 14, 18, 22].map { t0.addingTimeInterval(Double($0) * 3600) }, "1 h after reaching the top level, then every 4 h until the end")

        #expect(report.escalations.map { "\($0.from)→\($0.to) \($0.count)" } == ["grid→community 1", "community→street 1", "street→district 1"])
        #expect(report.openAtEnd == ["district": 1])
        let escalated = report.notifications.filter { $0.reason == "escalated" }
        #expect(escalated.map(\.level) == ["community", "street", "district"])
        #expect(escalated.allSatisfy { $0.notifications == 1 })
        #expect(report.notifications.first { $0.reason == "reminder" && $0.level == "district" }?.notifications == 5)
    }

    @Test("the case signed for in time ends without climbing and scores at its grid and community")
    func answered() async throws {
        let (report, store, directory) = try await simulate()
        defer { try? FileManager.default.removeItem(at: directory) }
        let id = try #require(try store.caseID(forSourceKey: SimulationFixture.answered))
        let detail = try #require(try store.caseDetail(id))
        #expect(detail.machine.phase == .rated)
        #expect(!detail.history.contains { if case .escalated = $0.kind { true } else { false } })
        #expect(detail.deadlines.isEmpty)

        let streets = try #require(report.assessment.first { $0.level == .street })
        let communities = try #require(report.assessment.first { $0.level == .community })
        #expect(streets.rows.map(\.unit.code) == ["110101008"])
        #expect(streets.rows.first?.name == "东直门街道")
        let community = try #require(communities.rows.first { $0.unit.code == "110101008001" })
        #expect(community.name == "工人体育馆社区")
        #expect(community.card.dispatched == 1, "the unanswered case reached the community; the answered one never did")
        #expect(community.card.responseRate == 0)
        #expect(community.card.satisfactionRate == nil, "the answered case was handled at its grid, not here")
    }

    @Test("the report encodes as JSON with the counts a script compares")
    func json() async throws {
        let (report, _, directory) = try await simulate()
        defer { try? FileManager.default.removeItem(at: directory) }
        let object = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        #expect(object["casesOpened"] as? Int == 2)
        let events = try #require(object["events"] as? [String: Any])
        #expect(events["duplicates"] as? Int == 1)
        let units = try #require(object["assessment"] as? [[String: Any]])
        #expect(units.contains { $0["code"] as? String == "110101008001" && $0["level"] as? String == "community" })
        #expect(report.text().contains("grid → community: 1"))
    }

    @Test("lines are replayed in time order whatever their order in the file")
    func order() {
        let late = #"{"at":"2026-11-02T10:00:00Z","routingKey":"hotline.x","body":{}}"#
        let early = #"{"at":"2026-11-02T09:00:00Z","routingKey":"hotline.y","body":{}}"#
        let input = SimulationInput(jsonLines: Data([late, early].joined(separator: "\n").utf8))
        #expect(input.events.map(\.routingKey) == ["hotline.y", "hotline.x"])
        #expect(input.events.map(\.line) == [2, 1])
    }
}

@Suite("Assessment from the store")
struct StoreAssessmentTests {
    /// The store's streaming count (chains from shared contexts, only the counted events) gives
    /// the scorecards `Assessment.compute` gives over whole histories, for any period.
    @Test func theStreamingCountAgreesWithWholeHistories() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gridwatch-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteCaseStore(path: directory.appendingPathComponent("sim.sqlite").path)
        let week = try Data(contentsOf: SimulationFixture.repository.appendingPathComponent("deploy/simulation/sample-week.jsonl"))
        let simulator = Simulator(configuration: try SimulationFixture.configuration(), store: store, logger: Logger(label: "test"))
        let input = SimulationInput(jsonLines: week)
        let start = try #require(input.events.first?.at)
        _ = try await simulator.run(input)
        var compared = 0
        for (from, days) in [(-1.0, 30.0), (0, 1), (2, 2), (5, 10)] {
            let period = start.addingTimeInterval(from * 86_400)..<start.addingTimeInterval((from + days) * 86_400)
            let whole = Assessment.compute(try store.assessmentRecords(for: period), period: period)
            let streamed = try store.scorecards(for: period, isCancelled: { false })
            #expect(streamed == whole, "\(period)")
            compared += whole.values.reduce(0) { $0 + $1.dispatched + $1.handled + $1.rated }
        }
        #expect(compared > 0, "the sample week produces something to count")
        // Asked to stop, it stops.
        #expect(throws: StoreError.self) {
            try store.scorecards(for: start.addingTimeInterval(-86_400)..<start.addingTimeInterval(30 * 86_400), isCancelled: { true })
        }
    }
}
