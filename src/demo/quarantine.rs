//! The demo's quarantine and port gate: two facilities near capacity, home isolations under signed
//! commitments with overdue tests, three vessels at Nghi Sơn port (held: one crew member untested;
//! released; blocked by a positive), and a cargo-inspector cohort with one overdue member. Names of
//! people and vessels are invented.

use chrono::{Duration, Utc};
use entity::{
    CrewRole, FacilityKind, QuarantineCategory, QuarantineKind, Role, TestKind, TestResult,
    cohort_member,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::admin::agencies;
use crate::auth::Actor;
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::ports::calls::{self, NewCrewMember, NewCrewTest, NewVesselCall};
use crate::ports::cohorts::{self, NewCohortTest, NewMember, NewPlan};
use crate::quarantine::cases::{self, Commitment, NewCase};
use crate::quarantine::facilities::{self, NewFacility};
use crate::quarantine::schedule::{self, CaseTest};
use crate::state::AppState;

const PORT: &str = "TH-CANG-NGHISON";

pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let health = agencies::by_code(&state.db, "health").await?;
    let officer = Actor::acting_as(&health, None, Role::Editor, "demo-loader");
    let ctx = state.ctx(&officer);
    facilities_and_cases(&ctx).await?;
    vessels(&ctx).await?;
    cohort(&ctx).await
}

async fn facilities_and_cases(ctx: &Ctx<'_>) -> AppResult<()> {
    let sites = [
        (
            "KCL-TP-THANHHOA",
            "Khu cách ly tập trung TP Thanh Hóa",
            "380",
            6,
            5,
        ),
        ("KCL-NGHISON", "Khu cách ly Nghi Sơn", "407", 4, 3),
    ];
    let mut n = 0;
    for (code, name, district, capacity, taken) in sites {
        facilities::create(
            ctx,
            NewFacility {
                code: code.into(),
                name: name.into(),
                district_code: district.into(),
                commune_code: None,
                address: None,
                kind: FacilityKind::Concentrated,
                capacity,
            },
        )
        .await?;
        for _ in 0..taken {
            n += 1;
            let mut case = person(n, district, QuarantineKind::Concentrated);
            case.facility_code = Some(code.into());
            cases::open(ctx, case).await?;
        }
    }
    // Home isolations that began four days ago: the day-1 test taken, the day-3 test overdue.
    let began = Utc::now() - Duration::days(4);
    for (commune_code, commune) in [
        ("14767", "Phường Điện Biên"),
        ("14776", "Phường Ba Đình"),
        ("14773", "Phường Lam Sơn"),
    ] {
        n += 1;
        let mut case = person(n, "380", QuarantineKind::HomeIsolation);
        case.commune_code = Some(commune_code.into());
        case.address = Some(format!("{n} Lê Lợi, {commune}"));
        case.started_at = Some(began);
        case.commitment = Some(Commitment {
            person_name: case.full_name.clone(),
            household_name: format!("Chủ hộ {n}"),
            signed_at: began,
        });
        let opened = cases::open(ctx, case).await?;
        let test = CaseTest {
            case_id: opened.id,
            test_id: None,
            kind: TestKind::RtPcr,
            result: TestResult::Negative,
            taken_at: began + Duration::hours(20),
        };
        schedule::record(ctx, test).await?;
    }
    n += 1;
    let mut returnee = person(n, "381", QuarantineKind::SelfMonitoring);
    returnee.category = QuarantineCategory::Returnee;
    cases::open(ctx, returnee).await?;
    Ok(())
}

fn person(n: usize, district: &str, kind: QuarantineKind) -> NewCase {
    const NAMES: [&str; 6] = [
        "Nguyễn Văn",
        "Trần Thị",
        "Lê Văn",
        "Phạm Thị",
        "Hoàng Văn",
        "Vũ Thị",
    ];
    NewCase {
        category: QuarantineCategory::F1,
        kind,
        full_name: format!("{} Cách Ly {n}", NAMES[n % NAMES.len()]),
        id_number: Some(format!("0381900{n:05}")),
        phone: Some(format!("0913{n:06}")),
        address: None,
        district_code: district.into(),
        commune_code: None,
        facility_code: None,
        started_at: None,
        planned_end_at: None,
        commitment: None,
        follow_up_id: None,
    }
}

/// Three vessels: held (one crew member untested), released, blocked by a positive (which alerts health
/// and opens an F0 case).
async fn vessels(ctx: &Ctx<'_>) -> AppResult<()> {
    let now = Utc::now();
    let ships = [
        (
            "Nghi Sơn Star",
            "IMO9701234",
            "Việt Nam",
            20,
            [Some(TestResult::Negative), Some(TestResult::Negative), None],
        ),
        (
            "Hoàng Anh 68",
            "TH-6868",
            "Việt Nam",
            30,
            [
                Some(TestResult::Negative),
                Some(TestResult::Negative),
                Some(TestResult::Negative),
            ],
        ),
        (
            "Pacific Trader",
            "IMO9512345",
            "Panama",
            10,
            [
                Some(TestResult::Negative),
                Some(TestResult::Positive),
                Some(TestResult::Negative),
            ],
        ),
    ];
    for (i, (name, registration, flag, hours_ago, results)) in ships.into_iter().enumerate() {
        let arrived_at = now - Duration::hours(hours_ago);
        let crew = ["Thuyền Trưởng", "Thủy Thủ Một", "Thủy Thủ Hai"]
            .iter()
            .enumerate()
            .map(|(j, who)| NewCrewMember {
                full_name: format!("{who} {}", i + 1),
                id_number: format!("SB{}{j:04}", i + 1),
                role: if j == 0 {
                    CrewRole::Captain
                } else {
                    CrewRole::Crew
                },
            })
            .collect();
        let call = calls::record(
            ctx,
            NewVesselCall {
                checkpoint_code: PORT.into(),
                vessel_name: name.into(),
                registration: registration.into(),
                flag: flag.into(),
                arrived_at,
                last_ports: vec!["Hải Phòng".into(), "Cái Lân".into()],
                crew,
                idempotency_key: None,
            },
        )
        .await?;
        let members = entity::crew_member::Entity::find()
            .filter(entity::crew_member::Column::VesselCallId.eq(call.id))
            .order_by_asc(entity::crew_member::Column::Id)
            .all(ctx.db)
            .await?;
        for (member, result) in members.iter().zip(results) {
            if let Some(result) = result {
                let test = NewCrewTest {
                    crew_member_id: member.id,
                    kind: TestKind::RtPcr,
                    result,
                    taken_at: arrived_at + Duration::hours(2),
                };
                calls::record_test(ctx, test).await?;
            }
        }
    }
    Ok(())
}

/// The port's cargo inspectors: a rapid test every 8-hour shift and RT-PCR every 3 days. They joined
/// the plan half a day ago; two were tested an hour ago, the third is overdue.
async fn cohort(ctx: &Ctx<'_>) -> AppResult<()> {
    let members = (1..=3)
        .map(|i| NewMember {
            full_name: format!("Kiểm Hóa Viên {i}"),
            id_number: None,
            rapid_every_hours: None,
            pcr_every_days: None,
        })
        .collect();
    let plan = cohorts::create(
        ctx,
        NewPlan {
            name: "Cán bộ kiểm hóa cảng Nghi Sơn".into(),
            checkpoint_code: Some(PORT.into()),
            district_code: None,
            rapid_every_hours: Some(8),
            pcr_every_days: Some(3),
            members,
        },
    )
    .await?;
    // Demo data only: the members joined half a day ago (the service stamps them now).
    cohort_member::Entity::update_many()
        .col_expr(
            cohort_member::Column::CreatedAt,
            Expr::value(Utc::now() - Duration::hours(12)),
        )
        .filter(cohort_member::Column::PlanId.eq(plan.id))
        .exec(ctx.db)
        .await?;
    let joined = cohort_member::Entity::find()
        .filter(cohort_member::Column::PlanId.eq(plan.id))
        .order_by_asc(cohort_member::Column::Id)
        .all(ctx.db)
        .await?;
    for member in joined.iter().take(2) {
        let test = NewCohortTest {
            member_id: member.id,
            kind: TestKind::RapidAntigen,
            result: TestResult::Negative,
            taken_at: Utc::now() - Duration::hours(1),
        };
        cohorts::record_test(ctx, test).await?;
    }
    Ok(())
}
