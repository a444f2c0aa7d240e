//! Plain text: decoding (UTF-8, UTF-16 with a BOM, or a detected legacy encoding) and
//! splitting into paragraphs.

use super::Block;
use crate::error::{Error, Result};

pub fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// Decodes text; an encoding that cannot be told apart from binary is refused.
pub fn decode(bytes: &[u8]) -> Result<String> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(Error::invalid(
                "file",
                format!("the text is not valid {}", encoding.name()),
            ));
        }
        return Ok(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, had_errors) = encoding.decode(bytes);
    let control = text
        .chars()
        .filter(|c| c.is_control() && !c.is_whitespace())
        .count();
    if had_errors || control * 100 > text.chars().count().max(1) {
        return Err(Error::invalid(
            "file",
            "the text encoding could not be recognised; save the file as UTF-8",
        ));
    }
    Ok(text.into_owned())
}

/// Paragraphs are separated by blank lines; lines inside one are joined.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut current, &mut blocks);
        } else {
            current.push(line);
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

fn flush(lines: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if !lines.is_empty() {
        blocks.push(Block::Paragraph(lines.join("\n")));
        lines.clear();
    }
}

/// Collapses runs of whitespace into single spaces.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_utf16_and_latin1() {
        assert_eq!(decode("Café".as_bytes()).unwrap(), "Café");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("hé".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "hé");
        let latin1 = b"Caf\xE9 cr\xE8me \xE0 Z\xFCrich, prix sp\xE9cial pour les cr\xE8mes";
        assert!(decode(latin1).unwrap().contains("Café crème à Zürich"));
    }

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let b = blocks("One\ntwo\n\n\nThree");
        assert_eq!(
            b,
            vec![
                Block::Paragraph("One\ntwo".into()),
                Block::Paragraph("Three".into())
            ]
        );
    }
}
