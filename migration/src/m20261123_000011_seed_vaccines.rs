//! The vaccine products used in 2021, from `data/vaccines-2021.csv` (public 2021 sources).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Vaccine {
    Table,
    Code,
    Name,
    Manufacturer,
    DosesInSchedule,
    MinIntervalDays,
    DosesPerVial,
    Storage,
    Note,
    CreatedAt,
    UpdatedAt,
}

/// code, name, manufacturer, doses in schedule, minimum interval (days), doses per vial, storage, note.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    i32,
    i32,
    Option<i32>,
    &'static str,
    &'static str,
);

const VACCINES: [Row; 7] = [
    (
        "ASTRAZENECA",
        "AstraZeneca (Vaxzevria)",
        "AstraZeneca",
        2,
        28,
        Some(10),
        "2-8 C, 6 months unopened; opened vial 6 h at room temperature or 48 h at 2-8 C",
        "Ministry of Health standard interval 8-12 weeks, from 09/2021 at least 4 weeks; some lots 8 doses per vial",
    ),
    (
        "PFIZER",
        "Pfizer-BioNTech (Comirnaty)",
        "Pfizer-BioNTech",
        2,
        21,
        Some(6),
        "-90 to -60 C; thawed 2-8 C up to 31 days; 6 h after dilution",
        "lots imported after 22/10/2021 with 6-month labels were extended by 3 months",
    ),
    (
        "MODERNA",
        "Moderna (Spikevax)",
        "Moderna",
        2,
        28,
        Some(10),
        "frozen; 2-8 C up to 30 days after leaving the freezer; 5-6 h after first puncture",
        "",
    ),
    (
        "VEROCELL",
        "Sinopharm Vero Cell",
        "Beijing Institute of Biological Products",
        2,
        21,
        Some(1),
        "2-8 C",
        "second dose must be the same product; vial size varies",
    ),
    (
        "HAYATVAX",
        "Hayat-Vax",
        "Julphar (filled from BIBP)",
        2,
        21,
        Some(1),
        "2-8 C",
        "1-dose and 2-dose vials",
    ),
    (
        "SPUTNIKV",
        "Sputnik V",
        "Gamaleya",
        2,
        21,
        None,
        "frozen -25 to -15 C; discard after thawing if unused",
        "two different components for dose 1 and dose 2; vial size not confirmed",
    ),
    (
        "ABDALA",
        "Abdala",
        "CIGB (Cuba)",
        3,
        14,
        Some(10),
        "2-8 C",
        "3 doses 14 days apart, ages 19-65; Thanh Hoa was among the 12 provinces allocated it",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let now = Expr::current_timestamp();
        let mut insert = Query::insert();
        insert.into_table(Vaccine::Table).columns([
            Vaccine::Code,
            Vaccine::Name,
            Vaccine::Manufacturer,
            Vaccine::DosesInSchedule,
            Vaccine::MinIntervalDays,
            Vaccine::DosesPerVial,
            Vaccine::Storage,
            Vaccine::Note,
            Vaccine::CreatedAt,
            Vaccine::UpdatedAt,
        ]);
        for (code, name, maker, doses, interval, per_vial, storage, note) in VACCINES {
            let note = if note.is_empty() { None } else { Some(note) };
            insert.values_panic([
                code.into(),
                name.into(),
                maker.into(),
                doses.into(),
                interval.into(),
                per_vial.into(),
                storage.into(),
                note.into(),
                now.clone(),
                now.clone(),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let codes = VACCINES.iter().map(|v| v.0);
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Vaccine::Table)
                    .and_where(Expr::col(Vaccine::Code).is_in(codes))
                    .to_owned(),
            )
            .await
    }
}
