//! The text layer, read by pdf-extract page by page, on several threads for a long document.

use lopdf::{Document, Object, ObjectId, dictionary};

use super::headings::Lines;
use crate::error::{Error, Result};

/// Threads reading one PDF at most. pdf-extract rebuilds every page's fonts and is the whole
/// cost of a large PDF upload, so the pages are shared out between cores.
const MAX_THREADS: usize = 4;
/// Fewer pages than this per thread are not worth a copy of the document.
const MIN_PAGES_PER_THREAD: usize = 16;

/// How many threads should read `document`: one per core, if there are pages enough.
pub(super) fn threads(document: &Document) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    cores
        .min(MAX_THREADS)
        .min(document.page_iter().count() / MIN_PAGES_PER_THREAD)
        .max(1)
}

/// The text of every page, in page order, read by `threads` threads.
pub(super) fn text_of(document: &Document, threads: usize) -> Result<Lines> {
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

pub(super) fn page_text(document: &Document) -> Result<Lines> {
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
