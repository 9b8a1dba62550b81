import Foundation

// gridwatch-fuzz: fuzz targets for what Gridwatch reads from outside. See docs/RELIABILITY.md.
//
//   gridwatch-fuzz intake [options] [corpus directories or files]
//       an intake message body, decoded as every kind; then, when it decodes, triaged, opened
//       or applied to a case with the sample configuration.
//   gridwatch-fuzz config [options] [corpus directories or files]
//       a configuration: the main file, then included files each after a line `# file: NAME`.
//
// Built by scripts/fuzz (`-sanitize=fuzzer,address -D GRIDWATCH_LIBFUZZER`) it runs libFuzzer,
// which takes the options (`-max_total_time=60`, `-runs=…`) and writes what crashes as a
// reproducer file. Built normally it runs each file given once, so a reproducer can be replayed
// and a corpus checked under the ordinary build, printing what became of each input; a failed
// check stops the process with a message.

@main
enum GridwatchFuzz {
    static func main() {
        var arguments = CommandLine.arguments
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            FileHandle.standardError.write(Data("usage: gridwatch-fuzz intake|config [options] [corpus…]\n".utf8))
            exit(64)
        }
        arguments.remove(at: 1)
        #if GRIDWATCH_LIBFUZZER
        exit(LibFuzzer.run(arguments: arguments, target.entry))
        #else
        exit(replay(target, paths: arguments.dropFirst().filter { !$0.hasPrefix("-") }))
        #endif
    }

    /// Runs every file under `paths` once through the target; the number of inputs is printed.
    static func replay(_ target: FuzzTarget, paths: [String]) -> Int32 {
        var files: [URL] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("gridwatch-fuzz: no such file: \(path)\n".utf8))
                return 66
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { url.appendingPathComponent($0) }
            } else {
                files.append(url)
            }
        }
        for file in files {
            guard let data = try? Data(contentsOf: file) else { continue }
            print("\(file.lastPathComponent): \(target.check(data))")
        }
        print("gridwatch-fuzz \(target.rawValue): \(files.count) inputs replayed, every check held")
        return 0
    }
}

enum FuzzTarget: String {
    case intake, config

    /// Runs the checks on one input; returns what became of it, for a replay to print.
    @discardableResult
    func check(_ data: Data) -> String {
        switch self {
        case .intake: IntakeTarget.check(data)
        case .config: ConfigTarget.check(data)
        }
    }

    /// The libFuzzer callback: a C function, so it cannot capture which target it is.
    var entry: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt {
        switch self {
        case .intake: { start, count in
            _ = IntakeTarget.check(start.map { Data(bytes: $0, count: count) } ?? Data())
            return 0
        }
        case .config: { start, count in
            _ = ConfigTarget.check(start.map { Data(bytes: $0, count: count) } ?? Data())
            return 0
        }
        }
    }
}

/// A broken invariant: stops the process, so libFuzzer keeps the input as a reproducer.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}
