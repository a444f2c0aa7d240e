//! The visitor's name, after a cue ("I'm", "my name is", "Jane here").

use regex::Regex;
use std::sync::LazyLock;

use super::*;

pub(super) static GREETING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"(?i)^\s*(?:(?:hi|hello|hey|hiya|howdy|greetings|yo|g['’]day|good\s+(?:morning|afternoon|evening|day)|hola|buenas(?:\s+(?:tardes|noches))?|buenos\s+d[ií]as|hallo|guten\s+(?:tag|morgen|abend)|servus|moin|gr[üu](?:ß|ss)\s+gott|bonjour|ciao|salut)(?:\s+(?:there|all|team|folks|guys|a\s+todos|zusammen))?(?:[\s,!.:;\-–]+|$))?",
    )
});

pub(super) static NAME_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"(?i)\b(?:(?:my\s+)?(?:(?:first|full)\s+)?name(?:\s+is|['’]s|\s*:)|(?:my\s+)?(?:first|full)\s+name\s*,|names|(?:you\s+can\s+)?call\s+me|i\s+am|i['’]m|im|i\s+m|this\s+is|it['’]s|its|here\s+is|me\s+llamo|mi\s+nombre\s+es|soy|mein\s+name\s+ist|ich\s+hei(?:ß|ss)e|ich\s+bin|hier\s+ist)\s+",
    )
});

/// The visitor's name, and the company named right beside it ("Jane from Acme").
/// `correcting`: the message corrects itself, so the last name given wins.
pub(super) fn named(message: &str, correcting: bool) -> Option<(String, Option<String>)> {
    let cues = NAME_CUE.as_ref()?;
    let content_start = greeting_end(message);
    let fix_end = if correcting {
        correction_opener_end(message, content_start)
    } else {
        content_start
    };
    let mut last = None;
    for cue in cues.find_iter(message) {
        let said = cue.as_str().as_bytes();
        let strong = contains_ci(cue.as_str(), "name")
            || contains_ci(cue.as_str(), "call")
            || contains_ci(cue.as_str(), "llamo")
            || contains_ci(cue.as_str(), "hei");
        // "im" is German for "in the" ("15.000 € im Jahr"): as "I'm" it opens a clause.
        if cue.as_str().trim_end().eq_ignore_ascii_case("im")
            && !opens_clause(message, cue.start(), content_start)
        {
            continue;
        }
        // "soy" and "ich bin" are followed by a title or a state as often as by a name, and
        // German capitalises nouns: only a name-like word, capitalised unless all is lower.
        let foreign_weak =
            starts_with_ci(cue.as_str(), "soy") || starts_with_ci(cue.as_str(), "ich bin");
        if foreign_weak && !capitalised_next(message, cue.end()) {
            continue;
        }
        // "this is …" and "it's …" introduce a name only as the opening words, and "it's Sarah"
        // only after a greeting ("hi, it's Sarah"): alone, "it's Acme" usually answers
        // something else. "This is Synaptiq, right?" asks.
        let it_s = said.len() >= 2 && said[..2].eq_ignore_ascii_case(b"it");
        // "this is", "here is", "hier ist" (but not "hi"): only as the opening words.
        let opening_only = it_s || matches!(said.first(), Some(b't' | b'T' | b'h' | b'H'));
        let greeted = !message[..content_start].trim().is_empty();
        // "sorry, it's John", "actually, my name is Jon": a correction opens like a greeting.
        let after_fix = correcting && cue.start() == fix_end;
        if opening_only
            && ((cue.start() != content_start && !after_fix)
                || (it_s && !greeted && !after_fix)
                || message.trim_end().ends_with('?'))
        {
            continue;
        }
        if strong && !starts_with_ci(cue.as_str(), "my") {
            let before = prev_word(message, cue.start());
            if is_in(before, NOT_A_PERSON) {
                continue;
            }
        }
        let strength = if strong { Cue::Strong } else { Cue::Weak };
        // "soy Javier de Acme", "ich bin Jonas von Becker": there "de"/"von" mean "from".
        let particles = !(foreign_weak || is_in(leading_word(cue.as_str()), FOREIGN_CUES));
        if let Some((name, used)) = leading_name(&message[cue.end()..], strength, particles) {
            let company = company_after_name(&message[cue.end() + used..]);
            // "my name is Jon, sorry, actually it's John": the correction comes last.
            if correcting {
                last = Some((name, company));
                continue;
            }
            return Some((name, company));
        }
    }
    last.or_else(|| name_here(message, content_start))
        .or_else(|| name_listed(message, content_start))
}

/// First words of Spanish and German name cues.
const FOREIGN_CUES: &[&str] = &["me", "mi", "mein", "ich", "hier", "soy"];

/// "Jordan Ellis, head of growth at Tinkerbox", "ok fine. Ben Ortiz, ben@ortizroofing.com":
/// a capitalised full name opening the message (after fillers), then a comma or dash and a
/// title, an email or "here", the way people sign a note.
fn name_listed(message: &str, content_start: usize) -> Option<(String, Option<String>)> {
    let start = after_fillers(message, content_start);
    let rest = &message[start..];
    if !rest.starts_with(char::is_uppercase) {
        return None;
    }
    let (name, used) = leading_name(rest, Cue::Weak, true)?;
    let proper_words = name.split(' ').filter(|w| !is_in(w, PARTICLES)).count();
    let title_only = name
        .split(' ')
        .all(|w| is_in(w, TITLE_HEADS) || is_in(w, TITLE_MODIFIERS));
    let company_like = name
        .split(' ')
        .any(|w| is_company_suffix(w) || is_in(w, NAME_ENDINGS));
    if proper_words < 2 || title_only || company_like {
        return None;
    }
    let after = &rest[used..];
    let tail = after
        .strip_prefix(',')
        .or_else(|| after.trim_start().strip_prefix(['-', '–', '(']))?;
    let next = tail.split_whitespace().next().unwrap_or("");
    let next_word = next.trim_end_matches([',', '.', ')']);
    let signed = next.contains('@')
        || is_in(next_word, TITLE_HEADS)
        || is_in(next_word, TITLE_MODIFIERS)
        || is_in(next_word, &["here"]);
    signed.then(|| (name, company_after_name(after)))
}

/// Where the message goes on after opening fillers ("ok fine. ", "sure, it's ").
fn after_fillers(message: &str, from: usize) -> usize {
    let mut at = from;
    loop {
        let rest = &message[at..];
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || ",.:;!-–".contains(c));
        let word = leading_word(trimmed);
        if word.is_empty() || !is_in(word, FILLERS) {
            return at + (rest.len() - trimmed.len());
        }
        at += rest.len() - trimmed.len() + word.len();
    }
}

#[rustfmt::skip]
const FILLERS: &[&str] = &[
    "ok", "okay", "fine", "sure", "yes", "yeah", "yep", "nice", "great", "cool", "alright",
    "right", "so", "well", "thanks", "hi", "hey", "hello", "it's", "its", "it’s",
];

/// Lower-case words inside Dutch, German, French, Spanish and Arabic surnames ("Jan de Vries",
/// "Pieter van Dijk", "Ludwig van der Berg").
#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "von", "da", "di", "del", "della", "du", "le", "la", "ter", "ten",
    "dos", "das", "bin", "al", "el",
];

/// Where the message goes on after opening correction words ("sorry, typo:", "actually").
fn correction_opener_end(message: &str, from: usize) -> usize {
    let mut at = from;
    loop {
        let rest = &message[at..];
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || ",.:;!-–".contains(c));
        let word = leading_word(trimmed);
        if word.is_empty() || !is_in(word, CORRECTION_OPENERS) {
            return at + (rest.len() - trimmed.len());
        }
        at += rest.len() - trimmed.len() + word.len();
    }
}

#[rustfmt::skip]
const CORRECTION_OPENERS: &[&str] = &[
    "sorry", "actually", "oops", "typo", "correction", "my", "bad", "mistake", "perdón", "perdon",
    "eigentlich", "korrektur", "entschuldigung", "no", "wait", "autocorrect", "autocorrected",
    "auto-correct", "autocorrection", "spellcheck", "whoops", "oh", "ah", "misspelled",
];

/// Whether the cue at `at` opens a clause: the message's first words after any greeting, or
/// right after punctuation or a filler ("ok im Jane", "hi, im Jane").
fn opens_clause(message: &str, at: usize, content_start: usize) -> bool {
    if at <= content_start || message[..at].trim().is_empty() {
        return true;
    }
    let before = message[..at].trim_end();
    before.ends_with([',', '.', '!', '?', ';', ':', '-', '\n'])
        || is_in(
            prev_word(message, at),
            &[
                "and", "so", "ok", "okay", "yes", "yeah", "well", "oh", "hi", "hey", "hello",
                "but", "sorry",
            ],
        )
}

/// Whether the word at `at` starts with a capital letter, or the whole message is lower case.
fn capitalised_next(message: &str, at: usize) -> bool {
    let next = message[at..].trim_start();
    next.starts_with(char::is_uppercase) || !message.chars().any(char::is_uppercase)
}

/// Words before "name is" that make it some other thing's name ("company name is Acme").
#[rustfmt::skip]
const NOT_A_PERSON: &[&str] = &[
    "company", "company's", "business", "org", "organization", "organisation", "firm", "startup",
    "brand", "product", "app", "project", "domain", "file", "team", "agency", "store", "shop",
    "site", "website", "user", "last", "middle", "channel", "account", "its", "their",
];

/// "Jane here", "Hi, Jane Smith here from Acme".
fn name_here(message: &str, content_start: usize) -> Option<(String, Option<String>)> {
    let rest = &message[content_start..];
    let (name, used) = leading_name(rest, Cue::Weak, true)?;
    if name.split(' ').filter(|w| !is_in(w, PARTICLES)).count() > 2
        || name.split(' ').any(is_company_suffix)
    {
        return None;
    }
    let mut after = rest[used..].trim_start();
    let mut company = None;
    // "Anna from Initech here".
    let connector = leading_word(after);
    if is_in(connector, &["from", "with", "at"]) {
        let named = &after[connector.len()..];
        let cue = if same_word(connector, "from") {
            CompanyCue::From
        } else {
            CompanyCue::Explicit
        };
        let (start, end) = company_span(named, cue)?;
        company = Some(named[start..end].to_owned());
        after = named[end..].trim_start();
    }
    if !starts_with_word_ci(after, "here") {
        // "Dana from Acme, we need…": a capitalised name and company opening the message.
        let ends = after.chars().next().is_none_or(|c| ",.!;:-–\n".contains(c));
        let typed_capitalised = rest.trim_start().starts_with(char::is_uppercase);
        return (company.is_some() && ends && typed_capitalised).then_some((name, company));
    }
    let tail = &after[4..];
    let next = next_word(tail);
    let closes = tail
        .trim_start()
        .chars()
        .next()
        .is_none_or(|c| ",.!;:-–".contains(c));
    if !(closes || is_in(next, &["from", "with", "at", "and"])) {
        return None;
    }
    Some((name, company.or_else(|| company_after_name(tail))))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// "my name is", "call me": whatever name-like word follows.
    Strong,
    /// "I'm", "this is": often followed by an adjective or verb, so those are refused.
    Weak,
}

/// Up to three name-like words at the start of `s`, and with `particles` the lower-case
/// words between them ("Jan de Vries"): the tidied name and the bytes it spans.
fn leading_name(s: &str, cue: Cue, particles: bool) -> Option<(String, usize)> {
    let mut words = [""; 5];
    let mut count = 0;
    let mut pos = 0;
    let mut capitalised = false;
    // Where the name ends without any particle typed after its last proper word.
    let (mut kept, mut kept_pos) = (0, 0);
    while count < 5 && count - particles_in(&words[..count]) < 3 {
        let rest = &s[pos..];
        let trimmed = rest.trim_start();
        if count > 0 && rest[..rest.len() - trimmed.len()].contains('\n') {
            break;
        }
        let start = pos + rest.len() - trimmed.len();
        let run = trimmed
            .find(|c: char| !(c.is_alphabetic() || matches!(c, '-' | '\'' | '’')))
            .unwrap_or(trimmed.len());
        let word = trimmed[..run].trim_end_matches(['-', '\'', '’']);
        if word.is_empty() {
            break;
        }
        let after = &trimmed[word.len()..];
        let last = match after.chars().next() {
            None => true,
            Some(c) if c.is_whitespace() => false,
            Some(',' | ';' | ':' | '!' | '?' | ')' | '(' | '"') => true,
            Some('.') if after[1..].chars().next().is_none_or(char::is_whitespace) => true,
            // Part of an address, a handle or a number: not a name.
            Some(_) => break,
        };
        let particle = particles
            && count > 0
            && capitalised
            && !last
            && is_in(word, PARTICLES)
            && !word.chars().any(char::is_uppercase);
        if !particle
            && !name_word_ok(word, cue, count, capitalised)
            && (count != 0 || !common_first_name(word, after))
        {
            break;
        }
        if count == 0 {
            capitalised = word.starts_with(char::is_uppercase);
        }
        words[count] = word;
        count += 1;
        pos = start + word.len();
        if !particle {
            (kept, kept_pos) = (count, pos);
        }
        if last || (cue == Cue::Weak && !capitalised && count == 2) {
            break;
        }
    }
    (kept > 0).then(|| (tidy_name(&words[..kept]), kept_pos))
}

/// "Dev Patel", "Will Smith": a capitalised first name that is also a common word counts when
/// a capitalised surname follows it, one that is not a title ("Sales Director").
fn common_first_name(word: &str, after: &str) -> bool {
    if !word.starts_with(char::is_uppercase)
        || word.chars().count() < 2
        || !word.chars().skip(1).all(char::is_lowercase)
        || !after.starts_with(' ')
    {
        return false;
    }
    let next = leading_word(after.trim_start());
    next.starts_with(char::is_uppercase)
        && next.chars().skip(1).all(char::is_lowercase)
        && next.chars().count() >= 2
        && !is_stop(next)
        && !is_in(next, TITLE_HEADS)
        && !is_in(next, TITLE_MODIFIERS)
        && !is_in(
            word,
            &[
                "I", "Im", "The", "We", "Our", "My", "Just", "Not", "So", "Very",
            ],
        )
}

fn particles_in(words: &[&str]) -> usize {
    words
        .iter()
        .skip(1)
        .filter(|w| is_in(w, PARTICLES) && !w.chars().any(char::is_uppercase))
        .count()
}

fn name_word_ok(word: &str, cue: Cue, index: usize, capitalised: bool) -> bool {
    let Some(first) = word.chars().next() else {
        return false;
    };
    let letters = word.chars().count();
    if !first.is_alphabetic() || letters > 30 || is_stop(word) {
        return false;
    }
    if letters < 2 && !(index > 0 && first.is_uppercase()) {
        return false;
    }
    if index > 0 && capitalised && !first.is_uppercase() {
        return false;
    }
    // After "I'm", a lower-case -ing or -ed word is what they are doing, not who they are.
    let lower_case = !word.chars().any(char::is_uppercase);
    !(cue == Cue::Weak
        && lower_case
        && (word.ends_with("ing") || (letters >= 6 && word.ends_with("ed"))))
}

/// Joins name words, capitalising those typed all in lower case ("o'neil" → "O'Neil").
fn tidy_name(words: &[&str]) -> String {
    let mut name = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            name.push(' ');
        }
        // "de" in "Jan de Vries" stays lower case.
        if i > 0 && is_in(word, PARTICLES) && !word.chars().any(char::is_uppercase) {
            name.push_str(word);
            continue;
        }
        // "McDonald" stays as typed; "jane" and a shouted "JANE" become "Jane".
        let shouted = word.chars().count() >= 3 && !word.chars().any(char::is_lowercase);
        if word.chars().any(char::is_uppercase) && !shouted {
            name.push_str(word);
            continue;
        }
        let mut capital = true;
        for c in word.chars() {
            if capital {
                name.extend(c.to_uppercase());
            } else {
                name.extend(c.to_lowercase());
            }
            capital = matches!(c, '-' | '\'' | '’');
        }
    }
    name
}

/// Where the message starts once an opening greeting ("Hi there, ") is skipped.
pub(super) fn greeting_end(message: &str) -> usize {
    GREETING
        .as_ref()
        .and_then(|p| p.find(message))
        .map_or(0, |m| m.end())
}

#[cfg(test)]
mod tests;
