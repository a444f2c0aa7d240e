//! What a question asks: its content words, stemmed and weighted, and the words most of
//! the passages at hand share (which say little about which one answers).

use super::*;

/// The words of the passages at hand, to tell a word that is in most of them (the
/// company's own name) from the one that picks the passage out.
pub(super) struct Common {
    pub(super) passages: Vec<Stems>,
}

/// A word found in at least this share of the passages says little about which answers.
const COMMON_SHARE: f32 = 0.34;
/// Below this many passages no word is common.
const MIN_PASSAGES_FOR_COMMON: usize = 3;

impl Common {
    pub(super) fn of(hits: &[ChunkHit]) -> Self {
        let passages = hits
            .iter()
            .map(|hit| {
                let body = hit.answer.as_deref().unwrap_or(&hit.text);
                Stems::of(&format!(
                    "{}
{}
{body}",
                    hit.title, hit.heading
                ))
            })
            .collect();
        Self { passages }
    }

    /// In how many passages the word is.
    pub(super) fn count(&self, stem: &str) -> usize {
        self.passages
            .iter()
            .filter(|p| p.words.contains(stem))
            .count()
    }

    /// Whether `stem` is in so many passages that it cannot pick one out, while some other
    /// word of the question (`rarest` passages) can.
    pub(super) fn is_common(&self, stem: &str, rarest: usize) -> bool {
        let n = self.passages.len();
        let count = self.count(stem);
        n >= MIN_PASSAGES_FOR_COMMON && count > rarest && count as f32 >= COMMON_SHARE * n as f32
    }
}

/// How a visitor would pay, when the question says ("if we paid monthly").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    Monthly,
    Annually,
}

/// A question's content words, stemmed, each with its weight.
pub(super) struct Asked {
    pub(super) words: Vec<(String, f32)>,
    /// The same words before the passages' common words were discounted: within one
    /// passage they still tell its sentences apart.
    pub(super) own_words: Vec<(String, f32)>,
    /// "How many…?", "what does it cost?", "phone number?": a passage giving a number
    /// answers it.
    pub(super) wants_number: bool,
    /// "Do you…?", "Is there…?": may be answered "Yes"/"No".
    pub(super) yes_no: bool,
    pub(super) billing: Option<Billing>,
}

impl Asked {
    pub(super) fn read(question: &str, common: &Common) -> Self {
        let vocabulary = &*VOCABULARY;
        let mut seen = HashSet::new();
        let mut groups = HashSet::new();
        let mut words = Vec::new();
        let raw = raw_words(question);
        for word in &raw {
            if vocabulary.is_stop_word(word)
                || REQUEST_WORDS.contains(&word.as_str())
                || word.chars().all(|c| c.is_ascii_digit())
                || word.chars().count() < 2
            {
                continue;
            }
            let stem = vocabulary.stem(word);
            // "promo codes or deals" asks about one thing, said twice.
            let new_group = vocabulary.group_of(&stem).is_none_or(|g| groups.insert(g));
            if seen.insert(stem.clone()) && new_group {
                let weight = if vocabulary.is_generic(&stem) {
                    GENERIC_WEIGHT
                } else {
                    1.0
                };
                words.push((stem, weight));
            }
        }
        let own_words = words.clone();
        let rarest = words
            .iter()
            .filter(|(_, w)| *w >= 1.0)
            .map(|(s, _)| common.count(s))
            .min()
            .unwrap_or(0);
        for (stem, weight) in &mut words {
            if *weight >= 1.0 && common.is_common(stem, rarest) {
                *weight = GENERIC_WEIGHT;
            }
        }
        if words.iter().all(|(_, w)| *w < 1.0) {
            // "What integrations do you have?": the common words are all it asks about.
            for (_, weight) in &mut words {
                *weight = 1.0;
            }
        }
        let billing = raw.iter().find_map(|w| match w.as_str() {
            "monthly" | "month-to-month" | "mensual" | "mensualmente" | "monatlich" => {
                Some(Billing::Monthly)
            }
            "annually" | "annual" | "yearly" | "anual" | "anualmente" | "jahrlich" => {
                Some(Billing::Annually)
            }
            _ => None,
        });
        let wants_number = raw
            .windows(2)
            .any(|w| w[0] == "how" && matches!(w[1].as_str(), "many" | "much" | "big" | "large"))
            || raw
                .iter()
                .any(|w| w.starts_with("cuant") || w == "wieviele")
            || own_words.iter().any(|(s, _)| vocabulary.asks_for_number(s));
        Self {
            words,
            own_words,
            wants_number,
            yes_no: is_yes_no(question),
            billing,
        }
    }

    /// Whether an FAQ's own question asks about another thing than the visitor's: it
    /// names a topic the visitor did not ("trial") and misses a word the visitor used
    /// ("plan").
    pub(super) fn asks_otherwise_than(&self, heading: &str) -> bool {
        let vocabulary = &*VOCABULARY;
        let stems = Stems::of(heading);
        let asked = Stems {
            words: self.words.iter().map(|(s, _)| s.clone()).collect(),
            has_money: false,
            has_phone: false,
        };
        let misses = self
            .words
            .iter()
            .any(|(s, _)| vocabulary.found_in(s, &stems) == 0.0);
        let other_topic = stems
            .words
            .iter()
            .any(|s| vocabulary.is_topic(s) && vocabulary.found_in(s, &asked) == 0.0);
        misses && other_topic
    }

    pub(super) fn key_words(&self) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .filter(|(_, w)| *w >= 1.0)
            .map(|(s, _)| s.as_str())
    }

    /// The share of the question a passage covers, if it covers enough to answer: most
    /// of the weighted words, and every topic word (one in four may be missing from a long
    /// question).
    pub(super) fn covered_by(&self, hit: &ChunkHit) -> Option<f32> {
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
        // One word of three may be missing: "WhatsApp in the Starter plan?" is answered
        // by the channels passage that never says "plan".
        let covered: f32 = self.words.iter().map(|(s, w)| w * found(s)).sum();
        let coverage = covered / self.total();
        (coverage >= MIN_COVERAGE && missing <= (keys + 1) / 4).then_some(coverage)
    }

    /// How much of the question a heading names: a passage titled by what was asked is
    /// the one that answers it ("Data residency" rather than "GDPR" for where data is).
    pub(super) fn heading_share(&self, heading: &str) -> f32 {
        let stems = Stems::of(heading);
        let total: f32 = self.own_words.iter().map(|(_, w)| w).sum();
        let found: f32 = self
            .own_words
            .iter()
            .map(|(s, w)| w * VOCABULARY.found_in(s, &stems))
            .sum();
        if total > 0.0 { found / total } else { 0.0 }
    }

    pub(super) fn total(&self) -> f32 {
        self.words.iter().map(|(_, w)| w).sum()
    }

    /// How much of the question some text speaks to (synonyms count a little less).
    pub(super) fn score(&self, stems: &Stems) -> f32 {
        self.words
            .iter()
            .map(|(s, w)| w * VOCABULARY.found_in(s, stems))
            .sum()
    }

    /// How much of the question a sentence speaks to: within the chosen passage a synonym
    /// counts in full, so a list's items ("US region…", "EU region…") rank with their
    /// lead-in rather than below a sentence that repeats the question's word.
    pub(super) fn sentence_score(&self, stems: &Stems) -> f32 {
        self.own_words
            .iter()
            .filter(|(s, _)| VOCABULARY.found_in(s, stems) > 0.0)
            .map(|(_, w)| w)
            .sum()
    }
}
