//! PDF: the text layer, through lopdf (parsing) and pdf-extract (text). Scanned pages have
//! no text layer; OCR is out of scope and said so.

use super::Block;
use super::text::blocks;
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
    let mut document = lopdf::Document::load_mem(bytes)
        .map_err(|e| Error::invalid("file", format!("the PDF is corrupt or truncated ({e})")))?;
    if document.is_encrypted() && document.decrypt("").is_err() {
        return Err(Error::invalid(
            "file",
            "the PDF is encrypted (password protected); remove the password and upload it again",
        ));
    }
    let mut text = String::new();
    pdf_extract::output_doc(&document, &mut pdf_extract::PlainTextOutput::new(&mut text))
        .map_err(|e| Error::invalid("file", format!("the PDF's text could not be read ({e})")))?;
    let blocks = blocks(&text);
    if blocks.is_empty() {
        return Err(Error::invalid(
            "file",
            "no extractable text — scanned PDF? OCR is not supported",
        ));
    }
    Ok(blocks)
}
