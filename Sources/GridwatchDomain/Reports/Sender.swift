/// Who sent a field update, as authenticated by the transport, never as the message body claims.
public enum Sender: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A person of the hierarchy, logged into the field app.
    case person(PersonID)
    /// A department, acting through one of its contacts.
    case department(DepartmentID, contact: PersonID)
    /// The hotline centre's callback (回访): the only source of citizens' ratings.
    case hotlineCallback

    public var description: String {
        switch self {
        case .person(let id): "person:\(id)"
        case .department(let d, let contact): "department:\(d)/\(contact)"
        case .hotlineCallback: "hotline-callback"
        }
    }
}
