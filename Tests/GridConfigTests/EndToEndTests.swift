import Foundation
import GridConfig
import GridwatchDomain
import Testing

/// The path the daemon takes, on the shipped sample: triage → correlate → open or merge →
/// dispatch, with a camera, an alarm and a call about one building becoming one case.
@Suite("End to end on the sample configuration")
struct EndToEndTests {
    /// A minimal stand-in for the daemon's case table.
    struct Desk {
        let configuration: GridwatchConfiguration
        var cases: [CaseID: CaseMachine] = [:]
        var families: [CaseID: String] = [:]
        var actions: [CaseAction] = []

        mutating func receive(_ report: Report, now: Date) -> CaseID? {
            guard case .success(let t) = configuration.triage.triage(report) else { return nil }
            let family = t.category.correlationFamily
            let open = cases.values.filter { !$0.isEnded }.map { $0.correlationKey(family: families[$0.id]!) }
            switch configuration.correlator.decide(
                sourceKey: report.sourceKey, device: report.deviceID, family: family, location: t.location, at: now, openCases: open)
            {
            case .duplicate(let id):
                return id
            case .fold(let id):
                actions += cases[id]!.merge(report, category: t.category.id, severity: t.severity, now: now)
                return id
            case .open:
                let id = CaseID("C-\(cases.count + 1)")
                guard let context = configuration.caseContext(location: t.location, category: t.category.id) else { return nil }
                var (machine, opened) = CaseMachine.open(id: id, report: report, category: t.category.id, severity: t.severity, context: context, now: now)
                actions += opened + machine.dispatch(now: now)
                cases[id] = machine
                families[id] = family
                return id
            }
        }
    }

    static let t = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a smoke camera, a smoke alarm and a call about a fire in one building are one case; a redelivered call changes nothing")
    func oneFire() throws {
        var desk = Desk(configuration: try SampleConfigurationTests.load())
        let grid = GridCode("110101008003002")!
        let camera = Report.camera(CameraDetection(cameraID: "cam-110101008003002-01", detection: .smoke, confidence: 0.8, detectedAt: Self.t))
        let alarm = Report.alarm(Alarm(identifier: "S-1", sender: "gw", sent: Self.t.addingTimeInterval(60), event: "smoke", deviceID: "smoke-110101008003002-32"))
        let call = Report.hotline(HotlineRequest(
            serviceRequestID: "12345-F-1", serviceCode: "fire", requestedAt: Self.t.addingTimeInterval(120), addressString: "工体北路32号楼冒烟", gridCode: grid))
        let first = desk.receive(camera, now: Self.t)
        #expect(first != nil)
        #expect(desk.receive(alarm, now: Self.t.addingTimeInterval(60)) == first)
        #expect(desk.receive(call, now: Self.t.addingTimeInterval(120)) == first)
        #expect(desk.receive(call, now: Self.t.addingTimeInterval(180)) == first)
        let fire = try #require(desk.cases[first!])
        #expect(desk.cases.count == 1)
        #expect(fire.reports.count == 3)
        #expect(fire.severity == .critical, "the alarm's and the call's critical severity raise the camera's high")
        #expect(fire.summonedDepartments.keys.contains("fire"))
    }

    @Test("the same kind of report in another building of the grid is a separate case")
    func separateBuildings() throws {
        var desk = Desk(configuration: try SampleConfigurationTests.load())
        let a = Report.alarm(Alarm(identifier: "G-1", sender: "gw", sent: Self.t, event: "combustible-gas", deviceID: "gas-110101008001001-38"))
        let b = Report.alarm(Alarm(identifier: "G-2", sender: "gw", sent: Self.t, event: "combustible-gas", deviceID: "gas-110101008001001-40"))
        #expect(desk.receive(a, now: Self.t) != desk.receive(b, now: Self.t))
        #expect(desk.cases.count == 2)
    }

    @Test("every notification of a dispatch reaches people the configuration knows, on their configured channels")
    func recipientsAreReal() throws {
        let configuration = try SampleConfigurationTests.load()
        var desk = Desk(configuration: configuration)
        let call = Report.hotline(HotlineRequest(serviceRequestID: "12345-G-1", serviceCode: "gas-leak", requestedAt: Self.t, addressString: "工体北路38号楼602室"))
        _ = desk.receive(call, now: Self.t)
        let notifications = desk.actions.compactMap { if case .notify(let n) = $0 { n } else { nil } }
        #expect(notifications.count >= 5)
        for n in notifications {
            for r in n.recipients {
                let person = try #require(configuration.hierarchy.people[r.person])
                #expect(r.channels == person.channels)
            }
        }
    }
}
