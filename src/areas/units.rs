//! The reference list of administrative units the register and travellers' origins name: the 63
//! provinces, and the districts and communes of the provinces whose 2021 GSO lists the server carries
//! (Thanh Hóa, Quảng Ninh, Hà Tĩnh; `data/*-2021.csv`). A district or commune code outside these lists
//! cannot be checked, so it is refused; other provinces are named at province level (with free text).

use std::collections::HashMap;
use std::sync::LazyLock;

use entity::AreaKind;

use crate::error::{AppError, AppResult};

const PROVINCES_CSV: &str = include_str!("../../data/provinces-2021.csv");
const DISTRICTS_CSV: &str = include_str!("../../data/districts-2021.csv");
const COMMUNES_CSV: &str = include_str!("../../data/communes-2021.csv");

/// One unit: its kind, its code and the codes of the units above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub kind: AreaKind,
    pub code: String,
    pub name: String,
    /// The district of a commune; none for a district or province.
    pub district_code: Option<String>,
    /// The province (its own code for a province).
    pub province_code: String,
}

static UNITS: LazyLock<HashMap<String, Unit>> = LazyLock::new(|| {
    let mut units = HashMap::new();
    let rows = |csv: &'static str| {
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
    };
    for f in rows(PROVINCES_CSV).filter(|f| f.len() >= 2) {
        let unit = Unit {
            kind: AreaKind::Province,
            code: f[0].into(),
            name: f[1].into(),
            district_code: None,
            province_code: f[0].into(),
        };
        units.insert(unit.code.clone(), unit);
    }
    for f in rows(DISTRICTS_CSV).filter(|f| f.len() >= 4) {
        let unit = Unit {
            kind: AreaKind::District,
            code: f[0].into(),
            name: f[1].into(),
            district_code: None,
            province_code: f[3].into(),
        };
        units.insert(unit.code.clone(), unit);
    }
    for f in rows(COMMUNES_CSV).filter(|f| f.len() >= 5) {
        let unit = Unit {
            kind: AreaKind::Commune,
            code: f[0].into(),
            name: f[1].into(),
            district_code: Some(f[3].into()),
            province_code: f[4].into(),
        };
        units.insert(unit.code.clone(), unit);
    }
    units
});

/// The unit with this code, if the reference list holds it.
pub fn find(code: &str) -> Option<&'static Unit> {
    UNITS.get(code)
}

/// The name of the unit with this code, e.g. "Phường Ba Đình".
pub fn name_of(code: &str) -> Option<&'static str> {
    find(code).map(|u| u.name.as_str())
}

/// The unit with this code and kind; BAD_USER_INPUT naming `field` otherwise.
pub fn require(field: &str, code: &str, kind: AreaKind) -> AppResult<&'static Unit> {
    match find(code) {
        Some(u) if u.kind == kind => Ok(u),
        _ => Err(AppError::bad_input(
            field,
            format!(
                "unknown {} code '{code}' (GSO list of 2021)",
                kind_word(kind)
            ),
        )),
    }
}

fn kind_word(kind: AreaKind) -> &'static str {
    match kind {
        AreaKind::Province => "province",
        AreaKind::District => "district",
        AreaKind::Commune => "commune",
    }
}

/// An origin as given: province, district and commune codes, each optional, each checked and each
/// inside the one above it. Returns the units, finest first (commune, district, province).
pub fn origin(
    province: Option<&str>,
    district: Option<&str>,
    commune: Option<&str>,
) -> AppResult<Vec<&'static Unit>> {
    let commune = commune
        .map(|c| require("originCommuneCode", c, AreaKind::Commune))
        .transpose()?;
    let district = district
        .map(|d| require("originDistrictCode", d, AreaKind::District))
        .transpose()?;
    let province = province
        .map(|p| require("originProvinceCode", p, AreaKind::Province))
        .transpose()?;
    if let (Some(c), Some(d)) = (commune, district)
        && c.district_code.as_deref() != Some(d.code.as_str())
    {
        return Err(AppError::bad_input(
            "originCommuneCode",
            format!("commune {} is not in district {}", c.code, d.code),
        ));
    }
    for (field, unit) in [
        ("originCommuneCode", commune),
        ("originDistrictCode", district),
    ] {
        if let (Some(u), Some(p)) = (unit, province)
            && u.province_code != p.code
        {
            return Err(AppError::bad_input(
                field,
                format!("{} is not in province {}", u.code, p.code),
            ));
        }
    }
    // The units above the finest one given, so the register can be asked at every level.
    let district = district.or_else(|| commune.and_then(|c| find(c.district_code.as_deref()?)));
    let province = province.or_else(|| find(&commune.or(district)?.province_code));
    Ok([commune, district, province]
        .into_iter()
        .flatten()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_loaded() {
        assert_eq!(find("38").map(|u| u.kind), Some(AreaKind::Province));
        assert_eq!(find("380").map(|u| u.province_code.as_str()), Some("38"));
        let communes = UNITS
            .values()
            .filter(|u| u.kind == AreaKind::Commune)
            .count();
        assert_eq!(communes, 952);
        assert_eq!(
            UNITS
                .values()
                .filter(|u| u.kind == AreaKind::Province)
                .count(),
            63
        );
    }

    #[test]
    fn an_origin_is_consistent() {
        let c = find("06649").map(|u| u.district_code.clone());
        let Some(Some(district)) = c else {
            panic!("commune 06649")
        };
        let units = origin(None, None, Some("06649")).unwrap_or_default();
        assert_eq!(units.len(), 3);
        assert_eq!(units[1].code, district);
        assert!(origin(Some("38"), Some(&district), None).is_err());
        assert!(origin(None, Some("380"), Some("06649")).is_err());
        assert!(origin(Some("99"), None, None).is_err());
    }
}
