import GridwatchDomain

/// The machines of recently touched open cases, so that a busy case (a device reporting every
/// few seconds, a case its worker is updating) is not decoded from the store for each message.
///
/// Two generations approximate least-recently-used order at the cost of a dictionary lookup:
/// entries go into the young generation; when it is full, it becomes the old one and the old
/// one is dropped; a hit in the old generation moves the entry back into the young one. A case
/// used within the last `capacity / 2` insertions is always kept, and at most `capacity`
/// machines are held. (Wiping everything whenever a limit was passed made every busy case miss
/// at once.)
struct MachineCache {
    private var young: [CaseID: CaseMachine] = [:]
    private var old: [CaseID: CaseMachine] = [:]
    private let generation: Int

    init(capacity: Int) {
        generation = max(1, capacity / 2)
    }

    var count: Int { young.count + old.count }

    mutating func machine(_ id: CaseID) -> CaseMachine? {
        if let machine = young[id] { return machine }
        guard let machine = old.removeValue(forKey: id) else { return nil }
        insert(machine)
        return machine
    }

    mutating func insert(_ machine: CaseMachine) {
        if young.updateValue(machine, forKey: machine.id) == nil {
            old[machine.id] = nil
            if young.count >= generation {
                old = young
                young = [:]
                young.reserveCapacity(generation)
            }
        }
    }

    mutating func remove(_ id: CaseID) {
        young[id] = nil
        old[id] = nil
    }
}
