//! `matching`, `nearest` and `spread` over real free slots, and their properties.

use jiff::civil::{Time, time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::scheduling::proposal::{HORIZON, read_proposal};

/// Monday 7 December 2026, 14:00 UTC: 09:00 in New York.
fn now() -> Timestamp {
    "2026-12-07T14:00:00Z".parse().unwrap()
}

fn new_york() -> TimeZone {
    TimeZone::get("America/New_York").unwrap()
}

/// A New York tenant: Mon–Fri 09:00–17:00, 30-minute slots, two weeks ahead.
fn hours() -> Availability {
    crate::scheduling::slots::office_hours_in(&new_york(), 0)
}

fn free(booked: &[Timestamp]) -> Vec<Slot> {
    free_slots(&hours(), now(), booked, usize::MAX)
}

fn ny(text: &str) -> Timestamp {
    let local: jiff::civil::DateTime = text.parse().unwrap();
    new_york().to_timestamp(local).unwrap()
}

fn shown(slots: &[Slot], zone: &TimeZone) -> Vec<String> {
    slots
        .iter()
        .map(|s| {
            zone.to_datetime(s.starts_at)
                .strftime("%a %d %H:%M")
                .to_string()
        })
        .collect()
}

fn proposal(text: &str) -> Proposal {
    read_proposal(text, now(), &new_york()).unwrap()
}

#[test]
fn every_free_slot_in_the_horizon_can_be_listed() {
    // Ten working days of sixteen slots, from this morning's first.
    assert_eq!(free(&[]).len(), 10 * 16 + 1);
}

#[test]
fn booked_starts_in_any_order_are_skipped() {
    let booked = [
        ny("2026-12-08T10:00"),
        ny("2026-12-07T09:30"),
        ny("2026-12-07T09:00"),
    ];
    let free = free(&booked);
    assert_eq!(free.len(), 10 * 16 + 1 - 3);
    assert!(free.iter().all(|slot| !booked.contains(&slot.starts_at)));
    assert_eq!(shown_ny(&free[..1]), ["Mon 07 10:00"]);
}

#[test]
fn an_exact_time_matches_its_free_slot() {
    let found = matching(&proposal("Thursday at 3pm"), &free(&[]));
    assert_eq!(shown(&found, &new_york()), ["Thu 10 15:00"]);
    let booked = [ny("2026-12-10T15:00")];
    assert!(matching(&proposal("Thursday at 3pm"), &free(&booked)).is_empty());
}

#[test]
fn a_window_matches_the_slots_wholly_inside_it() {
    let found = matching(&proposal("Thursday afternoon"), &free(&[]));
    let shown = shown(&found, &new_york());
    assert_eq!(shown.len(), 10);
    assert_eq!(shown[0], "Thu 10 12:00");
    assert_eq!(shown[9], "Thu 10 16:30");
    let found = matching(&proposal("wed between 2 and 4"), &free(&[]));
    assert_eq!(
        shown_ny(&found),
        [
            "Wed 09 14:00",
            "Wed 09 14:30",
            "Wed 09 15:00",
            "Wed 09 15:30"
        ]
    );
}

fn shown_ny(slots: &[Slot]) -> Vec<String> {
    shown(slots, &new_york())
}

#[test]
fn a_window_in_the_visitors_zone_matches_tenant_slots() {
    // Noon to five in Chicago is one to six in New York; the tenant closes at five.
    let found = matching(
        &proposal("Thursday afternoon my time, I'm in Chicago"),
        &free(&[]),
    );
    let chicago = TimeZone::get("America/Chicago").unwrap();
    let shown = shown(&found, &chicago);
    assert_eq!(shown.len(), 8);
    assert_eq!(shown[0], "Thu 10 12:00");
    assert_eq!(shown[7], "Thu 10 15:30");
}

#[test]
fn nearest_prefers_the_same_day_and_part_of_day() {
    let booked = [ny("2026-12-10T15:00")];
    let near = nearest(&proposal("Thursday at 3pm"), &free(&booked), 3, &new_york());
    assert_eq!(
        shown_ny(&near),
        ["Thu 10 14:00", "Thu 10 14:30", "Thu 10 15:30"]
    );
    // A whole afternoon taken: the same day's morning before another day's afternoon.
    let afternoon: Vec<Timestamp> = (0..10)
        .map(|i| ny("2026-12-10T12:00") + SignedDuration::from_mins(30 * i))
        .collect();
    let near = nearest(
        &proposal("Thursday afternoon"),
        &free(&afternoon),
        2,
        &new_york(),
    );
    assert_eq!(shown_ny(&near), ["Thu 10 11:00", "Thu 10 11:30"]);
}

#[test]
fn nearest_to_a_closed_day_is_the_closest_open_time() {
    let near = nearest(&proposal("Saturday"), &free(&[]), 2, &new_york());
    assert_eq!(shown_ny(&near), ["Fri 11 16:00", "Fri 11 16:30"]);
}

#[test]
fn spread_offers_different_days_alternating_morning_and_afternoon() {
    let offers = spread(&free(&[]), 3, &new_york());
    assert_eq!(
        shown_ny(&offers),
        ["Mon 07 10:00", "Tue 08 14:30", "Wed 09 11:00"]
    );
    let four = spread(&free(&[]), 4, &new_york());
    assert_eq!(shown_ny(&four)[3], "Thu 10 15:00");
}

#[test]
fn spread_takes_what_a_day_has() {
    let mut morning_only = hours();
    morning_only.end = time(12, 0, 0, 0);
    let free = free_slots(&morning_only, now(), &[], usize::MAX);
    let offers = spread(&free, 2, &new_york());
    assert_eq!(shown_ny(&offers), ["Mon 07 10:00", "Tue 08 11:30"]);
}

#[test]
fn spread_fills_from_few_days() {
    let mut one_day = hours();
    one_day.horizon_days = 0;
    let free: Vec<Slot> = free_slots(&one_day, now(), &[], usize::MAX);
    assert_eq!(free.len(), 1);
    let today_only: Vec<Slot> = free_slots(&hours(), now(), &[], 16);
    let offers = spread(&today_only, 3, &new_york());
    assert_eq!(
        shown_ny(&offers),
        ["Mon 07 09:00", "Mon 07 10:00", "Mon 07 14:30"]
    );
    assert!(spread(&[], 3, &new_york()).is_empty());
    assert!(spread(&today_only, 0, &new_york()).is_empty());
}

#[test]
fn spread_shows_days_in_the_visitors_zone() {
    // Tenant slots 09:00–17:00 New York are 15:00–23:00 in Berlin: all afternoon or evening.
    let berlin = TimeZone::get("Europe/Berlin").unwrap();
    let offers = spread(&free(&[]), 2, &berlin);
    assert_eq!(shown(&offers, &berlin), ["Mon 07 15:00", "Tue 08 15:00"]);
}

/// Phrasings the properties combine.
const DAYS: &[&str] = &[
    "today",
    "tomorrow",
    "monday",
    "tuesday",
    "thursday",
    "friday",
    "next week",
    "this week",
    "early next week",
    "the 15th",
    "Dec 10",
    "mañana",
    "el jueves",
    "Donnerstag",
    "",
];
const TIMES: &[&str] = &[
    "at 3pm",
    "at 10",
    "morning",
    "afternoon",
    "after 2",
    "before 11",
    "between 2 and 4",
    "at 9:30am",
    "lunchtime",
    "evening",
    "a las 3",
    "um 15 Uhr",
    "",
    "any time",
    "3pm CET",
    "2pm my time, I'm in Chicago",
];
const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Los_Angeles",
    "UTC",
];

fn arbitrary_now() -> impl Strategy<Value = Timestamp> {
    // 2026 to 2028, to the minute.
    (1_767_225_600i64..1_830_297_600).prop_map(|s| Timestamp::from_second(s - s % 60).unwrap())
}

fn arbitrary_booked() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0usize..200, 0..60)
}

proptest! {
    #[test]
    fn matching_returns_free_slots_inside_the_proposal(
        day in proptest::sample::select(DAYS),
        at in proptest::sample::select(TIMES),
        zone in proptest::sample::select(ZONES),
        now in arbitrary_now(),
        booked in arbitrary_booked(),
    ) {
        let zone = TimeZone::get(zone).unwrap();
        let all = free_slots(&hours(), now, &[], usize::MAX);
        let booked: Vec<Timestamp> = booked.iter().filter_map(|i| all.get(*i)).map(|s| s.starts_at).collect();
        let free = free_slots(&hours(), now, &booked, usize::MAX);
        if let Some(proposal) = read_proposal(&format!("{day} {at}"), now, &zone) {
            for slot in matching(&proposal, &free) {
                prop_assert!(free.contains(&slot));
                let inside = proposal.windows.iter().any(|&(from, to)| {
                    slot.starts_at >= from && slot.starts_at < to
                        && (proposal.exact.is_some() || slot.ends_at <= to)
                });
                prop_assert!(inside, "{slot:?} outside {proposal:?}");
                if let Some(exact) = proposal.exact {
                    prop_assert_eq!(slot.starts_at, exact);
                }
            }
            let near = nearest(&proposal, &free, 3, &zone);
            prop_assert!(near.len() == free.len().min(3));
            prop_assert!(near.iter().all(|slot| free.contains(slot)));
        }
    }

    #[test]
    fn spread_returns_distinct_free_slots(
        zone in proptest::sample::select(ZONES),
        now in arbitrary_now(),
        booked in arbitrary_booked(),
        n in 0usize..8,
    ) {
        let zone = TimeZone::get(zone).unwrap();
        let all = free_slots(&hours(), now, &[], usize::MAX);
        let booked: Vec<Timestamp> = booked.iter().filter_map(|i| all.get(*i)).map(|s| s.starts_at).collect();
        let free = free_slots(&hours(), now, &booked, usize::MAX);
        let offers = spread(&free, n, &zone);
        prop_assert_eq!(offers.len(), n.min(free.len()));
        prop_assert!(offers.iter().all(|slot| free.contains(slot)));
        prop_assert!(offers.windows(2).all(|w| w[0].starts_at < w[1].starts_at));
        // As many different days as there are, up to n.
        let days = |slots: &[Slot]| {
            let mut days: Vec<_> = slots.iter().map(|s| zone.to_datetime(s.starts_at).date()).collect();
            days.dedup();
            days.len()
        };
        prop_assert_eq!(days(&offers), days(&free).min(n));
    }

    #[test]
    fn read_proposal_stays_within_the_horizon_on_any_text(
        text in "\\PC{0,120}",
        zone in proptest::sample::select(ZONES),
        now in arbitrary_now(),
    ) {
        let zone = TimeZone::get(zone).unwrap();
        if let Some(proposal) = read_proposal(&text, now, &zone) {
            within_horizon(&proposal, now)?;
        }
    }

    #[test]
    fn read_proposal_stays_within_the_horizon_on_time_words(
        words in proptest::collection::vec(proptest::sample::select(WORDS), 0..8),
        zone in proptest::sample::select(ZONES),
        now in arbitrary_now(),
    ) {
        let zone = TimeZone::get(zone).unwrap();
        if let Some(proposal) = read_proposal(&words.join(" "), now, &zone) {
            within_horizon(&proposal, now)?;
        }
    }

    #[test]
    fn a_weekday_and_a_clock_give_that_local_time(
        weekday in 0usize..5,
        hour in 9i8..17,
        half in any::<bool>(),
        zone in proptest::sample::select(ZONES),
        now in arbitrary_now(),
    ) {
        let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
        let minute = if half { 30 } else { 0 };
        let text = format!("{} at {hour}:{minute:02}", names[weekday]);
        let zone = TimeZone::get(zone).unwrap();
        let proposal = read_proposal(&text, now, &zone).unwrap();
        let local = zone.to_datetime(proposal.exact.unwrap());
        prop_assert_eq!(local.weekday().to_monday_zero_offset() as usize, weekday);
        prop_assert_eq!((local.hour(), local.minute()), (hour, minute));
        prop_assert!(local.date() > zone.to_datetime(now).date());
    }
}

/// Words that mean something to the reader, to combine in odd orders.
const WORDS: &[&str] = &[
    "today",
    "tomorrow",
    "next",
    "week",
    "this",
    "thursday",
    "sunday",
    "at",
    "3",
    "3pm",
    "15:00",
    "after",
    "before",
    "between",
    "and",
    "2",
    "4",
    "-",
    "morning",
    "afternoon",
    "late",
    "early",
    "end",
    "of",
    "the",
    "15th",
    "31st",
    "dec",
    "february",
    "29",
    "2027-02-29",
    "31.12.",
    "noon",
    "mañana",
    "la",
    "tarde",
    "um",
    "uhr",
    "morgen",
    "nächste",
    "woche",
    "not",
    ",",
    "but",
    "CET",
    "in",
    "Chicago",
    "UTC+14",
    "GMT-12",
    "weekend",
    "0",
    "23:59",
    "12am",
    "12pm",
    "24",
];

fn within_horizon(proposal: &Proposal, now: Timestamp) -> Result<(), TestCaseError> {
    let until = now.checked_add(HORIZON).unwrap();
    prop_assert!(!proposal.windows.is_empty());
    for &(from, to) in &proposal.windows {
        prop_assert!(
            from >= now && to <= until && from < to,
            "{proposal:?} at {now}"
        );
    }
    if let Some(exact) = proposal.exact {
        prop_assert!(exact >= now && exact <= until);
    }
    Ok(())
}

#[test]
fn the_time_helpers_agree() {
    assert_eq!(day_part(Time::midnight()), DayPart::Morning);
    assert_eq!(day_part(time(12, 0, 0, 0)), DayPart::Afternoon);
    assert_eq!(day_part(time(17, 0, 0, 0)), DayPart::Evening);
}
