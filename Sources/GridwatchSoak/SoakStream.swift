import Foundation
import GridConfig
import GridwatchDaemon
import GridwatchDomain

/// The soak's intake messages, built from a configuration, each with what the checks expect of
/// it. Deterministic for a run tag and message number (only the timestamps follow the clock), and
/// every message id and source key is unique to its message, so a message is either committed
/// once, under its own id, or dead-lettered; none is a repeat of another.
///
/// Field updates go only to the seed cases, which the feed opens and has signed for before the
/// stream starts: a progress note from the grid worker holding a signed case is accepted
/// whenever it arrives, in whatever order the queues are drained after a crash, so no valid
/// message can end up refused.
struct SoakStream {
    /// What a message should lead to.
    enum Expectation: Equatable {
        /// A report: committed, and its source key in exactly one case.
        case report(sourceKey: String)
        /// A field update to a seed case: committed; a progress note appears in that case once.
        case field(caseID: String, note: String?)
        /// Invalid: dead-lettered with this reason, never committed.
        case dead(reason: String)

        /// The ledger's fields after the message id.
        var fields: String {
            switch self {
            case .report(let key): "report\t\(key)\t"
            case .field(let caseID, let note): "field\t\(caseID)\t\(note ?? "")"
            case .dead(let reason): "dead\t\(reason)\t"
            }
        }
    }

    struct Message {
        var kind: String
        var routingKey: String
        var messageID: String
        var person: String?
        /// False for the messages that test the daemon's refusal of a message without `user_id`.
        var authenticated = true
        var body: Data
        var expectation: Expectation
    }

    /// A seed case: opened by a hotline request, signed for by the grid worker, then given
    /// progress notes by the stream.
    struct Seed {
        var message: Message
        var grid: TrafficSources.GridStaff
    }

    let run: String
    let start: Date
    let sources: TrafficSources
    /// Hotline categories whose cases stay with the grid for hours: the seeds' categories.
    let slowHotlineCodes: [String]

    init(configuration: GridwatchConfiguration, run: String, start: Date) {
        self.run = run
        self.start = start
        sources = TrafficSources(configuration)
        let categories = configuration.categories
        slowHotlineCodes = categories.filter { category in
            guard category.kind == .hotline, category.defaultSeverity <= .normal else { return false }
            let policy = configuration.policies.policy(for: category.id, severity: category.defaultSeverity)
            return policy.startLevel == .grid && policy.signFor(at: .grid) >= 3600 && category.incident == nil
        }.map(\.sourceCode)
    }

    /// What the configuration must offer for every kind of message to be built.
    var problems: [String] {
        var found: [String] = []
        if sources.grids.isEmpty { found.append("no grid with a grid worker") }
        if slowHotlineCodes.isEmpty { found.append("no hotline category that stays with the grid for an hour or more (for the seeds)") }
        if sources.gasAlarms.isEmpty || sources.smokeAlarms.isEmpty { found.append("no gas- or smoke- alarm devices") }
        if sources.cameras.isEmpty || sources.cameraCodes.isEmpty { found.append("no cameras or camera categories") }
        if sources.careSensors.isEmpty || sources.careCodes.isEmpty { found.append("no care sensors or care categories") }
        return found
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
    }

    static func json(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    func hotline(_ id: String, code: String, grid: String, at time: Date) -> Data {
        Self.json([
            "service_request_id": id, "status": "open", "service_code": code,
            "requested_datetime": Self.timestamp(time), "description": "巡检测试来电 \(id)",
            "address_string": "网格 \(grid)", "grid_code": grid,
        ])
    }

    /// Seed `j`: one per (grid, slow category), all two hours old, so none folds into another.
    func seed(_ j: Int) -> Seed {
        let grid = sources.grids[j % sources.grids.count]
        let code = slowHotlineCodes[(j / sources.grids.count) % slowHotlineCodes.count]
        let id = "seed-\(run)-\(j)"
        let body = hotline(id, code: code, grid: grid.code, at: start.addingTimeInterval(-7200))
        let message = Message(kind: "seed", routingKey: "hotline.soak", messageID: "soak-\(id)", body: body,
                              expectation: .report(sourceKey: "hotline:\(id)"))
        return Seed(message: message, grid: grid)
    }

    /// The grid worker's sign-for of seed case `caseID`.
    func signFor(_ j: Int, caseID: String, worker: String) -> Message {
        let body = Self.json(["caseId": caseID, "type": "signFor", "sentAt": Self.timestamp(Date().addingTimeInterval(-1))])
        return Message(kind: "seed-sign-for", routingKey: "field.soak", messageID: "soak-sign-\(run)-\(j)", person: worker,
                       body: body, expectation: .field(caseID: caseID, note: nil))
    }

    /// Message `i` of the stream: 70% hotline requests over every grid and category, 6% CAP
    /// alarms, 4% camera detections, 3% care alerts, 12% progress notes on the seed cases, 5%
    /// invalid (five kinds, each with the reason the daemon must give).
    func message(_ i: Int, seeds: [(caseID: String, worker: String)], now: Date) -> Message {
        var rng = SplitMix(seed: UInt64(i) &* 0x9E37_79B9_7F4A_7C15 ^ 0x50A6)
        let roll = Int(rng.next() % 100)
        let age = 60 + Double(rng.next() % UInt64(6.5 * 86400))
        let id = "\(run)-\(i)"
        // Sensor times are whole seconds, one per message, so no two share a source key.
        let sensorTime = start.addingTimeInterval(-Double(i) - 120)
        switch roll {
        case 0..<70:
            let grid = sources.grids[Int(rng.next() % UInt64(sources.grids.count))].code
            let code = sources.hotlineCodes[Int(rng.next() % UInt64(sources.hotlineCodes.count))]
            let requestID = "h-\(id)"
            return Message(kind: "hotline", routingKey: "hotline.soak", messageID: "soak-\(requestID)",
                           body: hotline(requestID, code: code, grid: grid, at: now.addingTimeInterval(-age)),
                           expectation: .report(sourceKey: "hotline:\(requestID)"))
        case 70..<76:
            let gas = rng.next() % 2 == 0
            let devices = gas ? sources.gasAlarms : sources.smokeAlarms
            let device = devices[Int(rng.next() % UInt64(devices.count))]
            let event = gas ? "combustible-gas" : (rng.next() % 2 == 0 ? "smoke" : "fire-panel")
            return Message(kind: "alarm", routingKey: "alarm.soak", messageID: "soak-a-\(id)",
                           body: alarm("A-\(id)", device: device, event: event, sent: now.addingTimeInterval(-age)),
                           expectation: .report(sourceKey: "alarm:soak-gateway:A-\(id)"))
        case 76..<80:
            let camera = sources.cameras[Int(rng.next() % UInt64(sources.cameras.count))]
            let code = sources.cameraCodes[Int(rng.next() % UInt64(sources.cameraCodes.count))]
            let body = Self.json(["cameraId": camera, "detection": code, "confidence": 0.9, "detectedAt": Self.timestamp(sensorTime)])
            return Message(kind: "camera", routingKey: "camera.soak", messageID: "soak-c-\(id)", body: body,
                           expectation: .report(sourceKey: "camera:\(camera):\(Int(sensorTime.timeIntervalSince1970))"))
        case 80..<83:
            let sensor = sources.careSensors[Int(rng.next() % UInt64(sources.careSensors.count))]
            let code = sources.careCodes[Int(rng.next() % UInt64(sources.careCodes.count))]
            let body = Self.json([
                "sensorId": sensor, "signal": code, "inactiveSince": Self.timestamp(sensorTime.addingTimeInterval(-26 * 3600)),
                "observedAt": Self.timestamp(sensorTime),
            ])
            return Message(kind: "care", routingKey: "care.soak", messageID: "soak-s-\(id)", body: body,
                           expectation: .report(sourceKey: "care:\(sensor):\(Int(sensorTime.timeIntervalSince1970))"))
        case 83..<95:
            let seed = seeds[Int(rng.next() % UInt64(seeds.count))]
            let note = "进展 \(id)"
            let body = Self.json(["caseId": seed.caseID, "type": "progress", "note": note,
                                  "sentAt": Self.timestamp(now.addingTimeInterval(-1))])
            return Message(kind: "field", routingKey: "field.soak", messageID: "soak-f-\(id)", person: seed.worker, body: body,
                           expectation: .field(caseID: seed.caseID, note: note))
        default:
            return invalid(Int(rng.next() % 5), id: id, now: now)
        }
    }

    func alarm(_ identifier: String, device: String, event: String, sent: Date) -> Data {
        Self.json([
            "identifier": identifier, "sender": "soak-gateway", "sent": Self.timestamp(sent),
            "status": "Actual", "msgType": "Alert", "deviceId": device,
            "info": ["event": event, "urgency": "Immediate", "severity": "Extreme", "certainty": "Observed"] as [String: Any],
        ])
    }

    /// An invalid message of kind `which`, with the reason the daemon gives for it.
    func invalid(_ which: Int, id: String, now: Date) -> Message {
        let messageID = "soak-x\(which)-\(id)"
        switch which {
        case 0:
            let body = hotline("x-\(id)", code: "no-such-category", grid: sources.grids[0].code, at: now.addingTimeInterval(-60))
            return Message(kind: "invalid", routingKey: "hotline.soak", messageID: messageID, body: body,
                           expectation: .dead(reason: "unknown_category"))
        case 1:
            return Message(kind: "invalid", routingKey: "hotline.soak", messageID: messageID, body: Data("{not json".utf8),
                           expectation: .dead(reason: "invalid_json"))
        case 2:
            let body = alarm("X-\(id)", device: "gas-no-such-device", event: "combustible-gas", sent: now.addingTimeInterval(-60))
            return Message(kind: "invalid", routingKey: "alarm.soak", messageID: messageID, body: body,
                           expectation: .dead(reason: "unknown_device"))
        case 3:
            let body = Self.json(["cameraId": sources.cameras[0], "detection": sources.cameraCodes[0], "confidence": 0.9])
            return Message(kind: "invalid", routingKey: "camera.soak", messageID: messageID, body: body,
                           expectation: .dead(reason: "missing_field:detectedAt"))
        default:
            // A well-formed request without the user_id property: nobody vouches for its sender.
            let body = hotline("u-\(id)", code: sources.hotlineCodes[0], grid: sources.grids[0].code, at: now.addingTimeInterval(-60))
            return Message(kind: "invalid", routingKey: "hotline.soak", messageID: messageID, authenticated: false, body: body,
                           expectation: .dead(reason: "unauthenticated"))
        }
    }
}

/// A small, fast, seedable generator (SplitMix64), so a stream is the same on every machine.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
