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
    events: &crate::events::EventBus,
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
        seed_stock(db, events).await?;
        seed_checkpoints(db, events).await?;
        seed_reports(db, events).await?;
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
    let write = crate::db::begin_write(db).await?;
    let txn: &sea_orm::DatabaseTransaction = &write;
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
        row.update(txn).await?;
    }
    audit::record(
        txn,
        operator,
        chrono::Utc::now(),
        Change {
            action: "demo.figures",
            entity: "district",
            entity_id: format!("{} districts", districts.len()),
            before: None::<&()>,
            after: Some(&serde_json::json!({ "illustrative": true })),
        },
    )
    .await?;
    write.commit().await?;
    Ok(())
}

/// Demo stock: lots of several vaccines across the districts, with recent administrations, so that some
/// districts hold far more than they use, some run short, and some lots are close to expiry; and a few
/// transfers at each step of the workflow.
pub async fn seed_stock(
    db: &DatabaseConnection,
    events: &crate::events::EventBus,
) -> AppResult<()> {
    use crate::stock::service::{self as stock, Consume, ReceiveLot};
    use crate::transfers::service::{self as transfers, RequestTransfer};

    let health = admin::find_agency(db, "health").await?;
    let actor = Actor::acting_as(&health, None, Role::Approver, "demo-loader");
    let today = crate::clock::today();
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(health.province_id))
        .all(db)
        .await?;
    let mut first_lots = Vec::new();
    for (i, d) in districts.iter().enumerate() {
        let n: i64 = d.code.parse().unwrap_or(0);
        // Doses given per day recently, and how many days of that pace the district holds.
        let rate = 20 + (n * 37) % 180;
        let days_held = [90, 8, 35, 20][i % 4];
        let mut lots = vec![(
            "ASTRAZENECA",
            format!("AZ{}{:03}", 2100 + (n % 7), n),
            rate * (days_held + 14),
            60 + n % 90,
            rate,
        )];
        if i % 3 == 0 {
            // Pfizer close to expiry where it is used slowly: the directive's "doses left to expire".
            lots.push((
                "PFIZER",
                format!("PF{}{:03}", 3100 + (n % 5), n),
                600 + (n % 4) * 150 + 10 * 14,
                5 + n % 9,
                10,
            ));
        } else if i % 3 == 1 {
            // Districts that use Pfizer fast and hold little of it.
            lots.push((
                "PFIZER",
                format!("PF{}{:03}", 3200 + (n % 5), n),
                300 + 60 * 14,
                40,
                60,
            ));
        }
        if i % 2 == 0 {
            lots.push((
                "VEROCELL",
                format!("VC{}{:03}", 4200 + (n % 3), n),
                2_000 + (n % 6) * 500 + 40 * 14,
                150,
                40,
            ));
        }
        if i % 9 == 4 {
            lots.push((
                "ABDALA",
                format!("AB{}{:03}", 5300, n),
                3_000 + 60 * 14,
                120,
                60,
            ));
        }
        for (vaccine, lot_number, doses, expires_in, daily) in lots {
            let (lot, _) = stock::receive_lot(
                db,
                &actor,
                ReceiveLot {
                    district_code: d.code.clone(),
                    vaccine_code: vaccine.into(),
                    lot_number,
                    expires_on: today + Duration::days(expires_in),
                    doses,
                    allocation_ref: Some("Quyết định phân bổ (illustrative)".into()),
                    idempotency_key: None,
                },
            )
            .await?;
            // Two weeks of administrations in two entries.
            for dose_number in [1, 2] {
                let consume = Consume {
                    lot_id: lot.id,
                    doses: daily * 7,
                    dose_number: Some(dose_number),
                    reason: None,
                    idempotency_key: None,
                };
                stock::record_administration(db, &actor, consume).await?;
            }
            if vaccine == "ASTRAZENECA" {
                first_lots.push(lot);
            }
        }
    }
    // A few transfers, one at each step.
    let pairs: Vec<(usize, usize)> = vec![(0, 1), (4, 5), (8, 9), (12, 13), (16, 17)];
    for (step, (from, to)) in pairs.into_iter().enumerate() {
        let (Some(lot), Some(dest)) = (first_lots.get(from), districts.get(to)) else {
            continue;
        };
        let request = RequestTransfer {
            lot_id: lot.id,
            to_district_code: dest.code.clone(),
            doses: 500,
            reason: Some("short of doses for second injections".into()),
            idempotency_key: None,
        };
        let t = transfers::request(db, events, &actor, request).await?;
        if step >= 1 {
            transfers::approve(db, events, &actor, t.id).await?;
        }
        if step >= 2 {
            transfers::dispatch(db, events, &actor, t.id).await?;
        }
        if step >= 3 {
            transfers::receive(
                db,
                events,
                &actor,
                t.id,
                if step == 4 { 490 } else { 500 },
                (step == 4).then(|| "one box of 10 doses broken in transit".into()),
            )
            .await?;
        }
    }
    Ok(())
}

/// Checkpoints: code, name, district, kind, route marker, open? Names are illustrative where the
/// public record gives none: Thanh Hóa kept seven posts and paused five on 19/10/2021.
/// code, name, district code, kind, route marker, open.
type DemoCheckpoint = (
    &'static str,
    &'static str,
    &'static str,
    entity::CheckpointKind,
    Option<&'static str>,
    bool,
);

const CHECKPOINTS: [DemoCheckpoint; 12] = {
    use entity::CheckpointKind::*;
    [
        (
            "TH-QL1-BIMSON",
            "Chốt QL1A Bỉm Sơn (giáp Ninh Bình)",
            "381",
            Road,
            Some("QL1 Km283+500"),
            true,
        ),
        (
            "TH-QL1-NGHISON",
            "Chốt QL1A Nghi Sơn (giáp Nghệ An)",
            "407",
            Road,
            Some("QL1 Km378+200"),
            true,
        ),
        (
            "TH-HCM-THACHTHANH",
            "Chốt đường Hồ Chí Minh, Thạch Thành (giáp Hòa Bình)",
            "391",
            Road,
            Some("HCM Km1286"),
            true,
        ),
        (
            "TH-GA-THANHHOA",
            "Ga Thanh Hóa",
            "380",
            RailStation,
            None,
            true,
        ),
        (
            "TH-SB-THOXUAN",
            "Cảng hàng không Thọ Xuân",
            "395",
            Airport,
            None,
            true,
        ),
        (
            "TH-CK-NAMEO",
            "Cửa khẩu quốc tế Na Mèo",
            "387",
            BorderGate,
            Some("QL217 Km196"),
            true,
        ),
        (
            "TH-CANG-NGHISON",
            "Cảng biển Nghi Sơn",
            "407",
            Seaport,
            None,
            true,
        ),
        (
            "TH-QL45-NHUTHANH",
            "Chốt QL45 Như Thanh",
            "403",
            Road,
            Some("QL45 Km71"),
            false,
        ),
        (
            "TH-QL217-CAMTHUY",
            "Chốt QL217 Cẩm Thủy",
            "390",
            Road,
            Some("QL217 Km89"),
            false,
        ),
        (
            "TH-CK-TENTAN",
            "Cửa khẩu Tén Tằn",
            "384",
            BorderGate,
            None,
            false,
        ),
        (
            "TH-QL47-TRIEUSON",
            "Chốt QL47 Triệu Sơn",
            "397",
            Road,
            Some("QL47 Km30"),
            false,
        ),
        (
            "TH-BEN-LACHHOI",
            "Bến thủy nội địa Lạch Hới",
            "382",
            InlandWaterway,
            None,
            false,
        ),
    ]
};

/// Checkpoints with their staff and history, and a week of screenings at the open ones, a few of which
/// raise alerts. Names of people are invented.
pub async fn seed_checkpoints(
    db: &DatabaseConnection,
    events: &crate::events::EventBus,
) -> AppResult<()> {
    use crate::checkpoints::service::{self as checkpoints, CheckpointInput, NewScreening};
    use entity::{
        CheckpointKind, CheckpointStatus, Decision, Direction, TestKind, TestResult, VehicleKind,
    };

    let police = admin::find_agency(db, "police").await?;
    let officer = Actor::acting_as(&police, None, Role::Editor, "demo-loader");
    let paused_on = chrono::NaiveDate::from_ymd_opt(2021, 10, 19)
        .and_then(|d| d.and_hms_opt(1, 0, 0))
        .map(|t| t.and_utc());
    for (code, name, district, kind, marker, open) in CHECKPOINTS {
        let border = kind == CheckpointKind::BorderGate;
        let staff = vec![
            if border {
                "border-guard".to_owned()
            } else {
                "police".to_owned()
            },
            "transport".to_owned(),
            format!("health-{district}"),
        ];
        let input = CheckpointInput {
            code: code.into(),
            name: Some(name.into()),
            district_code: Some(district.into()),
            kind: Some(kind),
            route_marker: marker.map(str::to_owned),
            staffing_agency_codes: Some(staff),
            ..Default::default()
        };
        checkpoints::create_checkpoint(db, &officer, input).await?;
        if !open {
            let reason = Some(
                "Thanh Hóa kept seven posts and paused five on 19/10/2021 (safe adaptation)"
                    .to_owned(),
            );
            checkpoints::set_status(
                db,
                &officer,
                code,
                CheckpointStatus::Paused,
                reason,
                paused_on,
                None,
            )
            .await?;
        }
    }
    let names = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Cường",
        "Phạm Thị Dung",
        "Hoàng Văn Em",
        "Vũ Thị Hoa",
        "Đặng Văn Giang",
    ];
    let now = Utc::now();
    let mut n: i64 = 0;
    for (code, _, district, kind, _, _) in CHECKPOINTS.iter().filter(|c| c.5) {
        for day in 0..7 {
            for slot in 0..3 {
                n += 1;
                let positive = n % 23 == 0;
                let symptoms = n % 31 == 0;
                let decision = if positive {
                    Decision::Quarantined
                } else if symptoms {
                    Decision::ReferredToHealth
                } else if n % 17 == 0 {
                    Decision::TurnedBack
                } else {
                    Decision::Allowed
                };
                let tested = positive || n % 3 == 0;
                let vehicle_kind = match kind {
                    CheckpointKind::RailStation => VehicleKind::Train,
                    CheckpointKind::Airport => VehicleKind::Aircraft,
                    CheckpointKind::Seaport => VehicleKind::Boat,
                    _ => [
                        VehicleKind::Car,
                        VehicleKind::Truck,
                        VehicleKind::Bus,
                        VehicleKind::Motorbike,
                    ][(n % 4) as usize],
                };
                let screening = NewScreening {
                    checkpoint_code: (*code).into(),
                    recorded_at: now - Duration::days(day) - Duration::hours(2 + slot * 5),
                    direction: if n % 2 == 0 {
                        Direction::Inbound
                    } else {
                        Direction::Outbound
                    },
                    vehicle_plate: matches!(
                        vehicle_kind,
                        VehicleKind::Car | VehicleKind::Truck | VehicleKind::Bus
                    )
                    .then(|| format!("36A-{:05}", 10_000 + n * 37 % 89_999)),
                    vehicle_kind,
                    people_count: 1 + (n % 4) as i32,
                    origin_province_code: Some(
                        ["01", "79", "37", "40", "27"][(n % 5) as usize].into(),
                    ),
                    origin_district_code: None,
                    from_epidemic_area: n % 5 == 1,
                    health_declared: n % 7 != 0,
                    test_kind: if tested {
                        TestKind::RapidAntigen
                    } else {
                        TestKind::None
                    },
                    test_result: tested.then_some(if positive {
                        TestResult::Positive
                    } else {
                        TestResult::Negative
                    }),
                    test_taken_at: tested
                        .then(|| now - Duration::days(day) - Duration::hours(2 + slot * 5)),
                    doses_shown: Some((n % 3) as i32),
                    symptoms,
                    decision,
                    full_name: Some(names[(n % 7) as usize].into()),
                    id_number: Some(format!("0380900{:05}", n)),
                    phone: Some(format!("09{:08}", 12_345_000 + n)),
                    destination_address: Some(format!("Thôn {}, {}", 1 + n % 9, district)),
                    destination_district_code: Some((*district).into()),
                    idempotency_key: None,
                };
                checkpoints::record_screening(db, events, &officer, screening).await?;
            }
        }
    }
    Ok(())
}

/// A week of daily vaccination reports from the district health centres (a few late, a few missing),
/// the district committee of 386 disagreeing with its health centre, and two weeks of epidemic figures
/// that put districts on every level. Figures are illustrative.
pub async fn seed_reports(
    db: &DatabaseConnection,
    events: &crate::events::EventBus,
) -> AppResult<()> {
    use crate::reports::service::{self as reports, Figures, SaveReport, Step};
    use chrono::{Datelike, NaiveTime};
    use entity::ReportKind;

    let health = admin::find_agency(db, "health").await?;
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
        let centre = admin::find_agency(db, &format!("health-{}", d.code)).await?;
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
                let committee = admin::find_agency(db, "committee-386").await?;
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
