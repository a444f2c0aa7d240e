//! Bounded inflate: what every compressed stream of a PDF inflates to is measured, within
//! caps per stream and per document, before lopdf or pdf-extract decode any of it. They
//! inflate without a limit and then hold about a hundred times the inflated size while
//! decoding it, so a 130 KB file inflating to 64 MiB once cost 7 GB of memory.
//!
//! lopdf inflates object streams (`ObjStm`) while it loads the file, so those are measured
//! by [`bound_object_streams`], its load filter; the rest after loading, by [`check`].

use std::borrow::Cow;
use std::io::{self, Read, Write};

use flate2::read::{DeflateDecoder, ZlibDecoder};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::error::{Error, Result};

/// One stream inflates to this at most: real page contents, fonts and character maps hold
/// a few hundred KiB at most; images (often larger) are never inflated.
pub const MAX_STREAM_BYTES: u64 = 8 << 20;
/// All streams of a document inflate to this at most, in all.
pub const MAX_DOCUMENT_BYTES: u64 = 128 << 20;

/// Set on an object stream that inflates past [`MAX_STREAM_BYTES`], whose content is dropped
/// at load; [`check`] refuses the document when it sees it.
const REFUSED: &[u8] = b"SynaptiqInflateRefused";

/// The inflated size passed a cap.
struct TooLarge;

/// lopdf's load filter: an object stream that would inflate past the cap is emptied and
/// marked before lopdf inflates it. lopdf keeps the object it passed in and uses the
/// returned one only for objects inside object streams, which are never streams.
pub fn bound_object_streams(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let Object::Stream(stream) = object else {
        return Some((id, object.clone()));
    };
    if stream.dict.has_type(b"ObjStm") && inflated_size(stream).is_err() {
        stream.dict.remove(b"Filter");
        stream.dict.remove(b"DecodeParms");
        stream.dict.set(REFUSED, true);
        stream.set_content(Vec::new());
    }
    Some((id, Object::Null))
}

/// Refuses `document` if one of its streams inflates past [`MAX_STREAM_BYTES`] or all of
/// them past [`MAX_DOCUMENT_BYTES`]. Images are skipped: nothing here decodes them.
pub fn check(document: &Document) -> Result<()> {
    let mut total: u64 = 0;
    for object in document.objects.values() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.has(REFUSED) {
            return Err(stream_too_large());
        }
        if is_image(&stream.dict) {
            continue;
        }
        let size = inflated_size(stream).map_err(|TooLarge| stream_too_large())?;
        total = total.saturating_add(size);
        if total > MAX_DOCUMENT_BYTES {
            return Err(Error::invalid(
                "file",
                format!(
                    "the PDF's compressed streams inflate to more than {} MiB in all \
                     (a decompression bomb?); refused",
                    MAX_DOCUMENT_BYTES >> 20
                ),
            ));
        }
    }
    Ok(())
}

fn stream_too_large() -> Error {
    Error::invalid(
        "file",
        format!(
            "the PDF has a compressed stream that inflates to more than {} MiB \
             (a decompression bomb?); refused",
            MAX_STREAM_BYTES >> 20
        ),
    )
}

fn is_image(dict: &Dictionary) -> bool {
    dict.get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|name| name == b"Image")
}

/// What lopdf's `decompressed_content` would return, measured: the same filters in the same
/// order, the last one counted without keeping its output. A filter lopdf does not know
/// makes it fail, and pdf-extract then reads the stored bytes.
fn inflated_size(stream: &Stream) -> std::result::Result<u64, TooLarge> {
    let Ok(filters) = stream.filters() else {
        return Ok(stream.content.len() as u64);
    };
    let mut data = Cow::Borrowed(stream.content.as_slice());
    for (i, filter) in filters.iter().enumerate() {
        let last = i + 1 == filters.len();
        let mut out = Bounded::new(last);
        match *filter {
            b"FlateDecode" => inflate(&data, &mut out)?,
            b"LZWDecode" => unlzw(&data, early_change(stream), &mut out)?,
            b"ASCII85Decode" => {
                // At most four bytes out for each byte in.
                let mut one = Stream::new(Dictionary::new(), data.into_owned());
                one.dict.set("Filter", "ASCII85Decode");
                match one.decompressed_content() {
                    Ok(decoded) => out.write_all(&decoded).map_err(|_| TooLarge)?,
                    Err(_) => return Ok(stream.content.len() as u64),
                }
            }
            _ => return Ok(stream.content.len() as u64),
        }
        if last {
            return Ok(out.count);
        }
        data = Cow::Owned(out.kept);
    }
    Ok(data.len() as u64)
}

/// lopdf's FlateDecode: zlib, or, when that yields nothing, raw deflate after the 2-byte
/// header. A read error ends the output where it stopped, as in lopdf.
fn inflate(data: &[u8], out: &mut Bounded) -> std::result::Result<(), TooLarge> {
    if data.is_empty() {
        return Ok(());
    }
    copy(ZlibDecoder::new(data), out)?;
    if out.count == 0 && data.len() > 2 {
        copy(DeflateDecoder::new(&data[2..]), out)?;
    }
    Ok(())
}

fn copy(mut reader: impl Read, out: &mut Bounded) -> std::result::Result<(), TooLarge> {
    match io::copy(&mut reader, out) {
        Err(_) if out.over => Err(TooLarge),
        _ => Ok(()),
    }
}

fn early_change(stream: &Stream) -> bool {
    stream
        .dict
        .get(b"DecodeParms")
        .and_then(Object::as_dict)
        .and_then(|p| p.get(b"EarlyChange"))
        .and_then(Object::as_i64)
        .map_or(true, |v| v != 0)
}

/// lopdf's LZWDecode (weezl, most significant bit first).
fn unlzw(data: &[u8], early_change: bool, out: &mut Bounded) -> std::result::Result<(), TooLarge> {
    use weezl::{BitOrder, decode::Decoder};
    let mut decoder = if early_change {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    } else {
        Decoder::new(BitOrder::Msb, 8)
    };
    let _ = decoder.into_stream(&mut *out).decode_all(data);
    if out.over { Err(TooLarge) } else { Ok(()) }
}

/// A writer that counts, keeps what it is given unless it is the last filter's output, and
/// fails once past [`MAX_STREAM_BYTES`].
struct Bounded {
    count: u64,
    kept: Vec<u8>,
    keep: bool,
    over: bool,
}

impl Bounded {
    fn new(last: bool) -> Self {
        Self {
            count: 0,
            kept: Vec::new(),
            keep: !last,
            over: false,
        }
    }
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.count = self.count.saturating_add(buf.len() as u64);
        if self.count > MAX_STREAM_BYTES {
            self.over = true;
            return Err(io::Error::other("inflate cap"));
        }
        if self.keep {
            self.kept.extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use flate2::Compression;
    use flate2::write::ZlibEncoder;
    use lopdf::dictionary;

    use super::*;

    fn deflated(bytes: usize) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..bytes / zeros.len() {
            encoder.write_all(&zeros).unwrap();
        }
        encoder.write_all(&zeros[..bytes % zeros.len()]).unwrap();
        encoder.finish().unwrap()
    }

    fn flate(bytes: usize, dict: Dictionary) -> Stream {
        let mut stream = Stream::new(dict, deflated(bytes));
        stream.dict.set("Filter", "FlateDecode");
        stream
    }

    #[test]
    fn sizes_are_what_lopdf_inflates_to() {
        let stream = flate(300_000, dictionary! {});
        assert_eq!(
            inflated_size(&stream).ok(),
            Some(stream.decompressed_content().unwrap().len() as u64)
        );
        // Raw deflate behind a broken zlib header, which lopdf also reads.
        let mut raw = stream.clone();
        raw.content[0] = 0;
        assert_eq!(
            inflated_size(&raw).ok(),
            Some(raw.decompressed_content().unwrap().len() as u64)
        );
        assert_eq!(inflated_size(&raw).ok(), Some(300_000));
    }

    #[test]
    fn a_stream_past_the_cap_is_refused_without_inflating_it_whole() {
        let bomb = flate(64 << 20, dictionary! {});
        assert!(inflated_size(&bomb).is_err());
        let mut doc = Document::with_version("1.5");
        doc.add_object(bomb);
        let reason = check(&doc).unwrap_err().to_string();
        assert!(reason.contains("inflates to more than 8 MiB"), "{reason}");
    }

    #[test]
    fn streams_past_the_document_cap_together_are_refused() {
        let mut doc = Document::with_version("1.5");
        let part = flate(7 << 20, dictionary! {});
        for _ in 0..20 {
            doc.add_object(part.clone());
        }
        let reason = check(&doc).unwrap_err().to_string();
        assert!(reason.contains("more than 128 MiB in all"), "{reason}");
    }

    #[test]
    fn images_are_not_counted() {
        let mut doc = Document::with_version("1.5");
        doc.add_object(flate(
            64 << 20,
            dictionary! { "Type" => "XObject", "Subtype" => "Image" },
        ));
        check(&doc).unwrap();
    }

    #[test]
    fn an_object_stream_past_the_cap_is_emptied_at_load() {
        let mut object = Object::Stream(flate(64 << 20, dictionary! { "Type" => "ObjStm" }));
        bound_object_streams((1, 0), &mut object);
        let stream = object.as_stream().unwrap();
        assert!(stream.content.is_empty() && stream.dict.has(REFUSED));
        let mut doc = Document::with_version("1.5");
        doc.add_object(object);
        assert!(check(&doc).is_err());
    }
}
