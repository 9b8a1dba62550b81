/// A stable identifier for a category, e.g. "hotline.gas-leak" or "alarm.combustible-gas".
public struct CategoryID: StringIdentifier, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// What a report is about, and where it came from.
public struct Category: Hashable, Sendable, Codable {
    public enum Kind: String, CaseIterable, Hashable, Sendable, Codable {
        /// A citizen request (12345 or the street's number), mapped from an Open311 service code.
        case hotline
        /// A technical alarm (smoke, combustible gas, water leak, lift entrapment, fire panel).
        case alarm
        /// A camera analytics detection.
        case camera
        /// An inactivity signal from a sensor in the home of an elderly person living alone.
        case careSensor
    }

    public var id: CategoryID
    public var name: String
    public var kind: Kind
    /// For hotline categories, the Open311 GeoReport v2 `service_code`; for alarms, cameras and
    /// care sensors, the type the device reports (CAP `event`, detection type, signal).
    public var sourceCode: String
    public var defaultSeverity: Severity
    /// The incident this category is evidence of ("fire", "gas-leak"). Reports of different
    /// categories with the same incident about the same building fold into one case: a smoke
    /// camera, a smoke alarm and a call about a fire are one fire.
    public var incident: String?

    public init(id: CategoryID, name: String, kind: Kind, sourceCode: String, defaultSeverity: Severity, incident: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.sourceCode = sourceCode
        self.defaultSeverity = defaultSeverity
        self.incident = incident
    }

    /// What correlation compares: the incident when there is one, else the category itself.
    public var correlationFamily: String { incident ?? "category:\(id.rawValue)" }
}
