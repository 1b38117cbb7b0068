//! GraphQL faces of the stored enums (the entity crate stays free of GraphQL).

use async_graphql::Enum;

/// Kind of district-level unit: thành phố (CITY), thị xã (TOWN), huyện (DISTRICT).
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "DistrictKind", remote = "entity::DistrictKind")]
pub enum DistrictKind {
    City,
    Town,
    District,
}

/// Kind of agency; permissions follow from it (see README, "Permissions").
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "AgencyKind", remote = "entity::AgencyKind")]
pub enum AgencyKind {
    Health,
    Police,
    Transport,
    BorderGuard,
    PeoplesCommittee,
    SteeringCommittee,
    Administration,
}

/// Role of a token: VIEWER reads; EDITOR also writes; APPROVER also approves; ADMIN also manages agencies
/// and tokens.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Role", remote = "entity::Role")]
pub enum Role {
    Viewer,
    Editor,
    Approver,
    Admin,
}
