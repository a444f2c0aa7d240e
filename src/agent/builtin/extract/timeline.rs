//! When the visitor means to start, in months from now.

use super::*;

/// When the visitor means to start, in months from now: "asap" 0, "this month" / "in 2
/// weeks" 1, "next quarter" 3, "by end of year" 6, "next year" 12, and vague answers ("just
/// browsing", "not sure", "no rush") 24. A definite time wins over a vague one.
pub fn timeline_months(text: &str) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    timeline_in(&lower, &tokens, true)
}

pub(super) fn timeline_in(lower: &str, tokens: &[Token<'_>], vague_answers: bool) -> Option<u32> {
    // The earliest definite time wins; on a tie the longer phrase ("half a year" over "a year").
    let mut best: Option<(usize, usize, u32)> = None;
    let mut consider = |at: usize, len: usize, months: u32| {
        if best.is_none_or(|(b_at, b_len, _)| at < b_at || (at == b_at && len > b_len)) {
            best = Some((at, len, months));
        }
    };
    for (phrase, months) in TIMELINE_PHRASES {
        // "not right away", "not this month": a time they ruled out.
        if let Some(at) = find_phrase(lower, phrase)
            && !lower[..at].ends_with("not ")
        {
            consider(at, phrase.len(), *months);
        }
    }
    for i in 0..tokens.len() {
        let Some((value, end)) = amount(tokens, i) else {
            continue;
        };
        let Some(months) = word(tokens, end).and_then(|unit| months_of(value, unit)) else {
            continue;
        };
        // "for 6 months", "3 weeks ago": how long something has been, not when to start.
        let looking_back = (i > 0
            && is_word(
                tokens,
                i - 1,
                &["past", "last", "been", "for", "every", "each"],
            ))
            || is_word(tokens, end + 1, &["ago", "old"]);
        if !looking_back {
            let start = tokens[i].at;
            let stop = tokens.get(end + 1).map_or(lower.len(), |t| t.at);
            consider(start, stop - start, months);
        }
    }
    if let Some((_, _, months)) = best {
        return Some(months);
    }
    if VAGUE.iter().any(|p| find_phrase(lower, p).is_some()) {
        return Some(24);
    }
    if !vague_answers {
        return None;
    }
    if VAGUE_ANSWERS
        .iter()
        .any(|p| find_phrase(lower, p).is_some())
    {
        return Some(24);
    }
    match lower.trim().trim_end_matches(['.', '!']) {
        "now" | "right now" | "today" | "tomorrow" => Some(0),
        "soon" | "soonish" | "pretty soon" | "very soon" => Some(1),
        _ => None,
    }
}

fn months_of(value: f64, unit: &str) -> Option<u32> {
    let months = match unit {
        "hour" | "hours" | "hr" | "hrs" => 0.0,
        "day" | "days" if value <= 7.0 => 0.0,
        "day" | "days" => (value / 30.0).ceil(),
        "week" | "weeks" | "wk" | "wks" if value <= 1.0 => 0.0,
        "week" | "weeks" | "wk" | "wks" => (value / 4.0).ceil(),
        "month" | "months" | "mo" | "mos" | "mth" | "mths" => value.ceil(),
        "quarter" | "quarters" => value * 3.0,
        "year" | "years" | "yr" | "yrs" => value * 12.0,
        _ => return None,
    };
    whole_u32(months)
}

const TIMELINE_PHRASES: &[(&str, u32)] = &[
    ("asap", 0),
    ("a.s.a.p", 0),
    ("as soon as possible", 0),
    ("right away", 0),
    ("straight away", 0),
    ("immediately", 0),
    ("urgently", 0),
    ("urgent", 0),
    ("this week", 0),
    ("next week", 0),
    ("within a week", 0),
    ("in a week", 0),
    ("this month", 1),
    ("next month", 1),
    ("within a month", 1),
    ("in a month", 1),
    ("end of the month", 1),
    ("end of month", 1),
    ("coming weeks", 1),
    ("next quarter", 3),
    ("this quarter", 3),
    ("end of the quarter", 3),
    ("end of quarter", 3),
    ("coming months", 3),
    ("half a year", 6),
    ("this year", 6),
    ("end of the year", 6),
    ("end of year", 6),
    ("end of this year", 6),
    ("year end", 6),
    ("year-end", 6),
    ("later this year", 6),
    ("within the year", 6),
    ("second half", 6),
    ("next year", 12),
    ("within a year", 12),
    ("in a year", 12),
    ("a year from now", 12),
    ("next fiscal year", 12),
    ("next financial year", 12),
];
#[rustfmt::skip]
const VAGUE: &[&str] = &[
    "just browsing", "browsing", "no rush", "no hurry", "not in a hurry", "in no hurry", "someday",
    "some day", "no plans", "no plan", "no timeline", "no set timeline", "no fixed timeline",
    "no timeframe", "no time frame", "eventually", "just looking", "just researching",
    "just exploring", "long term", "long-term", "down the road", "in the future", "at some point",
    "not anytime soon", "not any time soon", "whenever", "not urgent",
];
#[rustfmt::skip]
const VAGUE_ANSWERS: &[&str] = &[
    "not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "dunno", "idk",
    "not yet", "tbd", "undecided", "to be decided", "haven't decided", "not decided", "depends",
];

/// A bare number of months as the reply to "when": "3", "about 6".
pub(super) fn bare_months(text: &str) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    bare_amount(&tokens, &[])
        .filter(|v| *v <= 120.0)
        .and_then(whole_u32)
}

pub(super) fn is_about_meeting(lower: &str) -> bool {
    #[rustfmt::skip]
    const MEETING: &[&str] = &[
        "meet", "meeting", "call", "demo", "available", "availability", "book", "schedule", "slot",
        "free", "works for me", "chat", "talk", "speak", "calendar", "monday", "tuesday",
        "wednesday", "thursday", "friday",
    ];
    #[rustfmt::skip]
    const BUYING: &[&str] = &[
        "start", "launch", "buy", "purchase", "implement", "go live", "roll out", "rollout",
        "deploy", "switch", "migrate", "onboard", "get started", "up and running", "decide",
        "decision", "sign", "kick off",
    ];
    MEETING.iter().any(|p| find_phrase(lower, p).is_some())
        && !BUYING.iter().any(|p| find_phrase(lower, p).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timelines() {
        check(
            &[
                ("asap", Some(0)),
                ("right away", Some(0)),
                ("immediately", Some(0)),
                ("this week", Some(0)),
                ("this month", Some(1)),
                ("within a few weeks", Some(1)),
                ("in 2 weeks", Some(1)),
                ("next month", Some(1)),
                ("in 3 months", Some(3)),
                ("next quarter", Some(3)),
                ("this quarter", Some(3)),
                ("6 months", Some(6)),
                ("this year", Some(6)),
                ("by end of year", Some(6)),
                ("next year", Some(12)),
                ("just browsing", Some(24)),
                ("no rush", Some(24)),
                ("not sure", Some(24)),
                ("someday", Some(24)),
                ("no plans", Some(24)),
                ("3-6 months", Some(6)),
                ("in six months", Some(6)),
                ("within 90 days", Some(3)),
                ("not sure, maybe next quarter", Some(3)),
                ("a couple of months", Some(2)),
                ("not right away, maybe in 2 years", Some(24)),
                ("right now", Some(0)),
                ("we're using Salesforce right now", None),
                ("we have 200 people", None),
                ("hello", None),
                ("we've been using it for 6 months", None),
            ],
            timeline_months,
        );
    }
}
