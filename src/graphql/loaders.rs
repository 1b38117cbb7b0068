//! DataLoaders for the relations the schema nests, so a list costs one query per relation, not one per
//! row. Created per request: nothing is cached beyond it.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{agency, district, province, vaccine, vaccine_lot};
use sea_orm::DatabaseConnection;

use crate::admin::service::agencies_by_ids;
use crate::districts::service::{districts_by_ids, provinces_by_ids};
use crate::stock::service::{lots_by_ids, vaccines_by_ids};

pub struct Loaders {
    pub provinces: DataLoader<ProvinceLoader>,
    pub districts: DataLoader<DistrictLoader>,
    pub agencies: DataLoader<AgencyLoader>,
    pub vaccines: DataLoader<VaccineLoader>,
    pub lots: DataLoader<LotLoader>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection) -> Loaders {
        Loaders {
            provinces: DataLoader::new(ProvinceLoader(db.clone()), tokio::spawn),
            districts: DataLoader::new(DistrictLoader(db.clone()), tokio::spawn),
            agencies: DataLoader::new(AgencyLoader(db.clone()), tokio::spawn),
            vaccines: DataLoader::new(VaccineLoader(db.clone()), tokio::spawn),
            lots: DataLoader::new(LotLoader(db.clone()), tokio::spawn),
        }
    }
}

pub struct ProvinceLoader(DatabaseConnection);
pub struct DistrictLoader(DatabaseConnection);
pub struct AgencyLoader(DatabaseConnection);
pub struct VaccineLoader(DatabaseConnection);
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
