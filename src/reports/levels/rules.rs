//! The epidemic level rule table (Resolution 128/NQ-CP; Decision 4800/QĐ-BYT of 12/10/2021). The table
//! is data, named by the decision it implements, because the criteria changed (Decision 218/QĐ-BYT,
//! January 2022) and a province may override any cell. Pure: [`super`] gathers the inputs.

use serde::{Deserialize, Serialize};

/// The thresholds and matrix of one decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleTable {
    /// The decision implemented, e.g. "4800/QĐ-BYT".
    pub decision: String,
    /// Upper bounds (exclusive) of the first three bands of new community cases per 100,000 people per
    /// week; the fourth band is everything from the last bound up.
    pub case_bands: [f64; 3],
    /// Share of adults with at least one dose that counts as covered (0.70 by default).
    pub coverage_threshold: f64,
    /// Level by case band (rows) and coverage (column 0: covered, column 1: not covered).
    pub matrix: [[u8; 2]; 4],
}

impl Default for RuleTable {
    /// Decision 4800/QĐ-BYT. The last row (150 and more) is level 3 with coverage and 4 without, as in
    /// the decision's table.
    fn default() -> Self {
        RuleTable {
            decision: "4800/QĐ-BYT".into(),
            case_bands: [20.0, 50.0, 150.0],
            coverage_threshold: 0.70,
            matrix: [[1, 2], [2, 3], [3, 4], [3, 4]],
        }
    }
}

/// What a district's level is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inputs {
    /// New community cases per 100,000 people over the week.
    pub new_cases_per_100k: f64,
    /// Share of adults with at least one dose, 0 to 1.
    pub coverage_dose1: f64,
    /// Whether the district can treat the patients the rule requires.
    pub treatment_capacity_met: bool,
    /// Last week's level, if known.
    pub previous_level: Option<u8>,
}

/// A computed level with the rule that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    pub level: u8,
    /// The matrix cell used, e.g. "4800/QĐ-BYT: 20 to < 50 cases per 100,000, coverage >= 70 % -> level 2".
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

impl RuleTable {
    pub fn level(&self, inputs: Inputs) -> Level {
        let band = self
            .case_bands
            .iter()
            .position(|bound| inputs.new_cases_per_100k < *bound)
            .unwrap_or(3);
        let covered = inputs.coverage_dose1 >= self.coverage_threshold;
        let level = self.matrix[band][usize::from(!covered)];
        let band_text = match band {
            0 => format!("< {}", self.case_bands[0]),
            1 => format!("{} to < {}", self.case_bands[0], self.case_bands[1]),
            2 => format!("{} to < {}", self.case_bands[1], self.case_bands[2]),
            _ => format!(">= {}", self.case_bands[2]),
        };
        let coverage = format!(
            "{} {} %",
            if covered { ">=" } else { "<" },
            (self.coverage_threshold * 100.0).round()
        );
        let mut rule = format!(
            "{}: {band_text} cases per 100,000, coverage {coverage} -> level {level}",
            self.decision
        );
        match inputs.previous_level {
            Some(previous) if !inputs.treatment_capacity_met && previous > level => {
                rule.push_str(&format!(
                    "; treatment capacity not met, so not lowered from level {previous}"
                ));
                Level {
                    level: previous,
                    rule,
                }
            }
            _ => Level { level, rule },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(cases: f64, coverage: f64) -> u8 {
        RuleTable::default()
            .level(Inputs {
                new_cases_per_100k: cases,
                coverage_dose1: coverage,
                treatment_capacity_met: true,
                previous_level: None,
            })
            .level
    }

    #[test]
    fn every_cell_of_the_default_matrix() {
        let expected = [
            (0.0, [1, 2]),
            (19.99, [1, 2]),
            (20.0, [2, 3]),
            (49.9, [2, 3]),
            (50.0, [3, 4]),
            (149.9, [3, 4]),
            (150.0, [3, 4]),
            (900.0, [3, 4]),
        ];
        for (cases, [covered, uncovered]) in expected {
            assert_eq!(level(cases, 0.70), covered, "{cases} covered");
            assert_eq!(level(cases, 0.6999), uncovered, "{cases} not covered");
        }
    }

    #[test]
    fn not_lowered_while_treatment_capacity_is_not_met() {
        let table = RuleTable::default();
        let quiet = Inputs {
            new_cases_per_100k: 5.0,
            coverage_dose1: 0.9,
            treatment_capacity_met: false,
            previous_level: Some(3),
        };
        let held = table.level(quiet);
        assert_eq!(held.level, 3);
        assert!(held.rule.contains("not lowered"), "{}", held.rule);
        assert_eq!(
            table
                .level(Inputs {
                    treatment_capacity_met: true,
                    ..quiet
                })
                .level,
            1,
            "met: lowered"
        );
        let worse = Inputs {
            new_cases_per_100k: 200.0,
            coverage_dose1: 0.1,
            treatment_capacity_met: false,
            previous_level: Some(2),
        };
        assert_eq!(table.level(worse).level, 4, "raising is never held back");
        assert_eq!(
            table
                .level(Inputs {
                    previous_level: None,
                    ..quiet
                })
                .level,
            1,
            "no previous level, nothing to hold"
        );
    }

    #[test]
    fn a_province_may_change_the_coverage_threshold() {
        let table = RuleTable {
            coverage_threshold: 0.8,
            ..RuleTable::default()
        };
        let inputs = Inputs {
            new_cases_per_100k: 10.0,
            coverage_dose1: 0.75,
            treatment_capacity_met: true,
            previous_level: None,
        };
        assert_eq!(table.level(inputs).level, 2);
        assert!(table.level(inputs).rule.contains("< 80 %"));
    }
}
