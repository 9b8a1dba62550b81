import Foundation

/// What the kernel counts for a running process: its peak resident memory (`VmHWM`) and the CPU
/// time it has used (user + system), read from /proc. Nil where /proc cannot be read.
struct ProcessFigures {
    var peakResidentKiB: Int
    var cpuSeconds: Double

    init?(pid: Int32) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? ""),
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)": state is field 3, utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        peakResidentKiB = kib
        cpuSeconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// "peak resident 123.4 MiB" as the benchmarks print it.
    var peakText: String { String(format: "peak resident %.1f MiB", Double(peakResidentKiB) / 1024) }
}
