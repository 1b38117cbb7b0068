//! GraphQL face of districts.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{commune, district, province};

use super::communes;
use super::service::{self, DistrictFilter as ServiceFilter, DistrictUpdate};
use crate::graphql::context::{ContextExt, RowNode};
use crate::graphql::enums::DistrictKind;
use crate::graphql::plain::Rows;
use crate::graphql::resolvers::{each, input_object, payload, root_object, row_object};
use crate::stock::graphql::VaccineLot;
use crate::stock::loaders::DistrictLotsLoader;
use crate::stock::reads as stock;

/// A province, identified by its GSO code.
#[derive(SimpleObject, Clone)]
pub struct Province {
    /// GSO code, e.g. "38" for Thanh Hóa.
    pub code: String,
    /// Official name.
    pub name: String,
}

impl RowNode for Province {
    type Row = province::Model;
}

impl From<province::Model> for Province {
    fn from(p: province::Model) -> Self {
        Province {
            code: p.code,
            name: p.name,
        }
    }
}

row_object! {
    #[Object]
    /// A district-level unit (city, town or rural district) and its health-system profile.
    pub struct District(district::Model) as d {
        /// GSO code (2021), e.g. "380". Stable; names are not unique.
        code: &str = &d.code;
        /// Official Vietnamese name.
        name: &str = &d.name;
        /// English name; null when none was given.
        name_en: Option<&str> = d.name_en.as_deref();
        /// City, town or rural district.
        kind: DistrictKind = d.kind.into();
        /// Population; null when unknown.
        population: Option<i64> = d.population;
        /// Year the population was counted; null when unknown.
        population_year: Option<i32> = d.population_year;
        /// True when the population is an illustrative demo value rather than an official figure.
        population_illustrative: bool = d.population_illustrative;
        /// People aged 18 and over; null when unknown.
        adults_18_plus: Option<i64> = d.adults_18_plus;
        /// Beds for treating COVID-19 patients; null when unknown.
        treatment_beds: Option<i32> = d.treatment_beds;
        /// Intensive care beds; null when unknown.
        intensive_care_beds: Option<i32> = d.intensive_care_beds;
        /// Patients the district must be able to treat at once: 100 under 100,000 people, 200 from 100,000
        /// (Thanh Hóa conclusion of 07/12/2021). Null when the population is unknown.
        treatment_capacity_required: Option<i32> = service::treatment_capacity_required(d.population);
        /// Whether the treatment beds meet `treatmentCapacityRequired`; null when either is unknown.
        meets_treatment_capacity: Option<bool> = service::meets_treatment_capacity(d);
        /// Version for optimistic concurrency: pass it as `expectedVersion` when updating.
        version: i32 = d.version;
        /// When the profile last changed.
        updated_at: DateTime<Utc> = d.updated_at;
    }

    impl {
        /// The district's communes, wards and townships (2021 GSO list), by code.
        async fn communes(&self, ctx: &Context<'_>) -> Result<Vec<Commune>> {
            let rows = communes::of_district_id(ctx.services()?.db, self.0.id).await?;
            Ok(rows.into_iter().map(Commune).collect())
        }
        /// The province the district belongs to.
        async fn province(&self, ctx: &Context<'_>) -> Result<Province> {
            let province = ctx.node(self.0.province_id).await?;
            province.ok_or_else(|| "province missing".into())
        }
        /// The district's first vaccine lots by id: by default those holding doses and not expired. Empty
        /// when the caller may not read the district's stock.
        #[graphql(complexity = "first.clamp(0, 100) as usize * child_complexity + 1")]
        async fn vaccine_lots(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "How many lots, 1 to 100.", default = 10)] first: i32,
            #[graphql(desc = "Include lots with no doses on hand.", default = false)]
            include_empty: bool,
            #[graphql(desc = "Include expired lots.", default = false)] include_expired: bool,
        ) -> Result<Rows<VaccineLot>> {
            let shown = stock::district_lots(
                &ctx.services()?,
                &self.0,
                first,
                include_empty,
                include_expired,
            )?;
            let Some(key) = shown else {
                return Ok(Rows(Vec::new()));
            };
            let lots = ctx.rows_of::<DistrictLotsLoader, _, _>(key).await?;
            Ok(lots.into_iter().map(VaccineLot).collect())
        }
    }
}

/// Kind of commune-level unit.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "CommuneKind", remote = "entity::CommuneKind")]
pub enum CommuneKind {
    /// Xã: a rural commune.
    Commune,
    /// Phường: an urban ward.
    Ward,
    /// Thị trấn: a township.
    Township,
}

row_object! {
    #[Object]
    /// A commune-level unit (xã, phường, thị trấn): the basic unit of epidemic levels and of follow-up.
    pub struct Commune(commune::Model) as c {
        /// GSO code (5 digits, list of 01/11/2021).
        code: &str = &c.code;
        /// Official Vietnamese name.
        name: &str = &c.name;
        /// Commune, ward or township.
        kind: CommuneKind = c.kind.into();
    }
    nodes {
        /// The district it belongs to.
        district: District = c.district_id;
    }
}

input_object! {
    /// Filter for `districts`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct DistrictFilter => ServiceFilter {
        /// Only districts of this province (GSO code).
        province_code: Option<String>,
        /// Only districts of this kind.
        kind: Option<DistrictKind> => each,
        /// Part of the name, Vietnamese or English; case and diacritics ignored ("thanh hoa" finds "Thanh Hóa").
        search: Option<String>,
    }
}

root_object! {
    impl DistrictQuery {
        lists {
            /// Districts in the caller's scope, ordered by id. Empty for a caller who may not read districts.
            districts(DistrictFilter) -> District = service::list;
        }
        calls {
            /// One district by GSO code. NOT_FOUND when no district has it; FORBIDDEN when it is outside the
            /// caller's scope.
            district(#[graphql(desc = "The district's GSO code, e.g. `380`.")] code: String) -> District = |s| service::get(&s, &code);
            /// The communes, wards and townships of one district (2021 GSO list), by code. NOT_FOUND for an
            /// unknown district.
            communes(#[graphql(desc = "The district's GSO code, e.g. `380`.")] district_code: String) -> Vec<Commune>
                = |s| async { Ok::<_, crate::error::AppError>(communes::of_district(&s, &district_code).await?.into_iter().map(Commune).collect::<Vec<_>>()) };
        }
    }
}

input_object! {
    /// Changes to a district profile; omitted figures stay as they are.
    #[derive(InputObject)]
    pub struct UpdateDistrictInput => DistrictUpdate {
        /// GSO code of the district.
        code: String,
        /// People living in the district (0 to 20,000,000).
        population: Option<i64>,
        /// Year the population was counted (1900 to 2100).
        population_year: Option<i32>,
        /// People aged 18 and over; at most the population.
        adults_18_plus: Option<i64>,
        /// Beds for treating COVID-19 patients (0 to 100,000).
        treatment_beds: Option<i32>,
        /// At most `treatmentBeds`.
        intensive_care_beds: Option<i32>,
        /// The `version` the change is based on; CONFLICT when the profile has changed since.
        expected_version: Option<i32>,
    }
}

payload! {
    /// Result of `updateDistrict`.
    pub struct UpdateDistrictPayload {
        /// The district as it is now.
        district: District,
    }
}

root_object! {
    impl DistrictMutation {
        calls {
            /// Updates a district profile (HEALTH at province level, the district's PEOPLES_COMMITTEE, or
            /// ADMINISTRATION). BAD_USER_INPUT names the figure at fault; CONFLICT on a stale `expectedVersion`.
            update_district(#[graphql(desc = "The district's changed profile fields, at the version read.")] input: UpdateDistrictInput) -> UpdateDistrictPayload
                = |s| service::update(&s, input.into());
        }
    }
}
