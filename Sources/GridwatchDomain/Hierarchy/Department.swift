/// A stable identifier for a department or outside unit, e.g. "gas-company".
public struct DepartmentID: StringIdentifier, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}

/// A functional department or outside unit that a street may summon ("街道吹哨、部门报到").
public struct Department: Hashable, Sendable, Codable {
    /// What kind of unit this is; informative, routing goes by `categories`.
    public enum Kind: String, CaseIterable, Hashable, Sendable, Codable {
        case gas, propertyManagement, police, fire, cityManagement, water, power, heating, civilAffairs, housing, other
    }

    public var id: DepartmentID
    public var name: String
    public var kind: Kind
    /// Categories this department owns: it is summoned for them when a policy says so.
    public var categories: [CategoryID]
    /// The people who receive its summons and report in on its behalf.
    public var contacts: [PersonID]

    public init(id: DepartmentID, name: String, kind: Kind, categories: [CategoryID], contacts: [PersonID]) {
        self.id = id
        self.name = name
        self.kind = kind
        self.categories = categories
        self.contacts = contacts
    }
}
