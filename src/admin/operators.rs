//! The command-line operator: trusted with the database file or URL, acting as an administrator of one
//! province ([`Actor::operator`]). Which province is read from what the command names: the province
//! itself, or a district, agency or token in it.

use entity::{district, province};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{agencies, tokens};
use crate::auth::Actor;
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::kit;

/// The operator acting on the province with this GSO code, or, when no code is given, on the only
/// province whose districts the database holds (every province of the country is known, as origins of
/// travellers; a server serves the one or few whose districts it imported).
pub async fn of_province<C: ConnectionTrait>(
    db: &C,
    province_code: Option<&str>,
    user: &str,
) -> AppResult<Actor> {
    if let Some(code) = province_code {
        let found = province::Entity::find()
            .filter(province::Column::Code.eq(code))
            .one(db)
            .await?
            .ok_or_else(|| {
                AppError::bad_input("province", format!("no province has code {code}"))
            })?;
        return Ok(Actor::operator(found.id, user));
    }
    let served = province::Entity::find()
        .filter(
            province::Column::Id.in_subquery(
                Query::select()
                    .distinct()
                    .column(district::Column::ProvinceId)
                    .from(district::Entity)
                    .to_owned(),
            ),
        )
        .all(db)
        .await?;
    match served.as_slice() {
        [only] => Ok(Actor::operator(only.id, user)),
        [] => Err(AppError::bad_input(
            "province",
            "no province holds districts yet; import districts first",
        )),
        _ => Err(AppError::bad_input(
            "province",
            "several provinces hold districts: name one with --province",
        )),
    }
}

/// The operator acting on the province of the district with this code.
pub async fn of_district<C: ConnectionTrait>(db: &C, code: &str, user: &str) -> AppResult<Actor> {
    let district = lookup::by_code(db, code).await?;
    Ok(Actor::operator(district.province_id, user))
}

/// The operator acting on the province of the agency with this code.
pub async fn of_agency<C: ConnectionTrait>(db: &C, code: &str, user: &str) -> AppResult<Actor> {
    let agency = agencies::by_code(db, code).await?;
    Ok(Actor::operator(agency.province_id, user))
}

/// The operator acting on the province of the agency that holds the token with this id.
pub async fn of_token<C: ConnectionTrait>(db: &C, jti: &str, user: &str) -> AppResult<Actor> {
    let token = tokens::find(db, jti).await?;
    let owner = kit::by_id::<entity::agency::Entity>(db, token.agency_id).await?;
    Ok(Actor::operator(owner.province_id, user))
}
