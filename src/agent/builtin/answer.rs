//! A visitor's question answered from knowledge-base passages the way a person would: the
//! FAQ's answer, or the one to three sentences of a passage that answer it (never a pasted
//! chunk), "Yes"/"No" only where the passage says so plainly, a per-seat price worked out
//! for the visitor's seats — and `Unknown` when no passage covers what was asked, so the
//! flow can say so honestly instead of answering a question about a mobile app with the
//! integrations paragraph.

mod price;
mod sentences;
mod words;

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

/// Passages considered, best first as the search ranked them.
const CONSIDERED_HITS: usize = 3;
/// The share of the question's (weighted) content words a passage must hold.
const MIN_COVERAGE: f32 = 0.6;
/// A content word too common to show what a passage is about counts this much.
const GENERIC_WEIGHT: f32 = 0.3;
const MAX_SENTENCES: usize = 3;
/// A sentence scoring at least this share of the best one's score is part of the answer.
const SENTENCE_SHARE: f32 = 0.6;
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
/// A message of at most this many words naming a topic is a question about it.
const MAX_TOPIC_WORDS: usize = 2;

/// The answer to `question` from `hits` (best first); `seats`, when the visitor said how
/// many, turns a per-seat price into their total.
pub fn compose(question: &str, hits: &[ChunkHit], seats: Option<u32>) -> Answered {
    let asked = Asked::read(question);
    if asked.words.is_empty() {
        return Answered::Unknown;
    }
    let mut best: Option<(f32, &ChunkHit)> = None;
    for (rank, hit) in hits.iter().take(CONSIDERED_HITS).enumerate() {
        let Some(coverage) = asked.covered_by(hit) else {
            continue;
        };
        let order = RANK_BONUS / (1 << rank) as f32;
        let fit =
            coverage + HEADING_BONUS * asked.heading_share(last_heading(&hit.heading)) + order;
        if best.is_none_or(|(b, _)| fit > b) {
            best = Some((fit, hit));
        }
    }
    let Some((_, hit)) = best else {
        return Answered::Unknown;
    };
    let mut text = match hit.answer.as_deref() {
        Some(answer) => sentences::normalised(answer),
        None => match passage_answer(&asked, &hit.text) {
            Some(text) => text,
            None => return Answered::Unknown,
        },
    };
    if text.is_empty() {
        return Answered::Unknown;
    }
    if let Some(total) = seats
        .filter(|&n| n > 0)
        .and_then(|n| price::total_for_seats(&text, n))
    {
        text.push(' ');
        text.push_str(&total);
    }
    Answered::Known {
        text,
        sources: vec![Source {
            document_id: hit.document_id.clone(),
            title: hit.title.clone(),
        }],
    }
}

/// The seats a message names ("for 40 seats", "12 users"), for a per-seat total.
pub fn seats_in(message: &str) -> Option<u32> {
    let words = raw_words(message);
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
                | "asientos"
                | "usuarios"
                | "nutzer"
                | "lizenzen"
        );
        unit.then(|| pair[0].parse().ok())
            .flatten()
            .filter(|&n| n > 0)
    })
}

/// A question's content words, stemmed, each with its weight.
struct Asked {
    words: Vec<(String, f32)>,
    /// "Do you…?", "Is there…?": may be answered "Yes"/"No".
    yes_no: bool,
}

impl Asked {
    fn read(question: &str) -> Self {
        let asking = asking_part(question);
        let vocabulary = &*VOCABULARY;
        let mut seen = HashSet::new();
        let mut words = Vec::new();
        for word in raw_words(&asking) {
            if vocabulary.is_stop_word(&word)
                || word.chars().all(|c| c.is_ascii_digit())
                || word.chars().count() < 2
            {
                continue;
            }
            let stem = vocabulary.stem(&word);
            if seen.insert(stem.clone()) {
                let weight = if vocabulary.is_generic(&stem) {
                    GENERIC_WEIGHT
                } else {
                    1.0
                };
                words.push((stem, weight));
            }
        }
        Self {
            words,
            yes_no: is_yes_no(&asking),
        }
    }

    fn key_words(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .filter(|(_, w)| *w >= 1.0)
            .map(|(s, _)| s.as_str())
    }

    /// The share of the question a passage covers, if it covers enough to answer: most
    /// of the weighted words, and every topic word (one in four may be missing from a long
    /// question).
    fn covered_by(&self, hit: &ChunkHit) -> Option<f32> {
        let body = hit.answer.as_deref().unwrap_or(&hit.text);
        let own = Stems::of(&format!("{}\n{body}", last_heading(&hit.heading)));
        // The document's title and outer headings say what every chunk of it is about
        // ("Pricing and Plans"), so they count for less than the chunk's own words.
        let context = Stems::of(&format!("{}\n{}", hit.title, hit.heading));
        let vocabulary = &*VOCABULARY;
        let found = |s: &str| {
            vocabulary
                .found_in(s, &own)
                .max(CONTEXT_MATCH * vocabulary.found_in(s, &context))
        };
        let keys = self.key_words().count();
        let missing = self.key_words().filter(|s| found(s) == 0.0).count();
        let covered: f32 = self.words.iter().map(|(s, w)| w * found(s)).sum();
        let coverage = covered / self.total();
        (coverage >= MIN_COVERAGE && missing <= keys / 4).then_some(coverage)
    }

    /// How much of the question a heading names: a passage titled by what was asked is
    /// the one that answers it ("Data residency" rather than "GDPR" for where data is).
    fn heading_share(&self, heading: &str) -> f32 {
        self.score(&Stems::of(heading)) / self.total()
    }

    fn total(&self) -> f32 {
        self.words.iter().map(|(_, w)| w).sum()
    }

    /// How much of the question some text speaks to (synonyms count a little less).
    fn score(&self, stems: &Stems) -> f32 {
        self.words
            .iter()
            .map(|(s, w)| w * VOCABULARY.found_in(s, stems))
            .sum()
    }

    /// How much of the question a sentence speaks to: within the chosen passage a synonym
    /// counts in full, so a list's items ("US region…", "EU region…") rank with their
    /// lead-in rather than below a sentence that repeats the question's word.
    fn sentence_score(&self, stems: &Stems) -> f32 {
        self.words
            .iter()
            .filter(|(s, _)| VOCABULARY.found_in(s, stems) > 0.0)
            .map(|(_, w)| w)
            .sum()
    }
}

/// Whether a message of a word or two names a topic buyers ask about ("price", "soc2",
/// "gdpr", "SSO"): a question, though it has no question mark. Other short messages
/// ("sales", "Acme", "40 users") are more often answers and are left alone.
pub fn asks_by_topic(message: &str) -> bool {
    let words = raw_words(message);
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

/// The chunk's own heading, without the document's headings above it.
fn last_heading(heading: &str) -> &str {
    heading.rsplit(" › ").next().unwrap_or(heading)
}

/// The sentences of a message that ask something; the whole message when none does.
fn asking_part(message: &str) -> String {
    let asks: Vec<&str> = message
        .split_inclusive(['?', '\n', '!'])
        .flat_map(|part| part.split_inclusive(". "))
        .filter(|s| s.trim_end().ends_with('?') || is_yes_no(s) || starts_with_wh(s))
        .collect();
    if asks.is_empty() {
        message.to_owned()
    } else {
        asks.concat()
    }
}

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
    const OPENERS: &[&str] = &[
        "do", "does", "did", "is", "are", "can", "could", "will", "would", "have", "has", "was",
        "were", "should", "may", "isn't", "aren't", "don't", "doesn't", "any",
    ];
    OPENERS.contains(&first_word(sentence).as_str())
}

fn starts_with_wh(sentence: &str) -> bool {
    const WH: &[&str] = &[
        "what", "whats", "what's", "how", "which", "who", "when", "where", "why",
    ];
    WH.contains(&first_word(sentence).as_str())
}

/// The one to three sentences of a passage that answer the question, in document order,
/// opened with "Yes"/"No" when they say so plainly.
fn passage_answer(asked: &Asked, passage: &str) -> Option<String> {
    let all = sentences(passage, false);
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
    Some(match verdict {
        Some(word) => format!("{word}, {}", lower_first(&text, passage)),
        None => text,
    })
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
        .filter(|&i| scored[i].0 >= top * SENTENCE_SHARE)
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
