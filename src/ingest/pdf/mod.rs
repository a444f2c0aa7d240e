//! PDF: the text layer, through lopdf (parsing) and pdf-extract (text). Scanned pages have
//! no text layer; OCR is out of scope and said so.

mod bounds;
mod headings;
mod inflate;
mod quotes;

use lopdf::{Document, Object, ObjectId, dictionary};

use self::headings::Lines;
use super::Block;
use crate::error::{Error, Result};

pub fn extract(bytes: &[u8]) -> Result<Vec<Block>> {
    // A PDF ends with `%%EOF`; without it the file was cut short, and a lenient parser would
    // silently index whatever pages happened to arrive.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(Error::invalid(
            "file",
            "the PDF is corrupt or truncated (no end-of-file marker)",
        ));
    }
    let options = lopdf::LoadOptions::with_filter(inflate::bound_object_streams);
    let mut document = lopdf::Document::load_mem_with_options(bytes, options)
        .map_err(|e| Error::invalid("file", format!("the PDF is corrupt or truncated ({e})")))?;
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err(Error::invalid(
            "file",
            "the PDF is encrypted (password protected); remove the password and upload it again",
        ));
    }
    inflate::check(&document)?;
    bounds::check(&document)?;
    quotes::spell_out(&mut document);
    give_core_fonts_their_measures(&mut document);
    let blocks = text_of(&document, threads(&document))?.blocks();
    if blocks.is_empty() {
        return Err(Error::invalid(
            "file",
            "no extractable text — scanned PDF? OCR is not supported",
        ));
    }
    Ok(blocks)
}

/// The 14 standard fonts a PDF may use without embedding them or listing their widths.
const CORE_FONTS: [&str; 14] = [
    "Courier",
    "Courier-Bold",
    "Courier-BoldOblique",
    "Courier-Oblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-BoldOblique",
    "Helvetica-Oblique",
    "Symbol",
    "Times-Bold",
    "Times-BoldItalic",
    "Times-Italic",
    "Times-Roman",
    "ZapfDingbats",
];

/// pdf-extract builds every font again on every page, and a standard font without
/// `Widths` cost it 600 glyph-name searches and 80,000 comparisons each time, and a sort
/// for every character it had no width for: a third of a text-dense PDF's extraction. It
/// also decodes every character without a `ToUnicode` entry through the font's encoding,
/// with four allocations and a UTF-16 decoder each (a quarter of what remained). So the
/// widths and characters it would produce are measured once per font here, by pdf-extract
/// itself on a page showing all 256 codes in that font, and written into the font as
/// `Widths` and, for a font without one, a `ToUnicode` map, which it then reads directly.
/// The text it extracts is the same; a font it cannot measure is left as it was.
fn give_core_fonts_their_measures(document: &mut Document) {
    let fonts: Vec<ObjectId> = document
        .objects
        .iter()
        .filter(|(_, object)| object.as_dict().is_ok_and(needs_widths))
        .map(|(id, _)| *id)
        .collect();
    if fonts.is_empty() {
        return;
    }
    let Some(measures) = measure_fonts(document, &fonts) else {
        return;
    };
    for (font, measured) in fonts.iter().zip(measures) {
        let has_map = document
            .get_dictionary(*font)
            .is_ok_and(|dict| dict.has(b"ToUnicode"));
        let to_unicode = to_unicode(&measured).filter(|_| !has_map).map(|cmap| {
            document.add_object(lopdf::Stream::new(
                lopdf::Dictionary::new(),
                cmap.into_bytes(),
            ))
        });
        if let Ok(Object::Dictionary(dict)) = document.get_object_mut(*font) {
            dict.set("FirstChar", 0);
            dict.set("LastChar", 255);
            let widths = measured.iter().map(|(width, _)| Object::Real(*width));
            dict.set("Widths", widths.collect::<Vec<_>>());
            if let Some(cmap) = to_unicode {
                dict.set("ToUnicode", cmap);
            }
        }
    }
}

/// A CMap mapping the codes in runs of at least `RUN` consecutive characters (ASCII and
/// Latin-1, in the usual encodings) to the characters measured for them, or `None` if there
/// are none. pdf-extract parses it again on every page, slowly, so it holds only these few
/// ranges; the other codes still go through the font's encoding.
fn to_unicode(measured: &[(f32, String)]) -> Option<String> {
    const RUN: usize = 8;
    let unit = |code: usize| match measured[code].1.encode_utf16().collect::<Vec<_>>()[..] {
        [unit] if !(0xd800..=0xdfff).contains(&unit) => Some(unit),
        _ => None,
    };
    let mut ranges = Vec::new();
    let mut start = 0;
    for code in 1..=measured.len() {
        let follows = code < measured.len()
            && matches!((unit(code - 1), unit(code)), (Some(a), Some(b)) if b == a.wrapping_add(1));
        if !follows {
            if let Some(first) = unit(start).filter(|_| code - start >= RUN) {
                ranges.push(format!("<{start:02X}> <{:02X}> <{first:04X}>", code - 1));
            }
            start = code;
        }
    }
    (!ranges.is_empty()).then(|| {
        format!(
            "{} beginbfrange {} endbfrange",
            ranges.len(),
            ranges.join(" ")
        )
    })
}

/// A simple font naming a standard font, with an encoding but without widths of its own.
/// (Without an encoding, pdf-extract takes the font's own from the same code it skips
/// once there are widths.)
fn needs_widths(dict: &lopdf::Dictionary) -> bool {
    let name = |key: &[u8]| dict.get(key).and_then(Object::as_name).ok();
    name(b"Type") == Some(b"Font".as_slice())
        && matches!(name(b"Subtype"), Some(b"Type1" | b"TrueType"))
        && name(b"BaseFont").is_some_and(|base| CORE_FONTS.iter().any(|c| c.as_bytes() == base))
        && dict.has(b"Encoding")
        && !dict.has(b"Widths")
}

/// What pdf-extract gives each code 0-255 of each font as its width (in 1/1000 em) and its
/// character, read from a page of its own (its page tree swapped in, then back). `None` if
/// it failed.
fn measure_fonts(document: &mut Document, fonts: &[ObjectId]) -> Option<Vec<Vec<(f32, String)>>> {
    use lopdf::content::Content;
    let mut resources = lopdf::Dictionary::new();
    let mut operations = Vec::new();
    for (i, font) in fonts.iter().enumerate() {
        let name = format!("W{i}");
        resources.set(name.as_bytes(), Object::Reference(*font));
        operations.extend(show_every_code(name.into_bytes()));
    }
    let content = Content { operations }.encode().ok()?;
    let pages = document.catalog().ok()?.get(b"Pages").ok()?.clone();
    let contents = document.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), content));
    let tree = document.new_object_id();
    let page = document.add_object(dictionary! {
        "Type" => "Page", "Parent" => tree, "Contents" => contents,
        "Resources" => dictionary! { "Font" => resources },
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    });
    document.objects.insert(
        tree,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    if let Ok(catalog) = document.catalog_mut() {
        catalog.set("Pages", tree);
    }
    let mut measures = Measures(Vec::with_capacity(256 * fonts.len()));
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pdf_extract::output_doc(document, &mut measures)
    }));
    if let Ok(catalog) = document.catalog_mut() {
        catalog.set("Pages", pages);
    }
    for id in [contents, page, tree] {
        document.objects.remove(&id);
    }
    match read {
        Ok(Ok(())) if measures.0.len() == 256 * fonts.len() => {
            Some(measures.0.chunks(256).map(<[_]>::to_vec).collect())
        }
        _ => None,
    }
}

/// Content operations showing the codes 0-255 in the page's font `name`.
fn show_every_code(name: Vec<u8>) -> [lopdf::content::Operation; 4] {
    use lopdf::content::Operation;
    let codes: Vec<u8> = (0..=255).collect();
    [
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec![Object::Name(name), 1.into()]),
        Operation::new(
            "Tj",
            vec![Object::String(codes, lopdf::StringFormat::Hexadecimal)],
        ),
        Operation::new("ET", vec![]),
    ]
}

/// Records the width and the character pdf-extract gives each code it shows.
struct Measures(Vec<(f32, String)>);

impl pdf_extract::OutputDev for Measures {
    fn begin_page(
        &mut self,
        _: u32,
        _: &pdf_extract::MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    #[allow(clippy::cast_possible_truncation)] // widths are in the hundreds
    fn output_character(
        &mut self,
        _: &pdf_extract::Transform,
        width: f64,
        _: f64,
        _: f64,
        character: &str,
    ) -> std::result::Result<(), pdf_extract::OutputError> {
        self.0.push(((width * 1000.0) as f32, character.to_owned()));
        Ok(())
    }

    fn begin_word(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

/// Threads reading one PDF at most. pdf-extract rebuilds every page's fonts and is the whole
/// cost of a large PDF upload, so the pages are shared out between cores.
const MAX_THREADS: usize = 4;
/// Fewer pages than this per thread are not worth a copy of the document.
const MIN_PAGES_PER_THREAD: usize = 16;

/// How many threads should read `document`: one per core, if there are pages enough.
fn threads(document: &Document) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores
        .min(MAX_THREADS)
        .min(document.page_iter().count() / MIN_PAGES_PER_THREAD)
        .max(1)
}

/// The text of every page, in page order, read by `threads` threads.
fn text_of(document: &Document, threads: usize) -> Result<Lines> {
    let pages: Vec<ObjectId> = document.page_iter().collect();
    if threads <= 1 || pages.len() < threads {
        return page_text(document);
    }
    let parts = pages
        .chunks(pages.len().div_ceil(threads))
        .map(|part| with_pages(document, part))
        .collect::<Result<Vec<_>>>()?;
    std::thread::scope(|scope| {
        let readers: Vec<_> = parts
            .iter()
            .map(|part| {
                scope.spawn(move || {
                    // They take every core for seconds, so requests go first.
                    crate::idle_priority::run_only_when_idle();
                    page_text(part)
                })
            })
            .collect();
        let mut text = Lines::default();
        for reader in readers {
            let part = reader.join().map_err(|_| {
                Error::invalid("file", "the pdf file is malformed and could not be read")
            })??;
            text.append(part);
            text.newline();
        }
        Ok(text)
    })
}

fn page_text(document: &Document) -> Result<Lines> {
    let mut text = PlainText::default();
    pdf_extract::output_doc(document, &mut text)
        .map_err(|e| Error::invalid("file", format!("the PDF's text could not be read ({e})")))?;
    Ok(text.text)
}

/// pdf-extract's `PlainTextOutput` (the same spaces and line breaks, by the same arithmetic)
/// without the formatting machinery it ran for every character, `write!(w, "{}", c)`: a
/// twentieth of a large upload's extraction. It also notes each line's font size, which
/// tells headings.
struct PlainText {
    text: Lines,
    /// The page's height, which turns PDF's upward y axis downward.
    flip: f64,
    last_end: f64,
    last_y: f64,
    first_char: bool,
}

impl Default for PlainText {
    fn default() -> Self {
        Self {
            text: Lines::default(),
            flip: 0.0,
            last_end: 100_000.0,
            last_y: 0.0,
            first_char: false,
        }
    }
}

type OutputResult = std::result::Result<(), pdf_extract::OutputError>;

impl pdf_extract::OutputDev for PlainText {
    fn begin_page(
        &mut self,
        _: u32,
        media_box: &pdf_extract::MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> OutputResult {
        self.flip = media_box.ury - media_box.lly;
        Ok(())
    }

    fn end_page(&mut self) -> OutputResult {
        Ok(())
    }

    // The position is `trm` followed by the page's flip, and the font size `trm` applied to
    // (size, size), each term written as pdf-extract's matrix product computes it, so the
    // floating-point results are the same.
    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _: f64,
        font_size: f64,
        character: &str,
    ) -> OutputResult {
        let x = trm.m31 * 1.0 + trm.m32 * 0.0 + 0.0;
        let y = trm.m31 * 0.0 - trm.m32 + self.flip;
        let size_x = font_size * trm.m11 + font_size * trm.m21;
        let size_y = font_size * trm.m12 + font_size * trm.m22;
        let size = (size_x * size_y).sqrt();
        if self.first_char {
            if (y - self.last_y).abs() > size * 1.5 {
                self.text.newline();
            }
            // Moved left and down: a new line.
            if x < self.last_end && (y - self.last_y).abs() > size * 0.5 {
                self.text.newline();
            }
            if x > self.last_end + size * 0.1 {
                self.text.push(" ", size);
            }
        }
        self.text.push(character, size);
        self.first_char = false;
        self.last_y = y;
        self.last_end = x + width * size;
        Ok(())
    }

    fn begin_word(&mut self) -> OutputResult {
        self.first_char = true;
        Ok(())
    }

    fn end_word(&mut self) -> OutputResult {
        Ok(())
    }

    fn end_line(&mut self) -> OutputResult {
        Ok(())
    }
}

/// A copy of `document` whose page tree lists only `pages`. Their old parents stay in the
/// copy, so attributes a page inherits (resources, media box) are found as before.
fn with_pages(document: &Document, pages: &[ObjectId]) -> Result<Document> {
    let mut part = document.clone();
    let kids: Vec<Object> = pages.iter().map(|id| Object::Reference(*id)).collect();
    let count = i64::try_from(pages.len()).unwrap_or(i64::MAX);
    let tree = part.add_object(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count });
    part.catalog_mut()
        .map_err(|e| Error::invalid("file", format!("the PDF has no catalog ({e})")))?
        .set("Pages", tree);
    Ok(part)
}

#[cfg(test)]
mod tests {
    use lopdf::content::{Content, Operation};
    use lopdf::{Stream, dictionary};

    use super::*;

    /// A PDF of `pages` pages, each saying which page it is, under a nested page tree.
    fn numbered_pdf(pages: usize) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let root = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let mut branches = Vec::new();
        for branch in 0..pages.div_ceil(10) {
            let branch_id = doc.new_object_id();
            let mut kids = Vec::new();
            for page in branch * 10..pages.min(branch * 10 + 10) {
                let content = Content {
                    operations: vec![
                        Operation::new("BT", vec![]),
                        Operation::new("Tf", vec!["F1".into(), 12.into()]),
                        Operation::new("Td", vec![72.into(), 720.into()]),
                        Operation::new(
                            "Tj",
                            vec![Object::string_literal(format!("Page number {page} ends."))],
                        ),
                        Operation::new("ET", vec![]),
                    ],
                };
                let stream = Stream::new(dictionary! {}, content.encode().unwrap());
                let contents = doc.add_object(stream);
                kids.push(Object::Reference(doc.add_object(dictionary! {
                    "Type" => "Page", "Parent" => branch_id, "Contents" => contents,
                })));
            }
            doc.objects.insert(
                branch_id,
                Object::Dictionary(dictionary! {
                    "Type" => "Pages", "Parent" => root, "Count" => kids.len() as i64,
                    "Kids" => kids,
                }),
            );
            branches.push(Object::Reference(branch_id));
        }
        // Resources and media box live at the root: every page inherits them.
        doc.objects.insert(
            root,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => branches, "Count" => pages as i64,
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => root });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn standard_fonts_get_the_widths_pdf_extract_would_use() {
        let bytes = numbered_pdf(40);
        let with_encoding = || {
            let mut document = Document::load_mem(&bytes).unwrap();
            for object in document.objects.values_mut() {
                if let Object::Dictionary(dict) = object
                    && dict.has(b"BaseFont")
                {
                    dict.set("Encoding", "WinAnsiEncoding");
                }
            }
            document
        };
        let plain = with_encoding();
        let mut widened = with_encoding();
        give_core_fonts_their_measures(&mut widened);
        let font = widened
            .objects
            .values()
            .find_map(|o| o.as_dict().ok().filter(|d| d.has(b"BaseFont")))
            .unwrap();
        let widths = font.get(b"Widths").unwrap().as_array().unwrap();
        assert_eq!(widths.len(), 256);
        // Helvetica's widths, from its metrics: "A" 667, "i" 222, the space 278.
        for (code, width) in [(b'A', 667.0), (b'i', 222.0), (b' ', 278.0)] {
            assert_eq!(widths[usize::from(code)].as_float().unwrap(), width);
        }
        assert_eq!(
            widened.page_iter().count(),
            40,
            "the measuring page is gone"
        );
        assert_eq!(
            page_text(&widened).unwrap().text,
            page_text(&plain).unwrap().text
        );
    }

    /// One page showing every code 0-255 in Helvetica (WinAnsi) and Times (MacRoman).
    fn every_code_pdf() -> Document {
        let mut doc = Document::with_version("1.5");
        let font = |doc: &mut Document, base: &str, encoding: &str| {
            doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => base, "Encoding" => encoding,
            })
        };
        let helvetica = font(&mut doc, "Helvetica", "WinAnsiEncoding");
        let times = font(&mut doc, "Times-Roman", "MacRomanEncoding");
        let mut operations = Vec::new();
        for name in ["F1", "F2"] {
            operations.extend(show_every_code(name.as_bytes().to_vec()));
        }
        let content = Content { operations }.encode().unwrap();
        let resources = dictionary! {
            "Font" => dictionary! { "F1" => helvetica, "F2" => times },
        };
        with_one_page(doc, content, resources)
    }

    /// `doc` with one US Letter page drawing `content` with `resources`, as its only page.
    pub(super) fn with_one_page(
        mut doc: Document,
        content: Vec<u8>,
        resources: lopdf::Dictionary,
    ) -> Document {
        let contents = doc.add_object(Stream::new(dictionary! {}, content));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => contents, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        doc
    }

    #[test]
    fn every_code_reads_the_same_through_the_measured_character_map() {
        let plain = every_code_pdf();
        let mut widened = every_code_pdf();
        give_core_fonts_their_measures(&mut widened);
        let fonts: Vec<_> = widened
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok().filter(|d| d.has(b"BaseFont")))
            .collect();
        assert_eq!(fonts.len(), 2);
        assert!(
            fonts
                .iter()
                .all(|f| f.has(b"ToUnicode") && f.has(b"Widths"))
        );
        let text = page_text(&plain).unwrap().text;
        assert!(text.contains("ABC") && text.contains('\u{e9}'), "{text:?}");
        assert_eq!(page_text(&widened).unwrap().text, text);
    }

    #[test]
    fn the_character_map_holds_only_long_runs() {
        let measured: Vec<(f32, String)> = (0..=255u8)
            .map(|code| match code {
                0x20..=0x7e => (0.0, char::from(code).to_string()),
                0x80 => (0.0, "\u{20ac}".to_owned()),
                0xa0..=0xff => (0.0, char::from(code).to_string()),
                _ => (0.0, "\0".to_owned()),
            })
            .collect();
        assert_eq!(
            to_unicode(&measured).unwrap(),
            "2 beginbfrange <20> <7E> <0020> <A0> <FF> <00A0> endbfrange"
        );
        let nothing_long: Vec<(f32, String)> = (0..=255).map(|_| (0.0, "x".to_owned())).collect();
        assert_eq!(to_unicode(&nothing_long), None);
    }

    #[test]
    fn plain_text_is_what_pdf_extracts_own_output_gives() {
        let fixture = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/handbook.pdf"
        ))
        .unwrap();
        for document in [
            Document::load_mem(&fixture).unwrap(),
            Document::load_mem(&numbered_pdf(3)).unwrap(),
            every_code_pdf(),
        ] {
            let mut theirs = String::new();
            pdf_extract::output_doc(
                &document,
                &mut pdf_extract::PlainTextOutput::new(&mut theirs),
            )
            .unwrap();
            assert!(theirs.len() > 50, "{theirs:?}");
            assert_eq!(page_text(&document).unwrap().text, theirs);
        }
    }

    /// A one-page PDF drawing `content` with Helvetica as `F1`, saved.
    fn helvetica_page(content: &str) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let resources = dictionary! { "Font" => dictionary! { "F1" => font } };
        let mut doc = with_one_page(doc, content.as_bytes().to_vec(), resources);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn text_shown_with_the_quote_operators_is_read() {
        // Every line through `'` or `"`, as some writers do: pdf-extract alone read nothing.
        let bytes = helvetica_page(
            "BT /F1 12 Tf 14 TL 72 720 Td (Our support desk answers within one day.) ' \
             1 0 (Refunds are paid within 14 days.) \" (Don't worry: it's \"easy\".) ' ET",
        );
        let text = super::super::Extracted {
            format: super::super::Format::Pdf,
            blocks: extract(&bytes).unwrap(),
        }
        .text();
        for line in [
            "Our support desk answers within one day.",
            "Refunds are paid within 14 days.",
            "Don't worry: it's \"easy\".",
        ] {
            assert!(text.contains(line), "{line:?} missing from {text:?}");
        }
    }

    #[test]
    fn larger_lines_are_headings_that_split_chunks() {
        let body = "(The Growth plan costs 199 dollars per month and includes the API.) Tj T*";
        let bytes = helvetica_page(&format!(
            "BT /F1 20 Tf 72 740 Td (Pricing) Tj ET \
             BT /F1 11 Tf 14 TL 72 710 Td {body} {body} ET \
             BT /F1 20 Tf 72 640 Td (Security) Tj ET \
             BT /F1 11 Tf 14 TL 72 610 Td (All data is encrypted at rest with AES-256.) Tj ET"
        ));
        let blocks = extract(&bytes).unwrap();
        let headings: Vec<&Block> = blocks
            .iter()
            .filter(|b| matches!(b, Block::Heading { .. }))
            .collect();
        assert_eq!(
            headings,
            [
                &Block::Heading {
                    level: 1,
                    text: "Pricing".into()
                },
                &Block::Heading {
                    level: 1,
                    text: "Security".into()
                },
            ],
            "{blocks:?}"
        );
        let chunks = super::super::chunk::chunk(&blocks, false);
        let security = chunks.iter().find(|c| c.text.contains("AES-256")).unwrap();
        assert_eq!(security.heading, "Security");
        assert!(!security.text.contains("Growth plan"), "{chunks:?}");
    }

    #[test]
    fn pages_read_in_parallel_come_back_in_order() {
        let pages = 37;
        let document = Document::load_mem(&numbered_pdf(pages)).unwrap();
        let numbers = |text: String| -> Vec<usize> {
            text.split("Page number ")
                .skip(1)
                .map(|rest| rest.split(' ').next().unwrap().parse().unwrap())
                .collect()
        };
        for threads in [1, 3] {
            let read = numbers(text_of(&document, threads).unwrap().text);
            assert_eq!(read, (0..pages).collect::<Vec<_>>(), "{threads} threads");
        }
        assert!(!extract(&numbered_pdf(pages)).unwrap().is_empty());
    }
}
