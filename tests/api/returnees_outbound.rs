//! Returnees heading to another province: an outbound notice without a follow-up here; and a retried
//! recording of a vehicle returns the first result, never a second set of travellers.

use serde_json::json;

use crate::helpers::TestApp;
use crate::returnees::{declared, record, vehicle};

#[tokio::test]
async fn a_destination_in_another_province_gets_an_outbound_notice() {
    let app = TestApp::spawn().await;
    // From TP. Hồ Chí Minh (level 4 in the demo's register) to Hà Tĩnh city.
    let mut traveller = declared("Phan Văn Quý", "079090005555", ("79", None, None));
    traveller["destinationDistrictCode"] = json!("436");
    traveller["destinationCommuneCode"] = json!("18070");
    let mut input = vehicle(1, json!([traveller]));
    input["idempotencyKey"] = json!("outbound-1");
    let first = record(&app, "police", input.clone()).await;
    assert!(first["errors"].is_null(), "{first}");
    let alert = &first["data"]["recordScreening"]["alerts"][0];
    assert_eq!(alert["reasons"], json!(["FROM_EPIDEMIC_AREA"]), "{first}");
    assert!(alert["followUp"].is_null(), "no follow-up here: {first}");
    let alert_id = alert["id"].as_i64().expect("alert");

    // A retry returns the same screening and alert; nothing more is written.
    let travellers = app.scalar("SELECT COUNT(*) AS n FROM traveller").await;
    let again = record(&app, "police", input).await;
    assert_eq!(
        again["data"]["recordScreening"]["screening"]["id"],
        first["data"]["recordScreening"]["screening"]["id"]
    );
    assert_eq!(
        again["data"]["recordScreening"]["alerts"][0]["id"],
        alert_id
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM traveller").await,
        travellers
    );

    // Province health lists the notice; it names the province, and the post's district keeps it.
    let notices = "{ alerts(filter: {outbound: true}, first: 500) { nodes { id outboundProvinceCode district { code } postDistrict { code } } } }";
    let body = app.as_agency("health", notices, json!({})).await;
    let nodes = body["data"]["alerts"]["nodes"].as_array().expect("nodes");
    let notice = nodes.iter().find(|n| n["id"] == alert_id).expect("listed");
    assert_eq!(notice["outboundProvinceCode"], "42");
    assert_eq!(notice["district"]["code"], "381");
    let body = app.as_agency("health-380", notices, json!({})).await;
    let seen = body["data"]["alerts"]["nodes"].as_array().map(Vec::len);
    assert_eq!(seen, Some(0), "{body}");
}
