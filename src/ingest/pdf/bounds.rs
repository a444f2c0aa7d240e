//! Bounds on the work a PDF can ask of pdf-extract, checked before it reads the pages.
//! pdf-extract follows a page's `Parent` chain and draws forms inside forms (`Do`) with no
//! limit of its own: a page that is its own ancestor loops forever, a form that draws
//! itself recurses until the stack overflows (which aborts the whole server, past any
//! `catch_unwind`), and a few forms each drawing the next one ten times, or many pages
//! sharing one long content stream, turn a small file into hours of reading. The walk
//! here resolves names exactly as pdf-extract does, so what it counts is what pdf-extract
//! would read.

use std::collections::{HashMap, HashSet};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::error::{Error, Result};

/// Page tree levels above a page, at most (lopdf reads the tree down to the same depth).
const MAX_ANCESTORS: usize = 256;
/// Forms drawn inside forms, at most. Real documents nest a handful.
const MAX_FORM_DEPTH: usize = 32;
/// Bytes of drawing instructions pdf-extract may be asked to read in all, counting a form
/// or a shared content stream again each time it is drawn: a few seconds of reading, and
/// several times what the largest text PDF we accept (25 MiB) holds.
const MAX_DRAWN_BYTES: u64 = 256 << 20;

/// Refuses `document` if reading its text would not end, or would read more than
/// [`MAX_DRAWN_BYTES`] of drawing instructions.
pub fn check(document: &Document) -> Result<()> {
    let mut drawing = Drawing::new(document);
    for page in document.page_iter() {
        let Ok(dict) = document.get_dictionary(page) else {
            continue; // pdf-extract refuses it (a caught panic, a 400)
        };
        ancestry_ends(document, page, dict)?;
        drawing.page(page, dict)?;
    }
    Ok(())
}

fn corrupt(problem: &str) -> Error {
    Error::invalid("file", format!("the PDF is corrupt ({problem})"))
}

/// The chain of `Parent`s above a page ends, within [`MAX_ANCESTORS`].
fn ancestry_ends(document: &Document, page: ObjectId, dict: &Dictionary) -> Result<()> {
    let mut seen = HashSet::from([page]);
    let mut node = dict;
    while let Ok(parent) = node.get(b"Parent").and_then(Object::as_reference) {
        if !seen.insert(parent) {
            return Err(corrupt("a page is its own ancestor in the page tree"));
        }
        if seen.len() > MAX_ANCESTORS {
            return Err(corrupt("the page tree is nested too deep"));
        }
        let Ok(next) = document.get_dictionary(parent) else {
            break;
        };
        node = next;
    }
    Ok(())
}

/// A content stream as pdf-extract reads it: its length and the names of the forms it
/// draws.
struct Drawn {
    bytes: u64,
    forms: Vec<Vec<u8>>,
}

impl Drawn {
    fn decode(content: &[u8]) -> Self {
        // pdf-extract refuses content it cannot decode (a caught panic), so that draws nothing.
        let operations = Content::decode(content).map_or_else(|_| Vec::new(), |c| c.operations);
        let forms = operations
            .into_iter()
            .filter(|op| op.operator == "Do")
            .filter_map(|op| op.operands.first()?.as_name().ok().map(<[u8]>::to_vec))
            .collect();
        Self {
            bytes: content.len() as u64,
            forms,
        }
    }
}

/// Streams and resource dictionaries are told apart by address: all are borrowed from
/// the one document for the whole walk.
type FormKey = (*const Stream, *const Dictionary);

struct Drawing<'a> {
    document: &'a Document,
    /// Page content streams (by the list a page names) and forms, decoded once each.
    pages: HashMap<Vec<ObjectId>, Drawn>,
    forms: HashMap<*const Stream, Drawn>,
    /// Page contents seen once without being decoded (no forms to look for).
    glanced: HashSet<Vec<ObjectId>>,
    /// What drawing a form with given resources costs in all, forms inside it included.
    form_costs: HashMap<FormKey, u64>,
    /// The forms being drawn, outermost first.
    nesting: Vec<FormKey>,
    total: u64,
}

impl<'a> Drawing<'a> {
    fn new(document: &'a Document) -> Self {
        Self {
            document,
            pages: HashMap::new(),
            forms: HashMap::new(),
            glanced: HashSet::new(),
            form_costs: HashMap::new(),
            nesting: Vec::new(),
            total: 0,
        }
    }

    fn page(&mut self, page: ObjectId, dict: &'a Dictionary) -> Result<()> {
        let resources = self.inherited_resources(dict);
        let xobjects = resources.and_then(|r| self.xobjects(r));
        let streams = self.document.get_page_contents(page);
        // A page with content of its own and no forms to draw costs what that content
        // holds, which the file bounds; decoding it here would add to every ordinary upload.
        // Content drawn again (shared by pages) or drawing forms is decoded and counted.
        if xobjects.is_none()
            && !self.pages.contains_key(&streams)
            && self.glanced.insert(streams.clone())
        {
            return Ok(());
        }
        let document = self.document;
        let drawn = self
            .pages
            .entry(streams)
            .or_insert_with(|| Drawn::decode(&document.get_page_content(page).unwrap_or_default()));
        let (mut cost, forms) = (drawn.bytes, drawn.forms.clone());
        if let Some(resources) = resources.filter(|_| xobjects.is_some()) {
            for name in forms {
                cost = cost.saturating_add(self.form(resources, &name)?);
            }
        }
        self.charge(cost)
    }

    /// pdf-extract's `get_inherited(.., b"Resources")`; the ancestry was checked first.
    fn inherited_resources(&self, mut node: &'a Dictionary) -> Option<&'a Dictionary> {
        loop {
            if let Some(found) = self.dict_at(node, b"Resources") {
                return Some(found);
            }
            let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
            node = self.document.get_dictionary(parent).ok()?;
        }
    }

    fn dict_at(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        self.deref(dict.get(key).ok()?)?.as_dict().ok()
    }

    fn deref(&self, object: &'a Object) -> Option<&'a Object> {
        match object {
            Object::Reference(id) => self.document.get_object(*id).ok(),
            _ => Some(object),
        }
    }

    fn xobjects(&self, resources: &'a Dictionary) -> Option<&'a Dictionary> {
        self.dict_at(resources, b"XObject")
            .filter(|xobjects| !xobjects.is_empty())
    }

    /// What drawing the form `name` costs with `resources` (the drawing stream's), as
    /// pdf-extract resolves it; a name it cannot resolve costs nothing (it refuses the file).
    fn form(&mut self, resources: &'a Dictionary, name: &[u8]) -> Result<u64> {
        let Some(stream) = self
            .xobjects(resources)
            .and_then(|xobjects| self.deref(xobjects.get(name).ok()?))
            .and_then(|object| object.as_stream().ok())
        else {
            return Ok(0);
        };
        let resources = self
            .dict_at(&stream.dict, b"Resources")
            .unwrap_or(resources);
        let key: FormKey = (stream, resources);
        if let Some(cost) = self.form_costs.get(&key) {
            return Ok(*cost);
        }
        // The same form with other resources may resolve its names to other forms.
        if self.nesting.contains(&key) {
            return Err(corrupt("a form draws itself"));
        }
        if self.nesting.len() >= MAX_FORM_DEPTH {
            return Err(Error::invalid(
                "file",
                format!("the PDF nests forms more than {MAX_FORM_DEPTH} deep; refused"),
            ));
        }
        let drawn = self
            .forms
            .entry(key.0)
            .or_insert_with(|| Drawn::decode(&content_of(stream)));
        let (mut cost, forms) = (drawn.bytes, drawn.forms.clone());
        self.nesting.push(key);
        for inner in forms {
            cost = cost.saturating_add(self.form(resources, &inner)?);
            if cost > MAX_DRAWN_BYTES {
                break;
            }
        }
        self.nesting.pop();
        self.form_costs.insert(key, cost);
        Ok(cost)
    }

    fn charge(&mut self, cost: u64) -> Result<()> {
        self.total = self.total.saturating_add(cost);
        if self.total > MAX_DRAWN_BYTES {
            return Err(Error::invalid(
                "file",
                format!(
                    "the PDF's pages draw more than {} MiB of instructions \
                     (forms drawn inside forms, or pages sharing content); refused",
                    MAX_DRAWN_BYTES >> 20
                ),
            ));
        }
        Ok(())
    }
}

/// pdf-extract's `get_contents`: decompressed if it can be, else as stored.
fn content_of(stream: &Stream) -> Vec<u8> {
    if stream.filters().is_ok() {
        stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone())
    } else {
        stream.content.clone()
    }
}

#[cfg(test)]
mod tests {
    use lopdf::dictionary;

    use super::*;

    /// A one-page PDF whose page draws `page_forms`; `forms[i]` is form `Fi`'s content.
    /// Every form sees every other by name (they share the page's resources).
    fn with_forms(page_forms: &str, forms: &[&str]) -> Document {
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let mut xobjects = Dictionary::new();
        for (i, content) in forms.iter().enumerate() {
            let form = doc.add_object(Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Form" },
                content.as_bytes().to_vec(),
            ));
            xobjects.set(format!("F{i}"), form);
        }
        let resources = dictionary! {
            "Font" => dictionary! { "F1" => font },
            "XObject" => xobjects,
        };
        super::super::tests::with_one_page(doc, page_forms.as_bytes().to_vec(), resources)
    }

    fn refusal(document: &Document) -> String {
        check(document).unwrap_err().to_string()
    }

    const TEXT: &str = "BT /F1 12 Tf 72 720 Td (Drawn inside a form.) Tj ET";

    #[test]
    fn forms_drawn_within_bounds_are_read() {
        let doc = with_forms("/F0 Do /F0 Do /F1 Do", &[TEXT, "/F0 Do /F0 Do"]);
        check(&doc).unwrap();
        let text = super::super::text::page_text(&doc).unwrap().text;
        assert_eq!(text.matches("Drawn inside a form.").count(), 4, "{text:?}");
    }

    #[test]
    fn a_form_that_draws_itself_is_refused() {
        // Without the check pdf-extract recurses until the stack overflows.
        let doc = with_forms("/F0 Do", &["/F0 Do"]);
        assert!(refusal(&doc).contains("a form draws itself"));
        let doc = with_forms("/F0 Do", &["/F1 Do", TEXT, "/F0 Do"]);
        check(&doc).unwrap();
        let doc = with_forms("/F0 Do", &["/F1 Do", "/F2 Do", "/F0 Do"]);
        assert!(refusal(&doc).contains("a form draws itself"));
    }

    #[test]
    fn forms_nested_too_deep_are_refused() {
        let chain = |depth: usize| {
            let forms: Vec<String> = (1..=depth).map(|i| format!("/F{i} Do")).collect();
            let mut forms: Vec<&str> = forms.iter().map(String::as_str).collect();
            forms.push(TEXT);
            check(&with_forms("/F0 Do", &forms))
        };
        assert!(chain(MAX_FORM_DEPTH - 1).is_ok());
        let deep = chain(MAX_FORM_DEPTH + 1).unwrap_err().to_string();
        assert!(deep.contains("nests forms more than 32 deep"), "{deep}");
    }

    #[test]
    fn forms_multiplying_each_other_are_refused() {
        // Ten forms each drawing the next ten times: 10^10 draws of a few bytes from a file
        // of a few hundred bytes.
        let forms: Vec<String> = (1..=10)
            .map(|next| format!("/F{next} Do ").repeat(10))
            .chain([TEXT.to_owned()])
            .collect();
        let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
        let reason = refusal(&with_forms("/F0 Do", &forms));
        assert!(
            reason.contains("more than 256 MiB of instructions"),
            "{reason}"
        );
        // The same forms drawn once each are fine.
        let once: Vec<String> = (1..=10).map(|next| format!("/F{next} Do")).collect();
        let mut once: Vec<&str> = once.iter().map(String::as_str).collect();
        once.push(TEXT);
        check(&with_forms("/F0 Do", &once)).unwrap();
    }

    #[test]
    fn pages_sharing_one_long_content_stream_are_refused() {
        let mut doc = with_forms("", &[]);
        let long = format!("{TEXT}\n").repeat((1 << 20) / TEXT.len());
        let contents = doc.add_object(Stream::new(dictionary! {}, long.into_bytes()));
        let pages = doc
            .catalog()
            .unwrap()
            .get(b"Pages")
            .unwrap()
            .as_reference()
            .unwrap();
        let page = |doc: &mut Document| {
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages, "Contents" => contents,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            })
        };
        let kids: Vec<Object> = (0..300).map(|_| page(&mut doc).into()).collect();
        let tree = doc.get_dictionary_mut(pages).unwrap();
        tree.set("Kids", kids);
        tree.set("Count", 300);
        let reason = refusal(&doc);
        assert!(reason.contains("pages sharing content"), "{reason}");
        let first = doc.page_iter().next().unwrap();
        let tree = doc.get_dictionary_mut(pages).unwrap();
        tree.set("Kids", vec![Object::Reference(first)]);
        tree.set("Count", 1);
        check(&doc).unwrap();
    }

    #[test]
    fn a_page_that_is_its_own_ancestor_is_refused() {
        let mut doc = with_forms(TEXT, &[]);
        let page = doc.page_iter().next().unwrap();
        check(&doc).unwrap();
        let dict = doc.get_dictionary_mut(page).unwrap();
        dict.set("Parent", page);
        dict.remove(b"MediaBox");
        assert!(refusal(&doc).contains("its own ancestor in the page tree"));
    }

    #[test]
    fn only_do_operations_name_forms() {
        let drawn = Drawn::decode(b"q /F0 Do Q /Im1 Do (Do) Tj");
        assert_eq!(drawn.forms, [b"F0".to_vec(), b"Im1".to_vec()]);
    }
}
