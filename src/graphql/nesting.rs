//! The nesting bound of [`crate::operation_text::check_nesting`] on every request the schema runs,
//! whatever its transport (the HTTP handler checks before its own parse as well).

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Pos, ServerResult};

use crate::operation_text::check_nesting;

/// Refuses, before parsing, a request whose text is nested too deep.
pub struct NestingLimit;

impl ExtensionFactory for NestingLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(NestingLimit)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for NestingLimit {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        check_nesting(&request.query)
            .map_err(|err| async_graphql::Error::from(err).into_server_error(Pos::default()))?;
        next.run(ctx, request).await
    }
}
