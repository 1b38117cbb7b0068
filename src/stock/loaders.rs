//! The loader of a district's first lots, for `District.vaccineLots`.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::vaccine_lot;
use sea_orm::DatabaseConnection;

use super::reads::{self, LotSlice};
use crate::graphql::loaders::RequestLoader;

/// The first lots of each district, one statement per batch.
pub struct DistrictLotsLoader(DatabaseConnection);

impl RequestLoader for DistrictLotsLoader {
    fn new(db: &DatabaseConnection) -> Self {
        DistrictLotsLoader(db.clone())
    }
}

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
            for lot in reads::first_lots_of_districts(&self.0, &district_ids, slice).await? {
                out.entry((lot.district_id, slice)).or_default().push(lot);
            }
        }
        Ok(out)
    }
}
