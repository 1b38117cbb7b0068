//! Who may read a traveller's personal fields: the personal-data rule of DESIGN.md §3, in one place.

use entity::traveller;

use crate::kit::Ctx;
use crate::policy::{self, Action, Resource, Scope};

/// Whether the caller may read the personal fields of `t`, who crossed at a post staffed by the
/// agencies `staffed_by`: province HEALTH and POLICE always; a district's HEALTH, POLICE and PEOPLES_COMMITTEE
/// for travellers heading to that district or crossing at a post their agency staffs; BORDER_GUARD at
/// posts it staffs; nobody else (TRANSPORT never).
pub fn may_read_personal(ctx: &Ctx<'_>, t: &traveller::Model, staffed_by: &[i32]) -> bool {
    match policy::decide(ctx.actor, Resource::TravellerPersonal, Action::Read) {
        None => false,
        Some(Scope::StaffedCheckpoints { agency_id }) => staffed_by.contains(&agency_id),
        Some(Scope::District { district_id, .. }) => {
            t.destination_district_id == Some(district_id)
                || staffed_by.contains(&ctx.actor.agency_id)
        }
        Some(_) => true,
    }
}
