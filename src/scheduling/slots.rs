//! Free meeting slots: the tenant's weekly hours, minus what is too soon, too far or booked.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::proposal::Proposal;

/// When a tenant takes meetings, in the tenant's own time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    /// IANA zone of the tenant, e.g. `Europe/Amsterdam`.
    pub timezone: TimeZone,
    /// The days meetings are taken, e.g. Monday to Friday.
    pub weekdays: Vec<Weekday>,
    /// Daily start of the first slot, e.g. 09:00.
    pub start: Time,
    /// Daily end: a slot must end by then, e.g. 17:00.
    pub end: Time,
    pub slot_minutes: u32,
    /// No slot starts sooner than now plus this.
    pub minimum_notice_minutes: u32,
    /// No slot starts later than now plus this many (24-hour) days.
    pub horizon_days: u32,
}

/// One bookable meeting, as instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// The first `limit` free slots after `now`, in time order, skipping any whose start is in
/// `booked`; `usize::MAX` gives every free slot up to the horizon.
pub fn free_slots(
    availability: &Availability,
    now: Timestamp,
    booked: &[Timestamp],
    limit: usize,
) -> Vec<Slot> {
    // Without a weekday or a slot that fits in a day the day-walk below would never yield,
    // so it would only stop at the end of the calendar.
    if availability.weekdays.is_empty() || daily_starts(availability).next().is_none() {
        return Vec::new();
    }
    let earliest = later_by(now, minutes(availability.minimum_notice_minutes));
    let latest = later_by(
        now,
        SignedDuration::from_hours(24 * i64::from(availability.horizon_days)),
    );
    let length = minutes(availability.slot_minutes);
    // Sorted once, so a tenant with many meetings costs a binary search per slot.
    let mut booked = booked.to_vec();
    booked.sort_unstable();
    candidate_starts(availability, earliest)
        .take_while(|start| *start <= latest)
        .filter(|start| *start >= earliest && booked.binary_search(start).is_err())
        .filter_map(|start| {
            let ends_at = start.checked_add(length).ok()?;
            Some(Slot {
                starts_at: start,
                ends_at,
            })
        })
        .take(limit)
        .collect()
}

/// "Thursday 10 December, 2:00 pm Chicago time": the slot's start in `zone`, English, with
/// the zone's `label` (from [`super::zones::label`]) so the visitor knows whose clock it is.
pub fn describe(slot: &Slot, zone: &TimeZone, label: &str) -> String {
    let local = zone.to_datetime(slot.starts_at);
    let text = format!(
        "{}, {}",
        local.strftime("%A %-d %B"),
        local.strftime("%-I:%M %P")
    );
    if label.is_empty() {
        text
    } else {
        format!("{text} {label}")
    }
}

/// The free slots that fit the proposal, earliest first: the one starting at its exact time,
/// or else those lying wholly inside one of its windows.
pub fn matching(proposal: &Proposal, free: &[Slot]) -> Vec<Slot> {
    let mut found: Vec<Slot> = match proposal.exact {
        Some(exact) => free
            .iter()
            .filter(|s| s.starts_at == exact)
            .copied()
            .collect(),
        None => free
            .iter()
            .filter(|s| {
                proposal
                    .windows
                    .iter()
                    .any(|&(from, to)| s.starts_at >= from && s.ends_at <= to)
            })
            .copied()
            .collect(),
    };
    found.sort_unstable();
    found.dedup();
    found
}

/// Up to `n` free slots closest to what was proposed, for when nothing matches: on the day
/// asked before other days, in the part of the day asked before other parts, then nearest
/// in time. Earliest first.
pub fn nearest(proposal: &Proposal, free: &[Slot], n: usize, zone: &TimeZone) -> Vec<Slot> {
    let asked: Vec<(Timestamp, Timestamp)> = match proposal.exact {
        Some(exact) => vec![(exact, exact)],
        None => proposal.windows.clone(),
    };
    if asked.is_empty() {
        return Vec::new();
    }
    let asked_days: Vec<(Date, Date)> = asked
        .iter()
        .map(|&(from, to)| {
            (
                local_date(zone, from),
                local_date(zone, last_instant(from, to)),
            )
        })
        .collect();
    let asked_parts: Vec<DayPart> = asked
        .iter()
        .flat_map(|&(from, to)| parts_between(zone, from, last_instant(from, to)))
        .collect();
    let mut ranked: Vec<((bool, bool, SignedDuration), Slot)> = free
        .iter()
        .map(|slot| {
            let local = zone.to_datetime(slot.starts_at);
            let other_day = !asked_days
                .iter()
                .any(|(first, last)| (*first..=*last).contains(&local.date()));
            let other_part = !asked_parts.contains(&day_part(local.time()));
            let distance = asked
                .iter()
                .map(|&(from, to)| gap(slot.starts_at, from, to))
                .min()
                .unwrap_or(SignedDuration::MAX);
            ((other_day, other_part, distance), *slot)
        })
        .collect();
    ranked.sort_unstable();
    let mut picked: Vec<Slot> = ranked.into_iter().take(n).map(|(_, slot)| slot).collect();
    picked.sort_unstable();
    picked
}

/// `n` free slots to offer when the visitor named no time: one a day on different days,
/// alternating mid-morning and mid-afternoon in `zone` (e.g. tomorrow 10:00, the day after
/// 14:30, the next day 11:00), then second slots on the same days if there are too few
/// days. Earliest first.
pub fn spread(free: &[Slot], n: usize, zone: &TimeZone) -> Vec<Slot> {
    /// Times people like to meet, in turn: 10:00, 14:30, 11:00, 15:00.
    const AIMS: [(DayPart, i32); 4] = [
        (DayPart::Morning, 600),
        (DayPart::Afternoon, 870),
        (DayPart::Morning, 660),
        (DayPart::Afternoon, 900),
    ];
    let mut by_day: Vec<(Date, Vec<Slot>)> = Vec::new();
    for slot in free {
        let day = local_date(zone, slot.starts_at);
        match by_day.iter_mut().find(|(d, _)| *d == day) {
            Some((_, slots)) => slots.push(*slot),
            None => by_day.push((day, vec![*slot])),
        }
    }
    by_day.sort_by_key(|(day, _)| *day);
    let mut picked: Vec<Slot> = Vec::new();
    let mut parts_used: Vec<Option<DayPart>> = vec![None; by_day.len()];
    // First pass: one slot a day; second pass: the other half of each day.
    for round in 0..2 {
        for (index, (_, slots)) in by_day.iter().enumerate() {
            if picked.len() >= n {
                break;
            }
            let aim = match (round, parts_used[index]) {
                (0, _) => AIMS[index % AIMS.len()],
                (_, Some(DayPart::Morning)) => AIMS[1],
                (_, _) => AIMS[0],
            };
            let choice = closest(slots, &picked, aim, zone);
            if let Some(slot) = choice {
                parts_used[index] = Some(day_part(zone.to_datetime(slot.starts_at).time()));
                picked.push(slot);
            }
        }
    }
    // Few days and many offers: the rest in time order.
    for slot in free {
        if picked.len() >= n {
            break;
        }
        if !picked.contains(slot) {
            picked.push(*slot);
        }
    }
    picked.sort_unstable();
    picked
}

/// The slot of `slots` not yet picked that is in the aimed part of the day and nearest the
/// aimed minute; any part when the day has none in it.
fn closest(slots: &[Slot], picked: &[Slot], aim: (DayPart, i32), zone: &TimeZone) -> Option<Slot> {
    let (part, minute) = aim;
    slots
        .iter()
        .filter(|slot| !picked.contains(slot))
        .min_by_key(|slot| {
            let time = zone.to_datetime(slot.starts_at).time();
            let at = i32::from(time.hour()) * 60 + i32::from(time.minute());
            (day_part(time) != part, (at - minute).abs(), slot.starts_at)
        })
        .copied()
}

/// The halves of a working day people name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum DayPart {
    Morning,
    Afternoon,
    Evening,
}

fn day_part(time: Time) -> DayPart {
    match time.hour() {
        0..=11 => DayPart::Morning,
        12..=16 => DayPart::Afternoon,
        _ => DayPart::Evening,
    }
}

/// The parts of the day a span of time touches.
fn parts_between(zone: &TimeZone, from: Timestamp, last: Timestamp) -> Vec<DayPart> {
    let (first, end) = (zone.to_datetime(from), zone.to_datetime(last));
    if first.date() != end.date() {
        return vec![DayPart::Morning, DayPart::Afternoon, DayPart::Evening];
    }
    let (a, b) = (day_part(first.time()), day_part(end.time()));
    [DayPart::Morning, DayPart::Afternoon, DayPart::Evening]
        .into_iter()
        .filter(|part| (a..=b).contains(part))
        .collect()
}

/// How far `at` is from the span [from, to]; zero inside it.
fn gap(at: Timestamp, from: Timestamp, to: Timestamp) -> SignedDuration {
    if at < from {
        from.duration_since(at)
    } else if at > to {
        at.duration_since(to)
    } else {
        SignedDuration::ZERO
    }
}

/// The last instant of the half-open span [from, to), or `from` for an empty one.
fn last_instant(from: Timestamp, to: Timestamp) -> Timestamp {
    to.checked_sub(SignedDuration::from_nanos(1))
        .ok()
        .filter(|last| *last >= from)
        .unwrap_or(from)
}

fn local_date(zone: &TimeZone, at: Timestamp) -> Date {
    zone.to_datetime(at).date()
}

/// Slot starts from the local day of `from` onwards, strictly increasing.
///
/// Lazy, so the caller's `take_while`/`take` bound the work to the horizon and the limit.
fn candidate_starts(
    availability: &Availability,
    from: Timestamp,
) -> impl Iterator<Item = Timestamp> + '_ {
    let zone = &availability.timezone;
    let first_day = zone.to_datetime(from).date();
    let mut previous: Option<Timestamp> = None;
    std::iter::successors(Some(first_day), |day: &Date| day.tomorrow().ok())
        .filter(|day| availability.weekdays.contains(&day.weekday()))
        .flat_map(move |day| daily_starts(availability).map(move |time| day.to_datetime(time)))
        // Compatible disambiguation: a local time in a DST gap moves past the gap, and
        // one in a fold takes its first occurrence.
        .filter_map(|local| zone.to_timestamp(local).ok())
        // A gap can push a start onto (or past) the next local start; keep each instant once.
        .filter(move |start| {
            let increasing = previous.is_none_or(|last| *start > last);
            if increasing {
                previous = Some(*start);
            }
            increasing
        })
}

/// The local start times of one day's slots: from `start`, stepping a slot, while it ends by `end`.
fn daily_starts(availability: &Availability) -> impl Iterator<Item = Time> + use<> {
    let step = minutes(availability.slot_minutes);
    let end = availability.end;
    // A zero-length slot would never advance.
    let usable = availability.slot_minutes > 0;
    std::iter::successors(Some(availability.start), move |time| {
        time.checked_add(step).ok()
    })
    .take_while(move |time| usable && time.checked_add(step).is_ok_and(|ends| ends <= end))
}

fn minutes(count: u32) -> SignedDuration {
    SignedDuration::from_mins(i64::from(count))
}

/// `ts + by`, pinned to the end of time rather than failing: "no later than forever".
fn later_by(ts: Timestamp, by: SignedDuration) -> Timestamp {
    ts.checked_add(by).unwrap_or(Timestamp::MAX)
}

/// Monday to Friday, 09:00-17:00 in `zone`, 30-minute slots, two weeks ahead: the calendar
/// tests across the crate book against.
#[cfg(test)]
pub fn office_hours_in(zone: &TimeZone, notice_minutes: u32) -> Availability {
    Availability {
        timezone: zone.clone(),
        weekdays: vec![
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
        ],
        start: jiff::civil::time(9, 0, 0, 0),
        end: jiff::civil::time(17, 0, 0, 0),
        slot_minutes: 30,
        minimum_notice_minutes: notice_minutes,
        horizon_days: 14,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    use super::*;

    fn amsterdam() -> TimeZone {
        TimeZone::get("Europe/Amsterdam").unwrap()
    }

    /// Mon–Fri 09:00–17:00, 30-minute slots, no notice, two weeks ahead.
    fn office_hours() -> Availability {
        super::office_hours_in(&amsterdam(), 0)
    }

    /// An Amsterdam wall-clock instant.
    fn local(year: i16, month: i8, day: i8, hour: i8, minute: i8) -> Timestamp {
        amsterdam()
            .to_timestamp(date(year, month, day).at(hour, minute, 0, 0))
            .unwrap()
    }

    fn local_starts(slots: &[Slot]) -> Vec<String> {
        slots
            .iter()
            .map(|slot| {
                amsterdam()
                    .to_datetime(slot.starts_at)
                    .strftime("%a %d %H:%M")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_day_runs_from_start_to_the_last_slot_that_ends_by_end() {
        // Monday 1 December 2025, before opening.
        let slots = free_slots(&office_hours(), local(2025, 12, 1, 7, 0), &[], 16);
        let starts = local_starts(&slots);
        assert_eq!(starts.len(), 16);
        assert_eq!(starts[0], "Mon 01 09:00");
        assert_eq!(starts[15], "Mon 01 16:30");
        assert!(slots.iter().all(|s| s.ends_at == s.starts_at + minutes(30)));
        // The 17th is the next morning: 17:00 would end after closing.
        let next = free_slots(&office_hours(), local(2025, 12, 1, 7, 0), &[], 17);
        assert_eq!(local_starts(&next)[16], "Tue 02 09:00");
    }

    #[test]
    fn a_slot_that_would_overrun_end_is_not_offered() {
        let mut hours = office_hours();
        hours.end = time(10, 45, 0, 0);
        let slots = free_slots(&hours, local(2025, 12, 1, 7, 0), &[], 4);
        assert_eq!(
            local_starts(&slots),
            [
                "Mon 01 09:00",
                "Mon 01 09:30",
                "Mon 01 10:00",
                "Tue 02 09:00"
            ]
        );
    }

    #[test]
    fn weekends_are_skipped() {
        // Friday 5 December 2025, after closing.
        let slots = free_slots(&office_hours(), local(2025, 12, 5, 18, 0), &[], 1);
        assert_eq!(local_starts(&slots), ["Mon 08 09:00"]);
    }

    #[test]
    fn minimum_notice_pushes_the_first_slot_later() {
        let mut hours = office_hours();
        hours.minimum_notice_minutes = 240;
        let slots = free_slots(&hours, local(2025, 12, 1, 8, 10), &[], 1);
        assert_eq!(local_starts(&slots), ["Mon 01 12:30"]);
        // Exactly at now + notice is allowed.
        let slots = free_slots(&hours, local(2025, 12, 1, 8, 0), &[], 1);
        assert_eq!(local_starts(&slots), ["Mon 01 12:00"]);
    }

    #[test]
    fn the_horizon_bounds_how_far_ahead_slots_go() {
        let mut hours = office_hours();
        hours.horizon_days = 1;
        let slots = free_slots(&hours, local(2025, 12, 1, 12, 0), &[], 1000);
        let starts = local_starts(&slots);
        // Monday 12:00–16:30 (10) and Tuesday up to and including 12:00 (7).
        assert_eq!(starts.len(), 17);
        assert_eq!(starts.first().unwrap(), "Mon 01 12:00");
        assert_eq!(starts.last().unwrap(), "Tue 02 12:00");
    }

    #[test]
    fn the_default_horizon_yields_ten_working_days() {
        let slots = free_slots(&office_hours(), local(2025, 12, 1, 0, 0), &[], usize::MAX);
        assert_eq!(slots.len(), 10 * 16);
    }

    #[test]
    fn booked_starts_are_skipped() {
        let booked = [local(2025, 12, 1, 9, 30), local(2025, 12, 1, 10, 30)];
        let slots = free_slots(&office_hours(), local(2025, 12, 1, 7, 0), &booked, 3);
        assert_eq!(
            local_starts(&slots),
            ["Mon 01 09:00", "Mon 01 10:00", "Mon 01 11:00"]
        );
    }

    #[test]
    fn limit_caps_the_result() {
        let now = local(2025, 12, 1, 7, 0);
        assert!(free_slots(&office_hours(), now, &[], 0).is_empty());
        assert_eq!(free_slots(&office_hours(), now, &[], 5).len(), 5);
    }

    #[test]
    fn nothing_to_offer_returns_empty_without_walking_the_calendar() {
        let now = local(2025, 12, 1, 7, 0);
        let mut hours = office_hours();
        hours.horizon_days = u32::MAX;
        hours.weekdays.clear();
        assert!(free_slots(&hours, now, &[], 10).is_empty());
        let mut hours = office_hours();
        hours.horizon_days = u32::MAX;
        hours.slot_minutes = 0;
        assert!(free_slots(&hours, now, &[], 10).is_empty());
        let mut hours = office_hours();
        hours.slot_minutes = 9 * 60;
        assert!(free_slots(&hours, now, &[], 10).is_empty());
    }

    #[test]
    fn local_nine_stays_nine_across_the_spring_change() {
        let mut hours = office_hours();
        hours.end = time(9, 30, 0, 0);
        // Thursday 26 March 2026; clocks go forward on Sunday 29 March.
        let slots = free_slots(&hours, local(2026, 3, 26, 0, 0), &[], 4);
        assert_eq!(
            local_starts(&slots),
            [
                "Thu 26 09:00",
                "Fri 27 09:00",
                "Mon 30 09:00",
                "Tue 31 09:00"
            ]
        );
        let utc: Vec<String> = slots.iter().map(|s| s.starts_at.to_string()).collect();
        assert_eq!(
            utc,
            [
                "2026-03-26T08:00:00Z",
                "2026-03-27T08:00:00Z",
                "2026-03-30T07:00:00Z",
                "2026-03-31T07:00:00Z"
            ]
        );
    }

    #[test]
    fn local_nine_stays_nine_across_the_autumn_change() {
        let mut hours = office_hours();
        hours.end = time(9, 30, 0, 0);
        // Thursday 22 October 2026; clocks go back on Sunday 25 October.
        let slots = free_slots(&hours, local(2026, 10, 22, 0, 0), &[], 4);
        assert_eq!(
            local_starts(&slots),
            [
                "Thu 22 09:00",
                "Fri 23 09:00",
                "Mon 26 09:00",
                "Tue 27 09:00"
            ]
        );
        assert_eq!(slots[1].starts_at.to_string(), "2026-10-23T07:00:00Z");
        assert_eq!(slots[2].starts_at.to_string(), "2026-10-26T08:00:00Z");
    }

    #[test]
    fn slots_in_the_spring_gap_move_past_it_without_duplicates() {
        let hours = Availability {
            weekdays: vec![Weekday::Sunday],
            start: time(1, 30, 0, 0),
            end: time(4, 0, 0, 0),
            horizon_days: 1,
            ..office_hours()
        };
        let slots = free_slots(&hours, local(2026, 3, 29, 0, 0), &[], 10);
        // 02:00 and 02:30 do not exist; they become 03:00 and 03:30, so the real
        // 03:00 and 03:30 are not offered twice.
        assert_eq!(
            local_starts(&slots),
            ["Sun 29 01:30", "Sun 29 03:00", "Sun 29 03:30"]
        );
        assert!(slots.windows(2).all(|w| w[0].starts_at < w[1].starts_at));
        // A slot lasts its length in real time, even across the jump.
        assert_eq!(slots[0].ends_at, local(2026, 3, 29, 3, 0));
    }

    #[test]
    fn slots_in_the_autumn_fold_take_the_first_occurrence() {
        let hours = Availability {
            weekdays: vec![Weekday::Sunday],
            start: time(2, 0, 0, 0),
            end: time(3, 30, 0, 0),
            horizon_days: 1,
            ..office_hours()
        };
        let slots = free_slots(&hours, local(2026, 10, 25, 0, 0), &[], 10);
        let utc: Vec<String> = slots.iter().map(|s| s.starts_at.to_string()).collect();
        assert_eq!(
            utc,
            [
                "2026-10-25T00:00:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-25T02:00:00Z"
            ]
        );
    }

    #[test]
    fn describe_names_the_local_day_twelve_hour_time_and_zone() {
        let slot = Slot {
            starts_at: local(2025, 12, 2, 10, 0),
            ends_at: local(2025, 12, 2, 10, 30),
        };
        assert_eq!(
            describe(&slot, &amsterdam(), "Amsterdam time"),
            "Tuesday 2 December, 10:00 am Amsterdam time"
        );
        let chicago = TimeZone::get("America/Chicago").unwrap();
        assert_eq!(
            describe(&slot, &chicago, "Chicago time"),
            "Tuesday 2 December, 3:00 am Chicago time"
        );
        let afternoon = Slot {
            starts_at: local(2025, 12, 10, 21, 0),
            ends_at: local(2025, 12, 10, 21, 30),
        };
        assert_eq!(
            describe(&afternoon, &chicago, "Chicago time"),
            "Wednesday 10 December, 2:00 pm Chicago time"
        );
        let noon = Slot {
            starts_at: local(2025, 12, 2, 12, 30),
            ends_at: local(2025, 12, 2, 13, 0),
        };
        assert_eq!(
            describe(&noon, &amsterdam(), ""),
            "Tuesday 2 December, 12:30 pm"
        );
    }
}

#[cfg(test)]
mod offer_tests;
