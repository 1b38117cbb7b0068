//! DataLoaders for the relations the schema nests, so a list costs one query per relation, not one per
//! row. Created per request: nothing is cached beyond it.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    agency, checkpoint, checkpoint_staff, checkpoint_status_change, district, province, vaccine,
    vaccine_lot,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::checkpoints::service as checkpoints;
use crate::error::AppError;

/// Loads rows of one table by id, many ids in one query. No policy check: only for nesting a record
/// under one the caller was already allowed to read (the district of a lot it sees, the agency of a token
/// it manages).
pub struct ById<E: EntityTrait> {
    db: DatabaseConnection,
    id: E::Column,
    key: fn(&E::Model) -> i32,
}

impl<E: EntityTrait> ById<E> {
    fn loader(
        db: &DatabaseConnection,
        id: E::Column,
        key: fn(&E::Model) -> i32,
    ) -> DataLoader<ById<E>> {
        DataLoader::new(
            ById {
                db: db.clone(),
                id,
                key,
            },
            tokio::spawn,
        )
    }
}

impl<E> Loader<i32> for ById<E>
where
    E: EntityTrait + Send + Sync + 'static,
    E::Model: Send + Sync + Clone + 'static,
    E::Column: Send + Sync,
{
    type Value = E::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(self.id.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|m| ((self.key)(&m), m)).collect())
    }
}

pub struct Loaders {
    pub provinces: DataLoader<ById<province::Entity>>,
    pub districts: DataLoader<ById<district::Entity>>,
    pub agencies: DataLoader<ById<agency::Entity>>,
    pub vaccines: DataLoader<ById<vaccine::Entity>>,
    pub lots: DataLoader<ById<vaccine_lot::Entity>>,
    pub checkpoints: DataLoader<ById<checkpoint::Entity>>,
    pub status_history: DataLoader<StatusHistoryLoader>,
    pub staff: DataLoader<StaffLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Loaders {
        Loaders {
            provinces: ById::loader(db, province::Column::Id, |m: &province::Model| m.id),
            districts: ById::loader(db, district::Column::Id, |m: &district::Model| m.id),
            agencies: ById::loader(db, agency::Column::Id, |m: &agency::Model| m.id),
            vaccines: ById::loader(db, vaccine::Column::Id, |m: &vaccine::Model| m.id),
            lots: ById::loader(db, vaccine_lot::Column::Id, |m: &vaccine_lot::Model| m.id),
            checkpoints: ById::loader(db, checkpoint::Column::Id, |m: &checkpoint::Model| m.id),
            status_history: DataLoader::new(StatusHistoryLoader(db.clone()), tokio::spawn),
            staff: DataLoader::new(StaffLoader(db.clone()), tokio::spawn),
        }
    }
}

/// Status history of a checkpoint, oldest first.
pub struct StatusHistoryLoader(DatabaseConnection);
/// Agencies staffing a checkpoint.
pub struct StaffLoader(DatabaseConnection);

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
