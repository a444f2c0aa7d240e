//! Facts read out of one visitor message by patterns: contact details, answers to the
//! qualification questions, yes/no replies, and whether the visitor asked something.
//!
//! Precision beats recall: a wrong name or company lands on the lead the tenant sees, while a
//! missed one is simply asked for again. So every pattern needs a cue ("my name is", "I work
//! at", "$", "people", …) and stop lists veto common words after weak cues. A bare number or
//! word counts only as a short reply (`answer_to`, or a whole message that is just "200").
//!
//! These run on every chat turn: regexes compile once, text is lowercased at most once per
//! call, and word lists are scanned without allocating.

use regex::Regex;

mod budget;
mod company;
mod contact;
mod name;
mod need;
mod questions;
mod role;
mod size;
mod timeline;
mod tokens;
mod words;
mod yes_no;

pub use budget::budget;
pub use contact::contact;
pub use need::need;
pub use questions::is_question;
pub use role::{is_decision_maker, role};
pub use size::company_size;
pub use timeline::timeline_months;
pub use yes_no::yes_no;

// Each reader imports `super::*`, so these globs are how they share their helpers.
use budget::*;
use company::*;
use contact::*;
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
    CompanySize(u32),
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
/// statement would need a cue for ("200", "cto", "3").
pub fn answer_to(field: &str, text: &str) -> Option<Answer> {
    match field {
        "company_size" => company_size(text).map(Answer::CompanySize),
        "budget" => budget(text).map(Answer::Budget),
        "timeline" => timeline_months(text)
            .or_else(|| bare_months(text))
            .map(Answer::TimelineMonths),
        "role" => role(text)
            .or_else(|| short_reply(text, 5))
            .map(Answer::Role),
        "need" => need(text)
            .or_else(|| short_reply(text, 80))
            .map(Answer::Need),
        _ => None,
    }
}

/// Every qualification fact stated in a message without being asked ("we're 200 people and
/// want to start next month with about $10k"). Stricter than `answer_to`: every fact needs a
/// cue, and vague timelines ("not sure") are not taken as one.
pub fn volunteered(text: &str) -> Vec<Answer> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    let mut facts = Vec::new();
    if let Some(size) = size_in(&lower, &tokens) {
        facts.push(Answer::CompanySize(size));
    }
    if let Some(amount) = budget_in(&lower, &tokens) {
        facts.push(Answer::Budget(amount));
    }
    // "Can we meet next week?" is about a call, not about when they will buy.
    if !is_about_meeting(&lower)
        && let Some(months) = timeline_in(&lower, &tokens, false)
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
    }

    proptest::proptest! {
        // Byte offsets are sliced everywhere here: no input may land one inside a character.
        #[test]
        fn any_text_is_read_without_panicking(text in "\\PC{0,80}") {
            read_everything(&text);
        }

        #[test]
        fn chat_like_text_is_read_without_panicking(
            text in "((I[’']m|my name is|call me|this is|from|at|we[’']re|\\$|€|[0-9]{1,5}|[0-9]\\.[0-9]k|k|people|months|CTO|head of|[A-Za-zÀ-ÿ’'.,@+()-]{1,8}|José|Ünïcödé|\\?|!|\\n) ?){0,16}"
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
            ],
            volunteered,
        );
    }
}
