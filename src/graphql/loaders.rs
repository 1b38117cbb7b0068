//! DataLoaders for the relations the schema nests, so a list costs one query per relation, not one per
//! row. Created per request: nothing is cached beyond it.

use std::collections::HashMap;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    agency, checkpoint, checkpoint_staff, checkpoint_status_change, district, province, screening,
    vaccine_lot,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::checkpoints::service as checkpoints;
use crate::error::AppError;
use crate::stock::service::{self as stock, LotSlice};

/// Loads rows of one table by id, many ids in one query. No policy check: only for nesting a record
/// under one the caller was already allowed to read (the district of a lot it sees, the agency of a token
/// it manages).
pub struct ById<E: EntityTrait, K = i32> {
    db: DatabaseConnection,
    id: E::Column,
    key: fn(&E::Model) -> K,
}

impl<E: EntityTrait, K> ById<E, K> {
    fn new(db: &DatabaseConnection, id: E::Column, key: fn(&E::Model) -> K) -> ById<E, K> {
        ById {
            db: db.clone(),
            id,
            key,
        }
    }

    fn loader(
        db: &DatabaseConnection,
        id: E::Column,
        key: fn(&E::Model) -> K,
        window: Duration,
    ) -> DataLoader<ById<E, K>> {
        DataLoader::new(ById::new(db, id, key), tokio::spawn).delay(window)
    }
}

impl<E, K> Loader<K> for ById<E, K>
where
    E: EntityTrait + Send + Sync + 'static,
    E::Model: Send + Sync + Clone + 'static,
    E::Column: Send + Sync,
    K: Copy + std::hash::Hash + Eq + Send + Sync + Into<sea_orm::Value> + 'static,
{
    type Value = E::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Self::Value>, Self::Error> {
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
    pub district_lots: DataLoader<DistrictLotsLoader>,
    pub lots: DataLoader<ById<vaccine_lot::Entity>>,
    pub checkpoints: DataLoader<ById<checkpoint::Entity>>,
    pub screenings: DataLoader<ById<screening::Entity, i64>>,
    pub status_history: DataLoader<StatusHistoryLoader>,
    pub staff: DataLoader<StaffLoader>,
}

impl Loaders {
    /// Loaders for one request; each collects keys for `window` before it queries.
    pub fn new(db: &DatabaseConnection, window: Duration) -> Loaders {
        Loaders {
            provinces: ById::loader(db, province::Column::Id, |m: &province::Model| m.id, window),
            districts: ById::loader(db, district::Column::Id, |m: &district::Model| m.id, window),
            agencies: ById::loader(db, agency::Column::Id, |m: &agency::Model| m.id, window),
            district_lots: DataLoader::new(DistrictLotsLoader(db.clone()), tokio::spawn)
                .delay(window),
            lots: ById::loader(
                db,
                vaccine_lot::Column::Id,
                |m: &vaccine_lot::Model| m.id,
                window,
            ),
            checkpoints: ById::loader(
                db,
                checkpoint::Column::Id,
                |m: &checkpoint::Model| m.id,
                window,
            ),
            screenings: ById::loader(
                db,
                screening::Column::Id,
                |m: &screening::Model| m.id,
                window,
            ),
            status_history: DataLoader::new(StatusHistoryLoader(db.clone()), tokio::spawn)
                .delay(window),
            staff: DataLoader::new(StaffLoader(db.clone()), tokio::spawn).delay(window),
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

/// The first lots of each district, one statement per batch.
pub struct DistrictLotsLoader(DatabaseConnection);

impl Loader<(i32, LotSlice)> for DistrictLotsLoader {
    type Value = Vec<vaccine_lot::Model>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[(i32, LotSlice)],
    ) -> Result<HashMap<(i32, LotSlice), Self::Value>, Self::Error> {
        let mut slices: HashMap<LotSlice, Vec<i32>> = HashMap::new();
        for (district_id, slice) in keys {
            slices.entry(*slice).or_default().push(*district_id);
        }
        let mut out: HashMap<(i32, LotSlice), Self::Value> = HashMap::new();
        for (slice, district_ids) in slices {
            for lot in stock::first_lots_of_districts(&self.0, &district_ids, slice).await? {
                out.entry((lot.district_id, slice)).or_default().push(lot);
            }
        }
        Ok(out)
    }
}
