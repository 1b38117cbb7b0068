//! GraphQL faces of the stored enums (the entity crate stays free of GraphQL).

use async_graphql::Enum;

/// Kind of district-level unit: thành phố (CITY), thị xã (TOWN), huyện (DISTRICT).
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "DistrictKind", remote = "entity::DistrictKind")]
pub enum DistrictKind {
    /// Thành phố: a provincial city.
    City,
    /// Thị xã: a town.
    Town,
    /// Huyện: a rural district.
    District,
}

/// Kind of agency; permissions follow from it (see README, "Permissions").
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "AgencyKind", remote = "entity::AgencyKind")]
pub enum AgencyKind {
    /// Department of Health or a district health centre.
    Health,
    /// Police.
    Police,
    /// Department of Transport.
    Transport,
    /// Border guard.
    BorderGuard,
    /// A People's Committee (of a district, or of the province).
    PeoplesCommittee,
    /// The steering committee for epidemic prevention.
    SteeringCommittee,
    /// The office that administers agencies and tokens.
    Administration,
}

/// Role of a token: VIEWER reads; EDITOR also writes; APPROVER also approves; ADMIN also manages agencies
/// and tokens.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Role", remote = "entity::Role")]
pub enum Role {
    /// Reads.
    Viewer,
    /// Reads and writes.
    Editor,
    /// Reads, writes and approves.
    Approver,
    /// Everything, and manages agencies and tokens (ADMINISTRATION agencies only).
    Admin,
}

/// Kind of stock movement.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "StockEventKind", remote = "entity::StockEventKind")]
pub enum StockEventKind {
    /// An allocation received into the lot.
    Received,
    /// Doses given to people.
    Administered,
    /// Doses lost: broken, spoiled, expired, or short on receipt of a transfer.
    Wasted,
    /// Doses dispatched to another district.
    TransferOut,
    /// Doses arrived from another district.
    TransferIn,
    /// Correction to a physical count.
    Adjusted,
}

/// Where a transfer stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "TransferStatus", remote = "entity::TransferStatus")]
pub enum TransferStatus {
    /// Asked for; nothing reserved yet.
    Requested,
    /// Approved by the Department of Health; the doses are reserved at the source.
    Approved,
    /// On the road; the doses have left the source lot.
    Dispatched,
    /// Arrived; the doses are in a lot of the destination.
    Received,
    /// Refused by the Department of Health.
    Rejected,
    /// Called off before dispatch; any reservation released.
    Cancelled,
}
