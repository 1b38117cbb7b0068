//! The follow-up state machine: the transitions, listed once, and what a step needs.
//!
//! PENDING -> CONTACTED -> HOME_MONITORING / QUARANTINED / TESTED -> CLOSED (with its outcome). Between
//! the three monitoring states a person may move (tested, then quarantined); CLOSED is final.

use entity::FollowUpStatus::{
    self, Closed, Contacted, HomeMonitoring, Pending, Quarantined, Tested,
};

/// Every allowed step: from a status, the statuses it may move to.
const TRANSITIONS: &[(FollowUpStatus, &[FollowUpStatus])] = &[
    (Pending, &[Contacted]),
    (Contacted, &[HomeMonitoring, Quarantined, Tested]),
    (HomeMonitoring, &[Quarantined, Tested, Closed]),
    (Quarantined, &[HomeMonitoring, Tested, Closed]),
    (Tested, &[HomeMonitoring, Quarantined, Closed]),
    (Closed, &[]),
];

/// The statuses `from` may move to.
pub fn next(from: FollowUpStatus) -> &'static [FollowUpStatus] {
    TRANSITIONS
        .iter()
        .find(|(f, _)| *f == from)
        .map_or(&[], |(_, to)| to)
}

/// The status as the API names it.
pub fn name(status: FollowUpStatus) -> &'static str {
    match status {
        Pending => "PENDING",
        Contacted => "CONTACTED",
        HomeMonitoring => "HOME_MONITORING",
        Quarantined => "QUARANTINED",
        Tested => "TESTED",
        Closed => "CLOSED",
    }
}

/// Whether `from` may move to `to`.
pub fn allowed(from: FollowUpStatus, to: FollowUpStatus) -> bool {
    next(from).contains(&to)
}

/// Whether the step needs a note: closing records its outcome.
pub fn needs_note(to: FollowUpStatus) -> bool {
    to == Closed
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn every_status_is_listed_once_and_closed_is_final() {
        for status in FollowUpStatus::iter() {
            assert_eq!(
                TRANSITIONS.iter().filter(|(f, _)| *f == status).count(),
                1,
                "{status:?}"
            );
        }
        assert!(next(Closed).is_empty());
        assert!(allowed(Pending, Contacted));
        assert!(!allowed(Pending, Closed));
        assert!(!allowed(Contacted, Pending));
        assert!(allowed(Tested, Closed));
    }
}
