//! Reading the audit log: every change and every personal read, for the steering committee and
//! administration. Rows are written by each write (`Write::audit`), never here.

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ColumnTrait, Condition};

use super::agencies;
use crate::error::AppResult;
use crate::kit::{self, Ctx, ScopedList};
use crate::policy::{Resource, Scope};

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
impl ScopedList for AuditFilter {
    type Entity = audit_event::Entity;
    const RESOURCE: Resource = Resource::AuditEvent;

    async fn rows(&self, _: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        use audit_event::Column as A;
        let mut cond = Condition::all();
        // A district-level reader sees what its district's agencies did; a province-level one,
        // everything.
        if let Scope::District { district_id, .. } = scope {
            cond = cond.add(A::AgencyCode.in_subquery(agencies::codes_in_district(district_id)));
        }
        let equal = [
            (A::Entity, &self.entity),
            (A::EntityId, &self.entity_id),
            (A::AgencyCode, &self.agency_code),
            (A::Action, &self.action),
        ];
        for (column, value) in equal {
            cond = cond.add_option(value.as_deref().map(|v| column.eq(v)));
        }
        Ok(Some(
            cond.add_option(self.from.map(|v| A::At.gte(v)))
                .add_option(self.to.map(|v| A::At.lt(v))),
        ))
    }
}

kit::scoped_list!(list: AuditFilter);
