//! DataLoaders for the relations the schema nests, so a list costs one query per relation, not one per
//! row. Each request gets its own set, made on first use; nothing is cached beyond the request. Domains
//! define the loaders of their own relations (a [`RequestLoader`]); rows of one table by id come from
//! [`RowsById`].

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{agency, checkpoint, district, province, screening, vaccine_lot};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::AppError;

/// A loader that one request can make from the database connection.
pub trait RequestLoader: Send + Sync + 'static {
    fn new(db: &DatabaseConnection) -> Self;
}

/// The loaders of one request, each made when a resolver first asks for it.
pub struct Loaders {
    db: DatabaseConnection,
    /// How long a loader collects keys before it queries.
    window: Duration,
    made: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection, window: Duration) -> Loaders {
        Loaders {
            db: db.clone(),
            window,
            made: Mutex::new(HashMap::new()),
        }
    }

    /// This request's loader of kind `L`.
    pub fn get<L: RequestLoader>(&self) -> Arc<DataLoader<L>> {
        let make = || -> Arc<dyn Any + Send + Sync> {
            Arc::new(DataLoader::new(L::new(&self.db), tokio::spawn).delay(self.window))
        };
        let shared = match self.made.lock() {
            Ok(mut made) => made.entry(TypeId::of::<L>()).or_insert_with(make).clone(),
            // A resolver panicked while holding the lock; this one still gets a working loader.
            Err(_) => make(),
        };
        match shared.downcast::<DataLoader<L>>() {
            Ok(loader) => loader,
            Err(_) => Arc::new(DataLoader::new(L::new(&self.db), tokio::spawn)),
        }
    }
}

/// A table whose rows nest by id under others.
pub trait IdKeyed:
    EntityTrait<Model: Send + Sync + Clone + 'static, Column: Send + Sync> + Send + Sync + 'static
{
    type Key: Copy + std::hash::Hash + Eq + Send + Sync + Into<sea_orm::Value> + 'static;
    const ID: Self::Column;
    fn key(row: &Self::Model) -> Self::Key;
}

/// Loads rows of one table by id, many ids in one query. No policy check: only for nesting a record
/// under one the caller was already allowed to read (the district of a lot it sees, the agency of a token
/// it manages).
pub struct RowsById<E: IdKeyed> {
    db: DatabaseConnection,
    _table: std::marker::PhantomData<E>,
}

impl<E: IdKeyed> RequestLoader for RowsById<E> {
    fn new(db: &DatabaseConnection) -> Self {
        RowsById {
            db: db.clone(),
            _table: std::marker::PhantomData,
        }
    }
}

impl<E: IdKeyed> Loader<E::Key> for RowsById<E> {
    type Value = E::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[E::Key]) -> Result<HashMap<E::Key, E::Model>, Self::Error> {
        let rows = E::find()
            .filter(E::ID.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|m| (E::key(&m), m)).collect())
    }
}

macro_rules! id_keyed {
    ($($module:ident: $key:ty),* $(,)?) => {$(
        impl IdKeyed for $module::Entity {
            type Key = $key;
            const ID: Self::Column = $module::Column::Id;
            fn key(row: &$module::Model) -> $key {
                row.id
            }
        }
    )*};
}

id_keyed!(
    agency: i32,
    checkpoint: i32,
    district: i32,
    province: i32,
    screening: i64,
    vaccine_lot: i32,
);
