//! Yes/no replies.

use super::*;

/// "yes", "sure", "sounds good", "please do" → true; "no", "not now", "later" → false;
/// anything else (including "not sure") → `None`. Reads the first clause only, so "no, the
/// company is Acme Inc" is a no.
pub fn yes_no(text: &str) -> Option<bool> {
    let lower = lowered(text);
    let clause = lower
        .split(|c: char| ",.!;:?\n(".contains(c))
        .map(|c| c.trim_matches(|c: char| c.is_whitespace() || "-–—~*\"'".contains(c)))
        .find(|c| !c.is_empty())?;
    if clause.starts_with('👍') {
        return Some(true);
    }
    if clause.starts_with('👎') {
        return Some(false);
    }
    if YES_PHRASES.contains(&clause) {
        return Some(true);
    }
    if NO_PHRASES.contains(&clause) || clause.ends_with(" not") {
        return Some(false);
    }
    if UNDECIDED.iter().any(|p| starts_with_phrase(clause, p)) {
        return None;
    }
    if ["no problem", "no worries", "no prob"]
        .iter()
        .any(|p| starts_with_phrase(clause, p))
    {
        return Some(true);
    }
    // "ok so how does it work" opens a question with a filler, it does not say yes.
    let first = clause.split_whitespace().next().unwrap_or_default();
    let rest = clause[first.len()..].trim_start();
    if sentence_asks(rest, false) {
        return None;
    }
    // "yes luma labs we're a skincare brand": a plain yes opens a longer clause too, while
    // "ok"/"sure" there are fillers.
    let plain = ["yes", "yeah", "yep", "yup", "no", "nope"].contains(&first);
    if clause.split_whitespace().count() > 5 && !plain {
        return None;
    }
    if YES_WORDS.contains(&first) {
        return Some(true);
    }
    if NO_WORDS.contains(&first) || starts_with_phrase(clause, "not now") {
        return Some(false);
    }
    None
}

#[rustfmt::skip]
const UNDECIDED: &[&str] = &[
    "not sure", "maybe", "perhaps", "i don't know", "i dont know", "dunno", "idk", "no idea",
    "possibly", "it depends", "depends", "not certain", "unsure", "hmm", "let me think",
];
#[rustfmt::skip]
const YES_PHRASES: &[&str] = &[
    "y", "k", "kk", "please", "please do", "sounds good", "sounds great", "sounds perfect",
    "sounds fine", "perfect", "great", "cool", "awesome", "fine", "that works", "works for me",
    "that would be great", "that'd be great", "go ahead", "go for it", "let's do it", "lets do it",
    "let's do that", "do it", "why not", "i'd like that", "i would like that", "i'd love that",
    "i would love that", "love to", "i'd love to", "would love to", "of course", "for sure",
    "correct", "right", "that's right", "exactly", "indeed", "deal", "i do", "we do", "i am",
    "we are", "it is", "send it", "book it", "all right", "affirmative", "good idea",
];
#[rustfmt::skip]
const NO_PHRASES: &[&str] = &[
    "n", "later", "maybe later", "not now", "not yet", "not really", "not interested", "not today",
    "not at the moment", "not right now", "not for now", "not at all", "some other time",
    "another time", "no way", "pass", "i'll pass", "ill pass", "i'm good", "im good", "i'm ok",
    "i'm fine", "i'm all set", "all set", "i don't", "we don't", "i dont", "we dont", "don't",
    "negative", "nothing", "i'd rather not", "rather not", "no need", "skip", "stop", "cancel",
];
#[rustfmt::skip]
const YES_WORDS: &[&str] = &[
    "yes", "yeah", "yep", "yup", "yea", "ya", "yes!", "sure", "ok", "okay", "alright",
    "absolutely", "definitely", "certainly", "gladly",
];
const NO_WORDS: &[&str] = &["no", "nope", "nah", "never", "nay"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no() {
        check(
            &[
                ("yes", Some(true)),
                ("Yep!", Some(true)),
                ("sure", Some(true)),
                ("sounds good", Some(true)),
                ("ok", Some(true)),
                ("please do", Some(true)),
                ("Yes please, send it over", Some(true)),
                ("absolutely", Some(true)),
                ("no", Some(false)),
                ("nope", Some(false)),
                ("not now", Some(false)),
                ("no thanks", Some(false)),
                ("later", Some(false)),
                ("maybe later", Some(false)),
                ("absolutely not", Some(false)),
                ("no, the company is Acme Inc", Some(false)),
                ("not sure", None),
                ("no idea", None),
                ("maybe", None),
                ("what does it cost?", None),
                ("Ok so how does the AI qualify leads?", None),
                ("we have 50 people", None),
                (
                    "yes luma labs ✅ we're a skincare brand, DMs + emails everywhere",
                    Some(true),
                ),
                (
                    "yep that's us, we sell coffee to cafes across the state",
                    Some(true),
                ),
                ("nope we are a different company altogether", Some(false)),
                ("ok so we have a team of forty people in sales", None),
                ("yes but how does the billing work?", None),
            ],
            yes_no,
        );
    }
}
