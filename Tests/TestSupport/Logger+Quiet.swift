import Foundation
import Logging

extension Logger {
    /// What tests log with: nothing below critical, unless `EACHVAULT_TEST_LOG` names a level (`trace`, `debug`,
    /// `info`, ...) to read what a failing test's services did.
    public static var quiet: Logger {
        var logger = Logger(label: "test")
        let asked = ProcessInfo.processInfo.environment["EACHVAULT_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = asked ?? .critical
        return logger
    }
}
