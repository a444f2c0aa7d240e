//! Words as the answerer compares them: lower case, accents folded, stemmed, with the
//! vocabulary's phrases read as one word and its synonyms counted as the same word.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use frostem::{Algorithm, Stemmer};

use crate::model::vocabulary::{SYNONYMS, with_phrases_as_words};

/// Words that carry no topic in a question ("how do I…", "can you tell me…").
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for", "with",
    "by", "from", "about", "as", "into", "over", "than", "then", "is", "are", "was", "were",
    "be", "been", "being", "am", "do", "does", "did", "done", "doing", "can", "could", "would",
    "should", "will", "shall", "may", "might", "must", "i", "me", "my", "we", "us", "our",
    "you", "your", "it", "its", "they", "them", "their", "he", "she", "this", "that", "these",
    "those", "there", "here", "what", "whats", "which", "who", "whom", "whose", "when",
    "where", "why", "how", "hi", "hello", "hey", "thanks", "thank", "please", "ok", "okay",
    "so", "just", "also", "any", "some", "much", "many", "more", "most", "very", "really",
    "quick", "question", "questions", "tell", "know", "wondering", "wonder", "curious", "s",
    "t", "re", "ve", "ll", "d", "m", "don", "doesn", "isn", "aren", "didn", "won", "not", "no",
    "yes", "yeah", "anything", "something", "else", "all", "one", "guys", "folks", "still",
    "currently", "actually", "exactly", "btw", "pls", "plz", "u", "ur", "it's", "im", "id",
    // Spanish and German function words, so "¿cuánto cuesta?" and "was kostet das?" keep
    // only their topic.
    "el", "la", "los", "las", "que", "de", "del", "un", "una", "es", "hay", "para", "por",
    "con", "y", "o", "tienen", "tiene", "ustedes", "su", "se", "der", "die", "das", "ist",
    "und", "oder", "ein", "eine", "wie", "gibt", "ihr", "sie", "wir", "ich", "habt", "mit",
    "fur", "auch", "esta", "estan", "en", "al", "lo", "mi", "nuestro", "nuestra", "nos",
    "como", "cual", "cuales", "sind", "den", "dem", "im", "am", "zu", "von", "bei", "uns",
    "sehr", "have", "has", "had", "check", "end", "side", "usually", "typically", "normally",
    "generally", "roughly", "approximately", "person", "persons", "instead", "now", "right", "guys", "couldn't", "can't", "cannot", "wouldn't",
    "shouldn't", "won't", "isn't", "aren't", "don't", "doesn't", "didn't", "couldnt",
    "sentence", "briefly", "nutshell", "summary", "short",
];

/// Words too common in any business text to show a passage is about the question.
#[rustfmt::skip]
const GENERIC: &[&str] = &[
    "get", "got", "use", "using", "used", "need", "needs", "want",
    "like", "work", "works", "working", "support", "supports", "offer", "offers", "provide",
    "provides", "include", "includes", "included", "sign", "make", "give", "take", "team",
    "teams", "company", "companies", "people", "thing", "things", "look", "looking", "tool",
    "tools", "option", "options", "available", "exist", "exists", "product",
    "service", "services", "able", "possible", "go", "see", "new", "good", "way", "long",
    "take", "takes", "number", "amount", "kind", "type", "sort", "lot", "come", "comes", "coming", "incluido", "incluida", "incluye", "enthalten", "inklusive", "difference",
    "differences", "compare", "comparison", "between", "connect", "integrate", "integrates",
    "integration", "integrations", "sync",
];

/// The words that negate a statement ("does not sign", "no native app").
const NEGATIONS: &[&str] = &["not", "no", "never", "cannot", "none", "nor", "neither"];

pub struct Vocabulary {
    stemmer: Stemmer,
    /// Stem → its synonym group.
    groups: HashMap<String, usize>,
    /// The stems of each group.
    members: Vec<Vec<String>>,
    stop: HashSet<&'static str>,
    generic: HashSet<String>,
    /// The group of "price", which a currency amount in a passage also answers.
    price_group: Option<usize>,
    seat_group: Option<usize>,
    /// The group of "phone", which a phone number in a passage also answers.
    phone_group: Option<usize>,
}

/// A synonym in a passage counts for this much of the question's own word.
const SYNONYM_MATCH: f32 = 0.8;

/// Built once: stems of the synonym table and word lists.
pub static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(Vocabulary::new);

impl Vocabulary {
    fn new() -> Self {
        let stemmer = Stemmer::new(Algorithm::English);
        let mut groups = HashMap::new();
        let mut members = Vec::new();
        for (i, group) in SYNONYMS.iter().enumerate() {
            let stems: Vec<String> = group.iter().map(|w| stem_with(&stemmer, w)).collect();
            for s in &stems {
                groups.entry(s.clone()).or_insert(i);
            }
            members.push(stems);
        }
        let price_group = groups.get("price").copied();
        let seat_group = groups.get("seat").copied();
        let phone_group = groups.get("phone").copied();
        let generic = GENERIC.iter().map(|w| stem_with(&stemmer, w)).collect();
        Self {
            stemmer,
            groups,
            members,
            stop: STOP_WORDS.iter().copied().collect(),
            generic,
            price_group,
            seat_group,
            phone_group,
        }
    }

    pub fn stem(&self, word: &str) -> String {
        stem_with(&self.stemmer, word)
    }

    pub fn is_stop_word(&self, word: &str) -> bool {
        self.stop.contains(word)
    }

    pub fn is_generic(&self, stem: &str) -> bool {
        self.generic.contains(stem)
    }

    /// How well `stems` (a passage's) hold `stem`: 1 for the word itself, less for a
    /// synonym (a currency amount answers a question about price), 0 when absent.
    pub fn found_in(&self, stem: &str, stems: &Stems) -> f32 {
        if stems.words.contains(stem) {
            return 1.0;
        }
        if stems.has_phone
            && self.phone_group.is_some()
            && self.groups.get(stem) == self.phone_group.as_ref()
        {
            // The number itself answers "phone number?" better than the word "phone".
            return 1.0;
        }
        let Some(&group) = self.groups.get(stem) else {
            return 0.0;
        };
        let synonym = (stems.has_money && Some(group) == self.price_group)
            || (stems.has_phone && Some(group) == self.phone_group)
            || self.members[group].iter().any(|s| stems.words.contains(s));
        if synonym { SYNONYM_MATCH } else { 0.0 }
    }

    /// Whether a question about `stem` is answered by a number: a price or a phone number.
    pub fn asks_for_number(&self, stem: &str) -> bool {
        let group = self.groups.get(stem).copied();
        group.is_some() && (group == self.price_group || group == self.phone_group)
    }

    /// The synonym group of `stem`, if it is in one.
    pub fn group_of(&self, stem: &str) -> Option<usize> {
        self.groups.get(stem).copied()
    }

    /// Whether `stem` names a topic buyers ask about by its name alone ("pricing", "soc2",
    /// "sso") — not the seat count, which is an answer more often than a question.
    pub fn is_topic(&self, stem: &str) -> bool {
        self.groups
            .get(stem)
            .is_some_and(|&g| Some(g) != self.seat_group)
    }
}

fn stem_with(stemmer: &Stemmer, word: &str) -> String {
    stemmer.stem(word).into_owned()
}

/// The stemmed words of a text, and whether it names an amount of money.
pub struct Stems {
    pub words: HashSet<String>,
    pub has_money: bool,
    pub has_phone: bool,
}

impl Stems {
    pub fn of(text: &str) -> Self {
        let vocabulary = &*VOCABULARY;
        let words = raw_words(text)
            .into_iter()
            .map(|w| vocabulary.stem(&w))
            .collect();
        Self {
            words,
            has_money: has_money(text),
            has_phone: has_phone(text),
        }
    }
}

/// A run of at least this many digits, written with spaces, dashes or brackets between
/// them, is a phone number.
const PHONE_DIGITS: usize = 7;

fn has_phone(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '-' | '(' | ')' | '+' | '.' if digits > 0 || c == '+' || c == '(' => {}
            _ => {
                if digits >= PHONE_DIGITS {
                    return true;
                }
                digits = 0;
            }
        }
    }
    digits >= PHONE_DIGITS
}

fn has_money(text: &str) -> bool {
    let bytes: Vec<char> = text.chars().collect();
    bytes
        .windows(2)
        .any(|w| matches!(w[0], '$' | '€' | '£') && w[1].is_ascii_digit())
        || bytes
            .windows(3)
            .any(|w| matches!(w[0], '$' | '€' | '£') && w[1] == ' ' && w[2].is_ascii_digit())
}

/// Lower-case words with accents folded and phrases joined ("single sign-on" → "sso").
pub fn raw_words(text: &str) -> Vec<String> {
    let folded: String = with_phrases_as_words(text)
        .chars()
        .map(fold)
        .map(|c| if c == '’' { '\'' } else { c })
        .collect();
    folded
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.strip_suffix("'s").unwrap_or(w).to_owned())
        .collect()
}

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ß' => 's',
        other => other,
    }
}

/// Whether a sentence negates what it says: "not", "no", "never", "doesn't".
pub fn is_negative(sentence: &str) -> bool {
    raw_words(sentence)
        .iter()
        .any(|w| NEGATIONS.contains(&w.as_str()) || w.ends_with("n't") || is_contracted(w))
}

fn is_contracted(word: &str) -> bool {
    matches!(
        word,
        "dont"
            | "doesnt"
            | "isnt"
            | "arent"
            | "wont"
            | "cant"
            | "didnt"
            | "wasnt"
            | "werent"
            | "hasnt"
            | "havent"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_synonyms_and_money_count_as_the_same_word() {
        let v = &*VOCABULARY;
        let sso = v.stem("sso");
        let found = |word: &str, text: &str| v.found_in(&v.stem(word), &Stems::of(text));
        assert_eq!(found("sso", "SAML 2.0 single sign-on is included."), 1.0);
        assert_eq!(found("sso", "SAML 2.0 is included."), SYNONYM_MATCH);
        assert!(found("pricing", "Growth is $39 per seat.") > 0.0);
        assert!(found("cost", "It is priced per seat.") > 0.0);
        assert_eq!(found("mobile", "Connect thousands of other apps."), 0.0);
        assert_eq!(found("hipaa", "We sign a DPA under the GDPR."), 0.0);
        assert!(!sso.is_empty());
    }

    #[test]
    fn a_phone_number_answers_a_question_about_the_phone() {
        let v = &*VOCABULARY;
        let found = |word: &str, text: &str| v.found_in(&v.stem(word), &Stems::of(text));
        assert!(
            found(
                "phone",
                "Sales: sales@brightline.example or +1 (212) 555-0142"
            ) > 0.0
        );
        assert!(found("telephone", "Call us on 030 1234 5678.") > 0.0);
        assert_eq!(found("phone", "Founded in 2016, 240 employees."), 0.0);
        assert_eq!(
            found("phone", "Minimum 25 seats on an annual contract."),
            0.0
        );
    }

    #[test]
    fn negations_are_seen() {
        assert!(is_negative("Brightline does not have a native app."));
        assert!(is_negative("We don't sign BAAs."));
        assert!(is_negative("We don’t sign BAAs."));
        assert!(is_negative("There is no native mobile app."));
        assert!(!is_negative(
            "Yes, SAML single sign-on is included on Growth."
        ));
        assert!(!is_negative("Notifications arrive on the Home Screen."));
    }
}
