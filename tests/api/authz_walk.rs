//! A generated walk of every root operation (queries, mutations, subscriptions) under every agency kind,
//! every role, and for district-level agencies both their own district and another one, checked against
//! DESIGN.md §3 transcribed here (not read from the server's policy, so a wrong grant there is caught).
//! The operation list comes from `schema.graphql`: an operation missing from the walk fails the test.
//! Personal screening fields are then checked on every path that can carry them.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use chrono::{Datelike, Utc};
use entity::Role;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{TestApp, error_code, next_event, open_subscription, subscribe};

/// Agency kinds, in the column order of DESIGN.md §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Health,
    Police,
    Transport,
    BorderGuard,
    Committee,
    Steering,
    Administration,
    Department,
}

/// Rows of DESIGN.md §3, plus what the design leaves to the operations' own documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Res {
    District,
    Checkpoint,
    Screening,
    Stock,
    Transfer,
    Report,
    /// Planning moves of doses: the transfer row without transport, whose "R (to escort)" covers
    /// transfers on the road, not suggestions (the design is silent; this follows the operation).
    TransferPlanning,
    /// Vaccination figures of reports: the report row, without transport ("R (epidemic figures)").
    VaccinationFigures,
    Audit,
    Admin,
    /// Alerts from the gateways: the design's "traveller (non-personal), alert" row; the agencies
    /// working the posts read and acknowledge, the committee reads its own district, overseers read.
    Alert,
    /// Open to every authenticated caller (`me`, the vaccine catalogue).
    Anyone,
    /// Quarantine facilities (the design's "quarantine facility / case" row, facility part).
    QuarantineFacility,
    /// Quarantine cases: steering and administration read counts only (`quarantineSummary`).
    QuarantineCase,
    /// Supervision visits: the commune's team (PEOPLES_COMMITTEE) and health.
    QuarantineVisit,
    /// Violations: police enforce.
    QuarantineViolation,
    /// Counts of quarantine without personal data.
    QuarantineSummary,
    /// Vessel calls, crews and cohort tests (transport and border guard: the walk's ports are staffed
    /// by both).
    Port,
    /// Forms and data calls: everyone reads the forms and the calls addressed to it (the walk's call
    /// addresses every kind); province HEALTH and STEERING issue.
    DataCall,
    /// Answers to data calls: every addressee answers; the province's HEALTH and STEERING accept.
    Answer,
    /// A call's status: the province's readers (an addressee only once it answered, which the walk's
    /// callers have not).
    CallStatus,
    /// Targets, responsible heads and the milestone report.
    Target,
    /// The epidemic-area register.
    EpidemicArea,
    /// Follow-ups of alerted travellers at the destination.
    FollowUp,
    /// Follow-up counts per district and commune.
    FollowUpSummary,
    /// One person's crossings across posts.
    TravellerHistory,
    /// Epidemic levels, computed and declared: every agency reads every unit; province committees
    /// declare.
    EpidemicLevel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    R,
    W,
    A,
}

/// DESIGN.md §3, cell by cell. Columns: HEALTH, POLICE, TRANSPORT, BORDER_GUARD, PEOPLES_COMMITTEE,
/// STEERING, ADMINISTRATION, DEPARTMENT (a sector, which reaches only the data calls addressed to it). `W*`/`A*`: province-level agencies only.
fn design_cell(res: Res) -> [&'static str; 8] {
    match res {
        Res::District => ["R W*", "R", "R", "R", "R W", "R", "R W", ""],
        Res::Checkpoint => ["R", "R W", "R W", "R W", "R W", "R", "R W", ""],
        Res::Screening => ["R W", "R W", "R W", "R W", "R", "R", "R", ""],
        Res::Stock => ["R W", "", "", "", "R", "R", "R", ""],
        Res::Transfer => ["R W A*", "", "R", "", "R", "R", "R", ""],
        Res::Report => ["R W A*", "R", "R", "R", "R W", "R", "R", ""],
        Res::TransferPlanning => ["R", "", "", "", "R", "R", "R", ""],
        Res::VaccinationFigures => ["R", "R", "", "R", "R", "R", "R", ""],
        Res::Audit => ["", "", "", "", "", "R", "R", ""],
        Res::Admin => ["", "", "", "", "", "", "R W", ""],
        Res::Alert => ["R W", "R W", "R W", "R W", "R", "R", "R", ""],
        Res::Anyone => ["R", "R", "R", "R", "R", "R", "R", "R"],
        Res::DataCall => ["R A*", "R", "R", "R", "R", "R A*", "R", "R"],
        Res::Answer => ["R W A*", "R W", "R W", "R W", "R W", "R W A*", "R", "R W"],
        Res::CallStatus => ["R*", "", "", "", "", "R", "R", ""],
        Res::Target => ["R A*", "", "", "", "R", "R A*", "R", ""],
        Res::QuarantineFacility => ["R W", "R", "", "", "R", "R", "R", ""],
        Res::QuarantineCase => ["R W", "R", "", "", "R", "", "", ""],
        Res::QuarantineVisit => ["W", "", "", "", "W", "", "", ""],
        Res::QuarantineViolation => ["", "W", "", "", "", "", "", ""],
        Res::QuarantineSummary => ["R", "R", "", "", "R", "R", "R", ""],
        Res::Port => ["R W", "R", "R W", "R W", "R", "R", "R", ""],
        Res::EpidemicArea => ["R W*", "R", "R", "R", "R", "R W", "R", ""],
        Res::FollowUp => ["R W", "R", "", "", "R W", "", "", ""],
        Res::FollowUpSummary => ["R", "R", "", "", "R", "R", "R", ""],
        Res::TravellerHistory => ["R*", "R*", "", "", "", "", "", ""],
        Res::EpidemicLevel => ["R", "R", "R", "R", "R A*", "R A*", "R", "R"],
    }
}

fn design_allows(res: Res, act: Act, kind: Kind, role: Role, district_level: bool) -> bool {
    let column = kind as usize;
    let letter = match act {
        Act::R => 'R',
        Act::W => 'W',
        Act::A => 'A',
    };
    let Some(cell) = design_cell(res)[column]
        .split_whitespace()
        .find(|t| t.starts_with(letter))
    else {
        return false;
    };
    let least = match (res, act) {
        (Res::Admin, _) => Role::Admin,
        (_, Act::R) => Role::Viewer,
        (_, Act::W) => Role::Editor,
        (_, Act::A) => Role::Approver,
    };
    role >= least && !(cell.ends_with('*') && district_level)
}

/// How an operation answers a caller it refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A FORBIDDEN error.
    Refused,
    /// A list: the caller sees no rows (and a district-level caller no rows of other districts).
    List(&'static str),
    /// NOT_FOUND for a row out of sight (as if it did not exist), FORBIDDEN for a resource denied.
    Hidden,
    /// A mutation: FORBIDDEN; an allowed caller may still meet NOT_FOUND, CONFLICT and the like.
    Write,
    /// A mutation on a row the caller cannot see: NOT_FOUND (alerts out of scope) or FORBIDDEN. An
    /// allowed caller acts on a row that exists, so NOT_FOUND cannot hide a wrong grant.
    WriteHidden,
}

struct Op {
    name: &'static str,
    res: Res,
    act: Act,
    shape: Shape,
    /// Whether the request names a district (so a district-level caller is also tried on another one).
    scoped: bool,
}

const fn op(name: &'static str, res: Res, act: Act, shape: Shape, scoped: bool) -> Op {
    Op {
        name,
        res,
        act,
        shape,
        scoped,
    }
}

/// The walk: every root field of Query and Mutation, with what it needs.
const OPS: &[Op] = &[
    op(
        "agencies",
        Res::Admin,
        Act::R,
        Shape::List("/agencies/nodes"),
        false,
    ),
    op(
        "alerts",
        Res::Alert,
        Act::R,
        Shape::List("/alerts/nodes"),
        false,
    ),
    op(
        "apiTokens",
        Res::Admin,
        Act::R,
        Shape::List("/apiTokens/nodes"),
        false,
    ),
    op(
        "persistedOperations",
        Res::Admin,
        Act::R,
        Shape::List("/persistedOperations/nodes"),
        false,
    ),
    op(
        "auditEvents",
        Res::Audit,
        Act::R,
        Shape::List("/auditEvents/nodes"),
        false,
    ),
    op("checkpoint", Res::Checkpoint, Act::R, Shape::Refused, true),
    op(
        "checkpointStats",
        Res::Screening,
        Act::R,
        Shape::List("/checkpointStats"),
        false,
    ),
    op(
        "checkpoints",
        Res::Checkpoint,
        Act::R,
        Shape::List("/checkpoints/nodes"),
        false,
    ),
    op("district", Res::District, Act::R, Shape::Refused, true),
    op(
        "communes",
        Res::District,
        Act::R,
        Shape::List("/communes"),
        false,
    ),
    op(
        "epidemicAreas",
        Res::EpidemicArea,
        Act::R,
        Shape::List("/epidemicAreas/nodes"),
        false,
    ),
    op(
        "followUps",
        Res::FollowUp,
        Act::R,
        Shape::List("/followUps/nodes"),
        false,
    ),
    op(
        "followUpSummary",
        Res::FollowUpSummary,
        Act::R,
        Shape::List("/followUpSummary"),
        false,
    ),
    op(
        "travellerHistory",
        Res::TravellerHistory,
        Act::R,
        Shape::Refused,
        false,
    ),
    op("advanceFollowUp", Res::FollowUp, Act::W, Shape::Write, true),
    op(
        "setEpidemicArea",
        Res::EpidemicArea,
        Act::W,
        Shape::Write,
        false,
    ),
    op(
        "endEpidemicArea",
        Res::EpidemicArea,
        Act::W,
        Shape::Write,
        false,
    ),
    op(
        "districts",
        Res::District,
        Act::R,
        Shape::List("/districts/nodes"),
        false,
    ),
    op(
        "epidemicLevelCounts",
        Res::EpidemicLevel,
        Act::R,
        Shape::Refused,
        false,
    ),
    op(
        "epidemicLevelDifferences",
        Res::EpidemicLevel,
        Act::R,
        Shape::Refused,
        false,
    ),
    op(
        "epidemicLevels",
        Res::EpidemicLevel,
        Act::R,
        Shape::Refused,
        false,
    ),
    op(
        "epidemicRuleTables",
        Res::EpidemicLevel,
        Act::R,
        Shape::Refused,
        false,
    ),
    op(
        "expiringLots",
        Res::Stock,
        Act::R,
        Shape::List("/expiringLots"),
        false,
    ),
    op("me", Res::Anyone, Act::R, Shape::Refused, false),
    op(
        "provinceSummary",
        Res::VaccinationFigures,
        Act::R,
        Shape::Refused,
        false,
    ),
    op(
        "rebalancingSuggestions",
        Res::TransferPlanning,
        Act::R,
        Shape::List("/rebalancingSuggestions"),
        false,
    ),
    op(
        "reportCalls",
        Res::Report,
        Act::R,
        Shape::List("/reportCalls/nodes"),
        false,
    ),
    op(
        "reportDiscrepancies",
        Res::VaccinationFigures,
        Act::R,
        Shape::Refused,
        false,
    ),
    op(
        "reportingStatus",
        Res::Report,
        Act::R,
        Shape::Refused,
        false,
    ),
    op(
        "reports",
        Res::Report,
        Act::R,
        Shape::List("/reports/nodes"),
        false,
    ),
    op(
        "screenings",
        Res::Screening,
        Act::R,
        Shape::List("/screenings/nodes"),
        false,
    ),
    op(
        "stockEvents",
        Res::Stock,
        Act::R,
        Shape::List("/stockEvents/nodes"),
        false,
    ),
    op(
        "stockSummary",
        Res::Stock,
        Act::R,
        Shape::List("/stockSummary"),
        false,
    ),
    op("transfer", Res::Transfer, Act::R, Shape::Hidden, true),
    op(
        "transfers",
        Res::Transfer,
        Act::R,
        Shape::List("/transfers/nodes"),
        false,
    ),
    op(
        "vaccineLots",
        Res::Stock,
        Act::R,
        Shape::List("/vaccineLots/nodes"),
        false,
    ),
    op(
        "vaccines",
        Res::Anyone,
        Act::R,
        Shape::List("/vaccines"),
        false,
    ),
    op("acceptReport", Res::Report, Act::A, Shape::Write, true),
    op(
        "declareEpidemicLevels",
        Res::EpidemicLevel,
        Act::A,
        Shape::Write,
        false,
    ),
    op(
        "loadEpidemicRuleTable",
        Res::EpidemicLevel,
        Act::A,
        Shape::Write,
        false,
    ),
    op(
        "saveReportCommuneLines",
        Res::Report,
        Act::W,
        Shape::WriteHidden,
        true,
    ),
    op(
        "acknowledgeAlert",
        Res::Alert,
        Act::W,
        Shape::WriteHidden,
        true,
    ),
    op("adjustStock", Res::Stock, Act::W, Shape::Write, true),
    op("approveTransfer", Res::Transfer, Act::A, Shape::Write, true),
    op("cancelTransfer", Res::Transfer, Act::W, Shape::Write, true),
    op("createAgency", Res::Admin, Act::W, Shape::Write, false),
    op(
        "createCheckpoint",
        Res::Checkpoint,
        Act::W,
        Shape::Write,
        true,
    ),
    op("createReportCall", Res::Report, Act::A, Shape::Write, false),
    op(
        "dispatchTransfer",
        Res::Transfer,
        Act::W,
        Shape::Write,
        true,
    ),
    op("issueToken", Res::Admin, Act::W, Shape::Write, false),
    op("registerOperation", Res::Admin, Act::W, Shape::Write, false),
    op("removeOperation", Res::Admin, Act::W, Shape::Write, false),
    op("receiveLot", Res::Stock, Act::W, Shape::Write, true),
    op("receiveTransfer", Res::Transfer, Act::W, Shape::Write, true),
    op(
        "recordAdministration",
        Res::Stock,
        Act::W,
        Shape::Write,
        true,
    ),
    op(
        "recordScreening",
        Res::Screening,
        Act::W,
        Shape::Write,
        true,
    ),
    op("recordWastage", Res::Stock, Act::W, Shape::Write, true),
    op("rejectTransfer", Res::Transfer, Act::A, Shape::Write, true),
    // The suggestion id is checked after the permission; a made-up one reaches NOT_FOUND/BAD_USER_INPUT.
    op(
        "requestSuggestedTransfer",
        Res::Transfer,
        Act::W,
        Shape::Write,
        false,
    ),
    op("requestTransfer", Res::Transfer, Act::W, Shape::Write, true),
    op("returnReport", Res::Report, Act::A, Shape::Write, true),
    op("revokeToken", Res::Admin, Act::W, Shape::Write, false),
    // A made-up code: permission first, then NOT_FOUND.
    op("disableAgency", Res::Admin, Act::W, Shape::Write, false),
    op("enableAgency", Res::Admin, Act::W, Shape::Write, false),
    op("saveReport", Res::Report, Act::W, Shape::Write, true),
    op(
        "setCheckpointStatus",
        Res::Checkpoint,
        Act::W,
        Shape::Write,
        true,
    ),
    op("submitReport", Res::Report, Act::W, Shape::Write, true),
    op(
        "updateCheckpoint",
        Res::Checkpoint,
        Act::W,
        Shape::Write,
        true,
    ),
    op("updateDistrict", Res::District, Act::W, Shape::Write, true),
    op(
        "quarantineFacilities",
        Res::QuarantineFacility,
        Act::R,
        Shape::List("/quarantineFacilities/nodes"),
        false,
    ),
    op(
        "quarantineCases",
        Res::QuarantineCase,
        Act::R,
        Shape::List("/quarantineCases/nodes"),
        false,
    ),
    op(
        "quarantineSummary",
        Res::QuarantineSummary,
        Act::R,
        Shape::Refused,
        false,
    ),
    op("forms", Res::DataCall, Act::R, Shape::List("/forms"), false),
    op(
        "calls",
        Res::DataCall,
        Act::R,
        Shape::List("/calls/nodes"),
        false,
    ),
    op("callAnswers", Res::Answer, Act::R, Shape::Refused, false),
    op(
        "callAnswersCsv",
        Res::DataCall,
        Act::R,
        Shape::Refused,
        false,
    ),
    op(
        "vesselCalls",
        Res::Port,
        Act::R,
        Shape::List("/vesselCalls/nodes"),
        false,
    ),
    op(
        "testingPlans",
        Res::Port,
        Act::R,
        Shape::List("/testingPlans/nodes"),
        false,
    ),
    op(
        "createQuarantineFacility",
        Res::QuarantineFacility,
        Act::W,
        Shape::Write,
        true,
    ),
    op(
        "openQuarantineCase",
        Res::QuarantineCase,
        Act::W,
        Shape::Write,
        true,
    ),
    // A case out of reach is NOT_FOUND, as if it did not exist.
    op(
        "recordQuarantineTest",
        Res::QuarantineCase,
        Act::W,
        Shape::WriteHidden,
        true,
    ),
    op(
        "recordSupervisionVisit",
        Res::QuarantineVisit,
        Act::W,
        Shape::WriteHidden,
        true,
    ),
    op(
        "recordQuarantineViolation",
        Res::QuarantineViolation,
        Act::W,
        Shape::WriteHidden,
        true,
    ),
    op(
        "closeQuarantineCase",
        Res::QuarantineCase,
        Act::W,
        Shape::WriteHidden,
        true,
    ),
    op("recordVesselCall", Res::Port, Act::W, Shape::Write, true),
    op(
        "recordCrewTest",
        Res::Port,
        Act::W,
        Shape::WriteHidden,
        true,
    ),
    op("createTestingPlan", Res::Port, Act::W, Shape::Write, true),
    op(
        "recordCohortTest",
        Res::Port,
        Act::W,
        Shape::WriteHidden,
        true,
    ),
    op("callStatus", Res::CallStatus, Act::R, Shape::Hidden, false),
    op(
        "deliverables",
        Res::CallStatus,
        Act::R,
        Shape::List("/deliverables/nodes"),
        false,
    ),
    op(
        "vaccinationProgress",
        Res::Target,
        Act::R,
        Shape::List("/vaccinationProgress"),
        false,
    ),
    op(
        "vaccinationProgressCsv",
        Res::Target,
        Act::R,
        Shape::Refused,
        false,
    ),
    op("createForm", Res::DataCall, Act::A, Shape::Write, false),
    op("createCall", Res::DataCall, Act::A, Shape::Write, false),
    op("saveAnswer", Res::Answer, Act::W, Shape::Write, false),
    // Made-up ids: the permission first, then NOT_FOUND.
    op("submitAnswer", Res::Answer, Act::W, Shape::Write, false),
    op("importAnswers", Res::Answer, Act::W, Shape::Write, false),
    op("acceptAnswer", Res::Answer, Act::A, Shape::Write, false),
    op("returnAnswer", Res::Answer, Act::A, Shape::Write, false),
    op("sendCompilation", Res::Answer, Act::A, Shape::Write, false),
    op("setTarget", Res::Target, Act::A, Shape::Write, true),
    op(
        "setAdolescentAllocation",
        Res::Target,
        Act::A,
        Shape::Write,
        true,
    ),
    op(
        "setResponsibleHead",
        Res::Target,
        Act::A,
        Shape::Write,
        true,
    ),
];

/// Subscriptions: name, what starting one needs, and the query.
const SUBSCRIPTIONS: &[(&str, Res, &str)] = &[
    (
        "followUpEvents",
        Res::FollowUp,
        "subscription { followUpEvents(districtCode: \"380\") { id } }",
    ),
    (
        "epidemicLevelEvents",
        Res::EpidemicLevel,
        "subscription { epidemicLevelEvents { cursor } }",
    ),
    (
        "reportEvents",
        Res::Report,
        "subscription { reportEvents(districtCode: \"380\") { id } }",
    ),
    (
        "screeningAlerts",
        Res::Alert,
        "subscription { screeningAlerts { id } }",
    ),
    (
        "transferEvents",
        Res::Transfer,
        "subscription { transferEvents(districtCode: \"380\") { id } }",
    ),
];

/// Root fields of a type in the served schema file.
fn schema_fields(type_name: &str) -> BTreeSet<String> {
    let sdl = include_str!("../../schema.graphql");
    let start = sdl
        .find(&format!("type {type_name} {{"))
        .unwrap_or_else(|| panic!("type {type_name} in schema.graphql"));
    let body = &sdl[start..];
    let body = &body[..body.find("\n}").expect("end of type")];
    let mut fields = BTreeSet::new();
    let mut in_doc = false;
    for line in body.lines().skip(1) {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            // A one-line doc string opens and closes on the same line.
            if !(trimmed.len() > 3 && trimmed.ends_with("\"\"\"")) {
                in_doc = !in_doc;
            }
            continue;
        }
        // Root fields sit at one tab; argument lines are deeper.
        if in_doc || !line.starts_with('\t') || line.starts_with("\t\t") {
            continue;
        }
        let name: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            fields.insert(name);
        }
    }
    fields
}

#[test]
fn every_operation_of_the_schema_is_in_the_walk() {
    let walked: BTreeSet<String> = OPS
        .iter()
        .map(|o| o.name.to_owned())
        .chain(SUBSCRIPTIONS.iter().map(|s| s.0.to_owned()))
        .collect();
    let mut served = BTreeSet::new();
    for root in ["QueryRoot", "MutationRoot", "SubscriptionRoot"] {
        let fields = schema_fields(root);
        assert!(fields.len() >= 3, "{root}: {fields:?}");
        served.extend(fields);
    }
    let missing: Vec<_> = served.difference(&walked).collect();
    let stale: Vec<_> = walked.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "operations not in the walk: {missing:?}"
    );
    assert!(stale.is_empty(), "walked operations not served: {stale:?}");
}

/// A caller of the walk.
struct Caller {
    agency: &'static str,
    kind: Kind,
    /// The own district of a district-level agency.
    district: Option<&'static str>,
    role: Role,
    token: String,
}

const AGENCIES: [(&str, Kind, Option<&str>); 9] = [
    ("health", Kind::Health, None),
    ("health-380", Kind::Health, Some("380")),
    ("police", Kind::Police, None),
    ("transport", Kind::Transport, None),
    ("border-guard", Kind::BorderGuard, None),
    ("committee-380", Kind::Committee, Some("380")),
    ("steering", Kind::Steering, None),
    ("admin", Kind::Administration, None),
    ("education", Kind::Department, None),
];

const ROLES: [Role; 4] = [Role::Viewer, Role::Editor, Role::Approver, Role::Admin];

/// Rows the walk acts on, per district: a checkpoint, a lot, a report, an alert, transfers.
struct Fixture {
    checkpoint: HashMap<&'static str, &'static str>,
    lot: HashMap<&'static str, i64>,
    report: HashMap<&'static str, i64>,
    alert: HashMap<&'static str, i64>,
    /// A follow-up at the destination `d`, of a traveller screened at a post of `d`.
    follow_up: HashMap<&'static str, i64>,
    /// An entry of the epidemic-area register.
    area: i64,
    transfer_from: HashMap<&'static str, i64>,
    transfer_to: HashMap<&'static str, i64>,
    /// A transfer with `d` on one side; the one for 381 does not touch 380.
    transfer_touching: HashMap<&'static str, i64>,
    monday: String,
    yesterday: String,
    /// Per district: a seaport staffed by transport and border guard, a crew member of a call there,
    /// an open home-isolation case, a member of a testing plan at the port.
    port: HashMap<&'static str, &'static str>,
    crew_member: HashMap<&'static str, i64>,
    case: HashMap<&'static str, i64>,
    cohort_member: HashMap<&'static str, i64>,
    /// A data call addressed to every agency kind, at both levels.
    call: i64,
}

fn other(d: &str) -> &'static str {
    if d == "380" { "381" } else { "380" }
}

async fn ok(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let (_, body) = app.gql(Some(token), query, variables).await;
    assert!(body.get("errors").is_none(), "{query}: {body}");
    body["data"].clone()
}

/// A screening that raises an alert for the health of `destination`.
fn screening_input(checkpoint: &str, name: &str, destination: &str) -> Value {
    json!({
        "checkpointCode": checkpoint, "recordedAt": Utc::now().to_rfc3339(), "direction": "INBOUND",
        "vehicleKind": "CAR", "peopleCount": 1, "symptoms": true, "decision": "REFERRED_TO_HEALTH",
        "fullName": name, "idNumber": personal_values(name)[1], "phone": personal_values(name)[2],
        "destinationAddress": personal_values(name)[3], "destinationDistrictCode": destination
    })
}

const RECORD: &str = "mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { screening { id fullName idNumber phone destinationAddress } alert { id } } }";

async fn fixture(app: &TestApp) -> Fixture {
    let health = app.token("health");
    // One registered operation, so an allowed reader of the allow-list sees a row.
    let register = "mutation { registerOperation(input: { name: \"walk\", query: \"{ me { role } }\" }) { operation { hash } } }";
    let (_, body) = app
        .gql(Some(&app.token("admin")), register, json!({}))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let today = Utc::now().date_naive();
    let monday =
        today - chrono::Duration::days(i64::from(today.weekday().num_days_from_monday()) + 7);
    let mut f = Fixture {
        checkpoint: HashMap::from([("380", "TH-GA-THANHHOA"), ("381", "TH-QL1-BIMSON")]),
        lot: HashMap::new(),
        report: HashMap::new(),
        alert: HashMap::new(),
        follow_up: HashMap::new(),
        area: 0,
        transfer_from: HashMap::new(),
        transfer_to: HashMap::new(),
        transfer_touching: HashMap::new(),
        monday: monday.to_string(),
        yesterday: (today - chrono::Duration::days(1)).to_string(),
        port: HashMap::from([("380", "WALK-PORT-380"), ("381", "WALK-PORT-381")]),
        crew_member: HashMap::new(),
        case: HashMap::new(),
        cohort_member: HashMap::new(),
        call: 0,
    };
    for d in ["380", "381"] {
        let lot = app
            .scalar(&format!(
                "SELECT CAST(MIN(l.id) AS BIGINT) AS n FROM vaccine_lot l JOIN district d ON d.id = l.district_id \
                 WHERE d.code = '{d}' AND l.doses_on_hand - l.doses_reserved > 200 AND l.expires_on > CURRENT_DATE"
            ))
            .await;
        assert!(lot > 0, "a usable lot in {d}");
        f.lot.insert(d, lot);
        let report = app
            .scalar(&format!(
                "SELECT CAST(MIN(r.id) AS BIGINT) AS n FROM report r JOIN district d ON d.id = r.district_id WHERE d.code = '{d}'"
            ))
            .await;
        assert!(report > 0, "a report in {d}");
        f.report.insert(d, report);
        let data = ok(
            app,
            &health,
            RECORD,
            json!({ "i": screening_input(f.checkpoint[d], "Setup", d) }),
        )
        .await;
        let alert = data["recordScreening"]["alert"]["id"]
            .as_i64()
            .expect("alert raised");
        f.alert.insert(d, alert);
        let mut input = screening_input(f.checkpoint[d], "Setup", d);
        input["travellers"] = json!([{ "fullName": "Walk", "idNumber": format!("038090000{d}"), "symptoms": true,
                                       "destinationDistrictCode": d }]);
        let data = ok(
            app,
            &health,
            "mutation($i: RecordScreeningInput!) { recordScreening(input: $i) { alerts { followUp { id } } } }",
            json!({ "i": input }),
        )
        .await;
        let follow_up = data["recordScreening"]["alerts"][0]["followUp"]["id"]
            .as_i64()
            .expect("follow-up opened");
        f.follow_up.insert(d, follow_up);
    }
    let data = ok(
        app,
        &health,
        "mutation { setEpidemicArea(input: { areaCode: \"42\", level: 4 }) { area { id } } }",
        json!({}),
    )
    .await;
    f.area = data["setEpidemicArea"]["area"]["id"]
        .as_i64()
        .expect("area");
    // One dispatched transfer each way between 380 and 381, and one from 381 to 382.
    for (from, to) in [("380", "381"), ("381", "380"), ("381", "382")] {
        let data = ok(
            app,
            &health,
            "mutation($i: RequestTransferInput!) { requestTransfer(input: $i) { transfer { id } } }",
            json!({ "i": { "lotId": f.lot[from], "toDistrictCode": to, "doses": 5 } }),
        )
        .await;
        let id = data["requestTransfer"]["transfer"]["id"]
            .as_i64()
            .expect("id");
        for step in ["approveTransfer", "dispatchTransfer"] {
            ok(
                app,
                &health,
                &format!(
                    "mutation($id: Int!) {{ {step}(input: {{ id: $id }}) {{ transfer {{ id }} }} }}"
                ),
                json!({ "id": id }),
            )
            .await;
        }
        if to == "382" {
            f.transfer_touching.insert(from, id);
        } else {
            f.transfer_from.insert(from, id);
            f.transfer_to.insert(to, id);
            f.transfer_touching.entry(from).or_insert(id);
        }
    }
    for d in ["380", "381"] {
        quarantine_and_port(app, &mut f, d).await;
    }
    // A report call, so that allowed readers of `reportCalls` see a row.
    ok(
        app,
        &health,
        "mutation($i: CreateReportCallInput!) { createReportCall(input: $i) { reportCall { id } } }",
        json!({ "i": { "kind": "WEEKLY_EPIDEMIC", "period": f.monday, "deadline": (Utc::now() + chrono::Duration::days(3)).to_rfc3339() } }),
    )
    .await;
    // A data call addressed to every kind, so that every addressee sees it and may answer it.
    let data = ok(
        app,
        &health,
        "mutation($i: CreateCallInput!) { createCall(input: $i) { call { id } } }",
        json!({ "i": { "formCode": "WEEKLY_EPIDEMIC", "period": f.monday, "addresseeLevel": "ANY",
                       "addresseeKinds": ["HEALTH", "POLICE", "TRANSPORT", "BORDER_GUARD", "PEOPLES_COMMITTEE",
                                          "STEERING_COMMITTEE", "ADMINISTRATION", "DEPARTMENT"],
                       "deadline": (Utc::now() + chrono::Duration::days(3)).to_rfc3339() } }),
    )
    .await;
    f.call = data["createCall"]["call"]["id"].as_i64().expect("call id");
    f
}

/// The quarantine and port rows of district `d` the walk acts on.
async fn quarantine_and_port(app: &TestApp, f: &mut Fixture, d: &'static str) {
    let health = app.token("health");
    ok(
        app,
        &app.token("police"),
        "mutation($i: CreateCheckpointInput!) { createCheckpoint(input: $i) { checkpoint { code } } }",
        json!({ "i": { "code": f.port[d], "name": "Walk port", "districtCode": d, "kind": "SEAPORT",
                       "staffingAgencyCodes": ["transport", "border-guard"] } }),
    )
    .await;
    let data = ok(
        app,
        &health,
        "mutation($i: RecordVesselCallInput!) { recordVesselCall(input: $i) { vesselCall { crew { id } } } }",
        json!({ "i": walk_call(f.port[d]) }),
    )
    .await;
    f.crew_member.insert(
        d,
        data["recordVesselCall"]["vesselCall"]["crew"][0]["id"]
            .as_i64()
            .expect("crew"),
    );
    ok(
        app,
        &health,
        "mutation($i: CreateQuarantineFacilityInput!) { createQuarantineFacility(input: $i) { facility { code } } }",
        json!({ "i": { "code": format!("WALK-KCL-{d}"), "name": "Walk facility", "districtCode": d, "kind": "HOTEL", "capacity": 500 } }),
    )
    .await;
    let data = ok(
        app,
        &health,
        "mutation($i: OpenQuarantineCaseInput!) { openQuarantineCase(input: $i) { quarantineCase { id } } }",
        json!({ "i": walk_case(d) }),
    )
    .await;
    f.case.insert(
        d,
        data["openQuarantineCase"]["quarantineCase"]["id"]
            .as_i64()
            .expect("case"),
    );
    let data = ok(
        app,
        &health,
        "mutation($i: CreateTestingPlanInput!) { createTestingPlan(input: $i) { testingPlan { members { id } } } }",
        json!({ "i": { "name": "Walk cohort", "checkpointCode": f.port[d], "rapidEveryHours": 8, "members": [{ "fullName": "Walk Worker" }] } }),
    )
    .await;
    f.cohort_member.insert(
        d,
        data["createTestingPlan"]["testingPlan"]["members"][0]["id"]
            .as_i64()
            .expect("member"),
    );
}

fn walk_call(port: &str) -> Value {
    json!({ "checkpointCode": port, "vesselName": "Walk", "registration": "IMO1", "flag": "VN",
            "arrivedAt": Utc::now().to_rfc3339(), "crew": [{ "fullName": "Walk Captain", "idNumber": "W1", "role": "CAPTAIN" }] })
}

fn walk_case(d: &str) -> Value {
    json!({ "category": "F1", "kind": "SELF_MONITORING", "fullName": "Walk Person", "districtCode": d })
}

/// The request an operation is walked with, aimed at district `d`; `n` makes created codes unique.
fn request(
    app_lot_doses: i64,
    f: &Fixture,
    name: &str,
    d: &'static str,
    n: usize,
) -> (String, Value) {
    let dc = "district { dc: code }";
    let q = |s: &str| s.to_owned();
    let m = |input_type: &str, fields: &str, input: Value| {
        (
            format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ {fields} }} }}"),
            json!({ "i": input }),
        )
    };
    let none = json!({});
    match name {
        "agencies" => (q("{ agencies(first: 5) { nodes { code } } }"), none),
        "alerts" => (
            format!("{{ alerts(first: 100) {{ nodes {{ id {dc} }} }} }}"),
            none,
        ),
        "apiTokens" => (q("{ apiTokens(first: 5) { nodes { jti } } }"), none),
        "persistedOperations" => (
            q("{ persistedOperations(first: 5) { nodes { hash } } }"),
            none,
        ),
        "auditEvents" => (q("{ auditEvents(first: 5) { nodes { id } } }"), none),
        "checkpoint" => (
            q("query($c: String!) { checkpoint(code: $c) { code } }"),
            json!({ "c": f.checkpoint[d] }),
        ),
        "checkpointStats" => (
            format!(
                "query($f: DateTime!, $t: DateTime!) {{ checkpointStats(from: $f, to: $t, groupBy: DISTRICT) {{ people {dc} }} }}"
            ),
            json!({ "f": (Utc::now() - chrono::Duration::days(300)).to_rfc3339(), "t": (Utc::now() + chrono::Duration::hours(1)).to_rfc3339() }),
        ),
        "checkpoints" => (
            format!("{{ checkpoints(first: 100) {{ nodes {{ code {dc} }} }} }}"),
            none,
        ),
        "district" => (
            q("query($c: String!) { district(code: $c) { code } }"),
            json!({ "c": d }),
        ),
        "districts" => (q("{ districts(first: 100) { nodes { dc: code } } }"), none),
        "communes" => (q("{ communes(districtCode: \"380\") { code } }"), none),
        "epidemicAreas" => (
            q("{ epidemicAreas(first: 100) { nodes { id areaCode } } }"),
            none,
        ),
        "followUps" => (
            format!("{{ followUps(first: 100) {{ nodes {{ id {dc} }} }} }}"),
            none,
        ),
        "followUpSummary" => (format!("{{ followUpSummary {{ total {dc} }} }}"), none),
        "travellerHistory" => (
            q("{ travellerHistory(idNumber: \"038090000380\") { traveller { id } } }"),
            none,
        ),
        "advanceFollowUp" => m(
            "AdvanceFollowUpInput",
            "followUp { id }",
            json!({ "id": f.follow_up[d], "status": "CONTACTED" }),
        ),
        "setEpidemicArea" => m(
            "SetEpidemicAreaInput",
            "area { id }",
            json!({ "areaCode": "79", "level": 3 }),
        ),
        "endEpidemicArea" => m(
            "EndEpidemicAreaInput",
            "area { id }",
            json!({ "id": f.area }),
        ),
        "epidemicLevelCounts" => (
            q("query($w: Date!) { epidemicLevelCounts(week: $w) { level districts } }"),
            json!({ "w": f.monday }),
        ),
        "epidemicLevelDifferences" => (
            q("query($w: Date!) { epidemicLevelDifferences(week: $w) { unitCode } }"),
            json!({ "w": f.monday }),
        ),
        "epidemicRuleTables" => (q("{ epidemicRuleTables { decision } }"), none),
        "epidemicLevels" => (
            format!("query($w: Date!) {{ epidemicLevels(week: $w) {{ level {dc} }} }}"),
            json!({ "w": f.monday }),
        ),
        "expiringLots" => (
            format!("{{ expiringLots(withinDays: 3650) {{ id {dc} }} }}"),
            none,
        ),
        "me" => (q("{ me { role agency { code } } }"), none),
        "provinceSummary" => (
            q("query($d: Date!) { provinceSummary(date: $d) { adultsDose1 dosesOnHand } }"),
            json!({ "d": f.yesterday }),
        ),
        "rebalancingSuggestions" => (
            q(
                "{ rebalancingSuggestions(vaccineCode: \"ASTRAZENECA\", horizonDays: 60, basis: DAYS_OF_STOCK) { id fromDistrict { dc: code } toDistrict { dc: code } } }",
            ),
            none,
        ),
        "reportCalls" => (q("{ reportCalls(first: 5) { nodes { id } } }"), none),
        "reportDiscrepancies" => (
            q(
                "query($p: Date!) { reportDiscrepancies(kind: DAILY_VACCINATION, period: $p) { figure } }",
            ),
            json!({ "p": f.yesterday }),
        ),
        "reportingStatus" => (
            q(
                "query($p: Date!) { reportingStatus(kind: DAILY_VACCINATION, period: $p) { expected } }",
            ),
            json!({ "p": f.yesterday }),
        ),
        "reports" => (
            format!("{{ reports(first: 100) {{ nodes {{ id kind {dc} }} }} }}"),
            none,
        ),
        "screenings" => (
            q("{ screenings(first: 100) { nodes { id checkpoint { district { dc: code } } } } }"),
            none,
        ),
        "stockEvents" => (
            format!("{{ stockEvents(first: 100) {{ nodes {{ id lot {{ {dc} }} }} }} }}"),
            none,
        ),
        "stockSummary" => (format!("{{ stockSummary {{ lots {dc} }} }}"), none),
        "transfer" => (
            q("query($id: Int!) { transfer(id: $id) { id } }"),
            json!({ "id": f.transfer_touching[d] }),
        ),
        "transfers" => (
            q(
                "{ transfers(first: 100) { nodes { id fromDistrict { dc: code } toDistrict { dc: code } } } }",
            ),
            none,
        ),
        "vaccineLots" => (
            format!("{{ vaccineLots(first: 100) {{ nodes {{ id {dc} }} }} }}"),
            none,
        ),
        "vaccines" => (q("{ vaccines { code } }"), none),
        "acceptReport" => m(
            "ReportIdInput",
            "report { id }",
            json!({ "id": f.report[d] }),
        ),
        "returnReport" => m(
            "ReturnReportInput",
            "report { id }",
            json!({ "id": f.report[d], "reason": "figures to check" }),
        ),
        "declareEpidemicLevels" => m(
            "DeclareEpidemicLevelsInput",
            "declaration { id }",
            json!({ "unitCodes": [d], "level": 2, "decisionNumber": "1/QĐ-UBND", "effectiveFrom": "2021-11-10T00:00:00Z" }),
        ),
        "loadEpidemicRuleTable" => m(
            "LoadEpidemicRuleTableInput",
            "ruleTable { decision }",
            json!({ "effectiveFrom": "2021-11-15", "table": "{}" }),
        ),
        "saveReportCommuneLines" => m(
            "SaveReportCommuneLinesInput",
            "reportId",
            json!({ "reportId": f.report[d], "lines": [] }),
        ),
        "submitReport" => m(
            "ReportIdInput",
            "report { id }",
            json!({ "id": f.report[d] }),
        ),
        "saveReport" => m(
            "SaveReportInput",
            "report { id }",
            json!({ "districtCode": d, "kind": "WEEKLY_EPIDEMIC", "period": f.monday, "figures": { "newCasesCommunity": 1 } }),
        ),
        "acknowledgeAlert" => m(
            "AcknowledgeAlertInput",
            "alert { id }",
            json!({ "id": f.alert[d] }),
        ),
        "adjustStock" => m(
            "AdjustStockInput",
            "lot { id }",
            json!({ "lotId": f.lot[d], "countedDoses": app_lot_doses, "reason": "stock count" }),
        ),
        "recordAdministration" => m(
            "RecordAdministrationInput",
            "lot { id }",
            json!({ "lotId": f.lot[d], "doses": 1, "doseNumber": 1 }),
        ),
        "recordWastage" => m(
            "RecordWastageInput",
            "lot { id }",
            json!({ "lotId": f.lot[d], "doses": 1, "reason": "broken vial" }),
        ),
        "receiveLot" => m(
            "ReceiveLotInput",
            "lot { id }",
            json!({ "districtCode": d, "vaccineCode": "PFIZER", "lotNumber": format!("WALK-{n}"), "doses": 10,
                    "expiresOn": (Utc::now().date_naive() + chrono::Duration::days(200)).to_string() }),
        ),
        "approveTransfer" | "dispatchTransfer" => m(
            "TransferIdInput",
            "transfer { id }",
            json!({ "id": f.transfer_from[d] }),
        ),
        "rejectTransfer" => m(
            "CloseTransferInput",
            "transfer { id }",
            json!({ "id": f.transfer_from[d], "reason": "not needed" }),
        ),
        // Either side may cancel: the transfer for 381 must not touch 380.
        "cancelTransfer" => m(
            "CloseTransferInput",
            "transfer { id }",
            json!({ "id": f.transfer_touching[d], "reason": "not needed" }),
        ),
        "receiveTransfer" => m(
            "ReceiveTransferInput",
            "transfer { id }",
            json!({ "id": f.transfer_to[d], "dosesReceived": 5 }),
        ),
        "requestTransfer" => m(
            "RequestTransferInput",
            "transfer { id }",
            json!({ "lotId": f.lot[other(d)], "toDistrictCode": d, "doses": 1 }),
        ),
        "requestSuggestedTransfer" => m(
            "RequestSuggestedTransferInput",
            "transfer { id }",
            json!({ "suggestionId": "no-such-suggestion" }),
        ),
        "createAgency" => m(
            "CreateAgencyInput",
            "agency { code }",
            json!({ "code": format!("walk-{n}"), "name": "Walk", "kind": "POLICE", "districtCode": d }),
        ),
        "issueToken" => m(
            "IssueTokenInput",
            "apiToken { jti }",
            json!({ "agencyCode": "police", "role": "VIEWER", "subject": format!("walk-{n}") }),
        ),
        "registerOperation" => m(
            "RegisterOperationInput",
            "operation { hash }",
            json!({ "name": format!("walk-{n}"), "query": "{ me { subject } }" }),
        ),
        "removeOperation" => m(
            "RemoveOperationInput",
            "operation { hash }",
            json!({ "hash": "0".repeat(64) }),
        ),
        "revokeToken" => m(
            "RevokeTokenInput",
            "apiToken { jti }",
            json!({ "jti": "no-such-token" }),
        ),
        "disableAgency" | "enableAgency" => m(
            "AgencyCodeInput",
            "agency { code }",
            json!({ "code": "no-such-agency" }),
        ),
        "createReportCall" => m(
            "CreateReportCallInput",
            "reportCall { id }",
            json!({ "kind": "DAILY_VACCINATION", "period": f.yesterday, "deadline": (Utc::now() + chrono::Duration::days(2)).to_rfc3339() }),
        ),
        "createCheckpoint" => m(
            "CreateCheckpointInput",
            "checkpoint { code }",
            json!({ "code": format!("WALK-{n}"), "name": "Walk post", "districtCode": d, "kind": "ROAD" }),
        ),
        "updateCheckpoint" => m(
            "UpdateCheckpointInput",
            "checkpoint { code }",
            json!({ "code": f.checkpoint[d], "routeMarker": format!("Km{n}") }),
        ),
        "setCheckpointStatus" => m(
            "SetCheckpointStatusInput",
            "checkpoint { code }",
            json!({ "code": f.checkpoint[d], "status": "OPEN", "reason": "walk" }),
        ),
        "recordScreening" => m(
            "RecordScreeningInput",
            "screening { id }",
            json!({ "checkpointCode": f.checkpoint[d], "recordedAt": Utc::now().to_rfc3339(), "direction": "INBOUND",
                    "vehicleKind": "CAR", "peopleCount": 1, "decision": "ALLOWED" }),
        ),
        "updateDistrict" => m(
            "UpdateDistrictInput",
            "district { code }",
            json!({ "code": d, "treatmentBeds": 100 + n }),
        ),
        "quarantineFacilities" => (
            format!("{{ quarantineFacilities(first: 100) {{ nodes {{ code {dc} }} }} }}"),
            none,
        ),
        "quarantineCases" => (
            format!("{{ quarantineCases(first: 100) {{ nodes {{ id {dc} }} }} }}"),
            none,
        ),
        "quarantineSummary" => (q("{ quarantineSummary { open } }"), none),
        "vesselCalls" => (
            format!("{{ vesselCalls(first: 100) {{ nodes {{ id cargoRelease {dc} }} }} }}"),
            none,
        ),
        "testingPlans" => (
            format!("{{ testingPlans(first: 100) {{ nodes {{ id {dc} }} }} }}"),
            none,
        ),
        "createQuarantineFacility" => m(
            "CreateQuarantineFacilityInput",
            "facility { code }",
            json!({ "code": format!("WALK-F-{n}"), "name": "Walk", "districtCode": d, "kind": "HOTEL", "capacity": 10 }),
        ),
        "openQuarantineCase" => m(
            "OpenQuarantineCaseInput",
            "quarantineCase { id }",
            walk_case(d),
        ),
        "recordQuarantineTest" => m(
            "RecordQuarantineTestInput",
            "quarantineCase { id }",
            json!({ "caseId": f.case[d], "kind": "RAPID_ANTIGEN", "result": "NEGATIVE", "takenAt": Utc::now().to_rfc3339() }),
        ),
        "recordSupervisionVisit" => m(
            "RecordSupervisionVisitInput",
            "quarantineCase { id }",
            json!({ "caseId": f.case[d], "at": Utc::now().to_rfc3339(), "present": true }),
        ),
        "recordQuarantineViolation" => m(
            "RecordQuarantineViolationInput",
            "quarantineCase { id }",
            json!({ "caseId": f.case[d], "at": Utc::now().to_rfc3339(), "violation": "OTHER" }),
        ),
        "closeQuarantineCase" => m(
            "CloseQuarantineCaseInput",
            "quarantineCase { id }",
            json!({ "id": f.case[d], "status": "RELEASED" }),
        ),
        "recordVesselCall" => m(
            "RecordVesselCallInput",
            "vesselCall { id }",
            walk_call(f.port[d]),
        ),
        "recordCrewTest" => m(
            "RecordCrewTestInput",
            "vesselCall { id }",
            json!({ "crewMemberId": f.crew_member[d], "kind": "RAPID_ANTIGEN", "result": "NEGATIVE", "takenAt": Utc::now().to_rfc3339() }),
        ),
        "createTestingPlan" => m(
            "CreateTestingPlanInput",
            "testingPlan { id }",
            json!({ "name": "Walk", "checkpointCode": f.port[d], "pcrEveryDays": 3, "members": [{ "fullName": "W" }] }),
        ),
        "recordCohortTest" => m(
            "RecordCohortTestInput",
            "testingPlan { id }",
            json!({ "memberId": f.cohort_member[d], "kind": "RT_PCR", "result": "NEGATIVE", "takenAt": Utc::now().to_rfc3339() }),
        ),
        "forms" => (q("{ forms { code } }"), none),
        "calls" => (q("{ calls(first: 100) { nodes { id } } }"), none),
        "callAnswers" => (
            q("query($c: Int!) { callAnswers(callId: $c) { nodes { id } } }"),
            json!({ "c": f.call }),
        ),
        "callAnswersCsv" => (
            q("query($c: Int!) { callAnswersCsv(callId: $c) }"),
            json!({ "c": f.call }),
        ),
        "callStatus" => (
            q("query($c: Int!) { callStatus(callId: $c) { expected } }"),
            json!({ "c": f.call }),
        ),
        "deliverables" => (q("{ deliverables(first: 100) { nodes { late } } }"), none),
        "vaccinationProgress" => (
            q("query($m: Date!) { vaccinationProgress(milestone: $m) { dc: districtCode } }"),
            json!({ "m": "2021-12-15" }),
        ),
        "vaccinationProgressCsv" => (
            q("query($m: Date!) { vaccinationProgressCsv(milestone: $m) }"),
            json!({ "m": "2021-12-15" }),
        ),
        "createForm" => m(
            "CreateFormInput",
            "form { code version }",
            json!({ "code": format!("WALK_{n}"), "name": "Walk", "fields": [{ "name": "a", "label": "A", "type": "INTEGER" }] }),
        ),
        "createCall" => m(
            "CreateCallInput",
            "call { id }",
            json!({ "formCode": "VACCINATION_CENSUS", "period": f.yesterday, "addresseeKinds": ["PEOPLES_COMMITTEE"], "addresseeLevel": "DISTRICT" }),
        ),
        "saveAnswer" => m(
            "SaveAnswerInput",
            "answer { id }",
            json!({ "callId": f.call, "values": [{ "field": "deaths", "value": "0" }] }),
        ),
        "submitAnswer" | "acceptAnswer" => {
            m("AnswerIdInput", "answer { id }", json!({ "id": 999_999 }))
        }
        "returnAnswer" => m(
            "ReturnAnswerInput",
            "answer { id }",
            json!({ "id": 999_999, "reason": "check" }),
        ),
        "importAnswers" => m(
            "ImportAnswersInput",
            "answers { id }",
            json!({ "callId": 999_999, "csv": "agency_code\nhealth\n" }),
        ),
        "sendCompilation" => m(
            "SendCompilationInput",
            "compilation { id }",
            json!({ "callId": 999_999 }),
        ),
        "setTarget" => m(
            "SetTargetInput",
            "targets { share }",
            json!({ "districtCode": d, "milestone": "2021-12-15", "measure": "DOSE1_ADULTS", "share": 1.0 }),
        ),
        "setAdolescentAllocation" => m(
            "SetAdolescentAllocationInput",
            "allocation { doses }",
            json!({ "districtCode": d, "doses": 1000 + n, "asOf": "2021-12-01" }),
        ),
        "setResponsibleHead" => m(
            "SetResponsibleHeadInput",
            "responsibleHead { name }",
            json!({ "districtCode": d, "title": "Bí thư Huyện ủy", "name": format!("Walk {n}") }),
        ),
        other => panic!("no request for {other}"),
    }
}

/// Codes an allowed caller may meet for reasons of state or input, after the permission check.
const PAST_THE_CHECK: [&str; 6] = [
    "NOT_FOUND",
    "CONFLICT",
    "BAD_USER_INPUT",
    "INVALID_STATE",
    "INSUFFICIENT_STOCK",
    "",
];

/// Every string under a `dc` key.
fn district_codes(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("dc", Value::String(s)) => out.push(s.clone()),
                    _ => district_codes(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| district_codes(i, out)),
        _ => {}
    }
}

/// Judges one answer: `Ok(true)` allowed, `Ok(false)` refused, `Err` an answer fitting neither.
fn judge(op: &Op, caller: &Caller, body: &Value) -> Result<bool, String> {
    let code = error_code(body);
    let has_errors = body.get("errors").is_some();
    if code == "UNAUTHENTICATED" || (has_errors && code.is_empty()) {
        return Err(format!("unexpected answer {body}"));
    }
    match op.shape {
        Shape::Write | Shape::WriteHidden => {
            if code == "FORBIDDEN" || (op.shape == Shape::WriteHidden && code == "NOT_FOUND") {
                Ok(false)
            } else if !has_errors || PAST_THE_CHECK.contains(&code) {
                Ok(true)
            } else {
                Err(format!("unexpected code {code}: {body}"))
            }
        }
        Shape::Refused | Shape::Hidden => {
            let refusal = if op.shape == Shape::Refused {
                "FORBIDDEN"
            } else {
                "NOT_FOUND or FORBIDDEN"
            };
            if code == "FORBIDDEN" || (op.shape == Shape::Hidden && code == "NOT_FOUND") {
                Ok(false)
            } else if !has_errors && !body["data"][op.name].is_null() {
                Ok(true)
            } else {
                Err(format!("neither data nor {refusal}: {body}"))
            }
        }
        Shape::List(pointer) => {
            if has_errors {
                return Err(format!("a list answered with an error: {body}"));
            }
            let rows = body["data"]
                .pointer(pointer)
                .and_then(Value::as_array)
                .ok_or_else(|| format!("no rows at {pointer}: {body}"))?;
            if let Some(own) = caller.district {
                for row in rows {
                    let mut codes = Vec::new();
                    district_codes(row, &mut codes);
                    if !codes.is_empty() && !codes.iter().any(|c| c == own) {
                        return Err(format!("a row of another district reached {own}: {row}"));
                    }
                }
            }
            Ok(!rows.is_empty())
        }
    }
}

/// Whether a subscription start is refused: an error message arrives at once, or nothing (it is live).
async fn subscription_refused(
    addr: std::net::SocketAddr,
    token: String,
    query: &str,
) -> Result<bool, String> {
    let mut socket = open_subscription(addr, &token, query).await;
    match tokio::time::timeout(Duration::from_millis(1500), socket.next()).await {
        Err(_) => Ok(false),
        Ok(Some(Ok(Message::Text(text)))) => {
            let v: Value = serde_json::from_str(text.as_str()).expect("json");
            let errors = match v["type"].as_str() {
                Some("error") => v["payload"].clone(),
                Some("next") => v["payload"]["errors"].clone(),
                _ => return Err(format!("unexpected {v}")),
            };
            let code = errors[0]["extensions"]["code"].as_str().unwrap_or("");
            if code == "FORBIDDEN" {
                Ok(true)
            } else {
                Err(format!("unexpected {v}"))
            }
        }
        Ok(other) => Err(format!("unexpected {other:?}")),
    }
}

#[tokio::test]
async fn every_operation_answers_each_agency_kind_role_and_district_as_the_design_says() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_minute = 100_000).await;
    let f = fixture(&app).await;
    let mut callers = Vec::new();
    for (agency, kind, district) in AGENCIES {
        // ADMIN tokens exist only for administration agencies.
        for role in ROLES
            .into_iter()
            .filter(|r| *r != Role::Admin || kind == Kind::Administration)
        {
            callers.push(Caller {
                agency,
                kind,
                district,
                role,
                token: app.issue(agency, role).await,
            });
        }
    }
    let (mut allowed, mut refused, mut n) = (0, 0, 0);
    let mut mismatches = Vec::new();
    // Reads first, so that the writes' changes of state cannot hide rows from them.
    for op in OPS {
        for caller in &callers {
            let targets: &[&'static str] = match (op.scoped, caller.district) {
                (true, Some(_)) => &["380", "381"],
                _ => &["380"],
            };
            for &target in targets {
                n += 1;
                let lot_doses = app
                    .scalar(&format!(
                        "SELECT CAST(doses_on_hand AS BIGINT) AS n FROM vaccine_lot WHERE id = {}",
                        f.lot[target]
                    ))
                    .await;
                let (query, variables) = request(lot_doses, &f, op.name, target, n);
                let (_, body) = app.gql(Some(&caller.token), &query, variables).await;
                let in_scope = caller
                    .district
                    .is_none_or(|own| !op.scoped || own == target);
                let expected = in_scope
                    && design_allows(
                        op.res,
                        op.act,
                        caller.kind,
                        caller.role,
                        caller.district.is_some(),
                    );
                let who = format!(
                    "{} as {} {} on {target}",
                    op.name,
                    caller.agency,
                    caller.role.as_str()
                );
                match judge(op, caller, &body) {
                    Ok(got) if got == expected => {
                        if got {
                            allowed += 1;
                        } else {
                            refused += 1;
                        }
                    }
                    Ok(got) => mismatches.push(format!(
                        "{who}: expected {}, got {} ({body})",
                        if expected { "allowed" } else { "refused" },
                        if got { "allowed" } else { "refused" }
                    )),
                    Err(e) => mismatches.push(format!("{who}: {e}")),
                }
            }
        }
    }
    // Subscriptions are authorised when they start (the resolver asks the policy before returning its
    // stream): a refused caller gets FORBIDDEN at once, an allowed one a live subscription.
    let server = app.serve().await;
    let checks = callers.iter().flat_map(|caller| {
        SUBSCRIPTIONS.iter().map(move |(name, res, query)| {
            let expected = design_allows(
                *res,
                Act::R,
                caller.kind,
                caller.role,
                caller.district.is_some(),
            );
            let who = format!("{name} as {} {}", caller.agency, caller.role.as_str());
            let token = caller.token.clone();
            let addr = server.addr;
            async move {
                (
                    who,
                    expected,
                    subscription_refused(addr, token, query).await,
                )
            }
        })
    });
    for (who, expected, got) in futures_util::future::join_all(checks).await {
        n += 1;
        match got {
            Ok(refused_now) if refused_now != expected => {
                if refused_now {
                    refused += 1;
                } else {
                    allowed += 1;
                }
            }
            Ok(refused_now) => mismatches.push(format!(
                "{who}: expected {}, got {}",
                if expected { "allowed" } else { "refused" },
                if refused_now { "refused" } else { "allowed" }
            )),
            Err(e) => mismatches.push(format!("{who}: {e}")),
        }
    }
    println!("operations x roles walked: {n} (allowed {allowed}, forbidden {refused})");
    assert!(
        mismatches.is_empty(),
        "{} mismatches with DESIGN.md §3:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert_eq!(allowed + refused, n);
    assert!(allowed > 0 && refused > 0);
}

/// The four personal fields of the screening made by `personal_setup`.
fn personal_values(name: &str) -> [String; 4] {
    // Digits that tell the screenings apart, in the shapes the server validates.
    let seed = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 100_000;
    [
        name.to_owned(),
        format!("0011900{seed:05}"),
        format!("0912{seed:06}"),
        format!("{seed} Lê Lợi, {name}"),
    ]
}

fn contains_any(body: &Value, values: &[String]) -> bool {
    let text = body.to_string();
    values.iter().any(|v| text.contains(v.as_str()))
}

#[tokio::test]
async fn personal_fields_reach_no_caller_without_the_grant_on_any_path() {
    let app = TestApp::spawn().await;
    let server = app.serve().await;
    // Viewers suffice to read personal fields where allowed; what they may not read must not leak.
    // (agency, may read the screening at TH-GA-THANHHOA, staffed by police, transport and health-380)
    let readers = [
        ("health", true),
        ("health-380", true),
        ("police", true),
        ("transport", false),
        ("border-guard", false),
        ("committee-380", false),
        ("steering", false),
        ("admin", false),
    ];
    let mut sockets = Vec::new();
    for (agency, _) in readers {
        let token = app.issue(agency, Role::Viewer).await;
        let socket = subscribe(
            server.addr,
            &token,
            "subscription { screeningAlerts { id screening { fullName idNumber phone destinationAddress } } }",
        )
        .await;
        sockets.push(socket);
    }
    // Recorded by transport, which staffs the post but may not read what it wrote.
    let name = "Walk Personal";
    let secret = personal_values(name);
    let (_, body) = app
        .gql(
            Some(&app.token("transport")),
            RECORD,
            json!({ "i": screening_input("TH-GA-THANHHOA", name, "380") }),
        )
        .await;
    assert!(
        body["data"]["recordScreening"]["screening"]["id"].is_i64(),
        "{body}"
    );
    assert!(
        !contains_any(&body, &secret),
        "the recorder got personal fields back: {body}"
    );
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let paths = [
        "{ screenings(first: 500, filter: { checkpointCode: \"TH-GA-THANHHOA\" }) { nodes { fullName idNumber phone destinationAddress } } }",
        "{ alerts(first: 500) { nodes { screening { fullName idNumber phone destinationAddress } } } }",
    ];
    for ((agency, may), socket) in readers.iter().zip(sockets.iter_mut()) {
        let token = app.issue(agency, Role::Viewer).await;
        // Every one of these agencies reads the alert (the post's or the destination's district, 380).
        for path in paths {
            let (_, body) = app.gql(Some(&token), path, json!({})).await;
            let rows = body.to_string().matches("fullName").count();
            if *may {
                assert!(
                    secret.iter().all(|v| body.to_string().contains(v.as_str())),
                    "{agency} may read {path}: {body}"
                );
            } else {
                assert!(
                    !contains_any(&body, &secret),
                    "{agency} read personal data via {path}: {body}"
                );
                // A denied personal field is null with FORBIDDEN where rows are served at all.
                if rows > 0 {
                    assert_eq!(error_code(&body), "FORBIDDEN", "{agency} {path}: {body}");
                }
            }
        }
        let event = next_event(socket).await;
        let payload = &event["payload"];
        assert_eq!(event["type"], "next", "{agency}: {event}");
        assert_eq!(
            contains_any(payload, &secret),
            *may,
            "{agency} over WebSocket: {event}"
        );
    }
    // The one export endpoint carries reports only.
    for (agency, _) in readers {
        let token = app.issue(agency, Role::Viewer).await;
        let request = axum::http::Request::get("/export/reports.csv")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .expect("request");
        let (_, _, bytes) = app.send(request).await;
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            secret.iter().all(|v| !text.contains(v.as_str())),
            "{agency} export"
        );
    }
    // Border guard reads personal fields at the posts it staffs, and only there.
    let bg = app.issue("border-guard", Role::Viewer).await;
    let gate = "Walk Border";
    ok(
        &app,
        &app.token("border-guard"),
        RECORD,
        json!({ "i": screening_input("TH-CK-NAMEO", gate, "387") }),
    )
    .await;
    let (_, body) = app
        .gql(
            Some(&bg),
            paths[0].replace("TH-GA-THANHHOA", "TH-CK-NAMEO").as_str(),
            json!({}),
        )
        .await;
    assert!(
        personal_values(gate)
            .iter()
            .all(|v| body.to_string().contains(v.as_str())),
        "border guard at its own gate: {body}"
    );
}
