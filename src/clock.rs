//! Time. Instants are stored in UTC; deadlines, days and expiry dates are stated in the province's time,
//! Asia/Ho_Chi_Minh (UTC+7, no daylight saving). Services read the time from a [`Clock`], which tests
//! can move forward to see what a deadline or a due test does once it has passed.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc};

/// UTC+7.
pub fn local_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or(Utc.fix())
}

/// Today's date in the province by the system clock. Services take the date from their [`Clock`].
pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

/// The date in the province at an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&local_offset()).date_naive()
}

/// The instant of a date and time of day stated in the province's time.
pub fn local_instant(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    local_offset()
        .from_local_datetime(&date.and_time(time))
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// The system clock, moved by a shift that only tests set. Cheap to clone; clones share the shift.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    shift_micros: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::microseconds(self.shift_micros.load(Ordering::Relaxed))
    }

    /// Today's date in the province.
    pub fn today(&self) -> NaiveDate {
        local_date(self.now())
    }

    /// Moves this clock (and its clones) forward; for tests of what happens once time has passed.
    pub fn advance(&self, by: Duration) {
        let micros = by.num_microseconds().unwrap_or(i64::MAX);
        self.shift_micros.fetch_add(micros, Ordering::Relaxed);
    }
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

    #[test]
    fn local_instants_are_utc_minus_seven() {
        let date = NaiveDate::from_ymd_opt(2021, 12, 10).expect("d");
        let five_pm = NaiveTime::from_hms_opt(17, 0, 0).expect("t");
        assert_eq!(
            local_instant(date, five_pm).map(|t| t.to_rfc3339()),
            Some("2021-12-10T10:00:00+00:00".to_owned())
        );
    }

    #[test]
    fn an_advanced_clock_moves_its_clones_too() {
        let clock = Clock::default();
        let clone = clock.clone();
        let before = clone.now();
        clock.advance(Duration::days(2));
        assert!(clone.now() - before >= Duration::days(2));
    }
}
