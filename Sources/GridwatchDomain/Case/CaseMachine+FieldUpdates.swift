import Foundation

/// Field updates: the steps people take on a case ("办、回"). Each is checked first for the
/// phase, then for the sender's entitlement; a refusal changes nothing and says why.
extension CaseMachine {
    /// Applies `update` sent by `sender`, whose identity the transport authenticated.
    public mutating func apply(_ update: FieldUpdate, from sender: Sender, now: Date) -> [CaseAction] {
        switch update {
        case .signFor: signFor(sender, now: now)
        case .sendBack(let reason): sendBack(sender, reason: reason, now: now)
        case .redispatch(let level): redispatch(sender, to: level, now: now)
        case .progress(let note): progress(sender, note: note, now: now)
        case .askExtension(let until, let reason): askExtension(sender, until: until, reason: reason, now: now)
        case .approveExtension: approveExtension(sender, now: now)
        case .park(let reason): park(sender, reason: reason, now: now)
        case .resume: resume(sender, now: now)
        case .handled(let note): handled(sender, note: note, now: now)
        case .verify(let passed, let note): verify(sender, passed: passed, note: note, now: now)
        case .rate(let satisfied): rate(sender, satisfied: satisfied, now: now)
        case .whistle(let kind, let departments): whistle(sender, kind: kind, departments: departments, now: now)
        case .reportIn: reportIn(sender, now: now)
        }
    }

    func notInPhase(_ step: String) -> [CaseAction] {
        [.reject(Rejection(.notInPhase, "\(step) is not possible while the case is \(phase.rawValue)"))]
    }

    func ended() -> [CaseAction] { [.reject(Rejection(.caseEnded, "case \(id) has ended"))] }

    mutating func signFor(_ sender: Sender, now: Date) -> [CaseAction] {
        switch state {
        case .dispatched(let level, let since, let signForBy):
            let person: PersonID
            do { person = try responsible(sender, atOrAbove: level).get() } catch { return [.reject(error)] }
            var actions: [CaseAction] = []
            let resolveBy = max(since.addingTimeInterval(policy.resolve(at: level)), now)
            state = .signedFor(level: level, by: person, resolveBy: resolveBy)
            setPhaseDeadline(.resolve(level), at: resolveBy, into: &actions)
            record(.signedFor(level: level, by: person, inTime: now <= signForBy), now: now, into: &actions)
            return actions
        case .received, .signedFor, .sentBack, .parked, .handled: return notInPhase("sign for")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// 退单: only before signing, and never by the top level, which has no one to send it to (兜底).
    mutating func sendBack(_ sender: Sender, reason: String, now: Date) -> [CaseAction] {
        switch state {
        case .dispatched(let level, _, _):
            let person: PersonID
            do { person = try responsible(sender, atOrAbove: level).get() } catch { return [.reject(error)] }
            guard level < policy.topLevel, let above = level.above else {
                return [.reject(Rejection(.invalidLevel, "the top level may not send a case back"))]
            }
            var actions: [CaseAction] = []
            state = .sentBack(level: level, by: person)
            setPhaseDeadline(.redispatch(level), at: now.addingTimeInterval(policy.redispatchWithin), into: &actions)
            record(.sentBack(level: level, by: person, reason: reason), now: now, into: &actions)
            notifyLevel(above, reason: .sentBack, now: now, into: &actions)
            return actions
        case .received, .signedFor, .sentBack, .parked, .handled: return notInPhase("send back")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// Re-dispatch after a send-back, by the level above the one that sent it back, to any level
    /// up to the sender's own.
    mutating func redispatch(_ sender: Sender, to target: Level, now: Date) -> [CaseAction] {
        switch state {
        case .sentBack(let level, _):
            let person: PersonID
            do { person = try responsible(sender, atOrAbove: level.above ?? .district).get() } catch { return [.reject(error)] }
            guard let senderLevel = context.highestHandlingLevel(of: person), target <= senderLevel, target <= policy.topLevel else {
                return [.reject(Rejection(.invalidLevel, "\(person) may not dispatch to \(target)"))]
            }
            var actions: [CaseAction] = []
            record(.redispatched(level: target, by: person), now: now, into: &actions)
            enterDispatched(target, reason: .dispatched, now: now, into: &actions)
            return actions
        case .received, .dispatched, .signedFor, .parked, .handled: return notInPhase("re-dispatch")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    mutating func progress(_ sender: Sender, note: String, now: Date) -> [CaseAction] {
        switch state {
        case .signedFor(let level, _, _), .parked(let level, _, _):
            switch responsible(sender, atOrAbove: level) {
            case .failure(let r): return [.reject(r)]
            case .success(let person):
                var actions: [CaseAction] = []
                record(.progress(by: person, note: note), now: now, into: &actions)
                return actions
            }
        case .received, .dispatched, .sentBack, .handled: return notInPhase("progress")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// 延期申请: must ask for a later deadline than the current one; the level above is asked.
    mutating func askExtension(_ sender: Sender, until: Date, reason: String, now: Date) -> [CaseAction] {
        switch state {
        case .signedFor(let level, _, let resolveBy):
            let person: PersonID
            do { person = try responsible(sender, atOrAbove: level).get() } catch { return [.reject(error)] }
            guard until > resolveBy, until > now else {
                return [.reject(Rejection(.invalidExtension, "an extension must be later than the current deadline"))]
            }
            var actions: [CaseAction] = []
            pendingExtension = until
            record(.extensionRequested(by: person, until: until, reason: reason), now: now, into: &actions)
            notifyLevel(level.above ?? level, reason: .extensionRequested, now: now, into: &actions)
            return actions
        case .received, .dispatched, .sentBack, .parked, .handled: return notInPhase("ask for an extension")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// 延期批准: the resolve deadline moves to the requested time, which is always later.
    mutating func approveExtension(_ sender: Sender, now: Date) -> [CaseAction] {
        switch state {
        case .signedFor(let level, let holder, let resolveBy):
            let person: PersonID
            do { person = try extensionApprover(sender, holding: level).get() } catch { return [.reject(error)] }
            guard let until = pendingExtension, until > resolveBy, until > now else {
                return [.reject(Rejection(.invalidExtension, "no extension request is pending"))]
            }
            var actions: [CaseAction] = []
            pendingExtension = nil
            statedDeadline = statedDeadline.map { $0.addingTimeInterval(until.timeIntervalSince(resolveBy)) }
            state = .signedFor(level: level, by: holder, resolveBy: until)
            setPhaseDeadline(.resolve(level), at: until, into: &actions)
            record(.extensionGranted(by: person, until: until), now: now, into: &actions)
            return actions
        case .received, .dispatched, .sentBack, .parked, .handled: return notInPhase("approve an extension")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// 挂账: the case waits; the holder and the level above are reminded at the reminder
    /// interval so a parked case is never forgotten.
    mutating func park(_ sender: Sender, reason: String, now: Date) -> [CaseAction] {
        switch state {
        case .signedFor(let level, _, let resolveBy):
            let person: PersonID
            do { person = try responsible(sender, atOrAbove: level).get() } catch { return [.reject(error)] }
            var actions: [CaseAction] = []
            pendingExtension = nil
            state = .parked(level: level, by: person, resolveBy: resolveBy)
            setPhaseDeadline(.parkedReview(level), at: now.addingTimeInterval(policy.reminderInterval), into: &actions)
            record(.parked(level: level, by: person, reason: reason), now: now, into: &actions)
            notifyLevel(level.above ?? level, reason: .informed, now: now, into: &actions)
            return actions
        case .received, .dispatched, .sentBack, .parked, .handled: return notInPhase("park")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// Resuming restarts the level's resolve clock from now, but never earlier than the
    /// deadline the case had when it was parked.
    mutating func resume(_ sender: Sender, now: Date) -> [CaseAction] {
        switch state {
        case .parked(let level, _, let previous):
            let person: PersonID
            do { person = try responsible(sender, atOrAbove: level).get() } catch { return [.reject(error)] }
            var actions: [CaseAction] = []
            let resolveBy = max(now.addingTimeInterval(policy.resolve(at: level)), previous)
            state = .signedFor(level: level, by: person, resolveBy: resolveBy)
            setPhaseDeadline(.resolve(level), at: resolveBy, into: &actions)
            record(.resumed(by: person), now: now, into: &actions)
            return actions
        case .received, .dispatched, .signedFor, .sentBack, .handled: return notInPhase("resume")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// 处置完毕: the supervisors are asked to verify.
    mutating func handled(_ sender: Sender, note: String, now: Date) -> [CaseAction] {
        switch state {
        case .signedFor(let level, _, let resolveBy):
            let person: PersonID
            do { person = try responsible(sender, atOrAbove: level).get() } catch { return [.reject(error)] }
            var actions: [CaseAction] = []
            pendingExtension = nil
            state = .handled(level: level, by: person, resolveBy: resolveBy)
            setPhaseDeadline(.verify(level), at: now.addingTimeInterval(policy.verifyWithin), into: &actions)
            record(.handled(level: level, by: person, inTime: now <= (statedDeadline ?? resolveBy), note: note), now: now, into: &actions)
            notifyVerifiers(now: now, into: &actions)
            return actions
        case .received, .dispatched, .sentBack, .parked, .handled: return notInPhase("handle")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    mutating func notifyVerifiers(now: Date, into actions: inout [CaseAction]) {
        let supervisors = (context.staff[.grid] ?? []).filter { $0.role == .gridSupervisor }
        if supervisors.isEmpty {
            notifyLevel(.community, reason: .verificationDue, now: now, into: &actions)
        } else {
            notify(supervisors.map { Recipient(person: $0.person, channels: $0.channels) }, reason: .verificationDue, level: .grid, into: &actions)
        }
    }

    /// 核查: passing closes the case; failing sends it back to the handling level as rework.
    mutating func verify(_ sender: Sender, passed: Bool, note: String, now: Date) -> [CaseAction] {
        switch state {
        case .handled(let level, let handler, let previous):
            let person: PersonID
            do { person = try verifier(sender, handler: handler).get() } catch { return [.reject(error)] }
            var actions: [CaseAction] = []
            if passed {
                record(.verified(by: person, note: note), now: now, into: &actions)
                state = .closed(level: level, handler: handler)
                cancelAllDeadlines(into: &actions)
                record(.closed(level: level), now: now, into: &actions)
            } else {
                reworkCount += 1
                record(.verificationFailed(by: person, note: note), now: now, into: &actions)
                let resolveBy = max(now.addingTimeInterval(policy.resolve(at: level)), previous)
                state = .signedFor(level: level, by: handler, resolveBy: resolveBy)
                setPhaseDeadline(.resolve(level), at: resolveBy, into: &actions)
                notifyLevel(level, reason: .reopened, now: now, into: &actions)
            }
            return actions
        case .received, .dispatched, .signedFor, .sentBack, .parked: return notInPhase("verify")
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// 回访: satisfied ends the case; unsatisfied reopens it at the level that handled it, as rework.
    mutating func rate(_ sender: Sender, satisfied: Bool, now: Date) -> [CaseAction] {
        switch state {
        case .closed(let level, _):
            if let r = ratingSource(sender) { return [.reject(r)] }
            var actions: [CaseAction] = []
            record(.rated(satisfied: satisfied), now: now, into: &actions)
            if satisfied {
                state = .rated(level: level, satisfied: true)
            } else {
                reworkCount += 1
                record(.reopened(level: level), now: now, into: &actions)
                enterDispatched(level, reason: .reopened, now: now, into: &actions)
            }
            return actions
        case .received, .dispatched, .signedFor, .sentBack, .parked, .handled: return notInPhase("rate")
        case .falseAlarm, .rated: return ended()
        }
    }

    /// 吹哨: a street summons departments, each of which must report in in time. An emergency
    /// whistle (应急哨) also declares the case critical, so the emergency policy's levels hear of it.
    mutating func whistle(_ sender: Sender, kind: WhistleKind, departments: [DepartmentID], now: Date) -> [CaseAction] {
        switch state {
        case .received, .dispatched, .signedFor, .sentBack, .parked, .handled:
            let person: PersonID
            do { person = try whistler(sender).get() } catch { return [.reject(error)] }
            guard !departments.isEmpty, departments.allSatisfy({ context.departments[$0] != nil }) else {
                return [.reject(Rejection(.invalidDepartment, "a whistle must name known departments"))]
            }
            var actions: [CaseAction] = []
            record(.whistle(kind: kind, by: person, departments: departments), now: now, into: &actions)
            switch kind {
            case .emergency where severity < .critical: raiseSeverity(to: .critical, now: now, into: &actions)
            case .emergency, .routine, .hardCase: break
            }
            var seen: Set<DepartmentID> = []
            for department in departments where seen.insert(department).inserted {
                summon(department, now: now, into: &actions)
            }
            return actions
        case .closed, .falseAlarm, .rated: return ended()
        }
    }

    /// 报到: the department is on the scene; its deadline is cancelled.
    mutating func reportIn(_ sender: Sender, now: Date) -> [CaseAction] {
        switch state {
        case .received, .dispatched, .signedFor, .sentBack, .parked, .handled:
            let department: DepartmentID
            switch reportingDepartment(sender) {
            case .failure(let r): return [.reject(r)]
            case .success(let d): department = d
            }
            var actions: [CaseAction] = []
            let summon = summons[department]
            if let deadline = summon?.deadline { actions.append(.cancelDeadline(deadline.id)) }
            let inTime = summon?.overdue == false && (summon?.deadline.map { now <= $0.at } ?? true)
            summons[department] = Summon(deadline: nil, reportedIn: true, overdue: summon?.overdue ?? false)
            record(.reportedIn(department, inTime: inTime), now: now, into: &actions)
            return actions
        case .closed, .falseAlarm, .rated: return ended()
        }
    }
}
