//! DataLoaders for the relations the schema nests, so a list costs one query per relation, not one per
//! row. Created per request: nothing is cached beyond it.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    agency, checkpoint, checkpoint_staff, checkpoint_status_change, district, province, vaccine,
    vaccine_lot,
};
use sea_orm::DatabaseConnection;

use crate::admin::service::agencies_by_ids;
use crate::checkpoints::service as checkpoints;
use crate::districts::service::{districts_by_ids, provinces_by_ids};
use crate::stock::service::{lots_by_ids, vaccines_by_ids};

pub struct Loaders {
    pub provinces: DataLoader<ProvinceLoader>,
    pub districts: DataLoader<DistrictLoader>,
    pub agencies: DataLoader<AgencyLoader>,
    pub vaccines: DataLoader<VaccineLoader>,
    pub lots: DataLoader<LotLoader>,
    pub checkpoints: DataLoader<CheckpointLoader>,
    pub status_history: DataLoader<StatusHistoryLoader>,
    pub staff: DataLoader<StaffLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Loaders {
        Loaders {
            provinces: DataLoader::new(ProvinceLoader(db.clone()), tokio::spawn),
            districts: DataLoader::new(DistrictLoader(db.clone()), tokio::spawn),
            agencies: DataLoader::new(AgencyLoader(db.clone()), tokio::spawn),
            vaccines: DataLoader::new(VaccineLoader(db.clone()), tokio::spawn),
            lots: DataLoader::new(LotLoader(db.clone()), tokio::spawn),
            checkpoints: DataLoader::new(CheckpointLoader(db.clone()), tokio::spawn),
            status_history: DataLoader::new(StatusHistoryLoader(db.clone()), tokio::spawn),
            staff: DataLoader::new(StaffLoader(db.clone()), tokio::spawn),
        }
    }
}

pub struct ProvinceLoader(DatabaseConnection);
pub struct DistrictLoader(DatabaseConnection);
pub struct AgencyLoader(DatabaseConnection);
pub struct VaccineLoader(DatabaseConnection);
pub struct CheckpointLoader(DatabaseConnection);
/// Status history of a checkpoint, oldest first.
pub struct StatusHistoryLoader(DatabaseConnection);
/// Agencies staffing a checkpoint.
pub struct StaffLoader(DatabaseConnection);
/// Lots by id, for nesting a lot under a transfer or ledger row the caller may already see.
pub struct LotLoader(DatabaseConnection);

impl Loader<i32> for ProvinceLoader {
    type Value = province::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        Ok(provinces_by_ids(&self.0, keys)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect())
    }
}

impl Loader<i32> for DistrictLoader {
    type Value = district::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        Ok(districts_by_ids(&self.0, keys)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect())
    }
}

impl Loader<i32> for AgencyLoader {
    type Value = agency::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        Ok(agencies_by_ids(&self.0, keys)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect())
    }
}

impl Loader<i32> for VaccineLoader {
    type Value = vaccine::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        Ok(vaccines_by_ids(&self.0, keys)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect())
    }
}

impl Loader<i32> for LotLoader {
    type Value = vaccine_lot::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        Ok(lots_by_ids(&self.0, keys)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect())
    }
}

impl Loader<i32> for CheckpointLoader {
    type Value = checkpoint::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        Ok(checkpoints::checkpoints_by_ids(&self.0, keys)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect())
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
