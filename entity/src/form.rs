use sea_orm::entity::prelude::*;

/// A form created as data: named, typed fields with validation and cross-field rules, versioned by
/// code (a new version of a code never changes calls made on an older one). The built-in report kinds
/// are forms too, defined in code, not stored here.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "form")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub province_id: i32,
    pub code: String,
    pub version: i32,
    pub name: String,
    /// The fields, as JSON: `[{name, label, type, required, min, max, choices}]`.
    pub fields: String,
    /// The cross-field rules, as JSON: `["a + b <= c", ...]`.
    pub rules: String,
    /// Local time of day ("HH:MM") an answer is due on the call's period when the call sets no deadline.
    pub default_due_time: Option<String>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
