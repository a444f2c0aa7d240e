//! Which of the offered meeting slots a visitor's free-text reply picks.
//!
//! A reply names a slot by its place in the list ("2", "the second one", "last") or by
//! describing it ("Tuesday 10am", "Dec 2 at 10"). Anything unclear is `None`: the agent
//! asks again rather than booking the wrong meeting.

use jiff::civil::{DateTime, Weekday};
use jiff::tz::TimeZone;

use super::Slot;

/// Which of the `offered` slots (in order, as they were listed to the visitor) the visitor's message picks:
/// "2", "#2", "option 2", "the second one", "second", "the first", "1st", "last one", "Tuesday 10am",
/// "tue at 10:00", "tuesday at 10", "10:30 on wednesday", "the 10am one", "Dec 2 at 10" …
///
/// Weekday, date and time are matched against each offered slot in `timezone`; ordinal words and
/// numbers pick by index. `None` when nothing matches or two slots match equally.
pub fn parse_choice(message: &str, offered: &[Slot], timezone: &TimeZone) -> Option<usize> {
    let mut reader = Reader::new(words(message));
    reader.read_dates();
    reader.read_positions();
    reader.read_weekdays();
    reader.read_ordinals();
    reader.read_clocks();
    reader.read_refusals();
    reader.read_open_days();
    let request = reader.finish(offered.len());
    request.pick(offered, timezone)
}

/// What the reply says about the slot it wants.
#[derive(Debug, Default)]
struct Request {
    /// 1-based places in the offered list.
    positions: Vec<Position>,
    weekdays: Vec<Weekday>,
    dates: Vec<DayOfMonth>,
    clocks: Vec<Clock>,
    /// "none of these": nothing is picked whatever else the reply says.
    refused: bool,
    /// A day relative to today ("tomorrow", "next week") or an open range ("any time
    /// Wednesday"): the offered list cannot settle it, so the proposal reader must.
    open: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Position {
    Nth(usize),
    /// "the earliest", "the soonest": with a description, the earliest slot it fits.
    Earliest,
    Last,
}

#[derive(Debug, Clone, Copy)]
struct DayOfMonth {
    /// Absent for "Tuesday the 2nd".
    month: Option<i8>,
    day: i8,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Meridiem {
    Am,
    Pm,
}

/// A wall-clock time as said: "10", "10:30", "2pm".
#[derive(Debug, Clone, Copy)]
struct Clock {
    hour: i8,
    minute: i8,
    meridiem: Option<Meridiem>,
}

impl Request {
    fn describes_a_slot(&self) -> bool {
        !(self.weekdays.is_empty() && self.dates.is_empty() && self.clocks.is_empty())
    }

    fn pick(&self, offered: &[Slot], timezone: &TimeZone) -> Option<usize> {
        if self.refused || self.open {
            return None;
        }
        let by_position = self.position_index(offered.len())?;
        if !self.describes_a_slot() {
            return by_position;
        }
        let matching: Vec<usize> = offered
            .iter()
            .enumerate()
            .filter(|(_, slot)| self.matches(timezone.to_datetime(slot.starts_at)))
            .map(|(index, _)| index)
            .collect();
        match (by_position, matching.as_slice()) {
            // "the earliest on Wednesday": the earliest of the slots described.
            (Some(_), [first, ..]) if self.positions == [Position::Earliest] => Some(*first),
            (Some(_), [.., last]) if self.positions == [Position::Last] => Some(*last),
            // Both a place and a description: they must agree.
            (Some(index), _) => matching.contains(&index).then_some(index),
            (None, [only]) => Some(*only),
            (None, _) => None,
        }
    }

    /// `Some(None)` when no place was named; `None` when a place is out of range or places conflict.
    fn position_index(&self, count: usize) -> Option<Option<usize>> {
        let mut indices = self
            .positions
            .iter()
            .map(|position| position.index(count))
            .collect::<Option<Vec<usize>>>()?;
        indices.sort_unstable();
        indices.dedup();
        match indices.as_slice() {
            [] => Some(None),
            [only] => Some(Some(*only)),
            _ => None,
        }
    }

    fn matches(&self, local: DateTime) -> bool {
        let weekday = self.weekdays.is_empty() || self.weekdays.contains(&local.weekday());
        let date = self.dates.is_empty() || self.dates.iter().any(|d| d.matches(local));
        let clock = self.clocks.is_empty() || self.clocks.iter().any(|c| c.matches(local));
        weekday && date && clock
    }
}

impl Position {
    fn index(self, count: usize) -> Option<usize> {
        match self {
            Position::Nth(n) if (1..=count).contains(&n) => Some(n - 1),
            // The list is in time order.
            Position::Earliest => (count > 0).then_some(0),
            Position::Last => count.checked_sub(1),
            Position::Nth(_) => None,
        }
    }
}

impl DayOfMonth {
    fn matches(self, local: DateTime) -> bool {
        self.day == local.day() && self.month.is_none_or(|month| month == local.month())
    }
}

impl Clock {
    /// With am/pm the hour is 1–12; without, 0–23.
    fn is_valid(self) -> bool {
        let hours = if self.meridiem.is_some() {
            1..=12
        } else {
            0..=23
        };
        hours.contains(&self.hour) && (0..=59).contains(&self.minute)
    }

    fn matches(self, local: DateTime) -> bool {
        self.minute == local.minute() && self.hours().contains(&local.hour())
    }

    /// The 24-hour readings: "10" alone could be 10:00 or 22:00, "3" is likely 15:00.
    fn hours(self) -> Vec<i8> {
        match self.meridiem {
            Some(Meridiem::Am) => vec![self.hour % 12],
            Some(Meridiem::Pm) => vec![self.hour % 12 + 12],
            None if self.hour < 12 => vec![self.hour, self.hour + 12],
            None => vec![self.hour],
        }
    }
}

/// Walks the reply's words, claiming each for at most one meaning.
struct Reader {
    words: Vec<String>,
    used: Vec<bool>,
    /// Plain numbers: a place in the list, or an hour if the reply describes a slot.
    numbers: Vec<u32>,
    request: Request,
}

impl Reader {
    fn new(words: Vec<String>) -> Self {
        let used = vec![false; words.len()];
        Self {
            words,
            used,
            numbers: Vec::new(),
            request: Request::default(),
        }
    }

    /// The word at `at`, unless it is out of range or already claimed.
    fn free(&self, at: Option<usize>) -> Option<&str> {
        let at = at?;
        let unused = !*self.used.get(at)?;
        unused.then(|| self.words[at].as_str())
    }

    fn claim(&mut self, at: usize) {
        self.used[at] = true;
    }

    /// "Dec 2", "2 December", "December 2nd", "2nd of December", "December the 2nd".
    fn read_dates(&mut self) {
        for at in 0..self.words.len() {
            let Some(month) = self.free(Some(at)).and_then(month_named) else {
                continue;
            };
            let Some(day_at) = self.day_beside(at) else {
                // A month alone is more likely the verb "may" or "march" than a date.
                continue;
            };
            let Some(day) = self.free(Some(day_at)).and_then(day_number) else {
                continue;
            };
            self.claim(at);
            self.claim(day_at);
            self.request.dates.push(DayOfMonth {
                month: Some(month),
                day,
            });
        }
    }

    /// Where the day of a month named at `month_at` is, if there is one.
    fn day_beside(&self, month_at: usize) -> Option<usize> {
        let is_day = |at: Option<usize>| self.free(at).and_then(day_number).is_some();
        let is_filler = |at: Option<usize>| matches!(self.free(at), Some("of" | "the"));
        let after = month_at.checked_add(1);
        let before = month_at.checked_sub(1);
        if is_day(after) {
            after
        } else if is_filler(after) && is_day(month_at.checked_add(2)) {
            month_at.checked_add(2)
        } else if is_day(before) {
            before
        } else if is_filler(before) && is_day(month_at.checked_sub(2)) {
            month_at.checked_sub(2)
        } else {
            None
        }
    }

    /// "option 2", "#2", "number two", "slot 3".
    fn read_positions(&mut self) {
        for at in 0..self.words.len() {
            if !matches!(
                self.free(Some(at)),
                Some("option" | "number" | "slot" | "choice" | "no" | "nr" | "num" | "#")
            ) {
                continue;
            }
            let Some(n) = self.free(at.checked_add(1)).and_then(place_number) else {
                continue;
            };
            self.claim(at);
            self.claim(at + 1);
            self.request.positions.push(Position::Nth(n));
        }
    }

    fn read_weekdays(&mut self) {
        for at in 0..self.words.len() {
            if let Some(weekday) = self.free(Some(at)).and_then(weekday_named) {
                self.claim(at);
                self.request.weekdays.push(weekday);
            }
        }
    }

    /// "the second", "1st", "last"; but "Tuesday the 2nd" is a day of the month.
    fn read_ordinals(&mut self) {
        for at in 0..self.words.len() {
            let Some(word) = self.free(Some(at)) else {
                continue;
            };
            // "give me a second" is about time, not the second slot.
            if at
                .checked_sub(1)
                .and_then(|before| self.words.get(before))
                .is_some_and(|w| w == "a")
            {
                continue;
            }
            let position = match word {
                "last" | "latest" => Position::Last,
                "earliest" | "soonest" => Position::Earliest,
                _ => match ordinal(word) {
                    Some(n) => Position::Nth(n),
                    None => continue,
                },
            };
            self.claim(at);
            match (position, self.follows_weekday(at)) {
                (Position::Nth(n), true) => self.request.dates.push(DayOfMonth {
                    month: None,
                    day: i8::try_from(n).unwrap_or(0),
                }),
                _ => self.request.positions.push(position),
            }
        }
    }

    /// Whether the word at `at` comes right after a weekday, "the" allowed between.
    fn follows_weekday(&self, at: usize) -> bool {
        let word = |at: Option<usize>| at.and_then(|at| self.words.get(at)).map(String::as_str);
        let before = at.checked_sub(1);
        let is_weekday = |at| word(at).and_then(weekday_named).is_some();
        is_weekday(before) || (word(before) == Some("the") && is_weekday(at.checked_sub(2)))
    }

    /// "10am", "10:30", "14h", "at 10", "10 o'clock", "noon"; plain numbers are set aside.
    fn read_clocks(&mut self) {
        for at in 0..self.words.len() {
            let Some(word) = self.free(Some(at)) else {
                continue;
            };
            if matches!(word, "noon" | "midday") {
                self.claim(at);
                self.request.clocks.push(Clock {
                    hour: 12,
                    minute: 0,
                    meridiem: Some(Meridiem::Pm),
                });
                continue;
            }
            let Some((clock, said_as_time)) = read_clock(word) else {
                continue;
            };
            let plain = word.parse::<u32>().ok();
            self.claim(at);
            let (clock, suffixed) = self.take_suffix(at, clock);
            let cued = matches!(
                at.checked_sub(1).map(|before| self.words[before].as_str()),
                Some("at" | "around" | "about" | "@")
            );
            match plain {
                Some(n) if !(said_as_time || suffixed || cued) => self.numbers.push(n),
                _ => self.request.clocks.push(clock),
            }
        }
    }

    /// Takes a following "am", "pm" or "o'clock" into the clock read at `at`; true if it did.
    fn take_suffix(&mut self, at: usize, clock: Clock) -> (Clock, bool) {
        let meridiem = match (self.free(at.checked_add(1)), clock.meridiem) {
            (Some("am"), None) => Some(Meridiem::Am),
            (Some("pm"), None) => Some(Meridiem::Pm),
            (Some("oclock"), said) => said,
            _ => return (clock, false),
        };
        let suffixed = Clock { meridiem, ..clock };
        if !suffixed.is_valid() {
            return (clock, false);
        }
        self.claim(at + 1);
        (suffixed, true)
    }

    fn read_refusals(&mut self) {
        self.request.refused = self
            .words
            .iter()
            .any(|word| matches!(word.as_str(), "none" | "neither" | "nothing"));
    }

    fn read_open_days(&mut self) {
        let words = &self.words;
        self.request.open = words.iter().enumerate().any(|(at, word)| {
            let next = words.get(at + 1).map(String::as_str);
            matches!(
                word.as_str(),
                "today"
                    | "tonight"
                    | "tomorrow"
                    | "tmrw"
                    | "tmr"
                    | "tomorow"
                    | "tommorow"
                    | "tommorrow"
                    | "2morrow"
                    | "hoy"
                    | "mañana"
                    | "manana"
                    | "heute"
                    | "morgen"
                    | "übermorgen"
                    | "ubermorgen"
                    | "any"
                    | "anytime"
                    | "whenever"
                    | "whatever"
            ) || (word == "next" && matches!(next, Some("week" | "weeks")))
        });
    }

    /// Settles what plain numbers meant, given the rest of the reply.
    fn finish(mut self, offered: usize) -> Request {
        let describes = self.request.describes_a_slot();
        for n in std::mem::take(&mut self.numbers) {
            let place = usize::try_from(n)
                .ok()
                .filter(|n| (1..=offered).contains(n));
            match place {
                // "2" on its own is the second slot; with "Tuesday 2" it is the time.
                Some(place) if !describes => self.request.positions.push(Position::Nth(place)),
                _ => {
                    if let Some(hour) = i8::try_from(n).ok().filter(|h| *h <= 23) {
                        self.request.clocks.push(Clock {
                            hour,
                            minute: 0,
                            meridiem: None,
                        });
                    }
                }
            }
        }
        self.request
    }
}

/// A clock written as one word, and whether its form says it is a time (not a plain number).
fn read_clock(word: &str) -> Option<(Clock, bool)> {
    let digits = word
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(word.len());
    let (hour_text, rest) = word.split_at(digits);
    if hour_text.is_empty() || hour_text.len() > 2 {
        return None;
    }
    let hour: i8 = hour_text.parse().ok()?;
    let (minute, suffix) = split_minutes(rest);
    let (meridiem, said_as_time) = match suffix {
        "" => (None, minute.is_some()),
        "am" | "a" => (Some(Meridiem::Am), true),
        "pm" | "p" => (Some(Meridiem::Pm), true),
        "h" | "oclock" => (None, true),
        _ => return None,
    };
    let clock = Clock {
        hour,
        minute: minute.unwrap_or(0),
        meridiem,
    };
    clock.is_valid().then_some((clock, said_as_time))
}

/// ":30…" or "h30…" → (30, rest); anything else has no minutes.
fn split_minutes(rest: &str) -> (Option<i8>, &str) {
    let Some(after) = rest.strip_prefix([':', 'h']) else {
        return (None, rest);
    };
    match (after.get(..2), after.get(2..)) {
        (Some(mm), Some(suffix)) if mm.bytes().all(|b| b.is_ascii_digit()) => {
            (mm.parse().ok(), suffix)
        }
        _ => (None, rest),
    }
}

/// Lower-cased words: letters and digits, with ":" kept inside "10:30" (and "10.30" read as it).
///
/// Apostrophes vanish so "o'clock" and "don't" stay one word; "#" and "@" are words of their own.
fn words(message: &str) -> Vec<String> {
    let lower = message
        .to_lowercase()
        .replace("a.m", "am")
        .replace("p.m", "pm");
    let chars: Vec<char> = lower.chars().collect();
    let is_digit = |at: Option<usize>| {
        at.and_then(|at| chars.get(at))
            .is_some_and(char::is_ascii_digit)
    };
    let mut text = String::with_capacity(lower.len());
    for (at, &c) in chars.iter().enumerate() {
        let between_digits = is_digit(at.checked_sub(1)) && is_digit(at.checked_add(1));
        match c {
            c if c.is_alphanumeric() => text.push(c),
            ':' | '.' if between_digits => text.push(':'),
            '\'' | '\u{2019}' => {}
            '#' | '@' => {
                text.push(' ');
                text.push(c);
                text.push(' ');
            }
            _ => text.push(' '),
        }
    }
    text.split_whitespace().map(str::to_owned).collect()
}

fn weekday_named(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" | "mon" => Weekday::Monday,
        "tuesday" | "tue" | "tues" => Weekday::Tuesday,
        "wednesday" | "wed" | "weds" => Weekday::Wednesday,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" | "sat" => Weekday::Saturday,
        "sunday" | "sun" => Weekday::Sunday,
        _ => return None,
    })
}

fn month_named(word: &str) -> Option<i8> {
    Some(match word {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sept" | "sep" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

/// "first" … "tenth", "1st", "2nd", "3rd", "4th" ….
fn ordinal(word: &str) -> Option<usize> {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    if let Some(at) = WORDS.iter().position(|w| *w == word) {
        return Some(at + 1);
    }
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))?;
    plain_number(digits)
}

/// The number after "option": "2", "two", "2nd".
fn place_number(word: &str) -> Option<usize> {
    const WORDS: [&str; 10] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    WORDS
        .iter()
        .position(|w| *w == word)
        .map(|at| at + 1)
        .or_else(|| plain_number(word))
        .or_else(|| ordinal(word))
}

/// A day of the month: "2", "02", "2nd", "second".
fn day_number(word: &str) -> Option<i8> {
    let n = plain_number(word).or_else(|| ordinal(word))?;
    i8::try_from(n).ok().filter(|day| (1..=31).contains(day))
}

fn plain_number(word: &str) -> Option<usize> {
    let short = !word.is_empty() && word.len() <= 3;
    if short && word.bytes().all(|b| b.is_ascii_digit()) {
        word.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
