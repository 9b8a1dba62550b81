import Foundation
import GridwatchDomain

/// Where cases, their history, pending deadlines and the outbox live.
///
/// The pipeline is the only writer and commits each batch of processed messages in one
/// transaction (`commit(_:)`): the case states, their history, the deadlines they scheduled or
/// cancelled, the messages to publish (outbox) and the ids of the messages that caused them.
/// A delivery is acknowledged only after the commit that holds its effect has returned.
///
/// SQLite (`SQLiteCaseStore`) is the embedded default; the protocol keeps the door open for a
/// shared PostgreSQL store. Reads (`cases`, `caseDetail`) are safe from other processes while the
/// daemon writes (`gridwatch cases`).
public protocol CaseStore: Sendable {
    /// Applies one batch atomically and durably (the transaction is synced before returning).
    func commit(_ batch: StoreBatch) throws(StoreError)

    /// Which of these broker message ids already had their effect committed (redeliveries).
    func processed(_ messageIDs: [String]) throws(StoreError) -> Set<String>

    /// The case a report source key (e.g. `hotline:REQ-1`) belongs to, open or ended, so a
    /// repeated hotline request id stays idempotent after its case has ended.
    func caseID(forSourceKey key: String) throws(StoreError) -> CaseID?

    /// A case's machine, as last committed.
    func load(_ id: CaseID) throws(StoreError) -> CaseMachine?

    /// The correlation keys of every open case, to rebuild the correlator's view at start.
    /// Without their source keys: `caseID(forSourceKey:)` answers those, for every case.
    func openCaseKeys() throws(StoreError) -> [Correlator.Key]

    /// The pending deadline due first, if any: what the timer sleeps until.
    func nextDeadline() throws(StoreError) -> StoredDeadline?

    /// Pending deadlines due at or before `time`, earliest first (ties by id).
    func dueDeadlines(at time: Date, limit: Int) throws(StoreError) -> [StoredDeadline]

    /// Outbox rows in the order they were written, after `sequence` (0 for the start).
    func outbox(after sequence: Int64, limit: Int) throws(StoreError) -> [OutboxMessage]

    /// Removes confirmed rows from the outbox.
    func removeFromOutbox(_ sequences: [Int64]) throws(StoreError)

    /// How many rows wait in the outbox.
    func outboxCount() throws(StoreError) -> Int

    /// Forgets processed message ids committed before `date`; returns how many. Ids are needed
    /// only while a message may still be redelivered or resent: keep days, not months.
    @discardableResult
    func pruneProcessed(olderThan date: Date) throws(StoreError) -> Int

    /// The assessment scorecards of every unit for `period` (`Assessment`). Long for a busy
    /// city's month: `isCancelled` is asked now and then, and a true answer ends the count with
    /// an error.
    func scorecards(for period: Range<Date>, isCancelled: () -> Bool) throws(StoreError) -> [Assessment.Unit: Assessment.Scorecard]

    /// Open cases counted by the level holding them and their street, for the metrics.
    func openCaseCounts() throws(StoreError) -> [OpenCaseCount]

    /// Case summaries for listings, newest first.
    func cases(_ filter: CaseFilter) throws(StoreError) -> [CaseSummary]

    /// One case with its full history and pending deadlines.
    func caseDetail(_ id: CaseID) throws(StoreError) -> CaseDetail?
}

/// Everything one transaction records.
public struct StoreBatch: Sendable {
    /// Broker message ids whose effect this batch holds (checked by `processed`).
    public var messageIDs: [String] = []
    /// Case machines to insert or replace, in their new state.
    public var cases: [CaseMachine] = []
    /// Report source keys → case, for idempotency across ended cases.
    public var sourceKeys: [String: CaseID] = [:]
    /// History entries to append (kept in the case's history and published from the outbox).
    public var events: [CaseEvent] = []
    /// Deadlines to add (or replace, by id).
    public var scheduledDeadlines: [StoredDeadline] = []
    /// Deadlines to remove: cancelled by the machine, or fired and handled in this batch.
    public var removedDeadlines: [DeadlineID] = []
    /// Messages to publish once committed.
    public var outbox: [OutboxMessage] = []
    /// The correlation family (`Category.correlationFamily`) of cases in `cases`, which the
    /// machine does not carry but `openCaseKeys` needs. Give it when a case is first stored;
    /// later batches may omit it and the stored family is kept. A case stored without one gets
    /// `category:<its category id>`, the family of a category without an incident.
    public var correlationFamilies: [CaseID: String] = [:]

    public init() {}

    public var isEmpty: Bool {
        messageIDs.isEmpty && cases.isEmpty && sourceKeys.isEmpty && events.isEmpty
            && scheduledDeadlines.isEmpty && removedDeadlines.isEmpty && outbox.isEmpty && correlationFamilies.isEmpty
    }
}

/// A deadline with the case it belongs to.
public struct StoredDeadline: Hashable, Sendable {
    public var caseID: CaseID
    public var deadline: Deadline

    public init(caseID: CaseID, deadline: Deadline) {
        self.caseID = caseID
        self.deadline = deadline
    }
}

/// A message waiting to be published with a confirm. `id` is the deduplication key downstream
/// (a notification's id, a case event's id) and is sent as the AMQP message id.
public struct OutboxMessage: Hashable, Sendable {
    /// Assigned by the store, increasing in commit order; 0 before it is stored.
    public var sequence: Int64
    public var id: String
    public var exchange: String
    public var routingKey: String
    public var body: Data
    /// AMQP `type` property, e.g. `notification.dispatched`, `case.escalated`.
    public var type: String
    public var createdAt: Date

    public init(sequence: Int64 = 0, id: String, exchange: String, routingKey: String, body: Data, type: String, createdAt: Date) {
        self.sequence = sequence
        self.id = id
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.type = type
        self.createdAt = createdAt
    }
}

/// What `gridwatch cases` filters on; nil means any.
public struct CaseFilter: Sendable, Equatable {
    public var openOnly: Bool = false
    public var phase: CaseMachine.Phase?
    public var level: Level?
    public var street: String?
    public var community: String?
    public var grid: String?
    public var category: String?
    public var openedAfter: Date?
    public var openedBefore: Date?
    /// Cases with a report or an event at or after this instant.
    public var updatedSince: Date?
    public var limit: Int = 100

    public init() {}
}

/// How many open cases one level of one street holds; `level` is nil before dispatch.
public struct OpenCaseCount: Hashable, Sendable {
    public var level: String?
    public var street: String
    public var count: Int

    public init(level: String?, street: String, count: Int) {
        self.level = level
        self.street = street
        self.count = count
    }
}

/// One row of a case listing.
public struct CaseSummary: Hashable, Sendable {
    public var id: CaseID
    public var phase: CaseMachine.Phase
    public var level: Level?
    public var category: String
    public var severity: Severity
    public var street: String?
    public var community: String?
    public var grid: String?
    public var openedAt: Date
    public var updatedAt: Date
    public var reportCount: Int

    public init(id: CaseID, phase: CaseMachine.Phase, level: Level?, category: String, severity: Severity,
                street: String?, community: String?, grid: String?, openedAt: Date, updatedAt: Date, reportCount: Int) {
        self.id = id
        self.phase = phase
        self.level = level
        self.category = category
        self.severity = severity
        self.street = street
        self.community = community
        self.grid = grid
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.reportCount = reportCount
    }
}

public struct CaseDetail: Sendable {
    public var machine: CaseMachine
    public var history: [CaseEvent]
    public var deadlines: [StoredDeadline]

    public init(machine: CaseMachine, history: [CaseEvent], deadlines: [StoredDeadline]) {
        self.machine = machine
        self.history = history
        self.deadlines = deadlines
    }
}

/// A store failure. `isTransient` errors (busy, locked, disk full, I/O) clear by themselves or
/// by an operator's hand: the pipeline stops consuming, retries with backoff and reports
/// unhealthy meanwhile. Others (corrupt database, schema too new) need an operator.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case busy, diskFull, io, corrupt, schema, encoding, other
    }
    public var kind: Kind
    public var operation: String
    public var message: String

    public init(_ kind: Kind, operation: String, message: String) {
        self.kind = kind
        self.operation = operation
        self.message = message
    }

    public var isTransient: Bool {
        switch kind {
        case .busy, .diskFull, .io: true
        case .corrupt, .schema, .encoding, .other: false
        }
    }

    public var description: String { "\(operation): \(kind.rawValue): \(message)" }
}
