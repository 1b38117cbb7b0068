//! The 63 provinces and centrally governed cities (GSO list of 01/11/2021, `data/provinces-2021.csv`), so
//! that origins and epidemic areas anywhere in the country name a known province. Provinces already
//! present (made by a district import) keep their rows.

use sea_orm_migration::prelude::*;
use sea_query::OnConflict;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Province {
    Table,
    Code,
    Name,
    CreatedAt,
    UpdatedAt,
}

const PROVINCES_CSV: &str = include_str!("../../data/provinces-2021.csv");

/// (code, name) of every line after the header.
fn provinces() -> impl Iterator<Item = (&'static str, &'static str)> {
    PROVINCES_CSV.lines().skip(1).filter_map(|line| {
        let mut fields = line.split(',');
        Some((fields.next()?.trim(), fields.next()?.trim()))
    })
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let now = Expr::current_timestamp();
        let mut insert = Query::insert();
        insert
            .into_table(Province::Table)
            .columns([
                Province::Code,
                Province::Name,
                Province::CreatedAt,
                Province::UpdatedAt,
            ])
            .on_conflict(OnConflict::column(Province::Code).do_nothing().to_owned());
        for (code, name) in provinces() {
            insert.values_panic([code.into(), name.into(), now.clone(), now.clone()]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Provinces that districts refer to stay: they may have been there before this migration.
        let unused = Query::select()
            .column(Alias::new("province_id"))
            .from(Alias::new("district"))
            .to_owned();
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Province::Table)
                    .and_where(Expr::col(Province::Code).is_in(provinces().map(|(code, _)| code)))
                    .and_where(Expr::col(Alias::new("id")).not_in_subquery(unused))
                    .to_owned(),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_province_is_read() {
        let all: Vec<_> = provinces().collect();
        assert_eq!(all.len(), 63);
        assert!(all.contains(&("38", "Tỉnh Thanh Hóa")));
        assert!(all.iter().all(|(code, _)| code.len() == 2));
    }
}
