//! The 21 figures a report may carry, in one table: the typed [`Figures`] of the services, the report
//! row's columns, the CSV columns, the GraphQL `ReportFigures` type and its input, the validation messages
//! and the figures transport may read are all built from [`report_figures!`], so a figure is added, named
//! or described in one place.

use entity::{ReportKind, report};
use sea_orm::{Iterable, Set};
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// Largest value accepted for any figure; each figure lies in `0..=MAX_FIGURE`.
pub const MAX_FIGURE: i64 = 20_000_000;

/// How many figures a report carries.
pub const COUNT: usize = 21;

/// The table of figures. Each row: the field (also the report column and the CSV column), the GraphQL
/// name, the kinds of report that carry it, whether it is an epidemic figure (transport reads those), and
/// its description. Hands the rows to `$then`, a macro that builds something from them; the order is the
/// CSV column order.
macro_rules! report_figures {
    ($then:ident) => {
        $then! {
            adults_18_plus "adults18Plus" [DailyVaccination, VaccinationCensus] false "People aged 18 and over.";
            adults_dose1 "adultsDose1" [DailyVaccination, VaccinationCensus] false "Adults with at least one dose (at most adults18Plus).";
            adults_full "adultsFull" [DailyVaccination, VaccinationCensus] false "Adults fully vaccinated (at most adultsDose1).";
            adolescents_15_17_dose1 "adolescents1517Dose1" [DailyVaccination, VaccinationCensus] false "Adolescents 15 to 17 with at least one dose.";
            adolescents_15_17_dose2 "adolescents1517Dose2" [DailyVaccination, VaccinationCensus] false "Adolescents 15 to 17 with their second (Pfizer) dose (at most adolescents1517Dose1).";
            doses_administered_today "dosesAdministeredToday" [DailyVaccination] false "Doses given on the report's day.";
            unvaccinated_contraindicated "unvaccinatedContraindicated" [DailyVaccination, VaccinationCensus] false "Adults not vaccinated: contraindicated.";
            unvaccinated_deferred "unvaccinatedDeferred" [DailyVaccination, VaccinationCensus] false "Adults not vaccinated: deferred.";
            unvaccinated_refused "unvaccinatedRefused" [DailyVaccination, VaccinationCensus] false "Adults not vaccinated: refused.";
            unvaccinated_absent "unvaccinatedAbsent" [DailyVaccination, VaccinationCensus] false "Adults not vaccinated: absent.";
            unvaccinated_other "unvaccinatedOther" [DailyVaccination, VaccinationCensus] false "Adults not vaccinated: other reasons. The five reasons add up to adults18Plus - adultsDose1.";
            new_cases_community "newCasesCommunity" [WeeklyEpidemic] true "New cases found in the community.";
            new_cases_in_quarantine "newCasesInQuarantine" [WeeklyEpidemic] true "New cases found in quarantine.";
            tests_performed "testsPerformed" [WeeklyEpidemic] true "Tests performed.";
            patients_in_treatment "patientsInTreatment" [WeeklyEpidemic] true "Patients in treatment.";
            deaths "deaths" [WeeklyEpidemic] true "Deaths.";
            beds_available "bedsAvailable" [WeeklyEpidemic] true "Treatment beds available.";
            people_65_plus "people65Plus" [WeeklyEpidemic] true "People aged 65 and over (at most people50Plus).";
            people_65_plus_full "people65PlusFull" [WeeklyEpidemic] true "People aged 65 and over fully vaccinated (at most people65Plus and people50PlusFull).";
            people_50_plus "people50Plus" [WeeklyEpidemic] true "People aged 50 and over.";
            people_50_plus_full "people50PlusFull" [WeeklyEpidemic] true "People aged 50 and over fully vaccinated (at most people50Plus).";
        }
    };
}
pub(crate) use report_figures;

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    /// The field, the report column and the CSV column: `adults_18_plus`.
    pub column: &'static str,
    /// The GraphQL name, which validation messages and reconciliation use too: `adults18Plus`.
    pub api_name: &'static str,
    /// What it counts.
    pub label: &'static str,
    /// The kinds of report that carry it.
    pub kinds: &'static [ReportKind],
    /// An epidemic figure, which transport may read.
    pub epidemic: bool,
}

macro_rules! define_figures {
    ($($field:ident $api:literal [$($kind:ident),*] $epidemic:literal $label:literal;)*) => {
        /// Every figure, in the table's order.
        pub const FIGURES: [Figure; COUNT] = [$(Figure {
            column: stringify!($field),
            api_name: $api,
            label: $label,
            kinds: &[$(ReportKind::$kind),*],
            epidemic: $epidemic,
        }),*];

        /// The typed figures of a report; `None` is "not reported".
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
        pub struct Figures {
            $(#[doc = $label] pub $field: Option<i64>,)*
        }

        impl Figures {
            /// The values in the order of [`FIGURES`].
            pub fn values(&self) -> [Option<i64>; COUNT] {
                [$(self.$field),*]
            }

            /// Figures from their values in the order of [`FIGURES`] (the CSV column order too).
            pub fn from_values(values: &[Option<i64>; COUNT]) -> Figures {
                let [$($field),*] = *values;
                Figures { $($field),* }
            }

            /// The figures of a report row.
            pub fn of(r: &report::Model) -> Figures {
                Figures { $($field: r.$field),* }
            }

            /// Sets every figure of a report row.
            pub fn apply(&self, row: &mut report::ActiveModel) {
                $(row.$field = Set(self.$field);)*
            }
        }
    };
}
report_figures!(define_figures);

/// Whether every figure a kind of report carries is an epidemic figure: transport reads only such
/// reports (DESIGN.md §3).
pub fn epidemic_only(kind: ReportKind) -> bool {
    FIGURES
        .iter()
        .filter(|f| f.kinds.contains(&kind))
        .all(|f| f.epidemic)
}

/// The kinds of report transport may read.
pub fn epidemic_kinds() -> Vec<ReportKind> {
    ReportKind::iter().filter(|k| epidemic_only(*k)).collect()
}

impl Figures {
    /// Every figure with its GraphQL name, for validation messages and reconciliation.
    pub fn named(&self) -> [(&'static str, Option<i64>); COUNT] {
        let values = self.values();
        std::array::from_fn(|i| (FIGURES[i].api_name, values[i]))
    }

    /// The adults not vaccinated, by reason.
    fn unvaccinated_by_reason(&self) -> [Option<i64>; 5] {
        [
            self.unvaccinated_contraindicated,
            self.unvaccinated_deferred,
            self.unvaccinated_refused,
            self.unvaccinated_absent,
            self.unvaccinated_other,
        ]
    }

    /// Each figure within `0..=MAX_FIGURE`; dose 1 within adults, full within dose 1, the adolescents'
    /// dose 2 within their dose 1; the unvaccinated
    /// by reason add up to the adults without dose 1 where all are given. Each failure names its field.
    pub fn validate(&self) -> AppResult<()> {
        for (name, value) in self.named() {
            if let Some(v) = value
                && !(0..=MAX_FIGURE).contains(&v)
            {
                return Err(AppError::bad_input(
                    format!("figures.{name}"),
                    format!("must be between 0 and {MAX_FIGURE}"),
                ));
            }
        }
        if let (Some(dose1), Some(adults)) = (self.adults_dose1, self.adults_18_plus)
            && dose1 > adults
        {
            return Err(AppError::bad_input(
                "figures.adultsDose1",
                format!("{dose1} exceeds the {adults} adults"),
            ));
        }
        if let (Some(full), Some(dose1)) = (self.adults_full, self.adults_dose1)
            && full > dose1
        {
            return Err(AppError::bad_input(
                "figures.adultsFull",
                format!("{full} exceeds the {dose1} with dose 1"),
            ));
        }
        if let (Some(dose2), Some(dose1)) =
            (self.adolescents_15_17_dose2, self.adolescents_15_17_dose1)
            && dose2 > dose1
        {
            return Err(AppError::bad_input(
                "figures.adolescents1517Dose2",
                format!("{dose2} exceeds the {dose1} adolescents with dose 1"),
            ));
        }
        check_age_groups(
            self.people_65_plus,
            self.people_65_plus_full,
            self.people_50_plus,
            self.people_50_plus_full,
            "figures.",
        )?;
        let reasons = self.unvaccinated_by_reason();
        if let (Some(adults), Some(dose1)) = (self.adults_18_plus, self.adults_dose1)
            && reasons.iter().any(Option::is_some)
        {
            let total: i64 = reasons.iter().flatten().sum();
            if total != adults - dose1 {
                return Err(AppError::bad_input(
                    "figures.unvaccinated",
                    format!(
                        "the unvaccinated by reason add up to {total}, not the {} adults without dose 1",
                        adults - dose1
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The age-group figures agree with each other: the fully vaccinated of a group within the group, and
/// the people 65+ (and those fully vaccinated) within the people 50+ (and those fully vaccinated).
/// Failures name the field under `prefix` ("figures.", "lines[2].").
pub fn check_age_groups(
    people_65: Option<i64>,
    full_65: Option<i64>,
    people_50: Option<i64>,
    full_50: Option<i64>,
    prefix: &str,
) -> AppResult<()> {
    let pairs = [
        (
            full_65,
            people_65,
            "people65PlusFull",
            "people aged 65 and over",
        ),
        (
            full_50,
            people_50,
            "people50PlusFull",
            "people aged 50 and over",
        ),
        (
            people_65,
            people_50,
            "people65Plus",
            "people aged 50 and over",
        ),
        (
            full_65,
            full_50,
            "people65PlusFull",
            "people aged 50 and over fully vaccinated",
        ),
    ];
    for (part, whole, field, what) in pairs {
        if let (Some(part), Some(whole)) = (part, whole)
            && part > whole
        {
            return Err(AppError::bad_input(
                format!("{prefix}{field}"),
                format!("{part} exceeds the {whole} {what}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_from_values_keep_the_table_order() {
        let values: [Option<i64>; COUNT] = std::array::from_fn(|i| Some(i as i64));
        let named = Figures::from_values(&values).named();
        assert_eq!(named.map(|(_, v)| v), values);
        assert_eq!(named[3].0, "adolescents1517Dose1");
        assert_eq!(FIGURES[3].column, "adolescents_15_17_dose1");
        assert_eq!(named[4].0, "adolescents1517Dose2");
    }

    #[test]
    fn transport_reads_weekly_epidemic_reports_only() {
        assert_eq!(epidemic_kinds(), [ReportKind::WeeklyEpidemic]);
        assert!(FIGURES.iter().all(|f| !f.kinds.is_empty()));
    }

    #[test]
    fn figures_are_checked_against_each_other() {
        let ok = Figures {
            adults_18_plus: Some(100),
            adults_dose1: Some(80),
            adults_full: Some(60),
            unvaccinated_refused: Some(5),
            unvaccinated_absent: Some(15),
            ..Default::default()
        };
        assert!(ok.validate().is_ok());
        let field = |f: Figures| match f.validate() {
            Err(AppError::BadUserInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(Figures {
                adults_dose1: Some(101),
                ..ok.clone()
            }),
            "figures.adultsDose1"
        );
        assert_eq!(
            field(Figures {
                adults_full: Some(81),
                ..ok.clone()
            }),
            "figures.adultsFull"
        );
        let teens = Figures {
            adolescents_15_17_dose1: Some(50),
            adolescents_15_17_dose2: Some(50),
            ..ok.clone()
        };
        assert!(teens.validate().is_ok(), "dose 2 may equal dose 1");
        assert_eq!(
            field(Figures {
                adolescents_15_17_dose2: Some(51),
                ..teens
            }),
            "figures.adolescents1517Dose2"
        );
        assert_eq!(
            field(Figures {
                unvaccinated_other: Some(1),
                ..ok.clone()
            }),
            "figures.unvaccinated"
        );
        assert_eq!(
            field(Figures {
                deaths: Some(-1),
                ..ok.clone()
            }),
            "figures.deaths"
        );
    }
}
