import Foundation
import GridwatchDomain

/// Field updates. Each type allows exactly its own fields, so a body cannot smuggle a role,
/// a sender or a field meant for another step.
extension IntakeDecoder {
    /// The `type` values, each with the fields it allows besides `caseId`, `type` and `sentAt`.
    enum UpdateType: String, CaseIterable {
        case signFor, sendBack, redispatch, progress, askExtension, approveExtension, park, resume, handled, verify, rate, whistle, reportIn

        var fields: Set<String> {
            switch self {
            case .signFor, .approveExtension, .resume, .reportIn: []
            case .sendBack, .park: ["reason"]
            case .redispatch: ["level"]
            case .progress, .handled: ["note"]
            case .askExtension: ["until", "reason"]
            case .verify: ["passed", "note"]
            case .rate: ["satisfied"]
            case .whistle: ["whistleKind", "departments"]
            }
        }
    }

    static let common: Set<String> = ["caseId", "type", "sentAt"]
    static let updateTypes = Dictionary(uniqueKeysWithValues: UpdateType.allCases.map { ($0.rawValue, $0) })
    static let levels = Dictionary(uniqueKeysWithValues: Level.allCases.map { ($0.description, $0) })
    static let whistleKinds = Dictionary(uniqueKeysWithValues: WhistleKind.allCases.map { ($0.rawValue, $0) })

    func fieldUpdate(_ r: ObjectReader) throws(IntakeError) -> FieldUpdateMessage {
        let type = try r.choice("type", Self.updateTypes, required: true)!
        try r.rejectUnknown(allowed: Self.common.union(type.fields))
        let caseID = try r.identifier("caseId", required: true)!
        let sentAt = try r.timestamp("sentAt", required: true)!
        let update: FieldUpdate
        switch type {
        case .signFor: update = .signFor
        case .sendBack: update = .sendBack(reason: try r.string("reason", max: limits.maxTextLength, required: true, multiline: true)!)
        case .redispatch: update = .redispatch(to: try r.choice("level", Self.levels, required: true)!)
        case .progress: update = .progress(note: try r.string("note", max: limits.maxTextLength, required: true, multiline: true)!)
        case .askExtension:
            let until = try r.timestamp("until", required: true, window: false)!
            guard until > sentAt else { throw IntakeError(.inconsistent, field: "until", "must be later than sentAt") }
            update = .askExtension(until: until, reason: try r.string("reason", max: limits.maxTextLength, required: true, multiline: true)!)
        case .approveExtension: update = .approveExtension
        case .park: update = .park(reason: try r.string("reason", max: limits.maxTextLength, required: true, multiline: true)!)
        case .resume: update = .resume
        case .handled: update = .handled(note: try r.string("note", max: limits.maxTextLength, required: true, multiline: true)!)
        case .verify:
            let passed = try r.bool("passed", required: true)!
            update = .verify(passed: passed, note: try r.string("note", max: limits.maxTextLength, required: false, multiline: true) ?? "")
        case .rate: update = .rate(satisfied: try r.bool("satisfied", required: true)!)
        case .whistle:
            let kind = try r.choice("whistleKind", Self.whistleKinds, required: true)!
            let departments = try r.identifiers("departments", required: true)!
            guard !departments.isEmpty else { throw IntakeError(.empty, field: "departments", "a whistle names at least one department") }
            update = .whistle(kind: kind, departments: departments.map { DepartmentID($0) })
        case .reportIn: update = .reportIn
        }
        return FieldUpdateMessage(caseID: CaseID(caseID), update: update, sentAt: sentAt)
    }
}
