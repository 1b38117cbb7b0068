//! Reported coverage per district: from each district's daily vaccination reports (submitted or
//! accepted, an accepted one preferred for a day), the eligible population (adults 18+ less those
//! contraindicated), adults with dose 1, adults who completed their schedule (dose 3 for Abdala, as the
//! report's `adultsFull` counts them) and adolescents 15-17 with dose 1 and dose 2; and the pace of the
//! last 7 days.
//! Used by the milestone report and by rebalancing's `REMAINING_NEED`.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use entity::{ReportKind, ReportStatus, district, report};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppResult;

/// One district's reported coverage on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    pub day: NaiveDate,
    /// Adults 18+ less those contraindicated.
    pub eligible: i64,
    pub dose1: i64,
    pub completed: i64,
    pub adolescents_dose1: Option<i64>,
    pub adolescents_dose2: Option<i64>,
}

impl Coverage {
    fn of(r: &report::Model, d: &district::Model) -> Option<Coverage> {
        let adults = r.adults_18_plus.or(d.adults_18_plus)?;
        Some(Coverage {
            day: r.period,
            eligible: (adults - r.unvaccinated_contraindicated.unwrap_or(0)).max(0),
            dose1: r.adults_dose1?,
            completed: r.adults_full.unwrap_or(0),
            adolescents_dose1: r.adolescents_15_17_dose1,
            adolescents_dose2: r.adolescents_15_17_dose2,
        })
    }

    pub fn dose1_share(&self) -> Option<f64> {
        share(self.dose1, self.eligible)
    }

    pub fn completed_share(&self) -> Option<f64> {
        share(self.completed, self.eligible)
    }

    /// Doses given to adolescents 15 to 17: those with dose 1 plus those with dose 2 (a dose 2 not
    /// reported counts as none); `None` when dose 1 is not reported.
    pub fn adolescent_doses_used(&self) -> Option<i64> {
        self.adolescents_dose1
            .map(|d1| d1 + self.adolescents_dose2.unwrap_or(0))
    }
}

fn share(n: i64, of: i64) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

/// A district's reported days up to a date, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Series(pub Vec<Coverage>);

/// People per day, over the last 7 days of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub dose1_per_day: f64,
    pub completed_per_day: f64,
}

impl Series {
    pub fn latest(&self) -> Option<&Coverage> {
        self.0.last()
    }

    /// The pace between the latest day and the last reported day at least 7 days before it (the
    /// earliest day when none is that old, if it is at least a day before); `None` with one day.
    pub fn pace(&self) -> Option<Pace> {
        let (base, last) = self.pace_window()?;
        let days = (last.day - base.day).num_days() as f64;
        Some(Pace {
            dose1_per_day: (last.dose1 - base.dose1) as f64 / days,
            completed_per_day: (last.completed - base.completed) as f64 / days,
        })
    }

    /// The two days a pace is taken between: the latest, and the last reported day at least 7 days
    /// before it (else the earliest, if before the latest).
    fn pace_window(&self) -> Option<(&Coverage, &Coverage)> {
        let last = self.latest()?;
        let week_ago = last.day - Duration::days(7);
        let base = self
            .0
            .iter()
            .rev()
            .find(|c| c.day <= week_ago)
            .or_else(|| self.0.first())
            .filter(|c| c.day < last.day)?;
        Some((base, last))
    }

    /// Adolescent doses used per day over the same window as [`Series::pace`]; `None` without two days
    /// that both report adolescents' dose 1.
    pub fn adolescent_pace(&self) -> Option<f64> {
        let (base, last) = self.pace_window()?;
        let days = (last.day - base.day).num_days() as f64;
        Some((last.adolescent_doses_used()? - base.adolescent_doses_used()?) as f64 / days)
    }

    /// Whether the adolescent doses used reach `target` of `allocated` by `milestone` at
    /// [`Series::adolescent_pace`]: true when they already do; false without a pace where one is
    /// needed, or without a report of adolescents' doses.
    pub fn adolescent_on_track(&self, allocated: i64, target: f64, milestone: NaiveDate) -> bool {
        let Some(last) = self.latest() else {
            return false;
        };
        let Some(used) = last.adolescent_doses_used() else {
            return false;
        };
        let missing = (target * allocated as f64).ceil() - used as f64;
        if missing <= 0.0 {
            return true;
        }
        match self.adolescent_pace() {
            Some(rate) if rate > 0.0 => {
                let days = (missing / rate).ceil() as i64;
                last.day + Duration::days(days.min(36_500)) <= milestone
            }
            _ => false,
        }
    }

    /// The day both shares are reached at the current pace: the latest day when they are already, `None`
    /// when the pace would never reach them (no pace, or none where it is needed).
    pub fn projected(&self, dose1_target: f64, completed_target: f64) -> Option<NaiveDate> {
        let last = self.latest()?;
        let days_for = |current: i64, target: f64, rate: f64| -> Option<i64> {
            let missing = (target * last.eligible as f64).ceil() - current as f64;
            if missing <= 0.0 {
                Some(0)
            } else if rate > 0.0 {
                Some((missing / rate).ceil() as i64)
            } else {
                None
            }
        };
        let pace = self.pace().unwrap_or(Pace {
            dose1_per_day: 0.0,
            completed_per_day: 0.0,
        });
        let d1 = days_for(last.dose1, dose1_target, pace.dose1_per_day)?;
        let full = days_for(last.completed, completed_target, pace.completed_per_day)?;
        last.day
            .checked_add_signed(Duration::days(d1.max(full).min(36_500)))
    }
}

/// Each district's series of reported coverage up to `as_of`.
pub async fn series(
    conn: &impl ConnectionTrait,
    districts: &[district::Model],
    as_of: NaiveDate,
) -> AppResult<HashMap<i32, Series>> {
    let reports = report::Entity::find()
        .filter(report::Column::DistrictId.is_in(districts.iter().map(|d| d.id)))
        .filter(report::Column::Kind.eq(ReportKind::DailyVaccination))
        .filter(report::Column::Status.is_in([ReportStatus::Submitted, ReportStatus::Accepted]))
        .filter(report::Column::Period.lte(as_of))
        .order_by_asc(report::Column::Period)
        .order_by_asc(report::Column::Id)
        .all(conn)
        .await?;
    let mut out: HashMap<i32, Series> = HashMap::new();
    for d in districts {
        let mut days: Vec<Coverage> = Vec::new();
        let mine = reports.iter().filter(|r| r.district_id == d.id);
        // Per day, an accepted report wins over a submitted one; else the last saved.
        let mut by_day: Vec<&report::Model> = Vec::new();
        for r in mine {
            match by_day.last_mut() {
                Some(prev) if prev.period == r.period => {
                    if !(prev.status == ReportStatus::Accepted
                        && r.status != ReportStatus::Accepted)
                    {
                        *prev = r;
                    }
                }
                _ => by_day.push(r),
            }
        }
        days.extend(by_day.into_iter().filter_map(|r| Coverage::of(r, d)));
        out.insert(d.id, Series(days));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 12, d).expect("date")
    }

    fn cov(d: u32, dose1: i64, completed: i64) -> Coverage {
        Coverage {
            day: day(d),
            eligible: 10_000,
            dose1,
            completed,
            adolescents_dose1: None,
            adolescents_dose2: None,
        }
    }

    #[test]
    fn projection_at_the_pace_of_the_last_seven_days() {
        // 7 days: dose 1 from 9,000 to 9,700 (100/day), completed from 6,000 to 6,700 (100/day).
        let s = Series(vec![
            cov(1, 9_000, 6_000),
            cov(4, 9_300, 6_300),
            cov(8, 9_700, 6_700),
        ]);
        let pace = s.pace().expect("pace");
        assert!((pace.dose1_per_day - 100.0).abs() < 1e-9);
        // Dose 1 needs 300 more (3 days), completed 75 % needs 800 more (8 days): 8 days after 8/12.
        assert_eq!(s.projected(1.0, 0.75), Some(day(16)));
        // Already there: the latest day.
        assert_eq!(s.projected(0.9, 0.6), Some(day(8)));
    }

    fn teens(d: u32, dose1: i64, dose2: i64) -> Coverage {
        Coverage {
            adolescents_dose1: Some(dose1),
            adolescents_dose2: Some(dose2),
            ..cov(d, 9_000, 6_000)
        }
    }

    #[test]
    fn adolescent_doses_on_track_at_their_pace() {
        // Used: 1,000 on 1/12, 1,700 on 8/12 (100 a day); an allocation of 2,000 at 100 % needs 300
        // more, 3 days: on 11/12.
        let s = Series(vec![teens(1, 800, 200), teens(8, 1_000, 700)]);
        assert_eq!(s.adolescent_pace(), Some(100.0));
        assert!(s.adolescent_on_track(2_000, 1.0, day(11)));
        assert!(!s.adolescent_on_track(2_000, 1.0, day(10)));
        // Already there, whatever the pace.
        assert!(s.adolescent_on_track(1_700, 1.0, day(8)));
        // No adolescents reported: never on track.
        let none = Series(vec![cov(1, 9_000, 6_000), cov(8, 9_100, 6_100)]);
        assert!(!none.adolescent_on_track(100, 1.0, day(31)));
        assert_eq!(teens(8, 1_000, 700).adolescent_doses_used(), Some(1_700));
    }

    #[test]
    fn no_pace_no_projection() {
        let flat = Series(vec![cov(1, 9_000, 6_000), cov(8, 9_000, 6_000)]);
        assert_eq!(flat.projected(1.0, 0.75), None);
        assert_eq!(
            Series(vec![cov(8, 9_000, 6_000)]).projected(1.0, 0.75),
            None
        );
    }
}
