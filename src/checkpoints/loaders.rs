//! Loaders of the relations a checkpoint nests: its status history and the agencies staffing it, each
//! fetched for every checkpoint of a response in one statement.

use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;

use async_graphql::dataloader::Loader;
use entity::{checkpoint_staff, checkpoint_status_change};
use sea_orm::DatabaseConnection;

use super::posts;
use crate::error::AppResult;
use crate::graphql::loaders::RequestLoader;

/// A row that belongs to one checkpoint.
pub trait OfCheckpoint: Clone + Send + Sync + 'static {
    fn checkpoint_id(&self) -> i32;
    /// The rows of these checkpoints, in the order they are served.
    fn fetch(
        db: &DatabaseConnection,
        checkpoint_ids: &[i32],
    ) -> impl Future<Output = AppResult<Vec<Self>>> + Send;
}

impl OfCheckpoint for checkpoint_status_change::Model {
    fn checkpoint_id(&self) -> i32 {
        self.checkpoint_id
    }
    async fn fetch(db: &DatabaseConnection, checkpoint_ids: &[i32]) -> AppResult<Vec<Self>> {
        posts::status_history(db, checkpoint_ids).await
    }
}

impl OfCheckpoint for checkpoint_staff::Model {
    fn checkpoint_id(&self) -> i32 {
        self.checkpoint_id
    }
    async fn fetch(db: &DatabaseConnection, checkpoint_ids: &[i32]) -> AppResult<Vec<Self>> {
        posts::staff(db, checkpoint_ids).await
    }
}

/// The rows of kind `R` of each checkpoint.
pub struct PerCheckpoint<R>(DatabaseConnection, PhantomData<fn() -> R>);

/// Status history of a checkpoint, oldest first.
pub type StatusHistoryLoader = PerCheckpoint<checkpoint_status_change::Model>;
/// Agencies staffing a checkpoint.
pub type StaffLoader = PerCheckpoint<checkpoint_staff::Model>;

impl<R: OfCheckpoint> RequestLoader for PerCheckpoint<R> {
    fn new(db: &DatabaseConnection) -> Self {
        PerCheckpoint(db.clone(), PhantomData)
    }
}

impl<R: OfCheckpoint> Loader<i32> for PerCheckpoint<R> {
    type Value = Vec<R>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<R>>, Self::Error> {
        let mut out: HashMap<i32, Vec<R>> = HashMap::new();
        for row in R::fetch(&self.0, keys).await? {
            out.entry(row.checkpoint_id()).or_default().push(row);
        }
        Ok(out)
    }
}
