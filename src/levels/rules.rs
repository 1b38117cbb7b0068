//! The epidemic level rule table (Resolution 128/NQ-CP; Decision 4800/QĐ-BYT of 12/10/2021) as dated
//! data: the decision it implements, the date it is in force from, the case bands and their matrix row,
//! which cases count, the coverage threshold and the elderly-coverage rule. Decision 218/QĐ-BYT
//! (January 2022) changed the criteria, and a province may load its own table, so nothing here is fixed
//! in code. Pure: [`super::compute`] gathers the inputs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// Which new cases count towards criterion 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CasesCounted {
    /// Cases found in the community only (Decision 4800).
    Community,
    /// Cases found in the community and in quarantine.
    CommunityAndQuarantine,
}

/// One band of new cases per 100,000 people per week: `from <= cases < to` (`to` null: no upper bound),
/// with the level when coverage is met and when it is not.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Band {
    pub from: f64,
    pub to: Option<f64>,
    pub covered: u8,
    pub not_covered: u8,
}

/// The age groups the report figures carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgeGroup {
    #[serde(rename = "65+")]
    From65,
    #[serde(rename = "50+")]
    From50,
}

impl AgeGroup {
    pub fn label(self) -> &'static str {
        match self {
            AgeGroup::From65 => "65+",
            AgeGroup::From50 => "50+",
        }
    }

    /// The report figures of the group: (people, fully vaccinated).
    pub fn fields(self) -> (&'static str, &'static str) {
        match self {
            AgeGroup::From65 => ("people65Plus", "people65PlusFull"),
            AgeGroup::From50 => ("people50Plus", "people50PlusFull"),
        }
    }
}

/// From `from`, a unit is raised one level (at most to 4) while fewer than `min_share` of its people in
/// `age_group` are fully vaccinated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ElderlyRule {
    pub from: NaiveDate,
    pub age_group: AgeGroup,
    pub min_share: f64,
}

/// The thresholds and matrix of one decision, in force from a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleTable {
    /// The decision implemented, e.g. "4800/QĐ-BYT".
    pub decision: String,
    /// The first Monday the table applies to (set from the load's `effectiveFrom`).
    #[serde(default)]
    pub effective_from: NaiveDate,
    pub cases_counted: CasesCounted,
    /// The case bands, from 0 up, without gap or overlap; the last one open-ended.
    pub bands: Vec<Band>,
    /// Share of adults with at least one dose that counts as covered (0.70 by default).
    pub coverage_threshold: f64,
    /// Elderly-coverage rules; the latest whose `from` is on or before the week applies.
    #[serde(default)]
    pub elderly: Vec<ElderlyRule>,
}

impl Default for RuleTable {
    /// Decision 4800/QĐ-BYT. The last row (150 and more) is level 3 with coverage and 4 without, as
    /// DESIGN.md transcribes it (to check against the decision's text). The elderly rule (65+, 80 %
    /// fully vaccinated) is a default to check.
    fn default() -> Self {
        let band = |from, to, covered, not_covered| Band {
            from,
            to,
            covered,
            not_covered,
        };
        RuleTable {
            decision: "4800/QĐ-BYT".into(),
            effective_from: NaiveDate::from_ymd_opt(2021, 10, 11).unwrap_or_default(),
            cases_counted: CasesCounted::Community,
            bands: vec![
                band(0.0, Some(20.0), 1, 2),
                band(20.0, Some(50.0), 2, 3),
                band(50.0, Some(150.0), 3, 4),
                band(150.0, None, 3, 4),
            ],
            coverage_threshold: 0.70,
            elderly: vec![ElderlyRule {
                from: NaiveDate::from_ymd_opt(2021, 10, 11).unwrap_or_default(),
                age_group: AgeGroup::From65,
                min_share: 0.80,
            }],
        }
    }
}

/// What a unit's level is computed from; `None` where the input is missing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Inputs {
    /// New community cases over the week.
    pub cases_community: Option<i64>,
    /// New cases found in quarantine over the week.
    pub cases_in_quarantine: Option<i64>,
    pub population: Option<i64>,
    /// People 18 and over, and those with at least one dose.
    pub adults: Option<i64>,
    pub adults_dose1: Option<i64>,
    /// People 65+ and 50+, and those fully vaccinated.
    pub people_65: Option<i64>,
    pub people_65_full: Option<i64>,
    pub people_50: Option<i64>,
    pub people_50_full: Option<i64>,
    /// Whether the unit can treat the patients the rule requires.
    pub treatment_capacity_met: Option<bool>,
}

/// The level a unit may not fall below while its treatment capacity is unmet, and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub level: u8,
    /// "declared by 12/QĐ-UBND" or "computed for the week of 2021-11-29".
    pub source: String,
}

/// A computed level (None: insufficient data) with its inputs and the rule that produced it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Computed {
    pub level: Option<u8>,
    /// The input fields that are missing, by their report names.
    pub insufficient_data: Vec<&'static str>,
    pub new_cases_per_100k: Option<f64>,
    pub coverage_dose1: Option<f64>,
    pub elderly_age_group: Option<&'static str>,
    pub elderly_coverage_full: Option<f64>,
    pub treatment_capacity_met: Option<bool>,
    /// Raised one level by the elderly rule.
    pub elderly_raise: bool,
    /// Kept up at the floor while capacity is unmet.
    pub held: bool,
    pub rule: String,
}

pub fn colour(level: u8) -> &'static str {
    match level {
        1 => "GREEN",
        2 => "YELLOW",
        3 => "ORANGE",
        _ => "RED",
    }
}

fn share(part: Option<i64>, whole: Option<i64>) -> Option<f64> {
    match (part, whole) {
        (Some(p), Some(w)) if w > 0 => Some(p as f64 / w as f64),
        _ => None,
    }
}

fn bad_row(row: usize, message: impl Into<String>) -> AppError {
    AppError::bad_input(format!("table.bands[{row}]"), message)
}

impl RuleTable {
    /// A table from its JSON text, checked ([`RuleTable::validate`]).
    pub fn parse(text: &str) -> AppResult<RuleTable> {
        let table: RuleTable = serde_json::from_str(text)
            .map_err(|e| AppError::bad_input("table", format!("not a rule table: {e}")))?;
        table.validate()?;
        Ok(table)
    }

    /// The bands start at 0 and follow each other without gap or overlap up to one open-ended band;
    /// levels lie in 1 to 4; shares in 0 to 1. A failure names the row.
    pub fn validate(&self) -> AppResult<()> {
        if self.decision.trim().is_empty() || self.decision.len() > 100 {
            return Err(AppError::bad_input(
                "table.decision",
                "the decision implemented, 1 to 100 characters",
            ));
        }
        if self.bands.is_empty() {
            return Err(AppError::bad_input("table.bands", "at least one band"));
        }
        let mut expected_from = 0.0;
        let last = self.bands.len() - 1;
        for (i, band) in self.bands.iter().enumerate() {
            if !band.from.is_finite() || band.from < expected_from {
                return Err(bad_row(
                    i,
                    format!(
                        "starts at {}, overlapping the band before (which ends at {expected_from})",
                        band.from
                    ),
                ));
            }
            if band.from > expected_from {
                return Err(bad_row(
                    i,
                    format!(
                        "starts at {}, leaving a gap from {expected_from}",
                        band.from
                    ),
                ));
            }
            match band.to {
                Some(to) if !to.is_finite() || to <= band.from => {
                    return Err(bad_row(
                        i,
                        format!("ends at {to}, not above its start {}", band.from),
                    ));
                }
                Some(_) if i == last => {
                    return Err(bad_row(i, "the last band has no upper bound (to: null)"));
                }
                None if i != last => {
                    return Err(bad_row(i, "only the last band is open-ended"));
                }
                Some(to) => expected_from = to,
                None => {}
            }
            for level in [band.covered, band.not_covered] {
                if !(1..=4).contains(&level) {
                    return Err(bad_row(i, format!("level {level} is outside 1 to 4")));
                }
            }
        }
        if !(0.0..=1.0).contains(&self.coverage_threshold) {
            return Err(AppError::bad_input(
                "table.coverageThreshold",
                "a share from 0 to 1",
            ));
        }
        for (i, rule) in self.elderly.iter().enumerate() {
            if !(0.0..=1.0).contains(&rule.min_share) {
                return Err(AppError::bad_input(
                    format!("table.elderly[{i}].minShare"),
                    "a share from 0 to 1",
                ));
            }
        }
        Ok(())
    }

    /// The elderly rule in force for the week of `monday`.
    pub fn elderly_rule(&self, monday: NaiveDate) -> Option<&ElderlyRule> {
        self.elderly
            .iter()
            .filter(|r| r.from <= monday)
            .max_by_key(|r| r.from)
    }

    /// The level for the week of `monday` from `inputs`, held at `floor` while capacity is unmet.
    pub fn compute(&self, monday: NaiveDate, inputs: &Inputs, floor: Option<&Floor>) -> Computed {
        let mut missing = Vec::new();
        let cases = match self.cases_counted {
            CasesCounted::Community => inputs.cases_community,
            CasesCounted::CommunityAndQuarantine => {
                if inputs.cases_in_quarantine.is_none() {
                    missing.push("newCasesInQuarantine");
                }
                inputs
                    .cases_community
                    .zip(inputs.cases_in_quarantine)
                    .map(|(a, b)| a + b)
            }
        };
        if inputs.cases_community.is_none() {
            missing.insert(0, "newCasesCommunity");
        }
        let population = inputs.population.filter(|p| *p > 0);
        if population.is_none() {
            missing.push("population");
        }
        let per_100k = cases
            .zip(population)
            .map(|(c, p)| c as f64 * 100_000.0 / p as f64);
        let coverage = share(inputs.adults_dose1, inputs.adults);
        if coverage.is_none() {
            missing.push("coverageDose1");
        }
        let elderly = self.elderly_rule(monday).copied();
        let elderly_share = elderly.and_then(|rule| {
            let (people, full) = match rule.age_group {
                AgeGroup::From65 => (inputs.people_65, inputs.people_65_full),
                AgeGroup::From50 => (inputs.people_50, inputs.people_50_full),
            };
            let found = share(full, people);
            if found.is_none() {
                let (people_field, full_field) = rule.age_group.fields();
                if people.filter(|p| *p > 0).is_none() {
                    missing.push(people_field);
                }
                if full.is_none() {
                    missing.push(full_field);
                }
            }
            found
        });
        let mut computed = Computed {
            new_cases_per_100k: per_100k,
            coverage_dose1: coverage,
            elderly_age_group: elderly.map(|r| r.age_group.label()),
            elderly_coverage_full: elderly_share,
            treatment_capacity_met: inputs.treatment_capacity_met,
            ..Computed::default()
        };
        let (Some(per_100k), Some(coverage), true) = (per_100k, coverage, missing.is_empty())
        else {
            computed.rule = format!(
                "{}: insufficient data ({})",
                self.decision,
                missing.join(", ")
            );
            computed.insufficient_data = missing;
            return computed;
        };
        let (row, band) = self
            .bands
            .iter()
            .enumerate()
            .find(|(_, b)| b.to.is_none_or(|to| per_100k < to))
            .unwrap_or((self.bands.len() - 1, &self.bands[self.bands.len() - 1]));
        let covered = coverage >= self.coverage_threshold;
        let mut level = if covered {
            band.covered
        } else {
            band.not_covered
        };
        let band_text = match band.to {
            Some(to) => format!("{} to < {to}", band.from),
            None => format!(">= {}", band.from),
        };
        let mut rule = format!(
            "{} (from {}), row {}: {band_text} cases per 100,000, coverage {} {} % -> level {level}",
            self.decision,
            self.effective_from,
            row + 1,
            if covered { ">=" } else { "<" },
            (self.coverage_threshold * 100.0).round()
        );
        if let (Some(rule_in_force), Some(share)) = (elderly, elderly_share)
            && share < rule_in_force.min_share
            && level < 4
        {
            level += 1;
            computed.elderly_raise = true;
            rule.push_str(&format!(
                "; {} fully vaccinated {:.1} % < {} %, raised to level {level}",
                rule_in_force.age_group.label(),
                share * 100.0,
                (rule_in_force.min_share * 100.0).round()
            ));
        }
        if let Some(floor) = floor.filter(|f| f.level > level) {
            match inputs.treatment_capacity_met {
                Some(false) => {
                    rule.push_str(&format!(
                        "; treatment capacity not met, so not lowered below level {} ({})",
                        floor.level, floor.source
                    ));
                    level = floor.level;
                    computed.held = true;
                }
                Some(true) => {}
                // Whether the hold applies cannot be told.
                None => {
                    computed.insufficient_data = vec!["treatmentCapacity"];
                    computed.rule = format!(
                        "{rule}; insufficient data: treatment capacity unknown, and level {} ({}) would hold if unmet",
                        floor.level, floor.source
                    );
                    return computed;
                }
            }
        }
        computed.level = Some(level);
        computed.rule = rule;
        computed
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
