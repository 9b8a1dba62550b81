#if GRIDWATCH_LIBFUZZER
import Foundation

/// libFuzzer's entry for programs with a `main` of their own (compiler-rt's FuzzerDriver.cpp):
/// it parses the libFuzzer options in `argv` and calls `callback` with each input. Using it
/// instead of exporting `LLVMFuzzerTestOneInput` keeps one `main`, SwiftPM's, in both builds.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

enum LibFuzzer {
    /// Hands the command line (program name first) to libFuzzer; returns when it is done.
    static func run(arguments: [String], _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Int32 {
        // libFuzzer keeps argv for the whole run, so these are never freed.
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = .allocate(capacity: arguments.count + 1)
        for (i, argument) in arguments.enumerated() { argv![i] = strdup(argument) }
        argv![arguments.count] = nil
        var argc = CInt(arguments.count)
        return LLVMFuzzerRunDriver(&argc, &argv, callback)
    }
}
#endif
