//! Typed time: calendar dates ([`Date`]) and simulation days ([`Day`]).
//!
//! The simulation clock counts whole days from the scenario's start date. A [`Day`] is a
//! boundary-free index of one calendar day; the engine never orders events by floats.
//! This module owns date arithmetic and formatting; it knows nothing of the model.

use std::fmt;

/// A proleptic Gregorian calendar date, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// Builds a date from year, month (1-12) and day (1-31); `None` if it does not exist.
    pub(crate) fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let mut it = s.splitn(3, '-');
        let y: i32 = it.next()?.parse().ok()?;
        let m_s = it.next()?;
        let d_s = it.next()?;
        if m_s.len() != 2 || d_s.len() != 2 {
            return None;
        }
        Date::from_ymd(y, m_s.parse().ok()?, d_s.parse().ok()?)
    }

    /// Days since 1970-01-01.
    pub(crate) fn epoch_days(self) -> i32 {
        self.0
    }

    pub(crate) fn from_epoch_days(d: i32) -> Date {
        Date(d)
    }

    /// (year, month, day).
    pub(crate) fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub(crate) fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.0 + 3).rem_euclid(7) as u32
    }

    /// The date `n` days later (earlier for negative `n`).
    pub fn add_days(self, n: i32) -> Date {
        Date(self.0 + n)
    }

    /// Signed number of days from `other` to `self`.
    pub fn days_since(self, other: Date) -> i32 {
        self.0 - other.0
    }

    /// "31 January 2025".
    pub fn long(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d} {} {y}", MONTHS[(m - 1) as usize])
    }

    /// "Jan 2025".
    pub(crate) fn month_year(self) -> String {
        let (y, m, _) = self.ymd();
        format!("{} {y}", &MONTHS[(m - 1) as usize][..3])
    }

    /// The first day of the next month.
    pub(crate) fn next_month_start(self) -> Date {
        let (y, m, _) = self.ymd();
        if m == 12 {
            Date(days_from_civil(y + 1, 1, 1))
        } else {
            Date(days_from_civil(y, m + 1, 1))
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's civil-from-days algorithms.
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A simulation day: whole days since the scenario's start date (day 0).
///
/// Signed, because the initial backlog carries due dates before the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Day(pub i32);

impl Day {
    pub(crate) const ZERO: Day = Day(0);

    pub(crate) fn plus(self, n: i32) -> Day {
        Day(self.0 + n)
    }
}

/// `x.floor()`, bit for bit (signed zeros, NaN and infinities included), without the library
/// call the baseline x86-64 target makes for it (it has no SSE4.1 `roundsd`): two
/// conversions and a comparison where the engine turns drawn times into days.
#[inline]
pub(crate) fn floor(x: f64) -> f64 {
    // From 2^52 on every f64 is a whole number (and NaN fails the test).
    const WHOLE: f64 = 4_503_599_627_370_496.0;
    if x.abs() < WHOLE {
        let t = x as i64 as f64; // toward zero, exactly
        if t > x {
            t - 1.0
        } else if t == 0.0 {
            0.0f64.copysign(x)
        } else {
            t
        }
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn floor_is_the_library_floor_bit_for_bit(x in any::<f64>(), small in -1e7f64..1e7) {
            prop_assert_eq!(floor(x).to_bits(), x.floor().to_bits());
            prop_assert_eq!(floor(small).to_bits(), small.floor().to_bits());
        }
    }

    #[test]
    fn floor_matches_at_the_edges() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            -1e-300,
            1e-300,
            2.5,
            -2.5,
            4_503_599_627_370_495.5,
            -4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9.3e18,
            -9.3e18,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
        ];
        for x in edges {
            assert_eq!(floor(x).to_bits(), x.floor().to_bits(), "{x:e}");
        }
    }

    #[test]
    fn round_trips_dates_across_leap_years() {
        for d in -800_000..800_000 {
            let date = Date(d);
            let (y, m, dd) = date.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(date));
        }
    }

    #[test]
    fn parses_and_formats() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.long(), "29 February 2024");
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-2-1").is_none());
        assert!(Date::parse("yesterday").is_none());
        assert_eq!(Date::parse("1970-01-01").unwrap().epoch_days(), 0);
    }

    #[test]
    fn knows_weekdays() {
        // 1 January 2024 was a Monday.
        assert_eq!(Date::parse("2024-01-01").unwrap().weekday(), 0);
        assert_eq!(Date::parse("2024-01-06").unwrap().weekday(), 5);
    }

    #[test]
    fn steps_months() {
        let d = Date::parse("2024-12-15").unwrap();
        assert_eq!(d.next_month_start().to_string(), "2025-01-01");
    }
}
