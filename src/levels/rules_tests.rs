//! The pure rule: every cell of the default matrix on both sides of each band, the elderly raise at
//! its boundary, the hold, insufficient data, and the checks of a loaded table.

use super::*;
use crate::error::AppError;

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 11, 8).unwrap_or_default()
}

/// 100,000 people (cases = cases per 100,000), 10,000 adults, 1,000 people 65+ of whom 900 are
/// fully vaccinated, capacity met.
fn inputs(cases: i64, dose1: i64) -> Inputs {
    Inputs {
        cases_community: Some(cases),
        cases_in_quarantine: Some(0),
        population: Some(100_000),
        adults: Some(10_000),
        adults_dose1: Some(dose1),
        people_65: Some(1_000),
        people_65_full: Some(900),
        people_50: Some(3_000),
        people_50_full: Some(2_500),
        treatment_capacity_met: Some(true),
    }
}

fn level(table: &RuleTable, inputs: &Inputs) -> Option<u8> {
    table.compute(monday(), inputs, None).level
}

#[test]
fn every_cell_of_the_default_matrix_on_both_sides_of_each_band() {
    let table = RuleTable::default();
    // (cases per 100,000, level with coverage >= 70 %, level below 70 %)
    let expected = [
        (0, 1, 2),
        (19, 1, 2),
        (20, 2, 3),
        (49, 2, 3),
        (50, 3, 4),
        (149, 3, 4),
        (150, 3, 4),
        (100_000, 3, 4),
    ];
    for (cases, covered, uncovered) in expected {
        assert_eq!(
            level(&table, &inputs(cases, 7_000)),
            Some(covered),
            "{cases}, 70 %"
        );
        assert_eq!(
            level(&table, &inputs(cases, 6_999)),
            Some(uncovered),
            "{cases}, 69.99 %"
        );
    }
    // Fractions of a case per 100,000 sit on the right side of a bound.
    let mut below = inputs(0, 7_000);
    below.cases_community = Some(19);
    below.population = Some(95_001); // 19.9998 per 100,000
    assert_eq!(level(&table, &below), Some(1));
}

#[test]
fn the_elderly_rule_raises_one_level_below_its_share_and_never_above_4() {
    let table = RuleTable::default();
    let mut i = inputs(10, 7_000);
    i.people_65_full = Some(800);
    let at = table.compute(monday(), &i, None);
    assert_eq!(
        (at.level, at.elderly_raise),
        (Some(1), false),
        "80 %: {}",
        at.rule
    );
    i.people_65_full = Some(799);
    let below = table.compute(monday(), &i, None);
    assert_eq!(
        (below.level, below.elderly_raise),
        (Some(2), true),
        "79.9 %"
    );
    assert!(
        below.rule.contains("65+ fully vaccinated"),
        "{}",
        below.rule
    );
    let mut red = inputs(200, 1_000);
    red.people_65_full = Some(0);
    assert_eq!(level(&table, &red), Some(4), "capped at 4");
    // Before the rule's date, no raise; a later step can switch to 50+.
    let dated = RuleTable {
        elderly: vec![
            ElderlyRule {
                from: NaiveDate::from_ymd_opt(2021, 11, 15).unwrap_or_default(),
                age_group: AgeGroup::From65,
                min_share: 0.8,
            },
            ElderlyRule {
                from: NaiveDate::from_ymd_opt(2022, 1, 3).unwrap_or_default(),
                age_group: AgeGroup::From50,
                min_share: 0.9,
            },
        ],
        ..RuleTable::default()
    };
    assert_eq!(dated.compute(monday(), &i, None).level, Some(1), "not yet");
    let later = NaiveDate::from_ymd_opt(2022, 1, 3).unwrap_or_default();
    let fifty = dated.compute(later, &inputs(10, 7_000), None);
    assert_eq!(fifty.elderly_age_group, Some("50+"));
    assert_eq!(fifty.level, Some(2), "2,500 of 3,000 is below 90 %");
}

#[test]
fn the_hold_keeps_the_floor_only_while_capacity_is_unmet() {
    let table = RuleTable::default();
    let floor = Floor {
        level: 4,
        source: "declared by 1/QĐ-UBND".into(),
    };
    let mut quiet = inputs(5, 8_000);
    quiet.treatment_capacity_met = Some(false);
    let held = table.compute(monday(), &quiet, Some(&floor));
    assert_eq!((held.level, held.held), (Some(4), true));
    assert!(held.rule.contains("declared by 1/QĐ-UBND"), "{}", held.rule);
    quiet.treatment_capacity_met = Some(true);
    assert_eq!(table.compute(monday(), &quiet, Some(&floor)).level, Some(1));
    quiet.treatment_capacity_met = None;
    let unknown = table.compute(monday(), &quiet, Some(&floor));
    assert_eq!(
        unknown.level, None,
        "whether the hold applies cannot be told"
    );
    assert_eq!(unknown.insufficient_data, ["treatmentCapacity"]);
    let worse = table.compute(
        monday(),
        &inputs(200, 1_000),
        Some(&Floor { level: 2, ..floor }),
    );
    assert_eq!(worse.level, Some(4), "raising is never held back");
}

#[test]
fn each_missing_input_is_named_and_no_level_is_given() {
    let table = RuleTable::default();
    type Removal = (fn(&mut Inputs), &'static [&'static str]);
    let cases: [Removal; 5] = [
        (|i| i.cases_community = None, &["newCasesCommunity"]),
        (|i| i.population = None, &["population"]),
        (|i| i.population = Some(0), &["population"]),
        (|i| i.adults_dose1 = None, &["coverageDose1"]),
        (|i| i.people_65_full = None, &["people65PlusFull"]),
    ];
    for (remove, missing) in cases {
        let mut i = inputs(10, 8_000);
        remove(&mut i);
        let c = table.compute(monday(), &i, None);
        assert_eq!(c.level, None);
        assert_eq!(c.insufficient_data, missing);
    }
    let counting_quarantine = RuleTable {
        cases_counted: CasesCounted::CommunityAndQuarantine,
        ..RuleTable::default()
    };
    let mut i = inputs(10, 8_000);
    i.cases_in_quarantine = None;
    assert_eq!(
        counting_quarantine
            .compute(monday(), &i, None)
            .insufficient_data,
        ["newCasesInQuarantine"]
    );
    i.cases_in_quarantine = Some(15);
    assert_eq!(
        counting_quarantine.compute(monday(), &i, None).level,
        Some(2),
        "10 + 15 = 25"
    );
}

fn refused_row(table: &RuleTable) -> String {
    match table.validate() {
        Err(AppError::BadUserInput { field, .. }) => field,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_table_with_overlapping_bands_a_gap_or_a_bad_level_is_refused_with_its_row() {
    assert!(RuleTable::default().validate().is_ok());
    let mut overlap = RuleTable::default();
    overlap.bands[2].from = 45.0;
    assert_eq!(refused_row(&overlap), "table.bands[2]");
    let mut gap = RuleTable::default();
    gap.bands[1].from = 25.0;
    assert_eq!(refused_row(&gap), "table.bands[1]");
    let mut start = RuleTable::default();
    start.bands[0].from = 1.0;
    assert_eq!(refused_row(&start), "table.bands[0]");
    let mut closed = RuleTable::default();
    closed.bands[3].to = Some(1000.0);
    assert_eq!(refused_row(&closed), "table.bands[3]");
    let mut open_early = RuleTable::default();
    open_early.bands[1].to = None;
    assert_eq!(refused_row(&open_early), "table.bands[1]");
    let mut level = RuleTable::default();
    level.bands[0].not_covered = 0;
    assert_eq!(refused_row(&level), "table.bands[0]");
    let text = serde_json::to_string(&RuleTable::default()).unwrap_or_default();
    assert_eq!(RuleTable::parse(&text).ok(), Some(RuleTable::default()));
    assert!(matches!(
        RuleTable::parse("{\"decision\": 1}"),
        Err(AppError::BadUserInput { .. })
    ));
}
