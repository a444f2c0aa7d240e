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
    let mut out = String::with_capacity(text.len());
    for word in words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The words of `text` exactly as `str::split_whitespace` finds them, several times faster
/// on mostly-ASCII text: ASCII bytes are classified without decoding a `char`. Chunking and
/// extraction walk every uploaded byte this way, so it showed in upload profiles.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < text.len() {
            match char_at(text, at) {
                (true, len) => at += len,
                (false, _) => break,
            }
        }
        let start = at;
        while at < text.len() {
            match char_at(text, at) {
                (false, len) => at += len,
                (true, _) => break,
            }
        }
        (at > start).then(|| &text[start..at])
    })
}

/// Whether the char starting at byte `at` (a char boundary) is whitespace, and its length.
fn char_at(text: &str, at: usize) -> (bool, usize) {
    let byte = text.as_bytes()[at];
    if byte.is_ascii() {
        // char::is_whitespace on ASCII: tab, line feed, vertical tab, form feed, CR, space.
        return (matches!(byte, b'\t'..=b'\r' | b' '), 1);
    }
    text[at..]
        .chars()
        .next()
        .map_or((false, 1), |c| (c.is_whitespace(), c.len_utf8()))
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
    fn words_are_split_whitespace() {
        for text in [
            "",
            "  ",
            "one",
            " one  two\tthree\n\nfour\u{b}five\u{c}six\r\n",
            "caf\u{e9}\u{a0}cr\u{e8}me\u{2003}\u{3000}\u{1f600} end\u{85}",
            "\u{200b}zero-width is not whitespace\u{2028}",
        ] {
            assert_eq!(
                words(text).collect::<Vec<_>>(),
                text.split_whitespace().collect::<Vec<_>>(),
                "{text:?}"
            );
        }
        assert_eq!(squash(" a \n\n b\u{a0}c "), "a b c");
    }

    proptest::proptest! {
        #[test]
        fn words_match_split_whitespace_on_any_text(
            text in proptest::prelude::any::<String>(),
            spaced in "[ \t\n\u{b}\u{85}\u{a0}\u{2002}\u{3000}a\u{e9}\u{1f600}]{0,40}",
        ) {
            for text in [&text, &spaced] {
                let ours: Vec<&str> = words(text).collect();
                let std: Vec<&str> = text.split_whitespace().collect();
                proptest::prop_assert_eq!(ours, std);
            }
        }
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
