//! Folding a message into comparable text and splitting it into clauses.

use super::patterns::Pattern;
use crate::agent::builtin::extract;

/// Longer messages are read from their first 4,000 bytes; intent is stated early.
const MAX_BYTES: usize = 4000;

/// Lower case, accents dropped (á → a, ß → ss), typographic apostrophes folded to ',
/// "a.m."/"p.m." to "am"/"pm", and keycap marks removed so "2️⃣" reads as "2".
pub(super) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_BYTES) + 4);
    for c in text.chars() {
        if out.len() >= MAX_BYTES {
            break;
        }
        match c {
            '’' | '‘' | '`' | '´' => out.push('\''),
            '“' | '”' | '«' | '»' => out.push('"'),
            '\u{FE0F}' | '\u{20E3}' | '\u{200D}' => {}
            _ => c.to_lowercase().for_each(|l| push_folded(&mut out, l)),
        }
    }
    if out.contains(".m.") {
        out = out.replace("a.m.", "am").replace("p.m.", "pm");
    }
    out
}

fn push_folded(out: &mut String, c: char) {
    let plain = match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ß' => {
            out.push_str("ss");
            return;
        }
        other => other,
    };
    out.push(plain);
}

/// A piece of a sentence, between commas, sentence ends or "but".
#[derive(Debug, Clone, Copy)]
pub(super) struct Clause<'a> {
    /// Trimmed, without its closing punctuation.
    pub(super) text: &'a str,
    /// Closed by '?' (the last clause of a question) or opened by '¿'.
    pub(super) question: bool,
    /// Follows "but", "and" or a dash inside a sentence, so its subject may be missing ("we
    /// use X but are unhappy"): an opening "are" or "is" does not make it a question.
    pub(super) joined: bool,
}

/// Splits folded text into clauses. Separators inside numbers ("5,000", "10:30", "acme.com")
/// do not split; " but " does, and " and " before a question word does.
pub(super) fn clauses(folded: &str) -> Vec<Clause<'_>> {
    let bytes = folded.as_bytes();
    let digit = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let mut out = Vec::new();
    let mut start = 0;
    let mut inverted = false;
    for (i, c) in folded.char_indices() {
        let between_digits = digit(i.checked_sub(1)) && digit(Some(i + 1));
        let ends = match c {
            '?' | '!' | ';' | '\n' | '¿' | '¡' => true,
            ',' | ':' => !between_digits,
            '.' => !between_digits && bytes.get(i + 1).is_none_or(|b| !b.is_ascii_alphanumeric()),
            _ => false,
        };
        if ends {
            push_clause(&mut out, &folded[start..i], c == '?' || inverted);
            inverted = c == '¿';
            start = i + c.len_utf8();
        }
    }
    push_clause(&mut out, &folded[start..], inverted);
    out
}

fn push_clause<'a>(out: &mut Vec<Clause<'a>>, piece: &'a str, question: bool) {
    let mut rest = piece;
    let mut joined = false;
    while let Some((start, end)) = SPLIT.find(rest) {
        push_trimmed(out, &rest[..start], false, joined);
        rest = &rest[end..];
        joined = true;
    }
    push_trimmed(out, rest, question, joined);
}

fn push_trimmed<'a>(out: &mut Vec<Clause<'a>>, piece: &'a str, question: bool, joined: bool) {
    let text = piece.trim_matches(|c: char| c.is_whitespace() || "-–—()[]\"'*~".contains(c));
    if !text.is_empty() {
        out.push(Clause {
            text,
            question,
            joined,
        });
    }
}

/// Where a clause breaks inside a sentence; the match is the separator, removed.
static SPLIT: Pattern = Pattern::new(
    r"\s+(?:but|pero|aber|although|though)\s+|\s+[-–—]\s+|\s+(?:and|also|plus|y|und)\s+",
);

/// Whether the clause is put as a question or a request for information: a '?', a question
/// word in English, Spanish or German, or "tell me about", "I'd like to know".
pub(super) fn is_asking(clause: &Clause<'_>) -> bool {
    let text = strip_openers(clause.text);
    if clause.question {
        return true;
    }
    if (clause.joined && AUXILIARY.is_match(text)) || NOT_ASKING.is_match(text) {
        return false;
    }
    extract::is_question(text) || FOREIGN_QUESTION.is_match(text) || INFO_REQUEST.is_match(text)
}

/// Statements that open like questions: "would rather not say", "what I need is speed",
/// "why not".
static NOT_ASKING: Pattern = Pattern::new(
    r"^(?:(?:would|could|might|will|should|may) (?:rather|be|depend|probably|likely|definitely|maybe|need|have to)|why not|who knows|how (?:cool|nice|great|awesome|amazing|funny)|(?:what|how|when|where|why) (?:i|we|they|our|my))\b",
);

static AUXILIARY: Pattern = Pattern::new(
    r"^(?:is|are|am|was|were|do|does|did|can|could|would|will|should|shall|may|have|has|had|isn'?t|aren'?t)\b",
);

/// Question words that open a Spanish or German question without its '?'.
static FOREIGN_QUESTION: Pattern = Pattern::new(
    r"^(?:que|cuanto|cuanta|cuantos|cuantas|como|donde|cual|cuales|cuando|por que|hay|tienen|tiene|ofrecen|puedo|pueden|se puede|es posible|was|wie|wieviel|wo|wann|warum|welche|welcher|welches|gibt es|habt ihr|haben sie|kann ich|kann man|konnen sie|konnt ihr|bietet ihr|bieten sie|unterstutzt ihr|unterstutzen sie)\b",
);

/// Requests for information put as statements.
static INFO_REQUEST: Pattern = Pattern::new(
    r"^(?:tell me|explain|let me know|i'?d like to know|i would like to know|i want to know|i wanna know|(?:i was |i'?m |just )?wondering (?:if|whether|about|how|what|why|when|where|which|who)|(?:i'?m )?curious (?:about|if|whether|how|what|why)|(?:any |more |some )?info(?:rmation)? (?:on|about|regarding)|(?:i have |got |one |a )?(?:quick )?question (?:about|on|regarding|re)|(?:i )?(?:need|want|would like|'d like) (?:more )?info(?:rmation)?|send me (?:the |your |some )?(?:pricing|prices|info|information|details|docs|documentation|case studies)|me gustaria saber|quiero saber|quisiera saber|(?:quiero|quisiera|necesito|queria|me gustaria (?:tener|recibir)) (?:mas )?informacion|(?:mas )?informacion (?:de|sobre|acerca de) (?:los |las |el |la )?(?:precios?|planes|tarifas|costos?|producto)|(?:ich (?:hatte|hatten|mochte|brauche) gerne?|ich brauche|ich mochte) (?:mehr )?(?:infos?|informationen)|ich mochte wissen|ich wurde gerne wissen|ich hatte gerne infos)\b",
);

/// "ok?", "really?", "hello?", "how are you?": a '?' that needs no answer from the notes.
pub(super) fn is_trivial_question(text: &str) -> bool {
    TRIVIAL.is_match(text)
}

static TRIVIAL: Pattern = Pattern::new(
    r"^(?:ok|okay|right|really|seriously|hello|hi|hey|hallo|hola|huh|eh|sorry|pardon|yes|no|anyone|anybody|someone|anyone there|anybody there|you there|are you there|still there|how are you|how are you doing|how r u|how's it going|hows it going|what's up|whats up|sup|que tal|como estas|wie geht'?s|wie geht es dir|wie geht es ihnen|sounds good|right|got it|when|what|who|where|me|my role)\W*$",
);

/// The clause after leading fillers: "hi", "ok so", "quick question", "btw".
pub(super) fn strip_openers(text: &str) -> &str {
    let mut rest = text;
    loop {
        let Some((_, end)) = OPENER.find(rest) else {
            return rest;
        };
        if end == 0 || end >= rest.len() {
            return rest;
        }
        rest = rest[end..].trim_start_matches(|c: char| c.is_whitespace() || ",!-".contains(c));
    }
}

static OPENER: Pattern = Pattern::new(
    r"^(?:hi|hello|hey|ok|okay|so|and|also|oh|um|uh|umm|hmm|well|great|cool|alright|btw|actually|anyway|sorry|ah|quick question|one more thing|then|hola|hallo|bueno|pues|also gut|ja|si|yes|yeah|yep|sure|perfect|thanks|thank you)\b",
);

/// Words of a folded clause, with surrounding punctuation trimmed ('#', '$', '€', '%' kept).
pub(super) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| !(c.is_alphanumeric() || "#$€%'".contains(c))))
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
pub(super) const PATTERNS: &[&Pattern] = &[
    &NOT_ASKING,
    &AUXILIARY,
    &SPLIT,
    &FOREIGN_QUESTION,
    &INFO_REQUEST,
    &TRIVIAL,
    &OPENER,
];
