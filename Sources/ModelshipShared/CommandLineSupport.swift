import Foundation
import Logging

/// A non-empty environment variable: every command-line flag of our executables falls back to one.
public func environmentVariable(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}

/// Log output shared by the executables: text on stderr or one JSON object per line.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json

    /// Installs the process-wide log handler (call once, first thing in `run`).
    public func bootstrap(level: Logger.Level) {
        let json = self == .json
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
