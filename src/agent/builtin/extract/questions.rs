//! Whether the visitor asked something.

use super::*;

/// Whether the visitor asked something: a sentence ends with '?' or opens with a question
/// word. "How about Tuesday 10am?" proposes rather than asks, so it is not a question.
pub fn is_question(text: &str) -> bool {
    let lower = lowered(text);
    let mut start = 0;
    let bytes = lower.as_bytes();
    for (i, c) in lower.char_indices() {
        let ends = match c {
            '?' | '!' | '\n' => true,
            // A dot inside "acme.com" or "1.5k" does not end a sentence.
            '.' => bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace),
            _ => false,
        };
        if ends {
            if sentence_asks(&lower[start..i], c == '?') {
                return true;
            }
            start = i + c.len_utf8();
        }
    }
    sentence_asks(&lower[start..], false)
}

pub(super) fn sentence_asks(sentence: &str, question_mark: bool) -> bool {
    let mut rest = sentence.trim();
    // Openers that do not change what the sentence is: "hi, do you …", "ok so how …".
    loop {
        let word = leading_word(rest);
        if word.is_empty() || !is_in(word, OPENERS) {
            break;
        }
        rest = rest[word.len()..]
            .trim_start_matches(|c: char| c.is_whitespace() || ",!-–".contains(c));
    }
    if rest.is_empty() || STATEMENTS.iter().any(|s| starts_with_phrase(rest, s)) {
        return false;
    }
    question_mark || is_in(leading_word(rest), QUESTION_WORDS)
}

#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "hi", "hello", "hey", "ok", "okay", "so", "and", "but", "also", "oh", "um", "uh", "well",
    "thanks", "great", "cool", "quick", "question", "btw", "anyway", "sorry",
];
#[rustfmt::skip]
const STATEMENTS: &[&str] = &[
    "how about", "do it", "do that", "do so", "will do", "would love", "would like", "would be",
    "would prefer", "can do", "what a", "who cares", "when possible",
];
#[rustfmt::skip]
const QUESTION_WORDS: &[&str] = &[
    "what", "what's", "whats", "how", "how's", "hows", "do", "does", "did", "can", "could", "is",
    "isn't", "are", "aren't", "which", "who", "who's", "whom", "whose", "when", "when's", "where",
    "where's", "why", "would", "will", "should", "shall", "may",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions() {
        check(
            &[
                ("what does it cost?", true),
                ("How does the widget work", true),
                ("do you integrate with HubSpot", true),
                ("Hi, can I try it for free", true),
                ("pricing?", true),
                ("I'm Jane. Where are you based?", true),
                ("is there an API", true),
                ("how about tuesday 10am", false),
                ("How about Tuesday at 10?", false),
                ("I'm Jane from Acme", false),
                ("we need a CRM.", false),
                ("will do", false),
                ("do it", false),
                ("yes", false),
            ],
            is_question,
        );
    }
}
