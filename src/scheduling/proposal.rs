//! A meeting time a visitor proposes in their own words: "Thursday at 3pm", "tomorrow
//! afternoon my time, I'm in Chicago", "early next week", "mañana a las 3",
//! "Donnerstag Nachmittag".
//!
//! Hand-written because the crates that read English dates (chrono-english, two_timer) give
//! one instant, not the windows ("afternoon", "after 2", "next week") a booking needs, and
//! know no Spanish or German. Bare numbers and ordinals are left to the caller as picks
//! from a list; a project timeline ("we start next month") is not a meeting.

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::lexicon::Part;
use super::phrases::{self, Bound, Clock, Meridiem, Said, Which};
use super::{words, zones};

/// When the visitor would meet: instants, already in UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Spans any free slot inside of which would suit, earliest first; for an exact time,
    /// the hour that starts at it.
    pub windows: Vec<(Timestamp, Timestamp)>,
    /// The very start asked for, when a precise time on one day was given.
    pub exact: Option<Timestamp>,
}

/// How far ahead a proposal may reach.
pub const HORIZON: SignedDuration = SignedDuration::from_hours(60 * 24);

/// The window around an exact time, for callers looking for what is near it.
const EXACT_MINUTES: u16 = 60;

const DAY_MINUTES: u16 = 24 * 60;

/// The time `text` proposes, read in `zone` unless the text names another zone, as of
/// `now`. `None` when it names no day or time, or only past or far-off ones.
pub fn read_proposal(text: &str, now: Timestamp, zone: &TimeZone) -> Option<Proposal> {
    let named = zones::named_zone(text);
    let zone = named.as_ref().map_or(zone, |named| &named.tz);
    let today = zone.to_datetime(now).date();
    let said = phrases::read(&words::words(text), today);
    if !said.names_a_day() && !said.names_a_time() {
        return None;
    }
    if !said.names_a_time() && said.timeline && !said.meeting {
        return None;
    }
    let ranges = ranges(&said);
    let days = if said.names_a_day() {
        days(&said, today)
    } else {
        first_day_ahead(&ranges, today, now, zone)
            .into_iter()
            .collect()
    };
    let until = now.checked_add(HORIZON).unwrap_or(Timestamp::MAX);
    let mut windows = Vec::new();
    for day in &days {
        for range in &ranges {
            if let Some(window) = window(*day, *range, zone, now, until) {
                windows.push(window);
            }
        }
    }
    windows.sort();
    windows.dedup();
    let exact = match (days.as_slice(), ranges.as_slice(), windows.as_slice()) {
        ([_], [range], [(start, _)]) if range.exact => Some(*start),
        _ => None,
    };
    (!windows.is_empty()).then_some(Proposal { windows, exact })
}

/// Part of one local day, in minutes after midnight; `exact` when it starts at a said time.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Range {
    start: u16,
    end: u16,
    exact: bool,
}

/// The times of day said: clocks, else bounds, else parts of the day, else the whole day.
fn ranges(said: &Said) -> Vec<Range> {
    let part = said.parts.first().copied();
    if !said.clocks.is_empty() {
        return said
            .clocks
            .iter()
            .map(|clock| {
                let start = minutes(*clock, &said.parts);
                Range {
                    start,
                    end: (start + EXACT_MINUTES).min(DAY_MINUTES),
                    exact: true,
                }
            })
            .collect();
    }
    if !said.bounds.is_empty() {
        return said
            .bounds
            .iter()
            .filter_map(|bound| bounded(*bound, part, &said.parts))
            .collect();
    }
    if !said.parts.is_empty() {
        return said
            .parts
            .iter()
            .map(|&(start, end)| Range {
                start,
                end,
                exact: false,
            })
            .collect();
    }
    vec![Range {
        start: 0,
        end: DAY_MINUTES,
        exact: false,
    }]
}

/// "after 2" runs to the end of the part of day said (or of the day), "before 11" from its start.
fn bounded(bound: Bound, part: Option<Part>, parts: &[Part]) -> Option<Range> {
    let (start, end) = match bound {
        Bound::After(clock) => {
            let start = minutes(clock, parts);
            let end = part.map(|p| p.1).filter(|end| *end > start);
            (start, end.unwrap_or(DAY_MINUTES))
        }
        Bound::Before(clock) => {
            let end = minutes(clock, parts);
            let start = part.map(|p| p.0).filter(|start| *start < end);
            (start.unwrap_or(0), end)
        }
        Bound::Between(from, to) => {
            let start = minutes(from, parts);
            let mut end = minutes(to, parts);
            // "between 10 and 2": the end is in the afternoon.
            if end <= start && to.meridiem.is_none() && !to.literal && to.hour < 12 {
                end += 12 * 60;
            }
            (start, end)
        }
    };
    (start < end).then_some(Range {
        start,
        end,
        exact: false,
    })
}

/// "at 3" is 15:00, "at 9" is 09:00: the reading inside business hours.
fn business_hour(hour: u16) -> u16 {
    if (1..=7).contains(&hour) {
        hour + 12
    } else {
        hour
    }
}

/// Minutes after midnight of a clock said without am/pm: inside the part of day said if
/// one reading fits, else in business hours ("at 3" is 15:00, "at 9" is 09:00).
fn minutes(clock: Clock, parts: &[Part]) -> u16 {
    let minute = u16::from(clock.minute);
    let hour = u16::from(clock.hour);
    let hour = match clock.meridiem {
        Some(Meridiem::Am) => hour % 12,
        Some(Meridiem::Pm) => hour % 12 + 12,
        None if clock.literal => hour,
        None if parts.is_empty() => business_hour(hour),
        None => {
            // The reading nearest the part of day said: "7 in the morning", "8 in the evening".
            let distance = |h: u16| {
                let at = h * 60 + minute;
                parts
                    .iter()
                    .map(|&(s, e)| s.saturating_sub(at).max(at.saturating_sub(e)))
                    .min()
                    .unwrap_or(u16::MAX)
            };
            let pm = (hour < 12).then_some(hour + 12);
            match pm {
                Some(pm) if distance(pm) < distance(hour) => pm,
                Some(_) | None => hour,
            }
        }
    };
    (hour * 60 + minute).min(DAY_MINUTES - 1)
}

/// The days said, earliest first: dates, weekdays (within a span said with them: "Thursday
/// next week"), and the days of spans.
fn days(said: &Said, today: Date) -> Vec<Date> {
    /// No proposal runs past the horizon, so no span needs more days than it has.
    const MOST_DAYS: usize = 62;
    let span_days: Vec<Date> = said
        .spans
        .iter()
        .flat_map(|&(first, last)| {
            first
                .series(jiff::Span::new().days(1))
                .take_while(move |day| *day <= last)
                .take(MOST_DAYS)
        })
        .collect();
    // "Thursday 10 December": the weekday only describes the date.
    let weekdays: Vec<(Weekday, Which)> = said
        .weekdays
        .iter()
        .filter(|(weekday, _)| !said.dates.iter().any(|d| d.weekday() == *weekday))
        .copied()
        .collect();
    let mut days = said.dates.clone();
    let within: Vec<Date> = span_days
        .iter()
        .filter(|day| weekdays.iter().any(|(w, _)| *w == day.weekday()))
        .copied()
        .collect();
    if within.is_empty() {
        days.extend(span_days);
        days.extend(
            weekdays
                .iter()
                .filter_map(|&(w, which)| next_weekday(today, w, which)),
        );
    } else {
        days.extend(within);
    }
    days.sort_unstable();
    days.dedup();
    days.truncate(MOST_DAYS);
    days
}

/// "this Thursday" may be today; "Thursday" and "next Thursday" are the next one after today.
fn next_weekday(today: Date, weekday: Weekday, which: Which) -> Option<Date> {
    match which {
        Which::This if today.weekday() == weekday => Some(today),
        Which::Last => today.nth_weekday(-1, weekday).ok(),
        Which::This | Which::Coming => today.nth_weekday(1, weekday).ok(),
    }
}

/// For a time said without a day ("at 3pm", "after 2"): today if it is still ahead, else
/// the next day.
fn first_day_ahead(ranges: &[Range], today: Date, now: Timestamp, zone: &TimeZone) -> Option<Date> {
    (0..7).find_map(|offset| {
        let day = today.checked_add(jiff::Span::new().days(offset)).ok()?;
        let ahead = ranges.iter().any(|range| {
            let start = at(day, range.start, zone);
            let end = at(day, range.end, zone);
            if range.exact {
                start.is_some_and(|start| start >= now)
            } else {
                end.is_some_and(|end| end > now)
            }
        });
        ahead.then_some(day)
    })
}

/// The range on `day` as instants, cut to [now, until]; an exact time already past is dropped.
fn window(
    day: Date,
    range: Range,
    zone: &TimeZone,
    now: Timestamp,
    until: Timestamp,
) -> Option<(Timestamp, Timestamp)> {
    let start = at(day, range.start, zone)?;
    let end = at(day, range.end, zone)?;
    if range.exact && (start < now || start > until) {
        return None;
    }
    let (start, end) = (start.max(now), end.min(until));
    (start < end).then_some((start, end))
}

/// `minutes` after the local midnight starting `day` (1440 is the next midnight).
fn at(day: Date, minutes: u16, zone: &TimeZone) -> Option<Timestamp> {
    let local = day
        .to_datetime(jiff::civil::Time::midnight())
        .checked_add(SignedDuration::from_mins(i64::from(minutes)))
        .ok()?;
    zone.to_timestamp(local).ok()
}

#[cfg(test)]
mod tests;
