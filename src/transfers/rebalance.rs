//! Rebalancing: pair districts with more doses than they need with districts short of doses, for one
//! vaccine, moving the lots that expire first (FEFO) and never a lot that would expire before the
//! destination could use it. Pure: the service gathers the figures, this decides.

use std::collections::HashMap;

use chrono::NaiveDate;

/// What a district holds and needs over the horizon.
#[derive(Debug, Clone)]
pub struct DistrictNeed {
    pub district_id: i32,
    /// Doses needed within the horizon.
    pub need: i64,
    /// Doses administered per day recently; 0 when unknown.
    pub daily_rate: f64,
}

/// A usable lot (not expired, doses available).
#[derive(Debug, Clone)]
pub struct LotStock {
    pub lot_id: i32,
    pub district_id: i32,
    pub expires_on: NaiveDate,
    pub available: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub today: NaiveDate,
    /// Days doses spend on the road.
    pub transit_days: i64,
    /// Days a destination without a known rate is given to use what it receives.
    pub default_days_to_use: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The source holds more than it needs over the horizon.
    Surplus,
    /// The destination holds less than it needs.
    Shortage,
    /// At its own pace the source would let these doses expire.
    Expiry,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub from_district_id: i32,
    pub to_district_id: i32,
    pub lot_id: i32,
    pub doses: i64,
    pub reasons: Vec<Reason>,
    /// Source surplus and destination shortage before this suggestion.
    pub source_surplus: i64,
    pub destination_shortage: i64,
}

/// Doses of each lot that the holder would not use before they expire, consuming FEFO at its rate.
fn expiring_unused(lots: &[&LotStock], rate: f64, today: NaiveDate) -> HashMap<i32, i64> {
    let mut used_days = 0.0_f64;
    let mut out = HashMap::new();
    for lot in lots {
        let days_left = (lot.expires_on - today).num_days() as f64 + 1.0;
        let can_use = ((days_left - used_days).max(0.0) * rate).floor() as i64;
        let used = can_use.min(lot.available);
        if rate > 0.0 {
            used_days += used as f64 / rate;
        }
        out.insert(lot.lot_id, lot.available - used);
    }
    out
}

/// What the districts holding doses may give: per district its surplus over its need, or more where
/// its doses would otherwise expire unused; per lot, the doses that would expire unused.
struct Donors {
    giveable: HashMap<i32, i64>,
    surplus_of: HashMap<i32, i64>,
    expiring: HashMap<i32, i64>,
}

fn donors(
    districts: &[DistrictNeed],
    by_district: &HashMap<i32, Vec<&LotStock>>,
    held: impl Fn(i32) -> i64,
    today: NaiveDate,
) -> Donors {
    let mut donors = Donors {
        giveable: HashMap::new(),
        surplus_of: HashMap::new(),
        expiring: HashMap::new(),
    };
    for d in districts {
        let surplus = (held(d.district_id) - d.need).max(0);
        let unused = by_district
            .get(&d.district_id)
            .map(|l| expiring_unused(l, d.daily_rate, today))
            .unwrap_or_default();
        let unused_total: i64 = if d.daily_rate > 0.0 {
            unused.values().sum()
        } else {
            0
        };
        if d.daily_rate > 0.0 {
            donors.expiring.extend(unused);
        }
        donors.surplus_of.insert(d.district_id, surplus);
        donors
            .giveable
            .insert(d.district_id, surplus.max(unused_total));
    }
    donors
}

/// Doses of `lot` the destination could use between their arrival and the lot's expiry: at its rate
/// when known, else any amount if it has the default days to use them; 0 when none would be left.
fn usable_at(dest: &DistrictNeed, lot: &LotStock, params: Params) -> i64 {
    let usable_days = (lot.expires_on - params.today).num_days() + 1 - params.transit_days;
    if usable_days <= 0 {
        0
    } else if dest.daily_rate > 0.0 {
        (dest.daily_rate * usable_days as f64).floor() as i64
    } else if usable_days >= params.default_days_to_use {
        i64::MAX
    } else {
        0
    }
}

pub fn suggest(districts: &[DistrictNeed], lots: &[LotStock], params: Params) -> Vec<Suggestion> {
    let mut by_district: HashMap<i32, Vec<&LotStock>> = HashMap::new();
    for lot in lots
        .iter()
        .filter(|l| l.available > 0 && l.expires_on >= params.today)
    {
        by_district.entry(lot.district_id).or_default().push(lot);
    }
    for list in by_district.values_mut() {
        list.sort_by_key(|l| (l.expires_on, l.lot_id));
    }
    let held = |id: i32| {
        by_district
            .get(&id)
            .map_or(0, |l| l.iter().map(|x| x.available).sum::<i64>())
    };
    let Donors {
        mut giveable,
        surplus_of,
        expiring,
    } = donors(districts, &by_district, held, params.today);
    let mut lot_left: HashMap<i32, i64> = lots.iter().map(|l| (l.lot_id, l.available)).collect();

    let mut shortages: Vec<(&DistrictNeed, i64)> = districts
        .iter()
        .map(|d| (d, d.need - held(d.district_id)))
        .filter(|(_, s)| *s > 0)
        .collect();
    shortages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.district_id.cmp(&b.0.district_id)));

    // All donor lots, earliest expiry first across the province.
    let mut donor_lots: Vec<&LotStock> = by_district
        .iter()
        .filter(|(id, _)| giveable.get(id).copied().unwrap_or(0) > 0)
        .flat_map(|(_, l)| l.iter().copied())
        .collect();
    donor_lots.sort_by_key(|l| (l.expires_on, l.lot_id));

    let mut out = Vec::new();
    for (dest, shortage) in shortages {
        let mut remaining = shortage;
        for lot in &donor_lots {
            if remaining == 0 {
                break;
            }
            if lot.district_id == dest.district_id {
                continue;
            }
            let give = giveable.get(&lot.district_id).copied().unwrap_or(0);
            let left = lot_left.get(&lot.lot_id).copied().unwrap_or(0);
            let doses = remaining
                .min(give)
                .min(left)
                .min(usable_at(dest, lot, params));
            if doses <= 0 {
                continue;
            }
            let mut reasons = vec![Reason::Shortage];
            if surplus_of.get(&lot.district_id).copied().unwrap_or(0) > 0 {
                reasons.insert(0, Reason::Surplus);
            }
            if expiring.get(&lot.lot_id).copied().unwrap_or(0) > 0 {
                reasons.push(Reason::Expiry);
            }
            out.push(Suggestion {
                from_district_id: lot.district_id,
                to_district_id: dest.district_id,
                lot_id: lot.lot_id,
                doses,
                reasons,
                source_surplus: give,
                destination_shortage: remaining,
            });
            remaining -= doses;
            giveable.insert(lot.district_id, give - doses);
            lot_left.insert(lot.lot_id, left - doses);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, 12, 1).expect("date") + chrono::Duration::days(n)
    }

    fn params() -> Params {
        Params {
            today: day(0),
            transit_days: 2,
            default_days_to_use: 7,
        }
    }

    fn need(id: i32, need: i64, rate: f64) -> DistrictNeed {
        DistrictNeed {
            district_id: id,
            need,
            daily_rate: rate,
        }
    }

    fn lot(id: i32, district: i32, expires_in: i64, available: i64) -> LotStock {
        LotStock {
            lot_id: id,
            district_id: district,
            expires_on: day(expires_in),
            available,
        }
    }

    #[test]
    fn surplus_moves_to_shortage_earliest_expiry_first() {
        let districts = [need(1, 100, 0.0), need(2, 500, 0.0)];
        let lots = [
            lot(10, 1, 90, 300),
            lot(11, 1, 30, 200),
            lot(20, 2, 60, 100),
        ];
        let s = suggest(&districts, &lots, params());
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(
            (s[0].lot_id, s[0].doses),
            (11, 200),
            "the lot expiring first goes first"
        );
        assert_eq!(
            (s[1].lot_id, s[1].doses),
            (10, 200),
            "then the next, up to the surplus of 400"
        );
        assert!(
            s.iter()
                .all(|x| x.from_district_id == 1 && x.to_district_id == 2)
        );
        assert_eq!(s[0].reasons, vec![Reason::Surplus, Reason::Shortage]);
    }

    #[test]
    fn never_a_lot_that_expires_before_it_can_be_used() {
        let districts = [need(1, 0, 0.0), need(2, 1000, 0.0)];
        // Expires tomorrow: two days on the road.
        let lots = [lot(10, 1, 1, 500), lot(11, 1, 5, 500), lot(12, 1, 40, 100)];
        let s = suggest(&districts, &lots, params());
        assert_eq!(
            s.iter().map(|x| x.lot_id).collect::<Vec<_>>(),
            vec![12],
            "lots 10 and 11 leave too little time"
        );
    }

    #[test]
    fn a_known_rate_limits_what_the_destination_can_use_before_expiry() {
        let districts = [need(1, 0, 0.0), need(2, 1000, 10.0)];
        let lots = [lot(10, 1, 11, 500)];
        let s = suggest(&districts, &lots, params());
        // 12 days to expiry, 2 on the road: 10 days at 10 a day.
        assert_eq!(s[0].doses, 100);
    }

    #[test]
    fn doses_about_to_expire_unused_move_even_without_overall_surplus() {
        // District 1 needs all it holds but uses only 5 a day: 200 of lot 10 would expire.
        let districts = [need(1, 400, 5.0), need(2, 300, 50.0)];
        let lots = [lot(10, 1, 19, 300), lot(11, 1, 200, 100)];
        let s = suggest(&districts, &lots, params());
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].lot_id, 10);
        assert!(s[0].reasons.contains(&Reason::Expiry));
        assert!(!s[0].reasons.contains(&Reason::Surplus));
        assert_eq!(s[0].doses, 200);
    }

    #[test]
    fn nothing_to_do_when_everyone_has_enough() {
        let districts = [need(1, 100, 0.0), need(2, 100, 0.0)];
        let lots = [lot(10, 1, 90, 100), lot(20, 2, 90, 150)];
        assert!(suggest(&districts, &lots, params()).is_empty());
    }
}
