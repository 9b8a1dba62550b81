import Foundation
import GridConfig
import GridwatchDaemon
import GridwatchDomain

/// Mixed, valid intake messages built from a configuration's grids, devices and categories,
/// with current timestamps, for the daemon benchmark. Deterministic for a given `run` tag and
/// start time: every message id and source key contains the tag, so runs never collide.
struct IntakeFeed {
    struct Message {
        var routingKey: String
        var messageID: String
        var person: String?
        var body: Data
    }

    let run: String
    let now: Date
    let sources: TrafficSources

    init(configuration: GridwatchConfiguration, run: String, now: Date) {
        self.run = run
        self.now = now
        sources = TrafficSources(configuration)
    }

    /// `2026-11-22T04:17:23Z`. The format style, not `ISO8601DateFormatter`: the formatter costs
    /// about 0.3 ms per timestamp here, fifty times the style, and the benches write a timestamp
    /// into every message.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func json(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The case id the daemon derives from a report's source key (`CaseProcessor.newCaseID`),
    /// for a report that opens its own case.
    static func caseID(sourceKey: String) -> String {
        "GW-" + IncomingMessage.fingerprint(Data(sourceKey.utf8)).uppercased()
    }

    /// A hotline request. The mixed feed's requests are spread over the last 6.5 days and over
    /// every grid and category, so most open a case of their own and some fold into one opened
    /// earlier; their address names no building unless `address` is given.
    static func hotline(_ id: String, code: String, grid: String, address: String? = nil, at time: Date) -> Message {
        let body = json([
            "service_request_id": id, "status": "open", "service_code": code,
            "requested_datetime": timestamp(time), "description": "基准测试来电 \(id)",
            "address_string": address ?? "网格 \(grid)", "grid_code": grid,
        ])
        return Message(routingKey: "hotline.bench", messageID: "bench-\(id)", person: nil, body: body)
    }

    /// A CAP alarm from `device`; its source key is `alarm:bench-gateway:A-<id>`.
    func alarm(_ id: String, device: String, event: String, sent: Date) -> Message {
        let body = Self.json([
            "identifier": "A-\(id)", "sender": "bench-gateway", "sent": Self.timestamp(sent),
            "status": "Actual", "msgType": "Alert", "deviceId": device,
            "info": ["event": event, "urgency": "Immediate", "severity": "Extreme", "certainty": "Observed"] as [String: Any],
        ])
        return Message(routingKey: "alarm.bench", messageID: "bench-a-\(id)", person: nil, body: body)
    }

    /// A camera detection; its source key is camera and whole second (`camera:<camera>:<unix>`),
    /// so two detections of one camera need different seconds.
    func detection(_ id: String, camera: String, detection: String, at: Date) -> Message {
        let body = Self.json([
            "cameraId": camera, "detection": detection, "confidence": 0.9, "detectedAt": Self.timestamp(at),
        ])
        return Message(routingKey: "camera.bench", messageID: "bench-c-\(id)", person: nil, body: body)
    }

    /// Seed request `j`: one case per (grid, category, half-hour slot), so each opens its own
    /// case whose id is `caseID(sourceKey: "hotline:<id>")`; field updates refer to them.
    func seed(_ j: Int) -> (message: Message, caseID: String, worker: String) {
        let grid = sources.grids[j % sources.grids.count]
        let code = sources.hotlineCodes[(j / sources.grids.count) % sources.hotlineCodes.count]
        let slot = j / (sources.grids.count * sources.hotlineCodes.count)
        let id = "seed-\(run)-\(j)"
        let time = now.addingTimeInterval(-3600 - Double(slot) * 31 * 60)
        return (Self.hotline(id, code: code, grid: grid.code, at: time), Self.caseID(sourceKey: "hotline:\(id)"), grid.worker)
    }

    /// Message `i` of the mixed feed: 73% hotline requests, 6% alarms, 4% camera detections, 3%
    /// care alerts, 12% field updates to the seed cases (a sign-for, then progress notes), 2%
    /// invalid. Sensor reports fold into the open case of their device, so their share is kept
    /// small: every fold makes that case's stored state larger. `signed` holds the seed cases
    /// already signed for by earlier messages of the feed.
    func message(_ i: Int, seeds: Int, signed: inout Set<Int>) -> Message {
        var rng = SplitMix(seed: UInt64(i) &* 0x9E37_79B9_7F4A_7C15 ^ 0xB5)
        let roll = Int(rng.next() % 100)
        let age = Double(rng.next() % UInt64(6.5 * 86400))
        let id = "\(run)-\(i)"
        switch roll {
        case 0..<73:
            let grid = sources.grids[Int(rng.next() % UInt64(sources.grids.count))].code
            let code = sources.hotlineCodes[Int(rng.next() % UInt64(sources.hotlineCodes.count))]
            return Self.hotline("h-\(id)", code: code, grid: grid, at: now.addingTimeInterval(-age))
        case 73..<79:
            let gas = rng.next() % 2 == 0
            let devices = gas ? sources.gasAlarms : sources.smokeAlarms
            let device = devices[Int(rng.next() % UInt64(devices.count))]
            let event = gas ? "combustible-gas" : (rng.next() % 2 == 0 ? "smoke" : "fire-panel")
            return alarm(id, device: device, event: event, sent: now.addingTimeInterval(-age))
        case 79..<83:
            let camera = sources.cameras[Int(rng.next() % UInt64(sources.cameras.count))]
            let code = sources.cameraCodes[Int(rng.next() % UInt64(sources.cameraCodes.count))]
            // Whole seconds from a per-message offset: the source key is camera and second.
            return detection(id, camera: camera, detection: code, at: now.addingTimeInterval(-Double(i % 500_000) - 60))
        case 83..<86:
            let sensor = sources.careSensors[Int(rng.next() % UInt64(sources.careSensors.count))]
            let code = sources.careCodes[Int(rng.next() % UInt64(sources.careCodes.count))]
            let at = now.addingTimeInterval(-Double(i % 500_000) - 60)
            let body = Self.json([
                "sensorId": sensor, "signal": code, "inactiveSince": Self.timestamp(at.addingTimeInterval(-26 * 3600)),
                "observedAt": Self.timestamp(at),
            ])
            return Message(routingKey: "care.bench", messageID: "bench-s-\(id)", person: nil, body: body)
        case 86..<98:
            // Field updates go through one queue in order: the first to a seed case signs for it,
            // the later ones add progress notes.
            let j = Int(rng.next() % UInt64(seeds))
            let (_, caseID, worker) = seed(j)
            let first = signed.insert(j).inserted
            var fields: [String: Any] = ["caseId": caseID, "sentAt": Self.timestamp(now.addingTimeInterval(-1))]
            if first {
                fields["type"] = "signFor"
            } else {
                fields["type"] = "progress"
                fields["note"] = "进展 \(i)"
            }
            return Message(routingKey: "field.bench", messageID: "bench-f-\(id)", person: worker, body: Self.json(fields))
        default:
            // Invalid: an unknown hotline category, or a body that is not JSON.
            if rng.next() % 2 == 0 {
                return Self.hotline("x-\(id)", code: "no-such-category", grid: sources.grids[0].code, at: now.addingTimeInterval(-age))
            }
            return Message(routingKey: "hotline.bench", messageID: "bench-x-\(id)", person: nil, body: Data("{not json".utf8))
        }
    }
}

/// A small, fast, seedable generator (SplitMix64), so a feed is the same on every machine.
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
