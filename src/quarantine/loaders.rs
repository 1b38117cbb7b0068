//! Loaders of the rows nested under quarantine and port records (a case's tests and notes, a call's
//! crew, a member's tests) and of facility occupancy, each fetched for a whole response in one
//! statement. No policy check: only for nesting under a record the caller was allowed to read.

use std::collections::HashMap;
use std::marker::PhantomData;

use async_graphql::dataloader::Loader;
use entity::{
    QuarantineStatus, cohort_member, cohort_test, crew_member, crew_test, quarantine_case,
    quarantine_note, quarantine_test,
};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::error::AppError;
use crate::graphql::loaders::RequestLoader;

/// A table whose rows belong to one parent row (by a 64-bit id).
pub trait Child: EntityTrait<Model: Clone + Send + Sync + 'static> + Send + Sync + 'static {
    const PARENT: Self::Column;
    const ID: Self::Column;
    fn parent_of(row: &Self::Model) -> i64;
}

macro_rules! child {
    ($($module:ident: $parent:ident),* $(,)?) => {$(
        impl Child for $module::Entity {
            const PARENT: Self::Column = $module::Column::$parent;
            const ID: Self::Column = $module::Column::Id;
            fn parent_of(row: &$module::Model) -> i64 {
                use sea_orm::ModelTrait as _;
                match row.get($module::Column::$parent) {
                    sea_orm::Value::BigInt(Some(id)) => id,
                    _ => 0,
                }
            }
        }
    )*};
}

child!(
    quarantine_test: CaseId,
    quarantine_note: CaseId,
    crew_member: VesselCallId,
    crew_test: CrewMemberId,
    cohort_member: PlanId,
    cohort_test: MemberId,
);

/// The rows of `E` under each parent, by id.
pub struct ChildrenOf<E>(DatabaseConnection, PhantomData<fn() -> E>);

impl<E: Child> RequestLoader for ChildrenOf<E> {
    fn new(db: &DatabaseConnection) -> Self {
        ChildrenOf(db.clone(), PhantomData)
    }
}

impl<E: Child> Loader<i64> for ChildrenOf<E> {
    type Value = Vec<E::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, Self::Value>, Self::Error> {
        let rows = E::find()
            .filter(E::PARENT.is_in(keys.iter().copied()))
            .order_by_asc(E::ID)
            .all(&self.0)
            .await
            .map_err(AppError::from)?;
        let mut out: HashMap<i64, Self::Value> = HashMap::new();
        for row in rows {
            out.entry(E::parent_of(&row)).or_default().push(row);
        }
        Ok(out)
    }
}

/// Open cases placed in each facility.
pub struct Occupancy(DatabaseConnection);

impl RequestLoader for Occupancy {
    fn new(db: &DatabaseConnection) -> Self {
        Occupancy(db.clone())
    }
}

#[derive(FromQueryResult)]
struct Count {
    facility_id: i64,
    n: i64,
}

impl Loader<i64> for Occupancy {
    type Value = i64;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, i64>, Self::Error> {
        use quarantine_case::Column as C;
        let counts = quarantine_case::Entity::find()
            .select_only()
            .column(C::FacilityId)
            .column_as(Expr::expr(Func::count(Expr::col(C::Id))), "n")
            .filter(C::FacilityId.is_in(keys.iter().copied()))
            .filter(C::Status.eq(QuarantineStatus::Open))
            .group_by(C::FacilityId)
            .into_model::<Count>()
            .all(&self.0)
            .await
            .map_err(AppError::from)?;
        Ok(counts.into_iter().map(|c| (c.facility_id, c.n)).collect())
    }
}
