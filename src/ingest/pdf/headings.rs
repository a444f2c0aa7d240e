//! Headings in a PDF's text: a PDF has no structure of its own to say which lines are
//! headings, so, as readers see them, a short line set larger than the body text is one.
//! The body size is the size most of the text is set in; larger sizes are heading levels,
//! the largest first.

use std::collections::BTreeMap;

use crate::ingest::Block;

/// Larger than the body text by this factor at least, to be a heading.
const HEADING_SCALE: f64 = 1.15;
/// A heading is a short line.
const MAX_HEADING_CHARS: usize = 120;
const MAX_HEADING_WORDS: usize = 16;

/// Text with the font size of each of its lines (the smallest character's, so one large
/// glyph does not make a line a heading).
#[derive(Debug, Default)]
pub struct Lines {
    pub text: String,
    /// One entry per line of `text`; `INFINITY` for a line with no character yet.
    sizes: Vec<f64>,
}

impl Lines {
    pub fn push(&mut self, character: &str, size: f64) {
        if character.contains('\n') {
            for (i, part) in character.split('\n').enumerate() {
                if i > 0 {
                    self.newline();
                }
                self.push(part, size);
            }
            return;
        }
        self.text.push_str(character);
        let size = if size.is_finite() { size.abs() } else { 0.0 };
        let line = self.current();
        *line = line.min(size);
    }

    pub fn newline(&mut self) {
        self.current();
        self.text.push('\n');
        self.sizes.push(f64::INFINITY);
    }

    /// `other` after this text (its first line continues this one's last).
    pub fn append(&mut self, other: Self) {
        let mut sizes = other.sizes.into_iter();
        if let Some(first) = sizes.next() {
            let line = self.current();
            *line = line.min(first);
        }
        self.text.push_str(&other.text);
        self.sizes.extend(sizes);
    }

    fn current(&mut self) -> &mut f64 {
        if self.sizes.is_empty() {
            self.sizes.push(f64::INFINITY);
        }
        let last = self.sizes.len() - 1;
        &mut self.sizes[last]
    }

    /// Paragraphs separated by blank lines, as in plain text, and headings.
    pub fn blocks(&self) -> Vec<Block> {
        let lines: Vec<(&str, f64)> = self
            .text
            .split('\n')
            .map(str::trim)
            .zip(self.sizes.iter().copied().chain(std::iter::repeat(0.0)))
            .collect();
        let levels = Levels::of(&lines);
        let mut blocks = Vec::new();
        let mut paragraph: Vec<&str> = Vec::new();
        let mut after_heading = false;
        for (line, size) in lines {
            let level = levels.of_line(line, size);
            if line.is_empty() || level.is_some() {
                flush(&mut paragraph, &mut blocks);
            }
            match level {
                Some(level) => {
                    // A heading wrapped over two lines is one heading.
                    if let (true, Some(Block::Heading { level: l, text })) =
                        (after_heading, blocks.last_mut())
                        && *l == level
                    {
                        text.push(' ');
                        text.push_str(line);
                    } else {
                        blocks.push(Block::Heading {
                            level,
                            text: line.to_owned(),
                        });
                    }
                    after_heading = true;
                }
                None if line.is_empty() => after_heading = false,
                None => {
                    paragraph.push(line);
                    after_heading = false;
                }
            }
        }
        flush(&mut paragraph, &mut blocks);
        blocks
    }
}

fn flush(lines: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if !lines.is_empty() {
        blocks.push(Block::Paragraph(lines.join("\n")));
        lines.clear();
    }
}

/// Sizes in half points, so sizes that differ by rounding count as one.
fn half_points(size: f64) -> u32 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let half = (size * 2.0).round().clamp(0.0, f64::from(u32::MAX)) as u32;
    half
}

/// The body size and the heading sizes of a text, largest first.
struct Levels {
    body: f64,
    headings: Vec<u32>,
}

impl Levels {
    fn of(lines: &[(&str, f64)]) -> Self {
        let mut chars: BTreeMap<u32, usize> = BTreeMap::new();
        for (line, size) in lines.iter().filter(|(l, s)| !l.is_empty() && s.is_finite()) {
            *chars.entry(half_points(*size)).or_default() += line.len();
        }
        let body = chars
            .iter()
            .max_by_key(|(_, count)| **count)
            .map_or(0.0, |(size, _)| f64::from(*size) / 2.0);
        let mut levels = Self {
            body,
            headings: Vec::new(),
        };
        let mut headings: Vec<u32> = lines
            .iter()
            .filter(|(line, size)| levels.is_heading(line, *size))
            .map(|(_, size)| half_points(*size))
            .collect();
        headings.sort_unstable_by(|a, b| b.cmp(a));
        headings.dedup();
        levels.headings = headings;
        levels
    }

    fn is_heading(&self, line: &str, size: f64) -> bool {
        self.body > 0.0
            && size.is_finite()
            && size >= self.body * HEADING_SCALE
            && !line.is_empty()
            && line.chars().count() <= MAX_HEADING_CHARS
            && line.split_whitespace().count() <= MAX_HEADING_WORDS
            && line.chars().any(char::is_alphabetic)
    }

    fn of_line(&self, line: &str, size: f64) -> Option<u8> {
        if !self.is_heading(line, size) {
            return None;
        }
        let rank = self.headings.iter().position(|h| *h == half_points(size))?;
        Some(u8::try_from(rank + 1).unwrap_or(6).min(6))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(parts: &[(&str, f64)]) -> Lines {
        let mut out = Lines::default();
        for (i, (line, size)) in parts.iter().enumerate() {
            if i > 0 {
                out.newline();
            }
            for c in line.chars() {
                out.push(&c.to_string(), *size);
            }
        }
        out
    }

    #[test]
    fn larger_short_lines_are_headings_by_size() {
        let text = lines(&[
            ("Handbook", 24.0),
            ("", 0.0),
            ("Pricing", 16.0),
            ("The Growth plan costs $199 per month.", 11.0),
            ("It includes the API.", 11.0),
            ("", 0.0),
            ("Security and", 16.0),
            ("compliance", 16.0),
            ("All data is encrypted at rest.", 11.0),
        ]);
        assert_eq!(
            text.blocks(),
            vec![
                Block::Heading {
                    level: 1,
                    text: "Handbook".into()
                },
                Block::Heading {
                    level: 2,
                    text: "Pricing".into()
                },
                Block::Paragraph(
                    "The Growth plan costs $199 per month.\nIt includes the API.".into()
                ),
                Block::Heading {
                    level: 2,
                    text: "Security and compliance".into()
                },
                Block::Paragraph("All data is encrypted at rest.".into()),
            ]
        );
    }

    #[test]
    fn text_in_one_size_is_paragraphs_as_in_plain_text() {
        let text = lines(&[("One", 11.0), ("two", 11.0), ("", 0.0), ("Three", 11.0)]);
        assert_eq!(text.blocks(), crate::ingest::text::blocks(&text.text));
    }

    #[test]
    fn appended_text_keeps_its_line_sizes() {
        let mut all = lines(&[("Title", 20.0)]);
        all.newline();
        all.append(lines(&[("Body text here.", 10.0), ("More", 10.0)]));
        all.newline();
        all.append(lines(&[("Section", 20.0), ("Body again and more.", 10.0)]));
        assert_eq!(all.text.split('\n').count(), all.sizes.len());
        let headings: Vec<_> = all
            .blocks()
            .into_iter()
            .filter(|b| matches!(b, Block::Heading { .. }))
            .collect();
        assert_eq!(headings.len(), 2, "{:?}", all.blocks());
    }
}
