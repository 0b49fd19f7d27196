import Foundation
#if FUZZING
    import CFuzzerDriver
#endif

/// `make fuzz` builds this with `-sanitize=fuzzer -D FUZZING`: `FUZZ_TARGET` picks the parser and libFuzzer's driver
/// runs the loop (its flags as arguments). An ordinary build replays files through a target instead
/// (`eachvault-fuzz TARGET FILE|DIRECTORY...`), so a crash a fuzzer found can be reproduced in a debugger.
@main
enum FuzzEntry {
    static func main() throws {
        #if FUZZING
            guard let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"], let target = FuzzTargets.all[name] else {
                fatalError("FUZZ_TARGET must be one of \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
            }
            selected = target
            var argc = CommandLine.argc
            var argv = Optional(CommandLine.unsafeArgv)
            exit(
                LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
                    FuzzEntry.selected(bytes.map { Data(bytes: $0, count: count) } ?? Data())
                    return 0
                })
        #else
            try replay(CommandLine.arguments.dropFirst())
        #endif
    }

    #if FUZZING
        nonisolated(unsafe) static var selected: (Data) -> Void = { _ in }
    #endif

    static func replay(_ arguments: ArraySlice<String>) throws {
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            print(
                "usage: eachvault-fuzz TARGET FILE|DIRECTORY...; targets: "
                    + FuzzTargets.all.keys.sorted().joined(separator: ", "))
            return
        }
        var count = 0
        for path in arguments.dropFirst() {
            let url = URL(fileURLWithPath: path)
            let files = (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [url]
            for file in files {
                target(try Data(contentsOf: file))
                count += 1
            }
        }
        print("\(name): \(count) inputs replayed")
    }
}
