//! PDF: the text layer, through lopdf (parsing) and pdf-extract (text). Scanned pages have
//! no text layer; OCR is out of scope and said so.

use lopdf::{Document, Object, ObjectId, dictionary};

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
    let blocks = blocks(&text_of(&document, threads(&document))?);
    if blocks.is_empty() {
        return Err(Error::invalid(
            "file",
            "no extractable text — scanned PDF? OCR is not supported",
        ));
    }
    Ok(blocks)
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
fn text_of(document: &Document, threads: usize) -> Result<String> {
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
                    yield_to_requests();
                    page_text(part)
                })
            })
            .collect();
        let mut text = String::new();
        for reader in readers {
            let part = reader.join().map_err(|_| {
                Error::invalid("file", "the pdf file is malformed and could not be read")
            })??;
            text.push_str(&part);
            text.push('\n');
        }
        Ok(text)
    })
}

/// Niceness of the threads reading a PDF's pages (0 is the default, 19 the lowest priority).
const READER_NICENESS: i32 = 10;

/// Lowers the calling thread's CPU priority. The page readers take every core for seconds,
/// and chat turns queued behind them for CPU (p99 2.2× its idle figure during a 10 MB
/// upload); at niceness 10 the scheduler gives the request threads the CPU whenever they
/// want it, and the readers everything else, so an upload alone is as fast as before.
/// On Linux the niceness is per thread (setpriority(2), NPTL); these threads end with the
/// upload, so nothing else runs at the lower priority.
#[allow(unsafe_code)]
fn yield_to_requests() {
    // SAFETY: setpriority takes no pointers; `who` 0 is the calling thread.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, READER_NICENESS) };
}

fn page_text(document: &Document) -> Result<String> {
    let mut text = String::new();
    pdf_extract::output_doc(document, &mut pdf_extract::PlainTextOutput::new(&mut text))
        .map_err(|e| Error::invalid("file", format!("the PDF's text could not be read ({e})")))?;
    Ok(text)
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
            let read = numbers(text_of(&document, threads).unwrap());
            assert_eq!(read, (0..pages).collect::<Vec<_>>(), "{threads} threads");
        }
        assert!(!extract(&numbered_pdf(pages)).unwrap().is_empty());
    }
}
