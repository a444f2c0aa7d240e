//! Cutting a document into chunks that keep meaning: sections by heading, packed into
//! about 200–400 words with a small overlap, and — for FAQs — exactly one chunk per
//! question and answer, so the agent can answer with the matching answer alone.

use std::borrow::Cow;

use super::Block;
use super::text::words as words_in;

/// A chunk grows to about this many words before the next paragraph starts a new one.
const TARGET_WORDS: usize = 300;
/// No chunk is longer than this (long paragraphs are split between sentences).
const MAX_WORDS: usize = 400;
/// Words of the previous chunk repeated at the start of the next, within a section.
const OVERLAP_WORDS: usize = 40;
/// A question is a short line; longer text ending in "?" is prose.
const MAX_QUESTION_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub position: u32,
    /// The headings above the chunk, outermost first, joined with " › ".
    pub heading: String,
    pub text: String,
    /// For a question/answer chunk: the answer alone.
    pub answer: Option<String>,
}

/// Cuts `blocks` into chunks; `faq` treats every short question line as a question.
pub fn chunk(blocks: &[Block], faq: bool) -> Vec<Chunk> {
    let mut out = Chunker { chunks: Vec::new() };
    for section in sections(blocks) {
        out.section(&section, faq);
    }
    out.chunks
}

struct Section<'a> {
    path: Vec<&'a str>,
    paragraphs: Vec<&'a str>,
}

/// Groups paragraphs under the headings above them.
fn sections(blocks: &[Block]) -> Vec<Section<'_>> {
    let mut stack: Vec<(u8, &str)> = Vec::new();
    let mut sections = vec![Section {
        path: Vec::new(),
        paragraphs: Vec::new(),
    }];
    for block in blocks {
        match block {
            Block::Heading { level, text } => {
                stack.retain(|(l, _)| l < level);
                stack.push((*level, text));
                sections.push(Section {
                    path: stack.iter().map(|(_, t)| *t).collect(),
                    paragraphs: Vec::new(),
                });
            }
            Block::Paragraph(text) => {
                if let Some(section) = sections.last_mut() {
                    section.paragraphs.push(text);
                }
            }
        }
    }
    sections.retain(|s| !s.paragraphs.is_empty() || s.path.last().is_some_and(|h| is_question(h)));
    sections
}

fn is_question(line: &str) -> bool {
    let line = line.trim();
    line.ends_with('?') && line.len() <= MAX_QUESTION_CHARS
}

/// `Q: …` / `Question: …` → the question; `A: …` / `Answer: …` → the answer. A label
/// with nothing after it labels nothing: the line is plain text.
fn labelled(line: &str) -> Option<(bool, &str)> {
    let (label, rest) = line.split_once(':')?;
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    match label.trim().to_ascii_lowercase().as_str() {
        "q" | "question" => Some((true, rest)),
        "a" | "answer" => Some((false, rest)),
        _ => None,
    }
}

struct Chunker {
    chunks: Vec<Chunk>,
}

impl Chunker {
    fn push(&mut self, heading: String, text: String, answer: Option<String>) {
        let position = u32::try_from(self.chunks.len()).unwrap_or(u32::MAX);
        self.chunks.push(Chunk {
            position,
            heading,
            text,
            answer,
        });
    }

    fn section(&mut self, section: &Section<'_>, faq: bool) {
        let path = section.path.join(" › ");
        // A question heading with its answer below it.
        if let Some(question) = section.path.last().filter(|h| is_question(h)) {
            let answer = section.paragraphs.join("\n\n");
            if !answer.is_empty() {
                self.push(
                    path.clone(),
                    format!("Q: {question}\nA: {answer}"),
                    Some(answer),
                );
                return;
            }
        }
        let mut prose: Vec<&str> = Vec::new();
        let mut pairs = QaPairs::default();
        for paragraph in &section.paragraphs {
            for piece in qa_lines(paragraph) {
                match piece {
                    Piece::Question(q) => self.start_pair(&path, &mut pairs, &mut prose, q),
                    Piece::Text(t) if faq && is_question(t) => {
                        self.start_pair(&path, &mut pairs, &mut prose, t);
                    }
                    Piece::Answer(a) if pairs.question.is_some() => pairs.answer.push(a.to_owned()),
                    Piece::Text(t)
                        if pairs.question.is_some() && (faq || !pairs.answer.is_empty()) =>
                    {
                        pairs.answer.push(t.to_owned());
                    }
                    Piece::Answer(t) | Piece::Text(t) => {
                        self.flush_pair(&path, &mut pairs);
                        prose.push(t);
                    }
                }
            }
            // Outside FAQs an answer ends with its paragraph; what follows is prose again.
            if !faq && !pairs.answer.is_empty() {
                self.flush_pair(&path, &mut pairs);
            }
        }
        self.flush_pair(&path, &mut pairs);
        self.prose(&path, &mut prose);
    }

    fn start_pair(
        &mut self,
        path: &str,
        pairs: &mut QaPairs,
        prose: &mut Vec<&str>,
        question: &str,
    ) {
        self.flush_pair(path, pairs);
        self.prose(path, prose);
        pairs.question = Some(question.to_owned());
    }

    /// Emits the pending question with its answer; a question nobody answered is kept as
    /// plain text rather than lost.
    fn flush_pair(&mut self, path: &str, pairs: &mut QaPairs) {
        let Some(question) = pairs.question.take() else {
            return;
        };
        if pairs.answer.is_empty() {
            self.push(path.to_owned(), question, None);
            return;
        }
        let answer = pairs.answer.join("\n");
        let heading = if path.is_empty() {
            question.clone()
        } else {
            format!("{path} › {question}")
        };
        self.push(heading, format!("Q: {question}\nA: {answer}"), Some(answer));
        pairs.answer.clear();
    }

    /// Packs paragraphs into chunks of about TARGET words, with overlap between them.
    fn prose(&mut self, path: &str, paragraphs: &mut Vec<&str>) {
        let mut current = String::new();
        let mut words = 0;
        for paragraph in paragraphs.drain(..) {
            for (piece, n) in split_long(paragraph) {
                if words > 0 && (words >= TARGET_WORDS || words + n > MAX_WORDS) {
                    let overlap = tail_words(&current, OVERLAP_WORDS).to_owned();
                    words = words_in(&overlap).count();
                    let text = std::mem::replace(&mut current, overlap);
                    self.push(path.to_owned(), text, None);
                }
                if !current.is_empty() {
                    current.push_str("\n\n");
                }
                current.push_str(&piece);
                words += n;
            }
        }
        if words > 0 {
            self.push(path.to_owned(), current, None);
        }
    }
}

#[derive(Default)]
struct QaPairs {
    question: Option<String>,
    answer: Vec<String>,
}

enum Piece<'a> {
    Question(&'a str),
    Answer(&'a str),
    Text(&'a str),
}

/// The lines of a paragraph, recognising `Q:` / `A:` labels.
fn qa_lines(paragraph: &str) -> Vec<Piece<'_>> {
    if !paragraph.lines().any(|l| labelled(l).is_some()) {
        return vec![Piece::Text(paragraph)];
    }
    paragraph
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match labelled(line) {
            Some((true, q)) => Piece::Question(q),
            Some((false, a)) => Piece::Answer(a),
            None => Piece::Text(line),
        })
        .collect()
}

/// The paragraph with its word count, or — over MAX words — its pieces split between
/// sentences (or, failing that, between words), each with its count.
fn split_long(paragraph: &str) -> Vec<(Cow<'_, str>, usize)> {
    let words = words_in(paragraph).count();
    if words <= MAX_WORDS {
        return vec![(Cow::Borrowed(paragraph), words)];
    }
    let mut pieces = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for word in words_in(paragraph) {
        current.push(word);
        let sentence_end = word.ends_with(['.', '!', '?']);
        if (sentence_end && current.len() >= TARGET_WORDS) || current.len() >= MAX_WORDS {
            pieces.push((Cow::Owned(current.join(" ")), current.len()));
            current.clear();
        }
    }
    if !current.is_empty() {
        pieces.push((Cow::Owned(current.join(" ")), current.len()));
    }
    pieces
}

/// The last `n` words of `text`, as a slice of it (found from the end, without splitting
/// the whole text).
fn tail_words(text: &str, n: usize) -> &str {
    let mut seen = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices().rev() {
        if !c.is_whitespace() {
            in_word = true;
            continue;
        }
        if in_word {
            seen += 1;
            if seen == n {
                return &text[i + c.len_utf8()..];
            }
        }
        in_word = false;
    }
    text.trim_start()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Block {
        Block::Paragraph(text.into())
    }

    fn h(level: u8, text: &str) -> Block {
        Block::Heading {
            level,
            text: text.into(),
        }
    }

    /// Found by fuzzing (fuzz/fuzz_targets/chunking.rs): a bare `Q:` made an empty chunk.
    #[test]
    fn an_empty_label_makes_no_empty_chunk() {
        let blocks = [
            p("Q: What is the payload?"),
            p("Q:\nWhat is the maximum reach?"),
            p("A:"),
        ];
        for faq in [false, true] {
            let chunks = chunk(&blocks, faq);
            assert!(
                chunks.iter().all(|c| !c.text.trim().is_empty()),
                "{chunks:#?}"
            );
            assert!(chunks.iter().any(|c| c.text.contains("maximum reach")));
        }
    }

    #[test]
    fn question_headings_become_one_chunk_each() {
        let blocks = [
            h(1, "FAQ"),
            h(2, "How much is it?"),
            p("$49 a month."),
            h(2, "Is there a trial?"),
            p("Yes, 14 days."),
        ];
        let chunks = chunk(&blocks, false);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].heading, "FAQ › How much is it?");
        assert_eq!(chunks[0].answer.as_deref(), Some("$49 a month."));
        assert_eq!(chunks[1].text, "Q: Is there a trial?\nA: Yes, 14 days.");
        assert_eq!(chunks[1].position, 1);
    }

    #[test]
    fn q_and_a_labels_pair_up() {
        let blocks = [
            p("Q: What is Synaptiq?\nA: An AI-powered SDR agent."),
            p("Q: Does it need a key?\nA: No.\nIt runs offline."),
        ];
        let chunks = chunk(&blocks, false);
        assert_eq!(chunks.len(), 2);
        assert_eq!(
            chunks[0].answer.as_deref(),
            Some("An AI-powered SDR agent.")
        );
        assert_eq!(chunks[1].answer.as_deref(), Some("No.\nIt runs offline."));
    }

    #[test]
    fn an_unanswered_question_is_kept() {
        let chunks = chunk(&[p("Q: What is Synaptiq? A: An agent.")], true);
        assert_eq!(chunks.len(), 1);
        assert!(chunks[0].text.contains("An agent."));
    }

    #[test]
    fn faq_type_pairs_question_lines_with_following_text() {
        let blocks = [
            p("Do you ship to Europe?"),
            p("Yes, in 5 days."),
            p("Can I pay by invoice?"),
            p("Yes."),
        ];
        assert_eq!(chunk(&blocks, true).len(), 2);
        assert_eq!(
            chunk(&blocks, false).len(),
            1,
            "without the faq type it is prose"
        );
    }

    #[test]
    fn tails_are_the_last_words() {
        assert_eq!(tail_words("one two  three\n\nfour ", 2), "three\n\nfour ");
        assert_eq!(tail_words("  one two", 5), "one two");
        assert_eq!(tail_words("", 3), "");
    }

    #[test]
    fn prose_is_packed_with_overlap_and_bounded() {
        let paragraph = "word ".repeat(120);
        let blocks: Vec<Block> = std::iter::once(h(1, "Guide"))
            .chain((0..10).map(|_| p(&paragraph)))
            .collect();
        let chunks = chunk(&blocks, false);
        assert!(chunks.len() >= 3, "{}", chunks.len());
        for c in &chunks {
            let words = c.text.split_whitespace().count();
            assert!((40..=MAX_WORDS + OVERLAP_WORDS).contains(&words), "{words}");
            assert_eq!(c.heading, "Guide");
        }
        let huge = p(&"long sentence goes on. ".repeat(500));
        assert!(
            chunk(&[huge], false)
                .iter()
                .all(|c| c.text.split_whitespace().count() <= MAX_WORDS + OVERLAP_WORDS)
        );
    }
}
