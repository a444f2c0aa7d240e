//! The sentence in which the visitor says what they need.

use regex::Regex;
use std::sync::LazyLock;

use super::*;

pub(super) static NEED_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r"(?i)\b(?:need(?:s|ed)?|looking\s+(?:for|to)|want(?:s|ed)?\s+to|wanna|would\s+like\s+to|['’]d\s+like\s+to",
        r"|trying\s+to|hoping\s+to|struggl(?:e|es|ing)\s+(?:with|to)|(?:problem|challenge|issue|goal|pain\s+point)\s+is",
        r"|help(?:ing)?\s+(?:with|us|me)|in\s+the\s+market\s+for|searching\s+for|interested\s+in|require(?:s|d)?)\b",
    ))
});

/// The sentence in which the visitor says what they need ("we need help handling inbound
/// leads faster", "we're looking for a way to …"), trimmed to the clause that says it.
pub fn need(text: &str) -> Option<String> {
    let cues = NEED_CUE.as_ref()?;
    cues.find_iter(text)
        .find(|cue| need_cue_counts(text, cue.start(), cue.end()))
        .map(|cue| need_clause(text, cue.start()))
        .filter(|clause| !clause.is_empty())
}

fn need_cue_counts(text: &str, start: usize, end: usize) -> bool {
    let before = prev_word(text, start);
    // "do you need my email?", "no need", "we don't need".
    if [
        "you", "u", "no", "don't", "dont", "not", "never", "doesn't", "didn't",
    ]
    .iter()
    .any(|w| same_word(w, before))
    {
        return false;
    }
    let mut rest = &text[end..];
    for _ in 0..3 {
        let next = next_word(rest);
        if ![
            "to", "a", "an", "some", "the", "more", "your", "with", "in", "for",
        ]
        .iter()
        .any(|w| same_word(w, next))
        {
            break;
        }
        rest = rest.trim_start()[next.len()..].trim_start();
    }
    let next = next_word(rest);
    !next.is_empty() && !is_in(next, NOT_A_NEED)
}

/// "looking for info on your product", "we need more details": a cue followed by a word
/// asking for information, not a need.
pub(super) fn asks_for_information(text: &str) -> bool {
    NEED_CUE.as_ref().is_some_and(|cues| {
        cues.find_iter(text).any(|cue| {
            let mut rest = &text[cue.end()..];
            for _ in 0..3 {
                let next = next_word(rest);
                if is_in(next, INFORMATION) {
                    return true;
                }
                rest = rest.trim_start()[next.len()..].trim_start();
            }
            false
        })
    })
}

const INFORMATION: &[&str] = &[
    "info",
    "information",
    "details",
    "docs",
    "documentation",
    "answers",
    "brochure",
    "overview",
];

/// Words after "need"/"want to" that are about the conversation, not the business.
#[rustfmt::skip]
const NOT_A_NEED: &[&str] = &[
    "think", "check", "talk", "discuss", "ask", "run", "go", "know", "confirm", "consult", "book",
    "schedule", "meet", "speak", "chat", "start", "begin", "sign", "see", "hear", "learn", "demo",
    "call", "meeting", "time", "minute", "moment", "pricing", "price", "prices", "quote", "cost",
    "costs", "cancel", "unsubscribe", "reschedule", "understand", "email", "phone", "number",
    "contact", "leave", "wait", "reply", "respond", "get", "buy", "purchase", "pay", "sleep", "it",
    "figure", "decide", "compare", "evaluate", "choose", "info", "information", "details",
    "docs", "documentation", "answers", "brochure", "overview",
];

/// The clause of the sentence holding the cue at `at`: "Hi, I'm Jane and we need a CRM" →
/// "we need a CRM".
fn need_clause(text: &str, at: usize) -> String {
    let bytes = text.as_bytes();
    let ends_sentence = |i: usize| match bytes[i] {
        b'!' | b'?' | b'\n' => true,
        b'.' => bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace),
        _ => false,
    };
    let start = (0..at)
        .rev()
        .find(|&i| ends_sentence(i))
        .map_or(0, |i| i + 1);
    let end = (at..bytes.len())
        .find(|&i| ends_sentence(i))
        .unwrap_or(bytes.len());
    let mut clause_start = start;
    // Cut a lead-in ("Hi, I'm Jane and …") where the rest starts with who needs it.
    for (i, _) in text[start..at].match_indices([',', ';']) {
        let from = start + i + 1;
        if opens_need(&text[from..at]) {
            clause_start = from;
        }
    }
    for joiner in [" and ", " but ", " so "] {
        for (i, _) in text[start..at].match_indices(joiner) {
            let from = start + i + joiner.len();
            if from > clause_start && opens_need(&text[from..at]) {
                clause_start = from;
            }
        }
    }
    let clause = text[clause_start..end].trim();
    let clause = clause
        .trim_end_matches(|c: char| ".!,;".contains(c))
        .trim_end();
    truncate_chars(clause, 500).to_owned()
}

#[rustfmt::skip]
const NEED_SUBJECTS: &[&str] = &[
    "i", "i'm", "im", "we", "we're", "were", "we've", "our", "my", "us", "currently",
];

/// The words before a cue start a clause about the visitor ("we", "our team") or are empty.
fn opens_need(before_cue: &str) -> bool {
    let first = next_word(before_cue);
    before_cue.trim().is_empty() || is_in(first, NEED_SUBJECTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs() {
        check(
            &[
                (
                    "I need help handling inbound leads faster",
                    Some("I need help handling inbound leads faster"),
                ),
                (
                    "we're looking for a way to qualify leads automatically.",
                    Some("we're looking for a way to qualify leads automatically"),
                ),
                (
                    "Hi, I'm Jane and we want to automate our follow-ups. Thanks!",
                    Some("we want to automate our follow-ups"),
                ),
                (
                    "Our sales team needs a chatbot on the pricing page",
                    Some("Our sales team needs a chatbot on the pricing page"),
                ),
                ("I need to think about it", None),
                ("I want to book a demo", None),
                ("what's the price?", None),
                ("do you need my email?", None),
                ("no need, thanks", None),
                ("hello there", None),
            ],
            need,
        );
    }
}
