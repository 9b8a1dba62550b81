/// Calendar dates computed from a day count, for the texts the daemon writes many times a
/// second (deadline texts, JSON timestamps), where a `DateFormatter` or `Calendar` per value
/// costs more than everything else around it.
enum CivilDate {
    /// Year, month and day (proleptic Gregorian) of a day count from 1970-01-01: Howard
    /// Hinnant's `civil_from_days`.
    static func from(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
