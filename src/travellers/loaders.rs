//! Loaders of the rows a screening or follow-up nests: the travellers of each screening and the
//! follow-up of each traveller, one statement for every row of a response.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{follow_up, traveller};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::error::AppError;
use crate::graphql::loaders::{IdKeyed, RequestLoader};

/// Travellers nest by id (under alerts and follow-ups).
impl IdKeyed for traveller::Entity {
    type Key = i64;
    const ID: Self::Column = traveller::Column::Id;
    fn key(row: &traveller::Model) -> i64 {
        row.id
    }
}

/// The travellers of each screening, in the order recorded.
pub struct TravellersLoader(DatabaseConnection);

impl RequestLoader for TravellersLoader {
    fn new(db: &DatabaseConnection) -> Self {
        TravellersLoader(db.clone())
    }
}

impl Loader<i64> for TravellersLoader {
    type Value = Vec<traveller::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = traveller::Entity::find()
            .filter(traveller::Column::ScreeningId.is_in(keys.iter().copied()))
            .order_by_asc(traveller::Column::Id)
            .all(&self.0)
            .await
            .map_err(AppError::from)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for row in rows {
            out.entry(row.screening_id).or_default().push(row);
        }
        Ok(out)
    }
}

/// The follow-up of each traveller, if one was opened.
pub struct FollowUpOfTravellerLoader(DatabaseConnection);

impl RequestLoader for FollowUpOfTravellerLoader {
    fn new(db: &DatabaseConnection) -> Self {
        FollowUpOfTravellerLoader(db.clone())
    }
}

impl Loader<i64> for FollowUpOfTravellerLoader {
    type Value = follow_up::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = follow_up::Entity::find()
            .filter(follow_up::Column::TravellerId.is_in(keys.iter().copied()))
            .all(&self.0)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|f| (f.traveller_id, f)).collect())
    }
}
