//! GraphQL face of the epidemic-area register.

use async_graphql::{Context, Enum, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::epidemic_area;

use super::register::{self, AreaFilter, AreaInput};
use super::units;
use crate::graphql::connection::Conn;
use crate::graphql::context::ContextExt;
use crate::graphql::resolvers::{each, input_object, payload, root_object, row_object};

/// The unit an area code names.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "AreaKind", remote = "entity::AreaKind")]
pub enum AreaKind {
    /// A province or centrally governed city (2-digit GSO code).
    Province,
    /// A district-level unit (3-digit GSO code).
    District,
    /// A commune, ward or township (5-digit GSO code).
    Commune,
}

/// Where a register entry comes from.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "AreaSource", remote = "entity::AreaSource")]
pub enum AreaSource {
    /// A level this province declared.
    DeclaredLevel,
    /// Another province's announcement, entered by province health or the steering committee.
    Announcement,
}

row_object! {
    #[Object]
    /// An entry of the epidemic-area register: a unit at a level or in lockdown, for a period.
    pub struct EpidemicArea(epidemic_area::Model) as a {
        /// Entry id; pass it to `endEpidemicArea`.
        id: i32 = a.id;
        /// GSO code of the province (2 digits), district (3) or commune (5).
        area_code: &str = &a.area_code;
        /// The unit the code names.
        area_kind: AreaKind = a.area_kind.into();
        /// The unit's name in the 2021 GSO list; null when the list does not hold it.
        area_name: Option<&str> = units::find(&a.area_code).map(|u| u.name.as_str());
        /// GSO code of the unit's province.
        province_code: &str = &a.province_code;
        /// Epidemic level 1 (green) to 4 (red); null for a lockdown given without a level.
        level: Option<i32> = a.level;
        /// Whether the unit is locked down (phong tỏa).
        lockdown: bool = a.lockdown;
        /// From when the entry holds.
        valid_from: DateTime<Utc> = a.valid_from;
        /// Until when (exclusive); null while open.
        valid_to: Option<DateTime<Utc>> = a.valid_to;
        /// Declared level of this province, or another province's announcement.
        source: AreaSource = a.source.into();
        /// Note (the announcement's reference, say); null when none.
        note: Option<&str> = a.note.as_deref();
        /// Who entered it, as "agency-code/subject".
        entered_by: &str = &a.entered_by;
        /// Who ended it; null while open or when it ended as set.
        ended_by: Option<&str> = a.ended_by.as_deref();
        /// Version for optimistic concurrency.
        version: i32 = a.version;
    }
}

input_object! {
    /// Filter for `epidemicAreas`. All given conditions must hold.
    #[derive(InputObject, Default)]
    pub struct EpidemicAreaFilterInput => AreaFilter {
        /// Only entries of this unit (GSO code).
        area_code: Option<String>,
        /// Only entries of units of this province (GSO code).
        province_code: Option<String>,
        /// Only entries from this source.
        source: Option<AreaSource> => each,
        /// Only entries of this kind of unit.
        area_kind: Option<AreaKind> => each,
    }
    also { at: None }
}

input_object! {
    /// An entry of the register to set.
    #[derive(InputObject)]
    pub struct SetEpidemicAreaInput => AreaInput {
        /// GSO code of a province (2 digits), district (3) or commune (5), of any province; districts and
        /// communes only of the provinces whose 2021 lists the server holds (Thanh Hóa, Quảng Ninh, Hà Tĩnh).
        area_code: String,
        /// Level 1 to 4; may be omitted for a lockdown.
        level: Option<i32>,
        /// Whether the unit is locked down.
        #[graphql(default)]
        lockdown: bool,
        /// From when (default now).
        valid_from: Option<DateTime<Utc>>,
        /// Until when (exclusive); open when omitted.
        valid_to: Option<DateTime<Utc>>,
        /// Note: the announcement's reference, say.
        note: Option<String>,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
    }
}

/// An entry to end.
#[derive(InputObject)]
pub struct EndEpidemicAreaInput {
    /// Entry id.
    pub id: i32,
    /// Until when it held (default now).
    pub valid_to: Option<DateTime<Utc>>,
    /// The `version` the change is based on; CONFLICT when stale.
    pub expected_version: Option<i32>,
}

payload! {
    /// Result of `setEpidemicArea` and `endEpidemicArea`.
    pub struct EpidemicAreaPayload {
        /// The entry.
        area: EpidemicArea,
    }
}

#[derive(Default)]
pub struct AreaQuery;

#[Object]
impl AreaQuery {
    /// The epidemic-area register, by id: entries valid at `at`, or every entry when `at` is omitted.
    /// Every agency reads it.
    #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
    async fn epidemic_areas(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only entries valid at this instant; every entry when omitted.")]
        at: Option<DateTime<Utc>>,
        #[graphql(desc = "Which entries to list; every entry when omitted.")] filter: Option<
            EpidemicAreaFilterInput,
        >,
        #[graphql(desc = "Page size, 1 to 500 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last row of the previous page.")] after: Option<String>,
    ) -> Result<Conn<EpidemicArea>> {
        let paging = ctx.paging(first, after)?;
        let mut filter: AreaFilter = filter.unwrap_or_default().into();
        filter.at = at;
        let page = register::list(&ctx.services()?, &filter, paging.request).await?;
        Ok(paging.connection(page, EpidemicArea))
    }
}

root_object! {
    impl AreaMutation {
        calls {
            /// Sets an entry of the epidemic-area register (province HEALTH EDITOR, or STEERING). A unit of another
            /// province is that province's announcement; a unit of this province a declared level, which ends the
            /// unit's open declared entry.
            set_epidemic_area(#[graphql(desc = "The unit, its level or lockdown and the period.")] input: SetEpidemicAreaInput) -> EpidemicAreaPayload
                = |s| register::set(&s, input.into());
            /// Ends an entry of the register (default now); INVALID_STATE when it has already ended.
            end_epidemic_area(#[graphql(desc = "The entry and when it ends.")] input: EndEpidemicAreaInput) -> EpidemicAreaPayload
                = |s| register::end(&s, input.id, input.valid_to, input.expected_version);
        }
    }
}
