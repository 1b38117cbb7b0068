//! Loaders of the relations a checkpoint nests: its status history and the agencies staffing it.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{checkpoint_staff, checkpoint_status_change};
use sea_orm::DatabaseConnection;

use super::service as checkpoints;
use crate::graphql::loaders::RequestLoader;

/// Status history of a checkpoint, oldest first.
pub struct StatusHistoryLoader(DatabaseConnection);
/// Agencies staffing a checkpoint.
pub struct StaffLoader(DatabaseConnection);

impl RequestLoader for StatusHistoryLoader {
    fn new(db: &DatabaseConnection) -> Self {
        StatusHistoryLoader(db.clone())
    }
}

impl RequestLoader for StaffLoader {
    fn new(db: &DatabaseConnection) -> Self {
        StaffLoader(db.clone())
    }
}

impl Loader<i32> for StatusHistoryLoader {
    type Value = Vec<checkpoint_status_change::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let mut out: HashMap<i32, Self::Value> = HashMap::new();
        for change in checkpoints::status_history(&self.0, keys).await? {
            out.entry(change.checkpoint_id).or_default().push(change);
        }
        Ok(out)
    }
}

impl Loader<i32> for StaffLoader {
    type Value = Vec<checkpoint_staff::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let mut out: HashMap<i32, Self::Value> = HashMap::new();
        for s in checkpoints::staff(&self.0, keys).await? {
            out.entry(s.checkpoint_id).or_default().push(s);
        }
        Ok(out)
    }
}
