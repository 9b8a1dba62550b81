import CaseStore
import Foundation
import GridConfig
import GridwatchDomain
import Intake
import Logging
import NIOCore
import Synchronization

/// Decides what each message and each due deadline does to the cases, and records it.
///
/// The only writer of the store. Each call builds one `StoreBatch` — new case states, history,
/// deadlines, outbox messages and the ids of the messages handled — and commits it in one
/// transaction; the caller acknowledges the deliveries only after this returns. If the commit
/// fails, nothing in memory changes either, so the same messages can simply be tried again.
public actor CaseProcessor {
    private var configuration: GridwatchConfiguration
    private var decoder: IntakeDecoder {
        didSet { sharedDecoder.withLock { $0 = decoder } }
    }
    /// The same decoder, for `decode(_:now:)` outside the actor.
    private let sharedDecoder: Mutex<IntakeDecoder>
    private var encoder: OutboxEncoder
    /// Built once per configuration: building its lookup tables per message cost more than the triage.
    private var triage: Triage
    private var correlator: Correlator
    /// Contexts already built, by grid, building and category (the location's address text is
    /// the only part that differs between cases of one key). Cases opened from one share its
    /// storage in memory, and the hierarchy is not walked again for every new case.
    private var contexts: [ContextKey: CaseContext] = [:]

    private struct ContextKey: Hashable {
        var grid: GridCode
        var building: BuildingID?
        var category: CategoryID
    }
    private let store: any CaseStore
    private let logger: Logger
    private var index: OpenCaseIndex
    /// Recently used machines, so a busy case is not decoded from the store for every message.
    private var cache = MachineCache(capacity: 20_000)
    private let metrics: DaemonMetrics?

    public init(configuration: GridwatchConfiguration, store: any CaseStore, logger: Logger,
                metrics: DaemonMetrics? = nil) throws(StoreError) {
        self.metrics = metrics
        self.configuration = configuration
        decoder = IntakeDecoder(limits: Self.limits(configuration))
        sharedDecoder = Mutex(IntakeDecoder(limits: Self.limits(configuration)))
        encoder = OutboxEncoder(configuration: configuration)
        triage = configuration.triage
        correlator = configuration.correlator
        self.store = store
        self.logger = logger
        index = OpenCaseIndex(try store.openCaseKeys())
    }

    /// Swaps in a new, already validated configuration. Open cases keep the context they were
    /// opened with; new cases and message limits follow the new configuration.
    public func reload(_ configuration: GridwatchConfiguration) {
        self.configuration = configuration
        decoder = IntakeDecoder(limits: Self.limits(configuration))
        encoder = OutboxEncoder(configuration: configuration)
        triage = configuration.triage
        correlator = configuration.correlator
        contexts = [:]
    }

    public var openCaseCount: Int { index.count }

    /// A thread of its own: each call ends in a blocking SQLite commit (`StoreThreads`).
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        StoreThreads.processing.executor.asUnownedSerialExecutor()
    }

    // MARK: Messages

    /// Decodes the bodies of `messages` with the current configuration's limits, outside the
    /// actor: each consumer decodes its own batch, in parallel with the processor's work on
    /// other batches. `process(_:now:)` uses what this found and decodes the rest itself.
    public nonisolated func decode(_ messages: [IncomingMessage], now: Date) -> [IncomingMessage] {
        let decoder = sharedDecoder.withLock { $0 }
        return messages.map { message in
            guard let (kind, _) = Self.kind(of: message.routingKey) else { return message }
            var decoded = message
            decoded.decoded = decoder.decode(kind, body: message.body, now: now)
            return decoded
        }
    }

    /// Handles a batch of intake messages in one transaction; one disposition per message.
    public func process(_ messages: [IncomingMessage], now: Date) throws(StoreError) -> [Disposition] {
        var work = Work()
        let seen = try store.processed(messages.map(\.messageID))
        var dispositions: [Disposition] = []
        dispositions.reserveCapacity(messages.count)
        for message in messages {
            if seen.contains(message.messageID) || work.batch.messageIDs.contains(message.messageID) {
                dispositions.append(.duplicate)
                continue
            }
            let disposition: Disposition
            do {
                disposition = try handle(message, now: now, &work)
            } catch {
                rollBack(work)
                throw error
            }
            // Only effects are recorded as processed: a dead-lettered message changed nothing, and
            // if its dead-letter copy is not confirmed it must be handled again when redelivered.
            if case .applied = disposition { work.batch.messageIDs.append(message.messageID) }
            dispositions.append(disposition)
        }
        try commit(work)
        return dispositions
    }

    private func handle(_ message: IncomingMessage, now: Date, _ work: inout Work) throws(StoreError) -> Disposition {
        guard let (kind, source) = Self.kind(of: message.routingKey) else {
            return .deadLetter(reason: "unknown_kind", detail: "routing key '\(message.routingKey)' names no source Gridwatch takes")
        }
        guard let user = message.userID else {
            return .deadLetter(reason: "unauthenticated", detail: "the message has no user_id property")
        }
        let allowed = configuration.daemon.trust[user] ?? []
        guard allowed.contains(source) || (kind == .fieldUpdate && allowed.contains(.callback)) else {
            return .deadLetter(reason: "untrusted_sender", detail: "broker user '\(user)' may not send \(source.rawValue) messages")
        }
        switch message.decoded ?? decoder.decode(kind, body: message.body, now: now) {
        case .failure(let error):
            return .deadLetter(reason: error.deadLetterReason, detail: error.description)
        case .success(.report(let report)):
            return try handle(report, now: now, &work)
        case .success(.fieldUpdate(let update)):
            return try handle(update, message: message, allowed: allowed, now: now, &work)
        }
    }

    private func handle(_ report: Report, now: Date, _ work: inout Work) throws(StoreError) -> Disposition {
        if case .alarm(let alarm) = report, alarm.messageType == .cancel {
            return try cancelAlarm(report, now: now, &work)
        }
        let placed: Triage.Outcome
        switch triage.triage(report) {
        case .success(let outcome): placed = outcome
        case .failure(let failure): return Self.disposition(for: failure)
        }
        if try work.caseID(forSourceKey: report.sourceKey, store) != nil { return .duplicate }
        let family = placed.category.correlationFamily
        let candidates = index.candidates(
            device: report.deviceID, grid: placed.location.grid, family: family, at: report.occurredAt, within: correlator.window)
        let decision = correlator.decide(
            sourceKey: report.sourceKey, device: report.deviceID, family: family, location: placed.location,
            at: report.occurredAt, openCases: candidates)
        switch decision {
        case .duplicate:
            return .duplicate
        case .fold(let id):
            guard var machine = try machine(id, &work) else { return .deadLetter(reason: "store_inconsistent", detail: "open case \(id) is missing") }
            let actions = machine.merge(report, category: placed.category.id, severity: placed.severity, now: now)
            work.sourceKeys[report.sourceKey] = id
            try record(machine, actions, family: family, now: now, &work)
            return .applied
        case .open:
            guard let context = context(location: placed.location, category: placed.category.id) else {
                return .deadLetter(reason: "unplaced", detail: "no hierarchy context for grid \(placed.location.grid)")
            }
            let id = try newCaseID(for: report.sourceKey, &work)
            var (machine, actions) = CaseMachine.open(
                id: id, report: report, category: placed.category.id, severity: placed.severity, context: context, now: now)
            let dispatched = machine.dispatch(now: now)
            work.sourceKeys[report.sourceKey] = id
            try record(machine, actions + dispatched, family: family, now: now, &work)
            return .applied
        }
    }

    /// A CAP Cancel for an alarm: to the device's open case, which closes as a false alarm if
    /// nobody signed for it yet.
    private func cancelAlarm(_ report: Report, now: Date, _ work: inout Work) throws(StoreError) -> Disposition {
        guard let device = report.deviceID, let grid = configuration.devices.first(where: { $0.id == device })?.grid,
              let key = index.cases(of: device).first
        else {
            return .deadLetter(reason: "no_open_case", detail: "no open case for the cancelled alarm's device")
        }
        guard var machine = try machine(key.caseID, &work) else { return .duplicate }
        let actions = machine.alarmCancelled(now: now)
        try record(machine, actions, family: key.family, now: now, &work)
        return .applied
    }

    private func handle(_ message: FieldUpdateMessage, message incoming: IncomingMessage, allowed: Set<DaemonSettings.Source>,
                        now: Date, _ work: inout Work) throws(StoreError) -> Disposition {
        let sender: Sender
        if let person = incoming.person {
            guard allowed.contains(.field),
                  let known = configuration.sender(person: PersonID(person), actingFor: incoming.department.map { DepartmentID($0) })
            else {
                return .deadLetter(reason: "unknown_sender", detail: "the sender is not a known person of that department")
            }
            sender = known
        } else if allowed.contains(.callback) {
            sender = .hotlineCallback
        } else {
            return .deadLetter(reason: "unknown_sender", detail: "a field update needs the x-gridwatch-person header")
        }
        guard var machine = try machine(message.caseID, &work) else {
            return .deadLetter(reason: "unknown_case", detail: "no case \(message.caseID)")
        }
        let actions = machine.apply(message.update, from: sender, now: now)
        if let rejection = actions.lazy.compactMap({ if case .reject(let r) = $0 { r } else { nil } }).first {
            return .deadLetter(reason: "rejected:\(rejection.code)", detail: "\(rejection)")
        }
        let family = index.keys[machine.id]?.family ?? family(of: machine)
        try record(machine, actions, family: family, now: now, &work)
        return .applied
    }

    // MARK: Deadlines

    /// Fires every deadline due by `now` (at most `limit`), earliest first, in one transaction.
    /// Returns how many fired and how late the latest of them was.
    public func fireDueDeadlines(now: Date, limit: Int = 500) throws(StoreError) -> (fired: Int, maxLateness: TimeInterval) {
        let due = try store.dueDeadlines(at: now, limit: limit)
        guard !due.isEmpty else { return (0, 0) }
        var work = Work()
        var lateness: TimeInterval = 0
        do {
            for stored in due {
                work.batch.removedDeadlines.append(stored.deadline.id)
                lateness = max(lateness, now.timeIntervalSince(stored.deadline.at))
                guard var machine = try machine(stored.caseID, &work) else { continue }
                let actions = machine.deadlinePassed(stored.deadline.id, now: now)
                if !actions.isEmpty { metrics?.deadlineMissed(kind: Self.name(of: stored.deadline.kind)) }
                let family = index.keys[machine.id]?.family ?? family(of: machine)
                try record(machine, actions, family: family, now: now, &work)
            }
        } catch {
            rollBack(work)
            throw error
        }
        try commit(work)
        metrics?.deadlinesFired(count: due.count, lateness: lateness)
        return (due.count, lateness)
    }

    /// When the next deadline is due, for the timer to sleep until.
    public func nextDeadline() throws(StoreError) -> Date? {
        try store.nextDeadline()?.deadline.at
    }

    // MARK: Recording

    /// Adds a machine's new state and its actions to the batch, and updates the correlator's view.
    private func record(_ machine: CaseMachine, _ actions: [CaseAction], family: String, now: Date, _ work: inout Work) throws(StoreError) {
        work.machines[machine.id] = machine
        for action in actions {
            switch action {
            case .notify(let notification):
                do {
                    work.batch.outbox += try encoder.notifications(notification, machine: machine, now: now)
                } catch {
                    throw StoreError(.encoding, operation: "encode notification \(notification.id)", message: "\(error)")
                }
            case .scheduleDeadline(let deadline):
                work.batch.scheduledDeadlines.append(StoredDeadline(caseID: machine.id, deadline: deadline))
            case .cancelDeadline(let id):
                work.batch.removedDeadlines.append(id)
            case .emit(let event):
                work.batch.events.append(event)
                observe(event, in: machine)
                do {
                    work.batch.outbox.append(try encoder.event(event, machine: machine, now: now))
                } catch {
                    throw StoreError(.encoding, operation: "encode case event \(event.id)", message: "\(error)")
                }
            case .reject:
                break  // field updates with a rejection are dead-lettered before they get here
            }
        }
        let key = machine.correlationKey(family: family)
        if work.previousKeys[machine.id] == nil { work.previousKeys[machine.id] = .some(index.keys[machine.id]) }
        if machine.isEnded {
            index.remove(machine.id)
        } else {
            index.upsert(key)
        }
        work.batch.correlationFamilies[machine.id] = family
    }

    private func commit(_ work: Work) throws(StoreError) {
        var batch = work.batch
        batch.cases = work.machines.values.sorted { $0.id < $1.id }
        batch.sourceKeys = work.sourceKeys
        guard !batch.isEmpty else { return }
        let started = ContinuousClock.now
        do {
            try store.commit(batch)
            metrics?.storeCommit(ContinuousClock.now - started)
        } catch {
            rollBack(work)
            throw error
        }
        for (id, machine) in work.machines {
            if machine.isEnded { cache.remove(id) } else { cache.insert(machine) }
        }
    }

    /// Undoes the correlator's view of a batch that was not committed.
    private func rollBack(_ work: Work) {
        for (id, previous) in work.previousKeys {
            if let previous { index.upsert(previous) } else { index.remove(id) }
        }
    }

    /// Escalations, and the times to sign for and to resolve, as they happen.
    private func observe(_ event: CaseEvent, in machine: CaseMachine) {
        guard let metrics else { return }
        switch event.kind {
        case .escalated(let from, let to, _):
            metrics.escalated(from: "\(from)", to: "\(to)")
        case .signedFor(let level, _, _):
            let dispatchedAt = machine.history.last { event in
                switch event.kind {
                case .dispatched, .escalated, .redispatched, .reopened: true
                default: false
                }
            }?.at
            if let dispatchedAt { metrics.timeToSignFor(event.at.timeIntervalSince(dispatchedAt), level: "\(level)") }
        case .handled(let level, _, _, _):
            if let opened = machine.history.first?.at { metrics.timeToResolve(event.at.timeIntervalSince(opened), level: "\(level)") }
        default:
            break
        }
    }

    static func name(of kind: Deadline.Kind) -> String {
        let text = "\(kind)"
        return String(text.prefix { $0 != "(" })
    }

    private func machine(_ id: CaseID, _ work: inout Work) throws(StoreError) -> CaseMachine? {
        if let machine = work.machines[id] ?? cache.machine(id) { return machine }
        return try store.load(id)
    }

    private func context(location: Location, category: CategoryID) -> CaseContext? {
        let key = ContextKey(grid: location.grid, building: location.building, category: category)
        var context: CaseContext
        if let known = contexts[key] {
            context = known
        } else {
            guard let made = configuration.caseContext(location: location, category: category) else { return nil }
            if contexts.count >= 50_000 { contexts.removeAll(keepingCapacity: true) }
            contexts[key] = made
            context = made
        }
        context.location = location
        return context
    }

    private func family(of machine: CaseMachine) -> String {
        configuration.categories.first { $0.id == machine.context.category }?.correlationFamily
            ?? "category:\(machine.context.category.rawValue)"
    }

    /// A case id derived from its first report, so that the same report always opens the same
    /// case id (a replay after a crash writes the same rows and outbox ids).
    private func newCaseID(for sourceKey: String, _ work: inout Work) throws(StoreError) -> CaseID {
        let base = "GW-" + IncomingMessage.fingerprint(Data(sourceKey.utf8)).uppercased()
        var candidate = CaseID(base)
        var suffix = 2
        func taken(_ id: CaseID) throws(StoreError) -> Bool {
            if work.machines[id] != nil || cache.machine(id) != nil { return true }
            return try store.load(id) != nil
        }
        while try taken(candidate) {
            candidate = CaseID("\(base)-\(suffix)")
            suffix += 1
        }
        return candidate
    }

    private static func disposition(for failure: Triage.Failure) -> Disposition {
        switch failure {
        case .unknownCategory(let kind, let code): .deadLetter(reason: "unknown_category", detail: "no \(kind) category '\(code)'")
        case .unknownDevice(let device): .deadLetter(reason: "unknown_device", detail: "device \(device) is not registered")
        case .deviceKindMismatch(let device): .deadLetter(reason: "device_kind_mismatch", detail: "device \(device) is not of this kind")
        case .unplaced: .deadLetter(reason: "unplaced", detail: "no grid for the reported location")
        case .notActual: .ignored(reason: "not_actual")
        }
    }

    private static func kind(of routingKey: String) -> (MessageKind, DaemonSettings.Source)? {
        kinds[routingKey.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""]
    }

    private static let kinds: [String: (MessageKind, DaemonSettings.Source)] = [
        "hotline": (.hotlineRequest, .hotline), "alarm": (.alarm, .alarm), "camera": (.cameraDetection, .camera),
        "care": (.careInactivity, .care), "field": (.fieldUpdate, .field),
    ]

    private static func limits(_ configuration: GridwatchConfiguration) -> IntakeLimits {
        var limits = IntakeLimits()
        limits.maxBodyBytes = configuration.limits.maxMessageBytes
        limits.maxTextLength = configuration.limits.maxTextLength
        limits.maxClockSkew = configuration.limits.maxClockSkew
        limits.maxAge = configuration.limits.maxAge
        return limits
    }

    /// What one transaction is building.
    private struct Work {
        var batch = StoreBatch()
        var machines: [CaseID: CaseMachine] = [:]
        var sourceKeys: [String: CaseID] = [:]
        /// The correlator's view of each touched case before this batch, to undo it on failure.
        var previousKeys: [CaseID: Correlator.Key?] = [:]

        func caseID(forSourceKey key: String, _ store: any CaseStore) throws(StoreError) -> CaseID? {
            if let id = sourceKeys[key] { return id }
            return try store.caseID(forSourceKey: key)
        }
    }
}
