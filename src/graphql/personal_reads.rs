//! Personal fields in responses: each served only where the domain's rule allows it, and every read
//! audited. A request collects its reads (record and field) here and the HTTP handler writes them, one
//! audit row per record, before the response leaves; when the rows cannot be written, the response is
//! refused. Outside an HTTP request (a subscription's event), a read is audited at once.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use async_graphql::Context;

use super::context::ContextExt;
use crate::audit::{self, PersonalRead};
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;

/// A record that holds personal fields: its entity, as the audit log names it, and its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Record {
    pub entity: &'static str,
    pub id: i64,
}

/// The personal fields read during one request, by record.
#[derive(Debug, Default, Clone)]
pub struct PersonalReads(Arc<Mutex<BTreeMap<Record, BTreeSet<&'static str>>>>);

impl PersonalReads {
    fn add(&self, record: Record, field: &'static str) {
        if let Ok(mut reads) = self.0.lock() {
            reads.entry(record).or_default().insert(field);
        }
    }

    /// Writes the audit rows of the reads so far; the response must not leave without them.
    pub async fn flush(&self, ctx: &Ctx<'_>) -> AppResult<()> {
        let reads: Vec<PersonalRead> = match self.0.lock() {
            Ok(mut reads) => std::mem::take(&mut *reads)
                .into_iter()
                .map(|(record, fields)| PersonalRead {
                    entity: record.entity,
                    id: record.id,
                    fields: fields.into_iter().collect(),
                })
                .collect(),
            Err(_) => return Err(AppError::Internal("personal-read log poisoned".into())),
        };
        audit::personal_reads(ctx, &reads).await
    }
}

/// The personal field `field` of `record`: `value` when `allowed` (the read is then audited), else
/// null with a FORBIDDEN error at the field's path, the rest of the record still served. (The error is
/// added rather than returned: returned, the library would drop the field from `data` altogether.)
pub async fn serve<'v>(
    ctx: &Context<'_>,
    allowed: bool,
    record: Record,
    field: &'static str,
    value: Option<&'v str>,
) -> async_graphql::Result<Option<&'v str>> {
    if !allowed {
        let denied: async_graphql::Error =
            AppError::forbidden(format!("{field} is personal data your agency may not read"))
                .into();
        ctx.add_error(ctx.set_error_path(denied.into_server_error(ctx.item.pos)));
        return Ok(None);
    }
    match ctx.data_opt::<PersonalReads>() {
        Some(reads) => reads.add(record, field),
        None => {
            let read = PersonalRead {
                entity: record.entity,
                id: record.id,
                fields: vec![field],
            };
            audit::personal_reads(&ctx.services()?, &[read]).await?;
        }
    }
    Ok(value)
}
