//! GraphQL face of districts.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{district, province};

use super::service::{self, DistrictFilter as ServiceFilter, DistrictUpdate};
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::enums::DistrictKind;
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

impl From<province::Model> for Province {
    fn from(p: province::Model) -> Self {
        Province {
            code: p.code,
            name: p.name,
        }
    }
}

/// A district-level unit (city, town or rural district) and its health-system profile.
pub struct District(pub district::Model);

/// A district-level unit (city, town or rural district) and its health-system profile.
#[Object]
impl District {
    /// GSO code (2021), e.g. "380". Stable; names are not unique.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Official Vietnamese name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// English name; null when none was given.
    async fn name_en(&self) -> Option<&str> {
        self.0.name_en.as_deref()
    }
    /// City, town or rural district.
    async fn kind(&self) -> DistrictKind {
        self.0.kind.into()
    }
    /// The province the district belongs to.
    async fn province(&self, ctx: &Context<'_>) -> Result<Province> {
        let loaded = ctx
            .by_id::<entity::province::Entity>(self.0.province_id)
            .await?;
        loaded
            .map(Province::from)
            .ok_or_else(|| "province missing".into())
    }
    /// Population; null when unknown.
    async fn population(&self) -> Option<i64> {
        self.0.population
    }
    /// Year the population was counted; null when unknown.
    async fn population_year(&self) -> Option<i32> {
        self.0.population_year
    }
    /// True when the population is an illustrative demo value rather than an official figure.
    async fn population_illustrative(&self) -> bool {
        self.0.population_illustrative
    }
    /// People aged 18 and over; null when unknown.
    async fn adults_18_plus(&self) -> Option<i64> {
        self.0.adults_18_plus
    }
    /// Beds for treating COVID-19 patients; null when unknown.
    async fn treatment_beds(&self) -> Option<i32> {
        self.0.treatment_beds
    }
    /// Intensive care beds; null when unknown.
    async fn intensive_care_beds(&self) -> Option<i32> {
        self.0.intensive_care_beds
    }
    /// Patients the district must be able to treat at once: 100 under 100,000 people, 200 from 100,000
    /// (Thanh Hóa conclusion of 07/12/2021). Null when the population is unknown.
    async fn treatment_capacity_required(&self) -> Option<i32> {
        service::treatment_capacity_required(self.0.population)
    }
    /// Whether the treatment beds meet `treatmentCapacityRequired`; null when either is unknown.
    async fn meets_treatment_capacity(&self) -> Option<bool> {
        service::meets_treatment_capacity(&self.0)
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
    ) -> Result<Vec<VaccineLot>> {
        let shown = stock::district_lots(
            &ctx.services()?,
            &self.0,
            first,
            include_empty,
            include_expired,
        )?;
        let Some(key) = shown else {
            return Ok(Vec::new());
        };
        let lots = ctx
            .loader::<DistrictLotsLoader>()
            .load_one(key)
            .await?
            .unwrap_or_default();
        Ok(lots.into_iter().map(VaccineLot).collect())
    }
    /// Version for optimistic concurrency: pass it as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the profile last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Filter for `districts`. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct DistrictFilter {
    /// Only districts of this province (GSO code).
    pub province_code: Option<String>,
    /// Only districts of this kind.
    pub kind: Option<DistrictKind>,
    /// Part of the name, Vietnamese or English; case and diacritics ignored ("thanh hoa" finds "Thanh Hóa").
    pub search: Option<String>,
}

#[derive(Default)]
pub struct DistrictQuery;

#[Object]
impl DistrictQuery {
    /// One district by GSO code. NOT_FOUND when no district has it; FORBIDDEN when it is outside the
    /// caller's scope.
    async fn district(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The district's GSO code, e.g. `380`.")] code: String,
    ) -> Result<District> {
        Ok(District(service::get(&ctx.services()?, &code).await?))
    }

    /// Districts in the caller's scope, ordered by id. Empty for a caller who may not read districts.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn districts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which districts; all when omitted.")] filter: Option<DistrictFilter>,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<District>> {
        let paging = ctx.paging(first, after)?;
        let filter = filter.unwrap_or_default().into();
        let rows = service::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(rows, District))
    }
}

impl From<DistrictFilter> for ServiceFilter {
    fn from(f: DistrictFilter) -> Self {
        ServiceFilter {
            province_code: f.province_code,
            kind: f.kind.map(Into::into),
            search: f.search,
        }
    }
}

/// Changes to a district profile; omitted figures stay as they are.
#[derive(InputObject)]
pub struct UpdateDistrictInput {
    /// GSO code of the district.
    pub code: String,
    /// People living in the district (0 to 20,000,000).
    pub population: Option<i64>,
    /// Year the population was counted (1900 to 2100).
    pub population_year: Option<i32>,
    /// People aged 18 and over; at most the population.
    pub adults_18_plus: Option<i64>,
    /// Beds for treating COVID-19 patients (0 to 100,000).
    pub treatment_beds: Option<i32>,
    /// At most `treatmentBeds`.
    pub intensive_care_beds: Option<i32>,
    /// The `version` the change is based on; CONFLICT when the profile has changed since.
    pub expected_version: Option<i32>,
}

impl From<UpdateDistrictInput> for DistrictUpdate {
    fn from(input: UpdateDistrictInput) -> Self {
        DistrictUpdate {
            code: input.code,
            population: input.population,
            population_year: input.population_year,
            adults_18_plus: input.adults_18_plus,
            treatment_beds: input.treatment_beds,
            intensive_care_beds: input.intensive_care_beds,
            expected_version: input.expected_version,
        }
    }
}

/// Result of `updateDistrict`.
#[derive(SimpleObject)]
pub struct UpdateDistrictPayload {
    /// The district as it is now.
    pub district: District,
}

#[derive(Default)]
pub struct DistrictMutation;

#[Object]
impl DistrictMutation {
    /// Updates a district profile (HEALTH at province level, the district's PEOPLES_COMMITTEE, or
    /// ADMINISTRATION). BAD_USER_INPUT names the figure at fault; CONFLICT on a stale `expectedVersion`.
    async fn update_district(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The district's changed profile fields, at the version read.")]
        input: UpdateDistrictInput,
    ) -> Result<UpdateDistrictPayload> {
        let district = service::update(&ctx.services()?, input.into()).await?;
        Ok(UpdateDistrictPayload {
            district: District(district),
        })
    }
}
