import Foundation
import GridwatchDomain
import Intake
import Testing

/// Limits and strictness that no example file can show.
@Suite("Limits and strictness")
struct LimitsTests {
    let now = Date(timeIntervalSince1970: 1_795_312_800)  // 2026-11-22T02:00:00Z

    func decode(_ kind: MessageKind, _ json: String, limits: IntakeLimits = IntakeLimits()) -> Result<IntakeMessage, IntakeError> {
        IntakeDecoder(limits: limits).decode(kind, body: Data(json.utf8), now: now)
    }

    func error(_ result: Result<IntakeMessage, IntakeError>) -> IntakeError? {
        if case .failure(let e) = result { e } else { nil }
    }

    @Test("a body over the size limit is refused before parsing")
    func tooLarge() {
        var limits = IntakeLimits()
        limits.maxBodyBytes = 100
        let body = #"{"caseId":"C-1","type":"progress","sentAt":"2026-11-22T01:00:00Z","note":""# + String(repeating: "x", count: 200) + #""}"#
        #expect(error(decode(.fieldUpdate, body, limits: limits))?.code == .tooLarge)
        #expect(error(decode(.fieldUpdate, body))?.code == nil)
    }

    @Test("what is not a JSON object is invalid JSON", arguments: ["", "not json", "[1,2]", "\"text\"", "42", "{\"a\":", "\u{FEFF}{}x"])
    func notAnObject(_ body: String) {
        #expect(error(decode(.alarm, body))?.code == .invalidJSON)
    }

    @Test("types are exact: a boolean is not a number, a number is not a boolean nor a string")
    func exactTypes() {
        let base = #""cameraId":"cam-1","detection":"smoke","detectedAt":"2026-11-22T01:59:00Z""#
        #expect(error(decode(.cameraDetection, "{\(base),\"confidence\":true}"))?.code == .wrongType)
        #expect(error(decode(.cameraDetection, "{\(base),\"confidence\":null}"))?.code == .wrongType)
        #expect(error(decode(.cameraDetection, "{\(base),\"confidence\":1}")) == nil)
        let rate = #"{"caseId":"C-1","type":"rate","sentAt":"2026-11-22T01:00:00Z","satisfied":1}"#
        #expect(error(decode(.fieldUpdate, rate))?.code == .wrongType)
        #expect(error(decode(.fieldUpdate, rate))?.field == "satisfied")
    }

    @Test("control characters are refused in identifiers and short text, line breaks allowed in notes")
    func controlCharacters() {
        let id = #"{"caseId":"C-1\u0000","type":"signFor","sentAt":"2026-11-22T01:00:00Z"}"#
        #expect(error(decode(.fieldUpdate, id))?.code == .invalidFormat)
        let note = #"{"caseId":"C-1","type":"progress","sentAt":"2026-11-22T01:00:00Z","note":"到场\n关阀"}"#
        #expect(error(decode(.fieldUpdate, note)) == nil)
        let bell = #"{"caseId":"C-1","type":"progress","sentAt":"2026-11-22T01:00:00Z","note":"到场\u0007"}"#
        #expect(error(decode(.fieldUpdate, bell))?.field == "note")
    }

    @Test("timestamps are checked against the clock passed in, with the configured skew and age")
    func clock() {
        let at = { (t: String) in #"{"caseId":"C-1","type":"signFor","sentAt":""# + t + #""}"# }
        #expect(error(decode(.fieldUpdate, at("2026-11-22T02:04:59Z"))) == nil)
        #expect(error(decode(.fieldUpdate, at("2026-11-22T02:05:01Z")))?.code == .inFuture)
        #expect(error(decode(.fieldUpdate, at("2026-11-15T02:00:01Z"))) == nil)
        #expect(error(decode(.fieldUpdate, at("2026-11-15T01:59:59Z")))?.code == .tooOld)
        #expect(error(decode(.fieldUpdate, at("2026-11-22 01:00:00Z")))?.code == .invalidFormat)
        #expect(error(decode(.fieldUpdate, at("2026-02-30T01:00:00Z")))?.code == .invalidFormat)
    }

    @Test("an unknown routing key is refused, and dead-letter reasons are stable")
    func kinds() {
        let e = IntakeDecoder().decode(kind: "sms-gossip", body: Data("{}".utf8), now: now)
        #expect(error(e)?.deadLetterReason == "unknown_kind")
        let missing = decode(.fieldUpdate, #"{"type":"signFor","sentAt":"2026-11-22T01:00:00Z"}"#)
        #expect(error(missing)?.deadLetterReason == "missing_field:caseId")
        #expect(IntakeError.Code.allCases.map(\.rawValue).allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
    }

    @Test("error descriptions never quote the payload")
    func noPayloadInErrors() {
        let secret = "13912345678"
        let r = decode(.hotlineRequest, #"{"service_request_id":"x","status":"open","service_code":"noise","requested_datetime":"2026-11-22T01:00:00Z","caller":{"phone":"tel:"# + secret + #""}}"#)
        let e = error(r)
        #expect(e?.field == "caller.phone")
        #expect(!(e?.description.contains(secret) ?? true))
    }

    @Test("an empty key is named, not lost")
    func emptyKey() {
        let e = error(decode(.fieldUpdate, #"{"caseId":"C-1","type":"signFor","sentAt":"2026-11-22T01:00:00Z","":1}"#))
        #expect(e?.code == .unknownField)
        #expect(e?.field == #"[""]"#)
    }

    @Test("lists are bounded")
    func lists() {
        let many = (0..<40).map { "\"d\($0)\"" }.joined(separator: ",")
        let body = #"{"caseId":"C-1","type":"whistle","sentAt":"2026-11-22T01:00:00Z","whistleKind":"routine","departments":["# + many + "]}"
        #expect(error(decode(.fieldUpdate, body))?.code == .tooLong)
    }
}
