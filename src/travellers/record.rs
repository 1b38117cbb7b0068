//! Travellers recorded with a screening: the checks of each entry (all or nothing), where each comes
//! from and goes to, whether the register puts their origin in an epidemic area at the crossing time,
//! and the rows written in the screening's transaction.

use chrono::{DateTime, Datelike, Utc};
use entity::{
    AreaKind, DeclarationChannel, TestKind, TestResult, commune, district, screening, traveller,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, Set};
use serde::Serialize;

use super::identity::{normalise_phone, valid_identity};
use crate::areas::register;
use crate::areas::units::{self, Unit};
use crate::error::{AppError, AppResult};
use crate::kit::{Text, Write, text};

/// Most travellers one screening (a vehicle or a group) may hold.
pub const MAX_TRAVELLERS: usize = 100;

/// One traveller as the post records them.
#[derive(Debug, Clone, Serialize, Default)]
pub struct NewTraveller {
    pub full_name: Option<String>,
    pub id_number: Option<String>,
    pub birth_year: Option<i32>,
    pub phone: Option<String>,
    pub origin_province_code: Option<String>,
    pub origin_district_code: Option<String>,
    pub origin_commune_code: Option<String>,
    pub origin_text: Option<String>,
    pub destination_district_code: Option<String>,
    pub destination_commune_code: Option<String>,
    pub destination_address: Option<String>,
    pub declaration_channel: Option<DeclarationChannel>,
    pub declaration_reference: Option<String>,
    pub doses_shown: Option<i32>,
    pub test_kind: Option<TestKind>,
    pub test_result: Option<TestResult>,
    pub test_taken_at: Option<DateTime<Utc>>,
    pub symptoms: bool,
}

/// The field path of a traveller's field in the input list, e.g. `travellers[2].idNumber`.
fn at(i: usize, field: &str) -> String {
    format!("travellers[{i}].{field}")
}

/// Renames a BAD_USER_INPUT's field to its place in the list.
fn in_list(i: usize, err: AppError) -> AppError {
    match err {
        AppError::BadUserInput { field, message } => AppError::bad_input(at(i, &field), message),
        other => other,
    }
}

/// Checks and normalises the entries, each against the crossing time `now`.
pub fn check_all(travellers: &mut [NewTraveller], now: DateTime<Utc>) -> AppResult<()> {
    if travellers.len() > MAX_TRAVELLERS {
        return Err(AppError::bad_input(
            "travellers",
            format!("at most {MAX_TRAVELLERS} per screening"),
        ));
    }
    for (i, t) in travellers.iter_mut().enumerate() {
        check_one(t, now).map_err(|e| in_list(i, e))?;
    }
    Ok(())
}

fn check_one(t: &mut NewTraveller, now: DateTime<Utc>) -> AppResult<()> {
    if let Some(id) = &t.id_number {
        let id = id.trim().to_uppercase();
        if !valid_identity(&id) {
            return Err(AppError::bad_input(
                "idNumber",
                "a 12-digit citizen identity number, a 9-digit identity card number or a passport number",
            ));
        }
        t.id_number = Some(id);
    }
    if let Some(phone) = &t.phone {
        t.phone = Some(normalise_phone(phone).ok_or_else(|| {
            AppError::bad_input(
                "phone",
                "a Vietnamese phone number: 0 and 9 digits, or +84 and 9 digits",
            )
        })?);
    }
    if t.birth_year
        .is_some_and(|y| !(1900..=now.year()).contains(&y))
    {
        return Err(AppError::bad_input("birthYear", "1900 to this year"));
    }
    if t.doses_shown.is_some_and(|d| !(0..=10).contains(&d)) {
        return Err(AppError::bad_input("dosesShown", "0 to 10"));
    }
    let kind = t.test_kind.unwrap_or(TestKind::None);
    if kind == TestKind::None && (t.test_result.is_some() || t.test_taken_at.is_some()) {
        return Err(AppError::bad_input(
            "testResult",
            "a result needs a test kind",
        ));
    }
    if t.test_taken_at
        .is_some_and(|x| x > now + chrono::Duration::minutes(5))
    {
        return Err(AppError::bad_input("testTakenAt", "in the future"));
    }
    t.full_name = text("fullName", t.full_name.as_deref(), Text::optional(200))?;
    t.origin_text = text("originText", t.origin_text.as_deref(), Text::optional(500))?;
    t.destination_address = text(
        "destinationAddress",
        t.destination_address.as_deref(),
        Text::optional(500),
    )?;
    // The reference is kept as given (a QR code's text may hold line breaks).
    t.declaration_reference = text(
        "declarationReference",
        t.declaration_reference.as_deref(),
        Text::optional(2000).multiline(),
    )?;
    let channel = t.declaration_channel.unwrap_or(DeclarationChannel::None);
    if channel != DeclarationChannel::None && t.declaration_reference.is_none() {
        return Err(AppError::bad_input(
            "declarationReference",
            "required with a declaration channel other than NONE (its id, or the text of its QR code)",
        ));
    }
    units::origin(
        t.origin_province_code.as_deref(),
        t.origin_district_code.as_deref(),
        t.origin_commune_code.as_deref(),
    )?;
    destination_units(t)?;
    Ok(())
}

/// The destination district and commune as the reference list knows them, the commune inside the
/// district.
fn destination_units(
    t: &NewTraveller,
) -> AppResult<(Option<&'static Unit>, Option<&'static Unit>)> {
    let commune = t
        .destination_commune_code
        .as_deref()
        .map(|c| units::require("destinationCommuneCode", c, AreaKind::Commune))
        .transpose()?;
    let district = t
        .destination_district_code
        .as_deref()
        .map(|d| units::require("destinationDistrictCode", d, AreaKind::District))
        .transpose()?;
    match (district, commune) {
        (Some(d), Some(c)) if c.district_code.as_deref() != Some(d.code.as_str()) => {
            Err(AppError::bad_input(
                "destinationCommuneCode",
                format!("commune {} is not in district {}", c.code, d.code),
            ))
        }
        (None, Some(c)) => Ok((c.district_code.as_deref().and_then(units::find), Some(c))),
        pair => Ok(pair),
    }
}

/// Where a traveller goes, as this province knows it.
#[derive(Debug, Clone)]
pub struct Destination {
    /// A district of this province (the follow-up's and the alert's district).
    pub district: Option<district::Model>,
    pub commune: Option<commune::Model>,
    /// The province, when it is another one: an outbound notice.
    pub outbound_province: Option<String>,
}

/// A traveller as written, with where they go.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub traveller: traveller::Model,
    pub destination: Destination,
}

/// Writes the travellers of `screening` (checked by [`check_all`]) in its write. `fallback` is the
/// screening's own destination district, for a traveller who names none; `marked` the officer's mark
/// "from an epidemic area".
pub async fn insert_all(
    w: &Write<'_>,
    screening: &screening::Model,
    travellers: Vec<NewTraveller>,
    fallback: Option<&district::Model>,
    marked: bool,
) -> AppResult<Vec<Recorded>> {
    let config = w.ctx().config;
    let own_province = w.ctx().actor.province_id;
    let mut out = Vec::with_capacity(travellers.len());
    for (i, t) in travellers.into_iter().enumerate() {
        let origin = units::origin(
            t.origin_province_code.as_deref(),
            t.origin_district_code.as_deref(),
            t.origin_commune_code.as_deref(),
        )?;
        let matched = register::matching(
            &**w,
            &origin,
            screening.recorded_at,
            config.epidemic_area_min_level,
        )
        .await?;
        let destination = destination(w, &t, fallback, own_province)
            .await
            .map_err(|e| in_list(i, e))?;
        let row = traveller::ActiveModel {
            id: NotSet,
            screening_id: Set(screening.id),
            post_district_id: Set(screening.district_id),
            crossed_at: Set(screening.recorded_at),
            full_name: Set(t.full_name),
            id_number: Set(t.id_number),
            birth_year: Set(t.birth_year),
            phone: Set(t.phone),
            origin_province_code: Set(t.origin_province_code),
            origin_district_code: Set(t.origin_district_code),
            origin_commune_code: Set(t.origin_commune_code),
            origin_text: Set(t.origin_text),
            destination_district_code: Set(t
                .destination_district_code
                .or_else(|| destination.district.as_ref().map(|d| d.code.clone()))),
            destination_district_id: Set(destination.district.as_ref().map(|d| d.id)),
            destination_commune_code: Set(t.destination_commune_code),
            destination_address: Set(t.destination_address),
            declaration_channel: Set(t.declaration_channel.unwrap_or(DeclarationChannel::None)),
            declaration_reference: Set(t.declaration_reference),
            doses_shown: Set(t.doses_shown),
            test_kind: Set(t.test_kind.unwrap_or(TestKind::None)),
            test_result: Set(t.test_result),
            test_taken_at: Set(t.test_taken_at),
            symptoms: Set(t.symptoms),
            from_epidemic_area: Set(matched.is_some() || marked),
            marked_by_officer: Set(marked),
            matched_area_id: Set(matched.as_ref().map(|a| a.id)),
            matched_area_code: Set(matched.as_ref().map(|a| a.area_code.clone())),
            matched_level: Set(matched.as_ref().and_then(|a| a.level)),
            created_at: Set(w.now()),
        }
        .insert(&**w)
        .await?;
        out.push(Recorded {
            traveller: row,
            destination,
        });
    }
    Ok(out)
}

async fn destination(
    w: &Write<'_>,
    t: &NewTraveller,
    fallback: Option<&district::Model>,
    own_province: i32,
) -> AppResult<Destination> {
    let (district_unit, commune_unit) = destination_units(t)?;
    let Some(unit) = district_unit else {
        return Ok(Destination {
            district: fallback.cloned(),
            commune: None,
            outbound_province: None,
        });
    };
    let found = district::Entity::find()
        .filter(district::Column::Code.eq(unit.code.as_str()))
        .one(&**w)
        .await?;
    match found {
        Some(d) if d.province_id == own_province => {
            let commune = match commune_unit {
                Some(c) => {
                    commune::Entity::find()
                        .filter(commune::Column::Code.eq(c.code.as_str()))
                        .one(&**w)
                        .await?
                }
                None => None,
            };
            Ok(Destination {
                district: Some(d),
                commune,
                outbound_province: None,
            })
        }
        // A district of another province (or one this server does not hold): an outbound notice.
        _ => Ok(Destination {
            district: None,
            commune: None,
            outbound_province: Some(unit.province_code.clone()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities() {
        assert!(valid_identity("038090001234"));
        assert!(valid_identity("172345678"));
        assert!(valid_identity("C1234567"));
        assert!(valid_identity("N12345678"));
        assert!(!valid_identity("ABCDEFG"));
        assert!(!valid_identity("12345"));
        assert!(!valid_identity("c12 34567"));
    }

    #[test]
    fn a_channel_needs_a_reference() {
        let now = Utc::now();
        let mut t = NewTraveller {
            declaration_channel: Some(DeclarationChannel::PcCovid),
            ..Default::default()
        };
        assert!(check_one(&mut t, now).is_err());
        t.declaration_reference = Some("QR:abc".into());
        assert!(check_one(&mut t, now).is_ok());
    }
}
