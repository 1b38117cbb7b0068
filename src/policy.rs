//! Who may do what, where: the one permission table of the server (DESIGN.md §3).
//!
//! Every service function asks [`require`] (writes, single reads) or [`read_scope`] (lists) before it
//! touches the database, and applies the returned [`Scope`] as its row filter. Nothing else decides access.

use entity::{AgencyKind, Role};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};

/// What is being accessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    DistrictProfile,
    Checkpoint,
    /// Screening records without their personal fields.
    Screening,
    /// Full name, id number, phone and destination address of a screening.
    ScreeningPersonal,
    /// Vaccine lots and their stock events.
    Stock,
    /// Alerts raised at the gateways, for the agencies working them and the destination; `Write` is
    /// acknowledging.
    Alert,
    Transfer,
    Report,
    AuditEvent,
    /// Agencies and API tokens.
    AgencyAdmin,
    /// Quarantine facilities and their occupancy.
    QuarantineFacility,
    /// Quarantine cases without their personal fields, and their tests.
    QuarantineCase,
    /// Full name, id number, phone, address and commitment signers of a quarantine case.
    QuarantinePersonal,
    /// Supervision visits to people in quarantine (the commune's community team).
    QuarantineVisit,
    /// Violations of quarantine (police enforce).
    QuarantineViolation,
    /// Counts of quarantine per district and commune, without personal data.
    QuarantineSummary,
    /// Vessel calls, their crew lists (without personal fields) and crew tests.
    VesselCall,
    /// Full name and id number of crew members and cohort members.
    CrewPersonal,
    /// Testing plans of worker cohorts and their tests.
    TestingPlan,
    /// Forms and data calls; `Approve` is issuing them.
    Call,
    /// Answers to data calls; `Write` is answering, `Approve` accepting, returning and compiling.
    Answer,
    /// Vaccination targets, responsible heads and progress; `Approve` is setting them.
    Target,
    /// The epidemic-area register (this province's declared levels, other provinces' announcements).
    EpidemicArea,
    /// Personal fields of a traveller (name, id number, birth year, phone, address, declaration
    /// reference). The service narrows a district scope to travellers heading to that district or
    /// crossing at a post the caller's agency staffs.
    TravellerPersonal,
    /// Follow-ups of alerted travellers at the destination; `Write` is taking a step.
    FollowUp,
    /// Follow-up counts per district and commune, without personal data.
    FollowUpSummary,
    /// Every crossing and follow-up of one id number.
    TravellerHistory,
    /// Epidemic levels, computed and declared, with their non-personal inputs; `Approve` is declaring
    /// a level (and loading a rule table).
    EpidemicLevel,
}

impl Resource {
    pub const ALL: [Resource; 28] = [
        Resource::DistrictProfile,
        Resource::Checkpoint,
        Resource::Screening,
        Resource::ScreeningPersonal,
        Resource::Stock,
        Resource::Alert,
        Resource::Transfer,
        Resource::Report,
        Resource::AuditEvent,
        Resource::AgencyAdmin,
        Resource::QuarantineFacility,
        Resource::QuarantineCase,
        Resource::QuarantinePersonal,
        Resource::QuarantineVisit,
        Resource::QuarantineViolation,
        Resource::QuarantineSummary,
        Resource::VesselCall,
        Resource::CrewPersonal,
        Resource::TestingPlan,
        Resource::Call,
        Resource::Answer,
        Resource::Target,
        Resource::EpidemicArea,
        Resource::TravellerPersonal,
        Resource::FollowUp,
        Resource::FollowUpSummary,
        Resource::TravellerHistory,
        Resource::EpidemicLevel,
    ];
}

/// What is done to it. For transfers, `Write` covers request, dispatch and receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Write,
    Approve,
}

impl Action {
    pub const ALL: [Action; 3] = [Action::Read, Action::Write, Action::Approve];
}

/// Which rows an allowed caller reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every row of the caller's province.
    Province { province_id: i32 },
    /// Rows of the caller's own district.
    District { province_id: i32, district_id: i32 },
    /// Only checkpoints the caller's agency staffs (border guard; transport at ports; personal fields).
    StaffedCheckpoints { agency_id: i32 },
    /// Only transfers approved or on the road, which transport escorts.
    TransfersToEscort { province_id: i32 },
    /// Only the epidemic figures of reports (transport), not vaccination figures.
    EpidemicFigures { province_id: i32 },
    /// Only the data calls addressed to the caller's agency and its own answers to them.
    Addressed { province_id: i32, agency_id: i32 },
}

/// Whether a grant is open to district-level agencies or only to province-level ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Any,
    ProvinceOnly,
}

/// A narrower row scope than the caller's own area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Narrow {
    None,
    StaffedCheckpoints,
    TransfersToEscort,
    EpidemicFigures,
    Addressed,
    /// The whole province even for a district-level agency: localities share epidemic levels
    /// (000 §5, 002 §2).
    WholeProvince,
}

/// The agency kinds that may do an action to a resource, at which level, over which rows.
struct Grant(Resource, Action, Level, Narrow, &'static [AgencyKind]);

use Action::{Approve as A, Read as R, Write as W};
use AgencyKind::{
    Administration as ADM, BorderGuard as BG, Department as DEP, Health as HE,
    PeoplesCommittee as PC, Police as PO, SteeringCommittee as ST, Transport as TR,
};
use Level::{Any, ProvinceOnly};
use Narrow::None as All;
use Resource::*;

/// Every agency kind but DEPARTMENT, which reaches only the data calls addressed to it.
const EVERY: &[AgencyKind] = &[HE, PO, TR, BG, PC, ST, ADM];

/// The default policy. A (kind, resource, action) cell that no grant names is denied; none is named
/// twice.
const GRANTS: &[Grant] = &[
    Grant(DistrictProfile, R, Any, All, EVERY),
    Grant(DistrictProfile, W, ProvinceOnly, All, &[HE]),
    Grant(DistrictProfile, W, Any, All, &[PC, ADM]),
    Grant(Checkpoint, R, Any, All, EVERY),
    Grant(Checkpoint, W, Any, All, &[PO, TR, BG, PC, ADM]),
    Grant(Screening, R, Any, All, EVERY),
    Grant(Screening, W, Any, All, &[HE, PO, TR, BG]),
    Grant(ScreeningPersonal, R, Any, All, &[HE, PO]),
    Grant(ScreeningPersonal, R, Any, Narrow::StaffedCheckpoints, &[BG]),
    Grant(Stock, R, Any, All, &[HE, PC, ST, ADM]),
    Grant(Stock, W, Any, All, &[HE]),
    Grant(Alert, R, Any, All, EVERY),
    Grant(Alert, W, Any, All, &[HE, PO, TR, BG]),
    Grant(Transfer, R, Any, All, &[HE, PC, ST, ADM]),
    Grant(Transfer, R, Any, Narrow::TransfersToEscort, &[TR]),
    Grant(Transfer, W, Any, All, &[HE]),
    Grant(Transfer, A, ProvinceOnly, All, &[HE]),
    Grant(Report, R, Any, All, &[HE, PO, BG, PC, ST, ADM]),
    Grant(Report, R, Any, Narrow::EpidemicFigures, &[TR]),
    Grant(Report, W, Any, All, &[HE, PC]),
    Grant(Report, A, ProvinceOnly, All, &[HE]),
    Grant(AuditEvent, R, Any, All, &[ST, ADM]),
    Grant(AgencyAdmin, R, Any, All, &[ADM]),
    Grant(AgencyAdmin, W, Any, All, &[ADM]),
    Grant(QuarantineFacility, R, Any, All, &[HE, PO, PC, ST, ADM]),
    Grant(QuarantineFacility, W, Any, All, &[HE]),
    Grant(QuarantineCase, R, Any, All, &[HE, PO, PC]),
    Grant(QuarantineCase, W, Any, All, &[HE]),
    Grant(QuarantinePersonal, R, Any, All, &[HE, PO, PC]),
    Grant(QuarantineVisit, W, Any, All, &[HE, PC]),
    Grant(QuarantineViolation, W, Any, All, &[PO]),
    Grant(QuarantineSummary, R, Any, All, &[HE, PO, PC, ST, ADM]),
    Grant(VesselCall, R, Any, All, &[HE, PO, PC, ST, ADM]),
    Grant(VesselCall, R, Any, Narrow::StaffedCheckpoints, &[TR, BG]),
    Grant(VesselCall, W, Any, All, &[HE]),
    Grant(VesselCall, W, Any, Narrow::StaffedCheckpoints, &[TR, BG]),
    Grant(CrewPersonal, R, Any, All, &[HE, PO]),
    Grant(CrewPersonal, R, Any, Narrow::StaffedCheckpoints, &[TR, BG]),
    Grant(TestingPlan, R, Any, All, &[HE, PO, PC, ST, ADM]),
    Grant(TestingPlan, R, Any, Narrow::StaffedCheckpoints, &[TR, BG]),
    Grant(TestingPlan, W, Any, All, &[HE]),
    Grant(TestingPlan, W, Any, Narrow::StaffedCheckpoints, &[TR, BG]),
    Grant(Call, R, Any, All, &[HE, ST, ADM]),
    Grant(Call, R, Any, Narrow::Addressed, &[PO, TR, BG, PC, DEP]),
    Grant(Call, A, ProvinceOnly, All, &[HE, ST]),
    Grant(Answer, R, Any, All, &[HE, ST, ADM]),
    Grant(Answer, R, Any, Narrow::Addressed, &[PO, TR, BG, PC, DEP]),
    Grant(Answer, W, Any, All, &[HE, PO, TR, BG, PC, ST, DEP]),
    Grant(Answer, A, ProvinceOnly, All, &[HE, ST]),
    Grant(Target, R, Any, All, &[HE, PC, ST, ADM]),
    Grant(Target, A, ProvinceOnly, All, &[HE, ST]),
    Grant(EpidemicArea, R, Any, All, EVERY),
    Grant(EpidemicArea, W, ProvinceOnly, All, &[HE]),
    Grant(EpidemicArea, W, Any, All, &[ST]),
    Grant(TravellerPersonal, R, Any, All, &[HE, PO, PC]),
    Grant(TravellerPersonal, R, Any, Narrow::StaffedCheckpoints, &[BG]),
    Grant(FollowUp, R, Any, All, &[HE, PO, PC]),
    Grant(FollowUp, W, Any, All, &[HE, PC]),
    Grant(FollowUpSummary, R, Any, All, &[HE, PO, PC, ST, ADM]),
    Grant(TravellerHistory, R, ProvinceOnly, All, &[HE, PO]),
    Grant(
        EpidemicLevel,
        R,
        Any,
        Narrow::WholeProvince,
        &[HE, PO, TR, BG, PC, ST, ADM, DEP],
    ),
    Grant(EpidemicLevel, A, ProvinceOnly, All, &[PC, ST]),
];

/// The least role an action needs: VIEWER reads, EDITOR writes, APPROVER approves; agencies and tokens
/// are managed by ADMIN alone.
fn min_role(resource: Resource, action: Action) -> Role {
    match (resource, action) {
        (AgencyAdmin, _) => Role::Admin,
        (_, Action::Read) => Role::Viewer,
        (_, Action::Write) => Role::Editor,
        (_, Action::Approve) => Role::Approver,
    }
}

/// The decision for one caller: `Some(scope)` when allowed, `None` when denied.
pub fn decide(actor: &Actor, resource: Resource, action: Action) -> Option<Scope> {
    if actor.role < min_role(resource, action) {
        return None;
    }
    let grant = GRANTS
        .iter()
        .find(|g| g.0 == resource && g.1 == action && g.4.contains(&actor.agency_kind))?;
    if grant.2 == ProvinceOnly && actor.district_id.is_some() {
        return None;
    }
    let province_id = actor.province_id;
    Some(match (grant.3, actor.district_id) {
        (Narrow::StaffedCheckpoints, _) => Scope::StaffedCheckpoints {
            agency_id: actor.agency_id,
        },
        (Narrow::Addressed, _) => Scope::Addressed {
            province_id,
            agency_id: actor.agency_id,
        },
        (Narrow::WholeProvince, _) => Scope::Province { province_id },
        // A district-level agency sees its own district, whatever the narrowing within it.
        (_, Some(district_id)) => Scope::District {
            province_id,
            district_id,
        },
        (Narrow::TransfersToEscort, None) => Scope::TransfersToEscort { province_id },
        (Narrow::EpidemicFigures, None) => Scope::EpidemicFigures { province_id },
        (Narrow::None, None) => Scope::Province { province_id },
    })
}

/// For writes and single reads: the scope, or FORBIDDEN.
pub fn require(actor: &Actor, resource: Resource, action: Action) -> AppResult<Scope> {
    decide(actor, resource, action).ok_or_else(|| {
        AppError::forbidden(format!(
            "{} {} of agency {} may not {:?} {:?}",
            actor.role.as_str(),
            actor.subject,
            actor.agency_code,
            action,
            resource
        ))
    })
}

/// For lists: the scope, or `None`, which the caller serves as an empty list.
pub fn read_scope(actor: &Actor, resource: Resource) -> Option<Scope> {
    decide(actor, resource, Action::Read)
}

impl Scope {
    /// Row filter on a table that has a district id column: the caller's district, or every district of
    /// the caller's province.
    pub fn district_filter(&self, district_id: impl ColumnTrait) -> Condition {
        match *self {
            Scope::District {
                district_id: own, ..
            } => Condition::all().add(district_id.eq(own)),
            Scope::Province { province_id }
            | Scope::TransfersToEscort { province_id }
            | Scope::EpidemicFigures { province_id } => {
                Condition::all().add(district_id.in_subquery(districts_of_province(province_id)))
            }
            // Narrowed to checkpoints: the domain service adds that filter; no district is excluded here.
            Scope::StaffedCheckpoints { .. } => Condition::all(),
            // Narrowed to one agency's calls and answers: no district row is reached.
            Scope::Addressed { .. } => Condition::all().add(nothing()),
        }
    }

    /// Whether a row of this district falls inside the scope.
    pub fn covers_district(&self, district_id: i32, district_province_id: i32) -> bool {
        match *self {
            Scope::District {
                district_id: own, ..
            } => own == district_id,
            Scope::Province { province_id }
            | Scope::TransfersToEscort { province_id }
            | Scope::EpidemicFigures { province_id } => province_id == district_province_id,
            Scope::StaffedCheckpoints { .. } => true,
            Scope::Addressed { .. } => false,
        }
    }

    /// Whether the scope reaches whole-province rows (an agency, a province-level record).
    pub fn is_province_wide(&self) -> bool {
        !matches!(self, Scope::District { .. } | Scope::Addressed { .. })
    }
}

fn districts_of_province(province_id: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(entity::district::Column::Id)
        .from(entity::district::Entity)
        .and_where(Expr::col(entity::district::Column::ProvinceId).eq(province_id))
        .to_owned()
}

/// A filter that matches nothing, for lists the caller may not read.
pub fn nothing() -> SimpleExpr {
    Expr::val(1).eq(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    /// DESIGN.md §3, transcribed cell by cell, independently of `GRANTS`. Columns: HEALTH, POLICE,
    /// TRANSPORT, BORDER_GUARD, PEOPLES_COMMITTEE, STEERING, ADMINISTRATION, DEPARTMENT. Letters: R read, W write,
    /// A approve; `W*`/`A*` province-level agencies only; `R~` read narrowed to a special scope.
    const DESIGN_TABLE: &[(Resource, [&str; 8])] = &[
        (
            DistrictProfile,
            ["R W*", "R", "R", "R", "R W", "R", "R W", ""],
        ),
        (
            Checkpoint,
            ["R", "R W", "R W", "R W", "R W", "R", "R W", ""],
        ),
        (Screening, ["R W", "R W", "R W", "R W", "R", "R", "R", ""]),
        (ScreeningPersonal, ["R", "R", "", "R~", "", "", "", ""]),
        (Stock, ["R W", "", "", "", "R", "R", "R", ""]),
        (Alert, ["R W", "R W", "R W", "R W", "R", "R", "R", ""]),
        (Transfer, ["R W A*", "", "R~", "", "R", "R", "R", ""]),
        (Report, ["R W A*", "R", "R~", "R", "R W", "R", "R", ""]),
        (AuditEvent, ["", "", "", "", "", "R", "R", ""]),
        (AgencyAdmin, ["", "", "", "", "", "", "R W", ""]),
        (Call, ["R A*", "R~", "R~", "R~", "R~", "R A*", "R", "R~"]),
        (
            Answer,
            [
                "R W A*", "R~ W", "R~ W", "R~ W", "R~ W", "R W A*", "R", "R~ W",
            ],
        ),
        (Target, ["R A*", "", "", "", "R", "R A*", "R", ""]),
        (QuarantineFacility, ["R W", "R", "", "", "R", "R", "R", ""]),
        (QuarantineCase, ["R W", "R", "", "", "R", "", "", ""]),
        (QuarantinePersonal, ["R", "R", "", "", "R", "", "", ""]),
        (QuarantineVisit, ["W", "", "", "", "W", "", "", ""]),
        (QuarantineViolation, ["", "W", "", "", "", "", "", ""]),
        (QuarantineSummary, ["R", "R", "", "", "R", "R", "R", ""]),
        (
            VesselCall,
            ["R W", "R", "R~ W~", "R~ W~", "R", "R", "R", ""],
        ),
        (CrewPersonal, ["R", "R", "R~", "R~", "", "", "", ""]),
        (
            TestingPlan,
            ["R W", "R", "R~ W~", "R~ W~", "R", "R", "R", ""],
        ),
        (EpidemicArea, ["R W*", "R", "R", "R", "R", "R W", "R", ""]),
        (TravellerPersonal, ["R", "R", "", "R~", "R", "", "", ""]),
        (FollowUp, ["R W", "R", "", "", "R W", "", "", ""]),
        (FollowUpSummary, ["R", "R", "", "", "R", "R", "R", ""]),
        (TravellerHistory, ["R*", "R*", "", "", "", "", "", ""]),
        (
            EpidemicLevel,
            ["R^", "R^", "R^", "R^", "R^ A*", "R^ A*", "R^", "R^"],
        ),
    ];

    const KINDS: [AgencyKind; 8] = [HE, PO, TR, BG, PC, ST, ADM, DEP];

    fn letter(action: Action) -> char {
        match action {
            Action::Read => 'R',
            Action::Write => 'W',
            Action::Approve => 'A',
        }
    }

    fn actor(kind: AgencyKind, role: Role, district: Option<i32>) -> Actor {
        Actor::for_tests(kind, role, 38, district)
    }

    /// Walks every (agency kind, role, resource, action, level) cell and compares it with DESIGN.md §3.
    #[test]
    fn every_cell_matches_the_design_table() {
        let mut cells = 0;
        for (resource, row) in DESIGN_TABLE {
            for (kind, cell) in KINDS.iter().zip(row.iter()) {
                for role in Role::iter() {
                    for action in Action::ALL {
                        for district in [None, Some(7)] {
                            let token = cell
                                .split_whitespace()
                                .find(|t| t.starts_with(letter(action)));
                            let role_ok = role >= min_role(*resource, action);
                            let expected = match token {
                                None => false,
                                Some(t) if t.ends_with('*') => role_ok && district.is_none(),
                                Some(_) => role_ok,
                            };
                            let got = decide(&actor(*kind, role, district), *resource, action);
                            assert_eq!(
                                got.is_some(),
                                expected,
                                "{kind:?} {role:?} {resource:?} {action:?} district={district:?}"
                            );
                            if let (Some(scope), Some(t)) = (got, token) {
                                check_scope(scope, t, district, *kind, *resource);
                            }
                            cells += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cells, Resource::ALL.len() * 8 * 4 * 3 * 2);
    }

    fn check_scope(
        scope: Scope,
        token: &str,
        district: Option<i32>,
        kind: AgencyKind,
        resource: Resource,
    ) {
        if token.ends_with('^') {
            assert_eq!(
                scope,
                Scope::Province { province_id: 38 },
                "{token} {district:?}"
            );
            return;
        }
        let ports = matches!(resource, VesselCall | CrewPersonal | TestingPlan);
        match (district, token.ends_with('~')) {
            (_, true)
                if (kind == BG || ports) && matches!(scope, Scope::StaffedCheckpoints { .. }) => {}
            (_, true) if matches!(scope, Scope::Addressed { agency_id, .. } if agency_id == 1) => {}
            (Some(d), _) => assert_eq!(
                scope,
                Scope::District {
                    province_id: 38,
                    district_id: d
                }
            ),
            (None, true) => assert!(matches!(
                scope,
                Scope::TransfersToEscort { .. } | Scope::EpidemicFigures { .. }
            )),
            (None, false) => assert_eq!(scope, Scope::Province { province_id: 38 }),
        }
    }

    #[test]
    fn no_cell_is_granted_twice() {
        for kind in KINDS {
            for resource in Resource::ALL {
                for action in Action::ALL {
                    let grants = GRANTS
                        .iter()
                        .filter(|g| g.0 == resource && g.1 == action && g.4.contains(&kind));
                    assert!(grants.count() <= 1, "{kind:?} {resource:?} {action:?}");
                }
            }
        }
    }

    #[test]
    fn roles_are_ordered() {
        assert!(
            Role::Viewer < Role::Editor
                && Role::Editor < Role::Approver
                && Role::Approver < Role::Admin
        );
    }

    #[test]
    fn only_administration_admins_manage_tokens() {
        for kind in KINDS {
            let allowed =
                require(&actor(kind, Role::Admin, None), AgencyAdmin, Action::Write).is_ok();
            assert_eq!(allowed, kind == ADM, "{kind:?}");
        }
        assert!(require(&actor(ADM, Role::Editor, None), AgencyAdmin, Action::Write).is_err());
    }

    #[test]
    fn scope_covers_only_its_area() {
        let own = Scope::District {
            province_id: 38,
            district_id: 5,
        };
        assert!(own.covers_district(5, 38));
        assert!(!own.covers_district(6, 38));
        let province = Scope::Province { province_id: 38 };
        assert!(province.covers_district(6, 38));
        assert!(!province.covers_district(6, 22));
    }
}
