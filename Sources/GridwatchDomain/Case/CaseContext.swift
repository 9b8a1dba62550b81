/// Everything a case needs to know about the world, captured when it is opened.
///
/// The machine must be pure and restorable, so it cannot consult the live configuration. It
/// carries the people along its chain, the departments it may summon and its policy at every
/// severity. A configuration reload therefore affects new cases only, which is what a worker
/// who already signed for a case expects.
public struct CaseContext: Hashable, Sendable, Codable {
    /// A person as the case sees them: identity, role and reach.
    public struct Member: Hashable, Sendable, Codable {
        public var person: PersonID
        public var role: Role
        public var channels: [Channel]
        public var roster: DutyRoster?

        public init(person: PersonID, role: Role, channels: [Channel], roster: DutyRoster? = nil) {
            self.person = person
            self.role = role
            self.channels = channels
            self.roster = roster
        }
    }

    /// A department's contacts.
    public struct DepartmentContacts: Hashable, Sendable, Codable {
        public var contacts: [Recipient]
        public init(contacts: [Recipient]) { self.contacts = contacts }
    }

    public var chain: UnitChain
    public var location: Location
    public var category: CategoryID
    /// The category's policy at each severity, so raising severity needs no lookup.
    public var policies: [Severity: EscalationPolicy]
    public var staff: [Level: [Member]]
    public var buildingStaff: [Member]
    public var departments: [DepartmentID: DepartmentContacts]
    /// Departments owning the category, summoned when a policy has `summonOwners`.
    public var owners: [DepartmentID]

    public init(
        chain: UnitChain, location: Location, category: CategoryID, policies: [Severity: EscalationPolicy],
        staff: [Level: [Member]], buildingStaff: [Member] = [], departments: [DepartmentID: DepartmentContacts] = [:],
        owners: [DepartmentID] = []
    ) {
        self.chain = chain
        self.location = location
        self.category = category
        self.policies = policies
        self.staff = staff
        self.buildingStaff = buildingStaff
        self.departments = departments
        self.owners = owners
    }

    /// Hashes where and what the case is about, not the people and policies: contexts are
    /// dictionary keys in the store (one row per distinct context), and hashing every
    /// department's contacts cost more than the lookup. Equal contexts have equal places and
    /// categories, so this agrees with `==`, which still compares everything.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(chain)
        hasher.combine(location)
        hasher.combine(category)
    }

    /// Builds the context for a case at `location` from the configuration. `nil` when the grid is
    /// not in the hierarchy: such a case belongs to the district's unassigned queue (兜底), which
    /// the daemon handles before a machine exists.
    public static func make(
        location: Location, category: CategoryID, hierarchy: Hierarchy, departments: [Department], policies: PolicyBook
    ) -> CaseContext? {
        guard let chain = hierarchy.chain(for: location.grid) else { return nil }
        func members(_ assignments: [StaffAssignment]) -> [Member] {
            assignments.compactMap { a in
                hierarchy.people[a.person].map { Member(person: a.person, role: a.role, channels: $0.channels, roster: $0.roster) }
            }
        }
        var staff: [Level: [Member]] = [:]
        for level in Level.allCases { staff[level] = members(hierarchy.staff(at: level, for: location.grid)) }
        let building = location.building.flatMap { hierarchy.building($0, in: location.grid) }
        var contacts: [DepartmentID: DepartmentContacts] = [:]
        for department in departments {
            contacts[department.id] = DepartmentContacts(
                contacts: department.contacts.compactMap { id in hierarchy.people[id].map { Recipient(person: id, channels: $0.channels) } })
        }
        var byseverity: [Severity: EscalationPolicy] = [:]
        for severity in Severity.allCases { byseverity[severity] = policies.policy(for: category, severity: severity) }
        return CaseContext(
            chain: chain, location: location, category: category, policies: byseverity, staff: staff,
            buildingStaff: members(building?.staff ?? []), departments: contacts,
            owners: departments.filter { $0.categories.contains(category) }.map(\.id).sorted())
    }

    /// The policy at `severity`; the general default if the context was built without one.
    public func policy(at severity: Severity) -> EscalationPolicy {
        policies[severity] ?? PolicyBook.generalDefault
    }

    /// Whether `person` holds a role at `level` that handles cases.
    func handles(_ person: PersonID, at level: Level) -> Bool {
        (staff[level] ?? []).contains { $0.person == person && $0.role.handlesCases }
    }

    /// Whether `person` is staff of any kind at `level`.
    func isStaff(_ person: PersonID, at level: Level) -> Bool {
        (staff[level] ?? []).contains { $0.person == person }
    }

    /// The highest level at which `person` handles cases for this chain.
    func highestHandlingLevel(of person: PersonID) -> Level? {
        Level.allCases.reversed().first { handles(person, at: $0) }
    }
}
