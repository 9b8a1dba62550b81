/// A street (街道), town or township: the coordinating hub that may blow the whistle (吹哨).
public struct Street: Hashable, Sendable, Codable {
    /// 9 digits: district code + 3 (001–099 街道, 100–199 镇, 200–399 乡).
    public var code: String
    public var name: String
    /// The command centre's duty officers.
    public var staff: [StaffAssignment]
    public var communities: [Community]

    public init(code: String, name: String, staff: [StaffAssignment], communities: [Community]) {
        self.code = code
        self.name = name
        self.staff = staff
        self.communities = communities
    }
}
