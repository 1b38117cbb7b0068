//! The demo's returnees: other provinces' epidemic areas of October 2021 in the register, a week of
//! vehicles with several travellers each (some from epidemic areas, some undeclared), and their
//! follow-ups at every status, a few overdue. Names and id numbers are invented.
//!
//! The register's entries are illustrative: the public record of October 2021 gives no single level
//! for most of these units at one date, so the levels below are plausible, not official, and each
//! entry's note says so. They are left open so that this week's crossings match them.

use chrono::{Duration, NaiveDate};
use entity::{Decision, DeclarationChannel, Direction, FollowUpStatus, Role, VehicleKind};

use crate::admin::agencies;
use crate::areas::register::{self, AreaInput};
use crate::auth::Actor;
use crate::checkpoints::screenings::{self, NewScreening};
use crate::error::AppResult;
use crate::followups::advance::{self, Step};
use crate::kit::Ctx;
use crate::state::AppState;
use crate::travellers::record::NewTraveller;

/// Register entries: unit code, level, lockdown, first day (October 2021).
const AREAS: [(&str, Option<i32>, bool, u32); 7] = [
    ("79", Some(4), false, 20),  // TP. Hồ Chí Minh
    ("74", Some(4), false, 20),  // Bình Dương
    ("75", Some(3), false, 20),  // Đồng Nai
    ("01", Some(2), false, 21),  // Hà Nội (does not count at the default level 3)
    ("42", Some(2), false, 22),  // Hà Tĩnh
    ("436", Some(3), false, 22), // Thành phố Hà Tĩnh
    ("18073", None, true, 25),   // Phường Nam Hà, locked down
];

/// Origins of the week's travellers: province, district, commune, as said.
const ORIGINS: [(&str, Option<&str>, Option<&str>, &str); 6] = [
    ("79", None, None, "Quận 8, TP. Hồ Chí Minh"),
    ("74", None, None, "Thuận An, Bình Dương"),
    ("01", None, None, "Cầu Giấy, Hà Nội"),
    (
        "42",
        Some("436"),
        Some("18073"),
        "Phường Nam Hà, TP. Hà Tĩnh",
    ),
    ("42", Some("437"), None, "Thị xã Hồng Lĩnh"),
    ("75", None, None, "Biên Hòa, Đồng Nai"),
];

/// Destinations: district, commune.
const DESTINATIONS: [(&str, &str); 3] = [("380", "14755"), ("380", "14758"), ("381", "14809")];

const NAMES: [&str; 8] = [
    "Nguyễn Văn Bảo",
    "Trần Thị Cúc",
    "Lê Văn Đức",
    "Phạm Thị Giang",
    "Hoàng Văn Hùng",
    "Vũ Thị Lan",
    "Đỗ Văn Minh",
    "Bùi Thị Ngọc",
];

pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let health = agencies::by_code(&state.db, "health").await?;
    let officer = Actor::acting_as(&health, None, Role::Editor, "demo-loader");
    let ctx = state.ctx(&officer);
    for (code, level, lockdown, day) in AREAS {
        let from = NaiveDate::from_ymd_opt(2021, 10, day)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc() - Duration::hours(7));
        register::set(
            &ctx,
            AreaInput {
                area_code: code.into(),
                level,
                lockdown,
                valid_from: from,
                valid_to: None,
                note: Some("Minh họa (illustrative): not an official level".into()),
                idempotency_key: None,
            },
        )
        .await?;
    }
    let police = agencies::by_code(&state.db, "police").await?;
    let officer = Actor::acting_as(&police, None, Role::Editor, "demo-loader");
    let mut follow_ups = Vec::new();
    for v in 0..14_i64 {
        let recorded = screenings::record(&state.ctx(&officer), vehicle(&ctx, v)).await?;
        for alert in &recorded.1 {
            if let Some(t) = alert.traveller_id {
                follow_ups.push((t, alert.district_id));
            }
        }
    }
    step_follow_ups(state, &follow_ups).await
}

/// The `v`th vehicle of the week: two to four travellers from rotating origins, every third one
/// undeclared, at Bỉm Sơn or Nghi Sơn, half a day apart.
fn vehicle(ctx: &Ctx<'_>, v: i64) -> NewScreening {
    let at = ctx.now() - Duration::hours(4 + v * 12);
    let people = 2 + (v % 3) as usize;
    let travellers = (0..people)
        .map(|i| {
            let k = v as usize * 5 + i;
            let (province, district, commune, said) = ORIGINS[k % ORIGINS.len()];
            let (to, to_commune) = DESTINATIONS[k % DESTINATIONS.len()];
            let declared = !k.is_multiple_of(3);
            NewTraveller {
                full_name: Some(NAMES[k % NAMES.len()].into()),
                id_number: Some(format!("0790{:08}", 10_000 + k)),
                birth_year: Some(1960 + (k % 40) as i32),
                phone: Some(format!("09{:08}", 23_450_000 + k)),
                origin_province_code: Some(province.into()),
                origin_district_code: district.map(Into::into),
                origin_commune_code: commune.map(Into::into),
                origin_text: Some(said.into()),
                destination_district_code: Some(to.into()),
                destination_commune_code: Some(to_commune.into()),
                destination_address: Some(format!("Số {} đường Lê Lai", 1 + k % 90)),
                declaration_channel: Some(if declared {
                    DeclarationChannel::PcCovid
                } else {
                    DeclarationChannel::None
                }),
                declaration_reference: declared.then(|| format!("PC-COVID:{:06}", 700_000 + k)),
                doses_shown: Some((k % 3) as i32),
                symptoms: k.is_multiple_of(11),
                ..Default::default()
            }
        })
        .collect();
    NewScreening {
        checkpoint_code: if v % 2 == 0 {
            "TH-QL1-BIMSON"
        } else {
            "TH-QL1-NGHISON"
        }
        .into(),
        recorded_at: at,
        direction: Direction::Inbound,
        vehicle_plate: Some(format!("51F-{:05}", 20_000 + v * 131)),
        vehicle_kind: if v % 4 == 0 {
            VehicleKind::Bus
        } else {
            VehicleKind::Car
        },
        people_count: people as i32,
        origin_province_code: None,
        origin_district_code: None,
        from_epidemic_area: false,
        health_declared: v % 3 != 0,
        test_kind: entity::TestKind::None,
        test_result: None,
        test_taken_at: None,
        doses_shown: None,
        symptoms: false,
        decision: Decision::Allowed,
        full_name: None,
        id_number: None,
        phone: None,
        destination_address: None,
        // The group's own destination: where its first traveller goes.
        destination_district_code: Some(DESTINATIONS[v as usize * 5 % DESTINATIONS.len()].0.into()),
        travellers,
        idempotency_key: None,
    }
}

/// Follow-ups at every status: the n-th goes as far as the n-th path, the newest left PENDING (the
/// oldest of those overdue).
async fn step_follow_ups(state: &AppState, follow_ups: &[(i64, i32)]) -> AppResult<()> {
    use FollowUpStatus::*;
    let paths: [&[FollowUpStatus]; 6] = [
        &[],
        &[Contacted],
        &[Contacted, HomeMonitoring],
        &[Contacted, Quarantined],
        &[Contacted, Tested],
        &[Contacted, Tested, Closed],
    ];
    // The first third (the newest crossings) stay pending; the rest walk the paths in turn.
    let skip = follow_ups.len() / 3;
    for (n, (traveller_id, district_id)) in follow_ups.iter().enumerate().skip(skip) {
        let district = crate::districts::lookup::by_id(&state.db, *district_id).await?;
        let centre = agencies::by_code(&state.db, &format!("health-{}", district.code)).await?;
        let actor = Actor::acting_as(
            &centre,
            Some(district.code.clone()),
            Role::Editor,
            "demo-loader",
        );
        let ctx = state.ctx(&actor);
        let Some(f) = crate::followups::reads::of_traveller(ctx.db, *traveller_id).await? else {
            continue;
        };
        for status in paths[n % paths.len()] {
            let note = (*status == Closed).then(|| "Khỏe mạnh, hết theo dõi".to_owned());
            advance::advance(
                &ctx,
                Step {
                    id: f.id,
                    status: *status,
                    note: note.or_else(|| Some("Đã liên hệ qua điện thoại".into())),
                    expected_version: None,
                },
            )
            .await?;
        }
    }
    Ok(())
}
