//! The demo's control posts: the twelve checkpoints of 19/10/2021 and a week of screenings.

use chrono::{DateTime, Duration, Utc};
use entity::{
    CheckpointKind, CheckpointStatus, Decision, Direction, Role, TestKind, TestResult, VehicleKind,
};

use crate::admin::agencies;
use crate::auth::Actor;
use crate::checkpoints::posts::{self, CheckpointInput, StatusStep};
use crate::checkpoints::screenings::{self, NewScreening};
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::state::AppState;

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
pub(super) async fn seed(state: &AppState) -> AppResult<()> {
    let police = agencies::by_code(&state.db, "police").await?;
    let officer = Actor::acting_as(&police, None, Role::Editor, "demo-loader");
    let ctx = state.ctx(&officer);
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
        posts::create(&ctx, input).await?;
        if !open {
            posts::set_status(&ctx, paused(code)).await?;
        }
    }
    screenings_of_the_week(&ctx).await
}

/// Thanh Hóa kept seven posts and paused five on 19/10/2021.
fn paused(code: &str) -> StatusStep {
    StatusStep {
        code: code.into(),
        status: CheckpointStatus::Paused,
        reason: Some(
            "Thanh Hóa kept seven posts and paused five on 19/10/2021 (safe adaptation)".to_owned(),
        ),
        effective_from: chrono::NaiveDate::from_ymd_opt(2021, 10, 19)
            .and_then(|d| d.and_hms_opt(1, 0, 0))
            .map(|t| t.and_utc()),
        expected_version: None,
    }
}

/// Three screenings a day for a week at every open post.
async fn screenings_of_the_week(ctx: &Ctx<'_>) -> AppResult<()> {
    let now = ctx.now();
    let mut n: i64 = 0;
    for (code, _, district, kind, _, _) in CHECKPOINTS.iter().filter(|c| c.5) {
        for day in 0..7 {
            for slot in 0..3 {
                n += 1;
                let at = now - Duration::days(day) - Duration::hours(2 + slot * 5);
                screenings::record(ctx, screening(n, code, district, *kind, at)).await?;
            }
        }
    }
    Ok(())
}

/// Travellers' names (invented).
const NAMES: [&str; 7] = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Hoa",
    "Đặng Văn Giang",
];

/// What the `n`th traveller at a post of this kind travels in.
fn vehicle(kind: CheckpointKind, n: i64) -> VehicleKind {
    match kind {
        CheckpointKind::RailStation => VehicleKind::Train,
        CheckpointKind::Airport => VehicleKind::Aircraft,
        CheckpointKind::Seaport => VehicleKind::Boat,
        _ => [
            VehicleKind::Car,
            VehicleKind::Truck,
            VehicleKind::Bus,
            VehicleKind::Motorbike,
        ][(n % 4) as usize],
    }
}

/// The `n`th screening of the demo, at `code` in `district`.
fn screening(
    n: i64,
    code: &str,
    district: &str,
    kind: CheckpointKind,
    at: DateTime<Utc>,
) -> NewScreening {
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
    let vehicle_kind = vehicle(kind, n);
    NewScreening {
        checkpoint_code: code.into(),
        recorded_at: at,
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
        origin_province_code: Some(["01", "79", "37", "40", "27"][(n % 5) as usize].into()),
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
        test_taken_at: tested.then_some(at),
        doses_shown: Some((n % 3) as i32),
        symptoms,
        decision,
        full_name: Some(NAMES[(n % 7) as usize].into()),
        id_number: Some(format!("0380900{:05}", n)),
        phone: Some(format!("09{:08}", 12_345_000 + n)),
        destination_address: Some(format!("Thôn {}, {}", 1 + n % 9, district)),
        destination_district_code: Some(district.into()),
        travellers: Vec::new(),
        idempotency_key: None,
    }
}
