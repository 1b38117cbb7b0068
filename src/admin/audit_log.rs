//! Reading the audit log: every change and every personal read, for the steering committee and
//! administration. Rows are written by each write (`Write::audit`), never here.

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::agencies;
use crate::error::AppResult;
use crate::keyset::{self, Page, PageRequest};
use crate::kit::Ctx;
use crate::policy::{self, Resource, Scope};

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub agency_code: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// The audit log, oldest first, for those allowed to read it.
#[tracing::instrument(skip_all, fields(agency = %ctx.actor.agency_code))]
pub async fn list(
    ctx: &Ctx<'_>,
    filter: &AuditFilter,
    page: PageRequest,
) -> AppResult<Page<audit_event::Model>> {
    let Some(scope) = policy::read_scope(ctx.actor, Resource::AuditEvent) else {
        return Ok(Page::empty());
    };
    let mut cond = Condition::all();
    // A district-level reader sees what its district's agencies did; a province-level one, everything.
    if let Scope::District { district_id, .. } = scope {
        cond = cond.add(
            audit_event::Column::AgencyCode.in_subquery(agencies::codes_in_district(district_id)),
        );
    }
    let equal = [
        (audit_event::Column::Entity, &filter.entity),
        (audit_event::Column::EntityId, &filter.entity_id),
        (audit_event::Column::AgencyCode, &filter.agency_code),
        (audit_event::Column::Action, &filter.action),
    ];
    for (column, value) in equal {
        if let Some(v) = value {
            cond = cond.add(column.eq(v.as_str()));
        }
    }
    if let Some(v) = filter.from {
        cond = cond.add(audit_event::Column::At.gte(v));
    }
    if let Some(v) = filter.to {
        cond = cond.add(audit_event::Column::At.lt(v));
    }
    let select = audit_event::Entity::find().filter(cond);
    keyset::fetch(ctx.db, select, audit_event::Column::Id, page, |e| e.id).await
}
