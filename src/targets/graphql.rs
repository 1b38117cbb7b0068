//! GraphQL face of vaccination targets, responsible heads and the milestone report.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use chrono::NaiveDate;
use entity::{adolescent_allocation, responsible_head, target};

use super::allocation::{self, SetAllocation};
use super::progress::{self, ProgressLine};
use super::settings::{self, SetHead, SetTarget};
use crate::districts::graphql::District;
use crate::graphql::context::ContextExt;
use crate::graphql::resolvers::{input_object, row_object};
use crate::graphql::scalars::Date;

/// What a vaccination target measures (002).
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "TargetMeasure", remote = "entity::TargetMeasure")]
pub enum TargetMeasure {
    /// Eligible adults (18+, less those contraindicated) with dose 1.
    #[graphql(name = "DOSE1_ADULTS")]
    Dose1Adults,
    /// Eligible adults who completed their schedule (dose 3 for Abdala).
    CompletedAdults,
    /// Doses allocated for ages 15-17 that were used.
    AdolescentAllocationUsed,
}

row_object! {
    #[Object]
    /// A district's target for a milestone.
    pub struct Target(target::Model) as t {
        /// The milestone date.
        milestone: Date = Date(t.milestone);
        /// What is measured.
        measure: TargetMeasure = t.measure.into();
        /// The share to reach, 0 to 1.
        share: f64 = f64::from(t.share_bp) / 10_000.0;
        /// Who set it.
        set_by: &str = &t.set_by;
    }
    nodes {
        /// The district.
        district: District = t.district_id;
    }
}

row_object! {
    #[Object]
    /// A head answerable for a district's milestones.
    pub struct ResponsibleHead(responsible_head::Model) as h {
        /// Full name.
        name: &str = &h.name;
        /// Title, e.g. "Bí thư Huyện ủy", "Chủ tịch UBND huyện".
        title: &str = &h.title;
    }
    nodes {
        /// The district they answer for.
        district: District = h.district_id;
    }
}

row_object! {
    #[Object]
    /// A district's allocation of doses for ages 15 to 17 as of a day: its total allocation from that
    /// day on, not an addition (a later day's supersedes it; the same day's replaces it).
    pub struct AdolescentAllocation(adolescent_allocation::Model) as a {
        /// Allocation id.
        id: i32 = a.id;
        /// The day the allocation holds from.
        as_of: Date = Date(a.as_of);
        /// The district's total doses allocated for ages 15 to 17.
        doses: i64 = a.doses;
        /// Note: the allocation decision's reference, say.
        note: Option<&str> = a.note.as_deref();
        /// Who recorded it.
        set_by: &str = &a.set_by;
    }
    nodes {
        /// The district.
        district: District = a.district_id;
    }
}

/// One district's line of the milestone report.
pub struct ProgressView {
    line: ProgressLine,
    milestone: NaiveDate,
}

/// One district's line of the milestone report: targets, progress, projection, doses and the heads
/// answerable.
#[Object(name = "VaccinationProgress")]
impl ProgressView {
    /// GSO code of the district.
    async fn district_code(&self) -> &str {
        &self.line.district.code
    }

    /// Name of the district.
    async fn district_name(&self) -> &str {
        &self.line.district.name
    }

    /// The day of the report the figures come from; null when the district has reported none.
    async fn reported_on(&self) -> Option<Date> {
        self.line.coverage.map(|c| Date(c.day))
    }

    /// Eligible adults: 18+ less those contraindicated; null without a report.
    async fn eligible(&self) -> Option<i64> {
        self.line.coverage.map(|c| c.eligible)
    }

    /// Eligible adults with dose 1; null without a report.
    async fn dose1(&self) -> Option<i64> {
        self.line.coverage.map(|c| c.dose1)
    }

    /// Adults who completed their schedule (dose 3 for Abdala); null without a report.
    async fn completed(&self) -> Option<i64> {
        self.line.coverage.map(|c| c.completed)
    }

    /// Share of the eligible with dose 1 (dose1 / eligible), 0 to 1; null without a report.
    async fn dose1_share(&self) -> Option<f64> {
        self.line.coverage.and_then(|c| c.dose1_share())
    }

    /// Share of the eligible with a completed schedule (completed / eligible), 0 to 1; null without a report.
    async fn completed_share(&self) -> Option<f64> {
        self.line.coverage.and_then(|c| c.completed_share())
    }

    /// Target share of dose 1 for the milestone (1 when the province set none).
    async fn dose1_target(&self) -> f64 {
        self.line.dose1_target
    }

    /// Target share of completed schedules for the milestone (1 when the province set none).
    async fn completed_target(&self) -> f64 {
        self.line.completed_target
    }

    /// Adolescents 15-17 with dose 1; null when not reported.
    async fn adolescents_dose1(&self) -> Option<i64> {
        self.line.coverage.and_then(|c| c.adolescents_dose1)
    }

    /// Adolescents 15-17 with dose 2 (Pfizer's second); null when not reported.
    async fn adolescents_dose2(&self) -> Option<i64> {
        self.line.coverage.and_then(|c| c.adolescents_dose2)
    }

    /// Target share of the 15-17 allocation to use; null when the province set none.
    async fn adolescent_allocation_target(&self) -> Option<f64> {
        self.line.adolescent_target
    }

    /// Doses allocated to the district for ages 15 to 17: the latest allocation recorded up to the day
    /// looked at (each allocation is the district's total, not an addition); null when none.
    async fn adolescent_doses_allocated(&self) -> Option<i64> {
        self.line.adolescent_allocated
    }

    /// Doses used for ages 15 to 17: adolescents with dose 1 plus adolescents with dose 2
    /// (`adolescents1517Dose1 + adolescents1517Dose2`, a missing dose 2 counting 0) on the latest
    /// report up to the day looked at; null without a report of them.
    async fn adolescent_doses_used(&self) -> Option<i64> {
        self.line.adolescent_used()
    }

    /// Share of the 15-17 allocation used: `adolescentDosesUsed / adolescentDosesAllocated` (not
    /// capped at 1); null when either is missing or nothing was allocated.
    async fn adolescent_allocation_used_share(&self) -> Option<f64> {
        self.line.adolescent_share()
    }

    /// Adults reaching dose 1 per day over the last 7 reported days; null with fewer than two days.
    async fn dose1_per_day(&self) -> Option<f64> {
        self.line.dose1_per_day
    }

    /// The day both targets would be reached at the 7-day pace (the report's day when they are);
    /// null when that pace never reaches them.
    async fn projected_completion(&self) -> Option<Date> {
        self.line.projected.map(Date)
    }

    /// Both targets met on the day reported.
    async fn targets_met(&self) -> bool {
        self.line.met()
    }

    /// Not projected to meet the adults' targets by the milestone; or, where a 15-17 target is set,
    /// `adolescentAllocationUsedShare` below it and either the day looked at is on or after the milestone
    /// or the 7-day pace of doses used would not reach it by then (a line without that share is judged
    /// on the adults' targets only).
    async fn behind(&self) -> bool {
        self.line.behind(self.milestone)
    }

    /// Doses allocated and still on hand in lots not yet expired: allocated but unused.
    async fn doses_allocated_unused(&self) -> i64 {
        self.line.doses_unused
    }

    /// Doses on hand in expired lots.
    async fn doses_expired(&self) -> i64 {
        self.line.doses_expired
    }

    /// The heads answerable for the district's milestones.
    async fn responsible_heads(&self) -> Vec<ResponsibleHead> {
        self.line
            .heads
            .iter()
            .cloned()
            .map(ResponsibleHead)
            .collect()
    }
}

#[derive(Default)]
pub struct TargetQuery;

#[Object]
impl TargetQuery {
    /// The milestone report: each district's targets, progress on `asOf`, projected completion at its
    /// 7-day pace, unused and expired doses, and its responsible heads (province HEALTH, STEERING,
    /// ADMINISTRATION; a district committee sees its own line).
    async fn vaccination_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The milestone, e.g. 2021-12-15.")] milestone: Date,
        #[graphql(desc = "The reporting day looked at; today when omitted.")] as_of: Option<Date>,
    ) -> Result<Vec<ProgressView>> {
        let lines =
            progress::vaccination_progress(&ctx.services()?, milestone.0, as_of.map(|d| d.0))
                .await?;
        Ok(lines
            .into_iter()
            .map(|line| ProgressView {
                line,
                milestone: milestone.0,
            })
            .collect())
    }

    /// The milestone report as CSV for printing, one line per district with its responsible heads.
    async fn vaccination_progress_csv(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The milestone, e.g. 2021-12-15.")] milestone: Date,
        #[graphql(desc = "The reporting day looked at; today when omitted.")] as_of: Option<Date>,
    ) -> Result<String> {
        Ok(progress::progress_csv(&ctx.services()?, milestone.0, as_of.map(|d| d.0)).await?)
    }
}

/// Result of `setTarget`.
#[derive(SimpleObject)]
pub struct SetTargetPayload {
    /// The targets set, one per district.
    pub targets: Vec<Target>,
}

/// Result of `setResponsibleHead`.
#[derive(SimpleObject)]
pub struct SetResponsibleHeadPayload {
    /// The head as named.
    pub responsible_head: ResponsibleHead,
}

input_object! {
    /// A target to set.
    #[derive(InputObject)]
    pub struct SetTargetInput => SetTarget {
        /// The district (GSO code); every district of the province when omitted.
        district_code: Option<String>,
        /// The milestone date.
        milestone: Date => Into::into,
        /// What is measured.
        measure: TargetMeasure => Into::into,
        /// The share to reach, 0 to 1 (0.75 = 75 %).
        share: f64,
    }
}

/// Result of `setAdolescentAllocation`.
#[derive(SimpleObject)]
pub struct SetAdolescentAllocationPayload {
    /// The allocation as recorded.
    pub allocation: AdolescentAllocation,
}

input_object! {
    /// A district's allocation of doses for ages 15 to 17.
    #[derive(InputObject)]
    pub struct SetAdolescentAllocationInput => SetAllocation {
        /// The district (GSO code).
        district_code: String,
        /// The district's total doses allocated for ages 15 to 17 as of `asOf` (0 to 20,000,000): the
        /// total, not an addition; it replaces an allocation of the same district and day.
        doses: i64,
        /// The day the allocation holds from.
        as_of: Date => Into::into,
        /// Note: the allocation decision's reference, say.
        note: Option<String>,
        /// Makes retries safe: the same key returns the first result.
        idempotency_key: Option<String>,
    }
}

input_object! {
    /// A head to name.
    #[derive(InputObject)]
    pub struct SetResponsibleHeadInput => SetHead {
        /// The district (GSO code).
        district_code: String,
        /// Title, e.g. "Bí thư Huyện ủy"; replaces whoever held it.
        title: String,
        /// Full name.
        name: String,
    }
}

#[derive(Default)]
pub struct TargetMutation;

#[Object]
impl TargetMutation {
    /// Sets a vaccination target for a milestone (province HEALTH or STEERING_COMMITTEE, role APPROVER).
    async fn set_target(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "District, milestone, measure and share.")] input: SetTargetInput,
    ) -> Result<SetTargetPayload> {
        let set = settings::set_target(&ctx.services()?, input.into()).await?;
        Ok(SetTargetPayload {
            targets: set.into_iter().map(Target).collect(),
        })
    }

    /// Records a district's allocation of doses for ages 15 to 17 as of a day (province HEALTH or
    /// STEERING_COMMITTEE, role APPROVER): its total allocation from that day on, replacing one of the
    /// same district and day. The milestone report divides the doses used by it.
    async fn set_adolescent_allocation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "District, doses, day and note.")] input: SetAdolescentAllocationInput,
    ) -> Result<SetAdolescentAllocationPayload> {
        let row = allocation::set_allocation(&ctx.services()?, input.into()).await?;
        Ok(SetAdolescentAllocationPayload {
            allocation: AdolescentAllocation(row),
        })
    }

    /// Names a head answerable for a district's milestones (province HEALTH or STEERING_COMMITTEE, role
    /// APPROVER).
    async fn set_responsible_head(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "District, title and name.")] input: SetResponsibleHeadInput,
    ) -> Result<SetResponsibleHeadPayload> {
        let head = settings::set_head(&ctx.services()?, input.into()).await?;
        Ok(SetResponsibleHeadPayload {
            responsible_head: ResponsibleHead(head),
        })
    }
}
