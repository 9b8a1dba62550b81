/// A district (区): its command centre is the fallback owner (兜底) and the top of escalation.
public struct District: Hashable, Sendable, Codable {
    /// 6 digits (GB/T 2260).
    public var code: String
    public var name: String
    public var staff: [StaffAssignment]
    public var streets: [Street]

    public init(code: String, name: String, staff: [StaffAssignment], streets: [Street]) {
        self.code = code
        self.name = name
        self.staff = staff
        self.streets = streets
    }
}
