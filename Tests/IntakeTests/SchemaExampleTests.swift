import Foundation
import GridwatchDomain
import Intake
import Testing

/// The committed examples under deploy/schemas/examples are the contract: the decoder accepts
/// exactly the valid ones and rejects each invalid one at the field its expectation names.
@Suite("Schema examples")
struct SchemaExampleTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/schemas")
    static let examples = root.appendingPathComponent("examples")

    struct Expectation: Decodable, Sendable {
        var code: String
        var field: String
        var schema: Bool
    }

    struct Manifest: Decodable, Sendable {
        var now: Date
        var invalid: [String: Expectation]
    }

    static let manifest: Manifest = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let data = try! Data(contentsOf: examples.appendingPathComponent("expectations.json"))
        return try! decoder.decode(Manifest.self, from: data)
    }()

    /// Relative paths of every example file, e.g. `alarm/valid/cancel.json`.
    static let files: [String] = {
        var found: [String] = []
        for kind in MessageKind.allCases {
            for validity in ["valid", "invalid"] {
                let dir = examples.appendingPathComponent(kind.rawValue).appendingPathComponent(validity)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
                found += names.filter { $0.hasSuffix(".json") }.sorted().map { "\(kind.rawValue)/\(validity)/\($0)" }
            }
        }
        return found
    }()

    static func decode(_ relative: String) throws -> Result<IntakeMessage, IntakeError> {
        let kind = try #require(MessageKind(rawValue: String(relative.split(separator: "/")[0])))
        let body = try Data(contentsOf: examples.appendingPathComponent(relative))
        return IntakeDecoder().decode(kind, body: body, now: manifest.now)
    }

    @Test("every kind has a schema, valid examples and invalid examples, and every invalid one an expectation")
    func inventory() {
        for kind in MessageKind.allCases {
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("\(kind.rawValue).schema.json").path))
            #expect(Self.files.contains { $0.hasPrefix("\(kind.rawValue)/valid/") }, "\(kind) has no valid example")
            #expect(Self.files.contains { $0.hasPrefix("\(kind.rawValue)/invalid/") }, "\(kind) has no invalid example")
        }
        let invalid = Set(Self.files.filter { $0.contains("/invalid/") })
        #expect(invalid == Set(Self.manifest.invalid.keys))
        #expect(Self.files.count >= 50)
    }

    @Test("valid examples are accepted", arguments: files.filter { $0.contains("/valid/") })
    func valid(_ file: String) throws {
        let result = try Self.decode(file)
        if case .failure(let error) = result { Issue.record("\(file) rejected: \(error)") }
    }

    @Test("invalid examples are rejected at the expected field for the expected reason", arguments: files.filter { $0.contains("/invalid/") })
    func invalid(_ file: String) throws {
        let expected = try #require(Self.manifest.invalid[file])
        switch try Self.decode(file) {
        case .success: Issue.record("\(file) accepted")
        case .failure(let error):
            #expect(error.code.rawValue == expected.code, "\(file): \(error)")
            #expect(error.field == expected.field, "\(file): \(error)")
        }
    }

    @Test("removing any required field of a valid example is rejected as missing, naming that field", arguments: MessageKind.allCases)
    func requiredFields(_ kind: MessageKind) throws {
        let schemaData = try Data(contentsOf: Self.root.appendingPathComponent("\(kind.rawValue).schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: schemaData) as? [String: Any])
        let required = (schema["required"] as? [String] ?? []).filter { $0 != "type" }
        let file = try #require(Self.files.first { $0.hasPrefix("\(kind.rawValue)/valid/") })
        let body = try Data(contentsOf: Self.examples.appendingPathComponent(file))
        var object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let fieldUpdateCommon = ["caseId", "sentAt"]
        for field in required + (kind == .fieldUpdate ? fieldUpdateCommon : []) {
            let saved = object.removeValue(forKey: field)
            let data = try JSONSerialization.data(withJSONObject: object)
            switch IntakeDecoder().decode(kind, body: data, now: Self.manifest.now) {
            case .success: Issue.record("\(kind) accepted without \(field)")
            case .failure(let error):
                #expect(error.code == .missingField, "\(kind) without \(field): \(error)")
                #expect(error.field == field)
            }
            object[field] = saved
        }
    }

    @Test("the seed's gas-leak call decodes to exactly what the operator logged")
    func gasLeakContent() throws {
        guard case .success(.report(.hotline(let r))) = try Self.decode("hotline-request/valid/gas-leak.json") else {
            Issue.record("not a hotline request")
            return
        }
        #expect(r.serviceRequestID == "12345-20261122-0001")
        #expect(r.serviceCode == "gas-leak")
        #expect(r.requestedAt == Date(timeIntervalSince1970: 1_795_311_000))
        #expect(r.addressString == "东城区工体北路38号楼602室")
        #expect(r.callerPhone == "13900000000")
        #expect(r.gridCode == GridCode("110101008001001"))
        #expect(!"\(r)".contains("1390000"), "descriptions never carry the caller's phone")
    }

    @Test("a CAP cancel decodes with its references")
    func cancelContent() throws {
        guard case .success(.report(.alarm(let a))) = try Self.decode("alarm/valid/cancel.json") else {
            Issue.record("not an alarm")
            return
        }
        #expect(a.messageType == .cancel)
        #expect(a.references == ["GAS-0001-20261122-013000"])
        #expect(a.deviceID == "gas-110101008001001-38")
        #expect(a.severity == .unknown)
    }

    @Test("a whistle decodes with its departments and no sender")
    func whistleContent() throws {
        guard case .success(.fieldUpdate(let m)) = try Self.decode("field-update/valid/whistle.json") else {
            Issue.record("not a field update")
            return
        }
        #expect(m.caseID == "C-20261122-0001")
        #expect(m.update == .whistle(kind: .emergency, departments: ["gas-company", "property-management"]))
    }
}
