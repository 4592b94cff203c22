//! Calendar dates that may be known only to the month or the year.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// How much of a [`PartialDate`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DatePrecision {
    /// Only the year.
    Year,
    /// Year and month.
    Month,
    /// Year, month and day.
    Day,
}

impl DatePrecision {
    /// The stable lowercase name used in storage and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Year => "year",
            DatePrecision::Month => "month",
            DatePrecision::Day => "day",
        }
    }
}

/// A Gregorian date known to the year, the month or the day.
///
/// Built only through [`PartialDate::new`] or [`FromStr`] on its ISO form
/// (`2022`, `2022-01`, `2022-01-06`), so that every value is a real date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    /// A date from its parts; a day needs a month, and both must exist in that year.
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Result<PartialDate, Error> {
        let invalid = || Error::InvalidDate {
            year,
            month: month.unwrap_or(0),
            day: day.unwrap_or(0),
        };
        if !(1000..=2999).contains(&year) {
            return Err(invalid());
        }
        match (month, day) {
            (None, Some(_)) => return Err(invalid()),
            (Some(m), _) if !(1..=12).contains(&m) => return Err(invalid()),
            (Some(m), Some(d)) if d == 0 || d > days_in_month(year, m) => return Err(invalid()),
            _ => {}
        }
        Ok(PartialDate { year, month, day })
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month (1 to 12), if known.
    pub fn month(&self) -> Option<u8> {
        self.month
    }

    /// The day of the month, if known.
    pub fn day(&self) -> Option<u8> {
        self.day
    }

    /// How much of the date is known.
    pub fn precision(&self) -> DatePrecision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => DatePrecision::Day,
            (Some(_), None) => DatePrecision::Month,
            _ => DatePrecision::Year,
        }
    }

    /// The day-precision date of a day number counted from 1970-01-01.
    pub fn from_day_number(days: i64) -> Result<PartialDate, Error> {
        let (year, month, day) = civil_from_days(days);
        PartialDate::new(year, Some(month), Some(day))
    }

    /// Days since 1970-01-01 of the first day the date may denote.
    pub fn first_day_number(&self) -> i64 {
        days_from_civil(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// Days since 1970-01-01 of the last day the date may denote.
    pub fn last_day_number(&self) -> i64 {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        days_from_civil(self.year, month, day)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = Error;

    /// Parses the ISO forms `YYYY`, `YYYY-MM` and `YYYY-MM-DD` only; the
    /// many forms found in lists are parsed by `reckon-names`.
    fn from_str(text: &str) -> Result<PartialDate, Error> {
        let bad = || Error::InvalidDate {
            year: 0,
            month: 0,
            day: 0,
        };
        let mut parts = text.trim().split('-');
        let year = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let month = match parts.next() {
            Some(m) => Some(m.parse().map_err(|_| bad())?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(d.parse().map_err(|_| bad())?),
            None => None,
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        PartialDate::new(year, month, day)
    }
}

/// The number of days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if leap { 29 } else { 28 }
        }
    }
}

/// The Gregorian (year, month, day) of a day number counted from 1970-01-01 (Howard
/// Hinnant's algorithm); years outside i32 saturate.
pub fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
        month as u8,
        day as u8,
    )
}

/// Days since 1970-01-01 (Howard Hinnant's civil-from-days inverse).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The birth years consistent with an age in whole years at an event: someone aged `age`
/// on a given day was born in that year minus `age` or minus `age + 1`, and a partial event
/// date widens the span over its possible days. Returns the first and last possible year.
pub fn birth_years_for_age(age: u16, event: PartialDate) -> (i32, i32) {
    let (first, _, _) = civil_from_days(event.first_day_number());
    let (last, _, _) = civil_from_days(event.last_day_number());
    (first - i32::from(age) - 1, last - i32::from(age))
}

/// Whether a stated age at an event can be true of a stated (possibly partial) birth date:
/// some day of the birth date and some day of the event date are `age` whole years apart.
pub fn age_is_consistent(age: u16, birth: PartialDate, event: PartialDate) -> bool {
    // Ages reachable between the birth span and the event span: from the latest birth to
    // the earliest event, up to the earliest birth to the latest event.
    let whole_years = |from: i64, to: i64| -> i64 {
        let (fy, fm, fd) = civil_from_days(from);
        let (ty, tm, td) = civil_from_days(to);
        i64::from(ty - fy) - i64::from((tm, td) < (fm, fd))
    };
    let youngest = whole_years(birth.last_day_number(), event.first_day_number());
    let oldest = whole_years(birth.first_day_number(), event.last_day_number());
    (youngest..=oldest).contains(&i64::from(age))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_impossible_dates() {
        assert!(PartialDate::new(2022, Some(2), Some(29)).is_err());
        assert!(PartialDate::new(2024, Some(2), Some(29)).is_ok());
        assert!(PartialDate::new(2022, None, Some(3)).is_err());
        assert!(PartialDate::new(2022, Some(13), None).is_err());
    }

    #[test]
    fn iso_round_trip_and_day_numbers() {
        for text in ["2022", "2022-01", "2022-01-06"] {
            let date: PartialDate = text.parse().unwrap();
            assert_eq!(date.to_string(), text);
        }
        let date = PartialDate::new(1970, Some(1), Some(2)).unwrap();
        assert_eq!(date.first_day_number(), 1);
        assert_eq!(
            PartialDate::from_day_number(19_000).unwrap().to_string(),
            "2022-01-08"
        );
        for days in [-1_000_000, -1, 0, 59, 60, 11_016, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        let month = PartialDate::new(2022, Some(1), None).unwrap();
        assert_eq!(month.last_day_number() - month.first_day_number(), 30);
    }

    #[test]
    fn ages_and_birth_years() {
        let event = PartialDate::new(2022, Some(1), Some(6)).unwrap();
        assert_eq!(birth_years_for_age(34, event), (1987, 1988));
        let month = PartialDate::new(2022, Some(1), None).unwrap();
        assert_eq!(birth_years_for_age(34, month), (1987, 1988));
        let year_only = PartialDate::new(2022, None, None).unwrap();
        assert_eq!(birth_years_for_age(0, year_only), (2021, 2022));
        let born = PartialDate::new(1987, Some(3), Some(2)).unwrap();
        assert!(age_is_consistent(34, born, event));
        assert!(!age_is_consistent(35, born, event));
        assert!(!age_is_consistent(33, born, event));
        // Born some day of 1987: 34 on 2022-01-06 if born after 6 January, 35 if by then.
        let born_year = PartialDate::new(1987, None, None).unwrap();
        assert!(age_is_consistent(34, born_year, event));
        assert!(age_is_consistent(35, born_year, event));
        assert!(!age_is_consistent(36, born_year, event));
    }
}
