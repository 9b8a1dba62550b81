import Foundation

/// A step taken on a case in the field, from the grid workers' and departments' apps.
///
/// The sender's identity is a separate input to the machine (`Sender`); nothing here says who
/// sent it or in what role, so nothing here can be forged to gain a permission.
public enum FieldUpdate: Hashable, Sendable, Codable {
    /// 签收: the holding level takes the case; escalation stops.
    case signFor
    /// 退单: not ours; the reason goes to whoever re-dispatches.
    case sendBack(reason: String)
    /// Re-dispatch a sent-back case to a level, by the level above the one that sent it back.
    case redispatch(to: Level)
    case progress(note: String)
    /// 延期申请: the holder asks for a later resolve deadline.
    case askExtension(until: Date, reason: String)
    /// 延期批准: the level above approves the pending request.
    case approveExtension
    /// 挂账: cannot be solved now; the case waits with periodic reminders.
    case park(reason: String)
    /// Resume a parked case.
    case resume
    /// 处置完毕.
    case handled(note: String)
    /// 核查: a supervisor confirms (or refuses) the handling.
    case verify(passed: Bool, note: String)
    /// 回访 result.
    case rate(satisfied: Bool)
    /// 吹哨: the street summons departments.
    case whistle(kind: WhistleKind, departments: [DepartmentID])
    /// 报到: a summoned department has arrived.
    case reportIn
}

/// The three whistles of "街道吹哨、部门报到".
public enum WhistleKind: String, CaseIterable, Hashable, Sendable, Codable {
    /// 日常哨
    case routine
    /// 攻坚哨
    case hardCase
    /// 应急哨
    case emergency
}
