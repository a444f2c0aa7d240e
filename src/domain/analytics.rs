//! Pipeline analytics: overview, funnel, sources, score histogram, daily lead creations, and
//! the language model's daily usage.
//!
//! Every figure comes from counter tables that SQLite triggers keep exact (see
//! `store::analytics`), so a request costs O(buckets) or O(days), never O(leads).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use crate::app::App;
use crate::error::{Error, Result};
use crate::model::{LeadSource, LeadStatus, LlmUsage, TenantId};
use crate::store;
use crate::store::analytics::{LeadCount, SCORE_BUCKETS, slot_of};

pub const DEFAULT_DAYS: i64 = 30;
pub const MAX_DAYS: i64 = 365;

/// High-level figures for the tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub total_leads: u64,
    pub total_conversations: u64,
    /// Rounded to two decimals; 0 without conversations.
    pub avg_messages_per_conversation: f64,
    /// Percentage (0-100) of leads qualified or booked, rounded to two decimals; 0 without leads.
    pub conversion_rate: f64,
}

/// A range of qualification scores and how many leads have a score in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScoreBucket {
    pub min: u8,
    /// Inclusive: 9, 19, … 89, then 100.
    pub max: u8,
    pub count: u64,
}

/// Leads created on one local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCount {
    pub date: Date,
    pub count: u64,
}

pub async fn overview(app: &App, tenant: &TenantId) -> Result<Overview> {
    let tenant = tenant.clone();
    let (cells, (conversations, messages)) = app
        .store
        .read_quick(move |conn| {
            Ok((
                store::analytics::lead_counts(conn, &tenant)?,
                store::analytics::conversation_totals(conn, &tenant)?,
            ))
        })
        .await?;
    let total_leads = cells.iter().map(|c| c.n).sum();
    let converted = cells
        .iter()
        .filter(|c| matches!(c.status, LeadStatus::Qualified | LeadStatus::Booked))
        .map(|c| c.n)
        .sum();
    Ok(Overview {
        total_leads,
        total_conversations: conversations,
        avg_messages_per_conversation: hundredths(messages, conversations, 1),
        conversion_rate: hundredths(converted, total_leads, 100),
    })
}

/// Leads per status, all six in the funnel's order (as `LeadStatus` lists them), zeros included.
pub async fn funnel(app: &App, tenant: &TenantId) -> Result<Vec<(LeadStatus, u64)>> {
    let cells = lead_counts(app, tenant).await?;
    Ok(LeadStatus::ALL
        .iter()
        .map(|&status| (status, sum_where(&cells, |c| c.status == status)))
        .collect())
}

/// Leads per source (widget, api, import), zeros included.
pub async fn sources(app: &App, tenant: &TenantId) -> Result<Vec<(LeadSource, u64)>> {
    let cells = lead_counts(app, tenant).await?;
    Ok(LeadSource::ALL
        .iter()
        .map(|&source| (source, sum_where(&cells, |c| c.source == source)))
        .collect())
}

/// The qualification-score histogram: ten buckets of ten points, 100 in the last one.
pub async fn scores(app: &App, tenant: &TenantId) -> Result<Vec<ScoreBucket>> {
    let cells = lead_counts(app, tenant).await?;
    Ok((0..SCORE_BUCKETS)
        .map(|bucket| ScoreBucket {
            min: bucket * 10,
            max: if bucket + 1 == SCORE_BUCKETS {
                100
            } else {
                bucket * 10 + 9
            },
            count: sum_where(&cells, |c| c.score_bucket == bucket),
        })
        .collect())
}

/// Leads created per local day in `tz`: exactly `days` days ending today, oldest first,
/// zero-filled.
pub async fn activity(
    app: &App,
    tenant: &TenantId,
    days: Option<i64>,
    tz: Option<&str>,
) -> Result<Vec<DayCount>> {
    let (window, per_run) = per_day(
        app,
        tenant,
        days,
        tz,
        store::analytics::creations_per_period,
    )
    .await?;
    Ok(window.tally(&per_run))
}

/// A store query: (tenant, first slot, slots per period, periods) → (period, value) rows.
type PerPeriod<T> = fn(&rusqlite::Connection, &TenantId, i64, i64, i64) -> Result<Vec<(i64, T)>>;

/// Rows of a per-quarter-hour counter table summed per day: the window of `days` local days
/// in `tz` ending today, and for each of its runs, `per_period`'s (day in the run, value).
async fn per_day<T: Send + 'static>(
    app: &App,
    tenant: &TenantId,
    days: Option<i64>,
    tz: Option<&str>,
    per_period: PerPeriod<T>,
) -> Result<(Window, Vec<(usize, Vec<(i64, T)>)>)> {
    let days = valid_days(days)?;
    let tz = valid_time_zone(tz)?;
    let window = Window::ending_today(app.clock.now(), &tz, days)?;
    let runs = window.runs();
    let tenant = tenant.clone();
    let per_run = app
        .store
        .read_quick(move |conn| {
            runs.into_iter()
                .map(|run| {
                    let rows =
                        per_period(conn, &tenant, run.first_slot, run.slots_per_day, run.days)?;
                    Ok((run.first_day, rows))
                })
                .collect::<Result<Vec<_>>>()
        })
        .await?;
    Ok((window, per_run))
}

/// Model usage per local day in `tz`, per model: exactly `days` days ending today, oldest
/// first, days without turns empty.
pub async fn llm_usage(
    app: &App,
    tenant: &TenantId,
    days: Option<i64>,
    tz: Option<&str>,
) -> Result<Vec<DayUsage>> {
    let (window, per_run) = per_day(app, tenant, days, tz, store::llm::usage_per_period).await?;
    let mut usage: Vec<DayUsage> = window
        .dates
        .iter()
        .map(|&date| DayUsage {
            date,
            models: Vec::new(),
        })
        .collect();
    // A day lies in one run, and the query groups by day and model: each model comes once.
    window.place(&per_run, |day, (model, u): &(String, LlmUsage)| {
        usage[day].models.push((model.clone(), u.clone()));
    });
    Ok(usage)
}

/// Model usage on one local day, per model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayUsage {
    pub date: Date,
    /// By model name, each model once.
    pub models: Vec<(String, LlmUsage)>,
}

impl DayUsage {
    pub fn total(&self) -> LlmUsage {
        let mut total = LlmUsage::default();
        for (_, u) in &self.models {
            total.turns += u.turns;
            total.failed_turns += u.failed_turns;
            total.tokens_in += u.tokens_in;
            total.tokens_out += u.tokens_out;
        }
        total
    }
}

async fn lead_counts(app: &App, tenant: &TenantId) -> Result<Vec<LeadCount>> {
    let tenant = tenant.clone();
    app.store
        .read_quick(move |conn| store::analytics::lead_counts(conn, &tenant))
        .await
}

fn sum_where(cells: &[LeadCount], keep: impl Fn(&LeadCount) -> bool) -> u64 {
    cells.iter().filter(|c| keep(c)).map(|c| c.n).sum()
}

/// `part / whole × scale`, rounded half up to two decimals; 0 when `whole` is 0. Computed in
/// integers so that the same counts always give the same figure.
fn hundredths(part: u64, whole: u64, scale: u64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    let (part, whole) = (
        u128::from(part) * u128::from(scale) * 100,
        u128::from(whole),
    );
    let rounded = (2 * part + whole) / (2 * whole);
    // Counts are far below 2^53, so the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let value = rounded as f64 / 100.0;
    value
}

fn valid_days(days: Option<i64>) -> Result<u16> {
    let days = days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::invalid(
            "days",
            format!("must be an integer from 1 to {MAX_DAYS}"),
        ));
    }
    u16::try_from(days).map_err(Error::internal)
}

fn valid_time_zone(tz: Option<&str>) -> Result<TimeZone> {
    match tz {
        None => Ok(TimeZone::UTC),
        Some(name) => TimeZone::get(name.trim()).map_err(|_| {
            Error::invalid(
                "tz",
                "must be an IANA time zone name such as UTC, Europe/Amsterdam or Asia/Kathmandu",
            )
        }),
    }
}

/// Consecutive local days and the instants where they start.
#[derive(Debug)]
struct Window {
    dates: Vec<Date>,
    /// `dates.len() + 1` slot numbers: the slot each day starts in, then the one after the
    /// last day. A local midnight falls on a slot boundary in every zone in use today (their
    /// offsets are whole quarter hours), so each day is an exact run of slots.
    starts: Vec<i64>,
}

impl Window {
    /// The `days` local days in `tz` that end with the day containing `now`.
    fn ending_today(now: Timestamp, tz: &TimeZone, days: u16) -> Result<Self> {
        let today = now.to_zoned_datetime(tz.clone()).date();
        let first = today
            .checked_sub(Span::new().days(i64::from(days) - 1))
            .map_err(Error::internal)?;
        let dates: Vec<Date> = first
            .series(Span::new().days(1))
            .take(usize::from(days))
            .collect();
        let mut starts = Vec::with_capacity(dates.len() + 1);
        for date in dates
            .iter()
            .copied()
            .chain([today.tomorrow().map_err(Error::internal)?])
        {
            starts.push(slot_of(start_of_day(date, tz)?.as_millisecond()));
        }
        Ok(Self { dates, starts })
    }

    /// Consecutive days of equal length, so SQLite can group each run's slots into days
    /// itself: one run between DST changes, at most five in a year.
    fn runs(&self) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for (day, bounds) in self.starts.windows(2).enumerate() {
            let (start, length) = (bounds[0], bounds[1] - bounds[0]);
            match runs.last_mut() {
                Some(run) if run.slots_per_day == length => run.days += 1,
                _ => runs.push(Run {
                    first_day: day,
                    first_slot: start,
                    slots_per_day: length,
                    days: 1,
                }),
            }
        }
        runs
    }

    /// Puts each run's per-day counts on its dates; days without leads stay 0.
    fn tally(&self, per_run: &[(usize, Vec<(i64, u64)>)]) -> Vec<DayCount> {
        let mut counts = vec![0; self.dates.len()];
        self.place(per_run, |day, n| counts[day] += *n);
        self.dates
            .iter()
            .zip(counts)
            .map(|(&date, count)| DayCount { date, count })
            .collect()
    }

    /// Hands each run's per-day values to `put` with the index of their day in the window.
    fn place<T>(&self, per_run: &[(usize, Vec<(i64, T)>)], mut put: impl FnMut(usize, &T)) {
        for (first_day, days) in per_run {
            for (offset, value) in days {
                let day = usize::try_from(*offset).ok().map(|o| first_day + o);
                if let Some(day) = day.filter(|d| *d < self.dates.len()) {
                    put(day, value);
                }
            }
        }
    }
}

/// Days in a row that are equally long (in slots).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// Index of the run's first day in the window.
    first_day: usize,
    first_slot: i64,
    slots_per_day: i64,
    days: i64,
}

/// The instant a local day starts: midnight, or the end of the gap when a DST change skips
/// midnight (jiff's "compatible" disambiguation).
fn start_of_day(date: Date, tz: &TimeZone) -> Result<Timestamp> {
    Ok(date
        .to_zoned_datetime(tz.clone())
        .map_err(Error::internal)?
        .timestamp())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use jiff::civil::date;

    use super::*;
    use crate::store::analytics::SLOT_MS;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn tz(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn slot(text: &str) -> i64 {
        slot_of(at(text).as_millisecond())
    }

    #[test]
    fn rates_round_half_up_to_two_decimals() {
        assert!((hundredths(1, 3, 100) - 33.33).abs() < f64::EPSILON);
        assert!((hundredths(2, 3, 100) - 66.67).abs() < f64::EPSILON);
        assert!((hundredths(1, 8, 100) - 12.5).abs() < f64::EPSILON);
        assert!((hundredths(1, 800, 100) - 0.13).abs() < f64::EPSILON);
        assert!((hundredths(11, 3, 1) - 3.67).abs() < f64::EPSILON);
        assert!(hundredths(5, 0, 100).abs() < f64::EPSILON);
        assert!((hundredths(u64::MAX, u64::MAX, 100) - 100.0).abs() < f64::EPSILON);
    }

    #[test]
    fn days_default_to_30_and_stay_within_1_to_365() {
        assert_eq!(valid_days(None).unwrap(), 30);
        assert_eq!(valid_days(Some(1)).unwrap(), 1);
        assert_eq!(valid_days(Some(365)).unwrap(), 365);
        for bad in [0, -1, 366, i64::MAX] {
            assert!(
                valid_days(Some(bad))
                    .unwrap_err()
                    .to_string()
                    .starts_with("days:")
            );
        }
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(valid_time_zone(None).unwrap(), TimeZone::UTC);
        assert!(valid_time_zone(Some("Asia/Kathmandu")).is_ok());
        for bad in ["Mars/Nowhere", "", "+05:00"] {
            assert!(
                valid_time_zone(Some(bad))
                    .unwrap_err()
                    .to_string()
                    .starts_with("tz:")
            );
        }
    }

    #[test]
    fn a_window_is_the_last_days_ending_today_in_the_zone() {
        let now = at("2026-03-10T23:30:00Z");
        let utc = Window::ending_today(now, &TimeZone::UTC, 3).unwrap();
        assert_eq!(
            utc.dates,
            vec![date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 10)]
        );
        let amsterdam = Window::ending_today(now, &tz("Europe/Amsterdam"), 1).unwrap();
        assert_eq!(amsterdam.dates, vec![date(2026, 3, 11)]);
        assert_eq!(
            amsterdam.starts,
            vec![slot("2026-03-10T23:00:00Z"), slot("2026-03-11T23:00:00Z")]
        );
    }

    #[test]
    fn kathmandu_days_start_at_quarter_to() {
        let window =
            Window::ending_today(at("2026-03-10T12:00:00Z"), &tz("Asia/Kathmandu"), 2).unwrap();
        assert_eq!(
            window.starts,
            vec![
                slot("2026-03-08T18:15:00Z"),
                slot("2026-03-09T18:15:00Z"),
                slot("2026-03-10T18:15:00Z")
            ]
        );
    }

    /// 2026-03-29: Amsterdam springs forward; that day has 23 hours (92 slots).
    #[test]
    fn a_dst_day_is_shorter() {
        let window =
            Window::ending_today(at("2026-03-30T12:00:00Z"), &tz("Europe/Amsterdam"), 2).unwrap();
        assert_eq!(window.starts[1] - window.starts[0], 23 * 4);
        assert_eq!(window.starts[2] - window.starts[1], 24 * 4);
    }

    /// Santiago moves its clocks at midnight: the day starts at 01:00, when the gap ends.
    #[test]
    fn a_day_whose_midnight_is_skipped_starts_after_the_gap() {
        let start = start_of_day(date(2026, 9, 6), &tz("America/Santiago")).unwrap();
        assert_eq!(start, at("2026-09-06T04:00:00Z"));
    }

    /// Around the spring DST change: 24-hour days, the 23-hour day, 24-hour days again.
    #[test]
    fn a_window_splits_into_runs_of_equal_days() {
        let window =
            Window::ending_today(at("2026-04-01T12:00:00Z"), &tz("Europe/Amsterdam"), 7).unwrap();
        assert_eq!(
            window.runs(),
            vec![
                Run {
                    first_day: 0,
                    first_slot: slot("2026-03-25T23:00:00Z"),
                    slots_per_day: 96,
                    days: 3
                },
                Run {
                    first_day: 3,
                    first_slot: slot("2026-03-28T23:00:00Z"),
                    slots_per_day: 92,
                    days: 1
                },
                Run {
                    first_day: 4,
                    first_slot: slot("2026-03-29T22:00:00Z"),
                    slots_per_day: 96,
                    days: 3
                },
            ]
        );
        let utc = Window::ending_today(at("2026-04-01T12:00:00Z"), &TimeZone::UTC, 365).unwrap();
        assert_eq!(utc.runs().len(), 1);
        assert_eq!(24 * 3_600_000 / SLOT_MS, 96);
    }

    #[test]
    fn run_counts_land_on_their_dates() {
        let window = Window::ending_today(at("2026-03-10T12:00:00Z"), &TimeZone::UTC, 3).unwrap();
        let counts = window.tally(&[(0, vec![(0, 1), (2, 4)]), (2, vec![(1, 100)])]);
        assert_eq!(
            counts,
            vec![
                DayCount {
                    date: date(2026, 3, 8),
                    count: 1
                },
                DayCount {
                    date: date(2026, 3, 9),
                    count: 0
                },
                DayCount {
                    date: date(2026, 3, 10),
                    count: 4
                },
            ]
        );
    }
}
