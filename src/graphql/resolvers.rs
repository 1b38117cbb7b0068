//! The shapes every domain's GraphQL face repeats, written once: an output type over one row
//! ([`row_object!`]), a root of connection fields and one-call resolvers ([`root_object!`]) and a
//! payload of one such output ([`payload!`]); an input object with its conversion to the service's
//! type ([`input_object!`]).

/// An output type wrapping one row (or read model) `$model`: the struct, its `From` and
/// [`RowNode`](super::context::RowNode) conversions, and the `#[Object]` (written first, by the caller)
/// whose plain fields read the row (bound to `$row`) in one expression each, and whose `nodes` are the
/// rows of other tables the row names by id, loaded in batches
/// ([`ContextExt::node`](super::context::ContextExt::node)), and whose `sync |app|` fields are plain
/// objects read from the row and the application state without waiting. Plain and `sync` fields are
/// also served on the synchronous path of [`Rows`](super::plain::Rows). Resolvers that need more follow in
/// `impl { .. }`, written as usual (the caller's `#[Object]` lets their attributes, `complexity` among
/// them, see the names it defines).
macro_rules! row_object {
    (
        $pound:tt $object:tt
        $(#[$meta:meta])*
        pub struct $ty:ident($model:ty) as $row:ident {
            $( $(#[$field_meta:meta])* $field:ident: $out:ty = $value:expr; )*
        }
        $(nodes {
            $( $(#[$node_meta:meta])* $node_field:ident: $node:ty = $id:expr; )*
        })?
        $(sync |$app:ident| {
            $( $(#[$sync_meta:meta])* $sync_field:ident: $sync_out:ty = $sync_value:expr; )*
        })?
        $(impl { $($method:tt)* })?
    ) => {
        $(#[$meta])*
        pub struct $ty(pub $model);

        impl From<$model> for $ty {
            fn from(row: $model) -> Self {
                $ty(row)
            }
        }

        impl $crate::graphql::context::RowNode for $ty {
            type Row = $model;
        }

        $(#[$meta])*
        $pound $object
        impl $ty {
            $(
                $(#[$field_meta])*
                async fn $field(&self) -> $out {
                    let $row = &self.0;
                    $value
                }
            )*
            $($(
                $(#[$sync_meta])*
                async fn $sync_field(&self, ctx: &async_graphql::Context<'_>) -> $sync_out {
                    let $app = ctx.data_unchecked::<$crate::state::AppState>();
                    let $row = &self.0;
                    $sync_value
                }
            )*)?
            $($(
                $(#[$node_meta])*
                async fn $node_field(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                ) -> async_graphql::Result<Option<$node>> {
                    use $crate::graphql::context::ContextExt as _;
                    let $row = &self.0;
                    ctx.node($id).await
                }
            )*)?
            $($($method)*)?
        }

        impl $crate::graphql::plain::Plain for $ty {
            fn plain_fields() -> &'static [$crate::graphql::plain::PlainField<Self>] {
                use $crate::graphql::plain::{PlainField, camel_case, resolved_now};
                static FIELDS: std::sync::OnceLock<Vec<PlainField<$ty>>> = std::sync::OnceLock::new();
                FIELDS.get_or_init(|| vec![
                    $(PlainField {
                        name: camel_case(stringify!($field)),
                        value: |this, ctx, field| {
                            let $row = &this.0;
                            let value: $out = $value;
                            resolved_now(&value, ctx, field)
                        },
                    },)*
                    $($(PlainField {
                        name: camel_case(stringify!($sync_field)),
                        value: |this, ctx, field| {
                            let $app = ctx.data_unchecked::<$crate::state::AppState>();
                            let $row = &this.0;
                            let value: $sync_out = $sync_value;
                            $crate::graphql::plain::plain_now(&value, ctx, field)
                        },
                    },)*)?
                ])
            }
        }

        impl $crate::graphql::plain::PlainValue for $ty {
            fn plain_value(
                &self,
                ctx: &async_graphql::ContextSelectionSet<'_>,
            ) -> Option<async_graphql::Value> {
                $crate::graphql::plain::Plain::plain(self, ctx)
            }
        }
    };
}

/// A root object (`#[derive(Default)] pub struct $root`) of
/// - `lists`: connection fields `name(Filter) -> Node = service::list;`, each taking an optional filter
///   (converted with `Into`), `first` and `after`, and costing `first` times its selection; the service
///   is called as `list(&ctx, &filter, page)` or, without a filter, `list(&ctx, page)`;
/// - `calls`: `name(args) -> Out = |services| call;` resolvers that await one service call and convert
///   what it returns with `Into` (`|services, ctx|` also binds the GraphQL context);
/// - ordinary methods after the braces.
macro_rules! root_object {
    (
        @emit $first:tt $after:tt
        impl $root:ident {
            $(lists {
                $( $(#[$list_meta:meta])* $list:ident($($filter:ty)?) -> $node:ident = $fetch:path; )*
            })?
            $(calls {
                $(
                    $(#[$call_meta:meta])*
                    $call:ident($($(#[$arg_meta:meta])* $arg:ident: $arg_ty:ty),* $(,)?) -> $out:ty
                        = |$services:ident $(, $cx:ident)?| $body:expr;
                )*
            })?
        }
        $($method:tt)*
    ) => {
        #[derive(Default)]
        pub struct $root;

        #[async_graphql::Object]
        impl $root {
            $($(
                $(#[$list_meta])*
                #[graphql(complexity = "first.unwrap_or(50).clamp(0, 500) as usize * child_complexity + 1")]
                async fn $list(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    $(
                        #[graphql(desc = "Which rows to list; every row the caller may see when omitted.")]
                        filter: Option<$filter>,
                    )?
                    #$first first: Option<i32>,
                    #$after after: Option<String>,
                ) -> async_graphql::Result<$crate::graphql::connection::Conn<$node>> {
                    use $crate::graphql::context::ContextExt as _;
                    let paging = ctx.paging(first, after)?;
                    let services = ctx.services()?;
                    let page = $fetch(
                        &services,
                        $(&Option::<$filter>::unwrap_or_default(filter).into(),)?
                        paging.request,
                    )
                    .await?;
                    Ok(paging.connection(page, $node))
                }
            )*)?
            $($(
                $(#[$call_meta])*
                async fn $call(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    $($(#[$arg_meta])* $arg: $arg_ty),*
                ) -> async_graphql::Result<$out> {
                    use $crate::graphql::context::ContextExt as _;
                    let $services = ctx.services()?;
                    $(let $cx = ctx;)?
                    Ok(::core::convert::Into::into($body.await?))
                }
            )*)?
            $($method)*
        }
    };
    (impl $root:ident { $($section:tt)* } $($method:tt)*) => {
        $crate::graphql::resolvers::root_object!(
            @emit
            [graphql(desc = "Page size, 1 to 500 (default 50).")]
            [graphql(desc = "Cursor of the last row of the previous page.")]
            impl $root { $($section)* } $($method)*
        );
    };
}

/// A mutation payload of one output type made from a row: the `SimpleObject` and its `From` that row.
macro_rules! payload {
    (
        $(#[$meta:meta])*
        pub struct $payload:ident {
            $(#[$field_meta:meta])*
            $field:ident: $node:ty $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $payload {
            $(#[$field_meta])*
            pub $field: $node,
        }

        impl From<<$node as $crate::graphql::context::RowNode>::Row> for $payload {
            fn from(row: <$node as $crate::graphql::context::RowNode>::Row) -> Self {
                $payload {
                    $field: row.into(),
                }
            }
        }
    };
}

/// An input object and its `From` into the service's type `$domain`, field by field: a field is moved
/// as it is, or through `=> conversion` (a function of the value: `Into::into`, [`each`], `Some`);
/// `also { field: value }` fills the service's fields the input does not have.
macro_rules! input_object {
    (
        $(#[$meta:meta])*
        pub struct $input:ident => $domain:ident {
            $( $(#[$field_meta:meta])* $field:ident: $ty:ty $(=> $convert:expr)?, )*
        }
        $(also { $($extra:ident: $extra_value:expr),* $(,)? })?
    ) => {
        $(#[$meta])*
        pub struct $input {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl From<$input> for $domain {
            fn from(input: $input) -> $domain {
                $domain {
                    $( $field: $($convert)?(input.$field), )*
                    $($( $extra: $extra_value, )*)?
                }
            }
        }
    };
}

/// An optional value converted when present: the conversion of optional enum and scalar inputs.
pub fn each<A: Into<B>, B>(value: Option<A>) -> Option<B> {
    value.map(Into::into)
}

pub(crate) use {input_object, payload, root_object, row_object};
