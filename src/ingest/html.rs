//! HTML: the readable content, with scripts, styles and navigation dropped and headings kept.

use scraper::{ElementRef, Html, Node};

use super::Block;
use super::text::squash;

/// Elements whose content is never part of the document's text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "svg", "form",
    "button", "iframe", "head",
];
/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "tr",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figcaption",
    "table",
    "ul",
    "ol",
    "br",
    "body",
];

pub fn extract(source: &str) -> Vec<Block> {
    let document = Html::parse_document(source);
    let mut walker = Walker {
        blocks: Vec::new(),
        text: String::new(),
    };
    walker.visit(document.root_element());
    walker.flush();
    walker.blocks
}

struct Walker {
    blocks: Vec<Block>,
    text: String,
}

impl Walker {
    fn visit(&mut self, element: ElementRef<'_>) {
        let name = element.value().name();
        if SKIPPED.contains(&name) {
            return;
        }
        if let Some(level) = heading_level(name) {
            self.flush();
            let text = squash(&element.text().collect::<String>());
            if !text.is_empty() {
                self.blocks.push(Block::Heading { level, text });
            }
            return;
        }
        let is_block = BLOCKS.contains(&name);
        if is_block {
            self.flush();
        }
        for child in element.children() {
            match child.value() {
                Node::Text(text) => self.text.push_str(text),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.visit(child);
                    }
                }
                _ => {}
            }
        }
        if matches!(name, "td" | "th") {
            self.text.push_str(" | ");
        } else if is_block {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let text = squash(self.text.trim().trim_end_matches('|'));
        if !text.is_empty() {
            self.blocks.push(Block::Paragraph(text));
        }
        self.text.clear();
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_and_navigation_keeps_headings() {
        let html = "<html><head><title>T</title><script>var secret=1</script></head><body>\
            <nav><a>Home</a></nav><main><h1>Picker</h1><p>Lifts <b>25 kg</b>.</p>\
            <table><tr><td>Weekdays</td><td>9-6</td></tr></table></main><footer>f</footer></body></html>";
        let blocks = extract(html);
        assert_eq!(
            blocks,
            vec![
                Block::Heading {
                    level: 1,
                    text: "Picker".into()
                },
                Block::Paragraph("Lifts 25 kg.".into()),
                Block::Paragraph("Weekdays | 9-6".into()),
            ]
        );
    }
}
