/// A Beijing unit-grid code (网格编码, DB11/T 2157-2023).
///
/// Fifteen digits: 6-digit district (GB/T 2260) + 3-digit street + 3-digit community + 3-digit
/// grid sequence. The older national practice (CJ/T 213) uses a 2-digit grid sequence, so the
/// 14-digit form is accepted too. Codes stay strings: leading zeros are significant and
/// arithmetic on them means nothing.
public struct GridCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The digits as written.
    public let rawValue: String

    /// Accepts exactly 14 or 15 ASCII digits; anything else is not a grid code.
    public init?(_ rawValue: String) {
        guard rawValue.utf8.count == 14 || rawValue.utf8.count == 15,
            rawValue.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        self.rawValue = rawValue
    }

    /// The 6-digit district (administrative division) code.
    public var districtCode: String { String(rawValue.prefix(6)) }
    /// The 9-digit street (街道/镇/乡) code: district + 3 digits.
    public var streetCode: String { String(rawValue.prefix(9)) }
    /// The 12-digit community (社区) code: street + 3 digits.
    public var communityCode: String { String(rawValue.prefix(12)) }
    /// The grid's sequence within its community: 3 digits, or 2 in the 14-digit form.
    public var gridSequence: String { String(rawValue.dropFirst(12)) }

    public var description: String { rawValue }

    public static func < (lhs: GridCode, rhs: GridCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let code = GridCode(raw) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a 14- or 15-digit grid code"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension GridCode {
    /// Whether `code` is `digits` ASCII digits: the shape of a district (6), street (9) or community (12) code.
    public static func isUnitCode(_ code: String, digits: Int) -> Bool {
        code.utf8.count == digits && code.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
