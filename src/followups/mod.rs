//! Follow-up of alerted travellers at the destination: the state machine with its transitions listed
//! once (`machine`), opening one per alerted traveller (`open`), taking a step (`advance`), the reads
//! (`reads`: list, overdue, counts per district and commune, the live feed), and their GraphQL face.

pub mod advance;
pub mod graphql;
pub mod machine;
pub mod open;
pub mod reads;
