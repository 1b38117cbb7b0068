//! When a report is due, and whether it is late. Lateness is derived from the due time, the submission
//! and the context's clock, never stored.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use entity::{ReportKind, report, report_call};

use crate::clock::local_instant;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;

/// When a report is due: daily vaccination at 17:00 on its date; weekly epidemic reports before Wednesday
/// of the following week (Tuesday 24:00); a report answering a call, by the call's deadline.
pub fn due_at(
    kind: ReportKind,
    period: NaiveDate,
    call: Option<&report_call::Model>,
) -> AppResult<DateTime<Utc>> {
    if let Some(call) = call {
        return Ok(call.deadline);
    }
    let five_pm = NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default();
    let due = match kind {
        ReportKind::DailyVaccination | ReportKind::VaccinationCensus => {
            local_instant(period, five_pm)
        }
        ReportKind::WeeklyEpidemic => {
            if period.weekday() != Weekday::Mon {
                return Err(AppError::bad_input(
                    "period",
                    "a weekly report's period is the Monday of its week",
                ));
            }
            period
                .checked_add_signed(Duration::days(9))
                .and_then(|day| local_instant(day, NaiveTime::MIN))
        }
    };
    due.ok_or_else(|| AppError::bad_input("period", "outside the calendar"))
}

/// Late: submitted after the due time, or still not submitted once it has passed by `now`.
pub fn is_late(r: &report::Model, now: DateTime<Utc>) -> bool {
    r.submitted_at.map_or(now > r.due_at, |s| s > r.due_at)
}

/// Whether the report is late by the context's clock.
pub fn late(ctx: &Ctx<'_>, r: &report::Model) -> bool {
    is_late(r, ctx.now())
}

/// Where a submission stands against its due time: (on time, late). Late is also a missing submission
/// once the due time has passed by `now`.
pub fn standing(
    submitted_at: Option<DateTime<Utc>>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (bool, bool) {
    let on_time = submitted_at.is_some_and(|s| s <= due);
    let late = submitted_at.map_or(now > due, |s| s > due);
    (on_time, late)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn daily_reports_are_due_at_five_pm_local() {
        let due = due_at(ReportKind::DailyVaccination, date(2021, 12, 10), None).expect("due");
        assert_eq!(due.to_rfc3339(), "2021-12-10T10:00:00+00:00");
    }

    #[test]
    fn weekly_reports_are_due_before_wednesday_of_the_next_week() {
        let due = due_at(ReportKind::WeeklyEpidemic, date(2021, 12, 6), None).expect("due");
        assert_eq!(
            due.to_rfc3339(),
            "2021-12-14T17:00:00+00:00",
            "Wednesday 15/12 00:00 local"
        );
        assert!(
            due_at(ReportKind::WeeklyEpidemic, date(2021, 12, 7), None).is_err(),
            "a Tuesday is not a week"
        );
    }

    #[test]
    fn periods_at_the_end_of_the_calendar_are_refused_not_a_panic() {
        // A CSV import accepts any date chrono parses, such as +262142-12-27 (fuzz/regressions/report_csv).
        let last_monday = (0..7)
            .filter_map(|back| NaiveDate::MAX.checked_sub_signed(Duration::days(back)))
            .find(|d| d.weekday() == Weekday::Mon)
            .expect("a Monday in the last week");
        assert!(due_at(ReportKind::WeeklyEpidemic, last_monday, None).is_err());
        assert!(due_at(ReportKind::DailyVaccination, NaiveDate::MAX, None).is_ok());
        assert!(due_at(ReportKind::DailyVaccination, NaiveDate::MIN, None).is_ok());
    }
}
