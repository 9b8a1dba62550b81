/// What a person is responsible for at their unit.
///
/// Roles, not job titles, decide who may do what to a case (see `CaseMachine`), so each role
/// belongs to exactly one level.
public enum Role: String, CaseIterable, Hashable, Sendable, Codable {
    /// 网格员: the grid's full-time worker, first to receive a case.
    case gridWorker
    /// 网格长: leads the grid.
    case gridLeader
    /// 管理员 of "一格三员".
    case gridManager
    /// 监督员 of "一格三员": reports and verifies (核查), never verifies their own handling.
    case gridSupervisor
    /// 协管员 of "一格三员".
    case gridAssistant
    /// 楼门长/院长: locates a case in a building; informed, not responsible.
    case buildingCaptain
    /// 社区工作站站长.
    case stationHead
    /// 社区书记.
    case communitySecretary
    /// 街道指挥中心值班员: may blow the whistle (吹哨).
    case streetDutyOfficer
    /// 区指挥中心 (with the 12345 centre): the fallback owner.
    case districtCommandCentre

    /// The level at which the role answers for a case; `nil` for the building captain, who is
    /// kept informed but never holds one.
    public var level: Level? {
        switch self {
        case .gridWorker, .gridLeader, .gridManager, .gridSupervisor, .gridAssistant: .grid
        case .buildingCaptain: nil
        case .stationHead, .communitySecretary: .community
        case .streetDutyOfficer: .street
        case .districtCommandCentre: .district
        }
    }

    /// Whether a person in this role may sign for and handle a case at their level. The
    /// supervisor checks rather than handles, which keeps verification independent.
    public var handlesCases: Bool {
        switch self {
        case .gridWorker, .gridLeader, .gridManager, .gridAssistant, .stationHead, .communitySecretary,
            .streetDutyOfficer, .districtCommandCentre:
            true
        case .gridSupervisor, .buildingCaptain:
            false
        }
    }
}
