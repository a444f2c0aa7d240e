//! What a message says about days and times, word by word: the reading half of
//! [`super::proposal`]. Each word is claimed for at most one meaning.

use std::sync::LazyLock;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::lexicon::{
    AFTERNOON, Act, MEETING, MORNING, PHRASES, Part, PhraseIndex, Span, TIMELINE, compound,
    day_number, digit_ordinal, dotted_date, english_day, month_named, weekday_named, year_number,
};
use super::words::{BREAK, DASH};

mod times;

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
            "vacation" | "holiday" | "holidays" | "ooo" | "urlaub" | "vacaciones" | "packed"
            | "swamped" | "slammed" | "hectic" | "booked" => true,
            // "I'm out this week", "we're away": the days that follow do not work.
            "out" | "away" | "off" => matches!(
                before,
                Some("m" | "am" | "re" | "are" | "be" | "is" | "s" | "were" | "was")
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
