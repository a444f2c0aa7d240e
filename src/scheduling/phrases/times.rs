//! The clock times in a message: "3pm", "at 3", "after 2", "between 2 and 4", "2-4pm",
//! "um 15 Uhr", "a las 3".

use super::{Bound, Clock, Meridiem, Reader};
use crate::scheduling::lexicon::UNITS;
use crate::scheduling::words::DASH;

impl Reader<'_> {
    pub(super) fn read_times(&mut self) {
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
}

/// "2-4pm" is 2pm to 4pm, "11-1pm" 11am to 1pm: one side's am/pm tells the other's.
pub(super) fn share_meridiem(from: Clock, to: Clock) -> (Clock, Clock) {
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
pub(super) fn read_clock(word: &str) -> Option<(Clock, bool)> {
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
