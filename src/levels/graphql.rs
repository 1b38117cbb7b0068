//! GraphQL face of epidemic levels: `epidemicLevels`, `epidemicLevelCounts`, `epidemicLevelDifferences`,
//! `epidemicRuleTables`; `declareEpidemicLevels`, `loadEpidemicRuleTable`, `saveReportCommuneLines`;
//! the `epidemicLevelEvents` subscription. Each resolver is one service call.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};

use super::commune_lines::{self, CommuneLine};
use super::compute::{self, UnitLevel};
use super::declarations::{self, DeclareLevels, Declared};
use super::rule_tables;
use super::rules::{RuleTable, colour};
use crate::auth::Actor;
use crate::districts::graphql::District;
use crate::events::DomainEvent;
use crate::graphql::context::ContextExt;
use crate::graphql::live;
use crate::graphql::scalars::Date;
use crate::state::AppState;

/// The kind of unit a level is for: xã/phường/thị trấn (COMMUNE), huyện/thị xã/thành phố (DISTRICT), or
/// the province.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "UnitKind", remote = "entity::LevelUnitKind")]
pub enum UnitKind {
    /// A commune, ward or township (5-digit GSO code), the basic unit of Resolution 128/NQ-CP.
    Commune,
    /// A district, town or provincial city (3-digit GSO code).
    District,
    /// The province (2-digit GSO code).
    Province,
}

/// A unit's epidemic level for a week: the computed proposal (with its inputs and rule) and the
/// declared level in force, side by side.
pub struct EpidemicLevel(pub UnitLevel);

/// A unit's epidemic level for a week: the computed proposal (with its inputs and rule) and the
/// declared level in force, side by side.
#[Object]
impl EpidemicLevel {
    /// COMMUNE, DISTRICT or PROVINCE.
    async fn unit_kind(&self) -> UnitKind {
        self.0.kind.into()
    }
    /// The unit's GSO code.
    async fn unit_code(&self) -> &str {
        &self.0.code
    }
    /// The unit's name.
    async fn unit_name(&self) -> &str {
        &self.0.name
    }
    /// The district (the unit itself, or a commune's district); null for the province.
    async fn district(&self) -> Option<District> {
        self.0.district.clone().map(District)
    }
    /// The level computed from the reports, 1 (low) to 4 (very high); null when an input is missing
    /// (see `insufficientData`), never a level from a zero standing in for it.
    async fn computed_level(&self) -> Option<u8> {
        self.0.computed.level
    }
    /// The inputs that are missing (report figure names: `newCasesCommunity`, `population`,
    /// `coverageDose1`, `people65Plus`, `people65PlusFull`, `treatmentCapacity`...); empty when the
    /// level could be computed.
    async fn insufficient_data(&self) -> Vec<&'static str> {
        self.0.computed.insufficient_data.clone()
    }
    /// The level the People's Committee declared in force by the end of the week; null when none was.
    async fn declared_level(&self) -> Option<u8> {
        self.0.declared.as_ref().map(|d| d.level)
    }
    /// The declaration in force by the end of the week; null when none was.
    async fn declaration(&self) -> Option<LevelDeclarationRef> {
        self.0.declared.clone().map(LevelDeclarationRef)
    }
    /// Whether a declared level differs from the computed one (false when nothing was declared).
    async fn differs(&self) -> bool {
        self.0.differs()
    }
    /// The computed level (null when data is missing).
    #[graphql(
        deprecation = "Use computedLevel (and declaredLevel); null now when data is missing."
    )]
    async fn level(&self) -> Option<u8> {
        self.0.computed.level
    }
    /// GREEN, YELLOW, ORANGE or RED for the computed level; null when data is missing.
    async fn colour(&self) -> Option<&'static str> {
        self.0.computed.level.map(colour)
    }
    /// Criterion 1: new cases per 100,000 people over the week (the cases the table counts); null
    /// when cases or population are missing.
    #[graphql(name = "newCasesPer100k")]
    async fn new_cases_per_100k(&self) -> Option<f64> {
        self.0.computed.new_cases_per_100k
    }
    /// Criterion 2: share of adults with at least one dose, 0 to 1; null when missing.
    async fn coverage_dose1(&self) -> Option<f64> {
        self.0.computed.coverage_dose1
    }
    /// The age group of the elderly rule in force ("65+" or "50+"); null when none is.
    async fn elderly_age_group(&self) -> Option<&'static str> {
        self.0.computed.elderly_age_group
    }
    /// Share of that age group fully vaccinated, 0 to 1; null when missing or no rule is in force.
    async fn elderly_coverage_full(&self) -> Option<f64> {
        self.0.computed.elderly_coverage_full
    }
    /// Whether the elderly rule raised the level by one.
    async fn elderly_raise(&self) -> bool {
        self.0.computed.elderly_raise
    }
    /// Criterion 3: whether the unit (a commune: its district) can treat the patients the rule
    /// requires; null when beds or population are unknown.
    async fn treatment_capacity_met(&self) -> Option<bool> {
        self.0.computed.treatment_capacity_met
    }
    /// Whether the level was kept up at the last declared (or computed) level because capacity is
    /// unmet.
    async fn held(&self) -> bool {
        self.0.computed.held
    }
    /// The rule table, row and adjustments that produced the level, or what was missing.
    async fn rule(&self) -> &str {
        &self.0.computed.rule
    }
    /// The decision the rule table used implements (e.g. "4800/QĐ-BYT").
    async fn rule_decision(&self) -> &str {
        &self.0.table_decision
    }
    /// The Monday the rule table used is in force from.
    async fn rule_effective_from(&self) -> Date {
        Date(self.0.table_from)
    }
}

/// The declaration in force for a unit.
pub struct LevelDeclarationRef(Declared);

/// The declaration in force for a unit.
#[Object]
impl LevelDeclarationRef {
    /// The declaration's id.
    async fn id(&self) -> i32 {
        self.0.declaration_id
    }
    /// The declared level, 1 to 4.
    async fn level(&self) -> u8 {
        self.0.level
    }
    /// The People's Committee's decision number.
    async fn decision_number(&self) -> &str {
        &self.0.decision_number
    }
    /// When the level takes effect.
    async fn effective_from(&self) -> DateTime<Utc> {
        self.0.effective_from
    }
    /// Who declared it (agency/subject).
    async fn declared_by(&self) -> &str {
        &self.0.declared_by
    }
    /// When it was recorded.
    async fn declared_at(&self) -> DateTime<Utc> {
        self.0.declared_at
    }
    /// The note given with it; null when none.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// Units at one level, or with insufficient data.
#[derive(SimpleObject)]
pub struct LevelCount {
    /// Level 1 to 4; null for the "insufficient data" bucket.
    pub level: Option<u8>,
    /// GREEN, YELLOW, ORANGE or RED; INSUFFICIENT_DATA for the bucket without a level.
    pub colour: String,
    /// Units in this bucket.
    pub units: usize,
    /// Units in this bucket.
    #[graphql(deprecation = "Use units: the counts are of any unit kind now.")]
    pub districts: usize,
}

/// A declaration of epidemic levels.
pub struct LevelDeclaration(declarations::Declaration);

/// A declaration of epidemic levels.
#[Object]
impl LevelDeclaration {
    /// The declaration's id.
    async fn id(&self) -> i32 {
        self.0.row.id
    }
    /// The declared level, 1 to 4.
    async fn level(&self) -> i16 {
        self.0.row.level
    }
    /// The People's Committee's decision number.
    async fn decision_number(&self) -> &str {
        &self.0.row.decision_number
    }
    /// When the level takes effect.
    async fn effective_from(&self) -> DateTime<Utc> {
        self.0.row.effective_from
    }
    /// The note given with it; null when none.
    async fn note(&self) -> Option<&str> {
        self.0.row.note.as_deref()
    }
    /// Who declared it (agency/subject).
    async fn declared_by(&self) -> &str {
        &self.0.row.declared_by
    }
    /// When it was recorded.
    async fn declared_at(&self) -> DateTime<Utc> {
        self.0.row.declared_at
    }
    /// The units it covers, in the order given.
    async fn units(&self) -> Vec<DeclaredUnit> {
        self.0
            .units
            .iter()
            .map(|(kind, code)| DeclaredUnit {
                unit_kind: (*kind).into(),
                unit_code: code.clone(),
            })
            .collect()
    }
}

/// A unit a declaration covers.
#[derive(SimpleObject)]
pub struct DeclaredUnit {
    /// COMMUNE, DISTRICT or PROVINCE.
    pub unit_kind: UnitKind,
    /// Its GSO code.
    pub unit_code: String,
}

/// A rule table: the decision it implements, from when, and its content as JSON.
pub struct EpidemicRuleTable(RuleTable);

/// A rule table: the decision it implements, from when, and its content as JSON.
#[Object]
impl EpidemicRuleTable {
    /// The decision implemented.
    async fn decision(&self) -> &str {
        &self.0.decision
    }
    /// The first Monday it applies to (the default table applies to every week before the first
    /// loaded one too).
    async fn effective_from(&self) -> Date {
        Date(self.0.effective_from)
    }
    /// The whole table as JSON (the shape `loadEpidemicRuleTable` takes).
    async fn json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }
}

#[derive(Default)]
pub struct LevelQuery;

#[Object]
impl LevelQuery {
    /// Epidemic level of every unit of a kind in the province for the week starting `week` (a
    /// Monday): computed by the rule table in force that week, and declared. Every agency reads
    /// every unit.
    async fn epidemic_levels(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The Monday of the week (province time).")] week: Date,
        #[graphql(
            desc = "Which units: communes, districts or the province (districts when omitted or null).",
            default_with = "Some(UnitKind::District)"
        )]
        unit_kind: Option<UnitKind>,
    ) -> Result<Vec<EpidemicLevel>> {
        let found = compute::epidemic_levels(
            &ctx.services()?,
            week.0,
            unit_kind.unwrap_or(UnitKind::District).into(),
        )
        .await?;
        Ok(found.into_iter().map(EpidemicLevel).collect())
    }

    /// Units per computed level (1 to 4) and those with insufficient data, for the week starting
    /// `week` (a Monday).
    async fn epidemic_level_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The Monday of the week (province time).")] week: Date,
        #[graphql(
            desc = "Which units: communes, districts or the province (districts when omitted or null).",
            default_with = "Some(UnitKind::District)"
        )]
        unit_kind: Option<UnitKind>,
    ) -> Result<Vec<LevelCount>> {
        let counts = compute::level_counts(
            &ctx.services()?,
            week.0,
            unit_kind.unwrap_or(UnitKind::District).into(),
        )
        .await?;
        Ok(counts
            .into_iter()
            .map(|c| LevelCount {
                level: c.level,
                colour: c.level.map_or("INSUFFICIENT_DATA", colour).into(),
                units: c.units,
                districts: c.units,
            })
            .collect())
    }

    /// Units whose declared level differs from the computed one for the week starting `week`.
    async fn epidemic_level_differences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The Monday of the week (province time).")] week: Date,
        #[graphql(
            desc = "Which units: communes, districts or the province (districts when omitted or null).",
            default_with = "Some(UnitKind::District)"
        )]
        unit_kind: Option<UnitKind>,
    ) -> Result<Vec<EpidemicLevel>> {
        let found = compute::differences(
            &ctx.services()?,
            week.0,
            unit_kind.unwrap_or(UnitKind::District).into(),
        )
        .await?;
        Ok(found.into_iter().map(EpidemicLevel).collect())
    }

    /// The rule tables of the province: the default first, then those loaded, by date.
    async fn epidemic_rule_tables(&self, ctx: &Context<'_>) -> Result<Vec<EpidemicRuleTable>> {
        let tables = rule_tables::list(&ctx.services()?).await?;
        Ok(tables.into_iter().map(EpidemicRuleTable).collect())
    }
}

/// Input of `declareEpidemicLevels`.
#[derive(InputObject)]
pub struct DeclareEpidemicLevelsInput {
    /// GSO codes of the units: communes (5 digits), districts (3) or the province (2).
    pub unit_codes: Vec<String>,
    /// The level declared, 1 to 4.
    pub level: i32,
    /// The People's Committee's decision number, e.g. "4512/QĐ-UBND".
    pub decision_number: String,
    /// When the level takes effect (from 11/10/2021, at most 31 days ahead).
    pub effective_from: DateTime<Utc>,
    /// A note, at most 2,000 characters.
    pub note: Option<String>,
    /// A retry with the same key returns the first declaration.
    pub idempotency_key: Option<String>,
}

/// Result of `declareEpidemicLevels`.
#[derive(SimpleObject)]
pub struct DeclareEpidemicLevelsPayload {
    /// The declaration recorded.
    pub declaration: LevelDeclaration,
}

/// Input of `loadEpidemicRuleTable`.
#[derive(InputObject)]
pub struct LoadEpidemicRuleTableInput {
    /// The first Monday the table applies to.
    pub effective_from: Date,
    /// The table as JSON: `decision`, `casesCounted` (COMMUNITY or COMMUNITY_AND_QUARANTINE), `bands`
    /// (`from`, `to` (null for the last), `covered`, `notCovered`), `coverageThreshold`, `elderly`
    /// (`from`, `ageGroup` "65+" or "50+", `minShare`).
    pub table: String,
}

/// Result of `loadEpidemicRuleTable`.
#[derive(SimpleObject)]
pub struct LoadEpidemicRuleTablePayload {
    /// The table loaded.
    pub rule_table: EpidemicRuleTable,
}

/// One commune's figures in a weekly epidemic report. Null means "not reported".
#[derive(InputObject)]
pub struct CommuneLineInput {
    /// The commune's GSO code (5 digits), a commune of the report's district.
    pub commune_code: String,
    /// People living in the commune.
    pub population: Option<i64>,
    /// New cases found in the community over the week.
    pub new_cases_community: Option<i64>,
    /// New cases found in quarantine over the week.
    pub new_cases_in_quarantine: Option<i64>,
    /// People aged 18 and over.
    #[graphql(name = "adults18Plus")]
    pub adults_18_plus: Option<i64>,
    /// Adults with at least one dose.
    pub adults_dose1: Option<i64>,
    /// People aged 65 and over.
    #[graphql(name = "people65Plus")]
    pub people_65_plus: Option<i64>,
    /// People aged 65 and over fully vaccinated.
    #[graphql(name = "people65PlusFull")]
    pub people_65_plus_full: Option<i64>,
    /// People aged 50 and over.
    #[graphql(name = "people50Plus")]
    pub people_50_plus: Option<i64>,
    /// People aged 50 and over fully vaccinated.
    #[graphql(name = "people50PlusFull")]
    pub people_50_plus_full: Option<i64>,
}

impl From<CommuneLineInput> for CommuneLine {
    fn from(l: CommuneLineInput) -> Self {
        CommuneLine {
            commune_code: l.commune_code,
            population: l.population,
            new_cases_community: l.new_cases_community,
            new_cases_in_quarantine: l.new_cases_in_quarantine,
            adults_18_plus: l.adults_18_plus,
            adults_dose1: l.adults_dose1,
            people_65_plus: l.people_65_plus,
            people_65_plus_full: l.people_65_plus_full,
            people_50_plus: l.people_50_plus,
            people_50_plus_full: l.people_50_plus_full,
        }
    }
}

/// Input of `saveReportCommuneLines`.
#[derive(InputObject)]
pub struct SaveReportCommuneLinesInput {
    /// The weekly epidemic report (DRAFT or RETURNED, the caller's agency's own).
    pub report_id: i32,
    /// The lines, replacing those saved before; at most 200, each commune once.
    pub lines: Vec<CommuneLineInput>,
}

/// Result of `saveReportCommuneLines`.
#[derive(SimpleObject)]
pub struct SaveReportCommuneLinesPayload {
    /// The report.
    pub report_id: i32,
    /// The communes whose lines were saved, in the order given.
    pub commune_codes: Vec<String>,
}

#[derive(Default)]
pub struct LevelMutation;

#[Object]
impl LevelMutation {
    /// Declares the level in force for units from an effective time, by a decision number (province
    /// PEOPLES_COMMITTEE or STEERING_COMMITTEE, role APPROVER). Audited; heard on `epidemicLevelEvents`.
    async fn declare_epidemic_levels(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The units, level, decision number, effective time and note.")]
        input: DeclareEpidemicLevelsInput,
    ) -> Result<DeclareEpidemicLevelsPayload> {
        let input = DeclareLevels {
            unit_codes: input.unit_codes,
            level: input.level,
            decision_number: input.decision_number,
            effective_from: input.effective_from,
            note: input.note,
            idempotency_key: input.idempotency_key,
        };
        let made = declarations::declare(&ctx.services()?, input).await?;
        Ok(DeclareEpidemicLevelsPayload {
            declaration: LevelDeclaration(made),
        })
    }

    /// Loads a rule table in force from a Monday for the province (province PEOPLES_COMMITTEE or
    /// STEERING_COMMITTEE, role APPROVER). Refused, naming the row, when bands overlap or leave a gap.
    async fn load_epidemic_rule_table(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The Monday it applies from, and the table as JSON.")]
        input: LoadEpidemicRuleTableInput,
    ) -> Result<LoadEpidemicRuleTablePayload> {
        let table =
            rule_tables::load(&ctx.services()?, input.effective_from.0, &input.table).await?;
        Ok(LoadEpidemicRuleTablePayload {
            rule_table: EpidemicRuleTable(table),
        })
    }

    /// Replaces the commune lines of a weekly epidemic report the caller's agency is writing (DRAFT
    /// or RETURNED); communes get levels of their own from them once the report is submitted.
    async fn save_report_commune_lines(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report and its commune lines.")] input: SaveReportCommuneLinesInput,
    ) -> Result<SaveReportCommuneLinesPayload> {
        let lines = input.lines.into_iter().map(Into::into).collect();
        let saved = commune_lines::save(&ctx.services()?, input.report_id, lines).await?;
        Ok(SaveReportCommuneLinesPayload {
            report_id: input.report_id,
            commune_codes: saved.into_iter().map(|(code, _)| code).collect(),
        })
    }
}

/// A declaration delivered by `epidemicLevelEvents`, with the cursor to resume after it.
#[derive(SimpleObject)]
pub struct EpidemicLevelEvent {
    /// Opaque, increasing position of this event: pass it as `after` when subscribing again.
    pub cursor: String,
    /// The declaration.
    pub declaration: LevelDeclaration,
}

#[derive(Default)]
pub struct LevelSubscription;

#[Subscription]
impl LevelSubscription {
    /// Declarations of epidemic levels in the province as they are recorded (every agency hears them).
    /// Given `after`, first replays those after that cursor (bounded as for `screeningAlerts`), then
    /// goes on live with no gap and no duplicate.
    async fn epidemic_level_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `cursor` of the last event received: resume after it.")]
        after: Option<String>,
    ) -> Result<impl Stream<Item = EpidemicLevelEvent>> {
        // Asks the policy now, so a caller who may not read levels is refused at once.
        crate::policy::require(
            ctx.actor()?,
            crate::policy::Resource::EpidemicLevel,
            crate::policy::Action::Read,
        )?;
        let select = |event: &DomainEvent| match *event {
            DomainEvent::EpidemicLevelDeclared { declaration_id } => Some(declaration_id),
            _ => None,
        };
        let load = |app: AppState, actor: Actor, id: i32| async move {
            declarations::get(&app.ctx(&actor), id).await
        };
        let (app, actor) = (ctx.app().clone(), ctx.actor()?.clone());
        let stream = live::stream(app, actor, after, select, load).await?;
        Ok(stream.map(|d| EpidemicLevelEvent {
            cursor: d.cursor,
            declaration: LevelDeclaration(d.item),
        }))
    }
}
