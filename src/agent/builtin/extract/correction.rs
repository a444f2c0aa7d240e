//! Corrections ("actually we're 120, not 12"): whether a message takes something back, and
//! which of two values in it is the one that stands.

use regex::Regex;
use std::sync::LazyLock;

use super::*;

/// "not 12 but 120", "120, not 12", "not acme.com but acme.io": a value set against another.
pub(super) static NOT_BUT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r"(?i)(?:\bnot\s+(?P<was>[^\s,]+)(?:\s+[^\s,]+)?\s*,?\s*but\s+\S",
        r"|[0-9@]\S*\s*,?\s+(?:not|nicht|no)\s+[0-9]\S*",
        r"|\bno\s+es\s+\S+\s*,?\s*(?:sino|es)\s+\S",
        r"|\bnicht\s+\S+\s*,?\s*sondern\s+\S)",
    ))
});

/// Whether the visitor corrects something they said: "actually", "sorry, I meant", "typo",
/// "I mean", "correction:", "not X but Y", "make that", "perdón, quise decir", "Korrektur",
/// "eigentlich". The extractors then keep the last value the message gives.
pub fn is_correction(text: &str) -> bool {
    let lower = lowered(text);
    correcting(&lower)
}

pub(super) fn correcting(lower: &str) -> bool {
    if CORRECTION_PHRASES
        .iter()
        .any(|p| find_phrase(lower, p).is_some())
    {
        return true;
    }
    // "I mean 120" corrects; "I mean, it's a bit pricey" is a manner of speaking.
    if ["i mean", "ich meine"].iter().any(|p| {
        find_phrase(lower, p)
            .is_some_and(|at| lower[at..].bytes().any(|b| b.is_ascii_digit() || b == b'@'))
    }) {
        return true;
    }
    if sorry_then_value(lower) {
        return true;
    }
    let negated = ["not", "nicht", "no "].iter().any(|w| lower.contains(w));
    negated
        && NOT_BUT.as_ref().is_some_and(|p| {
            p.captures_iter(lower).any(|c| {
                // "not sure but", "not just X but": hedges, not a value taken back.
                c.name("was")
                    .is_none_or(|was| !is_in(was.as_str(), NOT_BUT_HEDGES))
            })
        })
}

#[rustfmt::skip]
const CORRECTION_PHRASES: &[&str] = &[
    "actually", "i meant", "meant to say", "typo", "correction", "make that",
    "scratch that", "my bad", "my mistake", "i misspoke", "misspoke", "i misread", "oops",
    "i was wrong", "let me correct", "to correct", "should have said", "should've said",
    "wrong number", "wrong email", "that's wrong", "that was wrong", "autocorrect",
    "autocorrected", "auto-correct", "auto-corrected", "misspelled", "wrong name",
    "full name",
    "quise decir", "quería decir", "queria decir", "me equivoqué", "me equivoque", "corrijo",
    "corrección", "correccion", "perdón, es", "en realidad", "mejor dicho",
    "korrektur", "eigentlich", "ich meinte", "tippfehler", "vertippt", "verschrieben",
    "sorry, es ist", "genauer gesagt",
];

#[rustfmt::skip]
const NOT_BUT_HEDGES: &[&str] = &[
    "sure", "really", "just", "only", "yet", "now", "much", "bad", "exactly", "that", "so",
    "too", "very", "quite", "always", "necessarily", "entirely", "a", "the", "only",
];

/// "555 0100, sorry 555 0101", "sorry, it's maria@acme.io": an apology followed by a value.
fn sorry_then_value(lower: &str) -> bool {
    [
        "sorry",
        "perdón",
        "perdon",
        "entschuldigung",
        "pardon",
        "oops",
    ]
    .iter()
    .filter_map(|w| find_phrase(lower, w).map(|at| at + w.len()))
    .any(|after| {
        let rest = lower[after..].trim_start_matches(|c: char| !c.is_alphanumeric());
        // "sorry, it's John": the apology puts right what follows.
        if ["it's ", "its ", "it is ", "es ist "]
            .iter()
            .any(|p| rest.starts_with(p))
        {
            return true;
        }
        let rest = rest
            .strip_prefix("it's ")
            .or_else(|| rest.strip_prefix("its "))
            .or_else(|| rest.strip_prefix("it is "))
            .or_else(|| rest.strip_prefix("es "))
            .unwrap_or(rest);
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let first = &rest[..word_end];
        first.starts_with(|c: char| c.is_ascii_digit()) || first.contains('@')
    })
}

/// "we're 45. actually closer to 50": the number a correction after byte `after` gives
/// without repeating the cue, as (byte offset, value). Only a number the correction opens
/// with and nothing names ("50", "closer to 50", "make that 8k"), so "actually 3 of us are
/// remote" gives none.
pub(super) fn corrected_after(
    lower: &str,
    tokens: &[Token<'_>],
    mut after: usize,
) -> Option<(usize, f64)> {
    while after < lower.len() && !lower.is_char_boundary(after) {
        after += 1;
    }
    if after > lower.len() {
        return None;
    }
    let cue_end = CORRECTION_PHRASES
        .iter()
        .chain(&["sorry", "perdón", "entschuldigung"])
        .filter_map(|p| {
            let at = find_phrase(&lower[after..], p)?;
            Some(after + at + p.len())
        })
        .min()?;
    let i = tokens.iter().position(|t| t.at >= cue_end)?;
    // Skip a few fillers between the cue and the number ("actually it's closer to 50").
    let mut j = i;
    while j < i + 5 {
        match tokens.get(j)?.tok {
            Tok::Num(_) => break,
            t if is_currency(t) => break,
            Tok::Sym(_) => j += 1,
            Tok::Word(_) if is_word(tokens, j, CORRECTION_FILLERS) => j += 1,
            Tok::Word(_) => return None,
        }
    }
    let (value, end) = amount(tokens, skip_currency(tokens, j))?;
    let closes = end == tokens.len()
        || sym(tokens, end).is_some()
        || is_word(
            tokens,
            end,
            &["not", "rather", "instead", "then", "now", "and", "but"],
        );
    closes.then(|| (tokens[j].at, value))
}

#[rustfmt::skip]
const CORRECTION_FILLERS: &[&str] = &[
    "it's", "its", "it", "is", "we're", "were", "we", "are", "more", "like", "closer", "close",
    "to", "about", "around", "roughly", "nearer", "that", "make", "say", "the", "budget", "number",
    "es", "ist", "sind", "somos", "eher", "unos", "son",
];

/// Whether the value starting at byte `at` is one the visitor takes back: "not 12", "instead
/// of 5k", "rather than March", "nicht 12", "no 12".
pub(super) fn retracted_at(lower: &str, at: usize) -> bool {
    let before = prev_word(lower, at);
    if is_in(
        before,
        &[
            "not",
            "nicht",
            "no",
            "was",
            "previously",
            "formerly",
            "wrong",
        ],
    ) {
        return true;
    }
    let before_start = lower[..at].trim_end().len() - before.len();
    let earlier = prev_word(lower, before_start);
    (is_in(before, &["of"]) && is_in(earlier, &["instead"]))
        || (is_in(before, &["than"]) && is_in(earlier, &["rather"]))
        || (is_in(before, &["de"]) && is_in(earlier, &["lugar", "vez"]))
        || (is_in(before, &["von"]) && is_in(earlier, &["statt", "anstatt"]))
}

/// Of several values found at byte offsets, the one that stands: in a correction the last
/// one not taken back, otherwise the first (what they led with).
pub(super) fn standing<T>(lower: &str, found: Vec<(usize, T)>) -> Option<T> {
    if found.len() <= 1 {
        return found.into_iter().next().map(|(_, v)| v);
    }
    if !correcting(lower) {
        return found.into_iter().next().map(|(_, v)| v);
    }
    let mut last_kept = None;
    let mut last_any = None;
    for (at, value) in found {
        if retracted_at(lower, at) {
            last_any = Some(value);
        } else {
            last_kept = Some(value);
        }
    }
    last_kept.or(last_any)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrections() {
        check(
            &[
                ("actually we're 120 not 12", true),
                ("sorry, I meant 15k", true),
                ("Sorry I meant Acme Corp", true),
                ("typo: it's maria@acme.io", true),
                ("sorry, typo: it's maria@acme.io", true),
                ("I mean the budget is 10k", true),
                ("Correction: 40 people", true),
                ("not 12 but 120", true),
                ("it's 120, not 12", true),
                ("make that 10k", true),
                ("scratch that, next month", true),
                ("my phone is 555 0100, sorry 555 0101", true),
                ("perdón, quise decir 20.000", true),
                ("Korrektur: 50 Mitarbeiter", true),
                ("eigentlich sind wir 80", true),
                ("ich meinte März", true),
                ("no es 10, sino 100", true),
                ("nicht 10, sondern 100", true),
                ("oops, wrong email", true),
                ("ACTUALLY it's Q2", true),
                // Not corrections.
                ("sorry, what do you mean?", false),
                ("sorry for the late reply", false),
                ("I mean, it's a bit pricey", false),
                ("sorry, it's John", true),
                ("I'm not sure but maybe 10k", false),
                ("not just sales but support too", false),
                ("we're 120 people", false),
                ("my email is maria@acme.io", false),
                ("hello", false),
                ("no thanks", false),
                ("Sorry, I'm busy today", false),
            ],
            is_correction,
        );
    }

    #[test]
    fn taken_back_values() {
        let lower = "actually we're 120 not 12, instead of 5k rather than march";
        let at = |s: &str| lower.find(s).unwrap_or(0);
        assert!(!retracted_at(lower, at("120")));
        assert!(retracted_at(lower, at("12,")));
        assert!(retracted_at(lower, at("5k")));
        assert!(retracted_at(lower, at("march")));
        assert!(!retracted_at("12", 0));
    }

    #[test]
    fn numbers_a_correction_gives_without_a_cue() {
        let at = |lower: &str| {
            let tokens = tokenize(lower);
            corrected_after(lower, &tokens, 0).map(|(_, v)| v)
        };
        check(
            &[
                ("we're 45. actually closer to 50", Some(50.0)),
                ("5k, sorry 8k", Some(8000.0)),
                ("make that $12k", Some(12000.0)),
                ("actually it's 120", Some(120.0)),
                ("actually 3 of us are remote", None),
                ("actually we use hubspot", None),
                ("actually, great, 50 is fine", None),
            ],
            at,
        );
    }

    #[test]
    fn the_standing_value() {
        assert_eq!(standing("5k, sorry 10k", vec![(0, 5), (10, 10)]), Some(10));
        assert_eq!(standing("5k or 10k", vec![(0, 5), (6, 10)]), Some(5));
        assert_eq!(
            standing("actually 120 not 12", vec![(9, 120), (17, 12)]),
            Some(120)
        );
        assert_eq!(standing::<u32>("", vec![]), None);
    }
}
