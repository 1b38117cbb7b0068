//! The synchronous path for lists of plain rows. async-graphql resolves every field of every object
//! through a boxed future and a map; a list of 300 lots with five fields each pays that 1,800 times. A
//! [`row_object!`](super::resolvers::row_object) type also knows its plain fields (one expression of
//! the row each, or of the row and the application state), so [`Rows`] builds the response value of
//! such a list at once, walking the selection set itself, once for the whole list when no response key
//! is selected twice ([`Plan`]). Any selection it cannot answer exactly (a
//! field that needs the database or the caller, a fragment on an interface, a directive the executor
//! left in place) sends the whole list down the library's own path, so the two always agree; the
//! equivalence tests compare them over random selections.

use std::borrow::Cow;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::resolve_list;
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};
use futures_util::FutureExt;

/// One plain field of a row type: its GraphQL name and how to produce its value for a selection.
pub struct PlainField<T: ?Sized> {
    pub name: String,
    pub value: for<'a> fn(&T, &ContextSelectionSet<'a>, &Positioned<Field>) -> Option<Value>,
}

/// A type whose fields (some of them) are values of its row: a [`row_object!`] type.
///
/// [`row_object!`]: super::resolvers::row_object
pub trait Plain: OutputType + Sized + 'static {
    /// The plain fields, built once.
    fn plain_fields() -> &'static [PlainField<Self>];

    /// The response value for the selection set `ctx` holds, or `None` when some selected field is
    /// not plain.
    fn plain(&self, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
        let mut out = IndexMap::with_capacity(ctx.item.node.items.len());
        walk::<Self>(ctx, &ctx.item.node, &mut |field| {
            let value = value_of(self, ctx, field, answer_of::<Self>(field)?)?;
            insert_value(&mut out, field.node.response_key().node.clone(), value);
            Some(())
        })?;
        Some(object_or_null(out))
    }
}

/// As the library answers a selection left empty by @skip and @include.
fn object_or_null(out: IndexMap<Name, Value>) -> Value {
    if out.is_empty() {
        Value::Null
    } else {
        Value::Object(out)
    }
}

/// What answers a selected field of `T`: `Some(None)` for `__typename`, `None` when the field is not
/// plain.
fn answer_of<T: Plain>(field: &Positioned<Field>) -> Option<Option<&'static PlainField<T>>> {
    let name = field.node.name.node.as_str();
    if name == "__typename" {
        return Some(None);
    }
    T::plain_fields()
        .iter()
        .find(|plain| plain.name == name)
        .map(Some)
}

/// The value of one selected field of `row`, answered by `plain` (`None`: `__typename`).
fn value_of<T: Plain>(
    row: &T,
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
    plain: Option<&'static PlainField<T>>,
) -> Option<Value> {
    match plain {
        Some(plain) => (plain.value)(row, ctx, field),
        None => Some(Value::String(row.introspection_type_name().into_owned())),
    }
}

/// Calls `visit` with each field of `set` in order, through fragments on `T`. `None` (and no further
/// visits) at a selection the synchronous path cannot answer exactly, or when `visit` says so.
fn walk<'a, T: Plain>(
    ctx: &ContextSelectionSet<'a>,
    set: &'a SelectionSet,
    visit: &mut impl FnMut(&'a Positioned<Field>) -> Option<()>,
) -> Option<()> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                // The executor has already removed @skip and @include; anything left is a directive
                // the library's path must apply.
                if !field.node.directives.is_empty() {
                    return None;
                }
                visit(field)?;
            }
            Selection::FragmentSpread(spread) => {
                if !spread.node.directives.is_empty() {
                    return None;
                }
                let fragment = ctx
                    .query_env
                    .fragments
                    .get(&spread.node.fragment_name.node)?;
                if fragment.node.type_condition.node.on.node != *T::type_name() {
                    return None;
                }
                walk::<T>(ctx, &fragment.node.selection_set.node, visit)?;
            }
            Selection::InlineFragment(fragment) => {
                let own_type = fragment
                    .node
                    .type_condition
                    .as_ref()
                    .is_none_or(|condition| condition.node.on.node == *T::type_name());
                if !own_type || !fragment.node.directives.is_empty() {
                    return None;
                }
                walk::<T>(ctx, &fragment.node.selection_set.node, visit)?;
            }
        }
    }
    Some(())
}

/// A selection set worked out once for every row of a list: each response key once, in order, with
/// the field that answers it, so a row costs one insert per key and no lookups. `None` when a key is
/// selected twice (its values would merge: [`Plain::plain`] does that) or a field is not plain.
struct Plan<'a, T: 'static> {
    steps: Vec<Step<'a, T>>,
}

struct Step<'a, T: 'static> {
    key: Name,
    field: &'a Positioned<Field>,
    /// `None` for `__typename`.
    plain: Option<&'static PlainField<T>>,
}

impl<'a, T: Plain> Plan<'a, T> {
    fn new(ctx: &ContextSelectionSet<'a>) -> Option<Self> {
        let mut steps: Vec<Step<'a, T>> = Vec::with_capacity(ctx.item.node.items.len());
        walk::<T>(ctx, &ctx.item.node, &mut |field| {
            let key = &field.node.response_key().node;
            if steps.iter().any(|step| step.key == *key) {
                return None;
            }
            steps.push(Step {
                key: key.clone(),
                field,
                plain: answer_of::<T>(field)?,
            });
            Some(())
        })?;
        Some(Plan { steps })
    }

    fn value(&self, row: &T, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
        let mut out = IndexMap::with_capacity(self.steps.len());
        for step in &self.steps {
            out.insert(
                step.key.clone(),
                value_of(row, ctx, step.field, step.plain)?,
            );
        }
        Some(object_or_null(out))
    }
}

/// Merges a field's value into the object under construction as the library's executor does: a key
/// selected twice keeps its first place, and objects (and lists of objects) under it are merged.
fn insert_value(target: &mut IndexMap<Name, Value>, name: Name, value: Value) {
    let Some(previous) = target.get_mut(&name) else {
        target.insert(name, value);
        return;
    };
    match (previous, value) {
        (Value::Object(previous), Value::Object(object)) => {
            for (key, value) in object {
                insert_value(previous, key, value);
            }
        }
        (Value::List(previous), Value::List(list)) => {
            for (index, value) in list.into_iter().enumerate() {
                if let (Some(Value::Object(previous)), Value::Object(object)) =
                    (previous.get_mut(index), value)
                {
                    for (key, value) in object {
                        insert_value(previous, key, value);
                    }
                }
            }
        }
        (previous, value) => *previous = value,
    }
}

/// The value of a plain field whose type resolves without waiting (scalars, enums, and options and
/// lists of them): the type's own `resolve`, polled once.
pub fn resolved_now<V: OutputType + ?Sized>(
    value: &V,
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
) -> Option<Value> {
    let ctx_field = ctx.with_field(field);
    let inner = ctx_field.with_selection_set(&field.node.selection_set);
    value.resolve(&inner, field).now_or_never()?.ok()
}

/// The value of a field holding a plain object (or an optional one), on this same path.
pub fn plain_now<V: PlainValue + ?Sized>(
    value: &V,
    ctx: &ContextSelectionSet<'_>,
    field: &Positioned<Field>,
) -> Option<Value> {
    let ctx_field = ctx.with_field(field);
    value.plain_value(&ctx_field.with_selection_set(&field.node.selection_set))
}

/// Values that hold plain objects: the objects themselves ([`row_object!`] implements it) and optional
/// ones.
///
/// [`row_object!`]: super::resolvers::row_object
pub trait PlainValue {
    fn plain_value(&self, ctx: &ContextSelectionSet<'_>) -> Option<Value>;
}

impl<T: Plain> PlainValue for Option<T> {
    fn plain_value(&self, ctx: &ContextSelectionSet<'_>) -> Option<Value> {
        match self {
            Some(value) => value.plain(ctx),
            None => Some(Value::Null),
        }
    }
}

/// A list of row objects, served by the synchronous path when its selection allows (see the module
/// documentation). In the schema it is the same list type as `Vec<T>`.
pub struct Rows<T>(pub Vec<T>);

impl<T> FromIterator<T> for Rows<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Rows(iter.into_iter().collect())
    }
}

impl<T: Plain> OutputType for Rows<T> {
    fn type_name() -> Cow<'static, str> {
        Vec::<T>::type_name()
    }

    fn qualified_type_name() -> String {
        Vec::<T>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Vec::<T>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let (plain, walked): (Option<Vec<Value>>, _) = match Plan::new(ctx) {
            Some(plan) => (
                self.0.iter().map(|row| plan.value(row, ctx)).collect(),
                "once",
            ),
            None => (self.0.iter().map(|row| row.plain(ctx)).collect(), "per_row"),
        };
        match plain {
            Some(values) => {
                metrics::counter!("graphql_plain_lists_total", "selection" => walked).increment(1);
                Ok(Value::List(values))
            }
            None => resolve_list(ctx, field, &self.0, Some(self.0.len())).await,
        }
    }
}

/// The GraphQL name async-graphql gives a Rust field or method name (`adults_18_plus` is
/// `adults18Plus`).
pub fn camel_case(rust_name: &str) -> String {
    let mut out = String::with_capacity(rust_name.len());
    for (index, part) in rust_name.split('_').filter(|p| !p.is_empty()).enumerate() {
        let mut chars = part.chars();
        if index == 0 {
            out.push_str(part);
        } else if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests;
