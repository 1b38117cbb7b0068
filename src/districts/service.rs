//! District rules: who reads and edits profiles, the validation of figures, the treatment-capacity rule.

use entity::{DistrictKind, district, province};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, Set};

use super::lookup;
use crate::error::{AppError, AppResult};
use crate::kit::{self, Ctx, ScopedList, check_version};
use crate::policy::{self, Action, Resource, Scope};

/// Largest population accepted for one district; anything above is a typing error.
pub const MAX_POPULATION: i64 = 20_000_000;
/// Largest bed count accepted for one district.
pub const MAX_BEDS: i32 = 100_000;

/// Thanh Hóa conclusion of 07/12/2021: a district under 100,000 people must be able to treat at least 100
/// COVID-19 patients at once, one of 100,000 or more at least 200.
pub fn treatment_capacity_required(population: Option<i64>) -> Option<i32> {
    population.map(|p| if p < 100_000 { 100 } else { 200 })
}

/// Whether the district's treatment beds meet [`treatment_capacity_required`]; unknown when the
/// population or the bed count is.
pub fn meets_treatment_capacity(d: &district::Model) -> Option<bool> {
    Some(d.treatment_beds? >= treatment_capacity_required(d.population)?)
}

/// Lower-case, diacritics removed, spaces folded: "Thành phố Thanh Hóa" -> "thanh pho thanh hoa".
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone, Default)]
pub struct DistrictFilter {
    pub province_code: Option<String>,
    pub kind: Option<DistrictKind>,
    pub search: Option<String>,
}

/// Districts the caller may read, filtered.
impl ScopedList for DistrictFilter {
    type Entity = district::Entity;
    const RESOURCE: Resource = Resource::DistrictProfile;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        let mut cond = Condition::all().add(scope.district_filter(district::Column::Id));
        if let Some(code) = &self.province_code {
            cond = cond.add(
                district::Column::ProvinceId.in_subquery(
                    Query::select()
                        .column(province::Column::Id)
                        .from(province::Entity)
                        .and_where(Expr::col(province::Column::Code).eq(code.as_str()))
                        .to_owned(),
                ),
            );
        }
        if let Some(kind) = self.kind {
            cond = cond.add(district::Column::Kind.eq(kind));
        }
        if let Some(search) = &self.search {
            let folded = fold(search);
            if folded.len() > 100 {
                return Err(AppError::bad_input(
                    "filter.search",
                    "at most 100 characters",
                ));
            }
            if !folded.is_empty() {
                let pattern = format!("%{}%", folded.replace(['\\', '%', '_'], ""));
                cond = cond.add(district::Column::SearchName.like(pattern));
            }
        }
        Ok(Some(cond))
    }
}

kit::scoped_list!(list: DistrictFilter);

/// One district by code, if the caller may read it.
#[tracing::instrument(skip_all, fields(district.code = %code))]
pub async fn get(ctx: &Ctx<'_>, code: &str) -> AppResult<district::Model> {
    let scope = policy::require(ctx.actor, Resource::DistrictProfile, Action::Read)?;
    let found = lookup::by_code(ctx.db, code).await?;
    if !scope.covers_district(found.id, found.province_id) {
        return Err(AppError::forbidden(format!(
            "district {code} is outside your scope"
        )));
    }
    Ok(found)
}

/// Changes to a district profile. `None` leaves a figure as it is.
#[derive(Debug, Clone, Default)]
pub struct DistrictUpdate {
    pub code: String,
    pub population: Option<i64>,
    pub population_year: Option<i32>,
    pub adults_18_plus: Option<i64>,
    pub treatment_beds: Option<i32>,
    pub intensive_care_beds: Option<i32>,
    pub expected_version: Option<i32>,
}

/// Updates a district profile: checks the policy and scope, validates every figure against the others,
/// refuses a stale version, and writes the change with its audit row in one transaction.
#[tracing::instrument(skip_all, fields(district.code = %input.code, agency = %ctx.actor.agency_code))]
pub async fn update(ctx: &Ctx<'_>, input: DistrictUpdate) -> AppResult<district::Model> {
    let scope = policy::require(ctx.actor, Resource::DistrictProfile, Action::Write)?;
    let write = ctx.write().await?;
    let before = lookup::by_code(&*write, &input.code).await?;
    if !scope.covers_district(before.id, before.province_id) {
        return Err(AppError::forbidden(format!(
            "district {} is outside your scope",
            input.code
        )));
    }
    check_version(
        "district",
        &before.code,
        before.version,
        input.expected_version,
    )?;
    validate(&before, &input)?;

    let mut row: district::ActiveModel = before.clone().into();
    if let Some(v) = input.population {
        row.population = Set(Some(v));
        row.population_illustrative = Set(false);
    }
    if let Some(v) = input.population_year {
        row.population_year = Set(Some(v));
    }
    if let Some(v) = input.adults_18_plus {
        row.adults_18_plus = Set(Some(v));
    }
    if let Some(v) = input.treatment_beds {
        row.treatment_beds = Set(Some(v));
    }
    if let Some(v) = input.intensive_care_beds {
        row.intensive_care_beds = Set(Some(v));
    }
    let after = write
        .update_versioned::<district::Entity>(before.id, before.version, row, Condition::all())
        .await?;
    write
        .audit_changed("district.update", "district", &after.code, &before, &after)
        .await?;
    write.commit().await?;
    Ok(after)
}

fn validate(current: &district::Model, input: &DistrictUpdate) -> AppResult<()> {
    let population = input.population.or(current.population);
    if let Some(p) = input.population
        && !(0..=MAX_POPULATION).contains(&p)
    {
        return Err(AppError::bad_input(
            "population",
            format!("must be between 0 and {MAX_POPULATION}"),
        ));
    }
    if let Some(y) = input.population_year
        && !(1900..=2100).contains(&y)
    {
        return Err(AppError::bad_input(
            "populationYear",
            "must be a year between 1900 and 2100",
        ));
    }
    if let Some(a) = input.adults_18_plus {
        if a < 0 {
            return Err(AppError::bad_input("adults18Plus", "must not be negative"));
        }
        if let Some(p) = population
            && a > p
        {
            return Err(AppError::bad_input(
                "adults18Plus",
                format!("{a} exceeds the population of {p}"),
            ));
        }
    } else if let (Some(p), Some(a)) = (input.population, current.adults_18_plus)
        && a > p
    {
        return Err(AppError::bad_input(
            "population",
            format!("{p} is below the {a} adults already recorded; update adults18Plus too"),
        ));
    }
    for (field, value) in [
        ("treatmentBeds", input.treatment_beds),
        ("intensiveCareBeds", input.intensive_care_beds),
    ] {
        if let Some(v) = value
            && !(0..=MAX_BEDS).contains(&v)
        {
            return Err(AppError::bad_input(
                field,
                format!("must be between 0 and {MAX_BEDS}"),
            ));
        }
    }
    let beds = input.treatment_beds.or(current.treatment_beds);
    if let (Some(icu), Some(beds)) = (
        input.intensive_care_beds.or(current.intensive_care_beds),
        beds,
    ) && icu > beds
        && (input.intensive_care_beds.is_some() || input.treatment_beds.is_some())
    {
        let field = if input.intensive_care_beds.is_some() {
            "intensiveCareBeds"
        } else {
            "treatmentBeds"
        };
        return Err(AppError::bad_input(
            field,
            format!("{icu} intensive care beds exceed {beds} treatment beds"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn treatment_capacity_threshold() {
        assert_eq!(treatment_capacity_required(Some(99_999)), Some(100));
        assert_eq!(treatment_capacity_required(Some(100_000)), Some(200));
        assert_eq!(treatment_capacity_required(None), None);
    }

    #[test]
    fn folding_removes_diacritics() {
        assert_eq!(fold("Thành phố  Thanh Hóa"), "thanh pho thanh hoa");
        assert_eq!(fold("Huyện Đông Sơn"), "huyen dong son");
    }
}
