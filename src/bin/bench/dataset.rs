//! The province-scale data set: 30 districts, 3,000 lots (100 per district, interleaved), 30,000
//! transfers (10 per lot, at every status), a checkpoint per district and any number of screenings.
//! Deterministic, like the peer's seed, and written straight into the tables in large batches: this is a
//! fixture for measuring reads, not a history (transfers are not replayed through the ledger; each lot's
//! ledger is its one receipt).

use chrono::{DateTime, Duration, Utc};
use entity::{
    AgencyKind, CheckpointKind, CheckpointStatus, Decision, Direction, DistrictKind,
    StockEventKind, TestKind, TransferStatus, VehicleKind, agency, api_token, checkpoint, district,
    province, screening, stock_event, transfer, vaccine, vaccine_lot,
};
use lienthong::auth::Keys;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Set,
    TransactionTrait,
};

pub const DISTRICTS: i32 = 30;
pub const LOTS: i32 = 3_000;
pub const TRANSFERS: i32 = 30_000;
/// Rows per INSERT: under SQLite's and PostgreSQL's bound-parameter limits for the widest table.
const BATCH: usize = 500;
/// One screening every 30 seconds somewhere in the province, going back in time from `now`.
const SCREENING_EVERY_SECS: i64 = 30;

/// The agency and token every benchmark request uses: province health, APPROVER.
pub const AGENCY: &str = "health";
pub const SUBJECT: &str = "benchmark";
/// Signing secret of the server under test (a benchmark database holds nothing worth protecting).
pub const SECRET: &str = "benchmark-secret-benchmark-secret-0123456789";

pub fn district_code(n: i32) -> String {
    format!("B{n:02}")
}

/// Loads districts, lots and transfers into an empty, migrated database.
pub async fn load_province(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), String> {
    let txn = db.begin().await.map_err(err)?;
    let province = province::ActiveModel {
        code: Set("90".into()),
        name: Set("Tỉnh mẫu (benchmark)".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(err)?;
    insert_each(&txn, DISTRICTS, |g| {
        let population = 50_000 + i64::from(g * 7919) % 450_000;
        district::ActiveModel {
            code: Set(district_code(g)),
            name: Set(format!("Huyện mẫu {g}")),
            search_name: Set(format!("huyen mau {g}")),
            kind: Set(DistrictKind::District),
            province_id: Set(province.id),
            population: Set(Some(population)),
            population_year: Set(Some(2021)),
            population_illustrative: Set(true),
            adults_18_plus: Set(Some(population * i64::from(60 + g % 20) / 100)),
            treatment_beds: Set(Some(200)),
            intensive_care_beds: Set(Some(20)),
            ..fresh(now)
        }
    })
    .await?;
    agency::ActiveModel {
        code: Set(AGENCY.into()),
        name: Set("Sở Y tế (benchmark)".into()),
        kind: Set(AgencyKind::Health),
        province_id: Set(province.id),
        ..fresh(now)
    }
    .insert(&txn)
    .await
    .map_err(err)?;

    let vaccines: Vec<i32> = vaccine::Entity::find()
        .order_by_asc(vaccine::Column::Id)
        .all(&txn)
        .await
        .map_err(err)?
        .into_iter()
        .map(|v| v.id)
        .collect();
    let vaccine_of = |g: i32| vaccines[(g as usize) % vaccines.len()];
    let district_of_lot = |g: i32| (g - 1) % DISTRICTS + 1;
    let status_of = |g: i32| match g % 5 {
        0 => TransferStatus::Requested,
        1 => TransferStatus::Approved,
        2 => TransferStatus::Dispatched,
        3 => TransferStatus::Received,
        _ => TransferStatus::Cancelled,
    };
    let lot_of_transfer = |g: i32| (g - 1) % LOTS + 1;
    // What approved transfers hold back on each lot.
    let mut reserved = vec![0_i64; LOTS as usize + 1];
    for g in 1..=TRANSFERS {
        if status_of(g) == TransferStatus::Approved {
            reserved[lot_of_transfer(g) as usize] += 1 + i64::from(g * 17 % 50);
        }
    }
    let today = lienthong::clock::today();
    insert_each(&txn, LOTS, |g| vaccine_lot::ActiveModel {
        lot_number: Set(format!("LOT-{g:06}")),
        vaccine_id: Set(vaccine_of(g)),
        district_id: Set(district_of_lot(g)),
        expires_on: Set(today + Duration::days(30 + i64::from(g * 11 % 700))),
        doses_on_hand: Set(1_000 + i64::from(g * 37 % 900)),
        doses_reserved: Set(reserved[g as usize]),
        ..fresh(now)
    })
    .await?;
    insert_each(&txn, LOTS, |g| stock_event::ActiveModel {
        lot_id: Set(g),
        kind: Set(StockEventKind::Received),
        doses: Set(1_000 + i64::from(g * 37 % 900)),
        agency_code: Set(AGENCY.into()),
        subject: Set(SUBJECT.into()),
        at: Set(now),
        ..Default::default()
    })
    .await?;

    insert_each(&txn, TRANSFERS, |g| {
        let lot = lot_of_transfer(g);
        let from = district_of_lot(lot);
        let status = status_of(g);
        let at = now - Duration::seconds(i64::from(TRANSFERS - g) * 97);
        let past = |reached: bool| if reached { Some(at) } else { None };
        let by = |reached: bool| reached.then(|| SUBJECT.to_owned());
        let approved = matches!(
            status,
            TransferStatus::Approved | TransferStatus::Dispatched | TransferStatus::Received
        );
        let dispatched = matches!(
            status,
            TransferStatus::Dispatched | TransferStatus::Received
        );
        let received = status == TransferStatus::Received;
        let closed = status == TransferStatus::Cancelled;
        let doses = 1 + i64::from(g * 17 % 50);
        transfer::ActiveModel {
            from_lot_id: Set(lot),
            from_district_id: Set(from),
            to_district_id: Set((from + g % 29) % DISTRICTS + 1),
            vaccine_id: Set(vaccine_of(lot)),
            doses: Set(doses),
            status: Set(status),
            doses_received: Set(received.then_some(doses)),
            closing_reason: Set(closed.then(|| "no longer needed".to_owned())),
            requested_by: Set(SUBJECT.into()),
            requested_at: Set(at),
            approved_by: Set(by(approved)),
            approved_at: Set(past(approved)),
            dispatched_by: Set(by(dispatched)),
            dispatched_at: Set(past(dispatched)),
            received_by: Set(by(received)),
            received_at: Set(past(received)),
            closed_by: Set(by(closed)),
            closed_at: Set(past(closed)),
            ..fresh(at)
        }
    })
    .await?;

    insert_each(&txn, DISTRICTS, |g| checkpoint::ActiveModel {
        code: Set(format!("CP-{g:02}")),
        name: Set(format!("Chốt mẫu {g}")),
        district_id: Set(g),
        kind: Set(CheckpointKind::Road),
        status: Set(CheckpointStatus::Open),
        status_since: Set(now),
        ..fresh(now)
    })
    .await?;
    txn.commit().await.map_err(err)
}

/// Adds screenings `from..to` (counted back in time from `now`, round-robin over the checkpoints), so a
/// table grows by calling this again with a later range.
pub async fn load_screenings(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    from: i64,
    to: i64,
) -> Result<(), String> {
    let agency = agency_id(db).await?;
    let mut k = from;
    while k < to {
        let end = (k + 50 * BATCH as i64).min(to);
        let txn = db.begin().await.map_err(err)?;
        let mut rows = Vec::with_capacity(BATCH);
        for i in k..end {
            let checkpoint = (i % i64::from(DISTRICTS)) as i32 + 1;
            let at = now - Duration::seconds(i * SCREENING_EVERY_SECS);
            rows.push(screening::ActiveModel {
                checkpoint_id: Set(checkpoint),
                district_id: Set(checkpoint),
                recorded_at: Set(at),
                recorded_by_agency_id: Set(agency),
                recorded_by: Set(SUBJECT.into()),
                direction: Set(if i % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                }),
                vehicle_kind: Set(VehicleKind::Motorbike),
                people_count: Set(1 + (i % 4) as i32),
                from_epidemic_area: Set(i % 7 == 0),
                health_declared: Set(true),
                test_kind: Set(TestKind::None),
                symptoms: Set(false),
                decision: Set(Decision::Allowed),
                created_at: Set(at),
                ..Default::default()
            });
            if rows.len() == BATCH {
                insert(&txn, std::mem::take(&mut rows)).await?;
            }
        }
        insert(&txn, rows).await?;
        txn.commit().await.map_err(err)?;
        k = end;
    }
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        db.execute_unprepared("ANALYZE").await.map_err(err)?;
    }
    Ok(())
}

/// Stores a token row with a chosen id and returns the signed token, so that a token can be known before
/// the database it is valid in exists (the peer script takes it up front).
pub async fn store_token(
    db: &DatabaseConnection,
    keys: &Keys,
    jti: &str,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let expires = now + Duration::days(30);
    api_token::ActiveModel {
        jti: Set(jti.into()),
        agency_id: Set(agency_id(db).await?),
        subject: Set(SUBJECT.into()),
        role: Set(entity::Role::Approver),
        issued_by: Set(SUBJECT.into()),
        issued_at: Set(now),
        expires_at: Set(expires),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(err)?;
    sign(keys, jti, now)
}

/// The token for `jti`, valid 30 days from `issued`.
pub fn sign(keys: &Keys, jti: &str, issued: DateTime<Utc>) -> Result<String, String> {
    keys.sign(
        SUBJECT,
        AGENCY,
        "APPROVER",
        jti,
        issued,
        issued + Duration::days(30),
    )
    .map_err(err)
}

async fn agency_id(db: &DatabaseConnection) -> Result<i32, String> {
    lienthong::admin::agencies::by_code(db, AGENCY)
        .await
        .map(|a| a.id)
        .map_err(err)
}

/// Inserts `row(g)` for each `g` in `1..=count`.
async fn insert_each<A, C>(db: &C, count: i32, row: impl Fn(i32) -> A) -> Result<(), String>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    insert(db, (1..=count).map(row).collect()).await
}

/// Rows as they stand when first written: version 1, created and last updated at `at`.
trait Fresh {
    fn fresh(at: DateTime<Utc>) -> Self;
}

macro_rules! fresh {
    ($($module:ident),*) => {$(
        impl Fresh for $module::ActiveModel {
            fn fresh(at: DateTime<Utc>) -> Self {
                $module::ActiveModel {
                    version: Set(1),
                    created_at: Set(at),
                    updated_at: Set(at),
                    ..Default::default()
                }
            }
        }
    )*};
}

fresh!(agency, checkpoint, district, transfer, vaccine_lot);

fn fresh<A: Fresh>(at: DateTime<Utc>) -> A {
    A::fresh(at)
}

async fn insert<A, C>(db: &C, rows: Vec<A>) -> Result<(), String>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    for chunk in rows.chunks(BATCH) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .map_err(err)?;
    }
    Ok(())
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}
