import Foundation
import GRDB
import GridwatchDomain
import Synchronization

/// Case contexts, kept once per distinct value in `case_contexts` and shared by the cases
/// that have it.
///
/// A context (unit chain, people at each level, policies, departments) is fixed when a case
/// opens and is the same for every case of one grid, building and category; it was two thirds
/// of each saved machine and of each commit's encoding. A case row keeps its own `location`
/// (which names the building and the caller's address text) and the id of its context
/// *template*, the context with the location left out; loading puts the two back together.
///
/// The store remembers, in memory, the templates it recently wrote or read, so the usual
/// commit encodes no context at all and the usual load decodes none.
final class CaseContexts: Sendable {
    private struct Memo {
        var ids: [CaseContext: Int64] = [:]
        var templates: [Int64: CaseContext] = [:]
    }

    private let memo = Mutex(Memo())
    /// Distinct templates are bounded by grids × buildings × categories × configuration changes;
    /// the memo is cleared when it holds more than this, and refills from the database. A city
    /// of 655 grids and 30 categories already has 19,650, and a memo cleared again and again
    /// made most commits encode their context; the processor keeps as many contexts, sharing
    /// their storage with these.
    private let limit: Int

    init(limit: Int = 50_000) {
        self.limit = limit
    }

    /// A context with its location left out: what cases of the same grid, building and
    /// category share.
    static func template(of context: CaseContext) -> CaseContext {
        var template = context
        template.location = Location(grid: context.location.grid)
        return template
    }

    /// The id of `context`'s template, inserted if it is new. Call inside the write
    /// transaction; ids found or made there are remembered in `pending` and only become part of
    /// the memo through `remember(_:)` once the transaction committed, so a rolled-back row is
    /// never pointed at.
    func id(for context: CaseContext, pending: inout [CaseContext: Int64], db: Database) throws -> Int64 {
        let template = Self.template(of: context)
        if let id = pending[template] ?? memo.withLock({ $0.ids[template] }) { return id }
        let body = try Self.encode(template)
        let id: Int64
        if let existing = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM case_contexts WHERE body = ?"), arguments: [body]) {
            id = existing
        } else {
            try db.cachedStatement(sql: "INSERT INTO case_contexts (body) VALUES (?)").execute(arguments: [body])
            id = db.lastInsertedRowID
        }
        pending[template] = id
        return id
    }

    /// Adds the ids a committed transaction found or made.
    func remember(_ ids: [CaseContext: Int64]) {
        guard !ids.isEmpty else { return }
        memo.withLock { memo in
            if memo.ids.count + ids.count > limit { memo = Memo() }
            memo.ids.merge(ids) { _, new in new }
            for (template, id) in ids { memo.templates[id] = template }
        }
    }

    /// The context of a case row: its template with the row's location put back.
    func context(id: Int64, location: Location, db: Database) throws -> CaseContext {
        var context = try template(id: id, db: db)
        context.location = location
        return context
    }

    /// The template with `id`: everything of a context but the location.
    func template(id: Int64, db: Database) throws -> CaseContext {
        let context: CaseContext
        if let known = memo.withLock({ $0.templates[id] }) {
            context = known
        } else {
            guard let body = try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM case_contexts WHERE id = ?"), arguments: [id])
            else { throw StoreError(.corrupt, operation: "load", message: "case context \(id) is missing") }
            context = try JSONDecoder().decode(CaseContext.self, from: Data(body.utf8))
            memo.withLock { memo in
                if memo.templates.count >= limit { memo = Memo() }
                memo.templates[id] = context
                memo.ids[context] = id
            }
        }
        return context
    }

    /// Sorted keys, so equal templates written by different runs are equal text and share a row.
    static func encode(_ template: CaseContext) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(template), as: UTF8.self)
    }
}
