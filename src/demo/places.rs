//! The demo's places: Thanh Hóa's 27 districts with illustrative figures where official ones are
//! missing, and the province's and districts' agencies.

use entity::{AgencyKind, district};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Set};

use super::{DISTRICTS_CSV, PROVINCE_AGENCIES, PROVINCE_CODE};
use crate::admin::agencies::{self, NewAgency};
use crate::auth::Actor;
use crate::districts::import;
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::state::AppState;

pub(super) async fn seed(state: &AppState, operator_name: &str) -> AppResult<()> {
    let db = &state.db;
    let rows: Vec<_> = import::parse(DISTRICTS_CSV.as_bytes())?
        .into_iter()
        .filter(|r| r.province_code == PROVINCE_CODE)
        .collect();
    let loader = Actor::operator(0, operator_name);
    import::import(&state.ctx(&loader), &rows).await?;
    let districts = district::Entity::find()
        .filter(district::Column::Code.is_in(rows.iter().map(|r| r.code.clone())))
        .all(db)
        .await?;
    let province_id = districts.first().map_or(0, |d| d.province_id);
    let operator = Actor::operator(province_id, operator_name);
    fill_illustrative_figures(&state.ctx(&operator), &districts).await?;
    for (code, name, kind, _) in PROVINCE_AGENCIES {
        agencies::create(
            &state.ctx(&operator),
            NewAgency {
                code: code.into(),
                name: name.into(),
                kind,
                district_code: None,
            },
        )
        .await?;
    }
    for d in &districts {
        for (prefix, label, kind) in [
            ("health", "Trung tâm Y tế", AgencyKind::Health),
            ("committee", "UBND", AgencyKind::PeoplesCommittee),
        ] {
            let new = NewAgency {
                code: format!("{prefix}-{}", d.code),
                name: format!("{label} {}", d.name),
                kind,
                district_code: Some(d.code.clone()),
            };
            agencies::create(&state.ctx(&operator), new).await?;
        }
    }
    Ok(())
}

/// Plausible figures where the official ones are missing; deterministic, so every demo looks alike.
async fn fill_illustrative_figures(ctx: &Ctx<'_>, districts: &[district::Model]) -> AppResult<()> {
    let write = ctx.write().await?;
    for d in districts {
        let n: i64 = d.code.parse().unwrap_or(0);
        let mut row: district::ActiveModel = d.clone().into();
        let population = match d.population {
            Some(p) => p,
            None => {
                let p = 45_000 + (n * 7_919) % 190_000;
                row.population = Set(Some(p));
                row.population_year = Set(Some(2021));
                row.population_illustrative = Set(true);
                p
            }
        };
        row.adults_18_plus = Set(Some(population * (66 + n % 6) / 100));
        // Some districts fall short of the treatment-capacity rule, as several did in December 2021.
        row.treatment_beds = Set(Some(if n % 4 == 0 {
            80
        } else {
            120 + (n % 5) as i32 * 30
        }));
        row.intensive_care_beds = Set(Some(4 + (n % 7) as i32));
        write
            .update_versioned::<district::Entity>(d.id, d.version, row, Condition::all())
            .await?;
    }
    let illustrative = serde_json::json!({ "illustrative": true });
    write
        .audit_created(
            "demo.figures",
            "district",
            format!("{} districts", districts.len()),
            &illustrative,
        )
        .await?;
    write.commit().await?;
    Ok(())
}
