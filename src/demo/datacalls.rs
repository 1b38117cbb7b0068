//! The demo's data calls and targets: two sector departments answering the weekly call of 003 (one of
//! them late), the census of the unvaccinated with its 17:00 deadline and the Department of Health's
//! aggregate due at 11:00 the next day, targets for 15/12 with every district's heads named, and two
//! districts whose coverage is complete, so that rebalancing shows SURPLUS beside SHORTAGE.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use entity::{AddresseeLevel, AgencyKind, ReportKind, Role, TargetMeasure, district};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::admin::agencies::{self, NewAgency};
use crate::auth::Actor;
use crate::clock::{Clock, local_instant};
use crate::datacalls::answers::{self, SaveAnswer, Step};
use crate::datacalls::calls::{self, NewCall};
use crate::datacalls::compilation;
use crate::datacalls::forms::{self, NewField, NewForm};
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::reports::figures::Figures;
use crate::reports::workflow::{self, SaveReport};
use crate::state::AppState;
use crate::targets::settings::{self, SetHead, SetTarget};

/// Sector departments: code, name, sector.
const DEPARTMENTS: [(&str, &str, &str); 3] = [
    ("education", "Sở Giáo dục và Đào tạo", "Giáo dục"),
    ("labour", "Sở Lao động - Thương binh và Xã hội", "Lao động"),
    ("industry-trade", "Sở Công Thương", "Công Thương"),
];

fn local(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    local_instant(date, time).unwrap_or_default()
}

/// A context whose clock reads `at`, a past instant, so that what it writes tells the demo's story.
fn at<'a>(ctx: &Ctx<'a>, clock: &'a Clock, at: DateTime<Utc>) -> Ctx<'a> {
    clock.advance(at - clock.now());
    Ctx { clock, ..*ctx }
}

fn values(pairs: &[(&str, i64)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Saves and submits the answer of `agency` at `when`.
async fn answer(
    state: &AppState,
    code: &str,
    call_id: i32,
    pairs: &[(&str, i64)],
    when: DateTime<Utc>,
) -> AppResult<i32> {
    let agency = agencies::by_code(&state.db, code).await?;
    let district = match agency.district_id {
        Some(id) => Some(crate::districts::lookup::by_id(&state.db, id).await?.code),
        None => None,
    };
    let actor = Actor::acting_as(&agency, district, Role::Editor, "demo-loader");
    let clock = Clock::default();
    let ctx = at(&state.ctx(&actor), &clock, when);
    let input = SaveAnswer {
        call_id,
        values: values(pairs),
        expected_version: None,
    };
    let saved = answers::save(&ctx, input).await?;
    answers::step(&ctx, saved.id, Step::Submit).await?;
    Ok(saved.id)
}

pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let health = agencies::by_code(&state.db, "health").await?;
    let operator = Actor::operator(health.province_id, "demo-loader");
    for (code, name, sector) in DEPARTMENTS {
        let new = NewAgency {
            code: code.into(),
            name: name.into(),
            kind: AgencyKind::Department,
            district_code: None,
            sector: Some(sector.into()),
        };
        agencies::create(&state.ctx(&operator), new).await?;
    }
    let steering = agencies::by_code(&state.db, "steering").await?;
    let steering_actor = Actor::acting_as(&steering, None, Role::Approver, "demo-loader");
    let health_actor = Actor::acting_as(&health, None, Role::Approver, "demo-loader");
    let today = state.clock.today();
    weekly_sector_call(state, &steering_actor, today).await?;
    census_call(state, &health_actor, today).await?;
    targets(state, &health_actor, today).await?;
    complete_coverage(state, today).await
}

/// 003: every department and sector reports weekly before Wednesday. The week before last, education
/// answered a day late, labour on time, industry and trade not at all.
async fn weekly_sector_call(state: &AppState, steering: &Actor, today: NaiveDate) -> AppResult<()> {
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let period = this_monday - Duration::days(14);
    let deadline = local(period + Duration::days(9), 0, 0);
    let clock = Clock::default();
    let ctx = at(&state.ctx(steering), &clock, local(period, 8, 0));
    let field = |name: &str, label: &str, required: bool| NewField {
        name: name.into(),
        label: label.into(),
        kind: "INTEGER".into(),
        required,
        min: Some(0.0),
        max: None,
        choices: Vec::new(),
    };
    let form = forms::create(
        &ctx,
        NewForm {
            code: "SECTOR_WEEKLY".into(),
            name: "Báo cáo tuần của sở, ngành".into(),
            fields: vec![
                field("staff", "Số cán bộ, người lao động", true),
                field("staffDose1", "Đã tiêm mũi 1", true),
                field("staffFull", "Đã tiêm đủ liều", true),
                field("newCases", "Ca mắc mới trong ngành", false),
                NewField {
                    name: "situation".into(),
                    label: "Tình hình chung".into(),
                    kind: "CHOICE".into(),
                    required: true,
                    min: None,
                    max: None,
                    choices: vec!["ỔN ĐỊNH".into(), "CÓ DIỄN BIẾN MỚI".into()],
                },
            ],
            rules: vec![
                "staffDose1 <= staff".into(),
                "staffFull <= staffDose1".into(),
            ],
            default_due_time: None,
            idempotency_key: None,
        },
    )
    .await?;
    let call = calls::create(
        &ctx,
        NewCall {
            form_code: form.code,
            form_version: Some(form.version),
            title: Some(format!("Báo cáo tuần {} (003)", period.format("%d/%m"))),
            period,
            addressee_kinds: vec![AgencyKind::Department],
            addressee_level: AddresseeLevel::Province,
            district_codes: Vec::new(),
            deadline: Some(deadline),
            aggregate_deadline: None,
            compiler_agency_code: None,
            note: Some("Các sở, ngành báo cáo trước thứ Tư hằng tuần".into()),
            idempotency_key: None,
        },
    )
    .await?;
    for (code, staff, when) in [
        ("education", 32_000, deadline + Duration::hours(20)),
        ("labour", 900, deadline - Duration::hours(30)),
    ] {
        let pairs = [
            ("staff", staff),
            ("staffDose1", staff * 97 / 100),
            ("staffFull", staff * 90 / 100),
            ("newCases", 3),
        ];
        let agency = agencies::by_code(&state.db, code).await?;
        let actor = Actor::acting_as(&agency, None, Role::Editor, "demo-loader");
        let clock = Clock::default();
        let actx = at(&state.ctx(&actor), &clock, when);
        let mut given = values(&pairs);
        given.insert("situation".into(), "ỔN ĐỊNH".into());
        let saved = answers::save(
            &actx,
            SaveAnswer {
                call_id: call.id,
                values: given,
                expected_version: None,
            },
        )
        .await?;
        answers::step(&actx, saved.id, Step::Submit).await?;
    }
    Ok(())
}

/// 002: the census of the unvaccinated from every district committee by 17:00, compiled by the
/// Department of Health by 11:00 the next day. Yesterday's census: most districts answered, two late,
/// two not at all; the Department accepted what came in and sent its aggregate at 10:40 today.
async fn census_call(state: &AppState, health: &Actor, today: NaiveDate) -> AppResult<()> {
    let day = today - Duration::days(1);
    let clock = Clock::default();
    let ctx = at(&state.ctx(health), &clock, local(day, 7, 30));
    let call = calls::create(
        &ctx,
        NewCall {
            form_code: ReportKind::VaccinationCensus.as_str().into(),
            form_version: None,
            title: Some(format!(
                "Rà soát người chưa tiêm {} (002)",
                day.format("%d/%m")
            )),
            period: day,
            addressee_kinds: vec![AgencyKind::PeoplesCommittee],
            addressee_level: AddresseeLevel::District,
            district_codes: Vec::new(),
            deadline: Some(local(day, 17, 0)),
            aggregate_deadline: Some(local(today, 11, 0)),
            compiler_agency_code: None,
            note: Some("UBND các huyện gửi kết quả rà soát trước 17 giờ".into()),
            idempotency_key: None,
        },
    )
    .await?;
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(health.province_id))
        .order_by_asc(district::Column::Code)
        .all(&state.db)
        .await?;
    let mut accepted = Vec::new();
    for (i, d) in districts.iter().enumerate() {
        if i % 9 == 4 {
            continue; // missing
        }
        let adults = d.adults_18_plus.unwrap_or(50_000);
        let dose1 = adults * (90 + (i as i64 % 9)) / 100;
        let rest = adults - dose1;
        let pairs = [
            ("adults18Plus", adults),
            ("adultsDose1", dose1),
            ("adultsFull", dose1 * 85 / 100),
            ("unvaccinatedContraindicated", rest / 5),
            ("unvaccinatedDeferred", rest / 5),
            ("unvaccinatedRefused", rest / 10),
            ("unvaccinatedAbsent", rest / 4),
            (
                "unvaccinatedOther",
                rest - rest / 5 - rest / 5 - rest / 10 - rest / 4,
            ),
        ];
        let when = if i % 7 == 3 {
            local(day, 19, 15)
        } else {
            local(day, 16, 10)
        };
        let id = answer(
            state,
            &format!("committee-{}", d.code),
            call.id,
            &pairs,
            when,
        )
        .await?;
        accepted.push(id);
    }
    let review = at(&state.ctx(health), &clock, local(today, 9, 0));
    for id in accepted {
        answers::step(&review, id, Step::Accept).await?;
    }
    let send = at(&state.ctx(health), &clock, local(today, 10, 40));
    compilation::send(&send, call.id).await?;
    Ok(())
}

/// The 15/12 milestone of 002 (this year's, or next year's once it has passed): dose 1 for every
/// eligible adult and 75 % with the schedule completed; each district's secretary and chairman named.
async fn targets(state: &AppState, health: &Actor, today: NaiveDate) -> AppResult<()> {
    let ctx = state.ctx(health);
    let milestone = milestone_15_12(today);
    for (measure, share) in [
        (TargetMeasure::Dose1Adults, 1.0),
        (TargetMeasure::CompletedAdults, 0.75),
    ] {
        settings::set_target(
            &ctx,
            SetTarget {
                district_code: None,
                milestone,
                measure,
                share,
            },
        )
        .await?;
    }
    let districts = district::Entity::find()
        .filter(district::Column::ProvinceId.eq(health.province_id))
        .all(&state.db)
        .await?;
    // Illustrative names, not the real office holders.
    const FAMILY: [&str; 6] = ["Nguyễn", "Lê", "Trịnh", "Phạm", "Hoàng", "Đỗ"];
    const GIVEN: [&str; 6] = [
        "Văn Hùng",
        "Thị Lan",
        "Đình Nam",
        "Minh Tuấn",
        "Thị Hoa",
        "Quang Vinh",
    ];
    for (i, d) in districts.iter().enumerate() {
        for (j, title) in ["Bí thư Huyện ủy", "Chủ tịch UBND huyện"]
            .into_iter()
            .enumerate()
        {
            let name = format!("{} {}", FAMILY[(i + j) % 6], GIVEN[(i * 5 + j) % 6]);
            settings::set_head(
                &ctx,
                SetHead {
                    district_code: d.code.clone(),
                    title: title.into(),
                    name,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// 15/12 of this year, or of the next once it has passed.
pub fn milestone_15_12(today: NaiveDate) -> NaiveDate {
    let this_year = NaiveDate::from_ymd_opt(today.year(), 12, 15).unwrap_or(today);
    if this_year >= today {
        this_year
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, 12, 15).unwrap_or(today)
    }
}

/// Two districts (Sầm Sơn 382 and Nghi Sơn 407) report coverage complete today: every eligible adult
/// vaccinated, so the doses they hold are surplus to their remaining need.
async fn complete_coverage(state: &AppState, today: NaiveDate) -> AppResult<()> {
    for code in ["382", "407"] {
        let Ok(d) = crate::districts::lookup::by_code(&state.db, code).await else {
            continue;
        };
        let centre = agencies::by_code(&state.db, &format!("health-{code}")).await?;
        let actor = Actor::acting_as(&centre, Some(code.into()), Role::Editor, "demo-loader");
        let clock = Clock::default();
        let ctx = at(
            &state.ctx(&actor),
            &clock,
            local(today, 7, 0).min(Utc::now()),
        );
        let adults = d.adults_18_plus.unwrap_or(50_000);
        let contraindicated = adults / 100;
        let eligible = adults - contraindicated;
        let figures = Figures {
            adults_18_plus: Some(adults),
            adults_dose1: Some(eligible),
            adults_full: Some(eligible),
            doses_administered_today: Some(50),
            unvaccinated_contraindicated: Some(contraindicated),
            unvaccinated_deferred: Some(0),
            unvaccinated_refused: Some(0),
            unvaccinated_absent: Some(0),
            unvaccinated_other: Some(0),
            ..Figures::default()
        };
        let saved = workflow::save(
            &ctx,
            SaveReport {
                district_code: code.into(),
                kind: ReportKind::DailyVaccination,
                period: today,
                report_call_id: None,
                figures,
                expected_version: None,
            },
        )
        .await?;
        workflow::step(&ctx, saved.id, workflow::Step::Submit).await?;
    }
    Ok(())
}
