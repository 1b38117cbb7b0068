//! The demo data set: Thanh Hóa (38) with its 27 districts, its agencies, and ready tokens.
//!
//! District codes and names are the real 2021 GSO list. Populations missing from that list are filled
//! with illustrative values (flagged `populationIllustrative`), as are adults 18+ and bed counts: they
//! are plausible, not official.

use chrono::Duration;
use entity::{AgencyKind, Role, agency, district};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

mod adolescents;
mod checkpoints;
mod datacalls;

pub use adolescents::milestone_10_12;
pub use datacalls::milestone_15_12;
mod levels;
pub mod marker;
mod places;
mod quarantine;
mod reports;
mod returnees;
mod stock;

use crate::admin::tokens::NewToken;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::state::AppState;

pub const PROVINCE_CODE: &str = "38";
const DISTRICTS_CSV: &str = include_str!("../../data/districts-2021.csv");

/// A token printed for the demo user.
#[derive(Debug, Clone)]
pub struct DemoToken {
    pub agency: String,
    pub role: Role,
    pub token: String,
}

/// Province-level agencies: code, name, kind, role of the printed token.
const PROVINCE_AGENCIES: [(&str, &str, AgencyKind, Role); 6] = [
    (
        "health",
        "Sở Y tế Thanh Hóa (Department of Health)",
        AgencyKind::Health,
        Role::Approver,
    ),
    (
        "police",
        "Công an tỉnh Thanh Hóa (Provincial Police)",
        AgencyKind::Police,
        Role::Editor,
    ),
    (
        "transport",
        "Sở Giao thông Vận tải (Department of Transport)",
        AgencyKind::Transport,
        Role::Editor,
    ),
    (
        "border-guard",
        "Bộ đội Biên phòng tỉnh (Border Guard)",
        AgencyKind::BorderGuard,
        Role::Editor,
    ),
    (
        "steering",
        "Ban Chỉ đạo phòng, chống dịch tỉnh (Steering Committee)",
        AgencyKind::SteeringCommittee,
        Role::Viewer,
    ),
    (
        "admin",
        "Văn phòng UBND tỉnh (Administration)",
        AgencyKind::Administration,
        Role::Admin,
    ),
];

/// District agencies that also get a printed token.
const DISTRICT_TOKENS: [(&str, Role); 2] = [
    ("health-380", Role::Editor),
    ("committee-380", Role::Editor),
];

/// Loads the demo set into an empty database and returns fresh tokens. On a database that already holds
/// the demo set (its marker), only issues fresh tokens. Any other non-empty database is refused: printing
/// ADMIN tokens for a province's real data is what `--demo` must never do.
pub async fn load(state: &AppState, operator_name: &str) -> AppResult<Vec<DemoToken>> {
    let db = &state.db;
    let agencies = agency::Entity::find().count(db).await?;
    if agencies > 0 && !marker::is_demo(db).await? {
        return Err(crate::error::AppError::InvalidState(
            "this database holds data that the demo did not load (no demo marker): --demo would mint \
             ADMIN tokens for it. Serve it without --demo, or give --demo an empty database"
                .into(),
        ));
    }
    if agencies == 0 {
        seed_places(state, operator_name).await?;
        seed_activity(state).await?;
    }
    issue_tokens(state, operator_name).await
}

/// The first part of the demo, into an empty database: the province's districts with their figures, and
/// the province's and districts' agencies. Enough for whatever needs places and callers but no activity.
pub async fn seed_places(state: &AppState, operator_name: &str) -> AppResult<()> {
    marker::mark_demo(&state.db).await?;
    places::seed(state, operator_name).await
}

/// The rest of the demo, after [`seed_places`]: stock, lots and transfers at each step; checkpoints with
/// a week of screenings; returnees with their follow-ups; quarantine facilities and cases, vessel calls
/// and a port cohort; daily and weekly reports; epidemic levels with commune figures and a declaration;
/// data calls and targets; the 15-17 allocations.
pub async fn seed_activity(state: &AppState) -> AppResult<()> {
    stock::seed(state).await?;
    checkpoints::seed(state).await?;
    // Levels come before returnees: the committee's declarations are in the register the posts consult.
    reports::seed(state).await?;
    levels::seed(state).await?;
    returnees::seed(state).await?;
    quarantine::seed(state).await?;
    datacalls::seed(state).await?;
    adolescents::seed(state).await
}

/// Fresh tokens for the demo's agencies (see [`PROVINCE_AGENCIES`] and [`DISTRICT_TOKENS`]), issued by
/// the operator; the places must be seeded.
pub async fn issue_tokens(state: &AppState, operator_name: &str) -> AppResult<Vec<DemoToken>> {
    let (db, keys) = (&state.db, &*state.keys);
    let province_id = district::Entity::find()
        .filter(district::Column::Code.eq("380"))
        .one(db)
        .await?
        .map_or(0, |d| d.province_id);
    let operator = Actor::operator(province_id, operator_name);
    let wanted = PROVINCE_AGENCIES
        .iter()
        .map(|(code, _, _, role)| (*code, *role))
        .chain(DISTRICT_TOKENS);
    let mut tokens = Vec::new();
    for (code, role) in wanted {
        let issued = crate::admin::tokens::issue(
            &state.ctx(&operator),
            keys,
            NewToken {
                agency_code: code.into(),
                role,
                subject: format!("demo-{code}"),
                ttl: Duration::days(30),
                note: Some("demo".into()),
            },
        )
        .await?;
        tokens.push(DemoToken {
            agency: code.into(),
            role,
            token: issued.text,
        });
    }
    Ok(tokens)
}
