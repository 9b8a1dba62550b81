import GridwatchDomain

/// Turning an authenticated identity into the machine's `Sender`.
extension GridwatchConfiguration {
    /// The sender for a person the transport authenticated, acting for themselves or, when
    /// `department` is given, as one of that department's contacts. `nil` for anyone the
    /// configuration does not know, or who is not a contact of the department they claim:
    /// such an update is refused before it reaches a case.
    public func sender(person id: PersonID, actingFor department: DepartmentID? = nil) -> Sender? {
        guard hierarchy.people[id] != nil else { return nil }
        guard let department else { return .person(id) }
        guard departments.contains(where: { $0.id == department && $0.contacts.contains(id) }) else { return nil }
        return .department(department, contact: id)
    }
}
