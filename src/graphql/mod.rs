//! The GraphQL face: the schema assembled from one root per domain. Beside it: the request handler
//! (HTTP) and `ws` (WebSocket), the GraphiQL page (`graphiql`) and the situation board (`board`), both from files
//! built in (`embedded`), the gate every operation passes (`allow_list`), the resolver
//! context, loaders, connections and the shared enums and scalars. Resolvers stay thin: they convert
//! input, call one service, convert output.

pub mod allow_list;
pub mod board;
pub mod connection;
pub mod connection_type;
pub mod context;
pub mod cursor;
pub mod documents;
pub mod embedded;
pub mod enums;
pub mod graphiql;
pub mod handler;
pub mod live;
pub mod loaders;
pub mod media;
pub mod personal_reads;
pub mod plain;
pub mod resolvers;
pub mod scalars;
pub mod ws;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection};
use async_graphql::{MergedObject, MergedSubscription, Schema, ValidationMode};

use crate::admin::graphql::{AdminMutation, AdminQuery};
use crate::areas::graphql::{AreaMutation, AreaQuery};
use crate::checkpoints::graphql::{CheckpointMutation, CheckpointQuery, CheckpointSubscription};
use crate::datacalls::graphql::{CallDetailQuery, DataCallMutation, DataCallQuery};
use crate::districts::graphql::{DistrictMutation, DistrictQuery};
use crate::followups::graphql::{FollowUpMutation, FollowUpQuery, FollowUpSubscription};
use crate::levels::graphql::{LevelMutation, LevelQuery, LevelSubscription};
use crate::ports::graphql::{PortMutation, PortQuery};
use crate::quarantine::graphql::{QuarantineMutation, QuarantineQuery};
use crate::reports::graphql::{ReportMutation, ReportQuery, ReportSubscription};
use crate::state::AppState;
use crate::stock::graphql::{StockMutation, StockQuery};
use crate::targets::graphql::{TargetMutation, TargetQuery};
use crate::transfers::graphql::{TransferMutation, TransferQuery, TransferSubscription};

/// Everything that can be read. Lists are Relay connections limited to the caller's scope.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    DistrictQuery,
    CheckpointQuery,
    StockQuery,
    TransferQuery,
    ReportQuery,
    LevelQuery,
    AdminQuery,
    QuarantineQuery,
    PortQuery,
    DataCallQuery,
    CallDetailQuery,
    TargetQuery,
    AreaQuery,
    FollowUpQuery,
);

/// Everything that can be changed. Each mutation takes one `input` and is audited; a failed one
/// changes nothing.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    DistrictMutation,
    CheckpointMutation,
    StockMutation,
    TransferMutation,
    ReportMutation,
    LevelMutation,
    AdminMutation,
    QuarantineMutation,
    PortMutation,
    DataCallMutation,
    TargetMutation,
    AreaMutation,
    FollowUpMutation,
);

/// Live updates over `/graphql/ws` (graphql-transport-ws).
#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(
    CheckpointSubscription,
    TransferSubscription,
    ReportSubscription,
    FollowUpSubscription,
    LevelSubscription,
);

pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Builds the schema with the limits of DESIGN.md §8. Tests and the server call this same function.
pub fn build_schema(state: &AppState) -> AppSchema {
    with_limits(state, state.config.max_depth, ValidationMode::Strict)
}

/// The same schema with the library's fast validation (fragment cycles, complexity and depth only),
/// for requests equal to one that passed full validation before ([`documents`]).
pub fn build_revalidating_schema(state: &AppState) -> AppSchema {
    with_limits(state, state.config.max_depth, ValidationMode::Fast)
}

/// Depth allowed to a document that asks only for introspection. The standard introspection query of
/// graphql-js and GraphiQL nests `ofType` seven to nine times (depth 13 to 15); data queries keep
/// `max_depth`, and an introspection document has no data behind it to multiply.
pub const INTROSPECTION_DEPTH: usize = 24;

/// The schema that answers introspection-only documents ([`is_introspection_only`]), with
/// [`INTROSPECTION_DEPTH`] in place of the data depth limit; every other limit is the same.
pub fn build_introspection_schema(state: &AppState) -> AppSchema {
    with_limits(
        state,
        INTROSPECTION_DEPTH.max(state.config.max_depth),
        ValidationMode::Strict,
    )
}

fn with_limits(state: &AppState, max_depth: usize, validation: ValidationMode) -> AppSchema {
    let config = &state.config;
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
    .data(state.clone())
    .limit_depth(max_depth)
    .limit_complexity(config.max_complexity)
    .limit_recursive_depth(32)
    .limit_directives(config.max_directives)
    .validation_mode(validation);
    if !config.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// True when every operation of the document is a query whose root selections are only `__schema`,
/// `__type` and `__typename` fields: such a document reads the schema and no data.
pub fn is_introspection_only(doc: &ExecutableDocument) -> bool {
    doc.operations.iter().all(|(_, op)| {
        op.node.ty == OperationType::Query
            && op.node.selection_set.node.items.iter().all(|item| {
                matches!(&item.node, Selection::Field(f)
                    if matches!(f.node.name.node.as_str(), "__schema" | "__type" | "__typename"))
            })
    })
}

/// The schema in SDL, as served; `lienthong schema` prints it and `schema.graphql` holds it.
pub fn sdl() -> String {
    let schema = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
    .finish();
    schema.sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .sorted_enum_items(),
    )
}
