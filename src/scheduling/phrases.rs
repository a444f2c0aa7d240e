//! What a message says about days and times, word by word: the reading half of
//! [`super::proposal`]. Each word is claimed for at most one meaning.

use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::words::{BREAK, DASH};

/// A span of a day in minutes after midnight, end exclusive: 09:00–12:00 is (540, 720).
pub(super) type Part = (u16, u16);

pub(super) const MORNING: Part = (540, 720);
pub(super) const LUNCH: Part = (720, 810);
pub(super) const AFTERNOON: Part = (720, 1020);
const LATE_AFTERNOON: Part = (900, 1020);
const EARLY_AFTERNOON: Part = (720, 900);
const LATE_MORNING: Part = (600, 720);
const EARLY_MORNING: Part = (480, 600);
const FIRST_THING: Part = (540, 600);
pub(super) const EVENING: Part = (1020, 1200);

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Meridiem {
    Am,
    Pm,
}

/// A clock time as said: "3", "3pm", "15:00", "noon".
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Clock {
    pub hour: u8,
    pub minute: u8,
    pub meridiem: Option<Meridiem>,
    /// Said on a 24-hour clock ("15:00", "09:30", "14 Uhr"): no am/pm guess applies.
    pub literal: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Bound {
    After(Clock),
    Before(Clock),
    Between(Clock, Clock),
}

/// Which of the weekdays named: "this Thursday" may be today, "Thursday" is the next one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Which {
    This,
    Coming,
    /// "last Thursday": past, so never a proposal.
    Last,
}

/// Everything the message said about when.
#[derive(Debug, Default)]
pub(super) struct Said {
    pub dates: Vec<Date>,
    pub weekdays: Vec<(Weekday, Which)>,
    /// Runs of days, inclusive: "next week", "end of the week".
    pub spans: Vec<(Date, Date)>,
    pub parts: Vec<Part>,
    pub clocks: Vec<Clock>,
    pub bounds: Vec<Bound>,
    /// Talks about a project's timeline ("start", "go live", "decide"), not a meeting.
    pub timeline: bool,
    /// Talks about a meeting ("call", "demo", "free", "works").
    pub meeting: bool,
}

impl Said {
    pub fn names_a_day(&self) -> bool {
        !(self.dates.is_empty() && self.weekdays.is_empty() && self.spans.is_empty())
    }

    pub fn names_a_time(&self) -> bool {
        !(self.parts.is_empty() && self.clocks.is_empty() && self.bounds.is_empty())
    }
}

/// What a fixed phrase means.
#[derive(Debug, Clone, Copy)]
enum Act {
    /// A greeting or wish ("good morning", "buenas tardes"): no time at all.
    Skip,
    Span(Span),
    /// Days from today: "tomorrow" is 1.
    Day(i8),
    DayPart(i8, Part),
    Part(Part),
    /// "any time": the whole day, which is what no time means anyway.
    Whole,
}

#[derive(Debug, Clone, Copy)]
enum Span {
    ThisWeek,
    EndOfWeek,
    Weekend,
    NextWeek,
    EarlyNextWeek,
    MidNextWeek,
    LateNextWeek,
    WeekAfterNext,
}

const PHRASES: &[(&str, Act)] = &[
    ("good morning", Act::Skip),
    ("good afternoon", Act::Skip),
    ("good evening", Act::Skip),
    ("good night", Act::Skip),
    ("good day", Act::Skip),
    ("nice day", Act::Skip),
    ("great day", Act::Skip),
    ("good weekend", Act::Skip),
    ("nice weekend", Act::Skip),
    ("great weekend", Act::Skip),
    ("buenos dias", Act::Skip),
    ("buen dia", Act::Skip),
    ("buenas tardes", Act::Skip),
    ("buenas noches", Act::Skip),
    ("guten morgen", Act::Skip),
    ("guten tag", Act::Skip),
    ("guten abend", Act::Skip),
    ("gute nacht", Act::Skip),
    ("schones wochenende", Act::Skip),
    ("this week", Act::Span(Span::ThisWeek)),
    ("esta semana", Act::Span(Span::ThisWeek)),
    ("diese woche", Act::Span(Span::ThisWeek)),
    ("dieser woche", Act::Span(Span::ThisWeek)),
    ("end of the week", Act::Span(Span::EndOfWeek)),
    ("end of this week", Act::Span(Span::EndOfWeek)),
    ("end of week", Act::Span(Span::EndOfWeek)),
    ("later this week", Act::Span(Span::EndOfWeek)),
    ("late this week", Act::Span(Span::EndOfWeek)),
    ("fin de la semana", Act::Span(Span::EndOfWeek)),
    ("final de la semana", Act::Span(Span::EndOfWeek)),
    ("finales de esta semana", Act::Span(Span::EndOfWeek)),
    ("ende der woche", Act::Span(Span::EndOfWeek)),
    ("ende dieser woche", Act::Span(Span::EndOfWeek)),
    ("this weekend", Act::Span(Span::Weekend)),
    ("the weekend", Act::Span(Span::Weekend)),
    ("weekend", Act::Span(Span::Weekend)),
    ("fin de semana", Act::Span(Span::Weekend)),
    ("wochenende", Act::Span(Span::Weekend)),
    ("next week", Act::Span(Span::NextWeek)),
    ("the following week", Act::Span(Span::NextWeek)),
    ("la proxima semana", Act::Span(Span::NextWeek)),
    ("proxima semana", Act::Span(Span::NextWeek)),
    ("la semana que viene", Act::Span(Span::NextWeek)),
    ("semana que viene", Act::Span(Span::NextWeek)),
    ("la semana proxima", Act::Span(Span::NextWeek)),
    ("nachste woche", Act::Span(Span::NextWeek)),
    ("naechste woche", Act::Span(Span::NextWeek)),
    ("nachsten woche", Act::Span(Span::NextWeek)),
    ("naechsten woche", Act::Span(Span::NextWeek)),
    ("kommende woche", Act::Span(Span::NextWeek)),
    ("kommenden woche", Act::Span(Span::NextWeek)),
    ("early next week", Act::Span(Span::EarlyNextWeek)),
    ("beginning of next week", Act::Span(Span::EarlyNextWeek)),
    ("start of next week", Act::Span(Span::EarlyNextWeek)),
    (
        "principios de la proxima semana",
        Act::Span(Span::EarlyNextWeek),
    ),
    (
        "principios de la semana que viene",
        Act::Span(Span::EarlyNextWeek),
    ),
    ("anfang nachster woche", Act::Span(Span::EarlyNextWeek)),
    ("anfang naechster woche", Act::Span(Span::EarlyNextWeek)),
    ("anfang der nachsten woche", Act::Span(Span::EarlyNextWeek)),
    ("mid next week", Act::Span(Span::MidNextWeek)),
    ("middle of next week", Act::Span(Span::MidNextWeek)),
    ("mitte nachster woche", Act::Span(Span::MidNextWeek)),
    ("mitte der nachsten woche", Act::Span(Span::MidNextWeek)),
    ("late next week", Act::Span(Span::LateNextWeek)),
    ("later next week", Act::Span(Span::LateNextWeek)),
    ("end of next week", Act::Span(Span::LateNextWeek)),
    ("later in the next week", Act::Span(Span::LateNextWeek)),
    (
        "finales de la proxima semana",
        Act::Span(Span::LateNextWeek),
    ),
    ("ende nachster woche", Act::Span(Span::LateNextWeek)),
    ("ende naechster woche", Act::Span(Span::LateNextWeek)),
    ("ende der nachsten woche", Act::Span(Span::LateNextWeek)),
    ("the week after next", Act::Span(Span::WeekAfterNext)),
    ("ubernachste woche", Act::Span(Span::WeekAfterNext)),
    ("yesterday", Act::Day(-1)),
    ("ayer", Act::Day(-1)),
    ("gestern", Act::Day(-1)),
    ("today", Act::Day(0)),
    ("hoy", Act::Day(0)),
    ("heute", Act::Day(0)),
    ("tomorrow", Act::Day(1)),
    ("tmrw", Act::Day(1)),
    ("tmr", Act::Day(1)),
    ("tomorow", Act::Day(1)),
    ("tommorow", Act::Day(1)),
    ("tommorrow", Act::Day(1)),
    ("tomorrw", Act::Day(1)),
    ("2morrow", Act::Day(1)),
    ("manana", Act::Day(1)),
    ("morgen", Act::Day(1)),
    ("day after tomorrow", Act::Day(2)),
    ("the day after tomorrow", Act::Day(2)),
    ("pasado manana", Act::Day(2)),
    ("ubermorgen", Act::Day(2)),
    ("uebermorgen", Act::Day(2)),
    ("tonight", Act::DayPart(0, EVENING)),
    ("tonite", Act::DayPart(0, EVENING)),
    ("this evening", Act::DayPart(0, EVENING)),
    ("this morning", Act::DayPart(0, MORNING)),
    ("this afternoon", Act::DayPart(0, AFTERNOON)),
    ("esta manana", Act::DayPart(0, MORNING)),
    ("esta tarde", Act::DayPart(0, AFTERNOON)),
    ("esta noche", Act::DayPart(0, EVENING)),
    ("morgen fruh", Act::DayPart(1, MORNING)),
    ("morgen frueh", Act::DayPart(1, MORNING)),
    ("morning", Act::Part(MORNING)),
    ("mornings", Act::Part(MORNING)),
    ("late morning", Act::Part(LATE_MORNING)),
    ("mid morning", Act::Part(LATE_MORNING)),
    ("midmorning", Act::Part(LATE_MORNING)),
    ("early morning", Act::Part(EARLY_MORNING)),
    ("first thing", Act::Part(FIRST_THING)),
    ("first thing in the morning", Act::Part(FIRST_THING)),
    ("lunch", Act::Part(LUNCH)),
    ("lunchtime", Act::Part(LUNCH)),
    ("lunch time", Act::Part(LUNCH)),
    ("midday", Act::Part(LUNCH)),
    ("mid day", Act::Part(LUNCH)),
    ("afternoon", Act::Part(AFTERNOON)),
    ("afternoons", Act::Part(AFTERNOON)),
    ("arvo", Act::Part(AFTERNOON)),
    ("late afternoon", Act::Part(LATE_AFTERNOON)),
    ("early afternoon", Act::Part(EARLY_AFTERNOON)),
    ("evening", Act::Part(EVENING)),
    ("evenings", Act::Part(EVENING)),
    ("la manana", Act::Part(MORNING)),
    ("las mananas", Act::Part(MORNING)),
    ("la tarde", Act::Part(AFTERNOON)),
    ("las tardes", Act::Part(AFTERNOON)),
    ("la noche", Act::Part(EVENING)),
    ("mediodia", Act::Part(LUNCH)),
    ("vormittag", Act::Part(MORNING)),
    ("vormittags", Act::Part(MORNING)),
    ("morgens", Act::Part(MORNING)),
    ("am morgen", Act::Part(MORNING)),
    ("mittag", Act::Part(LUNCH)),
    ("mittags", Act::Part(LUNCH)),
    ("mittagszeit", Act::Part(LUNCH)),
    ("nachmittag", Act::Part(AFTERNOON)),
    ("nachmittags", Act::Part(AFTERNOON)),
    ("spaten nachmittag", Act::Part(LATE_AFTERNOON)),
    ("spater nachmittag", Act::Part(LATE_AFTERNOON)),
    ("fruhen nachmittag", Act::Part(EARLY_AFTERNOON)),
    ("abend", Act::Part(EVENING)),
    ("abends", Act::Part(EVENING)),
    ("any time", Act::Whole),
    ("anytime", Act::Whole),
    ("all day", Act::Whole),
    ("whenever", Act::Whole),
    ("cualquier hora", Act::Whole),
    ("todo el dia", Act::Whole),
    ("jederzeit", Act::Whole),
    ("ganzen tag", Act::Whole),
];

/// The phrases by their first word, longest first.
type PhraseIndex = HashMap<&'static str, Vec<(Vec<&'static str>, Act)>>;

/// German day-part endings of a compound: "Donnerstagnachmittag".
const COMPOUND_PARTS: &[(&str, Part)] = &[
    ("nachmittag", AFTERNOON),
    ("vormittag", MORNING),
    ("morgen", MORNING),
    ("mittag", LUNCH),
    ("abend", EVENING),
];

/// Words that put the time on a project's timeline rather than on a meeting.
const TIMELINE: &[&str] = &[
    "start",
    "starting",
    "launch",
    "launching",
    "live",
    "rollout",
    "roll",
    "implement",
    "implementation",
    "deploy",
    "deployment",
    "migrate",
    "migration",
    "onboard",
    "onboarding",
    "decide",
    "decision",
    "sign",
    "signing",
    "purchase",
    "buy",
    "buying",
    "budget",
    "contract",
    "renew",
    "renewal",
    "begin",
    "kickoff",
    "project",
    "think",
    "back",
    "reply",
    "respond",
    "review",
    "empezar",
    "empezamos",
    "comenzar",
    "lanzar",
    "implementar",
    "starten",
    "beginnen",
    "einfuhren",
    "loslegen",
];

/// Words that talk about meeting.
const MEETING: &[&str] = &[
    "call",
    "calls",
    "meet",
    "meeting",
    "meetings",
    "chat",
    "talk",
    "speak",
    "demo",
    "free",
    "available",
    "availability",
    "works",
    "work",
    "suit",
    "suits",
    "suitable",
    "book",
    "booking",
    "schedule",
    "slot",
    "slots",
    "invite",
    "catch",
    "sync",
    "connect",
    "llamada",
    "reunion",
    "hablar",
    "reunirnos",
    "disponible",
    "libre",
    "termin",
    "gesprach",
    "telefonieren",
    "anruf",
    "passt",
    "treffen",
    "zeit",
];

/// Words after a number that make it a quantity.
const UNITS: &[&str] = &[
    "week",
    "weeks",
    "day",
    "days",
    "month",
    "months",
    "year",
    "years",
    "people",
    "persons",
    "users",
    "seats",
    "reps",
    "employees",
    "minutes",
    "mins",
    "min",
    "hours",
    "k",
    "semanas",
    "dias",
    "meses",
    "personas",
    "wochen",
    "tage",
    "monate",
    "leute",
    "personen",
    "of",
    "percent",
    "x",
    "calls",
    "times",
    "per",
    "each",
];

/// Reads `words` (from [`super::words::words`]) as of `today` in the zone meant.
pub(super) fn read(words: &[String], today: Date) -> Said {
    let kept = affirmed(words);
    let mut reader = Reader {
        used: vec![false; kept.len()],
        day_word: vec![false; kept.len()],
        words: kept,
        today,
        said: Said::default(),
    };
    reader.read_phrases();
    reader.read_weekdays();
    reader.read_dates();
    reader.read_times();
    reader.read_days_of_month();
    reader.read_bare_pm();
    reader.read_topic();
    reader.said
}

/// The words without the clauses that say what does NOT work: "I can't do Thursday, but
/// Friday at 2 works" keeps "Friday at 2 works".
fn affirmed(words: &[String]) -> Vec<&str> {
    fn flush<'w>(clause: &mut Vec<&'w str>, kept: &mut Vec<&'w str>) {
        if !negated(clause) {
            kept.append(clause);
        }
        clause.clear();
        kept.push(BREAK);
    }
    let mut kept = Vec::with_capacity(words.len());
    let mut clause: Vec<&str> = Vec::new();
    for (at, word) in words.iter().enumerate() {
        let next = words.get(at + 1).map(String::as_str);
        let starts_clause = matches!(
            word.as_str(),
            "but" | "pero" | "aber" | "sondern" | "however" | "instead"
        ) || (matches!(word.as_str(), "how" | "what") && next == Some("about"));
        if word == BREAK || starts_clause {
            flush(&mut clause, &mut kept);
        }
        if word != BREAK {
            clause.push(word);
        }
    }
    flush(&mut clause, &mut kept);
    kept
}

fn negated(clause: &[&str]) -> bool {
    clause.iter().enumerate().any(|(at, word)| {
        let before = at.checked_sub(1).map(|b| clause[b]);
        let after = clause.get(at + 1).copied();
        match *word {
            "not" | "cannot" | "cant" | "doesnt" | "dont" | "wont" | "isnt" | "busy"
            | "unavailable" | "nicht" | "kein" | "keine" | "never" | "nunca" | "ocupado"
            | "ocupada" => true,
            // "can't" arrives as "can" "t".
            "t" => matches!(
                before,
                Some(
                    "can"
                        | "don"
                        | "doesn"
                        | "won"
                        | "isn"
                        | "aren"
                        | "wasn"
                        | "couldn"
                        | "wouldn"
                        | "didn"
                )
            ),
            "no" => matches!(
                after,
                Some(
                    "puedo"
                        | "puede"
                        | "podemos"
                        | "me"
                        | "es"
                        | "va"
                        | "estoy"
                        | "funciona"
                        | "tengo"
                        | "good"
                        | "go"
                )
            ),
            _ => false,
        }
    })
}

struct Reader<'w> {
    words: Vec<&'w str>,
    used: Vec<bool>,
    /// Words that name a day or a part of one: a bare number beside them is an hour.
    day_word: Vec<bool>,
    today: Date,
    said: Said,
}

impl Reader<'_> {
    fn word(&self, at: usize) -> Option<&str> {
        self.words.get(at).copied()
    }

    /// The word at `at` unless it is claimed already.
    fn free(&self, at: usize) -> Option<&str> {
        (!*self.used.get(at)?).then(|| self.words[at])
    }

    fn claim(&mut self, from: usize, count: usize, names_day: bool) {
        for at in from..(from + count).min(self.words.len()) {
            self.used[at] = true;
            self.day_word[at] |= names_day;
        }
    }

    fn days_from_today(&self, days: i64) -> Option<Date> {
        self.today.checked_add(days.days()).ok()
    }

    fn read_phrases(&mut self) {
        static BY_FIRST: LazyLock<PhraseIndex> = LazyLock::new(|| {
            let mut map = PhraseIndex::new();
            for &(phrase, act) in PHRASES {
                let words: Vec<&str> = phrase.split(' ').collect();
                map.entry(words[0]).or_default().push((words, act));
            }
            for entries in map.values_mut() {
                entries.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
            }
            map
        });
        for at in 0..self.words.len() {
            let Some(entries) = self.free(at).and_then(|word| BY_FIRST.get(word)) else {
                continue;
            };
            let found = entries.iter().find(|(phrase, _)| {
                phrase
                    .iter()
                    .enumerate()
                    .all(|(i, w)| self.free(at + i) == Some(*w))
            });
            if let Some((phrase, act)) = found {
                self.claim(at, phrase.len(), !matches!(act, Act::Skip));
                self.act(*act);
            }
        }
    }

    fn act(&mut self, act: Act) {
        match act {
            Act::Skip | Act::Whole => {}
            Act::Span(span) => {
                if let Some(run) = self.span(span) {
                    self.said.spans.push(run);
                }
            }
            Act::Day(offset) => {
                if let Some(day) = self.days_from_today(offset.into()) {
                    self.said.dates.push(day);
                }
            }
            Act::DayPart(offset, part) => {
                self.act(Act::Day(offset));
                self.said.parts.push(part);
            }
            Act::Part(part) => self.said.parts.push(part),
        }
    }

    /// The days a span covers, from today's week.
    fn span(&self, span: Span) -> Option<(Date, Date)> {
        let today = self.today;
        let monday = today
            .checked_sub(i64::from(today.weekday().to_monday_zero_offset()).days())
            .ok()?;
        let day = |offset: i64| monday.checked_add(offset.days()).ok();
        Some(match span {
            Span::ThisWeek => (today, day(6)?),
            Span::EndOfWeek if today > day(4)? => (day(10)?, day(11)?),
            Span::EndOfWeek => (today.max(day(3)?), day(4)?),
            Span::Weekend => (today.max(day(5)?), day(6)?),
            Span::NextWeek => (day(7)?, day(13)?),
            Span::EarlyNextWeek => (day(7)?, day(8)?),
            Span::MidNextWeek => (day(9)?, day(9)?),
            Span::LateNextWeek => (day(10)?, day(11)?),
            Span::WeekAfterNext => (day(14)?, day(20)?),
        })
    }

    fn read_weekdays(&mut self) {
        for at in 0..self.words.len() {
            let Some(word) = self.free(at) else {
                continue;
            };
            let (weekday, part) = match weekday_named(word) {
                Some(weekday) => (weekday, None),
                None => match compound(word) {
                    Some(found) => found,
                    None => continue,
                },
            };
            // "c'mon" is not Monday.
            if word == "mon" && at.checked_sub(1).and_then(|b| self.word(b)) == Some("c") {
                continue;
            }
            let modifier = at.checked_sub(1).and_then(|b| self.free(b));
            let which = match modifier {
                Some("this" | "este" | "diesen" | "diesem" | "dieser") => Which::This,
                Some("last" | "letzten" | "letzter" | "previous") => Which::Last,
                _ => Which::Coming,
            };
            let modified = matches!(
                modifier,
                Some(
                    "this"
                        | "este"
                        | "diesen"
                        | "diesem"
                        | "dieser"
                        | "next"
                        | "coming"
                        | "last"
                        | "letzten"
                        | "letzter"
                        | "previous"
                        | "proximo"
                        | "nachsten"
                        | "naechsten"
                        | "kommenden"
                        | "nachster"
                )
            );
            if modified {
                self.claim(at - 1, 1, true);
            }
            self.claim(at, 1, true);
            self.said.weekdays.push((weekday, which));
            if let Some(part) = part {
                self.said.parts.push(part);
            }
        }
    }

    /// "Dec 10", "10 December", "December 10th, 2026", "10 de diciembre", "10. Dezember",
    /// "2026-12-10", "10.12.".
    fn read_dates(&mut self) {
        for at in 0..self.words.len() {
            let Some(word) = self.free(at) else {
                continue;
            };
            if let Some((day, month, year)) = dotted_date(word) {
                self.date_said(at, 1, day, month, year);
            } else if let Some(month) = month_named(word) {
                self.month_date(at, month);
            } else if word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
                self.iso_date(at);
            }
        }
    }

    fn month_date(&mut self, at: usize, month: i8) {
        let day_at = |offset: isize| -> Option<(usize, i8)> {
            let i = at.checked_add_signed(offset)?;
            Some((i, self.free(i).and_then(day_number)?))
        };
        let filler = |offset: isize| {
            at.checked_add_signed(offset)
                .and_then(|i| self.free(i))
                .is_some_and(|w| matches!(w, "the" | "of" | "de" | "del" | BREAK))
        };
        let found = day_at(1)
            .or_else(|| filler(1).then(|| day_at(2)).flatten())
            .or_else(|| day_at(-1))
            .or_else(|| filler(-1).then(|| day_at(-2)).flatten());
        // A month alone is more likely the verb "may" or "march" than a date.
        let Some((day_index, day)) = found else {
            return;
        };
        let (first, last) = (at.min(day_index), at.max(day_index));
        let year_at = [last + 1, last + 2]
            .into_iter()
            .find(|&i| self.free(i).is_some_and(|w| year_number(w).is_some()));
        let year = year_at.and_then(|i| self.free(i)).and_then(year_number);
        let count = year_at.unwrap_or(last) + 1 - first;
        self.date_said(first, count, day, month, year);
    }

    /// "2026-12-10" arrives as "2026", "-", "12", "-", "10".
    fn iso_date(&mut self, at: usize) {
        let number = |i: usize| self.free(i).and_then(|w| w.parse::<i16>().ok());
        let dashes = self.free(at + 1) == Some(DASH) && self.free(at + 3) == Some(DASH);
        let (Some(year), Some(month), Some(day)) = (number(at), number(at + 2), number(at + 4))
        else {
            return;
        };
        let (Ok(month), Ok(day)) = (i8::try_from(month), i8::try_from(day)) else {
            return;
        };
        if dashes {
            self.date_said(at, 5, day, month, Some(year));
        }
    }

    fn date_said(&mut self, at: usize, count: usize, day: i8, month: i8, year: Option<i16>) {
        let today = self.today;
        let date = match year {
            Some(year) => Date::new(year, month, day).ok(),
            None => Date::new(today.year(), month, day)
                .ok()
                .filter(|date| *date >= today)
                .or_else(|| Date::new(today.year().checked_add(1)?, month, day).ok()),
        };
        if let Some(date) = date {
            self.claim(at, count, true);
            self.said.dates.push(date);
        }
    }

    /// "the 15th", "on the 2nd": a day of this or next month. A small ordinal alone
    /// ("2nd") is more likely a pick from a list, so it needs "on" or other time words.
    fn read_days_of_month(&mut self) {
        let other_time_words = self.said.names_a_time() || !self.said.weekdays.is_empty();
        for at in 0..self.words.len() {
            let Some(word) = self.free(at) else {
                continue;
            };
            let Some(day) = digit_ordinal(word) else {
                continue;
            };
            let before = at.checked_sub(1).and_then(|b| self.word(b));
            let two_before = at.checked_sub(2).and_then(|b| self.word(b));
            let on = before == Some("on") || (before == Some("the") && two_before == Some("on"));
            if !(day >= 6 || on || other_time_words) {
                continue;
            }
            if let Some(date) = self.next_day_of_month(day) {
                self.claim(at, 1, true);
                self.said.dates.push(date);
            }
        }
    }

    fn next_day_of_month(&self, day: i8) -> Option<Date> {
        let first = self.today.first_of_month();
        (0..3).find_map(|months| {
            let month = first.checked_add(months.months()).ok()?;
            let date = Date::new(month.year(), month.month(), day).ok()?;
            (date >= self.today).then_some(date)
        })
    }

    fn read_times(&mut self) {
        for at in 0..self.words.len() {
            if self.free(at).is_none() {
                continue;
            }
            let _ = self.between(at) || self.bound(at) || self.range(at) || self.clock(at);
        }
    }

    /// "between 2 and 4", "from 2pm to 4pm", "entre las 2 y las 4", "von 14 bis 16 Uhr".
    fn between(&mut self, at: usize) -> bool {
        if !matches!(
            self.free(at),
            Some("between" | "entre" | "zwischen" | "from" | "von" | "desde" | "de")
        ) {
            return false;
        }
        let Some((from, next)) = self.clockish(self.skip_article(at + 1)) else {
            return false;
        };
        if !matches!(
            self.free(next),
            Some(
                "and"
                    | "to"
                    | DASH
                    | "until"
                    | "till"
                    | "til"
                    | "y"
                    | "a"
                    | "bis"
                    | "und"
                    | "hasta"
            )
        ) {
            return false;
        }
        let Some((to, end)) = self.clockish(self.skip_article(next + 1)) else {
            return false;
        };
        self.claim(at, end - at, true);
        let (from, to) = share_meridiem(from.0, to.0);
        self.said.bounds.push(Bound::Between(from, to));
        true
    }

    /// "after 2", "before 11", "by 3pm", "ab 14 Uhr", "después de las 2", "antes de las 11".
    fn bound(&mut self, at: usize) -> bool {
        let Some(word) = self.free(at) else {
            return false;
        };
        let two = |second: &str| self.free(at + 1) == Some(second);
        let (after, cue_len) = match word {
            "after" | "from" | "ab" | "nach" | "desde" | "past" => (true, 1),
            "despues" if two("de") => (true, 2),
            "a" if two("partir") && self.free(at + 2) == Some("de") => (true, 3),
            "before" | "by" | "until" | "till" | "til" | "vor" | "bis" | "hasta" => (false, 1),
            "antes" if two("de") => (false, 2),
            _ => return false,
        };
        let Some(((clock, _), end)) = self.clockish(self.skip_article(at + cue_len)) else {
            return false;
        };
        self.claim(at, end - at, true);
        self.said.bounds.push(if after {
            Bound::After(clock)
        } else {
            Bound::Before(clock)
        });
        true
    }

    /// "2-4pm", "10 to 2", "14-16 Uhr": a range without a leading cue.
    fn range(&mut self, at: usize) -> bool {
        let Some((from, next)) = self.clockish(at) else {
            return false;
        };
        let separator = self.free(next);
        if !matches!(
            separator,
            Some(DASH | "to" | "until" | "till" | "bis" | "til")
        ) {
            return false;
        }
        let Some((to, end)) = self.clockish(next + 1) else {
            return false;
        };
        if !(from.1 || to.1 || self.near_a_day(at, next)) {
            return false;
        }
        self.claim(at, end - at, true);
        let (from, to) = share_meridiem(from.0, to.0);
        self.said.bounds.push(Bound::Between(from, to));
        true
    }

    /// "3pm", "at 3", "um 15 Uhr", "a las 3", "Thursday 3", and "3 or 4" after it.
    fn clock(&mut self, at: usize) -> bool {
        let Some(((clock, said), end)) = self.clockish(at) else {
            return false;
        };
        let before = at.checked_sub(1).and_then(|b| self.free(b));
        let cue = matches!(
            before,
            Some("at" | "@" | "around" | "about" | "um" | "gegen" | "las" | "la")
        );
        if !(said || cue || self.near_a_day(at, end)) {
            return false;
        }
        if cue {
            self.claim(at - 1, 1, true);
        }
        self.claim(at, end - at, true);
        self.said.clocks.push(clock);
        // "at 3 or 4": the second number is a time too, with the first one's am/pm.
        if matches!(self.free(end), Some("or" | "o" | "oder"))
            && let Some(((other, _), other_end)) = self.clockish(end + 1)
        {
            self.claim(end, other_end - end, true);
            let other = Clock {
                meridiem: other.meridiem.or(clock.meridiem),
                ..other
            };
            self.said.clocks.push(other);
        }
        true
    }

    /// A bare number counts as an hour beside a day: "Thursday 3", "3 de la tarde".
    fn near_a_day(&self, from: usize, end: usize) -> bool {
        let lo = from.saturating_sub(2);
        let hi = (end + 2).min(self.words.len());
        (lo..hi).any(|i| self.day_word[i] && !(from..end).contains(&i))
    }

    /// "las 2" → the index of "2".
    fn skip_article(&self, at: usize) -> usize {
        match self.free(at) {
            Some("las" | "la" | "the") => at + 1,
            _ => at,
        }
    }

    /// A clock starting at `at` with its suffix words ("pm", "uhr", "o'clock"): the clock,
    /// whether its form alone says it is a time, and the index after it.
    fn clockish(&self, at: usize) -> Option<((Clock, bool), usize)> {
        let word = self.free(at)?;
        if word == "noon" {
            let noon = Clock {
                hour: 12,
                minute: 0,
                meridiem: None,
                literal: true,
            };
            return Some(((noon, true), at + 1));
        }
        let (mut clock, mut said) = read_clock(word)?;
        let mut end = at + 1;
        // "after 2 weeks", "about 5 people": a quantity, not a time.
        if !said && self.free(end).is_some_and(|next| UNITS.contains(&next)) {
            return None;
        }
        match (self.free(end), clock.meridiem) {
            (Some("am"), None) if clock.hour <= 12 => {
                clock.meridiem = Some(Meridiem::Am);
                (said, end) = (true, end + 1);
            }
            (Some("pm"), None) if clock.hour <= 12 => {
                clock.meridiem = Some(Meridiem::Pm);
                (said, end) = (true, end + 1);
            }
            (Some("uhr" | "h" | "hs" | "hrs" | "horas" | "oclock"), _) => {
                clock.literal |= clock.hour >= 13;
                (said, end) = (true, end + 1);
            }
            (Some("o"), _) if self.free(end + 1) == Some("clock") => {
                (said, end) = (true, end + 2);
            }
            _ => {}
        }
        if clock.meridiem.is_some() && !(1..=12).contains(&clock.hour) {
            return None;
        }
        Some(((clock, said), end))
    }

    /// "Tuesday pm", "tomorrow am": a half of the day.
    fn read_bare_pm(&mut self) {
        for at in 0..self.words.len() {
            let Some(word) = self.free(at) else {
                continue;
            };
            let after_day = at.checked_sub(1).is_some_and(|b| self.day_word[b]);
            let english_day = at
                .checked_sub(1)
                .and_then(|b| self.word(b))
                .is_some_and(english_day);
            match word {
                "pm" if after_day => self.said.parts.push(AFTERNOON),
                "am" if english_day => self.said.parts.push(MORNING),
                _ => continue,
            }
            self.claim(at, 1, true);
        }
    }

    fn read_topic(&mut self) {
        self.said.timeline = self.words.iter().any(|w| TIMELINE.contains(w));
        self.said.meeting = self.words.iter().any(|w| MEETING.contains(w));
    }
}

/// "2-4pm" is 2pm to 4pm, "11-1pm" 11am to 1pm: one side's am/pm tells the other's.
fn share_meridiem(from: Clock, to: Clock) -> (Clock, Clock) {
    let other = |m: Meridiem| match m {
        Meridiem::Am => Meridiem::Pm,
        Meridiem::Pm => Meridiem::Am,
    };
    match (from.meridiem, to.meridiem) {
        (None, Some(m)) if !from.literal => {
            let same = from.hour % 12 <= to.hour % 12;
            let meridiem = Some(if same { m } else { other(m) });
            (Clock { meridiem, ..from }, to)
        }
        (Some(m), None) if !to.literal => {
            let same = to.hour % 12 > from.hour % 12;
            let meridiem = Some(if same { m } else { other(m) });
            (from, Clock { meridiem, ..to })
        }
        _ => (from, to),
    }
}

/// A clock as one word, and whether its form says it is a time: "3pm", "15:00", "15h30",
/// "3" (not said), "10.30" (not said: it may be a price).
fn read_clock(word: &str) -> Option<(Clock, bool)> {
    // "at 10.30." ends a sentence; "11ish" is a time said loosely.
    let word = word.strip_suffix('.').unwrap_or(word);
    let (word, loosely) = match word.strip_suffix("ish") {
        Some(word) => (word, true),
        None => (word, false),
    };
    let digits = word
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(word.len());
    let (hour_text, rest) = word.split_at(digits);
    if hour_text.is_empty() || hour_text.len() > 2 {
        return None;
    }
    let hour: u8 = hour_text.parse().ok()?;
    let minutes = rest
        .get(1..3)
        .filter(|mm| mm.bytes().all(|b| b.is_ascii_digit()));
    let (minute, separator, suffix) = match (rest.as_bytes().first(), minutes) {
        (Some(&separator @ (b':' | b'.' | b'h')), Some(mm)) => {
            (mm.parse::<u8>().ok()?, separator, rest.get(3..)?)
        }
        _ => (0, b' ', rest),
    };
    let (meridiem, suffix_says) = match suffix {
        "" => (None, false),
        "am" | "a" => (Some(Meridiem::Am), true),
        "pm" | "p" => (Some(Meridiem::Pm), true),
        "h" | "hs" | "hrs" | "uhr" | "oclock" => (None, true),
        _ => return None,
    };
    let said = suffix_says || loosely || matches!(separator, b':' | b'h');
    let literal = meridiem.is_none() && (hour >= 13 || hour == 0 || hour_text.starts_with('0'));
    let valid_hour = match meridiem {
        Some(_) => (1..=12).contains(&hour),
        None => hour <= 23,
    };
    (valid_hour && minute <= 59).then_some((
        Clock {
            hour,
            minute,
            meridiem,
            literal,
        },
        said,
    ))
}

fn weekday_named(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" | "mon" | "mondays" | "mondy" | "lunes" | "montag" | "montags" => Weekday::Monday,
        "tuesday" | "tue" | "tues" | "tuesdays" | "tuseday" | "tusday" | "tuesay" | "martes"
        | "dienstag" | "dienstags" => Weekday::Tuesday,
        "wednesday" | "wed" | "weds" | "wednesdays" | "wensday" | "wendsday" | "wednsday"
        | "wedensday" | "wednseday" | "miercoles" | "mittwoch" | "mittwochs" => Weekday::Wednesday,
        "thursday" | "thu" | "thur" | "thurs" | "thursdays" | "thrusday" | "thursady"
        | "thurday" | "jueves" | "donnerstag" | "donnerstags" => Weekday::Thursday,
        "friday" | "fri" | "fridays" | "firday" | "fridy" | "viernes" | "freitag" | "freitags" => {
            Weekday::Friday
        }
        "saturday" | "saturdays" | "sabado" | "samstag" | "sonnabend" => Weekday::Saturday,
        "sunday" | "sundays" | "domingo" | "sonntag" => Weekday::Sunday,
        _ => return None,
    })
}

/// English day words, after which "am" is the morning (in German it is "on the").
fn english_day(word: &str) -> bool {
    let weekday = weekday_named(word).is_some() && word.ends_with("day");
    let short = matches!(
        word,
        "mon" | "tue" | "tues" | "wed" | "weds" | "thu" | "thur" | "thurs" | "fri"
    );
    weekday || short || matches!(word, "today" | "tomorrow" | "tmrw")
}

/// "donnerstagnachmittag" → Thursday afternoon.
fn compound(word: &str) -> Option<(Weekday, Option<Part>)> {
    COMPOUND_PARTS.iter().find_map(|(ending, part)| {
        let day = word.strip_suffix(ending)?;
        Some((weekday_named(day)?, Some(*part)))
    })
}

fn month_named(word: &str) -> Option<i8> {
    Some(match word {
        "january" | "jan" | "enero" | "januar" => 1,
        "february" | "feb" | "febrero" | "februar" => 2,
        "march" | "mar" | "marzo" | "marz" => 3,
        "april" | "apr" | "abril" => 4,
        "may" | "mayo" | "mai" => 5,
        "june" | "jun" | "junio" | "juni" => 6,
        "july" | "jul" | "julio" | "juli" => 7,
        "august" | "aug" | "agosto" => 8,
        "september" | "sept" | "sep" | "septiembre" | "setiembre" => 9,
        "october" | "oct" | "octubre" | "oktober" | "okt" => 10,
        "november" | "nov" | "noviembre" => 11,
        "december" | "dec" | "diciembre" | "dezember" | "dez" => 12,
        _ => return None,
    })
}

/// A day of the month: "10", "10th", "1st", "first".
fn day_number(word: &str) -> Option<i8> {
    let n = match word {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        _ => digit_ordinal(word).or_else(|| short_number(word))?,
    };
    (1..=31).contains(&n).then_some(n)
}

/// "10th", "1st", "22nd", "3rd".
fn digit_ordinal(word: &str) -> Option<i8> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))?;
    short_number(digits).filter(|n| (1..=31).contains(n))
}

fn short_number(word: &str) -> Option<i8> {
    let short = !word.is_empty() && word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit());
    short.then(|| word.parse().ok()).flatten()
}

fn year_number(word: &str) -> Option<i16> {
    let year: i16 = word.parse().ok()?;
    (2000..=2100).contains(&year).then_some(year)
}

/// "10.12." or "10.12.2026": a German date.
fn dotted_date(word: &str) -> Option<(i8, i8, Option<i16>)> {
    let mut parts = word.split('.');
    let day = short_number(parts.next()?)?;
    let month = short_number(parts.next()?)?;
    let year = match parts.next()? {
        "" => None,
        year => Some(year_number(year)?),
    };
    (parts.next().is_none_or(str::is_empty)).then_some((day, month, year))
}
