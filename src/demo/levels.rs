//! The demo's epidemic levels: commune figures for two districts (their weekly reports carry commune
//! lines), Lang Chánh (388) held at level 4 across three falling weeks because its beds fall short,
//! Mường Lát (384) without age-group figures (insufficient data), Bá Thước (386) raised one level for
//! too few people 65+ fully vaccinated, and a declaration by the steering committee. Figures are
//! illustrative.

use chrono::Duration;
use entity::{CommuneKind, ReportKind, Role, commune, district};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, Set};

use super::reports::{WEEKLY_OWN, daily, elderly_figures, local, monday_of};
use crate::admin::agencies;
use crate::auth::Actor;
use crate::clock::Clock;
use crate::districts::service::fold;
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::levels::commune_lines::{self, CommuneLine};
use crate::levels::declarations::{self, DeclareLevels};
use crate::reports::figures::Figures;
use crate::reports::workflow::{self, SaveReport, Step};
use crate::state::AppState;

const COMMUNES_CSV: &str = include_str!("../../data/communes-2021.csv");

/// Held at level 4 while its beds fall short.
const HELD: &str = "388";
/// Districts whose weekly reports carry commune lines.
const WITH_COMMUNES: [&str; 2] = ["380", "389"];

pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let health = agencies::by_code(&state.db, "health").await?;
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(health.province_id))
        .filter(district::Column::Code.is_in(WEEKLY_OWN))
        .all(&state.db)
        .await?;
    let this_monday = monday_of(crate::clock::today());
    for d in &districts {
        let centre = agencies::by_code(&state.db, &format!("health-{}", d.code)).await?;
        let actor = Actor::acting_as(&centre, Some(d.code.clone()), Role::Editor, "demo-loader");
        let ctx = state.ctx(&actor);
        if d.code == HELD {
            held_weeks(&ctx, d, this_monday).await?;
        } else if WITH_COMMUNES.contains(&d.code.as_str()) {
            let communes = ensure_communes(state, d).await?;
            for weeks_back in [2_i64, 1] {
                let monday = this_monday - Duration::days(7 * weeks_back);
                commune_week(&ctx, d, &communes, monday, weeks_back).await?;
            }
        }
    }
    declare(state, this_monday).await
}

/// Lang Chánh: 200 cases per 100,000 four weeks back, then 40, 25 and 8, with 80 beds where 100 are
/// needed: the level stays at 4.
async fn held_weeks(
    ctx: &Ctx<'_>,
    d: &district::Model,
    this_monday: chrono::NaiveDate,
) -> AppResult<()> {
    let adults = d.adults_18_plus.unwrap_or(50_000);
    let day = this_monday - Duration::days(36);
    let coverage = Figures {
        adults_18_plus: Some(adults),
        adults_dose1: Some(adults * 60 / 100),
        ..Figures::default()
    };
    submit_at(ctx, daily(d, day, coverage), &[], local(day, 16, 0)).await?;
    let population = d.population.unwrap_or(100_000);
    for (weeks_back, per_100k) in [(4_i64, 200_i64), (3, 40), (2, 25), (1, 8)] {
        let monday = this_monday - Duration::days(7 * weeks_back);
        let figures = Figures {
            new_cases_community: Some(population * per_100k / 100_000),
            new_cases_in_quarantine: Some(2),
            beds_available: d.treatment_beds.map(i64::from),
            ..elderly_figures(d)
        };
        submit_at(
            ctx,
            weekly(d, monday, figures),
            &[],
            local(monday + Duration::days(8), 9, 30),
        )
        .await?;
    }
    Ok(())
}

fn weekly(d: &district::Model, monday: chrono::NaiveDate, figures: Figures) -> SaveReport {
    SaveReport {
        kind: ReportKind::WeeklyEpidemic,
        ..daily(d, monday, figures)
    }
}

/// A week of a district with commune lines; the district's cases are the sum of its communes'.
async fn commune_week(
    ctx: &Ctx<'_>,
    d: &district::Model,
    communes: &[commune::Model],
    monday: chrono::NaiveDate,
    weeks_back: i64,
) -> AppResult<()> {
    let count = communes.len().max(1) as i64;
    let share = d.population.unwrap_or(100_000) / count;
    let lines: Vec<CommuneLine> = communes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let i = i as i64;
            let population = share + (i % 5) * 300;
            let per_100k = [0, 5, 15, 30, 60, 160][((i + weeks_back) % 6) as usize];
            let adults = population * 70 / 100;
            let people_65 = population * 9 / 100;
            CommuneLine {
                commune_code: c.code.clone(),
                population: Some(population),
                new_cases_community: Some(population * per_100k / 100_000),
                new_cases_in_quarantine: Some(i % 3),
                adults_18_plus: Some(adults),
                adults_dose1: Some(adults * (62 + (i * 7) % 30) / 100),
                people_65_plus: Some(people_65),
                people_65_plus_full: Some(people_65 * (76 + (i * 3) % 18) / 100),
                ..CommuneLine::default()
            }
        })
        .collect();
    let figures = Figures {
        new_cases_community: Some(lines.iter().filter_map(|l| l.new_cases_community).sum()),
        new_cases_in_quarantine: Some(lines.iter().filter_map(|l| l.new_cases_in_quarantine).sum()),
        beds_available: d.treatment_beds.map(i64::from),
        ..elderly_figures(d)
    };
    let at = local(monday + Duration::days(8), 10, 0);
    submit_at(ctx, weekly(d, monday, figures), &lines, at).await
}

/// Saves a report (with its commune lines) and submits it on a clock set back to `at`.
async fn submit_at(
    ctx: &Ctx<'_>,
    input: SaveReport,
    lines: &[CommuneLine],
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let saved = workflow::save(ctx, input).await?;
    if !lines.is_empty() {
        commune_lines::save(ctx, saved.id, lines.to_vec()).await?;
    }
    let then = Clock::default();
    then.advance(at.min(ctx.now() - Duration::hours(1)) - then.now());
    let at_then = Ctx {
        clock: &then,
        ..*ctx
    };
    workflow::step(&at_then, saved.id, Step::Submit).await?;
    Ok(())
}

/// The communes of a district from the 2021 GSO list, added where the register does not hold them yet.
async fn ensure_communes(state: &AppState, d: &district::Model) -> AppResult<Vec<commune::Model>> {
    let now = chrono::Utc::now();
    for line in COMMUNES_CSV.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let [code, name, kind, district_code, ..] = cells[..] else {
            continue;
        };
        if district_code != d.code {
            continue;
        }
        let known = commune::Entity::find()
            .filter(commune::Column::Code.eq(code))
            .one(&state.db)
            .await?;
        if known.is_none() {
            commune::ActiveModel {
                id: NotSet,
                code: Set(code.into()),
                name: Set(name.into()),
                search_name: Set(fold(name)),
                kind: Set(CommuneKind::parse(kind).unwrap_or(CommuneKind::Commune)),
                district_id: Set(d.id),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&state.db)
            .await?;
        }
    }
    Ok(commune::Entity::find()
        .filter(commune::Column::DistrictId.eq(d.id))
        .all(&state.db)
        .await?)
}

/// The steering committee declares level 4 for Lang Chánh and level 3 for Thanh Hóa city and its ward
/// Hàm Rồng, from the Wednesday three weeks back.
async fn declare(state: &AppState, this_monday: chrono::NaiveDate) -> AppResult<()> {
    let steering = agencies::by_code(&state.db, "steering").await?;
    let chair = Actor::acting_as(&steering, None, Role::Approver, "demo-loader");
    let ctx = state.ctx(&chair);
    let from = local(this_monday - Duration::days(19), 0, 0);
    for (units, level) in [(vec!["388"], 4), (vec!["380", "14755"], 3)] {
        declarations::declare(
            &ctx,
            DeclareLevels {
                unit_codes: units.into_iter().map(str::to_owned).collect(),
                level,
                decision_number: "2301/QĐ-UBND".into(),
                effective_from: from,
                note: Some("Công bố cấp độ dịch theo Nghị quyết 128/NQ-CP".into()),
                idempotency_key: None,
            },
        )
        .await?;
    }
    Ok(())
}
