//! Reading a reply to the question the agent just asked, when the general extractors need a
//! cue the visitor did not give: "tom baker" after "what's your name?", "we have roughly 15k
//! set aside" after "what's your budget?".

use super::extract::{self, Answer};
use crate::model::settings::Field;

/// Words that say "I don't know", so a number nearby is not taken as an answer.
const UNSURE: &[&str] = &[
    "don't know",
    "dont know",
    "no idea",
    "not sure",
    "not decided",
    "depends",
    "unsure",
    "no sé",
    "keine ahnung",
    "weiß nicht",
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

/// The last amount in the text (a correction comes after the first guess), read with
/// European separators and currency words ("20.000 dólares" is 20000, not 20).
fn last_amount(lower: &str) -> Option<f64> {
    if UNSURE.iter().any(|w| lower.contains(w))
        && !lower.contains("probably")
        && !lower.contains("around")
    {
        return None;
    }
    extract::last_quantity(lower)
}

/// A bare name (and company) given right after the agent asked for it: the words before an
/// email, a comma or a dash; "X from Y" also names the company. Replies that are not a name
/// give none: "just browsing", "i said no", "no thanks", "Sure", "Hola", "I'm good", "I'm
/// in Chicago", a refusal or a question.
pub fn name_and_company(message: &str) -> (Option<String>, Option<String>) {
    if extract::refused(message).is_some() || extract::is_question(message) {
        return (None, None);
    }
    // The email's local part is the last word before '@'; it is not part of the name.
    let before_email = match message.split_once('@') {
        Some((before, _)) => before
            .rsplit_once(char::is_whitespace)
            .map_or("", |(head, _)| head),
        None => message,
    };
    let head = before_email
        .trim_end_matches([' ', '-', ':'])
        .split([',', ';', '(', '<', '!'])
        .find(|part| !is_filler_only(part))
        .unwrap_or("")
        .split(" - ")
        .next()
        .unwrap_or("");
    let (name_part, company) = match connector(head) {
        Some((at, len)) => (&head[..at], extract::company_at_start(&head[at + len..])),
        None => (head, None),
    };
    if extract::yes_no(name_part).is_some() {
        return (None, None);
    }
    let mut words: Vec<&str> = name_part
        .split_whitespace()
        .map(|w| w.trim_end_matches(['.', '!']))
        .collect();
    let lead = words
        .iter()
        .take_while(|w| FILLER.iter().any(|f| f.eq_ignore_ascii_case(w)))
        .count();
    words.drain(..lead);
    if !(1..=4).contains(&words.len()) || !extract::could_be_name(&words) {
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

/// The name after a correction: "Siobhan" correcting "Siobahn Murphy" is "Siobhan Murphy",
/// since a visitor fixing a typo in one name rarely repeats the other; a full name replaces
/// the old one whole ("Katherine Brown" for "Kathy Brown").
pub fn corrected_name(previous: &str, given: &str) -> String {
    let mut old = previous.split_whitespace();
    let (Some(_), surname) = (old.next(), old.collect::<Vec<_>>()) else {
        return given.to_owned();
    };
    if given.split_whitespace().count() != 1 || surname.is_empty() {
        return given.to_owned();
    }
    // "Murphy" correcting "Siobahn Murfy" is a surname, caught by its closeness to the old one.
    if let [last] = surname.as_slice()
        && strsim_like(last, given)
    {
        return format!(
            "{} {given}",
            previous.split_whitespace().next().unwrap_or_default()
        );
    }
    format!("{given} {}", surname.join(" "))
}

/// Whether two different words are at most two edits apart (a typo's size).
fn strsim_like(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    if a == b || a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    // Levenshtein distance, one row at a time.
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(x != y);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()] <= 2
}

/// Words that open a bare reply without being part of the name ("sure, it's Tom").
const FILLER: &[&str] = &[
    "hi", "hey", "hello", "sure", "ok", "okay", "yes", "yeah", "it's", "its", "it’s", "i'm", "im",
    "i’m", "i", "am", "name", "name's", "is", "my", "this", "me", "hola", "soy", "llamo", "mi",
    "nombre", "es", "hallo", "ich", "bin", "heiße", "heisse", "mein", "ist",
];

fn is_filler_only(part: &str) -> bool {
    part.split_whitespace()
        .all(|w| FILLER.iter().any(|f| f.eq_ignore_ascii_case(w)))
}

/// Where " from ", " at ", " de " or " von " joins a name to a company.
fn connector(text: &str) -> Option<(usize, usize)> {
    [" from ", " at ", " de ", " von ", " bei "]
        .iter()
        .filter_map(|c| text.find(c).map(|at| (at, c.len())))
        .min()
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

    #[test]
    fn no_name_from_replies_that_are_not_names() {
        for reply in [
            "just browsing",
            "just looking",
            "i said no",
            "not interested",
            "no thanks",
            "Sure",
            "Yes",
            "Thanks",
            "Hola",
            "Guten Tag",
            "Im fine",
            "I'm good",
            "I'm interested in pricing",
            "I'm looking for a CRM",
            "I'm the CEO",
            "I'm in Chicago",
            "I'd rather not say",
            "skip",
            "15.000 € im Jahr",
            "why?",
        ] {
            assert_eq!(name_and_company(reply), (None, None), "{reply:?}");
        }
    }

    #[test]
    fn bare_names_in_other_languages_and_with_fillers() {
        assert_eq!(
            name_and_company("Lucía Fernández"),
            (Some("Lucía Fernández".into()), None)
        );
        assert_eq!(
            name_and_company("soy Javier de Acme"),
            (Some("Javier".into()), Some("Acme".into()))
        );
        assert_eq!(
            name_and_company("Sure, Tom Baker"),
            (Some("Tom Baker".into()), None)
        );
        assert_eq!(
            name_and_company("Sara Lopez from Brightside Agency and we need help"),
            (Some("Sara Lopez".into()), Some("Brightside Agency".into()))
        );
        assert_eq!(
            name_and_company("jonas becker").0.as_deref(),
            Some("Jonas Becker")
        );
    }

    #[test]
    fn european_amounts_when_asked() {
        assert_eq!(
            answer(Field::Budget, "20.000 dólares"),
            Some(Answer::Budget(20_000))
        );
        assert_eq!(
            answer(Field::Budget, "so um die 15.000 € im Jahr"),
            Some(Answer::Budget(15_000))
        );
        assert_eq!(
            answer(Field::CompanySize, "wir sind ungefähr 1.200"),
            Some(Answer::CompanySize(1200))
        );
    }

    #[test]
    fn corrected_names_keep_the_other_part() {
        for (previous, given, expected) in [
            ("Siobahn Murphy", "Siobhan", "Siobhan Murphy"),
            ("Kathy Brown", "Katherine Brown", "Katherine Brown"),
            ("Jon", "John", "John"),
            ("Siobhan Murfy", "Murphy", "Siobhan Murphy"),
            ("Mark Chen", "Marc", "Marc Chen"),
        ] {
            assert_eq!(
                corrected_name(previous, given),
                expected,
                "{previous} / {given}"
            );
        }
    }
}
