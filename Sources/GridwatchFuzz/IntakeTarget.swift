import Foundation
import GridConfig
import GridwatchDomain
import Intake

/// The intake decoder on any bytes, as every kind of message, and what the daemon does next
/// with a body that decodes: triage and open a case, or apply a field update to an open one.
///
/// Invariants besides not crashing (libFuzzer's `-timeout` bounds the time): the same body
/// always gets the same answer; a refusal has a stable reason code, names a field unless it
/// concerns the whole body, and its dead-letter header is short and printable; an accepted
/// body is within the size limit and its timestamps within the window around `now`.
enum IntakeTarget {
    /// The receiver's clock of `deploy/schemas/examples/expectations.json`, so the examples
    /// (the seed corpus) decode and the fuzzer starts from messages that reach the domain.
    static let now = Date(timeIntervalSince1970: 1_795_312_800)  // 2026-11-22T02:00:00Z
    static let decoder = IntakeDecoder()
    static let wholeBody: Set<IntakeError.Code> = [.tooLarge, .invalidJSON, .unknownKind, .tooDeep]
    /// Longest `x-gridwatch-reason` a decoding refusal may produce: a code, and a path of known
    /// fields ending in at most one key from the body, which is cut to 64 characters.
    static let longestReason = 160

    static let sample: Sample = Sample()

    /// The sample configuration, an open case to apply field updates to, and people to send them.
    struct Sample {
        let configuration: GridwatchConfiguration
        let triage: Triage
        let openCase: CaseMachine
        let senders: [Sender]

        init() {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            do {
                configuration = try GridwatchConfiguration.load(contentsOf: root.appendingPathComponent("deploy/config/gridwatch.yaml"))
            } catch {
                fatalError("cannot load the sample configuration: \(error)")
            }
            triage = configuration.triage
            let request = HotlineRequest(
                serviceRequestID: "FUZZ-1", status: .open, serviceCode: "garbage", requestedAt: IntakeTarget.now, text: "楼道堆放杂物",
                coordinate: nil, addressString: nil, addressID: nil, mediaURL: nil, callerName: nil, callerPhone: nil,
                gridCode: GridCode("110101008001001"))
            guard case .success(let placed) = triage.triage(.hotline(request)),
                  let context = configuration.caseContext(location: placed.location, category: placed.category.id)
            else { fatalError("the sample configuration does not place the fuzz case") }
            var (machine, _) = CaseMachine.open(
                id: CaseID("GW-FUZZ"), report: .hotline(request), category: placed.category.id, severity: placed.severity,
                context: context, now: IntakeTarget.now)
            _ = machine.dispatch(now: IntakeTarget.now)
            openCase = machine
            // The grid's worker, the street's duty officer (the whistle), and the hotline centre (ratings).
            senders = [.person(PersonID("gw-0007")), .person(PersonID("duty-0003")), .hotlineCallback]
        }
    }

    /// Returns the outcome per kind, e.g. `alarm: invalid_json` or `field-update: accepted`.
    static func check(_ body: Data) -> String {
        var outcomes: [String] = []
        // Decoding again as one of the kinds (by routing key), not all five, keeps the fuzzer fast.
        let again = MessageKind.allCases[body.count % MessageKind.allCases.count]
        for kind in MessageKind.allCases {
            let result = decoder.decode(kind, body: body, now: now)
            if kind == again {
                require(decoder.decode(kind: kind.rawValue, body: body, now: now) == result, "the same body decoded twice differs")
            }
            switch result {
            case .failure(let error):
                check(error)
                outcomes.append("\(kind.rawValue): \(error.deadLetterReason)")
            case .success(let message):
                require(body.count <= decoder.limits.maxBodyBytes, "accepted a body over the size limit")
                follow(message)
                outcomes.append("\(kind.rawValue): accepted")
            }
        }
        return outcomes.joined(separator: ", ")
    }

    static func check(_ error: IntakeError) {
        let reason = error.deadLetterReason
        // Compared as Unicode scalars, as a consumer splitting the header at the first ':' would;
        // and as Swift's String (grapheme clusters), which a mark fused with the ':' would break.
        let prefix = error.code.rawValue + ":"
        require(reason == error.code.rawValue || (reason.unicodeScalars.starts(with: prefix.unicodeScalars) && reason.hasPrefix(prefix)),
                "reason \(reason) does not start with its code")
        require(wholeBody.contains(error.code) || !error.field.isEmpty, "\(error.code) names no field")
        require(reason.unicodeScalars.count <= longestReason, "a reason of \(reason.unicodeScalars.count) characters")
        require(!reason.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.isWhitespace },
                "control characters or whitespace in a reason")
        require(!error.reason.isEmpty, "\(reason) explains nothing")
    }

    static func follow(_ message: IntakeMessage) {
        switch message {
        case .report(let report):
            let skew = decoder.limits.maxClockSkew, age = decoder.limits.maxAge
            require(report.occurredAt.timeIntervalSince(now) <= skew && now.timeIntervalSince(report.occurredAt) <= age,
                    "accepted a timestamp outside the window")
            require(!report.sourceKey.isEmpty, "a report without a source key")
            guard case .success(let placed) = sample.triage.triage(report),
                  let context = sample.configuration.caseContext(location: placed.location, category: placed.category.id)
            else { return }
            var (machine, opened) = CaseMachine.open(
                id: CaseID("GW-FUZZ-2"), report: report, category: placed.category.id, severity: placed.severity, context: context, now: now)
            let dispatched = machine.dispatch(now: now)
            require(!opened.isEmpty && !dispatched.isEmpty, "a case opened or dispatched without a word")
            var merged = sample.openCase
            _ = merged.merge(report, category: placed.category.id, severity: placed.severity, now: now)
        case .fieldUpdate(let update):
            for sender in sample.senders {
                var machine = sample.openCase
                _ = machine.apply(update.update, from: sender, now: now)
            }
        }
    }
}
