//! The demo's reports: a week of daily vaccination reports, a committee that disagrees with its health
//! centre, and epidemic figures that put districts on every level.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use entity::{ReportKind, Role, district};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::admin::agencies;
use crate::auth::Actor;
use crate::clock::{Clock, local_instant};
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::reports::figures::Figures;
use crate::reports::workflow::{self, SaveReport, Step};
use crate::state::AppState;

/// Districts whose weekly reports the levels demo writes, with commune lines or a held level.
pub(super) const WEEKLY_OWN: [&str; 3] = ["380", "388", "389"];
/// Reports no age-group figures: its level is "insufficient data".
const NO_AGE_FIGURES: &str = "384";
/// Too few people 65+ fully vaccinated: raised one level.
const FEW_ELDERLY_VACCINATED: &str = "386";

/// The age-group figures of a district's weekly report (none for [`NO_AGE_FIGURES`]).
pub(super) fn elderly_figures(d: &district::Model) -> Figures {
    if d.code == NO_AGE_FIGURES {
        return Figures::default();
    }
    let n: i64 = d.code.parse().unwrap_or(0);
    let population = d.population.unwrap_or(100_000);
    let (people_65, people_50) = (population * 9 / 100, population * 27 / 100);
    let share = if d.code == FEW_ELDERLY_VACCINATED {
        70
    } else {
        84 + n % 10
    };
    Figures {
        people_65_plus: Some(people_65),
        people_65_plus_full: Some(people_65 * share / 100),
        people_50_plus: Some(people_50),
        people_50_plus_full: Some(people_50 * (share - 2) / 100),
        ..Figures::default()
    }
}

/// A week of daily vaccination reports from the district health centres (a few late, a few missing),
/// the district committee of 386 disagreeing with its health centre, and two weeks of epidemic figures
/// that put districts on every level. Figures are illustrative.
pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let health = agencies::by_code(&state.db, "health").await?;
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(health.province_id))
        .all(&state.db)
        .await?;
    for d in &districts {
        let centre = agencies::by_code(&state.db, &format!("health-{}", d.code)).await?;
        let actor = Actor::acting_as(&centre, Some(d.code.clone()), Role::Editor, "demo-loader");
        let ctx = state.ctx(&actor);
        daily_reports(state, &ctx, d).await?;
        // The levels demo writes the weekly reports of its districts (with commune lines).
        if !WEEKLY_OWN.contains(&d.code.as_str()) {
            weekly_reports(&ctx, d).await?;
        }
    }
    Ok(())
}

/// A week of daily reports, and one from the week before last so that week has coverage too.
async fn daily_reports(state: &AppState, ctx: &Ctx<'_>, d: &district::Model) -> AppResult<()> {
    let n: i64 = d.code.parse().unwrap_or(0);
    let adults = d.adults_18_plus.unwrap_or(50_000);
    let today = ctx.today();
    let days_back =
        (1..=7_i64).chain([(today - (monday_of(today) - Duration::days(8))).num_days()]);
    for back in days_back {
        let day = today - Duration::days(back);
        // Some districts miss a day now and then.
        if (n + back) % 11 == 0 {
            continue;
        }
        let dose1 = adults * (55 + (n % 40)) / 100 - (back * 150);
        let unvaccinated = adults - dose1;
        // Adolescents 15-17 (about 4.5 % of the people) with the first and second Pfizer dose.
        let teens = d.population.unwrap_or(100_000) * 45 / 1_000;
        let teens_dose1 = (teens * (85 + n % 10) / 100 - back * 40).max(0);
        let teens_dose2 = (teens_dose1 * (60 + n % 25) / 100 - back * 30).max(0);
        let figures = Figures {
            adults_18_plus: Some(adults),
            adults_dose1: Some(dose1),
            adults_full: Some(dose1 * 8 / 10),
            adolescents_15_17_dose1: Some(teens_dose1),
            adolescents_15_17_dose2: Some(teens_dose2),
            doses_administered_today: Some(150 + (n * back) % 400),
            unvaccinated_contraindicated: Some(unvaccinated / 10),
            unvaccinated_deferred: Some(unvaccinated / 5),
            unvaccinated_refused: Some(unvaccinated / 20),
            unvaccinated_absent: Some(unvaccinated / 2),
            unvaccinated_other: Some(
                unvaccinated
                    - unvaccinated / 10
                    - unvaccinated / 5
                    - unvaccinated / 20
                    - unvaccinated / 2,
            ),
            ..Default::default()
        };
        // Most arrive before 17:00; some after.
        let at = if (n + back) % 7 == 0 {
            local(day, 19, 15)
        } else {
            local(day, 16, 10 + (n % 40) as u32)
        };
        let input = daily(d, day, figures.clone());
        save_and_submit(ctx, input, at).await?;
        if d.code == "386" && back == 1 {
            // The district committee disagrees with its health centre.
            let committee = agencies::by_code(&state.db, "committee-386").await?;
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
            let input = daily(d, day, theirs);
            save_and_submit(&ctx.acting_as(&clerk), input, local(day, 16, 45)).await?;
        }
    }
    Ok(())
}

/// Epidemic figures for the last two full weeks: new community cases per 100,000 spread over the four
/// bands.
async fn weekly_reports(ctx: &Ctx<'_>, d: &district::Model) -> AppResult<()> {
    let n: i64 = d.code.parse().unwrap_or(0);
    let population = d.population.unwrap_or(100_000);
    let this_monday = monday_of(ctx.today());
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
            ..elderly_figures(d)
        };
        let input = SaveReport {
            kind: ReportKind::WeeklyEpidemic,
            ..daily(d, monday, figures)
        };
        let at = local(monday + Duration::days(8), 10, 0).min(ctx.now() - Duration::hours(1));
        save_and_submit(ctx, input, at).await?;
    }
    Ok(())
}

/// A daily vaccination report of `d` for `day`.
pub(super) fn daily(d: &district::Model, day: NaiveDate, figures: Figures) -> SaveReport {
    SaveReport {
        district_code: d.code.clone(),
        kind: ReportKind::DailyVaccination,
        period: day,
        report_call_id: None,
        figures,
        expected_version: None,
    }
}

/// Saves a report and submits it at `at`, a past instant: the submission runs on a clock set back to it,
/// so the report, its audit row and its lateness all tell the demo's story.
pub(super) async fn save_and_submit(
    ctx: &Ctx<'_>,
    input: SaveReport,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let saved = workflow::save(ctx, input).await?;
    let then = Clock::default();
    then.advance(at - then.now());
    let at_then = Ctx {
        clock: &then,
        ..*ctx
    };
    workflow::step(&at_then, saved.id, Step::Submit).await?;
    Ok(())
}

pub(super) fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// A time of day in the province.
pub(super) fn local(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    local_instant(date, time).unwrap_or_default()
}
