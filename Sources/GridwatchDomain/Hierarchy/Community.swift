/// A community (社区) and its service station (社区工作站): "小事不出社区".
public struct Community: Hashable, Sendable, Codable {
    /// 12 digits: street code + 3.
    public var code: String
    public var name: String
    /// Station head and secretary.
    public var staff: [StaffAssignment]
    public var grids: [Grid]

    public init(code: String, name: String, staff: [StaffAssignment], grids: [Grid]) {
        self.code = code
        self.name = name
        self.staff = staff
        self.grids = grids
    }
}
