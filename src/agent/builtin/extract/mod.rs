//! Facts read out of one visitor message by patterns: contact details, answers to the
//! qualification questions, yes/no replies, and whether the visitor asked something.
//!
//! Precision beats recall: a wrong name or company lands on the lead the tenant sees, while a
//! missed one is simply asked for again. So every pattern needs a cue ("my name is", "I work
//! at", "$", "people", …) and stop lists veto common words after weak cues. A bare number or
//! word counts only as a short reply (`answer_to`, or a whole message that is just "200").
//!
//! When a message corrects itself ("actually we're 120, not 12") the readers keep the last
//! value not taken back; otherwise the first. Numbers may use European separators and
//! Spanish or German words ("20.000 €", "1,5 Mio", "15 mil euros", "2.500 pro Monat").
//!
//! These run on every chat turn: regexes compile once, text is lowercased at most once per
//! call, and word lists are scanned without allocating.

use jiff::civil::Date;
use regex::Regex;

mod budget;
mod company;
mod contact;
mod correction;
mod email_domain;
mod name;
mod need;
mod questions;
mod refusal;
mod role;
mod size;
mod timeline;
mod tokens;
mod words;
mod yes_no;

pub use budget::budget;
pub use contact::contact;
pub use correction::is_correction;
pub use email_domain::company_from_email;
pub use need::need;
pub use questions::is_question;
pub use refusal::{Refused, refused};
pub use role::{is_decision_maker, role};
pub use size::{company_size, team_size};
pub use timeline::{timeline_months, timeline_months_at};
pub use yes_no::yes_no;

// Each reader imports `super::*`, so these globs are how they share their helpers.
use budget::*;
use company::*;
use contact::*;
use correction::*;
use name::*;
use questions::*;
use role::*;
use size::*;
use timeline::*;
use tokens::*;
use words::*;

/// What one visitor message says about the visitor. `None` = not mentioned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
}

/// An answer to one qualification question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// People in the whole company ("we're about 200 people").
    CompanySize(u32),
    /// People in the visitor's own team ("a team of around 40 reps", "my team is 8"): worth
    /// keeping only while the company's size is unknown.
    TeamSize(u32),
    Budget(u64),
    TimelineMonths(u32),
    Role(String),
    Need(String),
}

/// Compiles a pattern written in this folder; `patterns_compile` proves each one does.
fn compiled(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

/// Reads a short reply to the question the agent just asked about `field` ("company_size",
/// "budget", "timeline", "role", "need"), accepting bare numbers and words a volunteered
/// statement would need a cue for ("200", "cto", "3"). Quarters and months count from
/// today in UTC: see `answer_to_at`.
pub fn answer_to(field: &str, text: &str) -> Option<Answer> {
    answer_to_at(field, text, today_utc())
}

/// `answer_to` with dates counted from `today`. Asked the company's size, a bare "40" is the
/// company's and "my team is 8" is `TeamSize`; "sorry, I meant 120" takes the corrected
/// number.
pub fn answer_to_at(field: &str, text: &str, today: Date) -> Option<Answer> {
    match field {
        "company_size" => {
            let lower = lowered(text);
            let tokens = tokenize(&lower);
            let sizes = sizes_in(&lower, &tokens);
            sizes
                .company
                .map(Answer::CompanySize)
                .or(sizes.team.map(Answer::TeamSize))
                .or_else(|| bare_size(&tokens).map(Answer::CompanySize))
                .or_else(|| {
                    corrected_number(&lower, &tokens)
                        .filter(|v| *v >= 1.0)
                        .and_then(whole_u32)
                        .map(Answer::CompanySize)
                })
        }
        "budget" => budget(text)
            .or_else(|| {
                let lower = lowered(text);
                corrected_number(&lower, &tokenize(&lower)).and_then(whole_u64)
            })
            .map(Answer::Budget),
        "timeline" => timeline_months_at(text, today)
            .or_else(|| bare_months(text))
            .map(Answer::TimelineMonths),
        // "about 150 staff" answers another question.
        "role" => role(text)
            .or_else(|| short_reply(text, 5).filter(|r| !r.contains(|c: char| c.is_ascii_digit())))
            .map(Answer::Role),
        // A bare "75" answers some other question, and "looking for info" was refused by
        // `need` already.
        "need" => need(text)
            .or_else(|| {
                short_reply(text, 80).filter(|r| {
                    !need::asks_for_information(text)
                        && r.chars().filter(|c| c.is_alphabetic()).count() >= 3
                })
            })
            .map(Answer::Need),
        _ => None,
    }
}

/// Every qualification fact stated in a message without being asked ("we're 200 people and
/// want to start next month with about $10k"). Stricter than `answer_to`: every fact needs a
/// cue, and vague timelines ("not sure") are not taken as one. Dates count from today in
/// UTC: see `volunteered_at`.
pub fn volunteered(text: &str) -> Vec<Answer> {
    volunteered_at(text, today_utc())
}

/// `volunteered` with quarters and months counted from `today`. A message stating both
/// sizes gives both ("we're 200 people, my team is 40 reps").
pub fn volunteered_at(text: &str, today: Date) -> Vec<Answer> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    let mut facts = Vec::new();
    let sizes = sizes_in(&lower, &tokens);
    if let Some(size) = sizes.company {
        facts.push(Answer::CompanySize(size));
    }
    if let Some(size) = sizes.team {
        facts.push(Answer::TeamSize(size));
    }
    if let Some(amount) = budget_in(&lower, &tokens) {
        facts.push(Answer::Budget(amount));
    }
    // "Can we meet next week?" is about a call, not about when they will buy.
    if !is_about_meeting(&lower)
        && let Some(months) = timeline_in(&lower, &tokens, false, today)
    {
        facts.push(Answer::TimelineMonths(months));
    }
    if let Some(title) = role(text) {
        facts.push(Answer::Role(title));
    }
    if let Some(said) = need(text) {
        facts.push(Answer::Need(said));
    }
    facts
}

/// In a correction, the last number not taken back ("sorry, I meant 120", "not 12 but 120").
fn corrected_number(lower: &str, tokens: &[Token<'_>]) -> Option<f64> {
    if !correcting(lower) {
        return None;
    }
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match amount(tokens, skip_currency(tokens, i)) {
            Some((value, end)) if matches!(tokens[i].tok, Tok::Num(_) | Tok::Sym(_)) => {
                found.push((tokens[i].at, value));
                i = end.max(i + 1);
            }
            _ => i += 1,
        }
    }
    standing(lower, found)
}

/// The amount a whole reply gives, read as `answer_to` reads it ("20.000 dólares", "1,5 Mio",
/// "about 5k... actually make that 10k"), for the lenient reader in `replied`.
pub(super) fn last_quantity(text: &str) -> Option<f64> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match amount(&tokens, skip_currency(&tokens, i)) {
            Some((value, end)) if matches!(tokens[i].tok, Tok::Num(_) | Tok::Sym(_)) => {
                found.push((tokens[i].at, value));
                i = end.max(i + 1);
            }
            _ => i += 1,
        }
    }
    // A lenient reply keeps the last amount ("5k... make that 10k") unless one is taken back.
    let kept = found
        .iter()
        .rev()
        .find(|(at, _)| !retracted_at(&lower, *at));
    kept.or(found.last()).map(|(_, v)| *v)
}

/// Whether every word of a bare reply could be part of a name: no common word ("just",
/// "browsing", "said", "no", "thanks", "hola", "guten", "tag"), letters only.
pub(super) fn could_be_name(words: &[&str]) -> bool {
    !words.is_empty()
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_alphabetic)
                && w.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '\'' | '’' | '-'))
                && !is_stop(w)
        })
}

/// The company named at the start of `text` ("Brightside Agency - sara@…" → "Brightside
/// Agency"), stopping before the rest of the sentence.
pub(super) fn company_at_start(text: &str) -> Option<String> {
    company_span(text, CompanyCue::From).map(|(start, end)| text[start..end].to_owned())
}

/// A reply short enough to be the answer itself ("sales", "faster follow-up on leads"), unless
/// it is a question, a yes/no, a refusal or contact details.
fn short_reply(text: &str, max_words: usize) -> Option<String> {
    let start = greeting_end(text);
    let reply = text[start..]
        .trim()
        .trim_end_matches(|c: char| ".!,;".contains(c))
        .trim_end();
    let words = reply.split_whitespace().count();
    if reply.chars().count() < 2
        || words == 0
        || words > max_words
        || is_question(reply)
        || yes_no(reply).is_some()
        || EMAIL.as_ref().is_some_and(|p| p.is_match(reply))
    {
        return None;
    }
    let lower = lowered(reply);
    if REFUSALS.iter().any(|p| find_phrase(&lower, p).is_some()) {
        return None;
    }
    // "actually please use my full name, Katherine Brown" corrects a contact detail.
    let details = contact(reply);
    if details.name.is_some() || details.email.is_some() || details.phone.is_some() {
        return None;
    }
    Some(truncate_chars(reply, 500).to_owned())
}

#[rustfmt::skip]
const REFUSALS: &[&str] = &[
    "not sure", "no idea", "idk", "dunno", "don't know", "dont know", "rather not", "prefer not",
    "n/a", "none", "nothing", "pass", "skip", "whatever",
];

/// Runs every case and reports all mismatches at once. Compares by `Debug`, so an
/// expected `Some("Jane")` matches a returned `Some(String::from("Jane"))`.
#[cfg(test)]
fn check<T: std::fmt::Debug, U: std::fmt::Debug>(cases: &[(&str, T)], f: impl Fn(&str) -> U) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(input, expected)| {
            let got = f(input);
            (format!("{got:?}") != format!("{expected:?}"))
                .then(|| format!("{input:?}: got {got:?}, expected {expected:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} cases wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_everything(text: &str) {
        let _ = contact(text);
        let _ = company_size(text);
        let _ = budget(text);
        let _ = timeline_months(text);
        let _ = role(text).map(|r| is_decision_maker(&r));
        let _ = need(text);
        let _ = yes_no(text);
        let _ = is_question(text);
        let _ = volunteered(text);
        for field in ["company_size", "budget", "timeline", "role", "need"] {
            let _ = answer_to(field, text);
        }
        let _ = team_size(text);
        let _ = is_correction(text);
        let _ = refused(text);
        let _ = company_from_email(text);
        let _ = last_quantity(text);
    }

    proptest::proptest! {
        // Byte offsets are sliced everywhere here: no input may land one inside a character.
        #[test]
        fn any_text_is_read_without_panicking(text in "\\PC{0,80}") {
            read_everything(&text);
        }

        #[test]
        fn chat_like_text_is_read_without_panicking(
            text in "((I[’']m|im|soy|ich bin|my name is|call me|this is|from|at|we[’']re|somos|actually|not|sorry|\\$|€|[0-9]{1,5}|[0-9]\\.[0-9]{3}|[0-9],[0-9]|[0-9]'[0-9]{3}|[0-9]\\.[0-9]k|k|mil|Mio|people|reps|team|months|Q[1-4]|März|CTO|head of|[A-Za-zÀ-ÿ’'.,@+()-]{1,8}|José|Ünïcödé|\\?|!|\\n) ?){0,16}"
        ) {
            read_everything(&text);
            let found = contact(&text);
            for value in [found.name, found.email, found.phone, found.company].into_iter().flatten() {
                proptest::prop_assert!(!value.trim().is_empty());
            }
        }
    }

    #[test]
    fn patterns_compile() {
        for pattern in [
            &EMAIL,
            &PHONE,
            &NOT_PHONE,
            &GREETING,
            &NAME_CUE,
            &COMPANY_CUE,
            &LEADING_FROM,
            &need::NEED_CUE,
        ] {
            assert!(pattern.is_some());
        }
    }

    #[test]
    fn answers_to_the_question_asked() {
        let ask = |field: &'static str| move |text: &str| answer_to(field, text);
        check(
            &[
                ("200", Some(Answer::CompanySize(200))),
                ("about 50", Some(Answer::CompanySize(50))),
                ("just me", Some(Answer::CompanySize(1))),
                ("no idea", None),
            ],
            ask("company_size"),
        );
        check(
            &[
                ("5000", Some(Answer::Budget(5000))),
                ("$10k per month", Some(Answer::Budget(10_000))),
                ("none", Some(Answer::Budget(0))),
            ],
            ask("budget"),
        );
        check(
            &[
                ("3", Some(Answer::TimelineMonths(3))),
                ("asap", Some(Answer::TimelineMonths(0))),
                ("not sure", Some(Answer::TimelineMonths(24))),
            ],
            ask("timeline"),
        );
        check(
            &[
                ("cto", Some(Answer::Role("CTO".into()))),
                (
                    "I run sales ops",
                    Some(Answer::Role("I run sales ops".into())),
                ),
                ("why do you ask?", None),
                ("rather not say", None),
                ("about 150 staff", None),
                ("sorry, it's Siobhan, not Siobahn", None),
            ],
            ask("role"),
        );
        check(
            &[
                (
                    "faster follow-up on inbound leads",
                    Some(Answer::Need("faster follow-up on inbound leads".into())),
                ),
                ("not sure", None),
                ("yes", None),
                ("75", None),
                ("20k", None),
                (
                    "we need to book demos with enterprise prospects faster",
                    Some(Answer::Need(
                        "we need to book demos with enterprise prospects faster".into(),
                    )),
                ),
                ("actually please use my full name, Katherine Brown", None),
                ("hi, looking for info on your product", None),
                ("we need more information first", None),
            ],
            ask("need"),
        );
        check(&[("200", None::<Answer>)], ask("unknown_field"));
    }

    #[test]
    fn volunteered_facts() {
        check(
            &[
                (
                    "we're 200 people and want to start next month with about $10k",
                    vec![
                        Answer::CompanySize(200),
                        Answer::Budget(10_000),
                        Answer::TimelineMonths(1),
                    ],
                ),
                (
                    "I'm the CTO and we need a faster way to follow up on leads",
                    vec![
                        Answer::Role("CTO".into()),
                        Answer::Need("we need a faster way to follow up on leads".into()),
                    ],
                ),
                ("can we meet next week?", vec![]),
                ("What are your hours? I'm free this week", vec![]),
                ("not sure", vec![]),
                ("200", vec![]),
                ("hello", vec![]),
                ("hi, looking for info on your product", vec![]),
                ("I'm looking for information about Brightline", vec![]),
            ],
            volunteered,
        );
    }

    fn on_dec_8() -> Date {
        jiff::civil::date(2026, 12, 8)
    }

    #[test]
    fn team_sizes_apart_from_company_sizes() {
        let asked = |text: &str| answer_to_at("company_size", text, on_dec_8());
        check(
            &[
                ("40", Some(Answer::CompanySize(40))),
                ("about 40", Some(Answer::CompanySize(40))),
                ("We're about 200 people", Some(Answer::CompanySize(200))),
                ("a team of around 40 reps", Some(Answer::TeamSize(40))),
                ("my team is 8", Some(Answer::TeamSize(8))),
                ("40 sales reps", Some(Answer::TeamSize(40))),
                ("200 people, my team is 40", Some(Answer::CompanySize(200))),
                ("sorry, I meant 120", Some(Answer::CompanySize(120))),
                ("not 12 but 120", Some(Answer::CompanySize(120))),
                ("40-50", Some(Answer::CompanySize(50))),
                ("no idea", None),
            ],
            asked,
        );
        check(
            &[
                (
                    "We're about 200 people and my team is 40 reps",
                    vec![Answer::CompanySize(200), Answer::TeamSize(40)],
                ),
                ("a team of around 40 reps", vec![Answer::TeamSize(40)]),
                (
                    "we're 200 people, budget 20.000 € and we want to start end of Q1",
                    vec![
                        Answer::CompanySize(200),
                        Answer::Budget(20_000),
                        Answer::TimelineMonths(4),
                    ],
                ),
                (
                    "somos 50 personas, presupuesto 15 mil euros, el próximo mes",
                    vec![
                        Answer::CompanySize(50),
                        Answer::Budget(15_000),
                        Answer::TimelineMonths(1),
                    ],
                ),
                (
                    "Wir sind 80 Mitarbeiter, Budget 2.500 pro Monat, Start im März",
                    vec![
                        Answer::CompanySize(80),
                        Answer::Budget(2500),
                        Answer::TimelineMonths(3),
                    ],
                ),
                ("can we meet in March?", vec![]),
                (
                    "actually scratch that, not January - finance just told me it'll be September at the earliest",
                    vec![Answer::TimelineMonths(9)],
                ),
                (
                    "budget ~25k, need to move by January. honestly, can I just talk to a real person now?",
                    vec![
                        Answer::Budget(25_000),
                        Answer::TimelineMonths(1),
                        Answer::Need("need to move by January".into()),
                    ],
                ),
            ],
            |text| volunteered_at(text, on_dec_8()),
        );
    }

    #[test]
    fn corrected_and_dated_answers() {
        let asked = |field: &'static str| move |text: &str| answer_to_at(field, text, on_dec_8());
        check(
            &[
                ("5k, sorry, 10k", Some(Answer::Budget(10_000))),
                ("make that 8000", Some(Answer::Budget(8000))),
                ("20.000 dólares", Some(Answer::Budget(20_000))),
                ("15 mil euros", Some(Answer::Budget(15_000))),
                ("£8k", Some(Answer::Budget(8000))),
            ],
            asked("budget"),
        );
        check(
            &[
                ("end of Q1", Some(Answer::TimelineMonths(4))),
                ("by June", Some(Answer::TimelineMonths(6))),
                ("ASAP", Some(Answer::TimelineMonths(0))),
                ("Q1, actually Q2", Some(Answer::TimelineMonths(4))),
            ],
            asked("timeline"),
        );
    }

    #[test]
    fn lenient_quantities_read_european_numbers() {
        check(
            &[
                ("20.000 dólares", Some(20_000.0)),
                ("1,5 Mio", Some(1_500_000.0)),
                ("about 5k... actually make that 10k", Some(10_000.0)),
                ("10k, not 5k", Some(10_000.0)),
                ("no number here", None),
            ],
            last_quantity,
        );
    }
}
