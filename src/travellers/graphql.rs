//! GraphQL face of travellers: the input a post records each person with, the `Traveller` type whose
//! personal fields are served one by one where the rule allows (null with FORBIDDEN at the field
//! otherwise, every read audited).

use async_graphql::{Context, Enum, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::traveller;

use super::personal::may_read_personal;
use super::record::NewTraveller;
use crate::checkpoints::graphql::Screening;
use crate::checkpoints::loaders::StaffLoader;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::{TestKind, TestResult};
use crate::graphql::personal_reads::{self, Record};
use crate::graphql::resolvers::{each, input_object, row_object};

/// How a traveller declared their health before the crossing.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "DeclarationChannel", remote = "entity::DeclarationChannel")]
pub enum DeclarationChannel {
    /// The national health declaration site (tokhaiyte.vn).
    ToKhaiYTe,
    /// The NCOVI app.
    Ncovi,
    /// The Bluezone app.
    Bluezone,
    /// The PC-COVID app.
    PcCovid,
    /// A paper declaration.
    Paper,
    /// No declaration.
    None,
}

input_object! {
    /// One person of a screened vehicle or group. Personal: `fullName`, `idNumber`, `birthYear`, `phone`,
    /// `destinationAddress`, `declarationReference`.
    #[derive(InputObject, Default)]
    pub struct TravellerInput => NewTraveller {
        /// Personal: full name.
        full_name: Option<String>,
        /// Personal: 12-digit citizen identity number, 9-digit identity card number, or passport number.
        id_number: Option<String>,
        /// Personal: year of birth.
        birth_year: Option<i32>,
        /// Personal: phone (0 and 9 digits, or +84 and 9 digits).
        phone: Option<String>,
        /// Province they come from (GSO code, any province).
        origin_province_code: Option<String>,
        /// District they come from (GSO code; districts of Thanh Hóa, Quảng Ninh and Hà Tĩnh).
        origin_district_code: Option<String>,
        /// Commune they come from (GSO code; must lie in `originDistrictCode` when both are given).
        origin_commune_code: Option<String>,
        /// Where they come from, as they said it.
        origin_text: Option<String>,
        /// District they are going to (GSO code); its health centre gets any alert and follows them up. A
        /// district of another province gets an outbound notice. Default: the screening's destination.
        destination_district_code: Option<String>,
        /// Commune they are going to (GSO code; in `destinationDistrictCode`).
        destination_commune_code: Option<String>,
        /// Personal: destination address.
        destination_address: Option<String>,
        /// How they declared their health (default NONE).
        declaration_channel: Option<DeclarationChannel> => each,
        /// Personal: the declaration's id or the text of its QR code, stored as given; required unless the
        /// channel is NONE.
        declaration_reference: Option<String>,
        /// Vaccine doses shown (0 to 10).
        doses_shown: Option<i32>,
        /// Test taken (default NONE).
        test_kind: Option<TestKind> => each,
        /// Test result; only with a test kind.
        test_result: Option<TestResult> => each,
        /// When the test was taken.
        test_taken_at: Option<DateTime<Utc>>,
        /// Whether they had symptoms.
        #[graphql(default)]
        symptoms: bool,
    }
}

impl Traveller {
    /// A personal field, served and audited where the rule allows (see [`may_read_personal`]).
    async fn personal<'a>(
        &'a self,
        ctx: &Context<'_>,
        field: &'static str,
        value: Option<&'a str>,
    ) -> Result<Option<&'a str>> {
        let services = ctx.services()?;
        let screening: Option<Screening> = ctx.node(self.0.screening_id).await?;
        let staffed_by: Vec<i32> = match &screening {
            Some(s) => ctx
                .rows_of::<StaffLoader, _, _>(s.0.checkpoint_id)
                .await?
                .iter()
                .map(|s| s.agency_id)
                .collect(),
            None => Vec::new(),
        };
        let allowed = may_read_personal(&services, &self.0, &staffed_by);
        let record = Record {
            entity: "traveller",
            id: self.0.id,
        };
        personal_reads::serve(ctx, allowed, record, field, value).await
    }
}

row_object! {
    #[Object]
    /// One person of a screening. Personal fields (`fullName`, `idNumber`, `birthYear`, `phone`,
    /// `destinationAddress`, `declarationReference`) are readable by province HEALTH and POLICE, by the
    /// HEALTH, POLICE and PEOPLES_COMMITTEE of the destination district, and by the agencies staffing the
    /// post (BORDER_GUARD only at posts it staffs); for anyone else they are null with a FORBIDDEN error.
    /// Every read of them is audited.
    pub struct Traveller(traveller::Model) as t {
        /// Record id.
        id: i64 = t.id;
        /// When they crossed (the screening's time).
        crossed_at: DateTime<Utc> = t.crossed_at;
        /// Province they come from (GSO code); null when not given.
        origin_province_code: Option<&str> = t.origin_province_code.as_deref();
        /// District they come from (GSO code); null when not given.
        origin_district_code: Option<&str> = t.origin_district_code.as_deref();
        /// Commune they come from (GSO code); null when not given.
        origin_commune_code: Option<&str> = t.origin_commune_code.as_deref();
        /// Where they come from, as they said it; null when not given.
        origin_text: Option<&str> = t.origin_text.as_deref();
        /// District they are going to (GSO code); null when unknown.
        destination_district_code: Option<&str> = t.destination_district_code.as_deref();
        /// Commune they are going to (GSO code); null when not given.
        destination_commune_code: Option<&str> = t.destination_commune_code.as_deref();
        /// How they declared their health.
        declaration_channel: DeclarationChannel = t.declaration_channel.into();
        /// Vaccine doses shown; null when not checked.
        doses_shown: Option<i32> = t.doses_shown;
        /// Test taken.
        test_kind: TestKind = t.test_kind.into();
        /// Test result; null without a test.
        test_result: Option<TestResult> = t.test_result.map(Into::into);
        /// When the test was taken; null when unknown.
        test_taken_at: Option<DateTime<Utc>> = t.test_taken_at;
        /// Whether they had symptoms.
        symptoms: bool = t.symptoms;
        /// Whether they come from an epidemic area: the register at the crossing time (see
        /// `matchedAreaCode`), or the officer's mark.
        #[expect(clippy::wrong_self_convention, reason = "the API's field name")]
        from_epidemic_area: bool = t.from_epidemic_area;
        /// The register's area their origin matched (commune, else district, else province); null when none.
        matched_area_code: Option<&str> = t.matched_area_code.as_deref();
        /// The level of the matched area; null when none matched or it was a lockdown without a level.
        matched_level: Option<i32> = t.matched_level;
        /// Whether the post's officer marked the group as from an epidemic area.
        marked_by_officer: bool = t.marked_by_officer;
    }
    nodes {
        /// The screening (the vehicle or group) they were recorded in.
        screening: Screening = t.screening_id;
    }

    impl {
        /// Personal: full name.
        async fn full_name(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "fullName", self.0.full_name.as_deref()).await
        }
        /// Personal: citizen identity number, identity card number or passport number.
        async fn id_number(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "idNumber", self.0.id_number.as_deref()).await
        }
        /// Personal: year of birth.
        async fn birth_year(&self, ctx: &Context<'_>) -> Result<Option<i32>> {
            let year = self.0.birth_year.map(|y| y.to_string());
            let served = self.personal(ctx, "birthYear", year.as_deref()).await?;
            Ok(served.and_then(|y| y.parse().ok()))
        }
        /// Personal: phone number.
        async fn phone(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "phone", self.0.phone.as_deref()).await
        }
        /// Personal: destination address.
        async fn destination_address(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "destinationAddress", self.0.destination_address.as_deref())
                .await
        }
        /// Personal: the declaration's id or QR text, as given.
        async fn declaration_reference(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
            self.personal(ctx, "declarationReference", self.0.declaration_reference.as_deref())
                .await
        }
    }
}
