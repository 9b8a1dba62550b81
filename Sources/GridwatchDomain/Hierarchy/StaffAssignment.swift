/// A person placed at a unit in a role. The same person may hold roles at several units (a
/// station head is often also a grid leader), so people are defined once and assigned here.
public struct StaffAssignment: Hashable, Sendable, Codable {
    public var role: Role
    public var person: PersonID

    public init(role: Role, person: PersonID) {
        self.role = role
        self.person = person
    }
}
