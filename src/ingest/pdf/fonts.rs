//! The 14 standard fonts: a PDF may use them without embedding them or listing their widths,
//! so their measures are filled in before the text is read.

use lopdf::{Document, Object, ObjectId, dictionary};

/// The 14 standard fonts a PDF may use without embedding them or listing their widths.
const CORE_FONTS: [&str; 14] = [
    "Courier",
    "Courier-Bold",
    "Courier-BoldOblique",
    "Courier-Oblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-BoldOblique",
    "Helvetica-Oblique",
    "Symbol",
    "Times-Bold",
    "Times-BoldItalic",
    "Times-Italic",
    "Times-Roman",
    "ZapfDingbats",
];

/// pdf-extract builds every font again on every page, and a standard font without
/// `Widths` cost it 600 glyph-name searches and 80,000 comparisons each time, and a sort
/// for every character it had no width for: a third of a text-dense PDF's extraction. It
/// also decodes every character without a `ToUnicode` entry through the font's encoding,
/// with four allocations and a UTF-16 decoder each (a quarter of what remained). So the
/// widths and characters it would produce are measured once per font here, by pdf-extract
/// itself on a page showing all 256 codes in that font, and written into the font as
/// `Widths` and, for a font without one, a `ToUnicode` map, which it then reads directly.
/// The text it extracts is the same; a font it cannot measure is left as it was.
pub(super) fn give_core_fonts_their_measures(document: &mut Document) {
    let fonts: Vec<ObjectId> = document
        .objects
        .iter()
        .filter(|(_, object)| object.as_dict().is_ok_and(needs_widths))
        .map(|(id, _)| *id)
        .collect();
    if fonts.is_empty() {
        return;
    }
    let Some(measures) = measure_fonts(document, &fonts) else {
        return;
    };
    for (font, measured) in fonts.iter().zip(measures) {
        let has_map = document
            .get_dictionary(*font)
            .is_ok_and(|dict| dict.has(b"ToUnicode"));
        let to_unicode = to_unicode(&measured).filter(|_| !has_map).map(|cmap| {
            document.add_object(lopdf::Stream::new(
                lopdf::Dictionary::new(),
                cmap.into_bytes(),
            ))
        });
        if let Ok(Object::Dictionary(dict)) = document.get_object_mut(*font) {
            dict.set("FirstChar", 0);
            dict.set("LastChar", 255);
            let widths = measured.iter().map(|(width, _)| Object::Real(*width));
            dict.set("Widths", widths.collect::<Vec<_>>());
            if let Some(cmap) = to_unicode {
                dict.set("ToUnicode", cmap);
            }
        }
    }
}

/// A CMap mapping the codes in runs of at least `RUN` consecutive characters (ASCII and
/// Latin-1, in the usual encodings) to the characters measured for them, or `None` if there
/// are none. pdf-extract parses it again on every page, slowly, so it holds only these few
/// ranges; the other codes still go through the font's encoding.
pub(super) fn to_unicode(measured: &[(f32, String)]) -> Option<String> {
    const RUN: usize = 8;
    let unit = |code: usize| match measured[code].1.encode_utf16().collect::<Vec<_>>()[..] {
        [unit] if !(0xd800..=0xdfff).contains(&unit) => Some(unit),
        _ => None,
    };
    let mut ranges = Vec::new();
    let mut start = 0;
    for code in 1..=measured.len() {
        let follows = code < measured.len()
            && matches!((unit(code - 1), unit(code)), (Some(a), Some(b)) if b == a.wrapping_add(1));
        if !follows {
            if let Some(first) = unit(start).filter(|_| code - start >= RUN) {
                ranges.push(format!("<{start:02X}> <{:02X}> <{first:04X}>", code - 1));
            }
            start = code;
        }
    }
    (!ranges.is_empty()).then(|| {
        format!(
            "{} beginbfrange {} endbfrange",
            ranges.len(),
            ranges.join(" ")
        )
    })
}

/// A simple font naming a standard font, with an encoding but without widths of its own.
/// (Without an encoding, pdf-extract takes the font's own from the same code it skips
/// once there are widths.)
fn needs_widths(dict: &lopdf::Dictionary) -> bool {
    let name = |key: &[u8]| dict.get(key).and_then(Object::as_name).ok();
    name(b"Type") == Some(b"Font".as_slice())
        && matches!(name(b"Subtype"), Some(b"Type1" | b"TrueType"))
        && name(b"BaseFont").is_some_and(|base| CORE_FONTS.iter().any(|c| c.as_bytes() == base))
        && dict.has(b"Encoding")
        && !dict.has(b"Widths")
}

/// What pdf-extract gives each code 0-255 of each font as its width (in 1/1000 em) and its
/// character, read from a page of its own (its page tree swapped in, then back). `None` if
/// it failed.
fn measure_fonts(document: &mut Document, fonts: &[ObjectId]) -> Option<Vec<Vec<(f32, String)>>> {
    use lopdf::content::Content;
    let mut resources = lopdf::Dictionary::new();
    let mut operations = Vec::new();
    for (i, font) in fonts.iter().enumerate() {
        let name = format!("W{i}");
        resources.set(name.as_bytes(), Object::Reference(*font));
        operations.extend(show_every_code(name.into_bytes()));
    }
    let content = Content { operations }.encode().ok()?;
    let pages = document.catalog().ok()?.get(b"Pages").ok()?.clone();
    let contents = document.add_object(lopdf::Stream::new(lopdf::Dictionary::new(), content));
    let tree = document.new_object_id();
    let page = document.add_object(dictionary! {
        "Type" => "Page", "Parent" => tree, "Contents" => contents,
        "Resources" => dictionary! { "Font" => resources },
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    });
    document.objects.insert(
        tree,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    if let Ok(catalog) = document.catalog_mut() {
        catalog.set("Pages", tree);
    }
    let mut measures = Measures(Vec::with_capacity(256 * fonts.len()));
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pdf_extract::output_doc(document, &mut measures)
    }));
    if let Ok(catalog) = document.catalog_mut() {
        catalog.set("Pages", pages);
    }
    for id in [contents, page, tree] {
        document.objects.remove(&id);
    }
    match read {
        Ok(Ok(())) if measures.0.len() == 256 * fonts.len() => {
            Some(measures.0.chunks(256).map(<[_]>::to_vec).collect())
        }
        _ => None,
    }
}

/// Content operations showing the codes 0-255 in the page's font `name`.
pub(super) fn show_every_code(name: Vec<u8>) -> [lopdf::content::Operation; 4] {
    use lopdf::content::Operation;
    let codes: Vec<u8> = (0..=255).collect();
    [
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec![Object::Name(name), 1.into()]),
        Operation::new(
            "Tj",
            vec![Object::String(codes, lopdf::StringFormat::Hexadecimal)],
        ),
        Operation::new("ET", vec![]),
    ]
}

/// Records the width and the character pdf-extract gives each code it shows.
struct Measures(Vec<(f32, String)>);

impl pdf_extract::OutputDev for Measures {
    fn begin_page(
        &mut self,
        _: u32,
        _: &pdf_extract::MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_page(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    #[allow(clippy::cast_possible_truncation)] // widths are in the hundreds
    fn output_character(
        &mut self,
        _: &pdf_extract::Transform,
        width: f64,
        _: f64,
        _: f64,
        character: &str,
    ) -> std::result::Result<(), pdf_extract::OutputError> {
        self.0.push(((width * 1000.0) as f32, character.to_owned()));
        Ok(())
    }

    fn begin_word(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> std::result::Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}
