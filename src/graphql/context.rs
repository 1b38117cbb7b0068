//! What a resolver takes from its request, in one trait: the application, the caller, the service
//! context, this request's loaders (rows nested by id, lists by key) and the paging of a connection
//! field.

use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Error};
use sea_orm::ModelTrait;

use super::connection::Paging;
use super::loaders::{IdKeyed, Loaders, RequestLoader, RowsById};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;
use crate::state::AppState;

/// An output type made from one row (or read model); [`row_object!`](super::resolvers::row_object)
/// declares it.
pub trait RowNode: From<Self::Row> {
    type Row;
}

/// What a loader's keys must be.
pub trait LoaderKey: Send + Sync + Hash + Eq + Clone + 'static {}
impl<K: Send + Sync + Hash + Eq + Clone + 'static> LoaderKey for K {}

/// The table of a [`RowNode`]'s row.
pub type RowTable<N> = <<N as RowNode>::Row as ModelTrait>::Entity;

pub trait ContextExt<'a> {
    /// The application state the schema was built with.
    fn app(&self) -> &'a AppState;
    /// The authenticated caller; every request that reaches a resolver has one.
    fn actor(&self) -> AppResult<&'a Actor>;
    /// The context to call services in, as the caller.
    fn services(&self) -> AppResult<Ctx<'a>>;
    /// This request's loader of kind `L`.
    fn loader<L: RequestLoader>(&self) -> Arc<DataLoader<L>>;
    /// The output node of the row with this id (none for no id), batched with the other rows of its
    /// table this request nests.
    fn node<N: RowNode<Row: ModelTrait<Entity: IdKeyed<Model = N::Row>>> + Send>(
        &self,
        id: impl Into<Option<<RowTable<N> as IdKeyed>::Key>>,
    ) -> impl Future<Output = async_graphql::Result<Option<N>>> + Send;
    /// The rows loader `L` holds under `key` (none: an empty list), batched with this request's others.
    fn rows_of<L: RequestLoader + Loader<K, Value = Vec<V>, Error = Error>, K: LoaderKey, V: Send>(
        &self,
        key: K,
    ) -> impl Future<Output = async_graphql::Result<Vec<V>>> + Send;
    /// `first` and `after` of the connection field being resolved.
    fn paging(&self, first: Option<i32>, after: Option<String>) -> AppResult<Paging>;
}

impl<'a> ContextExt<'a> for Context<'a> {
    fn app(&self) -> &'a AppState {
        self.data_unchecked::<AppState>()
    }

    fn actor(&self) -> AppResult<&'a Actor> {
        self.data_opt::<Actor>().ok_or(AppError::Unauthenticated)
    }

    fn services(&self) -> AppResult<Ctx<'a>> {
        Ok(self.app().ctx(self.actor()?))
    }

    fn loader<L: RequestLoader>(&self) -> Arc<DataLoader<L>> {
        match self.data_opt::<Loaders>() {
            Some(loaders) => loaders.get::<L>(),
            // Outside the handler (a schema built for a test): an unbatched loader of its own.
            None => Arc::new(DataLoader::new(L::new(&self.app().db), tokio::spawn)),
        }
    }

    fn node<N: RowNode<Row: ModelTrait<Entity: IdKeyed<Model = N::Row>>> + Send>(
        &self,
        id: impl Into<Option<<RowTable<N> as IdKeyed>::Key>>,
    ) -> impl Future<Output = async_graphql::Result<Option<N>>> + Send {
        let (loader, id) = (self.loader::<RowsById<RowTable<N>>>(), id.into());
        async move {
            Ok(match id {
                Some(id) => loader.load_one(id).await?.map(N::from),
                None => None,
            })
        }
    }

    fn rows_of<
        L: RequestLoader + Loader<K, Value = Vec<V>, Error = Error>,
        K: LoaderKey,
        V: Send,
    >(
        &self,
        key: K,
    ) -> impl Future<Output = async_graphql::Result<Vec<V>>> + Send {
        let loader = self.loader::<L>();
        async move { Ok(loader.load_one(key).await?.unwrap_or_default()) }
    }

    fn paging(&self, first: Option<i32>, after: Option<String>) -> AppResult<Paging> {
        Paging::new(self, self.app().keys.cursor_key(), first, after)
    }
}
