import Foundation

// gridwatch-soak: the pieces of `scripts/soak`, which streams mixed intake messages into the
// daemon while it is killed and the broker restarted, then checks from what the broker delivered
// and from the store that nothing was lost or done twice. See docs/RELIABILITY.md.
//
//   gridwatch-soak topology HOST PORT
//       declares the daemon's exchanges and queues (GridwatchTopology), as `gridwatch run` does.
//   gridwatch-soak feed HOST PORT CONFIG DATABASE RUN SEEDS COUNT RATE LEDGER
//       opens SEEDS cases and signs for them (waiting for the daemon to record both), then
//       publishes COUNT mixed messages at RATE per second, retrying each until the broker
//       confirms it; writes one ledger line per confirmed message (what the checks expect of
//       it) and touches LEDGER.streaming when the stream starts. See SoakStream.swift.
//   gridwatch-soak record HOST PORT OUT STOPFILE
//       writes one line per message of gridwatch.cases.events, gridwatch.notify.* and
//       gridwatch.dead to OUT, acknowledging each after it is written; ends once STOPFILE exists
//       and nothing arrived for 5 s.
//   gridwatch-soak settle DATABASE LEDGER LIMIT
//       waits until every valid message of the ledger is committed and the outbox is empty.
//   gridwatch-soak check DATABASE LEDGER RECORD WINDOWS MARGIN STOPPED
//       the checks (SoakCheck.swift); WINDOWS lists the daemon's and the broker's downtimes,
//       MARGIN is the lateness allowed beyond them (seconds), STOPPED when the daemon was
//       stopped for good (Unix seconds). Prints a summary; exits 1 on any loss or violation.
//
// Credentials: guest/guest, vhost "/"; AMQP_USER, AMQP_PASS, AMQP_VHOST override them.

let arguments = CommandLine.arguments
do {
    switch (arguments.count > 1 ? arguments[1] : "", arguments.count) {
    case ("topology", 4):
        try await declareTopology(host: arguments[2], port: arguments[3])
    case ("feed", 11):
        guard let seeds = Int(arguments[7]), seeds > 0, let count = Int(arguments[8]), count > 0,
              let rate = Double(arguments[9]), rate > 0 else {
            throw SoakFailure("SEEDS, COUNT and RATE must be positive numbers")
        }
        try await feed(host: arguments[2], port: arguments[3], config: arguments[4], database: arguments[5], run: arguments[6],
                       seeds: seeds, count: count, rate: rate, ledger: arguments[10])
    case ("record", 6):
        try await record(host: arguments[2], port: arguments[3], output: arguments[4], stopFile: arguments[5])
    case ("settle", 5):
        guard let limit = Double(arguments[4]), limit > 0 else { throw SoakFailure("LIMIT must be a positive number") }
        try await settle(database: arguments[2], ledger: arguments[3], limit: limit)
    case ("check", 8):
        guard let margin = Double(arguments[6]), margin >= 0, let stopped = Double(arguments[7]) else {
            throw SoakFailure("MARGIN and STOPPED must be numbers")
        }
        let report = try SoakCheck(database: arguments[2], ledger: arguments[3], record: arguments[4], windows: arguments[5],
                                   margin: margin, stoppedAt: Date(timeIntervalSince1970: stopped)).run()
        print(report.summary)
        if !report.passed { exit(1) }
    default:
        FileHandle.standardError.write(Data("""
            usage: gridwatch-soak topology HOST PORT
                   gridwatch-soak feed HOST PORT CONFIG DATABASE RUN SEEDS COUNT RATE LEDGER
                   gridwatch-soak record HOST PORT OUT STOPFILE
                   gridwatch-soak settle DATABASE LEDGER LIMIT
                   gridwatch-soak check DATABASE LEDGER RECORD WINDOWS MARGIN STOPPED

            """.utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("gridwatch-soak: \(error)\n".utf8))
    exit(1)
}
