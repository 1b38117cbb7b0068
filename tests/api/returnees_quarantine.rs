//! A follow-up that ends in quarantine opens the case in the same mutation: `openQuarantineCase` with
//! `followUpId` opens the case and moves the follow-up to QUARANTINED in one transaction, or does neither.

use serde_json::json;

use crate::helpers::{TestApp, error_code};
use crate::returnees::{declared, record, vehicle};

const OPEN: &str = "mutation($i: OpenQuarantineCaseInput!) { openQuarantineCase(input: $i) { quarantineCase { id status followUpId } } }";
const ADVANCE: &str =
    "mutation($i: AdvanceFollowUpInput!) { advanceFollowUp(input: $i) { followUp { id status } } }";
const QUARANTINED: &str = "{ followUps(filter: {districtCode: \"380\", status: QUARANTINED}, first: 500) { nodes { id } } }";

#[tokio::test]
async fn a_follow_up_opens_its_quarantine_case_in_one_mutation() {
    let app = TestApp::spawn().await;
    let mut sick = declared("Nguyễn Văn Sốt", "038090007777", ("38", Some("380"), None));
    sick["symptoms"] = json!(true);
    let body = record(&app, "police", vehicle(2, json!([sick]))).await;
    let follow_up = body["data"]["recordScreening"]["alerts"][0]["followUp"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a follow-up: {body}"));
    let step = json!({ "i": { "id": follow_up, "status": "CONTACTED", "note": "gọi điện" } });
    let body = app.as_agency("health-380", ADVANCE, step).await;
    assert_eq!(
        body["data"]["advanceFollowUp"]["followUp"]["status"], "CONTACTED",
        "{body}"
    );

    let case = json!({ "i": {
        "category": "RETURNEE", "kind": "SELF_MONITORING", "fullName": "Nguyễn Văn Sốt",
        "idNumber": "038090007777", "districtCode": "380", "followUpId": follow_up
    } });
    let cases = "SELECT COUNT(*) AS n FROM quarantine_case";
    let before = app.scalar(cases).await;

    // The commune committee steps follow-ups but does not open cases: refused, nothing written.
    let body = app.as_agency("committee-380", OPEN, case.clone()).await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert_eq!(app.scalar(cases).await, before);

    let body = app.as_agency("health-380", OPEN, case.clone()).await;
    let opened = &body["data"]["openQuarantineCase"]["quarantineCase"];
    assert_eq!(opened["status"], "OPEN", "{body}");
    assert_eq!(opened["followUpId"], follow_up);
    assert_eq!(app.scalar(cases).await, before + 1);
    let body = app.as_agency("health-380", QUARANTINED, json!({})).await;
    let moved = body["data"]["followUps"]["nodes"]
        .as_array()
        .expect("nodes");
    assert!(
        moved.iter().any(|n| n["id"] == follow_up),
        "QUARANTINED: {body}"
    );

    // A second case for the same follow-up cannot step it again: refused whole, no second case.
    let body = app.as_agency("health-380", OPEN, case).await;
    assert_eq!(error_code(&body), "INVALID_STATE", "{body}");
    assert_eq!(app.scalar(cases).await, before + 1);
}
