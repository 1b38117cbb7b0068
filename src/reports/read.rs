//! Reading reports within the caller's reach: the list, one report by id (also for a subscriber, as each
//! event arrives), and the row filters and district lists the read models share.

use chrono::NaiveDate;
use entity::{AgencyKind, ReportKind, ReportStatus, agency, district, report};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::figures;
use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::kit::{self, Ctx, ScopedList, get_scoped};
use crate::policy::{self, Action, Resource, Scope};

/// Which reports to list; each part given narrows the list.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub district_code: Option<String>,
    pub kind: Option<ReportKind>,
    /// Periods from the first date to the second, both included; either end may be open.
    pub periods: (Option<NaiveDate>, Option<NaiveDate>),
    pub status: Option<ReportStatus>,
    pub source_agency_code: Option<String>,
}

impl ReportFilter {
    /// The filter as a row condition, given the id of the source agency it names.
    fn condition(&self, source_agency_id: Option<i32>) -> Condition {
        use report::Column as R;
        let (from, to) = self.periods;
        let in_district = |code: &str| lookup::in_district(R::DistrictId, code);
        Condition::all()
            .add_option(self.district_code.as_deref().map(in_district))
            .add_option(self.kind.map(|k| R::Kind.eq(k)))
            .add_option(self.status.map(|s| R::Status.eq(s)))
            .add_option(from.map(|d| R::Period.gte(d)))
            .add_option(to.map(|d| R::Period.lte(d)))
            .add_option(source_agency_id.map(|id| R::SourceAgencyId.eq(id)))
    }
}

/// Reports the caller may read, filtered, by id.
impl ScopedList for ReportFilter {
    type Entity = report::Entity;
    const RESOURCE: Resource = Resource::Report;

    async fn rows(&self, ctx: &Ctx<'_>, scope: Scope) -> AppResult<Option<Condition>> {
        let source = match &self.source_agency_code {
            Some(code) => Some(source_agency_id(ctx, code).await?),
            None => None,
        };
        Ok(Some(readable(scope).add(self.condition(source))))
    }
}

kit::scoped_list!(list: ReportFilter);

/// The id of the agency with this code; 0, which no agency has, when there is none.
async fn source_agency_id(ctx: &Ctx<'_>, code: &str) -> AppResult<i32> {
    let agency = agency::Entity::find()
        .filter(agency::Column::Code.eq(code))
        .one(ctx.db)
        .await?;
    Ok(agency.map_or(0, |a| a.id))
}

/// One report by id, if the caller may read it (NOT_FOUND otherwise). A subscriber's reports are
/// loaded through it as their events arrive, so a subscription shows no more than a query.
#[tracing::instrument(skip_all, fields(report.id = id))]
pub async fn get(ctx: &Ctx<'_>, id: i32) -> AppResult<report::Model> {
    get_scoped::<report::Entity>(ctx, Resource::Report, id, readable).await
}

/// The district whose report events the caller may follow: the caller must read reports, and the
/// district must exist. Each event's report is then loaded with [`get`].
pub async fn followed_district(ctx: &Ctx<'_>, district_code: &str) -> AppResult<i32> {
    policy::require(ctx.actor, Resource::Report, Action::Read)?;
    Ok(lookup::by_code(ctx.db, district_code).await?.id)
}

/// The reports a scope reads: those of its districts, and for transport epidemic reports only.
pub(super) fn readable(scope: Scope) -> Condition {
    let cond = Condition::all().add(scope.district_filter(report::Column::DistrictId));
    match scope {
        Scope::EpidemicFigures { .. } => {
            cond.add(report::Column::Kind.is_in(figures::epidemic_kinds()))
        }
        _ => cond,
    }
}

/// Figures drawn from a kind of report transport may not read are refused, as a denied field is.
pub(super) fn require_figures_of(scope: &Scope, kind: ReportKind) -> AppResult<()> {
    if matches!(scope, Scope::EpidemicFigures { .. }) && !figures::epidemic_only(kind) {
        return Err(AppError::forbidden(format!(
            "{kind:?} figures are not epidemic figures"
        )));
    }
    Ok(())
}

/// Districts of the caller's reach (its province, or its own district), by id.
pub(super) async fn districts_in_reach(
    ctx: &Ctx<'_>,
    scope: &Scope,
) -> AppResult<Vec<district::Model>> {
    let mut query =
        district::Entity::find().filter(district::Column::ProvinceId.eq(ctx.actor.province_id));
    if let Scope::District { district_id, .. } = scope {
        query = query.filter(district::Column::Id.eq(*district_id));
    }
    Ok(query.order_by_asc(district::Column::Id).all(ctx.db).await?)
}

/// A district by code, if it lies within `scope` (FORBIDDEN otherwise).
pub(super) async fn district_in_scope(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    code: &str,
) -> AppResult<district::Model> {
    let d = lookup::by_code(conn, code).await?;
    if !scope.covers_district(d.id, d.province_id) {
        return Err(AppError::forbidden(format!(
            "district {code} is outside your scope"
        )));
    }
    Ok(d)
}

/// Submitted and accepted reports of a kind for periods `from..=to` in some districts, with the
/// agencies that sent them.
pub(super) async fn submitted_reports(
    ctx: &Ctx<'_>,
    kind: ReportKind,
    from: NaiveDate,
    to: NaiveDate,
    district_ids: &[i32],
) -> AppResult<SourcedReports> {
    let reports = report::Entity::find()
        .filter(report::Column::Kind.eq(kind))
        .filter(report::Column::Period.gte(from))
        .filter(report::Column::Period.lte(to))
        .filter(report::Column::DistrictId.is_in(district_ids.iter().copied()))
        .filter(report::Column::Status.is_in([ReportStatus::Submitted, ReportStatus::Accepted]))
        .all(ctx.db)
        .await?;
    SourcedReports::load(ctx, reports).await
}

/// Reports with the agencies that sent them.
pub(crate) struct SourcedReports {
    pub reports: Vec<report::Model>,
    pub agencies: Vec<agency::Model>,
}

impl SourcedReports {
    pub async fn load(ctx: &Ctx<'_>, reports: Vec<report::Model>) -> AppResult<SourcedReports> {
        let agencies = agency::Entity::find()
            .filter(agency::Column::Id.is_in(reports.iter().map(|r| r.source_agency_id)))
            .all(ctx.db)
            .await?;
        Ok(SourcedReports { reports, agencies })
    }

    /// The kind of agency that sent a report.
    pub fn source_kind(&self, r: &report::Model) -> Option<AgencyKind> {
        self.agencies
            .iter()
            .find(|a| a.id == r.source_agency_id)
            .map(|a| a.kind)
    }

    /// The best report of a district among those `within` keeps: latest period first, then accepted
    /// over submitted, then health over committee.
    pub fn best(
        &self,
        district_id: i32,
        within: impl Fn(&report::Model) -> bool,
    ) -> Option<&report::Model> {
        let rank = |r: &report::Model| {
            let accepted = r.status == ReportStatus::Accepted;
            let health = self.source_kind(r) == Some(AgencyKind::Health);
            (r.period, accepted, health)
        };
        self.reports
            .iter()
            .filter(|r| r.district_id == district_id && within(r))
            .max_by_key(|r| rank(r))
    }
}
