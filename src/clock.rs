//! Local time of the province. Deadlines and expiry dates are stated in Asia/Ho_Chi_Minh time (UTC+7,
//! no daylight saving) and instants are stored in UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// UTC+7.
pub fn local_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(Utc.fix())
}

/// Today's date in the province.
pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&local_offset()).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_date_is_seven_hours_ahead() {
        let late_utc = DateTime::parse_from_rfc3339("2021-12-10T18:30:00Z")
            .expect("t")
            .with_timezone(&Utc);
        assert_eq!(
            local_date(late_utc),
            NaiveDate::from_ymd_opt(2021, 12, 11).expect("d")
        );
    }
}
