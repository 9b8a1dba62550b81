/// How serious a matter is. Ordered, because repeats may only raise it.
///
/// Aligned with CAP 1.2 (Minor/Moderate/Severe/Extreme) so alarms map one-to-one; `critical`
/// is the 12345 "emergency or risk to life or property" class answered within two hours.
public enum Severity: Int, CaseIterable, Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    case low = 0
    case normal = 1
    case high = 2
    case critical = 3

    public static func < (l: Severity, r: Severity) -> Bool { l.rawValue < r.rawValue }

    /// One step up, saturating at `critical`.
    public var raised: Severity { Severity(rawValue: rawValue + 1) ?? .critical }

    public var description: String {
        switch self {
        case .low: "low"
        case .normal: "normal"
        case .high: "high"
        case .critical: "critical"
        }
    }

    /// Parses the configuration spelling.
    public init?(name: String) {
        switch name {
        case "low": self = .low
        case "normal": self = .normal
        case "high": self = .high
        case "critical": self = .critical
        default: return nil
        }
    }
}
