/// A level of the administrative hierarchy that can hold a case (四级网格).
///
/// Buildings (楼门/院) are the optional fifth level, but a building never *holds* a case: it only
/// locates one. So `Level` stops at the grid and a building travels as part of a `Location`.
/// Ordered bottom-up because escalation only ever moves up ("问题自下而上传递").
public enum Level: Int, CaseIterable, Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    case grid = 0
    case community = 1
    case street = 2
    case district = 3

    /// The next level up, or `nil` at the district, which is the fallback owner (兜底).
    public var above: Level? { Level(rawValue: rawValue + 1) }

    /// The next level down, or `nil` at the grid.
    public var below: Level? { Level(rawValue: rawValue - 1) }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .grid: "grid"
        case .community: "community"
        case .street: "street"
        case .district: "district"
        }
    }

    /// The Chinese name used on the ground.
    public var chineseName: String {
        switch self {
        case .grid: "网格"
        case .community: "社区"
        case .street: "街道"
        case .district: "区"
        }
    }
}
