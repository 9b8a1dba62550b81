/// Who may do what. Decided from the authenticated sender and the people the case knows along
/// its chain; a role claimed in a message body is never consulted.
extension CaseMachine {
    /// Signing for, sending back, progress, extension requests, parking and handling: a person
    /// who handles cases at the level holding the case or above.
    func responsible(_ sender: Sender, atOrAbove level: Level) -> Result<PersonID, Rejection> {
        guard case .person(let person) = sender else {
            return .failure(Rejection(.notEntitled, "\(sender) is not a person of the hierarchy"))
        }
        for candidate in Level.allCases where candidate >= level && context.handles(person, at: candidate) {
            return .success(person)
        }
        return .failure(Rejection(.notEntitled, "\(person) is not responsible at \(level) or above for this case"))
    }

    /// Verification (核查): a supervisor (监督员) of the case's grid, or staff of the community
    /// or above, and never the person who handled the case, so no one checks their own work.
    func verifier(_ sender: Sender, handler: PersonID) -> Result<PersonID, Rejection> {
        guard case .person(let person) = sender else {
            return .failure(Rejection(.notEntitled, "\(sender) is not a person of the hierarchy"))
        }
        guard person != handler else {
            return .failure(Rejection(.handlerCannotVerify, "\(person) handled the case"))
        }
        let supervisor = (context.staff[.grid] ?? []).contains { $0.person == person && $0.role == .gridSupervisor }
        let above = Level.allCases.contains { $0 > .grid && context.isStaff(person, at: $0) }
        guard supervisor || above else {
            return .failure(Rejection(.notEntitled, "\(person) is not a supervisor of this grid nor staff above it"))
        }
        return .success(person)
    }

    /// Extensions are approved by the level above the holder; at the district, the fallback
    /// owner, by the district itself.
    func extensionApprover(_ sender: Sender, holding level: Level) -> Result<PersonID, Rejection> {
        guard case .person(let person) = sender else {
            return .failure(Rejection(.notEntitled, "\(sender) is not a person of the hierarchy"))
        }
        let lowest = level.above ?? .district
        for candidate in Level.allCases where candidate >= lowest && context.handles(person, at: candidate) {
            return .success(person)
        }
        return .failure(Rejection(.notEntitled, "\(person) is not above \(level) for this case"))
    }

    /// The whistle (吹哨) is the street's: only staff of the case's street may blow it.
    func whistler(_ sender: Sender) -> Result<PersonID, Rejection> {
        guard case .person(let person) = sender, context.isStaff(person, at: .street) else {
            return .failure(Rejection(.notEntitled, "\(sender) is not staff of this case's street"))
        }
        return .success(person)
    }

    /// Report-in (报到) comes from a contact of a department that is summoned and has not yet reported.
    func reportingDepartment(_ sender: Sender) -> Result<DepartmentID, Rejection> {
        guard case .department(let department, let contact) = sender else {
            return .failure(Rejection(.notEntitled, "\(sender) is not a department"))
        }
        guard context.departments[department]?.contacts.contains(where: { $0.person == contact }) == true else {
            return .failure(Rejection(.notEntitled, "\(contact) is not a contact of \(department)"))
        }
        guard let summon = summons[department], !summon.reportedIn else {
            return .failure(Rejection(.invalidDepartment, "\(department) is not awaited on this case"))
        }
        return .success(department)
    }

    /// Ratings come only from the hotline's callback (回访), never from the field.
    func ratingSource(_ sender: Sender) -> Rejection? {
        switch sender {
        case .hotlineCallback: nil
        case .person, .department: Rejection(.notEntitled, "ratings come from the hotline callback")
        }
    }
}
