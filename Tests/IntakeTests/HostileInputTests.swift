import Foundation
import GridwatchDomain
@testable import Intake
import Testing

/// Bodies built to hurt: each is refused with a reason a dead-letter consumer can act on, in
/// little time, and none brings the process down.
@Suite("Hostile input")
struct HostileInputTests {
    let now = Date(timeIntervalSince1970: 1_795_312_800)  // 2026-11-22T02:00:00Z
    static let signFor = #"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z"}"#

    func error(_ kind: MessageKind, _ body: Data, limits: IntakeLimits = IntakeLimits()) -> IntakeError? {
        if case .failure(let e) = IntakeDecoder(limits: limits).decode(kind, body: body, now: now) { e } else { nil }
    }

    func error(_ kind: MessageKind, _ json: String, limits: IntakeLimits = IntakeLimits()) -> IntakeError? {
        error(kind, Data(json.utf8), limits: limits)
    }

    /// The largest body the configuration allows (`limits.maxMessageBytes` up to 1 MiB), so depth
    /// is what refuses these and not size.
    static var largest: IntakeLimits {
        var limits = IntakeLimits()
        limits.maxBodyBytes = 1_048_576
        return limits
    }

    @Test("513 opening brackets ending the body are refused as too deep; Foundation's parser traps on exactly these")
    func openBracketsAtTheEnd() {
        for count in [17, 512, 513, 514] {
            let e = error(.alarm, String(repeating: "[", count: count))
            #expect(e?.deadLetterReason == "too_deep", "\(count) brackets")
        }
        let inField = #"{"identifier":"# + String(repeating: "[", count: 512)
        #expect(error(.alarm, inField)?.code == .tooDeep)
    }

    @Test("a hundred thousand levels of arrays or objects are refused before parsing, quickly")
    func hundredThousandLevels() {
        let arrays = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let objects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        let started = ContinuousClock.now
        #expect(error(.hotlineRequest, arrays, limits: Self.largest)?.deadLetterReason == "too_deep")
        #expect(error(.hotlineRequest, objects, limits: Self.largest)?.deadLetterReason == "too_deep")
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test("nesting is counted outside strings only, up to the limit")
    func depthCountsStructureOnly() {
        let brackets = String(repeating: "[", count: 200)
        #expect(error(.fieldUpdate, #"{"caseId":"C-1","type":"progress","sentAt":"2026-11-22T01:00:00Z","note":"\#(brackets)"}"#) == nil)
        var limits = IntakeLimits()
        limits.maxNestingDepth = 3
        let area = #"{"identifier":"A","sender":"s","sent":"2026-11-22T01:00:00Z","status":"Actual","msgType":"Alert","deviceId":"d","#
            + #""info":{"event":"smoke","urgency":"Immediate","severity":"Severe","certainty":"Observed","area":{"areaDesc":"38号楼"}}}"#
        #expect(error(.alarm, area, limits: limits) == nil, "the deepest message nests three levels")
        limits.maxNestingDepth = 2
        #expect(error(.alarm, area, limits: limits)?.code == .tooDeep)
    }

    /// Without the limit, one chain of 511 arrays took half a second in an optimised build, and a
    /// 64 KiB body holds sixty of them. The bound here is loose: a debug build, on a busy machine,
    /// with the test library recording every error thrown.
    @Test("arrays nested just below the limit, as many as fit in a body, decode in little time")
    func manyDeepChains() {
        // The object and the outer array are two levels; with fourteen more, each chain is at the limit of sixteen.
        let chain = String(repeating: "[", count: 14) + String(repeating: "]", count: 14)
        let body = #"{"type":"signFor","sentAt":"2026-11-22T01:00:00Z","caseId":["# + Array(repeating: chain, count: 2000).joined(separator: ",") + "]}"
        #expect(body.utf8.count <= IntakeLimits().maxBodyBytes)
        let started = ContinuousClock.now
        #expect(error(.fieldUpdate, body)?.deadLetterReason == "wrong_type:caseId")
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a key written twice is refused, however it is spelled", arguments: [
        (#"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z","type":"rate","satisfied":true}"#, "duplicate_field:type"),
        (#"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z","\u0074ype":"signFor"}"#, "duplicate_field:type"),
        (#"{"caseId":"C-1","caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z"}"#, "duplicate_field:caseId"),
        (#"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z","":1,"":2}"#, #"duplicate_field:[""]"#),
    ])
    func duplicateKeys(_ body: String, _ reason: String) {
        #expect(error(.fieldUpdate, body)?.deadLetterReason == reason)
    }

    @Test("a key written twice inside a nested object is named by its path")
    func nestedDuplicate() {
        let alarm = #"{"identifier":"A","sender":"s","sent":"2026-11-22T01:00:00Z","status":"Actual","msgType":"Alert","deviceId":"d","#
            + #""info":{"event":"smoke","urgency":"Immediate","severity":"Minor","severity":"Extreme","certainty":"Observed"}}"#
        #expect(error(.alarm, alarm)?.deadLetterReason == "duplicate_field:info.severity")
        let sameNameElsewhere = #"{"service_request_id":"R","status":"open","service_code":"noise","#
            + #""requested_datetime":"2026-11-22T01:00:00Z","caller":{"name":"王","phone":"139"},"address_string":"name"}"#
        #expect(error(.hotlineRequest, sameNameElsewhere) == nil, "equal keys in different objects are no duplicate")
    }

    @Test("an unknown key reaches the dead-letter header short and printable")
    func hostileKeys() throws {
        let long = String(repeating: "k", count: 60_000)
        let e = try #require(error(.fieldUpdate, #"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z",""# + long + #"":1}"#))
        #expect(e.deadLetterReason == "unknown_field:" + String(repeating: "k", count: 64) + "…")
        let control = try #require(error(.fieldUpdate, #"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z","a\nb\u0000c d\u202Ee":1}"#))
        #expect(control.deadLetterReason == "unknown_field:a?b?c?d?e")
        let nested = try #require(error(.hotlineRequest, #"{"service_request_id":"R","status":"open","service_code":"noise","#
            + #""requested_datetime":"2026-11-22T01:00:00Z","caller":{"网格\t员":1}}"#))
        #expect(nested.deadLetterReason == "unknown_field:caller.网格?员")
        // A combining mark (U+0618) first would fuse with the ':' and hide the code from String.hasPrefix.
        let mark = try #require(error(.fieldUpdate, #"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z","ؘx́":1}"#))
        #expect(mark.deadLetterReason == "unknown_field:?x\u{301}")
        #expect(mark.deadLetterReason.hasPrefix("unknown_field:"))
    }

    @Test("numbers beyond a double, and integers beyond 64 bits, are refused with a reason")
    func hugeNumbers() {
        let camera = { (confidence: String) in
            #"{"cameraId":"cam-1","detection":"smoke","detectedAt":"2026-11-22T01:59:00Z","confidence":"# + confidence + "}"
        }
        #expect(error(.cameraDetection, camera("1e400"))?.deadLetterReason == "invalid_json")
        #expect(error(.cameraDetection, camera("-1e400"))?.deadLetterReason == "invalid_json")
        #expect(error(.cameraDetection, camera("18446744073709551616"))?.deadLetterReason == "out_of_range:confidence")
        #expect(error(.cameraDetection, camera("1" + String(repeating: "0", count: 400)))?.deadLetterReason == "invalid_json")
        #expect(error(.cameraDetection, camera("1e-400"))?.deadLetterReason == "invalid_json")
        #expect(error(.fieldUpdate, #"{"caseId":18446744073709551616,"type":"signFor","sentAt":"2026-11-22T01:00:00Z"}"#)?
            .deadLetterReason == "wrong_type:caseId")
    }

    @Test("bytes that are not UTF-8 are invalid JSON, wherever they are", arguments: [
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE4, 0xB8],
    ] as [[UInt8]])
    func invalidUTF8(_ bad: [UInt8]) {
        let body = Array(#"{"caseId":"C-"#.utf8) + bad + Array(#"","type":"signFor","sentAt":"2026-11-22T01:00:00Z"}"#.utf8)
        #expect(error(.fieldUpdate, Data(body))?.deadLetterReason == "invalid_json")
        let key = Array(#"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z",""#.utf8) + bad + Array(#"":1}"#.utf8)
        #expect(error(.fieldUpdate, Data(key))?.deadLetterReason == "invalid_json")
    }

    @Test("timestamps in year 1 or 9999 are too old or in the future; where no window applies they are accepted or inconsistent")
    func farTimestamps() {
        let at = { (t: String) in #"{"caseId":"C-1","type":"signFor","sentAt":""# + t + #""}"# }
        #expect(error(.fieldUpdate, at("0001-01-01T00:00:00Z"))?.deadLetterReason == "too_old:sentAt")
        #expect(error(.fieldUpdate, at("9999-12-31T23:59:59+08:00"))?.deadLetterReason == "in_future:sentAt")
        #expect(error(.fieldUpdate, at("-001-01-01T00:00:00Z"))?.deadLetterReason == "invalid_format:sentAt")
        #expect(error(.fieldUpdate, at("0000-02-29T00:00:00.000000000000001Z"))?.code == .tooOld)
        let extension9999 = #"{"caseId":"C-1","type":"askExtension","sentAt":"2026-11-22T01:00:00Z","until":"9999-12-31T23:59:59Z","reason":"等配件"}"#
        #expect(error(.fieldUpdate, extension9999) == nil)
        let extension0001 = #"{"caseId":"C-1","type":"askExtension","sentAt":"2026-11-22T01:00:00Z","until":"0001-01-01T00:00:00Z","reason":"等配件"}"#
        #expect(error(.fieldUpdate, extension0001)?.deadLetterReason == "inconsistent:until")
        let care = #"{"sensorId":"water-1","signal":"water","inactiveSince":"0001-01-01T00:00:00Z","observedAt":"2026-11-22T01:00:00Z"}"#
        #expect(error(.careInactivity, care) == nil)
    }

    @Test("an unknown enumeration value names its field, and the reason lists the choices only in the detail")
    func unknownValues() throws {
        let e = try #require(error(.fieldUpdate, #"{"caseId":"C-1","type":"selfDestruct","sentAt":"2026-11-22T01:00:00Z"}"#))
        #expect(e.deadLetterReason == "unknown_value:type")
        #expect(e.reason.contains("signFor"))
        #expect(!e.description.contains("selfDestruct"), "the value is the sender's, not repeated back")
    }
}
