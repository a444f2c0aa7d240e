//! Free meeting slots: the tenant's weekly hours, minus what is too soon, too far or booked.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

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

/// The first `limit` free slots after `now`, in time order, skipping any whose start is in `booked`.
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
    candidate_starts(availability, earliest)
        .take_while(|start| *start <= latest)
        .filter(|start| *start >= earliest && !booked.contains(start))
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

/// "Tuesday 2 December at 10:00 (Europe/Amsterdam)" — in the availability's timezone, English.
pub fn describe(slot: &Slot, timezone: &TimeZone) -> String {
    let local = timezone.to_datetime(slot.starts_at);
    format!(
        "{} ({})",
        local.strftime("%A %-d %B at %H:%M"),
        zone_name(timezone, slot.starts_at)
    )
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

/// The zone's IANA name, or its offset at `at` for a zone without one.
fn zone_name(timezone: &TimeZone, at: Timestamp) -> String {
    timezone
        .iana_name()
        .map_or_else(|| timezone.to_offset(at).to_string(), str::to_owned)
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
        Availability {
            timezone: amsterdam(),
            weekdays: vec![
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ],
            start: time(9, 0, 0, 0),
            end: time(17, 0, 0, 0),
            slot_minutes: 30,
            minimum_notice_minutes: 0,
            horizon_days: 14,
        }
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
    fn describe_names_the_local_day_and_zone() {
        let slot = Slot {
            starts_at: local(2025, 12, 2, 10, 0),
            ends_at: local(2025, 12, 2, 10, 30),
        };
        assert_eq!(
            describe(&slot, &amsterdam()),
            "Tuesday 2 December at 10:00 (Europe/Amsterdam)"
        );
        let new_york = TimeZone::get("America/New_York").unwrap();
        assert_eq!(
            describe(&slot, &new_york),
            "Tuesday 2 December at 04:00 (America/New_York)"
        );
        let fixed = jiff::tz::offset(2).to_time_zone();
        assert_eq!(describe(&slot, &fixed), "Tuesday 2 December at 11:00 (+02)");
    }
}
