import Foundation
import Intake
import Testing

/// Mangled bodies never crash the decoder, and every refusal still names a field (or the
/// whole body, for the reasons that concern it).
@Suite("Robustness")
struct RobustnessTests {
    /// A small deterministic generator, so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let wholeBody: Set<IntakeError.Code> = [.tooLarge, .invalidJSON, .unknownKind, .tooDeep]
    static let fragments: [[UInt8]] = [
        Array("null".utf8), Array("true".utf8), Array("1e999".utf8), Array("-0".utf8), Array("\"\"".utf8), Array("{}".utf8),
        Array("[]".utf8), Array("\"\\u0000\"".utf8), Array("\"\u{FFFF}\"".utf8), [0xFF, 0xFE], Array(",".utf8), Array("\"x\":1".utf8),
    ]

    @Test("two thousand mutations of each valid example", arguments: MessageKind.allCases)
    func mutations(_ kind: MessageKind) throws {
        let file = try #require(SchemaExampleTests.files.first { $0.hasPrefix("\(kind.rawValue)/valid/") })
        let original = Array(try Data(contentsOf: SchemaExampleTests.examples.appendingPathComponent(file)))
        var rng = SplitMix(state: UInt64(kind.rawValue.utf8.count) * 7919)
        let decoder = IntakeDecoder()
        var accepted = 0
        for _ in 0..<2000 {
            var body = original
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = Int.random(in: 0..<max(body.count, 1), using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0 where !body.isEmpty: body.removeSubrange(i..<min(body.count, i + Int.random(in: 1...8, using: &rng)))
                case 1: body.insert(contentsOf: Self.fragments.randomElement(using: &rng)!, at: min(i, body.count))
                case 2 where !body.isEmpty: body[i] = UInt8.random(in: 0...255, using: &rng)
                default: body = Array(body.prefix(i))
                }
            }
            switch decoder.decode(kind, body: body, now: SchemaExampleTests.manifest.now) {
            case .success: accepted += 1
            case .failure(let error):
                #expect(Self.wholeBody.contains(error.code) || !error.field.isEmpty, "\(error)")
            }
        }
        #expect(accepted < 2000, "mutations must be able to fail")
    }

    @Test("deeply nested and very long bodies are refused, not crashed on")
    func pathological() {
        let decoder = IntakeDecoder()
        let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        #expect(decoder.decode(.alarm, body: Data(deep.utf8), now: Date()).isFailure)
        let wide = "{" + (0..<3000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        #expect(decoder.decode(.alarm, body: Data(wide.utf8), now: Date()).isFailure)
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { true } else { false }
    }
}
