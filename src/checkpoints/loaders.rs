//! Loaders of the relations a checkpoint nests: its status history and the agencies staffing it, each
//! fetched for every checkpoint of a response in one statement.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::dataloader::Loader;
use entity::{checkpoint_staff, checkpoint_status_change};
use sea_orm::DatabaseConnection;

use super::posts::{self, OfCheckpoint};
use crate::graphql::loaders::RequestLoader;

/// The rows of `E` of each checkpoint, oldest first.
pub struct PerCheckpoint<E>(DatabaseConnection, PhantomData<fn() -> E>);

/// Status history of a checkpoint, oldest first.
pub type StatusHistoryLoader = PerCheckpoint<checkpoint_status_change::Entity>;
/// Agencies staffing a checkpoint.
pub type StaffLoader = PerCheckpoint<checkpoint_staff::Entity>;

impl<E: OfCheckpoint> RequestLoader for PerCheckpoint<E> {
    fn new(db: &DatabaseConnection) -> Self {
        PerCheckpoint(db.clone(), PhantomData)
    }
}

impl<E> Loader<i32> for PerCheckpoint<E>
where
    E: OfCheckpoint,
    E::Model: Clone + Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let mut out: HashMap<i32, Self::Value> = HashMap::new();
        for row in posts::rows_of::<E, _>(&self.0, keys).await? {
            out.entry(E::checkpoint_of(&row)).or_default().push(row);
        }
        Ok(out)
    }
}
