//! Cargo release, derived and never typed in: a vessel's cargo may be handled only when the captain and
//! every listed crew member have a negative test taken within the validity window after arrival. A
//! positive blocks it; anyone else missing holds it, and each hold names the person and why.

use chrono::{DateTime, Duration, Utc};
use entity::{CrewRole, TestResult, crew_member, crew_test};

/// Whether cargo may be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    Released,
    Held,
    Blocked,
}

/// Why one person holds the cargo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldKind {
    /// No test recorded.
    Untested,
    /// A test awaits its result.
    Pending,
    /// Only negatives taken before arrival.
    BeforeArrival,
    /// Only negatives taken after the validity window.
    OutsideWindow,
    /// A positive test: cargo is blocked.
    Positive,
}

/// One person holding the cargo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub crew_member: crew_member::Model,
    pub kind: HoldKind,
}

/// Why one crew member holds the cargo, if they do.
fn hold_of(
    arrived_at: DateTime<Utc>,
    validity: Duration,
    tests: &[crew_test::Model],
) -> Option<HoldKind> {
    let window =
        |t: &crew_test::Model| t.taken_at >= arrived_at && t.taken_at <= arrived_at + validity;
    let negative = |t: &&crew_test::Model| t.result == TestResult::Negative;
    if tests.iter().any(|t| t.result == TestResult::Positive) {
        return Some(HoldKind::Positive);
    }
    if tests.iter().filter(negative).any(window) {
        return None;
    }
    Some(if tests.iter().any(|t| t.result == TestResult::Pending) {
        HoldKind::Pending
    } else if tests
        .iter()
        .filter(negative)
        .any(|t| t.taken_at < arrived_at)
    {
        HoldKind::BeforeArrival
    } else if tests.iter().any(|t| t.result == TestResult::Negative) {
        HoldKind::OutsideWindow
    } else {
        HoldKind::Untested
    })
}

/// The release of a call and the people holding it, in crew-list order.
pub fn derive(
    arrived_at: DateTime<Utc>,
    validity: Duration,
    crew: &[(crew_member::Model, Vec<crew_test::Model>)],
) -> (Release, Vec<Hold>) {
    let holds: Vec<Hold> = crew
        .iter()
        .filter_map(|(member, tests)| {
            hold_of(arrived_at, validity, tests).map(|kind| Hold {
                crew_member: member.clone(),
                kind,
            })
        })
        .collect();
    let has_captain = crew.iter().any(|(m, _)| m.role == CrewRole::Captain);
    let release = if holds.iter().any(|h| h.kind == HoldKind::Positive) {
        Release::Blocked
    } else if holds.is_empty() && has_captain {
        Release::Released
    } else {
        Release::Held
    };
    (release, holds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::TestKind;

    fn member(id: i64, role: CrewRole) -> crew_member::Model {
        crew_member::Model {
            id,
            vessel_call_id: 1,
            full_name: format!("P{id}"),
            id_number: format!("N{id}"),
            role,
            created_at: Utc::now(),
        }
    }

    fn test(result: TestResult, taken_at: DateTime<Utc>) -> crew_test::Model {
        crew_test::Model {
            id: 1,
            crew_member_id: 1,
            kind: TestKind::RtPcr,
            result,
            taken_at,
            recorded_by: "x".into(),
            created_at: taken_at,
        }
    }

    #[test]
    fn release_needs_every_negative_in_the_window() {
        let arrived = Utc::now() - Duration::hours(10);
        let validity = Duration::hours(72);
        let ok = test(TestResult::Negative, arrived + Duration::hours(1));
        let crew = vec![
            (member(1, CrewRole::Captain), vec![ok.clone()]),
            (member(2, CrewRole::Crew), vec![ok.clone()]),
        ];
        assert_eq!(derive(arrived, validity, &crew).0, Release::Released);

        let mut untested = crew.clone();
        untested[1].1.clear();
        let (release, holds) = derive(arrived, validity, &untested);
        assert_eq!(release, Release::Held);
        assert_eq!(holds.len(), 1);
        assert_eq!(holds[0].kind, HoldKind::Untested);
        assert_eq!(holds[0].crew_member.id, 2);

        let mut early = crew.clone();
        early[0].1 = vec![test(TestResult::Negative, arrived - Duration::hours(1))];
        assert_eq!(
            derive(arrived, validity, &early).1[0].kind,
            HoldKind::BeforeArrival
        );

        let mut late = crew.clone();
        late[0].1 = vec![test(TestResult::Negative, arrived + Duration::hours(80))];
        assert_eq!(
            derive(arrived, validity, &late).1[0].kind,
            HoldKind::OutsideWindow
        );

        let mut positive = crew.clone();
        positive[1]
            .1
            .push(test(TestResult::Positive, arrived + Duration::hours(2)));
        assert_eq!(derive(arrived, validity, &positive).0, Release::Blocked);

        let no_captain = vec![(member(2, CrewRole::Crew), vec![ok])];
        assert_eq!(derive(arrived, validity, &no_captain).0, Release::Held);
    }
}
