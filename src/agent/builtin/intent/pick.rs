//! An explicit choice among offered meeting times.

use super::Pick;
use super::patterns::Pattern;
use super::text::{self, Clause};
use super::time;

/// The choice the message makes: a place ("2", "option 2", "the second one", "last"), a
/// described slot ("the Thursday one"), or agreement ("that works"). Numbers with a unit
/// ("2 people", "$2k", "2 weeks") are answers to something else; two different places pick
/// nothing.
pub(super) fn pick(clauses: &[Clause<'_>]) -> Option<Pick> {
    let mut place: Option<Pick> = None;
    let mut described = false;
    let mut accepted = false;
    let mut other = false;
    for clause in clauses {
        let said = match read_clause(clause.text).0 {
            // "do you have anything on friday?" asks about a time; it does not choose one.
            Said::Described if clause.question && !PROPOSAL_PICK.is_match(clause.text) => {
                Said::Other
            }
            said => said,
        };
        match said {
            Said::Place(p) => {
                if place.is_some_and(|known| known != p) {
                    return None;
                }
                place = Some(p);
            }
            Said::Described => described = true,
            Said::Accept => accepted = true,
            Said::Courtesy => {}
            Said::Other => other = true,
        }
    }
    place
        .or(described.then_some(Pick::Described))
        .or((accepted && !other).then_some(Pick::Accept))
}

/// "can we book the first one?": a choice put as a question, which asks nothing. A bare
/// number is not enough ("can we do 2?" could be two of anything).
pub(super) fn is_booking_request(clause: &str) -> bool {
    BOOKING_FRAME.is_match(clause) && matches!(read_clause(clause), (Said::Place(_), false))
}

/// What one clause says about the choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    Place(Pick),
    Described,
    Accept,
    /// Only thanks or fillers.
    Courtesy,
    Other,
}

/// What the clause says, and whether its place was a bare number.
fn read_clause(clause: &str) -> (Said, bool) {
    let mut words: Vec<&str> = text::words(clause).collect();
    if is_accept_phrase(&words) {
        return (Said::Accept, false);
    }
    let thumbs = clause.contains(['👍', '👌', '✅']);
    strip_front(&mut words, FILLERS);
    let agreed = strip_front(&mut words, ACCEPT_WORDS) | thumbs;
    strip_front(&mut words, FILLERS);
    let mut marked = strip_phrase_front(&mut words, CHOICE_VERBS);
    marked |= strip_front(&mut words, ARTICLES);
    marked |= strip_phrase_back(&mut words, TAILS);
    // "one" alone is a number, not "the one".
    if words.len() > 1 {
        marked |= strip_back(&mut words, NOUNS);
    }
    strip_back(&mut words, COURTESY);
    if is_accept_phrase(&words) {
        return (Said::Accept, false);
    }
    match words.as_slice() {
        [] if agreed || marked => (Said::Accept, false),
        [] => (Said::Courtesy, false),
        [only] => one_word(only, marked, agreed),
        [opt, n] if is_option_word(opt) => match place_number(n) {
            Some(place) => (Said::Place(Pick::Index(place - 1)), false),
            None => (Said::Other, false),
        },
        _ => (described(&words, marked || agreed), false),
    }
}

fn is_accept_phrase(words: &[&str]) -> bool {
    ACCEPT_PHRASES
        .iter()
        .any(|p| words.iter().copied().eq(p.split(' ')))
}

fn one_word(word: &str, marked: bool, agreed: bool) -> (Said, bool) {
    if let Some(digits) = word.strip_prefix('#') {
        return match small_number(digits) {
            Some(n) => (Said::Place(Pick::Index(n - 1)), false),
            None => (Said::Other, false),
        };
    }
    if let Some(n) = small_number(word) {
        return (Said::Place(Pick::Index(n - 1)), true);
    }
    if let Some(n) = ordinal(word) {
        return (Said::Place(Pick::Index(n - 1)), false);
    }
    if matches!(
        word,
        "last" | "latest" | "ultima" | "ultimo" | "letzte" | "letzten" | "letzter"
    ) {
        return (Said::Place(Pick::Last), false);
    }
    if matches!(word, "earliest" | "soonest") {
        return (Said::Place(Pick::Index(0)), false);
    }
    if marked && let Some(n) = number_word(word) {
        return (Said::Place(Pick::Index(n - 1)), false);
    }
    if (marked || agreed) && matches!(word, "that" | "this" | "it" | "do") {
        return (Said::Accept, false);
    }
    (described(&[word], marked || agreed), false)
}

/// A short description of a time, made only of time words: "thursday", "tuesday at 10am",
/// "the 2pm", "morgen 10 uhr"; "eine demo nächste woche" is a request, not a choice.
fn described(words: &[&str], marked: bool) -> Said {
    let joined = words.join(" ");
    let short = words.len() <= if marked { 5 } else { 3 };
    let only_time = words.iter().all(|w| {
        TIME_FILLERS.contains(w)
            || w.starts_with(|c: char| c.is_ascii_digit())
            || time::mentions_time(w)
    });
    if short && only_time && time::names_time_plainly(&joined) {
        Said::Described
    } else {
        Said::Other
    }
}

/// Removes leading words in `list`; true if any was removed.
fn strip_front(words: &mut Vec<&str>, list: &[&str]) -> bool {
    let n = words.iter().take_while(|w| list.contains(w)).count();
    words.drain(..n);
    n > 0
}

fn strip_back(words: &mut Vec<&str>, list: &[&str]) -> bool {
    let n = words.iter().rev().take_while(|w| list.contains(w)).count();
    words.truncate(words.len() - n);
    n > 0
}

/// Removes the longest leading phrase in `phrases` (each space-separated), once.
fn strip_phrase_front(words: &mut Vec<&str>, phrases: &[&str]) -> bool {
    let longest = phrases
        .iter()
        .filter(|p| {
            let n = p.split(' ').count();
            n <= words.len() && p.split(' ').eq(words[..n].iter().copied())
        })
        .map(|p| p.split(' ').count())
        .max();
    match longest {
        Some(n) => {
            words.drain(..n);
            true
        }
        None => false,
    }
}

fn strip_phrase_back(words: &mut Vec<&str>, phrases: &[&str]) -> bool {
    let longest = phrases
        .iter()
        .filter(|p| {
            let n = p.split(' ').count();
            n <= words.len() && p.split(' ').eq(words[words.len() - n..].iter().copied())
        })
        .map(|p| p.split(' ').count())
        .max();
    match longest {
        Some(n) => {
            words.truncate(words.len() - n);
            true
        }
        None => false,
    }
}

fn is_option_word(word: &str) -> bool {
    matches!(
        word,
        "option" | "opt" | "number" | "nr" | "num" | "slot" | "choice" | "#" | "opcion" | "nummer"
    )
}

/// 1–5: offers are short, and "12" alone is more likely a time.
fn small_number(word: &str) -> Option<usize> {
    let n: usize = word.parse().ok().filter(|_| word.len() == 1)?;
    (1..=5).contains(&n).then_some(n)
}

fn place_number(word: &str) -> Option<usize> {
    small_number(word)
        .or_else(|| word.strip_prefix('#').and_then(small_number))
        .or_else(|| number_word(word))
        .or_else(|| ordinal(word))
}

fn number_word(word: &str) -> Option<usize> {
    Some(match word {
        "one" | "uno" | "una" | "eins" => 1,
        "two" | "dos" | "zwei" => 2,
        "three" | "tres" | "drei" => 3,
        "four" | "cuatro" | "vier" => 4,
        "five" | "cinco" | "funf" => 5,
        _ => return None,
    })
}

fn ordinal(word: &str) -> Option<usize> {
    Some(match word {
        "first" | "1st" | "primera" | "primero" | "erste" | "ersten" | "erster" => 1,
        "second" | "2nd" | "segunda" | "segundo" | "zweite" | "zweiten" | "zweiter" => 2,
        "third" | "3rd" | "tercera" | "tercero" | "dritte" | "dritten" | "dritter" => 3,
        "fourth" | "4th" | "cuarta" | "cuarto" | "vierte" | "vierten" => 4,
        "fifth" | "5th" | "quinta" | "quinto" | "funfte" | "funften" => 5,
        _ => return None,
    })
}

#[rustfmt::skip]
const ACCEPT_WORDS: &[&str] = &[
    "yes", "yeah", "yep", "yup", "yea", "ya", "ok", "okay", "k", "kk", "sure", "great", "perfect",
    "awesome", "cool", "alright", "fine", "excellent", "lovely", "brilliant", "nice", "good",
    "si", "vale", "perfecto", "genial", "ja", "gut", "super", "prima", "klar", "gerne",
];
/// Words that open a reply without agreeing to anything.
const FILLERS: &[&str] = &[
    "oh", "ah", "so", "and", "then", "um", "hmm", "well", "right", "actually",
];
/// Words that may stand in a time description beside the time words.
#[rustfmt::skip]
const TIME_FILLERS: &[&str] = &[
    "at", "on", "the", "a", "an", "um", "am", "pm", "las", "la", "el", "en", "de", "next", "this",
    "in", "my", "your", "time", "one", "uhr", "week", "woche", "semana", "around", "ish", "or",
    "cet", "cest", "est", "edt", "pst", "pdt", "gmt", "utc", "bst", "et", "pt", "ct", "local",
    "zone", "o'clock", "oclock", "early", "late", "mid", "the", "about", "after", "before",
    "then", "please", "earliest", "soonest", "latest",
];
#[rustfmt::skip]
const CHOICE_VERBS: &[&str] = &[
    "i'll take", "i will take", "ill take", "we'll take", "i'll go with", "ill go with",
    "i'd go with", "i'll go for", "go with", "going with", "let's go with", "lets go with",
    "let's go for", "lets go for", "go for", "let's do", "lets do", "let's book", "lets book",
    "i'd like", "i would like", "we'd like", "i want", "we want", "i prefer", "prefer", "i pick",
    "i'd prefer", "i would prefer", "we'd prefer", "we prefer", "id prefer",
    "pick", "i choose", "choose", "take", "book", "book me for", "book me in for", "book me in",
    "book me", "please book", "please book me for", "can we book", "could we book", "can we do",
    "could we do", "can you book", "can you book me for", "could you book", "can i book",
    "can i get", "can i have", "could i get", "can we go with", "could we go with", "can i take",
    "shall we do", "shall we go with", "i'll have", "put me down for", "confirm", "book it for",
    "how about", "what about", "whichever is", "whichever's", "whatever is", "whichever",
    "quiero", "me quedo con", "prefiero", "ich nehme", "nehme", "ich hatte gern", "ich hatte gerne",
    "lieber",
];
/// Agreement that is left once fillers are gone: "go ahead", "sounds good".
#[rustfmt::skip]
const ACCEPT_PHRASES: &[&str] = &[
    "go ahead", "go for it", "sounds good", "sounds great", "sounds perfect", "works for me",
    "that works", "that works for me", "that's fine", "thats fine", "fine by me", "deal",
    "confirmed", "lock it in", "let's do it", "lets do it", "let's do that", "do it", "book it",
    "please do", "yes please", "de acuerdo", "me va bien", "klingt gut", "einverstanden",
    "das passt", "passt", "why not", "of course", "absolutely", "sure thing", "yes that one",
];
const ARTICLES: &[&str] = &["the", "la", "el", "die", "der", "den", "das"];
#[rustfmt::skip]
const TAILS: &[&str] = &[
    "works", "works for me", "works for us", "works great", "work for me", "is fine", "is good",
    "is perfect", "is great", "is best", "is better", "sounds good", "sounds great",
    "sounds perfect", "would be great", "would work", "would be perfect", "suits me", "for me",
    "is ok", "is okay", "please", "pls", "plz", "por favor", "bitte", "me va bien", "passt",
    "geht", "is the one", "then", "it is", "it", "book it", "is fine by me",
];
const NOUNS: &[&str] = &[
    "one", "option", "slot", "choice", "time", "uno", "opcion", "termin", "timeslot",
];
#[rustfmt::skip]
const COURTESY: &[&str] = &[
    "thanks", "thank", "you", "thx", "ty", "cheers", "gracias", "danke", "please", "pls", "plz",
    "bitte", "merci",
];

/// A question that books: "can we book …", "could you book me for …".
static BOOKING_FRAME: Pattern = Pattern::new(
    r"^(?:can|could|shall|would you|please)\s+(?:we|i|you)?\s*(?:book|do|go with|take|have|get|put me down for|lock in|grab)\b",
);

/// Questions that choose a described time: "could we do thursday at 2?", "how about 10am?".
static PROPOSAL_PICK: Pattern = Pattern::new(
    r"^(?:(?:can|could|shall) (?:we|i|you) (?:do|book|go with|take|have|say|grab|lock in|get)|how about|what about|let'?s)\b",
);

#[cfg(test)]
pub(super) const PATTERNS: &[&Pattern] = &[&BOOKING_FRAME, &PROPOSAL_PICK];
