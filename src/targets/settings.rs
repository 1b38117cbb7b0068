//! What the province sets: each district's vaccination targets per milestone and measure, and the
//! heads answerable for them (name and title, e.g. the district's Party secretary and the chairman of
//! its People's Committee). Province HEALTH and STEERING_COMMITTEE approvers.

use chrono::NaiveDate;
use entity::{TargetMeasure, district, responsible_head, target};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, NotSet, QueryFilter, Set};

use crate::districts::lookup;
use crate::error::{AppError, AppResult};
use crate::kit::{Ctx, Text, Write, text};
use crate::policy::{self, Action, Resource};

#[derive(Debug, Clone)]
pub struct SetTarget {
    /// Every district of the province when `None`.
    pub district_code: Option<String>,
    pub milestone: NaiveDate,
    pub measure: TargetMeasure,
    /// A share, 0 to 1 (0.75 = 75 %).
    pub share: f64,
}

pub(super) async fn district_of_province(w: &Write<'_>, code: &str) -> AppResult<district::Model> {
    let d = lookup::by_code(&**w, code)
        .await
        .map_err(|_| AppError::bad_input("districtCode", format!("no district {code}")))?;
    if d.province_id != w.ctx().actor.province_id {
        return Err(AppError::bad_input(
            "districtCode",
            format!("district {code} is in another province"),
        ));
    }
    Ok(d)
}

/// Sets (or replaces) a target of one district, or of every district of the province. BAD_USER_INPUT
/// on `share` outside 0 to 100 %.
#[tracing::instrument(skip_all, fields(milestone = %input.milestone))]
pub async fn set_target(ctx: &Ctx<'_>, input: SetTarget) -> AppResult<Vec<target::Model>> {
    policy::require(ctx.actor, Resource::Target, Action::Approve)?;
    if !(0.0..=1.0).contains(&input.share) {
        return Err(AppError::bad_input(
            "share",
            "a share from 0 to 1 (100 %); above 100 % cannot be reached",
        ));
    }
    let share_bp = (input.share * 10_000.0).round() as i32;
    let write = ctx.write().await?;
    let districts = match &input.district_code {
        Some(code) => vec![district_of_province(&write, code).await?],
        None => {
            district::Entity::find()
                .filter(district::Column::ProvinceId.eq(ctx.actor.province_id))
                .all(&*write)
                .await?
        }
    };
    let mut out = Vec::new();
    for d in districts {
        let before = target::Entity::find()
            .filter(target::Column::DistrictId.eq(d.id))
            .filter(target::Column::Milestone.eq(input.milestone))
            .filter(target::Column::Measure.eq(input.measure))
            .one(&*write)
            .await?;
        let row = target::ActiveModel {
            id: before.as_ref().map_or(NotSet, |b| Set(b.id)),
            district_id: Set(d.id),
            milestone: Set(input.milestone),
            measure: Set(input.measure),
            share_bp: Set(share_bp),
            set_by: Set(ctx.actor.label()),
            updated_at: Set(write.now()),
        };
        let after = match &before {
            Some(_) => row.update(&*write).await?,
            None => row.insert(&*write).await?,
        };
        match &before {
            Some(b) => {
                write
                    .audit_changed("target.set", "target", after.id, b, &after)
                    .await?
            }
            None => {
                write
                    .audit_created("target.set", "target", after.id, &after)
                    .await?
            }
        }
        out.push(after);
    }
    write.commit().await?;
    Ok(out)
}

#[derive(Debug, Clone)]
pub struct SetHead {
    pub district_code: String,
    pub title: String,
    pub name: String,
}

/// Names the head of a district answerable for its milestones under a title (replacing whoever held
/// that title).
#[tracing::instrument(skip_all, fields(district.code = %input.district_code))]
pub async fn set_head(ctx: &Ctx<'_>, input: SetHead) -> AppResult<responsible_head::Model> {
    policy::require(ctx.actor, Resource::Target, Action::Approve)?;
    let title = text("title", Some(&input.title), Text::required(200))?.unwrap_or_default();
    let name = text("name", Some(&input.name), Text::required(200))?.unwrap_or_default();
    let write = ctx.write().await?;
    let d = district_of_province(&write, &input.district_code).await?;
    let before = responsible_head::Entity::find()
        .filter(responsible_head::Column::DistrictId.eq(d.id))
        .filter(responsible_head::Column::Title.eq(&title))
        .one(&*write)
        .await?;
    let row = responsible_head::ActiveModel {
        id: before.as_ref().map_or(NotSet, |b| Set(b.id)),
        district_id: Set(d.id),
        title: Set(title),
        name: Set(name),
        set_by: Set(ctx.actor.label()),
        updated_at: Set(write.now()),
    };
    let after = match &before {
        Some(b) => {
            let after = row.update(&*write).await?;
            write
                .audit_changed(
                    "responsible_head.set",
                    "responsible_head",
                    after.id,
                    b,
                    &after,
                )
                .await?;
            after
        }
        None => {
            let after = row.insert(&*write).await?;
            write
                .audit_created("responsible_head.set", "responsible_head", after.id, &after)
                .await?;
            after
        }
    };
    write.commit().await?;
    Ok(after)
}
