import Foundation

/// A standard five-field cron schedule (minute hour day-of-month month day-of-week), with `*`, lists,
/// ranges, steps, month and weekday names, and the @hourly/@daily/@weekly/@monthly/@yearly macros.
public struct CronSchedule: Sendable, Equatable {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    let minutes: Set<Int>
    let hours: Set<Int>
    let days: Set<Int>
    let months: Set<Int>
    let weekdays: Set<Int>
    let daysRestricted: Bool
    let weekdaysRestricted: Bool

    public init(_ expression: String) throws(ParseError) {
        let macros = ["@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
                      "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"]
        let text = macros[expression.trimmingCharacters(in: .whitespaces)] ?? expression
        let fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 5 else { throw ParseError(description: "a cron schedule has 5 fields, got \(fields.count) in '\(expression)'") }
        let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        minutes = try Self.field(fields[0], 0...59, names: [:])
        hours = try Self.field(fields[1], 0...23, names: [:])
        days = try Self.field(fields[2], 1...31, names: [:])
        months = try Self.field(fields[3], 1...12, names: Dictionary(uniqueKeysWithValues: monthNames.enumerated().map { ($1, $0 + 1) }))
        weekdays = Set(try Self.field(fields[4], 0...7, names: Dictionary(uniqueKeysWithValues: dayNames.enumerated().map { ($1, $0) }))
            .map { $0 % 7 })
        daysRestricted = fields[2] != "*" && fields[2] != "?"
        weekdaysRestricted = fields[4] != "*" && fields[4] != "?"
    }

    static func field(_ text: String, _ range: ClosedRange<Int>, names: [String: Int]) throws(ParseError) -> Set<Int> {
        var values: Set<Int> = []
        for part in text.lowercased().split(separator: ",") {
            let pieces = part.split(separator: "/", maxSplits: 1).map(String.init)
            let step = pieces.count == 2 ? Int(pieces[1]) : 1
            guard let step, step > 0 else { throw ParseError(description: "invalid step in '\(part)'") }
            var bounds = range
            if pieces[0] != "*" && pieces[0] != "?" {
                let ends = pieces[0].split(separator: "-", maxSplits: 1).map(String.init)
                func value(_ token: String) throws(ParseError) -> Int {
                    guard let number = Int(token) ?? names[token], range.contains(number) else {
                        throw ParseError(description: "'\(token)' is out of range \(range.lowerBound)-\(range.upperBound)")
                    }
                    return number
                }
                let low = try value(ends[0])
                let high = ends.count == 2 ? try value(ends[1]) : (pieces.count == 2 ? range.upperBound : low)
                guard low <= high else { throw ParseError(description: "invalid range '\(pieces[0])'") }
                bounds = low...high
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }

    /// Whether the schedule fires at this minute (UTC).
    public func matches(_ date: Date) -> Bool {
        let parts = Self.calendar.dateComponents([.minute, .hour, .day, .month, .weekday], from: date)
        guard let minute = parts.minute, let hour = parts.hour, let day = parts.day, let month = parts.month,
            let weekday = parts.weekday
        else { return false }
        guard minutes.contains(minute), hours.contains(hour), months.contains(month) else { return false }
        let dayMatch = days.contains(day)
        let weekdayMatch = weekdays.contains(weekday - 1)
        // As in cron: when both day fields are restricted, either may match.
        if daysRestricted && weekdaysRestricted { return dayMatch || weekdayMatch }
        return dayMatch && weekdayMatch
    }

    /// The latest firing time in (after, now], looking back at most `window`.
    public func mostRecent(after: Date?, now: Date, window: TimeInterval = 86_400) -> Date? {
        var minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        let earliest = max(after?.timeIntervalSince1970 ?? -Double.infinity, now.timeIntervalSince1970 - window)
        while minute.timeIntervalSince1970 > earliest {
            if matches(minute) { return minute }
            minute = minute.addingTimeInterval(-60)
        }
        return nil
    }

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
