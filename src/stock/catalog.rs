//! The vaccine catalog: the products and their schedules, reference data that only migrations change.

use std::collections::HashMap;
use std::sync::Arc;

use entity::vaccine;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::error::AppResult;

/// The vaccines, read once at start-up, so nesting a vaccine under a lot or transfer costs no query.
#[derive(Debug, Default)]
pub struct VaccineCatalog {
    by_id: HashMap<i32, Arc<vaccine::Model>>,
}

impl VaccineCatalog {
    pub async fn load<C: ConnectionTrait>(db: &C) -> AppResult<VaccineCatalog> {
        let by_id = vaccine::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.id, Arc::new(v)))
            .collect();
        Ok(VaccineCatalog { by_id })
    }

    pub fn get(&self, id: i32) -> Option<&Arc<vaccine::Model>> {
        self.by_id.get(&id)
    }

    /// Every vaccine, by id.
    pub fn all(&self) -> impl Iterator<Item = Arc<vaccine::Model>> {
        let mut all: Vec<_> = self.by_id.values().cloned().collect();
        all.sort_by_key(|v| v.id);
        all.into_iter()
    }
}
