//! Text out of uploaded files: the format is told by the content's magic bytes and the
//! file name (never by the Content-Type alone), then a format's extractor turns the bytes
//! into headings and paragraphs, which `chunk` cuts into retrievable pieces.
//!
//! Extractors run on hostile input: a panic inside one is caught and reported as a bad file.

pub mod child;
pub mod chunk;
mod docx;
mod html;
mod markdown;
mod pdf;
pub mod text;

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Error, Result};

pub use crate::model::Format;

/// A piece of a document's structure.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Block {
    Heading { level: u8, text: String },
    Paragraph(String),
}

#[derive(Debug)]
pub struct Extracted {
    pub format: Format,
    pub blocks: Vec<Block>,
}

impl Extracted {
    /// The document's text: headings and paragraphs separated by blank lines.
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { text, .. } | Block::Paragraph(text) => text.as_str(),
            })
            .collect();
        parts.join("\n\n")
    }

    /// The first heading, a fallback title.
    pub fn first_heading(&self) -> Option<&str> {
        self.blocks.iter().find_map(|b| match b {
            Block::Heading { text, .. } => Some(text.as_str()),
            Block::Paragraph(_) => None,
        })
    }
}

/// Extracts a file's text; `name` is the uploaded file name, if any.
pub fn extract_file(bytes: &[u8], name: Option<&str>) -> Result<Extracted> {
    let format = detect(bytes, name)?;
    let blocks = guarded(format, || match format {
        Format::Pdf => pdf::extract(bytes),
        Format::Docx => docx::extract(bytes),
        Format::Html => text::decode(bytes).and_then(|t| html::extract(&t)),
        Format::Markdown => text::decode(bytes).map(|t| markdown::extract(&t)),
        Format::Text | Format::Json => text::decode(bytes).map(|t| text::blocks(&t)),
    })?;
    non_empty(Extracted { format, blocks })
}

/// Extracts text sent as JSON `content`: Markdown structure is honoured when present.
pub fn extract_content(content: &str) -> Result<Extracted> {
    let blocks = guarded(Format::Json, || Ok(markdown::extract(content)))?;
    non_empty(Extracted {
        format: Format::Json,
        blocks,
    })
}

fn non_empty(extracted: Extracted) -> Result<Extracted> {
    if extracted.blocks.is_empty() {
        return Err(Error::invalid(
            "file",
            "the document is empty: it has no text",
        ));
    }
    Ok(extracted)
}

/// Runs an extractor, turning a panic on malformed input into a 400.
fn guarded(format: Format, extract: impl FnOnce() -> Result<Vec<Block>>) -> Result<Vec<Block>> {
    catch_unwind(AssertUnwindSafe(extract)).unwrap_or_else(|_| {
        Err(Error::invalid(
            "file",
            format!(
                "the {} file is malformed and could not be read",
                format.as_str()
            ),
        ))
    })
}

/// The format from magic bytes first, then the file name's extension, then the content.
pub fn detect(bytes: &[u8], name: Option<&str>) -> Result<Format> {
    let extension = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return if docx::is_docx(bytes) {
            Ok(Format::Docx)
        } else {
            Err(Error::Unsupported("a ZIP archive that is not a DOCX document (supported: PDF, DOCX, HTML, Markdown, plain text)".into()))
        };
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(Error::Unsupported(format!(
            "{kind} files are not supported (supported: PDF, DOCX, HTML, Markdown, plain text)"
        )));
    }
    match extension.as_str() {
        "pdf" | "docx" => Err(Error::invalid(
            "file",
            format!("the file is named .{extension} but is not a valid {extension} file"),
        )),
        "html" | "htm" | "xhtml" => Ok(Format::Html),
        "md" | "markdown" => Ok(Format::Markdown),
        "txt" | "text" | "csv" | "" => Ok(sniff_text(bytes)),
        other if looks_like_text(bytes) => Ok(sniff_text(bytes))
            .inspect(|_| tracing::debug!(extension = other, "treating upload as text")),
        other => Err(Error::Unsupported(format!(
            ".{other} files are not supported (supported: PDF, DOCX, HTML, Markdown, plain text)"
        ))),
    }
}

/// Common binary formats, named so the refusal says what was sent.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"RIFF", "RIFF media"),
        (b"\x1F\x8B", "gzip"),
        (b"\xD0\xCF\x11\xE0", "legacy Office (.doc/.xls)"),
        (b"\x7FELF", "executable"),
        (b"Rar!", "RAR archive"),
        (b"7z\xBC\xAF", "7-Zip archive"),
    ];
    MAGIC
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| *kind)
}

fn looks_like_text(bytes: &[u8]) -> bool {
    !bytes.iter().take(8192).any(|&b| b == 0) || text::has_utf16_bom(bytes)
}

fn sniff_text(bytes: &[u8]) -> Format {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)])
        .trim_start()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        Format::Html
    } else {
        Format::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_comes_from_content_before_name() {
        assert_eq!(
            detect(b"%PDF-1.7 ...", Some("notes.txt")).unwrap(),
            Format::Pdf
        );
        assert_eq!(
            detect(b"<!DOCTYPE html><p>x", Some("page")).unwrap(),
            Format::Html
        );
        assert_eq!(
            detect(b"# Title", Some("readme.md")).unwrap(),
            Format::Markdown
        );
        assert_eq!(detect(b"hello", None).unwrap(), Format::Text);
        assert!(matches!(
            detect(b"\x89PNG\r\n", Some("a.txt")),
            Err(Error::Unsupported(_))
        ));
        assert!(matches!(
            detect(b"\x00\x01binary", Some("a.bin")),
            Err(Error::Unsupported(_))
        ));
        assert!(matches!(
            detect(b"plain words", Some("a.pdf")),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn an_empty_document_is_refused() {
        assert!(extract_file(b"   \n\n ", Some("a.txt")).is_err());
        assert!(extract_content("").is_err());
    }
}

#[cfg(test)]
mod fixture_tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        // `cargo test` runs in the package root.
        std::fs::read(format!("tests/fixtures/{name}")).unwrap()
    }

    fn text_of(name: &str) -> Result<String> {
        extract_file(&fixture(name), Some(name)).map(|e| e.text())
    }

    #[test]
    fn real_files_yield_their_sentences() {
        let pdf = text_of("handbook.pdf").unwrap();
        assert!(
            pdf.contains("The Growth plan costs $199 per month."),
            "{pdf}"
        );
        assert!(
            pdf.contains("All data is encrypted at rest with AES-256."),
            "{pdf}"
        );
        let docx = text_of("onboarding.docx").unwrap();
        assert!(
            docx.contains("Every new customer gets a dedicated onboarding specialist."),
            "{docx}"
        );
        assert!(docx.contains("Weekdays | 9am-6pm CET"), "{docx}");
        let html = text_of("product.html").unwrap();
        assert!(
            html.contains("The Picker 3000 lifts up to 25 kilograms."),
            "{html}"
        );
        for hidden in ["TRACKING_SECRET_TOKEN", "NAV_ONLY_LINK", "STYLE_ONLY_CLASS"] {
            assert!(!html.contains(hidden), "{hidden} leaked: {html}");
        }
        assert!(
            text_of("latin1.txt")
                .unwrap()
                .starts_with("Café crème à Zürich")
        );
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        let reason = |name: &str| text_of(name).unwrap_err().to_string();
        assert!(
            reason("scanned.pdf").contains("no extractable text"),
            "{}",
            reason("scanned.pdf")
        );
        assert!(
            reason("encrypted.pdf").contains("encrypted"),
            "{}",
            reason("encrypted.pdf")
        );
        assert!(
            reason("truncated.pdf").contains("truncated"),
            "{}",
            reason("truncated.pdf")
        );
        assert!(
            reason("corrupt.pdf").contains("corrupt"),
            "{}",
            reason("corrupt.pdf")
        );
        assert!(
            reason("zipbomb.docx").contains("zip bomb"),
            "{}",
            reason("zipbomb.docx")
        );
        assert!(
            reason("empty.txt").contains("empty"),
            "{}",
            reason("empty.txt")
        );
        assert!(
            reason("whitespace.txt").contains("empty"),
            "{}",
            reason("whitespace.txt")
        );
        assert!(matches!(text_of("image.png"), Err(Error::Unsupported(_))));
        // Found by the fuzzer: pdf-extract looked for the media box up the page's `Parent`
        // chain forever.
        assert!(
            reason("parent-loop.pdf").contains("its own ancestor"),
            "{}",
            reason("parent-loop.pdf")
        );
    }

    #[test]
    fn faq_files_chunk_per_question() {
        let md = extract_file(&fixture("faq.md"), Some("faq.md")).unwrap();
        let chunks = chunk::chunk(&md.blocks, false);
        let questions = String::from_utf8(fixture("faq.md"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("## "))
            .count();
        assert!(questions >= 30);
        assert_eq!(
            chunks.iter().filter(|c| c.answer.is_some()).count(),
            questions
        );
        let txt = extract_file(&fixture("faq.txt"), Some("faq.txt")).unwrap();
        assert!(
            chunk::chunk(&txt.blocks, false)
                .iter()
                .filter(|c| c.answer.is_some())
                .count()
                >= 5
        );
    }
}
