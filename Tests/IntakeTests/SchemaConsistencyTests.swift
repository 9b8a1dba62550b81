import Foundation
import GridwatchDomain
@testable import Intake
import Testing

/// The JSON Schemas and the decoder describe the same messages: the same fields, the same
/// required fields and the same vocabularies. Checked from the committed schema files, so
/// editing one without the other fails here.
@Suite("Schemas agree with the decoder")
struct SchemaConsistencyTests {
    static func schema(_ kind: MessageKind) throws -> [String: Any] {
        let data = try Data(contentsOf: SchemaExampleTests.root.appendingPathComponent("\(kind.rawValue).schema.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func properties(_ object: [String: Any]) -> [String: [String: Any]] {
        object["properties"] as? [String: [String: Any]] ?? [:]
    }

    static func enumeration(_ property: [String: Any]?) -> Set<String> {
        Set(property?["enum"] as? [String] ?? [])
    }

    @Test("hotline request: fields and status")
    func hotline() throws {
        let s = try Self.schema(.hotlineRequest)
        #expect(Set(Self.properties(s).keys) == IntakeDecoder.hotlineFields)
        #expect(Self.enumeration(Self.properties(s)["status"]) == Set(HotlineRequest.Status.allCases.map(\.rawValue)))
        #expect(s["additionalProperties"] as? Bool == false)
    }

    @Test("alarm: CAP vocabularies")
    func alarm() throws {
        let s = try Self.schema(.alarm)
        let p = Self.properties(s)
        #expect(Self.enumeration(p["status"]) == Set(IntakeDecoder.capStatus.keys))
        #expect(Self.enumeration(p["msgType"]) == Set(IntakeDecoder.capMessageType.keys))
        let info = Self.properties(p["info"] ?? [:])
        #expect(Self.enumeration(info["urgency"]) == Set(IntakeDecoder.capUrgency.keys))
        #expect(Self.enumeration(info["severity"]) == Set(IntakeDecoder.capSeverity.keys))
        #expect(Self.enumeration(info["certainty"]) == Set(IntakeDecoder.capCertainty.keys))
        #expect(IntakeDecoder.capMessageType.count == Alarm.MessageType.allCases.count)
        #expect(IntakeDecoder.capSeverity.count == Alarm.CAPSeverity.allCases.count)
    }

    @Test("camera detections and care signals are the domain's")
    func devices() throws {
        #expect(Self.enumeration(Self.properties(try Self.schema(.cameraDetection))["detection"])
            == Set(CameraDetection.Detection.allCases.map(\.rawValue)))
        #expect(Self.enumeration(Self.properties(try Self.schema(.careInactivity))["signal"])
            == Set(CareInactivity.Signal.allCases.map(\.rawValue)))
    }

    @Test("field update: one variant per type, each with exactly the decoder's fields")
    func fieldUpdates() throws {
        let variants = try #require(try Self.schema(.fieldUpdate)["oneOf"] as? [[String: Any]])
        var seen: Set<String> = []
        for variant in variants {
            let p = Self.properties(variant)
            let type = try #require(p["type"]?["const"] as? String)
            let decoderType = try #require(IntakeDecoder.UpdateType(rawValue: type))
            seen.insert(type)
            #expect(Set(p.keys) == IntakeDecoder.common.union(decoderType.fields), "\(type)")
            #expect(variant["additionalProperties"] as? Bool == false)
            if type == "whistle" {
                #expect(Self.enumeration(p["whistleKind"]) == Set(WhistleKind.allCases.map(\.rawValue)))
            }
            if type == "redispatch" {
                #expect(Self.enumeration(p["level"]) == Set(Level.allCases.map(\.description)))
            }
        }
        #expect(seen == Set(IntakeDecoder.UpdateType.allCases.map(\.rawValue)))
    }
}
