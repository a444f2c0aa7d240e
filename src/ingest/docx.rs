//! DOCX: `word/document.xml` read from the ZIP with a bound on the decompressed size (zip
//! bombs), paragraphs styled as headings kept as headings, tables as one line per row.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use super::Block;
use super::text::squash;
use crate::error::{Error, Result};

const DOCUMENT: &str = "word/document.xml";
/// The most XML we will inflate: a 25 MiB upload of real prose stays far below this.
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

pub fn is_docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes))
        .is_ok_and(|archive| archive.index_for_name(DOCUMENT).is_some())
}

pub fn extract(bytes: &[u8]) -> Result<Vec<Block>> {
    let bad = |why: String| Error::invalid("file", format!("the DOCX is corrupt ({why})"));
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let entry = archive.by_name(DOCUMENT).map_err(|e| bad(e.to_string()))?;
    let too_big = || {
        Error::invalid(
            "file",
            "the DOCX inflates to more than 64 MiB of XML (zip bomb?); refused",
        )
    };
    if entry.size() > MAX_XML_BYTES {
        return Err(too_big());
    }
    // The declared size can lie: bound what is actually inflated too.
    let mut xml = Vec::new();
    entry
        .take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| bad(e.to_string()))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(too_big());
    }
    parse(&xml).map_err(|e| bad(e.to_string()))
}

/// Walks `w:p` paragraphs (`w:pStyle` HeadingN/Title makes a heading) and `w:tbl` tables.
fn parse(xml: &[u8]) -> std::result::Result<Vec<Block>, quick_xml::Error> {
    let mut reader = Reader::from_reader(xml);
    let mut blocks = Vec::new();
    let mut paragraph = String::new();
    let mut heading: Option<u8> = None;
    let mut row: Vec<String> = Vec::new();
    let mut table_depth = 0usize;
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Start(e) => match e.local_name().into_inner() {
                "t" => in_text = true,
                "tbl" => table_depth += 1,
                "p" => {
                    paragraph.clear();
                    heading = None;
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().into_inner() {
                "pStyle" => {
                    heading = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().into_inner() == "val")
                        .and_then(|a| style_level(&a.value));
                }
                "tab" => paragraph.push(' '),
                "br" => paragraph.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => paragraph.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                if let Some(c) = r.resolve_char_ref().ok().flatten() {
                    paragraph.push(c);
                } else {
                    paragraph.push_str(match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "p" => {
                    let text = squash(&paragraph);
                    if table_depth > 0 {
                        if !text.is_empty() {
                            row.push(text);
                        }
                    } else if !text.is_empty() {
                        blocks.push(match heading {
                            Some(level) => Block::Heading { level, text },
                            None => Block::Paragraph(text),
                        });
                    }
                    paragraph.clear();
                }
                "tr" => {
                    if !row.is_empty() {
                        blocks.push(Block::Paragraph(row.join(" | ")));
                    }
                    row.clear();
                }
                "tbl" => table_depth = table_depth.saturating_sub(1),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(blocks)
}

/// `Heading1`…`Heading9` and `Title` (Word's built-in style ids).
fn style_level(value: &str) -> Option<u8> {
    if value.eq_ignore_ascii_case("title") {
        return Some(1);
    }
    let digits = value
        .strip_prefix("Heading")
        .or_else(|| value.strip_prefix("heading"))?;
    digits.parse::<u8>().ok().filter(|l| (1..=9).contains(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_and_table_rows() {
        let xml = br#"<w:document xmlns:w="x"><w:body>
            <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Onboarding</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">Every customer &amp; </w:t></w:r><w:r><w:t>partner.</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Weekdays</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>9-6</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            </w:body></w:document>"#;
        assert_eq!(
            parse(xml).unwrap(),
            vec![
                Block::Heading {
                    level: 1,
                    text: "Onboarding".into()
                },
                Block::Paragraph("Every customer & partner.".into()),
                Block::Paragraph("Weekdays | 9-6".into()),
            ]
        );
    }

    /// quick-xml reads events with its own heap stack of open names and this loop keeps
    /// only counters, so no nesting depth reaches the thread's stack.
    #[test]
    fn nesting_a_hundred_thousand_deep_is_read() {
        let depth = 100_000;
        let content =
            r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Deep</w:t></w:r></w:p>"#;
        for (open, close, expected) in [
            (
                "<w:sdt><w:sdtContent>",
                "</w:sdtContent></w:sdt>",
                Block::Heading {
                    level: 1,
                    text: "Deep".into(),
                },
            ),
            (
                "<w:tbl><w:tr><w:tc>",
                "</w:tc></w:tr></w:tbl>",
                Block::Paragraph("Deep".into()),
            ),
        ] {
            let xml = format!(
                r#"<w:document xmlns:w="x"><w:body>{}{content}{}</w:body></w:document>"#,
                open.repeat(depth),
                close.repeat(depth)
            );
            assert_eq!(parse(xml.as_bytes()).unwrap(), vec![expected]);
        }
    }
}
