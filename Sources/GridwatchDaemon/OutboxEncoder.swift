import CaseStore
import Foundation
import GridConfig
import GridwatchDomain

/// Turns what the machine decided into messages for the outbox: one notification message per
/// channel (SMS, app, voice gateways each take their own), one case event for the hotline
/// system, and dead-letter copies of rejected input.
///
/// Identifiers come from the machine (case id + step), so a replay after a crash writes the same
/// ids and downstream gateways can drop the duplicates.
struct OutboxEncoder {
    var configuration: GridwatchConfiguration
    /// The reference encoding of the bodies, and the one the event's `detail` still takes.
    let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(configuration: GridwatchConfiguration) {
        self.configuration = configuration
    }

    /// The body published to `gridwatch.notify`.
    struct NotificationBody: Encodable {
        var id: String
        var caseID: String
        var reason: String
        var level: String?
        var department: String?
        var channel: String
        var recipients: [RecipientBody]
        var text: String
        var category: String
        var severity: String
        var location: LocationBody
        var deadline: Date?
    }

    struct RecipientBody: Encodable {
        var person: String
        var name: String?
        var phone: String?
    }

    struct LocationBody: Encodable {
        var grid: String
        var building: String?
        var detail: String?
        var street: String?
        var community: String?
    }

    /// The body published to `gridwatch.cases`.
    struct EventBody: Encodable {
        var id: String
        var caseID: String
        var at: Date
        var event: String
        var detail: CaseEvent.Kind
        var phase: String
        var level: String?
        var category: String
        var severity: String
        /// Report source keys of the case (e.g. `hotline:REQ-1`), so the hotline system can answer each caller.
        var sources: [String]
    }

    func notifications(_ notification: GridwatchDomain.Notification, machine: CaseMachine, now: Date) throws -> [OutboxMessage] {
        var byChannel: [String: [RecipientBody]] = [:]
        for recipient in notification.recipients {
            let person = configuration.hierarchy.people[recipient.person]
            let body = RecipientBody(person: recipient.person.rawValue, name: person?.name, phone: person?.phone)
            for channel in recipient.channels { byChannel[channel.rawValue, default: []].append(body) }
        }
        let deadline = machine.activeDeadlines.map(\.at).min()
        let text = Self.text(notification, machine: machine, configuration: configuration, deadline: deadline)
        let level = notification.level.map { "\($0)" } ?? "department"
        return try byChannel.keys.sorted().map { channel in
            let body = NotificationBody(
                id: "\(notification.id).\(channel)", caseID: machine.id.rawValue, reason: notification.reason.rawValue,
                level: notification.level.map { "\($0)" }, department: notification.department?.rawValue, channel: channel,
                recipients: byChannel[channel]!, text: text, category: machine.context.category.rawValue,
                severity: "\(machine.severity)", location: location(machine), deadline: deadline)
            return OutboxMessage(
                id: body.id, exchange: GridwatchTopology.notifyExchange, routingKey: "\(channel).\(level)",
                body: body.json, type: "notification.\(notification.reason.rawValue)", createdAt: now)
        }
    }

    func event(_ event: CaseEvent, machine: CaseMachine, now: Date) throws -> OutboxMessage {
        let name = Self.eventName(event.kind)
        let body = EventBody(
            id: event.id, caseID: machine.id.rawValue, at: event.at, event: name, detail: event.kind,
            phase: machine.phase.rawValue, level: machine.level.map { "\($0)" }, category: machine.context.category.rawValue,
            severity: "\(machine.severity)", sources: machine.reports.map(\.report.sourceKey))
        return OutboxMessage(
            id: event.id, exchange: GridwatchTopology.casesExchange, routingKey: "case.\(name)",
            body: try body.json(detail: encoder.encode(event.kind)), type: "case.\(name)", createdAt: now)
    }

    private func location(_ machine: CaseMachine) -> LocationBody {
        let chain = machine.context.chain
        return LocationBody(
            grid: machine.context.location.grid.rawValue, building: machine.context.location.building?.rawValue,
            detail: machine.context.location.detail,
            street: configuration.hierarchy.street(code: chain.streetCode)?.name,
            community: configuration.hierarchy.community(code: chain.communityCode)?.name)
    }

    /// The event's name as it appears in routing keys: `case.opened`, `case.escalated`, …
    static func eventName(_ kind: CaseEvent.Kind) -> String {
        switch kind {
        case .opened: "opened"
        case .dispatched: "dispatched"
        case .signedFor: "signed-for"
        case .escalated: "escalated"
        case .reminded: "reminded"
        case .sentBack: "sent-back"
        case .redispatched: "redispatched"
        case .progress: "progress"
        case .extensionRequested: "extension-requested"
        case .extensionGranted: "extension-granted"
        case .parked: "parked"
        case .resumed: "resumed"
        case .handled: "handled"
        case .verified: "verified"
        case .verificationFailed: "verification-failed"
        case .closed: "closed"
        case .closedAsFalseAlarm: "closed-false-alarm"
        case .rated: "rated"
        case .reopened: "reopened"
        case .merged: "merged"
        case .severityRaised: "severity-raised"
        case .whistle: "whistle"
        case .summoned: "summoned"
        case .reportedIn: "reported-in"
        case .summonOverdue: "summon-overdue"
        case .alarmCancelled: "alarm-cancelled"
        }
    }

    /// The Chinese text a grid worker reads on a phone: what, where, and by when.
    static func text(_ notification: GridwatchDomain.Notification, machine: CaseMachine,
                     configuration: GridwatchConfiguration, deadline: Date?) -> String {
        let hierarchy = configuration.hierarchy
        let chain = machine.context.chain
        let category = configuration.categories.first { $0.id == machine.context.category }?.name
            ?? machine.context.category.rawValue
        var place = [hierarchy.street(code: chain.streetCode)?.name, hierarchy.community(code: chain.communityCode)?.name,
                     hierarchy.grid(chain.gridCode)?.name].compactMap { $0 }.joined()
        if let building = machine.context.location.building,
           let name = hierarchy.building(building, in: chain.gridCode)?.name {
            place += name
        }
        if let detail = machine.context.location.detail { place += " \(detail)" }
        let what: String = switch notification.reason {
        case .dispatched: "新派案件，请签收"
        case .escalated: "案件逾期未办，已上报至本级，请处置"
        case .informed: "案件动态知会"
        case .reminder: "案件仍待处置，请尽快办理"
        case .summoned: "街道吹哨，请部门报到"
        case .summonOverdue: "被召部门逾期未报到"
        case .sentBack: "案件被退回，请重新派遣"
        case .extensionRequested: "有延期申请待审批"
        case .verificationDue: "案件已处置，请核查"
        case .reopened: "群众不满意，案件返工"
        case .severityRaised: "重复报告，案件等级已提升"
        case .alarmCancelled: "报警已撤销，案件仍由您跟进"
        }
        var text = "【网格通】\(what)：\(category)，\(place)（案件 \(machine.id.rawValue)，\(Self.severityName(machine.severity))）"
        if let deadline { text += "，时限 \(Self.beijingTime(deadline))" }
        return text
    }

    static func severityName(_ severity: Severity) -> String {
        switch severity {
        case .critical: "紧急"
        case .high: "重要"
        case .normal: "一般"
        case .low: "轻微"
        }
    }

    /// Deadlines are shown in Beijing time, as the people reading them live by it.
    ///
    /// China has kept UTC+8 without daylight saving since 1992, so from then on the fields are
    /// computed directly: a DateFormatter built per notification (ICU locale and pattern) was
    /// about a tenth of the daemon's CPU time. Earlier dates go through the formatter.
    static func beijingTime(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + 8 * 3600
        if seconds >= 694_224_000 {  // 1992-01-01 00:00 in Beijing
            let days = seconds / 86400
            let minuteOfDay = (seconds % 86400) / 60
            let (_, month, day) = CivilDate.from(daysSince1970: days)
            let hour = minuteOfDay / 60
            let minute = minuteOfDay % 60
            return "\(month)月\(day)日 \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "zh_CN")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "M月d日 HH:mm"
        return formatter.string(from: date)
    }
}

extension OutboxEncoder.NotificationBody {
    /// What `OutboxEncoder.encoder` writes for this body, written directly (`JSONWriter`).
    var json: Data {
        var writer = JSONWriter()
        writer.object { w in
            w.field("caseID", caseID)
            w.field("category", category)
            w.field("channel", channel)
            w.field("deadline", deadline)
            w.field("department", department)
            w.field("id", id)
            w.field("level", level)
            w.key("location")
            w.object { w in
                w.field("building", location.building)
                w.field("community", location.community)
                w.field("detail", location.detail)
                w.field("grid", location.grid)
                w.field("street", location.street)
            }
            w.field("reason", reason)
            w.key("recipients")
            w.array(recipients) { w, recipient in
                w.object { w in
                    w.field("name", recipient.name)
                    w.field("person", recipient.person)
                    w.field("phone", recipient.phone)
                }
            }
            w.field("severity", severity)
            w.field("text", text)
        }
        return writer.data
    }
}

extension OutboxEncoder.EventBody {
    /// What `OutboxEncoder.encoder` writes for this body, given the JSON of `detail` (the
    /// event's kind, whose many cases still go through `Codable`).
    func json(detail json: Data) -> Data {
        var writer = JSONWriter()
        writer.object { w in
            w.field("at", at)
            w.field("caseID", caseID)
            w.field("category", category)
            w.field("detail", json: json)
            w.field("event", event)
            w.field("id", id)
            w.field("level", level)
            w.field("phase", phase)
            w.field("severity", severity)
            w.key("sources")
            w.array(sources) { w, source in w.string(source) }
        }
        return writer.data
    }
}
