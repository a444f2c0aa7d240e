//! A visitor's question answered from knowledge-base passages the way a person would: the
//! FAQ's answer, or the one to three sentences of a passage that answer it (never a pasted
//! chunk), "Yes"/"No" only where the passage says so plainly, a per-seat price worked out
//! for the visitor's seats — and `Unknown` when no passage covers what was asked, so the
//! flow can say so honestly instead of answering a question about a mobile app with the
//! integrations paragraph.

mod asked;
mod price;
mod sentences;
mod words;

pub use asked::Billing;
use asked::{Asked, Common};

use std::collections::HashSet;

use crate::model::{ChunkHit, Source};
use sentences::{Sentence, sentences};
use words::{Stems, VOCABULARY, is_negative, raw_words};

/// What the knowledge base says to a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    /// The answer's text (no source in it) and the documents it came from.
    Known { text: String, sources: Vec<Source> },
    /// No passage covers the question well enough to answer it.
    Unknown,
}

/// The share of the question's (weighted) content words a passage must hold.
const MIN_COVERAGE: f32 = 0.6;
/// A content word too common to show what a passage is about counts this much.
const GENERIC_WEIGHT: f32 = 0.3;
const MAX_SENTENCES: usize = 3;
/// A sentence scoring at least this share of the best one's score is part of the answer.
const SENTENCE_SHARE: f32 = 0.6;
/// A passage with a number gets this much when the question asks "how many".
const NUMBER_BONUS: f32 = 0.1;
/// The share for a labelled fact of a list.
const LABELLED_SHARE: f32 = 0.5;
/// A best sentence this short is followed by the next one of its paragraph, which usually
/// says the rest ("Brightline is not HIPAA compliant." — "We do not sign BAAs…").
const SHORT_SENTENCE_CHARS: usize = 60;
/// Sentences are added, best first, while the answer stays under this many characters.
const MAX_ANSWER_CHARS: usize = 600;
/// A passage whose heading names the question gets up to this much on top of its coverage.
const HEADING_BONUS: f32 = 0.25;
/// The search's first passage gets this much, its second half, so near ties keep its order.
const RANK_BONUS: f32 = 0.05;
/// A question's word found only in the document's title or outer headings counts this much.
const CONTEXT_MATCH: f32 = 0.7;
/// A passage of at least this many named items is answered with their names.
const MIN_LISTED: usize = 4;
/// A message of at most this many words naming a topic is a question about it.
const MAX_TOPIC_WORDS: usize = 2;

/// The answer to `question` from `hits` (best first); `seats`, when the visitor said how
/// many, turns a per-seat price into their total. A message asking several things gets
/// each answered, in the order asked.
pub fn compose(question: &str, hits: &[ChunkHit], seats: Option<u32>) -> Answered {
    let common = Common::of(hits);
    // Questions answered by the same passage are answered together, once.
    let mut answered: Vec<(usize, Vec<String>)> = Vec::new();
    for part in questions(question) {
        let asked = Asked::read(&part, &common);
        let Some(best) = best_hit(&asked, hits) else {
            continue;
        };
        match answered.iter_mut().find(|(hit, _)| *hit == best) {
            Some((_, parts)) => parts.push(part),
            None => answered.push((best, vec![part])),
        }
    }
    let mut texts: Vec<String> = Vec::new();
    let mut sources: Vec<Source> = Vec::new();
    for (index, parts) in answered {
        let hit = &hits[index];
        let asked = Asked::read(&parts.join(" "), &common);
        let Some(text) = hit_answer(&asked, hit, seats) else {
            continue;
        };
        if !texts.contains(&text) {
            texts.push(text);
        }
        let source = Source {
            document_id: hit.document_id.clone(),
            title: hit.title.clone(),
        };
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    if texts.is_empty() {
        return Answered::Unknown;
    }
    Answered::Known {
        text: texts.join(" "),
        sources,
    }
}

/// The index of the passage that answers `asked` best, if any covers it.
fn best_hit(asked: &Asked, hits: &[ChunkHit]) -> Option<usize> {
    if asked.words.is_empty() {
        return None;
    }
    let mut best: Option<(f32, usize)> = None;
    for (rank, hit) in hits.iter().enumerate() {
        let Some(coverage) = asked.covered_by(hit) else {
            continue;
        };
        let order = RANK_BONUS / (1u32 << rank.min(31)) as f32;
        let number = if asked.wants_number && gives_number(asked, hit) {
            NUMBER_BONUS
        } else {
            0.0
        };
        let fit = coverage
            + HEADING_BONUS * asked.heading_share(last_heading(&hit.heading))
            + order
            + number;
        if best.is_none_or(|(b, _)| fit > b) {
            best = Some((fit, rank));
        }
    }
    best.map(|(_, index)| index)
}

/// Whether a sentence of the passage that speaks to the question holds a number.
fn gives_number(asked: &Asked, hit: &ChunkHit) -> bool {
    let body = hit.answer.as_deref().unwrap_or(&hit.text);
    sentences(body, false).iter().any(|s| {
        s.text.chars().any(|c| c.is_ascii_digit())
            && asked.sentence_score(&Stems::of(&s.text)) > 0.0
    })
}

/// What one passage says to the question: its FAQ answer or its answering sentences, with
/// the visitor's total when it gives a per-seat price.
fn hit_answer(asked: &Asked, hit: &ChunkHit, seats: Option<u32>) -> Option<String> {
    let mut text = match hit.answer.as_deref() {
        Some(answer) => {
            let answer = sentences::normalised(answer);
            if !asked.asks_otherwise_than(last_heading(&hit.heading)) {
                answer
            } else {
                // The FAQ's "Yes." answers its own question, not a different one ("a free
                // plan?" answered from "Is there a free trial?").
                without_verdict(&answer)
            }
        }
        None => passage_answer(asked, &hit.text, last_heading(&hit.heading))?,
    };
    if text.is_empty() {
        return None;
    }
    if let Some(total) = seats
        .filter(|&n| n > 0)
        .and_then(|n| price::total_for_seats(&text, n, asked.billing))
    {
        text.push(' ');
        text.push_str(&total);
    }
    Some(text)
}

/// An answer without its opening "Yes."/"No.", capitalised again.
fn without_verdict(answer: &str) -> String {
    for opener in ["Yes. ", "No. ", "Yes, ", "No, "] {
        if let Some(rest) = answer.strip_prefix(opener) {
            let mut chars = rest.chars();
            return chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
        }
    }
    answer.to_owned()
}

/// The seats a message names ("for 40 seats", "12 users"), for a per-seat total.
pub fn seats_in(message: &str) -> Option<u32> {
    let words = raw_words(message);
    // "for 8 people" is a seat count; "a team of 200 people" need not be.
    let for_people = words.windows(3).find_map(|w| {
        let people = matches!(
            w[2].as_str(),
            "people" | "persons" | "personas" | "personen"
        );
        (matches!(w[0].as_str(), "for" | "para" | "fur") && people)
            .then(|| w[1].parse().ok())
            .flatten()
            .filter(|&n| n > 0)
    });
    for_people.or_else(|| {
        words.windows(2).find_map(|pair| {
            let unit = matches!(
                pair[1].as_str(),
                "seat"
                    | "seats"
                    | "user"
                    | "users"
                    | "agents"
                    | "reps"
                    | "licenses"
                    | "licences"
                    | "person"
                    | "agent"
                    | "asientos"
                    | "usuarios"
                    | "nutzer"
                    | "lizenzen"
            );
            unit.then(|| pair[0].parse().ok())
                .flatten()
                .filter(|&n| n > 0)
        })
    })
}

/// Whether a message of a word or two names a topic buyers ask about ("price", "soc2",
/// "gdpr", "SSO"): a question, though it has no question mark. Other short messages
/// ("sales", "Acme", "40 users") are more often answers and are left alone.
pub fn asks_by_topic(message: &str) -> bool {
    let words: Vec<String> = raw_words(message)
        .into_iter()
        .filter(|w| !REQUEST_WORDS.contains(&w.as_str()))
        .collect();
    let vocabulary = &*VOCABULARY;
    let content: Vec<&String> = words
        .iter()
        .filter(|w| !vocabulary.is_stop_word(w))
        .collect();
    (1..=MAX_TOPIC_WORDS).contains(&content.len())
        && words.len() <= MAX_TOPIC_WORDS + 1
        && content
            .iter()
            .all(|w| vocabulary.is_topic(&vocabulary.stem(w)))
}

/// Greetings and requests around a topic ("good afternoon, I'd like information on
/// pricing"), which leave it a question about the topic.
#[rustfmt::skip]
const REQUEST_WORDS: &[&str] = &[
    "good", "morning", "afternoon", "evening", "buenas", "buenos", "tardes", "dias", "noches",
    "hola", "hallo", "guten", "tag", "info", "information", "informacion", "informationen",
    "details", "detalles", "quiero", "quisiera", "necesito", "want", "need", "like", "i'd",
    "send", "share", "more", "mas", "please", "por", "favor", "bitte", "zu", "sobre", "on",
    "about", "de", "the", "your", "sus", "los",
];

/// The chunk's own heading, without the document's headings above it.
fn last_heading(heading: &str) -> &str {
    heading.rsplit(" › ").next().unwrap_or(heading)
}

/// The questions a message asks, each on its own ("Do you have SSO, and is there an
/// API?" is two), without lead-ins ("Before I pick, what happens…"); the whole message
/// when nothing in it asks.
pub fn questions(message: &str) -> Vec<String> {
    let mut asks: Vec<String> = Vec::new();
    for sentence in message
        .split_inclusive(['?', '\n', '!', '¿'])
        .flat_map(|part| part.split_inclusive(". "))
    {
        let clauses = asking_clauses(sentence);
        if !clauses.is_empty() {
            asks.extend(clauses);
        } else if sentence.trim_end().ends_with('?') && !raw_words(sentence).is_empty() {
            asks.push(sentence.trim().to_owned());
        }
    }
    if asks.is_empty() {
        vec![message.to_owned()]
    } else {
        asks
    }
}

/// The clauses of a sentence that open like a question ("do you…", "what…"), each from
/// its opener to the next; a clause opens one after a comma, colon, dash or "and".
fn asking_clauses(sentence: &str) -> Vec<String> {
    let words: Vec<(usize, &str)> = sentence
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - sentence.as_ptr() as usize, w))
        .collect();
    // Only a question mark makes a clause after a comma a question: "…what we need, which
    // is a shared inbox." asks nothing.
    let asks = sentence.trim_end().ends_with('?');
    let mut starts: Vec<usize> = Vec::new();
    for (i, &(at, word)) in words.iter().enumerate() {
        let bare: String = word
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
            .to_lowercase()
            .replace('’', "'");
        if !is_opener(&bare) {
            continue;
        }
        let leads = i == 0 || words[..i].iter().all(|(_, w)| is_filler(w));
        if leads || (asks && after_a_break(&words, i)) {
            starts.push(at);
        }
    }
    let mut clauses = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(sentence.len());
        let clause = sentence[start..end].trim();
        if !clause.is_empty() {
            clauses.push(clause.to_owned());
        }
    }
    clauses
}

/// Whether word `i` follows a comma, colon or dash, or an "and" between clauses.
fn after_a_break(words: &[(usize, &str)], i: usize) -> bool {
    let previous = words[i - 1].1;
    if previous.ends_with([',', ':', ';', '-', '–', '—', '.', '!']) {
        return true;
    }
    let joins = matches!(
        previous.to_lowercase().as_str(),
        "and" | "also" | "plus" | "or"
    );
    joins && i >= 2 && {
        let before = words[i - 2].1;
        before.ends_with([',', ';']) || !is_opener(&before.to_lowercase())
    }
}

/// Greetings and fillers before a question ("hi! quick one -").
fn is_filler(word: &str) -> bool {
    let bare = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    bare.is_empty()
        || matches!(
            bare.as_str(),
            "hi" | "hello"
                | "hey"
                | "ok"
                | "okay"
                | "so"
                | "and"
                | "also"
                | "quick"
                | "one"
                | "question"
                | "btw"
                | "oh"
                | "well"
                | "but"
                | "then"
                | "hmm"
                | "great"
                | "cool"
                | "thanks"
                | "good"
        )
}

fn is_opener(word: &str) -> bool {
    YES_NO_OPENERS.contains(&word) || WH.contains(&word)
}

const YES_NO_OPENERS: &[&str] = &[
    "do", "does", "did", "is", "are", "can", "could", "will", "would", "have", "has", "was",
    "were", "should", "may", "isn't", "aren't", "don't", "doesn't", "any",
];

const WH: &[&str] = &[
    "what", "whats", "what's", "how", "which", "who", "when", "where", "why",
];

fn first_word(sentence: &str) -> String {
    let words = raw_words(sentence);
    let skip = [
        "hi", "hello", "hey", "ok", "okay", "so", "and", "also", "quick", "question", "btw", "oh",
        "well", "but",
    ];
    words
        .into_iter()
        .find(|w| !skip.contains(&w.as_str()))
        .unwrap_or_default()
}

fn is_yes_no(sentence: &str) -> bool {
    YES_NO_OPENERS.contains(&first_word(sentence).as_str())
}

/// The one to three sentences of a passage that answer the question, in document order,
/// opened with "Yes"/"No" when they say so plainly.
fn passage_answer(asked: &Asked, passage: &str, heading: &str) -> Option<String> {
    let all = sentences(passage, false);
    if let Some(list) = listed_names(asked, &all, heading) {
        return Some(list);
    }
    let scored: Vec<(f32, &Sentence, Stems)> = all
        .iter()
        .map(|s| {
            let stems = Stems::of(&s.text);
            (asked.sentence_score(&stems), s, stems)
        })
        .collect();
    let top = scored.iter().map(|(score, ..)| *score).fold(0.0, f32::max);
    let chosen = choose(&scored, top);
    let first = *chosen.first()?;
    let text = chosen
        .iter()
        .map(|&i| scored[i].1.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let best = chosen
        .iter()
        .copied()
        .max_by(|&a, &b| scored[a].0.total_cmp(&scored[b].0).then(b.cmp(&a)))
        .unwrap_or(first);
    let verdict = if asked.yes_no {
        verdict(asked, &scored, &chosen, best)
    } else {
        None
    };
    let text = match text.strip_suffix(':') {
        Some(lead_in) => format!("{lead_in}."),
        None => text,
    };
    // A list item ("all channels: WhatsApp…") says what it belongs to only in its heading.
    let text = if text.starts_with(char::is_lowercase) && !heading.is_empty() {
        format!("{heading} — {text}")
    } else {
        text
    };
    Some(match verdict {
        Some(word) => format!("{word}, {}", lower_first(&text, passage)),
        None => text,
    })
}

/// A list of named items ("Salesforce: …", "HubSpot: …") asked about as a whole ("what
/// integrations do you have?"): the heading and the names, rather than three of the items.
fn listed_names(asked: &Asked, all: &[Sentence], heading: &str) -> Option<String> {
    let heading_stems = Stems::of(heading);
    let named_by_heading = asked
        .key_words()
        .all(|k| VOCABULARY.found_in(k, &heading_stems) > 0.0);
    if asked.yes_no || !named_by_heading {
        return None;
    }
    let names: Vec<&str> = all
        .iter()
        .filter(|s| sentences::is_labelled(&s.text))
        .filter_map(|s| s.text.split_once(": ").map(|(label, _)| label))
        .collect();
    // A question naming one of the items ("sales phone number") asks about that item.
    let names_an_item = names.iter().any(|name| asked.score(&Stems::of(name)) > 0.0);
    if names_an_item {
        return None;
    }
    if names.len() < MIN_LISTED || names.len() * 2 < all.len() {
        return None;
    }
    let (last, rest) = names.split_last()?;
    Some(format!("{heading}: {}, and {last}.", rest.join(", ")))
}

/// Indices of the chosen sentences, in document order.
fn choose(scored: &[(f32, &Sentence, Stems)], top: f32) -> Vec<usize> {
    if scored.is_empty() {
        return Vec::new();
    }
    if top <= 0.0 {
        // The passage matched by its heading: its first sentence says what it is about.
        return vec![0];
    }
    let mut ranked: Vec<usize> = (0..scored.len())
        .filter(|&i| {
            // A labelled fact ("EU region: Frankfurt") is short, so holds fewer words.
            let share = if sentences::is_labelled(&scored[i].1.text) {
                LABELLED_SHARE
            } else {
                SENTENCE_SHARE
            };
            scored[i].0 >= top * share
        })
        .collect();
    ranked.sort_by(|&a, &b| scored[b].0.total_cmp(&scored[a].0).then(a.cmp(&b)));
    let mut chosen: Vec<usize> = Vec::new();
    let mut chars = 0;
    for i in ranked {
        let len = scored[i].1.text.len();
        if chosen.len() == MAX_SENTENCES || (!chosen.is_empty() && chars + len > MAX_ANSWER_CHARS) {
            break;
        }
        chars += len;
        chosen.push(i);
    }
    if let [only] = chosen[..] {
        let next = only + 1;
        if scored[only].1.text.len() < SHORT_SENTENCE_CHARS
            && scored
                .get(next)
                .is_some_and(|n| n.1.paragraph == scored[only].1.paragraph)
        {
            chosen.push(next);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// "No" when the best sentence negates the question and no chosen sentence about it says
/// otherwise; "Yes" when none negates and together they name every topic word of it;
/// nothing when they are mixed or do not say.
fn verdict(
    asked: &Asked,
    scored: &[(f32, &Sentence, Stems)],
    chosen: &[usize],
    best: usize,
) -> Option<&'static str> {
    let lead = &scored[best].1.text;
    let opens_with_answer = matches!(
        raw_words(lead).first().map(String::as_str),
        Some("yes" | "no" | "not")
    );
    if opens_with_answer || scored[best].0 < 1.0 {
        return None;
    }
    let vocabulary = &*VOCABULARY;
    let keys: Vec<&str> = asked.key_words().collect();
    let about_it = |i: usize| {
        keys.iter()
            .any(|k| vocabulary.found_in(k, &scored[i].2) > 0.0)
    };
    let (negative, positive): (Vec<usize>, Vec<usize>) = chosen
        .iter()
        .copied()
        .filter(|&i| about_it(i))
        .partition(|&i| is_negative(&scored[i].1.text));
    if is_negative(lead) {
        // "Partial months are not refunded" beside "a 30-day money-back guarantee" is no "No".
        return positive.is_empty().then_some("No");
    }
    if !negative.is_empty() || chosen.iter().any(|&i| is_negative(&scored[i].1.text)) {
        return None;
    }
    let affirmed = !keys.is_empty()
        && keys.iter().all(|k| {
            chosen
                .iter()
                .any(|&i| vocabulary.found_in(k, &scored[i].2) > 0.0)
        });
    affirmed.then_some("Yes")
}

/// Words that open a sentence without being a name.
const COMMON_OPENERS: &[&str] = &[
    "All",
    "Every",
    "Each",
    "Admins",
    "Customers",
    "Data",
    "Conversation",
    "Conversations",
    "Monthly",
    "Annual",
    "Upgrades",
    "Downgrades",
    "Drafts",
    "Imports",
    "Reports",
    "Rules",
    "Minimum",
    "Maximum",
    "Light",
    "Most",
    "Both",
    "Only",
    "Backups",
    "Prices",
    "Seats",
];

/// The sentence after "Yes, ": its first word lower-cased when it is a common word, never
/// a name — written in capitals, with digits, as a label ("Salesforce:"), or capitalised
/// mid-sentence somewhere in the passage.
fn lower_first(text: &str, passage: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or_default();
    let word = first.trim_end_matches(|c: char| !c.is_alphanumeric());
    let is_name = first.ends_with(':')
        || word.chars().any(|c| c.is_ascii_digit())
        || (word.chars().count() > 1 && word.chars().all(|c| !c.is_lowercase()))
        || capitalised_mid_sentence(word, passage);
    let common = COMMON_OPENERS.contains(&word) || VOCABULARY.is_stop_word(&word.to_lowercase());
    if is_name || !common {
        return text.to_owned();
    }
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

fn capitalised_mid_sentence(word: &str, passage: &str) -> bool {
    passage.match_indices(word).any(|(at, _)| {
        let before = passage[..at].trim_end_matches(' ');
        let after = passage[at + word.len()..].chars().next();
        before.len() < at
            && before.ends_with(|c: char| c.is_alphanumeric() || c == ',')
            && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests;
