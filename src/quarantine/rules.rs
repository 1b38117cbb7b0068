//! The quarantine rules that changed often in 2021, as configuration: how long each category stays in
//! each kind of quarantine, on which days its tests fall due, how late a test may be before health is
//! alerted; and for ports, how long after arrival a crew test counts and how late a cohort member may be.

use chrono::Duration;
use entity::{QuarantineCategory, QuarantineKind, TestKind};

/// Durations, schedules and grace periods. `Config::quarantine` holds the ones in force.
#[derive(Debug, Clone)]
pub struct QuarantineRules {
    /// Days in quarantine per (category, kind); a pair not listed takes `default_days`.
    pub durations: Vec<(QuarantineCategory, QuarantineKind, i64)>,
    pub default_days: i64,
    /// Test days counted from the start (day 1 = the first 24 hours), and the kind of test, per category.
    pub schedules: Vec<(QuarantineCategory, Vec<i64>, TestKind)>,
    /// How long after its due time a scheduled test may stay untaken before health is alerted.
    pub test_grace: Duration,
    /// How long after a vessel's arrival a crew member's negative test lets cargo be handled.
    pub crew_test_validity: Duration,
    /// How long after a cohort member's test falls due before health is alerted.
    pub cohort_grace: Duration,
    /// How often `serve` sweeps for overdue tests.
    pub sweep_every: std::time::Duration,
}

impl Default for QuarantineRules {
    /// The values of the province's directives at the end of 2021 (000, 002, 004): F1 and returnees 7
    /// days concentrated or at home, then 7 of self-monitoring; F0 isolated 10 days; F1 tested on days 1,
    /// 3 and 7, returnees on days 1 and 7, F0 on days 7 and 10 (RT-PCR). Crew tests count for 72 hours
    /// after arrival (001).
    fn default() -> Self {
        use QuarantineCategory::{F0, F1, Other, Returnee};
        use QuarantineKind::{Concentrated, HomeIsolation, SelfMonitoring};
        QuarantineRules {
            durations: vec![
                (F0, Concentrated, 10),
                (F0, HomeIsolation, 10),
                (F1, Concentrated, 7),
                (F1, HomeIsolation, 7),
                (F1, SelfMonitoring, 7),
                (Returnee, Concentrated, 7),
                (Returnee, HomeIsolation, 7),
                (Returnee, SelfMonitoring, 14),
                (Other, SelfMonitoring, 14),
            ],
            default_days: 7,
            schedules: vec![
                (F0, vec![7, 10], TestKind::RtPcr),
                (F1, vec![1, 3, 7], TestKind::RtPcr),
                (Returnee, vec![1, 7], TestKind::RtPcr),
                (Other, vec![1], TestKind::RapidAntigen),
            ],
            test_grace: Duration::hours(24),
            crew_test_validity: Duration::hours(72),
            cohort_grace: Duration::hours(4),
            sweep_every: std::time::Duration::from_secs(60),
        }
    }
}

impl QuarantineRules {
    /// How long a case of this category and kind lasts.
    pub fn duration(&self, category: QuarantineCategory, kind: QuarantineKind) -> Duration {
        let days = self
            .durations
            .iter()
            .find(|(c, k, _)| *c == category && *k == kind)
            .map_or(self.default_days, |(_, _, d)| *d);
        Duration::days(days)
    }

    /// When each test of a case of this category falls due, after its start: the end of each test day.
    pub fn schedule(&self, category: QuarantineCategory) -> (Vec<Duration>, TestKind) {
        self.schedules
            .iter()
            .find(|(c, _, _)| *c == category)
            .map_or((Vec::new(), TestKind::RtPcr), |(_, days, kind)| {
                (days.iter().map(|d| Duration::days(*d)).collect(), *kind)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_schedules_come_from_the_table() {
        let rules = QuarantineRules::default();
        assert_eq!(
            rules.duration(QuarantineCategory::F1, QuarantineKind::HomeIsolation),
            Duration::days(7)
        );
        assert_eq!(
            rules.duration(QuarantineCategory::Other, QuarantineKind::Concentrated),
            Duration::days(7)
        );
        let (days, kind) = rules.schedule(QuarantineCategory::F1);
        assert_eq!(days.len(), 3);
        assert_eq!(kind, TestKind::RtPcr);
    }
}
