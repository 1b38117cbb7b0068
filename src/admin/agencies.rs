//! Agencies: who takes part in the exchange. Administrators (agency kind ADMINISTRATION, role ADMIN)
//! list and create them within their scope.

use entity::{AgencyKind, agency};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, NotSet, QueryFilter,
    Set,
};

use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::keyset::{self, Page, PageRequest};
use crate::kit::{Ctx, Text, text};
use crate::policy::{self, Action, Resource, Scope};

/// The agency with this code; NOT_FOUND when there is none.
pub async fn by_code<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<agency::Model> {
    find(db, code)
        .await?
        .ok_or_else(|| AppError::not_found("agency", code))
}

async fn find<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<Option<agency::Model>> {
    Ok(agency::Entity::find()
        .filter(agency::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Agencies of the caller's province (its district, for a district-level administrator).
#[tracing::instrument(skip_all, fields(agency = %ctx.actor.agency_code))]
pub async fn list(ctx: &Ctx<'_>, page: PageRequest) -> AppResult<Page<agency::Model>> {
    let Some(scope) = policy::read_scope(ctx.actor, Resource::AgencyAdmin) else {
        return Ok(Page::empty());
    };
    let select = agency::Entity::find().filter(within(scope));
    keyset::fetch(ctx.db, select, page).await
}

/// The agencies among `ids` that the caller administers, for naming the agency of each token it lists.
pub async fn by_ids(ctx: &Ctx<'_>, ids: &[i32]) -> AppResult<Vec<agency::Model>> {
    let Some(scope) = policy::read_scope(ctx.actor, Resource::AgencyAdmin) else {
        return Ok(Vec::new());
    };
    Ok(agency::Entity::find()
        .filter(agency::Column::Id.is_in(ids.iter().copied()))
        .filter(within(scope))
        .all(ctx.db)
        .await?)
}

/// The agencies a scope reaches, as a row filter.
pub(super) fn within(scope: Scope) -> Condition {
    match scope {
        Scope::District { district_id, .. } => {
            Condition::all().add(agency::Column::DistrictId.eq(district_id))
        }
        Scope::Province { province_id }
        | Scope::TransfersToEscort { province_id }
        | Scope::EpidemicFigures { province_id } => {
            Condition::all().add(agency::Column::ProvinceId.eq(province_id))
        }
        Scope::StaffedCheckpoints { agency_id } | Scope::Addressed { agency_id, .. } => {
            Condition::all().add(agency::Column::Id.eq(agency_id))
        }
    }
}

/// Ids of the agencies a scope reaches, as a subquery (for rows that belong to an agency).
pub(super) fn ids_within(scope: Scope) -> SelectStatement {
    Query::select()
        .column(agency::Column::Id)
        .from(agency::Entity)
        .cond_where(within(scope))
        .to_owned()
}

/// Whether a scope reaches this agency: the same rule as [`within`], for one agency already loaded.
pub(super) fn covers(scope: Scope, target: &agency::Model) -> bool {
    match scope {
        Scope::District { district_id, .. } => target.district_id == Some(district_id),
        Scope::StaffedCheckpoints { agency_id } | Scope::Addressed { agency_id, .. } => {
            target.id == agency_id
        }
        Scope::Province { province_id }
        | Scope::TransfersToEscort { province_id }
        | Scope::EpidemicFigures { province_id } => target.province_id == province_id,
    }
}

/// Codes of agencies run by a district's agencies, for a filter on rows that name an agency by code.
pub(super) fn codes_in_district(district_id: i32) -> SelectStatement {
    Query::select()
        .column(agency::Column::Code)
        .from(agency::Entity)
        .and_where(Expr::col(agency::Column::DistrictId).eq(district_id))
        .to_owned()
}

#[derive(Debug, Clone)]
pub struct NewAgency {
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    /// `None` for a province-level agency.
    pub district_code: Option<String>,
    /// The sector a DEPARTMENT agency stands for; required for that kind, refused for the others.
    pub sector: Option<String>,
}

/// An agency code: 2 to 64 characters of a-z, 0-9 and '-', starting with a letter.
fn check_code(code: &str) -> AppResult<()> {
    let ok = (2..=64).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "code",
            "2 to 64 characters: a-z, 0-9 and '-', starting with a letter",
        ))
    }
}

/// Creates an agency of the caller's province, or of a district within its scope. CONFLICT when the
/// code is taken.
#[tracing::instrument(skip_all, fields(agency.code = %input.code))]
pub async fn create(ctx: &Ctx<'_>, input: NewAgency) -> AppResult<agency::Model> {
    let scope = policy::require(ctx.actor, Resource::AgencyAdmin, Action::Write)?;
    check_code(&input.code)?;
    let name = text("name", Some(&input.name), Text::required(200))?.unwrap_or_default();
    let sector = text("sector", input.sector.as_deref(), Text::optional(120))?;
    match (input.kind, &sector) {
        (AgencyKind::Department, None) => {
            return Err(AppError::bad_input(
                "sector",
                "a DEPARTMENT agency names its sector",
            ));
        }
        (kind, Some(_)) if kind != AgencyKind::Department => {
            return Err(AppError::bad_input(
                "sector",
                "only a DEPARTMENT agency has a sector",
            ));
        }
        _ => {}
    }
    let w = ctx.write().await?;
    let district = match &input.district_code {
        Some(code) => {
            let d = lookup::by_code(&*w, code)
                .await
                .map_err(|_| AppError::bad_input("districtCode", format!("no district {code}")))?;
            if !scope.covers_district(d.id, d.province_id) {
                return Err(AppError::forbidden(format!(
                    "district {code} is outside your scope"
                )));
            }
            Some(d)
        }
        None => None,
    };
    let taken = || AppError::Conflict(format!("agency {} already exists", input.code));
    if find(&*w, &input.code).await?.is_some() {
        return Err(taken());
    }
    let created = agency::ActiveModel {
        id: NotSet,
        code: Set(input.code.clone()),
        name: Set(name),
        kind: Set(input.kind),
        province_id: Set(district
            .as_ref()
            .map_or(ctx.actor.province_id, |d| d.province_id)),
        district_id: Set(district.as_ref().map(|d| d.id)),
        version: Set(1),
        disabled_at: Set(None),
        sector: Set(sector),
        created_at: Set(w.now()),
        updated_at: Set(w.now()),
    }
    .insert(&*w)
    .await
    .map_err(|e| {
        if crate::error::is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    w.commit_created("agency.create", "agency", &created.code, &created)
        .await?;
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_codes() {
        assert!(check_code("health-380").is_ok());
        assert!(check_code("Health").is_err());
        assert!(check_code("1abc").is_err());
        assert!(check_code("a").is_err());
    }
}
