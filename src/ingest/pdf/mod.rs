//! PDF: the text layer, through lopdf (parsing) and pdf-extract (text). Scanned pages have
//! no text layer; OCR is out of scope and said so.

mod bounds;
mod fonts;
mod headings;
mod inflate;
mod quotes;
mod text;

use super::Block;
use crate::error::{Error, Result};
use fonts::give_core_fonts_their_measures;
use text::{text_of, threads};

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

#[cfg(test)]
mod tests {
    use lopdf::content::{Content, Operation};
    use lopdf::{Stream, dictionary};

    use lopdf::{Document, Object};

    use super::fonts::{show_every_code, to_unicode};
    use super::text::page_text;
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
