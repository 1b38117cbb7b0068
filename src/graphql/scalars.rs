//! Scalars with the names the API promises: `Date` is a calendar date, YYYY-MM-DD.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate};

/// A calendar date, `YYYY-MM-DD` (province local time where it matters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom(format!("'{s}' is not a date (YYYY-MM-DD)"))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(iso_date(self.0))
    }
}

/// `date` as `Display` writes it (ISO 8601), digit by digit for the years 0 to 9999: a list of lots
/// writes hundreds of dates, and the formatter's machinery cost more than the digits (callgrind,
/// 2026-12-03). Other years, signed and longer, go through `Display`.
fn iso_date(date: NaiveDate) -> String {
    let Ok(year @ 0..=9999) = u16::try_from(date.year()) else {
        return date.to_string();
    };
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let year = u32::from(year);
    let (month, day) = (date.month(), date.day());
    [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        '-',
        digit(month / 10),
        digit(month),
        '-',
        digit(day / 10),
        digit(day),
    ]
    .into_iter()
    .collect()
}

impl From<Date> for NaiveDate {
    fn from(date: Date) -> NaiveDate {
        date.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_display_writes_them() {
        let mut date = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap();
        let last = NaiveDate::from_ymd_opt(2101, 1, 5).unwrap();
        while date <= last {
            assert_eq!(iso_date(date), date.to_string());
            date = date.succ_opt().unwrap();
        }
        for (y, m, d) in [
            (0, 1, 1),
            (9, 2, 3),
            (99, 3, 4),
            (999, 12, 31),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 7),
            (-2021, 8, 9),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso_date(date), date.to_string(), "{y}-{m}-{d}");
        }
    }
}
