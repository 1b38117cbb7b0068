//! `lienthong import districts FILE.csv`: the reference list of districts, all or nothing.
//!
//! Columns (header names, any order): `code`, `name`, `kind` (CITY/TOWN/DISTRICT or the GSO words
//! thanh_pho/thi_xa/huyen), `province_code`, `province_name`; optional `name_en`, `population`,
//! `population_year`, `population_2019` (a population counted in 2019), `adults_18_plus`,
//! `treatment_beds`, `intensive_care_beds`. Existing districts (by code) are updated, new ones created.

use std::collections::HashMap;
use std::io::Read;

use entity::{DistrictKind, district, province};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, Set};
use serde::Serialize;

use super::service::{MAX_BEDS, MAX_POPULATION, fold};
use crate::csv_lines::CsvFile;
use crate::error::AppResult;
use crate::kit::Ctx;
use crate::policy::{self, Action, Resource};

/// Most rows one file may hold.
const MAX_ROWS: usize = 10_000;

/// One valid line of the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictRow {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: DistrictKind,
    pub province_code: String,
    pub province_name: String,
    pub population: Option<i64>,
    pub population_year: Option<i32>,
    pub adults_18_plus: Option<i64>,
    pub treatment_beds: Option<i32>,
    pub intensive_care_beds: Option<i32>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// Parses and validates the whole file; every bad line is reported with its line number.
pub fn parse(input: impl Read) -> AppResult<Vec<DistrictRow>> {
    let required = ["code", "name", "kind", "province_code", "province_name"];
    let mut seen: HashMap<String, u64> = HashMap::new();
    CsvFile::open(input, &required)?.rows(MAX_ROWS, |line, fields| {
        let row = parse_row(&|name| fields.get(name))?;
        if let Some(first) = seen.insert(row.code.clone(), line) {
            return Err(format!("code: {} already given on line {first}", row.code));
        }
        Ok(row)
    })
}

fn parse_row<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Result<DistrictRow, String> {
    let code = get("code").ok_or("code: required")?;
    if !code.chars().all(|c| c.is_ascii_digit()) || code.len() > 8 {
        return Err(format!("code: '{code}' is not a GSO code (digits only)"));
    }
    let province_code = get("province_code").ok_or("province_code: required")?;
    if !province_code.chars().all(|c| c.is_ascii_digit()) || province_code.len() > 8 {
        return Err(format!(
            "province_code: '{province_code}' is not a GSO code"
        ));
    }
    let kind_text = get("kind").ok_or("kind: required")?;
    let kind = match kind_text.to_lowercase().as_str() {
        "city" | "thanh_pho" => DistrictKind::City,
        "town" | "thi_xa" => DistrictKind::Town,
        "district" | "huyen" => DistrictKind::District,
        _ => return Err(format!("kind: '{kind_text}' is not CITY, TOWN or DISTRICT")),
    };
    let text = |name: &str, max: usize| -> Result<Option<String>, String> {
        match get(name) {
            Some(v) if v.chars().count() > max => {
                Err(format!("{name}: longer than {max} characters"))
            }
            other => Ok(other.map(str::to_owned)),
        }
    };
    let number = |name: &str, max: i64| -> Result<Option<i64>, String> {
        get(name)
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .filter(|n| (0..=max).contains(n))
                    .ok_or(format!(
                        "{name}: '{v}' is not a whole number between 0 and {max}"
                    ))
            })
            .transpose()
    };
    let (mut population, mut population_year) = (number("population", MAX_POPULATION)?, None);
    if let Some(y) = number("population_year", 2100)? {
        population_year = Some(y as i32);
    }
    if population.is_none()
        && let Some(p) = number("population_2019", MAX_POPULATION)?
    {
        population = Some(p);
        population_year = Some(2019);
    }
    let adults_18_plus = number("adults_18_plus", MAX_POPULATION)?;
    if let (Some(a), Some(p)) = (adults_18_plus, population)
        && a > p
    {
        return Err(format!("adults_18_plus: {a} exceeds the population of {p}"));
    }
    Ok(DistrictRow {
        code: code.to_owned(),
        name: text("name", 200)?.ok_or("name: required")?,
        name_en: text("name_en", 200)?,
        kind,
        province_code: province_code.to_owned(),
        province_name: text("province_name", 200)?.ok_or("province_name: required")?,
        population,
        population_year,
        adults_18_plus,
        treatment_beds: number("treatment_beds", i64::from(MAX_BEDS))?.map(|v| v as i32),
        intensive_care_beds: number("intensive_care_beds", i64::from(MAX_BEDS))?.map(|v| v as i32),
    })
}

/// Imports the rows in one transaction with one audit row. Reference data spanning provinces, so only an
/// administrator (agency ADMINISTRATION, role ADMIN) or the command-line operator may import.
pub async fn import(ctx: &Ctx<'_>, rows: &[DistrictRow]) -> AppResult<ImportSummary> {
    import_or_check(ctx, rows, false).await
}

/// [`import`], or with `dry_run` the same checks and writes in a transaction that is rolled back: what
/// the import would do, without doing it.
#[tracing::instrument(skip_all, fields(rows = rows.len(), dry_run))]
pub async fn import_or_check(
    ctx: &Ctx<'_>,
    rows: &[DistrictRow],
    dry_run: bool,
) -> AppResult<ImportSummary> {
    policy::require(ctx.actor, Resource::AgencyAdmin, Action::Write)?;
    policy::require(ctx.actor, Resource::DistrictProfile, Action::Write)?;
    let write = ctx.write().await?;
    let txn: &sea_orm::DatabaseTransaction = &write;
    let now = write.now();
    let mut provinces: HashMap<String, i32> = province::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|p| (p.code, p.id))
        .collect();
    let mut summary = ImportSummary::default();
    for row in rows {
        let province_id = match provinces.get(&row.province_code) {
            Some(id) => *id,
            None => {
                let created = province::ActiveModel {
                    id: NotSet,
                    code: Set(row.province_code.clone()),
                    name: Set(row.province_name.clone()),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(txn)
                .await?;
                provinces.insert(created.code.clone(), created.id);
                created.id
            }
        };
        let existing = district::Entity::find()
            .filter(district::Column::Code.eq(row.code.as_str()))
            .one(txn)
            .await?;
        let mut model = match &existing {
            Some(found) => {
                let mut m: district::ActiveModel = found.clone().into();
                m.version = Set(found.version + 1);
                m
            }
            None => district::ActiveModel {
                id: NotSet,
                version: Set(1),
                created_at: Set(now),
                population_illustrative: Set(false),
                population: Set(None),
                population_year: Set(None),
                adults_18_plus: Set(None),
                treatment_beds: Set(None),
                intensive_care_beds: Set(None),
                ..Default::default()
            },
        };
        model.code = Set(row.code.clone());
        model.name = Set(row.name.clone());
        model.name_en = Set(row.name_en.clone());
        model.search_name = Set(fold(&format!(
            "{} {}",
            row.name,
            row.name_en.as_deref().unwrap_or("")
        )));
        model.kind = Set(row.kind);
        model.province_id = Set(province_id);
        model.updated_at = Set(now);
        // Figures absent from the file keep their current values.
        if row.population.is_some() {
            model.population = Set(row.population);
            model.population_year = Set(row.population_year);
            model.population_illustrative = Set(false);
        }
        if row.adults_18_plus.is_some() {
            model.adults_18_plus = Set(row.adults_18_plus);
        }
        if row.treatment_beds.is_some() {
            model.treatment_beds = Set(row.treatment_beds);
        }
        if row.intensive_care_beds.is_some() {
            model.intensive_care_beds = Set(row.intensive_care_beds);
        }
        model.save(txn).await?;
        if existing.is_some() {
            summary.updated += 1;
        } else {
            summary.created += 1;
        }
    }
    if dry_run {
        // Dropping the transaction rolls it back.
        return Ok(summary);
    }
    let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    // Their communes come with them, from the 2021 list, in the same transaction.
    let imported_districts = district::Entity::find()
        .filter(district::Column::Code.is_in(codes.iter().copied()))
        .all(txn)
        .await?;
    let communes = super::communes::load_for(txn, &imported_districts).await?;
    let imported = serde_json::json!({ "summary": summary, "codes": codes, "communes": communes });
    write
        .commit_created(
            "district.import",
            "district",
            format!("{} rows", rows.len()),
            &imported,
        )
        .await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shared_reference_file() {
        let rows = parse(include_str!("../../data/districts-2021.csv").as_bytes()).expect("parse");
        assert_eq!(rows.len(), 27 + 13 + 13);
        let bim_son = rows.iter().find(|r| r.code == "381").expect("381");
        assert_eq!(bim_son.kind, DistrictKind::Town);
        assert_eq!(bim_son.population, Some(53442));
        assert_eq!(bim_son.population_year, Some(2019));
    }

    #[test]
    fn reports_every_bad_line() {
        let csv = "code,name,kind,province_code,province_name\n380,A,huyen,38,T\nx1,B,huyen,38,T\n382,C,village,38,T\n380,D,huyen,38,T\n";
        let faults = [
            "line 3: code",
            "line 4: kind",
            "line 5: code: 380 already given on line 2",
        ];
        assert_faults(csv, &faults);
    }

    #[test]
    fn lines_are_counted_across_quoted_line_breaks_and_blank_lines() {
        // fuzz/regressions/district_csv: the record index + 2 named line 3 for the error on line 4.
        let csv = "code,name,kind,province_code,province_name\n380,\"Thanh\nHoa\",huyen,38,T\n\n\n381,B,village,38,T\n380,C,huyen,38,T\n";
        assert_faults(
            csv,
            &["line 6: kind", "line 7: code: 380 already given on line 2"],
        );
    }

    #[test]
    fn missing_columns_are_named() {
        assert_faults("code,name\n1,a\n", &["kind"]);
    }

    /// Parsing `csv` fails, and the error names each of `faults`.
    fn assert_faults(csv: &str, faults: &[&str]) {
        let text = parse(csv.as_bytes()).expect_err("must fail").to_string();
        for fault in faults {
            assert!(text.contains(fault), "{fault:?} not in {text}");
        }
    }
}
