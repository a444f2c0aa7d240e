//! HTML: the readable content, with scripts, styles and navigation dropped and headings kept.

use std::borrow::Cow;
use std::cell::Cell;

use ego_tree::NodeId;
use ego_tree::iter::Children;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName, driver};
use scraper::{ElementRef, Html, HtmlTreeSink, Node};

use super::Block;
use super::text::squash;
use crate::error::{Error, Result};

/// Deeper nesting is refused (browsers stop nesting at this depth too): the parser checks
/// scopes by walking its stack of open elements, so each tag costs its depth and a deeply
/// nested file costs the square of its depth.
const MAX_DEPTH: usize = 512;
/// The parser is fed this much at a time, and stopped between slices once too deep.
const SLICE_BYTES: usize = 16 * 1024;

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

pub fn extract(source: &str) -> Result<Vec<Block>> {
    let document = parse(source)?;
    let mut walker = Walker {
        blocks: Vec::new(),
        text: String::new(),
    };
    walker.walk(document.root_element());
    walker.flush();
    Ok(walker.blocks)
}

/// `Html::parse_document`, refusing a document nested deeper than `MAX_DEPTH`.
fn parse(source: &str) -> Result<Html> {
    let too_deep = || {
        Error::invalid(
            "file",
            format!("the HTML nests elements more than {MAX_DEPTH} deep; refused"),
        )
    };
    let sink = Bounded {
        sink: HtmlTreeSink::new(Html::new_document()),
        too_deep: Cell::new(false),
    };
    let mut parser = driver::parse_document(sink, driver::ParseOpts::default());
    let mut rest = source;
    while !rest.is_empty() {
        let (slice, tail) = rest.split_at(rest.ceil_char_boundary(SLICE_BYTES));
        parser.process(StrTendril::from_slice(slice));
        if parser.tokenizer.sink.sink.too_deep.get() {
            return Err(too_deep());
        }
        rest = tail;
    }
    parser.finish().ok_or_else(too_deep)
}

struct Walker {
    blocks: Vec<Block>,
    text: String,
}

/// An element being walked: its children not yet visited, and what closing it does.
struct Open<'a> {
    name: &'a str,
    is_block: bool,
    children: Children<'a, Node>,
}

impl Walker {
    /// Depth-first over the tree with a stack on the heap: an upload can nest elements
    /// arbitrarily deep, and recursion that deep overflows the thread's stack, which aborts.
    fn walk<'a>(&mut self, root: ElementRef<'a>) {
        let mut stack: Vec<Open<'a>> = self.enter(root).into_iter().collect();
        while let Some(top) = stack.last_mut() {
            let Some(child) = top.children.next() else {
                if let Some(open) = stack.pop() {
                    self.leave(&open);
                }
                continue;
            };
            match child.value() {
                Node::Text(text) => self.text.push_str(text),
                Node::Element(_) => {
                    if let Some(open) = ElementRef::wrap(child).and_then(|c| self.enter(c)) {
                        stack.push(open);
                    }
                }
                _ => {}
            }
        }
    }

    /// Starts an element; `None` when its content is skipped or already taken (a heading).
    fn enter<'a>(&mut self, element: ElementRef<'a>) -> Option<Open<'a>> {
        let name = element.value().name();
        if SKIPPED.contains(&name) {
            return None;
        }
        if let Some(level) = heading_level(name) {
            self.flush();
            let text = squash(&element.text().collect::<String>());
            if !text.is_empty() {
                self.blocks.push(Block::Heading { level, text });
            }
            return None;
        }
        let is_block = BLOCKS.contains(&name);
        if is_block {
            self.flush();
        }
        Some(Open {
            name,
            is_block,
            children: element.children(),
        })
    }

    fn leave(&mut self, open: &Open<'_>) {
        if matches!(open.name, "td" | "th") {
            self.text.push_str(" | ");
        } else if open.is_block {
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

/// scraper's tree sink, noting when an element lands deeper than `MAX_DEPTH`.
struct Bounded {
    sink: HtmlTreeSink,
    too_deep: Cell<bool>,
}

impl Bounded {
    /// Checks a node just inserted; walking its ancestors costs no more than the parser's
    /// own scope check for it, since parsing stops soon after the limit.
    fn check(&self, node: Option<NodeId>) {
        let Some(node) = node else { return };
        let depth = self
            .sink
            .0
            .borrow()
            .tree
            .get(node)
            .map_or(0, |n| n.ancestors().count());
        if depth > MAX_DEPTH {
            self.too_deep.set(true);
        }
    }
}

impl TreeSink for Bounded {
    type Output = Option<Html>;
    type Handle = NodeId;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Option<Html> {
        (!self.too_deep.get()).then(|| self.sink.finish())
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.sink.parse_error(msg);
    }

    fn get_document(&self) -> NodeId {
        self.sink.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Self::ElemName<'a> {
        self.sink.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.sink.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.sink.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.sink.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        let placed = placed(&child);
        self.sink.append(parent, child);
        self.check(placed);
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let placed = placed(&child);
        self.sink
            .append_based_on_parent_node(element, prev_element, child);
        self.check(placed);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.sink
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &NodeId) {
        self.sink.mark_script_already_started(node);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.sink.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.sink.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.sink.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        let placed = placed(&new_node);
        self.sink.append_before_sibling(sibling, new_node);
        self.check(placed);
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.sink.add_attrs_if_missing(target, attrs);
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.sink.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.sink.reparent_children(node, new_parent);
    }
}

/// The node an insertion places (text adds no depth).
fn placed(child: &NodeOrText<NodeId>) -> Option<NodeId> {
    match child {
        NodeOrText::AppendNode(node) => Some(*node),
        NodeOrText::AppendText(_) => None,
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
        let blocks = extract(html).unwrap();
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

    fn nested(depth: usize) -> String {
        format!(
            "<body>{}<h2>Deep</h2><p>Text</p>{}<p>After</p>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        )
    }

    #[test]
    fn nesting_as_deep_as_browsers_go_is_read() {
        assert_eq!(
            extract(&nested(MAX_DEPTH - 4)).unwrap(),
            vec![
                Block::Heading {
                    level: 2,
                    text: "Deep".into()
                },
                Block::Paragraph("Text".into()),
                Block::Paragraph("After".into()),
            ]
        );
    }

    #[test]
    fn deeper_nesting_is_refused_before_it_costs_minutes() {
        for depth in [MAX_DEPTH, 20_000, 100_000] {
            let refused = extract(&nested(depth)).unwrap_err().to_string();
            assert!(refused.contains("more than 512 deep"), "{depth}: {refused}");
        }
        // Unclosed, and in one slice of input.
        let refused = extract(&"<div>".repeat(MAX_DEPTH + 10)).unwrap_err();
        assert!(refused.to_string().contains("deep"), "{refused}");
    }
}
