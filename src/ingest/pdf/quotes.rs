//! The `'` and `"` show-text operators (PDF 32000 §9.4.3: move to the next line, then show
//! a string), which pdf-extract skips as unknown: a PDF writing its text with them read as
//! empty. They are spelled out here as the operators they stand for, `T*` and `Tj` (and
//! `Tw`, `Tc` for `"`), in the page contents and forms that use them.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, ObjectId};

/// Rewrites the content streams that use `'` or `"`; the others are left untouched (most
/// files: only a quick scan of their bytes).
pub fn spell_out(document: &mut Document) {
    let mut streams: Vec<ObjectId> = document
        .page_iter()
        .flat_map(|page| document.get_page_contents(page))
        .collect();
    streams.extend(document.objects.iter().filter_map(|(id, object)| {
        let stream = object.as_stream().ok()?;
        let subtype = stream.dict.get(b"Subtype").and_then(Object::as_name).ok()?;
        (subtype == b"Form").then_some(*id)
    }));
    streams.sort_unstable();
    streams.dedup();
    for id in streams {
        spell_out_stream(document, id);
    }
}

fn spell_out_stream(document: &mut Document, id: ObjectId) {
    let Ok(Object::Stream(stream)) = document.get_object_mut(id) else {
        return;
    };
    let content = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    if !has_quote_token(&content) {
        return;
    }
    let Ok(decoded) = Content::decode(&content) else {
        return;
    };
    if !decoded
        .operations
        .iter()
        .any(|op| op.operator == "'" || op.operator == "\"")
    {
        return;
    }
    let operations: Vec<Operation> = decoded.operations.into_iter().flat_map(spelled).collect();
    if let Ok(encoded) = (Content { operations }).encode() {
        stream.dict.remove(b"Filter");
        stream.dict.remove(b"DecodeParms");
        stream.set_content(encoded);
    }
}

/// `string '` is `T* string Tj`; `aw ac string "` is `aw Tw ac Tc string '`.
fn spelled(op: Operation) -> Vec<Operation> {
    match (op.operator.as_str(), op.operands.as_slice()) {
        ("'", [text]) => vec![
            Operation::new("T*", vec![]),
            Operation::new("Tj", vec![text.clone()]),
        ],
        ("\"", [word, char, text]) => vec![
            Operation::new("Tw", vec![word.clone()]),
            Operation::new("Tc", vec![char.clone()]),
            Operation::new("T*", vec![]),
            Operation::new("Tj", vec![text.clone()]),
        ],
        _ => vec![op],
    }
}

/// Whether `'` or `"` occurs outside strings and comments: only then can it be an operator.
fn has_quote_token(content: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&byte) = content.get(i) {
        match byte {
            b'\'' | b'"' => return true,
            b'(' => i = after_literal_string(content, i + 1),
            b'%' => i = after(content, i, b"\r\n"),
            b'<' if content.get(i + 1) != Some(&b'<') => i = after(content, i, b">"),
            _ => i += 1,
        }
    }
    false
}

/// The index after the `)` closing a literal string whose content starts at `i`.
fn after_literal_string(content: &[u8], mut i: usize) -> usize {
    let mut depth = 1u32;
    while let Some(&byte) = content.get(i) {
        match byte {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The index after the first of `ends` at or after `i` (or the end).
fn after(content: &[u8], i: usize, ends: &[u8]) -> usize {
    content[i..]
        .iter()
        .position(|b| ends.contains(b))
        .map_or(content.len(), |at| i + at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_tokens_are_told_from_quotes_in_strings() {
        assert!(has_quote_token(b"BT (line one) ' ET"));
        assert!(has_quote_token(b"BT 1 2 (two)\" ET"));
        assert!(!has_quote_token(b"BT (don't \\( say \"no\") Tj ET"));
        assert!(!has_quote_token(b"% it's a comment\nBT <27> Tj ET"));
        assert!(has_quote_token(b"BT (a (nested) one)' ET"));
    }
}
