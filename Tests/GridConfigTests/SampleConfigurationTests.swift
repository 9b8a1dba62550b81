import Foundation
import GridConfig
import GridwatchDomain
import Testing

/// The shipped sample under deploy/config must load, and must have the shape it claims.
@Suite("Sample configuration")
struct SampleConfigurationTests {
    static let sampleURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/config/gridwatch.yaml")

    static func load() throws -> GridwatchConfiguration {
        do {
            return try GridwatchConfiguration.load(contentsOf: sampleURL)
        } catch {
            Issue.record("\(error)")
            throw error
        }
    }

    @Test("loads without problems and has Dongzhimen's shape: 10 communities, 34 grids")
    func shape() throws {
        let c = try Self.load()
        #expect(c.hierarchy.districts.count == 1)
        let streets = c.hierarchy.districts[0].streets
        #expect(streets.count >= 2)
        let dongzhimen = try #require(c.hierarchy.street(code: "110101008"))
        #expect(dongzhimen.communities.count == 10)
        #expect(dongzhimen.communities.map(\.grids.count).reduce(0, +) == 34)
        for code in c.hierarchy.gridCodes {
            let roles = Set(c.hierarchy.staff(at: .grid, for: code).map(\.role))
            #expect(roles == [.gridWorker, .gridLeader, .gridManager, .gridSupervisor, .gridAssistant], "grid \(code) lacks 一格三员")
        }
        #expect(c.correlationWindow == 1800)
        #expect(c.limits.maxMessageBytes == 65536)
    }

    @Test("policies resolve as the domain says: 2 h emergencies, 24 h utilities, 7 d general, 15 d complex")
    func policies() throws {
        let c = try Self.load()
        func total(_ p: EscalationPolicy) -> TimeInterval {
            Level.allCases.filter { $0 >= p.startLevel && $0 <= p.topLevel }.map { p.resolve(at: $0) }.reduce(0, +)
        }
        let gas = c.policies.policy(for: "hotline.gas-leak", severity: .critical)
        #expect(total(gas) == 2 * 3600)
        #expect(gas.notifyAtOnce == [.community, .street])
        #expect(gas.summonOwners)
        #expect(gas.summon == ["property-management"])
        #expect(gas.reportInWithin == 30 * 60)
        #expect(total(c.policies.policy(for: "hotline.water-outage", severity: .normal)) == 24 * 3600)
        #expect(total(c.policies.policy(for: "hotline.noise", severity: .low)) == 7 * 86400)
        #expect(total(c.policies.policy(for: "hotline.neighbour-dispute", severity: .normal)) == 15 * 86400)
        let consultation = c.policies.policy(for: "hotline.consultation", severity: .low)
        #expect(consultation.startLevel == .community)
        #expect(consultation.topLevel == .street)
        #expect(consultation.reminderInterval == 4 * 3600, "inherited from the default")
    }

    @Test("the gas-leak call of the seed is placed at building 38 and its case knows whom to call")
    func triage() throws {
        let c = try Self.load()
        let call = HotlineRequest(
            serviceRequestID: "12345-20261122-0001", serviceCode: "gas-leak", requestedAt: Date(timeIntervalSince1970: 1_800_000_000),
            addressString: "东城区工体北路38号楼602室")
        let outcome = try c.triage.triage(.hotline(call)).get()
        #expect(outcome.category.id == "hotline.gas-leak")
        #expect(outcome.severity == .critical)
        #expect(outcome.location.grid.rawValue == "110101008001001")
        #expect(outcome.location.building == "b-110101008001001-38")
        let context = try #require(c.caseContext(location: outcome.location, category: outcome.category.id))
        #expect(context.owners == ["gas-company"])
        #expect(context.staff[.community]?.map(\.role) == [.stationHead, .communitySecretary])
        #expect(c.hierarchy.people[context.staff[.grid]![0].person]?.name == "毕琳")
    }

    @Test("authenticated identities become senders only when the configuration knows them")
    func senders() throws {
        let c = try Self.load()
        #expect(c.sender(person: "gw-0007") == .person("gw-0007"))
        #expect(c.sender(person: "gas-0313", actingFor: "gas-company") == .department("gas-company", contact: "gas-0313"))
        #expect(c.sender(person: "gw-0007", actingFor: "gas-company") == nil)
        #expect(c.sender(person: "nobody") == nil)
    }

    @Test("every device sits in a configured grid and every alarm device's building exists")
    func devices() throws {
        let c = try Self.load()
        #expect(c.devices.count > 100)
        for device in c.devices {
            #expect(c.hierarchy.grid(device.grid) != nil)
            if let b = device.building { #expect(c.hierarchy.building(b, in: device.grid) != nil) }
        }
    }

    @Test("a point inside a grid's boundary is placed in that grid")
    func pointInPolygon() throws {
        let c = try Self.load()
        let grid = try #require(c.hierarchy.grid(GridCode("110101008001002")!))
        let vertices = try #require(grid.boundary?.vertices)
        let centre = Coordinate(
            latitude: vertices.map(\.latitude).reduce(0, +) / Double(vertices.count),
            longitude: vertices.map(\.longitude).reduce(0, +) / Double(vertices.count))
        #expect(c.hierarchy.grid(containing: centre) == grid.code)
        #expect(c.hierarchy.grid(containing: Coordinate(latitude: 10, longitude: 10)) == nil)
    }

    @Test("traffic sources: the 40 grids with their grid workers, source codes by kind, alarms split by prefix")
    func trafficSources() throws {
        let c = try Self.load()
        let sources = TrafficSources(c)
        #expect(sources.grids.count == 40)
        #expect(sources.grids.first?.code == "110101008001001")
        for grid in sources.grids {
            let staff = try #require(GridCode(grid.code).flatMap { c.hierarchy.grid($0) }).staff
            #expect(staff.first { $0.role == .gridWorker }?.person.rawValue == grid.worker)
        }
        #expect(sources.hotlineCodes.contains("gas-leak"))
        #expect(sources.cameraCodes.contains("objectThrownFromHeight") && !sources.hotlineCodes.contains("objectThrownFromHeight"))
        #expect(sources.careCodes == ["water", "door", "motion"])
        #expect(sources.gasAlarms.count == 80 && sources.gasAlarms.allSatisfy { $0.hasPrefix("gas-") })
        #expect(sources.smokeAlarms.count == 80 && sources.smokeAlarms.allSatisfy { $0.hasPrefix("smoke-") })
        #expect(!sources.cameras.isEmpty && !sources.careSensors.isEmpty)
        #expect(Set(sources.cameras).isDisjoint(with: sources.careSensors))
    }
}
