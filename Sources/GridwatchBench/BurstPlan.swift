import Foundation
import GridConfig
import GridwatchDomain

/// The burst's incidents and events, fixed before anything is sent, so the cases the daemon
/// should make of them are known in advance.
///
/// The correlator folds a device's reports into its open case, and a report of one incident
/// family into an open case of that family in its grid unless both name buildings and they
/// differ. So an incident here is a grid, a building (or none) and a family, and its reports
/// come from the devices placed there that report that family:
///
/// - a building's smoke alarm (`smoke-…`: CAP `smoke` and `fire-panel`) and its camera
///   (`smoke` and `fire` detections): one fire incident per building;
/// - a building's gas alarm (`gas-…`: `combustible-gas`): one gas-leak incident per building;
/// - a grid's cameras without a building (`garbageOverflow`, `exposedGarbage`): one garbage
///   incident per grid, a family no building's device reports, or the case it opens would
///   take the building's reports in too.
///
/// Other devices (care sensors, other alarms) take no part.
struct BurstPlan {
    /// One device and the codes it sends, in turn.
    struct Source {
        var device: String
        var kind: Device.Kind
        var codes: [String]
    }

    /// Reports the daemon must fold into one case, and no others with them.
    struct Incident: Hashable, CustomStringConvertible {
        var grid: String
        var building: String?
        var family: String

        var description: String { "\(family) in \(grid)" + (building.map { " \($0)" } ?? "") }
    }

    /// One message of the burst, with the source key the daemon files it under.
    struct Event {
        var message: IntakeFeed.Message
        var sourceKey: String
        var incident: Int
    }

    let incidents: [Incident]
    /// The devices of each incident, in the order of `incidents`.
    let sources: [[Source]]
    private let feed: IntakeFeed

    init(configuration: GridwatchConfiguration, run: String, now: Date) throws {
        feed = IntakeFeed(configuration: configuration, run: run, now: now)
        var order: [Incident] = []
        var byIncident: [Incident: [Source]] = [:]
        for device in configuration.devices {
            let id = device.id.rawValue
            let codes: [String]
            let categoryKind: GridwatchDomain.Category.Kind
            switch (device.kind, device.building != nil) {
            case (.alarm, true) where id.hasPrefix("smoke-"): (codes, categoryKind) = (["smoke", "fire-panel"], .alarm)
            case (.alarm, true) where id.hasPrefix("gas-"): (codes, categoryKind) = (["combustible-gas"], .alarm)
            case (.camera, true): (codes, categoryKind) = (["smoke", "fire"], .camera)
            case (.camera, false): (codes, categoryKind) = (["garbageOverflow", "exposedGarbage"], .camera)
            default: continue
            }
            let families = Set(try codes.map { code in
                guard let category = configuration.categories.first(where: { $0.kind == categoryKind && $0.sourceCode == code }) else {
                    throw BenchFailure("the configuration has no \(categoryKind) category '\(code)'")
                }
                return category.correlationFamily
            })
            guard families.count == 1, let family = families.first else {
                throw BenchFailure("the codes of device \(id) belong to different incident families: \(families.sorted())")
            }
            let incident = Incident(grid: device.grid.rawValue, building: device.building?.rawValue, family: family)
            if byIncident[incident] == nil { order.append(incident) }
            byIncident[incident, default: []].append(Source(device: id, kind: device.kind, codes: codes))
        }
        let placed = Set(order.filter { $0.building != nil }.map { "\($0.grid) \($0.family)" })
        if let open = order.first(where: { $0.building == nil && placed.contains("\($0.grid) \($0.family)") }) {
            throw BenchFailure("devices without a building report \(open.family) in grid \(open.grid), as devices in its buildings do: their folding would depend on arrival order")
        }
        guard !order.isEmpty else { throw BenchFailure("the configuration has no smoke or gas alarms or cameras") }
        incidents = order
        sources = order.map { byIncident[$0]! }
    }

    /// The first `count` events: event `i` belongs to incident `i % incidents.count`, whose
    /// devices and codes take turns. Camera detections are dated back one second per earlier
    /// detection of the same camera, since camera and second make their source key.
    func events(count: Int, run: String) -> [Event] {
        let alarmsSent = feed.now.addingTimeInterval(-60)
        let cameraBase = feed.now.addingTimeInterval(-120).timeIntervalSince1970.rounded(.down)
        var detections: [String: Int] = [:]
        var events: [Event] = []
        events.reserveCapacity(count)
        for i in 0..<count {
            let incident = i % incidents.count
            let round = i / incidents.count
            let devices = sources[incident]
            let source = devices[round % devices.count]
            let code = source.codes[(round / devices.count) % source.codes.count]
            let id = "burst-\(run)-\(i)"
            switch source.kind {
            case .camera:
                let earlier = detections[source.device, default: 0]
                detections[source.device] = earlier + 1
                let at = cameraBase - Double(earlier)
                events.append(Event(
                    message: feed.detection(id, camera: source.device, detection: code, at: Date(timeIntervalSince1970: at)),
                    sourceKey: "camera:\(source.device):\(Int(at))", incident: incident))
            case .alarm:
                events.append(Event(
                    message: feed.alarm(id, device: source.device, event: code, sent: alarmsSent),
                    sourceKey: "alarm:bench-gateway:A-\(id)", incident: incident))
            case .careSensor:
                preconditionFailure("care sensor \(source.device) in the burst plan")
            }
        }
        return events
    }
}
