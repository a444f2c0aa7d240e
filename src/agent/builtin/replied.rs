//! Reading a reply to the question the agent just asked, when the general extractors need a
//! cue the visitor did not give: "tom baker" after "what's your name?", "we have roughly 15k
//! set aside" after "what's your budget?".

use std::sync::LazyLock;

use regex::Regex;

use super::extract::Answer;
use crate::model::settings::Field;

/// An amount with an optional multiplier: "15k", "12,500", "2.5m", "20 grand". ASCII digits,
/// which is what `f64::from_str` reads (see `PHONE` in extract.rs on the size of `\d`).
static AMOUNT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)([0-9][0-9,]*(?:\.[0-9]+)?)\s*(k|m|grand|thousand|million)?\b").ok()
});

/// Words that say "I don't know", so a number nearby is not taken as an answer.
const UNSURE: &[&str] = &[
    "don't know",
    "dont know",
    "no idea",
    "not sure",
    "not decided",
    "depends",
    "unsure",
];

/// A lenient reading of `message` as the answer to `field`; `None` when it is not one.
pub fn answer(field: Field, message: &str) -> Option<Answer> {
    let lower = message.to_lowercase();
    match field {
        Field::Budget
            if ["none", "zero", "nothing", "no budget"]
                .iter()
                .any(|w| lower.contains(w)) =>
        {
            Some(Answer::Budget(0))
        }
        Field::Budget => last_amount(&lower).map(|n| Answer::Budget(n as u64)),
        Field::CompanySize => last_amount(&lower)
            .and_then(|n| u32::try_from(n as u64).ok())
            .filter(|n| *n > 0)
            .map(Answer::CompanySize),
        Field::Need | Field::Role | Field::Timeline => None,
    }
}

/// The last amount in the text (a correction comes after the first guess).
fn last_amount(lower: &str) -> Option<f64> {
    if UNSURE.iter().any(|w| lower.contains(w))
        && !lower.contains("probably")
        && !lower.contains("around")
    {
        return None;
    }
    let regex = AMOUNT.as_ref()?;
    let caps = regex.captures_iter(lower).last()?;
    let number: f64 = caps.get(1)?.as_str().replace(',', "").parse().ok()?;
    let multiplier = match caps.get(2).map(|m| m.as_str()) {
        Some("k" | "grand" | "thousand") => 1_000.0,
        Some("m" | "million") => 1_000_000.0,
        _ => 1.0,
    };
    Some(number * multiplier)
}

/// A bare name (and company) given right after the agent asked for it: the words before an
/// email, a comma or a dash; "X from Y" also names the company.
pub fn name_and_company(message: &str) -> (Option<String>, Option<String>) {
    // The email's local part is the last word before '@'; it is not part of the name.
    let before_email = match message.split_once('@') {
        Some((before, _)) => before
            .rsplit_once(char::is_whitespace)
            .map_or("", |(head, _)| head),
        None => message,
    };
    let head = before_email
        .trim_end_matches([' ', '-', ':'])
        .split([',', ';', '(', '<'])
        .next()
        .unwrap_or("")
        .split(" - ")
        .next()
        .unwrap_or("");
    let text = head.split_whitespace().collect::<Vec<_>>().join(" ");
    let (name_part, company) = match text
        .split_once(" from ")
        .or_else(|| text.split_once(" at "))
    {
        Some((name, company)) => (
            name.to_owned(),
            Some(company.trim().trim_end_matches('.').to_owned()).filter(|c| !c.is_empty()),
        ),
        None => (text, None),
    };
    const FILLER: &[&str] = &[
        "hi", "hey", "hello", "sure", "ok", "it's", "its", "i'm", "im", "name", "is", "my", "this",
        "me",
    ];
    let words: Vec<&str> = name_part
        .split_whitespace()
        .filter(|w| !FILLER.contains(&w.to_lowercase().as_str()))
        .collect();
    let looks_like_name = (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        });
    if !looks_like_name {
        return (None, None);
    }
    (
        Some(
            words
                .iter()
                .map(|w| capitalised(w))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        company,
    )
}

/// "baker" → "Baker"; "de" and other all-lower particles stay lower only between words.
fn capitalised(word: &str) -> String {
    if word.chars().any(char::is_uppercase) {
        return word.to_owned();
    }
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_names_after_the_question() {
        assert_eq!(
            name_and_company("tom baker"),
            (Some("Tom Baker".into()), None)
        );
        assert_eq!(
            name_and_company("Dave Ortiz, dortiz@x.io").0.as_deref(),
            Some("Dave Ortiz")
        );
        assert_eq!(
            name_and_company("Sara Lopez from Brightside Agency - sara@brightside.io"),
            (Some("Sara Lopez".into()), Some("Brightside Agency".into()))
        );
        assert_eq!(name_and_company("what do you need it for?").0, None);
        assert_eq!(name_and_company("tom@bakerlogistics.com").0, None);
        assert_eq!(name_and_company("jane.smith@acme.com").0, None);
    }

    #[test]
    fn amounts_when_asked() {
        assert_eq!(
            answer(Field::Budget, "we have roughly 15k set aside for this"),
            Some(Answer::Budget(15_000))
        );
        assert_eq!(
            answer(Field::Budget, "about 5k... actually make that 10k"),
            Some(Answer::Budget(10_000))
        );
        assert_eq!(
            answer(
                Field::Budget,
                "honestly I don't know yet, depends on the price"
            ),
            None
        );
        assert_eq!(
            answer(Field::CompanySize, "we have 65 guides and staff"),
            Some(Answer::CompanySize(65))
        );
    }
}
