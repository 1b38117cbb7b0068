//! `figures`: report figures validation, `lienthong::reports::figures::Figures::validate`.
//!
//! Each of the 20 figures is absent, small, near the limit or any 64-bit number, as the input says.
//! Invariants: it never panics; it accepts exactly the figures meeting the documented rules (each figure
//! within 0..=MAX_FIGURE; dose 1 within the adults; full within dose 1; each age group's fully vaccinated
//! within the group, and 65+ within 50+ (people and fully vaccinated); the unvaccinated by reason adding
//! up to the adults without dose 1 when adults, dose 1 and a reason are given); a refusal is
//! BAD_USER_INPUT naming the first broken rule's `figures.<field>`.
//!
//! Also compiled into the root crate's `tests/fuzz_corpus.rs`, which replays the seeds and regressions.
#![cfg_attr(fuzzing, no_main)]

#[path = "common/input.rs"]
mod input;

use input::Input;
use lienthong::error::AppError;
use lienthong::reports::figures::{Figures, MAX_FIGURE};

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| run(data));

#[cfg(all(not(fuzzing), not(test)))]
fn main() {}

pub fn run(data: &[u8]) {
    let mut input = Input::new(data);
    let mut values = [None; 21];
    for slot in &mut values {
        *slot = figure(&mut input);
    }
    let figures = Figures::from_values(&values);
    let found = match figures.validate() {
        Ok(()) => None,
        Err(AppError::BadUserInput { field, .. }) => Some(field),
        Err(other) => panic!("refused with {other:?}: {figures:?}"),
    };
    assert_eq!(found, expected(&figures), "{figures:?}");
}

fn figure(input: &mut Input<'_>) -> Option<i64> {
    match input.byte() % 5 {
        0 => None,
        1 => Some(i64::from(input.byte())),
        2 => Some(MAX_FIGURE - 128 + i64::from(input.byte())),
        3 => Some(i64::from(input.byte()) * 100_000),
        _ => Some(input.i64()),
    }
}

/// The field of the first rule broken, written from the documentation rather than the code.
fn expected(f: &Figures) -> Option<String> {
    let api_names = [
        ("adults18Plus", f.adults_18_plus),
        ("adultsDose1", f.adults_dose1),
        ("adultsFull", f.adults_full),
        ("adolescents1517Dose1", f.adolescents_15_17_dose1),
        ("adolescents1517Dose2", f.adolescents_15_17_dose2),
        ("dosesAdministeredToday", f.doses_administered_today),
        (
            "unvaccinatedContraindicated",
            f.unvaccinated_contraindicated,
        ),
        ("unvaccinatedDeferred", f.unvaccinated_deferred),
        ("unvaccinatedRefused", f.unvaccinated_refused),
        ("unvaccinatedAbsent", f.unvaccinated_absent),
        ("unvaccinatedOther", f.unvaccinated_other),
        ("newCasesCommunity", f.new_cases_community),
        ("newCasesInQuarantine", f.new_cases_in_quarantine),
        ("testsPerformed", f.tests_performed),
        ("patientsInTreatment", f.patients_in_treatment),
        ("deaths", f.deaths),
        ("bedsAvailable", f.beds_available),
        ("people65Plus", f.people_65_plus),
        ("people65PlusFull", f.people_65_plus_full),
        ("people50Plus", f.people_50_plus),
        ("people50PlusFull", f.people_50_plus_full),
    ];
    if let Some((name, _)) = api_names
        .iter()
        .find(|(_, v)| v.is_some_and(|v| !(0..=MAX_FIGURE).contains(&v)))
    {
        return Some(format!("figures.{name}"));
    }
    if let (Some(adults), Some(dose1)) = (f.adults_18_plus, f.adults_dose1)
        && dose1 > adults
    {
        return Some("figures.adultsDose1".into());
    }
    if let (Some(dose1), Some(full)) = (f.adults_dose1, f.adults_full)
        && full > dose1
    {
        return Some("figures.adultsFull".into());
    }
    if let (Some(dose1), Some(dose2)) = (f.adolescents_15_17_dose1, f.adolescents_15_17_dose2)
        && dose2 > dose1
    {
        return Some("figures.adolescents1517Dose2".into());
    }
    let age_rules = [
        (f.people_65_plus_full, f.people_65_plus, "people65PlusFull"),
        (f.people_50_plus_full, f.people_50_plus, "people50PlusFull"),
        (f.people_65_plus, f.people_50_plus, "people65Plus"),
        (
            f.people_65_plus_full,
            f.people_50_plus_full,
            "people65PlusFull",
        ),
    ];
    for (part, whole, name) in age_rules {
        if let (Some(part), Some(whole)) = (part, whole)
            && part > whole
        {
            return Some(format!("figures.{name}"));
        }
    }
    let reasons = [
        f.unvaccinated_contraindicated,
        f.unvaccinated_deferred,
        f.unvaccinated_refused,
        f.unvaccinated_absent,
        f.unvaccinated_other,
    ];
    if let (Some(adults), Some(dose1)) = (f.adults_18_plus, f.adults_dose1)
        && reasons.iter().any(Option::is_some)
        && reasons.iter().flatten().sum::<i64>() != adults - dose1
    {
        return Some("figures.unvaccinated".into());
    }
    None
}
