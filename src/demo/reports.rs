//! The demo's reports: a week of daily vaccination reports, a committee that disagrees with its health
//! centre, and epidemic figures that put districts on every level.

use chrono::{Duration, Utc};
use entity::{Role, district};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::admin::agencies;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::state::AppState;

/// A week of daily vaccination reports from the district health centres (a few late, a few missing),
/// the district committee of 386 disagreeing with its health centre, and two weeks of epidemic figures
/// that put districts on every level. Figures are illustrative.
pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let (db, events) = (&state.db, &state.events);
    use crate::reports::service::{self as reports, Figures, SaveReport, Step};
    use chrono::{Datelike, NaiveTime};
    use entity::ReportKind;

    let health = agencies::by_code(db, "health").await?;
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(health.province_id))
        .all(db)
        .await?;
    let today = crate::clock::today();
    let local = |date: chrono::NaiveDate, h: u32, m: u32| {
        (date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()) - Duration::hours(7))
            .and_utc()
    };
    for d in &districts {
        let n: i64 = d.code.parse().unwrap_or(0);
        let centre = agencies::by_code(db, &format!("health-{}", d.code)).await?;
        let actor = Actor::acting_as(&centre, Some(d.code.clone()), Role::Editor, "demo-loader");
        let adults = d.adults_18_plus.unwrap_or(50_000);
        // A week of daily reports, and one from the week before last so that week has coverage too.
        let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let days_back = (1..=7_i64).chain([(today - (this_monday - Duration::days(8))).num_days()]);
        for back in days_back {
            let day = today - Duration::days(back);
            // Some districts miss a day now and then.
            if (n + back) % 11 == 0 {
                continue;
            }
            let dose1 = adults * (55 + (n % 40)) / 100 - (back * 150);
            let figures = Figures {
                adults_18_plus: Some(adults),
                adults_dose1: Some(dose1),
                adults_full: Some(dose1 * 8 / 10),
                doses_administered_today: Some(150 + (n * back) % 400),
                unvaccinated_contraindicated: Some((adults - dose1) / 10),
                unvaccinated_deferred: Some((adults - dose1) / 5),
                unvaccinated_refused: Some((adults - dose1) / 20),
                unvaccinated_absent: Some((adults - dose1) / 2),
                unvaccinated_other: Some(
                    (adults - dose1)
                        - (adults - dose1) / 10
                        - (adults - dose1) / 5
                        - (adults - dose1) / 20
                        - (adults - dose1) / 2,
                ),
                ..Default::default()
            };
            let saved = reports::save(
                db,
                &actor,
                SaveReport {
                    district_code: d.code.clone(),
                    kind: ReportKind::DailyVaccination,
                    period: day,
                    report_call_id: None,
                    figures: figures.clone(),
                    expected_version: None,
                },
            )
            .await?;
            // Most arrive before 17:00; some after.
            let at = if (n + back) % 7 == 0 {
                local(day, 19, 15)
            } else {
                local(day, 16, 10 + (n % 40) as u32)
            };
            reports::step(db, events, &actor, saved.id, Step::Submit, None, at).await?;
            if d.code == "386" && back == 1 {
                let committee = agencies::by_code(db, "committee-386").await?;
                let clerk = Actor::acting_as(
                    &committee,
                    Some(d.code.clone()),
                    Role::Editor,
                    "demo-loader",
                );
                let theirs = Figures {
                    adults_18_plus: Some(adults + 1_200),
                    adults_dose1: Some(dose1 - 2_500),
                    adults_full: figures.adults_full,
                    doses_administered_today: figures.doses_administered_today,
                    ..Default::default()
                };
                let saved = reports::save(
                    db,
                    &clerk,
                    SaveReport {
                        district_code: d.code.clone(),
                        kind: ReportKind::DailyVaccination,
                        period: day,
                        report_call_id: None,
                        figures: theirs,
                        expected_version: None,
                    },
                )
                .await?;
                reports::step(
                    db,
                    events,
                    &clerk,
                    saved.id,
                    Step::Submit,
                    None,
                    local(day, 16, 45),
                )
                .await?;
            }
        }
        // Epidemic figures for the last two full weeks: new community cases per 100,000 spread over the
        // four bands.
        let population = d.population.unwrap_or(100_000);
        for (weeks_back, scale) in [(2_i64, 1_i64), (1, 2)] {
            let monday = this_monday - Duration::days(7 * weeks_back);
            let per_100k = [5, 30, 90, 200][((n / 2) % 4) as usize] * scale / 2;
            let figures = Figures {
                new_cases_community: Some(population * per_100k / 100_000),
                new_cases_in_quarantine: Some(n % 7),
                tests_performed: Some(2_000 + n * 10),
                patients_in_treatment: Some(n % 30),
                deaths: Some(0),
                beds_available: d.treatment_beds.map(i64::from),
                ..Default::default()
            };
            let saved = reports::save(
                db,
                &actor,
                SaveReport {
                    district_code: d.code.clone(),
                    kind: ReportKind::WeeklyEpidemic,
                    period: monday,
                    report_call_id: None,
                    figures,
                    expected_version: None,
                },
            )
            .await?;
            let at = local(monday + Duration::days(8), 10, 0).min(Utc::now() - Duration::hours(1));
            reports::step(db, events, &actor, saved.id, Step::Submit, None, at).await?;
        }
    }
    Ok(())
}
