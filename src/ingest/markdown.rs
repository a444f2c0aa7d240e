//! Markdown: headings and paragraphs (list items and table rows become paragraphs).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::Block;
use super::text::squash;

pub fn extract(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut text = String::new();
    for event in Parser::new_ext(source, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            Event::End(TagEnd::Heading(level)) => {
                let line = squash(&text.replace('\n', " "));
                if !line.is_empty() {
                    blocks.push(Block::Heading {
                        level: heading_level(level),
                        text: line,
                    });
                }
                text.clear();
            }
            Event::End(TagEnd::TableCell) => text.push_str(" | "),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => {
                push_paragraph(&mut blocks, &mut text);
            }
            Event::Start(Tag::Item) => push_paragraph(&mut blocks, &mut text),
            _ => {}
        }
    }
    push_paragraph(&mut blocks, &mut text);
    blocks
}

/// Keeps line breaks (they carry `Q:`/`A:` structure) and collapses other whitespace.
fn push_paragraph(blocks: &mut Vec<Block>, text: &mut String) {
    let line = text
        .trim_end_matches(" | ")
        .lines()
        .map(squash)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if !line.is_empty() {
        blocks.push(Block::Paragraph(line));
    }
    text.clear();
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_inside_a_paragraph_survive() {
        let blocks = extract("Q: What is Synaptiq?\nA: An AI-powered SDR agent...");
        assert_eq!(
            blocks,
            vec![Block::Paragraph(
                "Q: What is Synaptiq?\nA: An AI-powered SDR agent...".into()
            )]
        );
    }

    #[test]
    fn headings_paragraphs_and_lists() {
        let blocks = extract("# Pricing\n\nThe plan costs **$49**.\n\n- one\n- two\n");
        assert_eq!(
            blocks,
            vec![
                Block::Heading {
                    level: 1,
                    text: "Pricing".into()
                },
                Block::Paragraph("The plan costs $49.".into()),
                Block::Paragraph("one".into()),
                Block::Paragraph("two".into()),
            ]
        );
    }

    /// pulldown-cmark keeps nesting on the heap and this walk is flat over its events, so
    /// no depth of quotes, lists, links or emphasis reaches the stack.
    #[test]
    fn nesting_a_hundred_thousand_deep_is_read() {
        let depth = 100_000;
        for (shape, source) in [
            ("quotes", format!("{} Deep.", ">".repeat(depth))),
            ("lists", format!("{}Deep.", "- ".repeat(depth))),
            ("ordered lists", format!("{}Deep.", "1. ".repeat(depth))),
            (
                "links",
                format!("{}Deep.{}", "[".repeat(depth), "](x)".repeat(depth)),
            ),
            (
                "emphasis",
                format!("{}Deep.{}", "*_".repeat(depth), "_*".repeat(depth)),
            ),
        ] {
            let text: Vec<String> = extract(&source)
                .into_iter()
                .map(|b| match b {
                    Block::Paragraph(t) | Block::Heading { text: t, .. } => t,
                })
                .collect();
            assert!(
                text.iter().any(|t| t.contains("Deep.")),
                "{shape}: {text:.200?}"
            );
        }
    }
}
