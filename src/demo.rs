//! The demo data set: Thanh Hóa (38) with its 27 districts, its agencies, and ready tokens.
//!
//! District codes and names are the real 2021 GSO list. Populations missing from that list are filled
//! with illustrative values (flagged `populationIllustrative`), as are adults 18+ and bed counts: they
//! are plausible, not official.

use chrono::{Duration, Utc};
use entity::{AgencyKind, Role, agency, district};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

use crate::admin::service::{self as admin, NewAgency, NewToken};
use crate::audit::{self, Change};
use crate::auth::{Actor, Keys};
use crate::districts::import;
use crate::error::AppResult;

pub const PROVINCE_CODE: &str = "38";
const DISTRICTS_CSV: &str = include_str!("../data/districts-2021.csv");

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
/// the demo set, only issues fresh tokens. On any other non-empty database, does nothing (`None`).
pub async fn load(
    db: &DatabaseConnection,
    keys: &Keys,
    operator_name: &str,
) -> AppResult<Option<Vec<DemoToken>>> {
    let agencies = agency::Entity::find().count(db).await?;
    let has_demo = agency::Entity::find()
        .filter(agency::Column::Code.eq("admin"))
        .one(db)
        .await?
        .is_some();
    if agencies > 0 && !has_demo {
        return Ok(None);
    }
    if agencies == 0 {
        seed(db, operator_name).await?;
    }
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
        let issued = admin::issue_token(
            db,
            keys,
            &operator,
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
    Ok(Some(tokens))
}

async fn seed(db: &DatabaseConnection, operator_name: &str) -> AppResult<()> {
    let rows: Vec<_> = import::parse(DISTRICTS_CSV.as_bytes())?
        .into_iter()
        .filter(|r| r.province_code == PROVINCE_CODE)
        .collect();
    import::import(db, &Actor::operator(0, operator_name), &rows).await?;
    let districts = district::Entity::find()
        .filter(district::Column::Code.is_in(rows.iter().map(|r| r.code.clone())))
        .all(db)
        .await?;
    let province_id = districts.first().map_or(0, |d| d.province_id);
    let operator = Actor::operator(province_id, operator_name);
    fill_illustrative_figures(db, &operator, &districts).await?;
    for (code, name, kind, _) in PROVINCE_AGENCIES {
        admin::create_agency(
            db,
            &operator,
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
            admin::create_agency(db, &operator, new).await?;
        }
    }
    Ok(())
}

/// Plausible figures where the official ones are missing; deterministic, so every demo looks alike.
async fn fill_illustrative_figures(
    db: &DatabaseConnection,
    operator: &Actor,
    districts: &[district::Model],
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
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
        row.version = Set(d.version + 1);
        row.updated_at = Set(now);
        row.update(&txn).await?;
    }
    audit::record(
        &txn,
        operator,
        Change {
            action: "demo.figures",
            entity: "district",
            entity_id: format!("{} districts", districts.len()),
            before: None::<&()>,
            after: Some(&serde_json::json!({ "illustrative": true })),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
