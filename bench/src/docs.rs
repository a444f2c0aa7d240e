//! Knowledge-base documents generated in the bench, deterministically and without the
//! network: prose for the plain-text, PDF and DOCX uploads, and Markdown FAQs (one
//! `## Question?` section per chunk) for the 50,000-chunk search corpus.
//!
//! The prose is ASCII (so the PDF can use a standard font with WinAnsi encoding), drawn from
//! word lists a few hundred words long with a skew towards the first entries, plus numbers and
//! model names, so terms range from very common to rare as in real text.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context, Result};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

const SUBJECTS: [&str; 24] = [
    "The robot",
    "Every customer",
    "Our support team",
    "The dashboard",
    "Each warehouse",
    "The battery",
    "The onboarding specialist",
    "An administrator",
    "The fleet manager",
    "The picker arm",
    "The billing system",
    "A site survey",
    "The mobile app",
    "Each shipment",
    "The safety scanner",
    "Our engineers",
    "The charging dock",
    "A new user",
    "The integration",
    "The operations lead",
    "The firmware",
    "Every invoice",
    "The service contract",
    "A replacement part",
];

const VERBS: [&str; 24] = [
    "handles",
    "reports",
    "schedules",
    "monitors",
    "tracks",
    "replaces",
    "updates",
    "ships",
    "cancels",
    "encrypts",
    "renews",
    "confirms",
    "calibrates",
    "exports",
    "reviews",
    "charges",
    "records",
    "balances",
    "inspects",
    "approves",
    "delivers",
    "measures",
    "routes",
    "archives",
];

const OBJECTS: [&str; 32] = [
    "orders",
    "pallets",
    "invoices",
    "shipments",
    "passwords",
    "subscriptions",
    "returns",
    "discounts",
    "warranty claims",
    "data exports",
    "pick lists",
    "inventory counts",
    "maintenance tickets",
    "delivery windows",
    "payment methods",
    "user accounts",
    "firmware releases",
    "battery cycles",
    "aisle maps",
    "safety zones",
    "training sessions",
    "support requests",
    "purchase orders",
    "spare parts",
    "shift reports",
    "API tokens",
    "audit logs",
    "refunds",
    "carton labels",
    "route plans",
    "sensor readings",
    "customs documents",
];

const COMPLEMENTS: [&str; 32] = [
    "within two business days",
    "before the end of each shift",
    "across every site in Europe",
    "without a manual intervention",
    "at no extra cost",
    "on the Growth plan",
    "during the first week",
    "as soon as the dock is free",
    "for every customer account",
    "with a signed delivery note",
    "under the standard warranty",
    "from the admin console",
    "once a quarter",
    "when the battery runs low",
    "in the nearest data centre",
    "before the robots arrive",
    "after a full recharge",
    "according to the service level agreement",
    "in line with the GDPR",
    "through the public API",
    "for orders above 500 euros",
    "in the customer's own language",
    "with the help of a local partner",
    "at the end of every month",
    "while the aisle is closed",
    "on weekdays between 9am and 6pm",
    "for large fleets and resellers",
    "to keep the warehouse moving",
    "with an encrypted connection",
    "on the Enterprise plan only",
    "after the site survey",
    "in under ten minutes",
];

const HEADING_WORDS: [&str; 20] = [
    "Operations",
    "Safety",
    "Billing",
    "Maintenance",
    "Onboarding",
    "Security",
    "Shipping",
    "Returns",
    "Integrations",
    "Training",
    "Warranty",
    "Batteries",
    "Navigation",
    "Reporting",
    "Accounts",
    "Inventory",
    "Compliance",
    "Support",
    "Pricing",
    "Fleet management",
];

const PRODUCTS: [&str; 10] = [
    "Picker", "Sorter", "Lifter", "Scanner", "Tugger", "Mover", "Stacker", "Drone", "Shuttle",
    "Loader",
];

const REGIONS: [&str; 12] = [
    "Europe",
    "Germany",
    "France",
    "the United States",
    "Canada",
    "Japan",
    "Australia",
    "Brazil",
    "the United Kingdom",
    "Spain",
    "Italy",
    "Poland",
];

const PROCESSES: [&str; 10] = [
    "shipping",
    "delivery",
    "installation",
    "onboarding",
    "a refund",
    "a battery recharge",
    "a firmware update",
    "the site survey",
    "a spare part order",
    "customs clearance",
];

const ACTIONS: [&str; 8] = [
    "cancel",
    "pause",
    "upgrade",
    "downgrade",
    "transfer",
    "export",
    "change",
    "return",
];

const THINGS: [&str; 10] = [
    "subscription",
    "plan",
    "order",
    "data",
    "account",
    "robot",
    "invoice",
    "password",
    "contract",
    "billing address",
];

const ATTRIBUTES: [&str; 8] = [
    "battery life",
    "payload",
    "top speed",
    "warranty period",
    "noise level",
    "charging time",
    "weight",
    "price",
];

const OFFERS: [&str; 6] = [
    "discounts",
    "a free trial",
    "training",
    "on-site support",
    "volume pricing",
    "financing",
];

const AUDIENCES: [&str; 6] = [
    "nonprofits",
    "schools",
    "startups",
    "large fleets",
    "resellers",
    "hospitals",
];

const SUPPORTED: [&str; 6] = [
    "payment methods",
    "languages",
    "integrations",
    "warehouse systems",
    "countries",
    "barcode formats",
];

const TASKS: [&str; 8] = [
    "reset my password",
    "add a user",
    "connect the API",
    "export my data",
    "report a bug",
    "book a demo",
    "update my payment method",
    "download my invoices",
];

/// What a visitor types into the chat, paraphrased from the FAQ questions (lower case, other
/// words), used for the knowledge-base search latency. Both the server and the raw tantivy
/// baseline answer exactly these.
pub const KB_SEARCHES: [&str; 10] = [
    "how long does shipping take to europe",
    "can i cancel my subscription",
    "is my data encrypted",
    "what is the battery life of the picker",
    "do you offer discounts for nonprofits",
    "how do i reset my password",
    "which payment methods do you accept",
    "warranty period for the sorter",
    "free trial",
    "on-site training for large fleets",
];

/// A visitor's first chat message, as typed into the widget: the same questions.
pub const CHAT_MESSAGES: [&str; 8] = [
    "How long does shipping take to Europe?",
    "Can I cancel my subscription?",
    "Is my data encrypted?",
    "What is the battery life of the Picker?",
    "Do you offer discounts for nonprofits?",
    "How do I reset my password?",
    "Which payment methods do you accept?",
    "What is the warranty period for the Sorter?",
];

/// The word only the large PDF holds, on its last page: the search that confirms the whole
/// file was indexed.
pub const PDF_MARKER: &str = "quarkolith";

/// A deterministic stream of numbers (splitmix64), so every run generates the same text.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        // The lists are tiny, so the value always fits in usize.
        (self.next() % n.max(1) as u64) as usize
    }

    /// An index skewed towards the start of a list (the smaller of two draws), so some words
    /// are common and others rare.
    fn skewed(&mut self, n: usize) -> usize {
        self.below(n).min(self.below(n))
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.skewed(words.len())]
    }
}

const SYLLABLES: [&str; 40] = [
    "ba", "ven", "lo", "tri", "mar", "quo", "del", "sa", "nor", "ki", "pel", "ran", "to", "vi",
    "gor", "lu", "sten", "ma", "cor", "ni", "dra", "fel", "po", "ris", "tan", "be", "ul", "xen",
    "ho", "mi", "zar", "ek", "lin", "ost", "ra", "wen", "ty", "gal", "vo", "dun",
];

/// How many distinct made-up words the prose draws from.
const VOCABULARY: u64 = 20_000;

/// Made-up word number `n`: two to four syllables, so word `n` is always the same word.
fn word(n: u64) -> String {
    let mut h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (n >> 7);
    let syllables = 2 + (h % 3);
    let mut out = String::new();
    for _ in 0..syllables {
        h = h.rotate_left(17).wrapping_mul(0xBF58_476D_1CE4_E5B9) ^ n;
        out.push_str(SYLLABLES[(h % SYLLABLES.len() as u64) as usize]);
    }
    out
}

impl Rng {
    /// A made-up word, Zipf-distributed (log-uniform rank): a few are very common, most rare,
    /// as content words are in real text.
    fn made_up(&mut self) -> String {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        word((VOCABULARY as f64).powf(u) as u64)
    }
}

fn sentence(rng: &mut Rng) -> String {
    let mut s = format!(
        "{} {} {} {}",
        rng.pick(&SUBJECTS),
        rng.pick(&VERBS),
        rng.pick(&OBJECTS),
        rng.pick(&COMPLEMENTS)
    );
    // Most sentences carry a rarer term: a made-up name, a figure or a model number.
    match rng.below(8) {
        0 => {
            let _ = write!(
                s,
                ", for the {} {}",
                rng.pick(&PRODUCTS),
                1000 + rng.below(9000)
            );
        }
        1 => {
            let _ = write!(s, " in {}", rng.pick(&REGIONS));
        }
        2 | 3 => {
            let _ = write!(s, " at the {} {} depot", rng.made_up(), rng.made_up());
        }
        4 | 5 => {
            let _ = write!(s, ", says the {} team", rng.made_up());
        }
        6 => {
            let _ = write!(s, " using {} {} units", 2 + rng.below(98), rng.made_up());
        }
        _ => {}
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng) -> String {
    let count = 3 + rng.below(4);
    (0..count)
        .map(|_| sentence(rng))
        .collect::<Vec<_>>()
        .join(" ")
}

fn heading(rng: &mut Rng, number: usize) -> String {
    format!(
        "{number}. {} and {}",
        rng.pick(&HEADING_WORDS),
        rng.pick(&HEADING_WORDS).to_lowercase()
    )
}

/// A section heading every few paragraphs, then paragraphs, until about `bytes` of text.
struct Prose {
    rng: Rng,
    sections: usize,
    left_in_section: usize,
}

enum Block {
    Heading(String),
    Paragraph(String),
}

impl Prose {
    fn new(seed: u64) -> Self {
        Self {
            rng: Rng::new(seed),
            sections: 0,
            left_in_section: 0,
        }
    }

    fn next_block(&mut self) -> Block {
        if self.left_in_section == 0 {
            self.sections += 1;
            self.left_in_section = 4 + self.rng.below(6);
            return Block::Heading(heading(&mut self.rng, self.sections));
        }
        self.left_in_section -= 1;
        Block::Paragraph(paragraph(&mut self.rng))
    }
}

/// Plain text of at least `bytes`: headings and paragraphs separated by blank lines. Each
/// `copy` differs in its first line (the server refuses a second upload of identical bytes).
pub fn text(bytes: usize, copy: usize) -> String {
    let mut prose = Prose::new(1);
    let mut out = String::with_capacity(bytes + 1024);
    let _ = write!(out, "Operations handbook, copy {copy}\n\n");
    while out.len() < bytes {
        match prose.next_block() {
            Block::Heading(h) | Block::Paragraph(h) => out.push_str(&h),
        }
        out.push_str("\n\n");
    }
    out
}

/// Markdown FAQ number `doc`: a title and `sections` `## Question?` sections, each with a
/// one- to three-sentence answer.
pub fn faq(doc: usize, sections: usize) -> String {
    let mut rng = Rng::new(1_000_000 + doc as u64);
    let product = format!("{} {}", PRODUCTS[doc % PRODUCTS.len()], 100 + doc);
    let mut out = format!("# {product} questions and answers\n\n");
    for _ in 0..sections {
        let (question, answer) = question(&mut rng, &product);
        let _ = write!(out, "## {question}\n\n{answer}");
        for _ in 0..rng.below(3) {
            out.push(' ');
            out.push_str(&sentence(&mut rng));
        }
        out.push_str("\n\n");
    }
    out
}

fn question(rng: &mut Rng, product: &str) -> (String, String) {
    let days = 1 + rng.below(14);
    match rng.below(7) {
        0 => {
            let process = rng.pick(&PROCESSES);
            let region = rng.pick(&REGIONS);
            (
                format!("How long does {process} take to {region}?"),
                format!("In most cases {process} to {region} takes {days} business days."),
            )
        }
        1 => {
            let (action, thing) = (rng.pick(&ACTIONS), rng.pick(&THINGS));
            (
                format!("Can I {action} my {thing}?"),
                format!(
                    "Yes, you can {action} your {thing} from the admin console at any time, and the change applies from the next billing period."
                ),
            )
        }
        2 => {
            let attribute = rng.pick(&ATTRIBUTES);
            (
                format!("What is the {attribute} of the {product}?"),
                format!(
                    "The {attribute} of the {product} is rated at {} units under normal warehouse conditions.",
                    10 + rng.below(990)
                ),
            )
        }
        3 => {
            let (offer, audience) = (rng.pick(&OFFERS), rng.pick(&AUDIENCES));
            (
                format!("Do you offer {offer} for {audience}?"),
                format!(
                    "We offer {offer} for {audience} on request; contact sales with your fleet size."
                ),
            )
        }
        4 => {
            let supported = rng.pick(&SUPPORTED);
            (
                format!("Which {supported} do you support?"),
                format!(
                    "The {product} supports the most common {supported}, and the full list is in the admin console."
                ),
            )
        }
        5 => {
            let task = rng.pick(&TASKS);
            (
                format!("How do I {task}?"),
                format!(
                    "To {} open Settings in the dashboard and follow the steps; it takes under {days} minutes.",
                    task.replace(" my ", " your ")
                ),
            )
        }
        _ => {
            let feature = rng.pick(&OBJECTS);
            (
                format!("Is encryption of {feature} included for the {product}?"),
                format!(
                    "All {feature} are encrypted at rest with AES-256 and in transit with TLS, on every plan."
                ),
            )
        }
    }
}

/// Breaks a paragraph into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A4 pages of text as lines: a heading is a line of its own, a paragraph is wrapped, with a
/// blank line after each; `PDF_MARKER` ends the last page.
const LINES_PER_PAGE: usize = 60;
const LINE_CHARS: usize = 95;

/// A valid text PDF of at least `bytes` (standard Helvetica, WinAnsi, one Flate-compressed
/// content stream per A4 page, as PDF writers produce), and how many pages it has. Each
/// `copy` differs in its last line.
pub fn pdf(bytes: usize, copy: usize) -> Result<(Vec<u8>, usize)> {
    // The page count comes from a sample's size per page; the result's size is checked.
    const SAMPLE: usize = 100;
    let per_page = pdf_pages(SAMPLE, copy)?.len() / SAMPLE;
    let mut pages = bytes / per_page.max(1) + 1;
    loop {
        let out = pdf_pages(pages, copy)?;
        if out.len() >= bytes {
            return Ok((out, pages));
        }
        pages += (bytes - out.len()) / per_page.max(1) + 1;
    }
}

fn pdf_pages(pages: usize, copy: usize) -> Result<Vec<u8>> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let bold = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica-Bold",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font, "F2" => bold },
    });
    let mut prose = Prose::new(2);
    let mut carried = None;
    let mut kids = Vec::with_capacity(pages);
    for page in 0..pages {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("TL", vec![13.into()]),
            Operation::new("Td", vec![50.into(), 800.into()]),
        ];
        let mut lines = 0;
        loop {
            let (font, size, text) = match carried.take().unwrap_or_else(|| prose.next_block()) {
                Block::Heading(h) => ("F2", 12, vec![h]),
                Block::Paragraph(p) => ("F1", 10, wrap(&p, LINE_CHARS)),
            };
            if lines > 0 && lines + text.len() > LINES_PER_PAGE {
                // Starts the next page instead of running off this one.
                carried = Some(if font == "F2" {
                    Block::Heading(text.concat())
                } else {
                    Block::Paragraph(text.join(" "))
                });
                break;
            }
            ops.push(Operation::new("Tf", vec![font.into(), size.into()]));
            for line in text {
                ops.push(Operation::new("Tj", vec![Object::string_literal(line)]));
                ops.push(Operation::new("T*", vec![]));
                lines += 1;
            }
            ops.push(Operation::new("T*", vec![]));
            lines += 1;
        }
        if page + 1 == pages {
            ops.push(Operation::new("Tf", vec!["F1".into(), 10.into()]));
            let last =
                format!("The reference code for this handbook is {PDF_MARKER}, copy {copy}.");
            ops.push(Operation::new("Tj", vec![Object::string_literal(last)]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops }
            .encode()
            .context("encoding a PDF page")?;
        let mut stream = Stream::new(dictionary! {}, content);
        stream.compress().context("compressing a PDF page")?;
        let contents = doc.add_object(stream);
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => contents,
        })));
    }
    let count = i64::try_from(kids.len()).context("page count")?;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).context("writing the PDF")?;
    Ok(out)
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A minimal valid DOCX of at least `bytes` (ZIP, deflate): `[Content_Types].xml`,
/// `_rels/.rels` and a `word/document.xml` of Heading1-styled headings and paragraphs, each
/// paragraph in runs of a few sentences as Word writes them. Returns the file and the size
/// of its XML. Each `copy` differs in its first paragraph.
pub fn docx(bytes: usize, copy: usize) -> Result<(Vec<u8>, usize)> {
    // Word's XML deflates about 9:1; grow until the archive is large enough.
    let mut xml_bytes = bytes * 8;
    loop {
        let xml = document_xml(xml_bytes, copy);
        let out = zip_docx(&xml)?;
        if out.len() >= bytes {
            return Ok((out, xml.len()));
        }
        let ratio = xml.len() as f64 / out.len().max(1) as f64;
        xml_bytes = (bytes as f64 * ratio * 1.02) as usize + 4096;
    }
}

/// A revision-session id, as Word stamps on paragraphs and runs (one of a document's few
/// hundred editing sessions).
fn rsid(rng: &mut Rng) -> String {
    format!(
        "00{:06X}",
        (rng.next() % 300).wrapping_mul(0x9E_3779) & 0xFF_FFFF
    )
}

fn document_xml(bytes: usize, copy: usize) -> String {
    let mut prose = Prose::new(3);
    let mut rng = Rng::new(4);
    let mut xml = String::with_capacity(bytes + 4096);
    xml.push_str(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    let _ = write!(
        xml,
        "<w:p><w:r><w:t>Operations handbook, copy {copy}</w:t></w:r></w:p>"
    );
    while xml.len() < bytes {
        match prose.next_block() {
            Block::Heading(h) => {
                let (p, r) = (rsid(&mut rng), rsid(&mut rng));
                let _ = write!(
                    xml,
                    r#"<w:p w:rsidR="{p}" w:rsidRDefault="{p}"><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r w:rsidRPr="{r}"><w:t>{h}</w:t></w:r></w:p>"#
                );
            }
            Block::Paragraph(text) => {
                let p = rsid(&mut rng);
                let _ = write!(
                    xml,
                    r#"<w:p w:rsidR="{p}" w:rsidRDefault="{p}"><w:pPr><w:spacing w:after="120"/></w:pPr>"#
                );
                for run in text.split_inclusive(". ") {
                    let _ = write!(
                        xml,
                        r#"<w:r w:rsidRPr="{}"><w:rPr><w:lang w:val="en-GB"/></w:rPr><w:t xml:space="preserve">{run}</w:t></w:r>"#,
                        rsid(&mut rng)
                    );
                }
                xml.push_str("</w:p>");
            }
        }
    }
    xml.push_str(r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#);
    xml
}

fn zip_docx(document: &str) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", document),
    ] {
        zip.start_file(name, options)
            .with_context(|| format!("adding {name} to the DOCX"))?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish().context("writing the DOCX")?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faqs_have_one_question_heading_per_section() {
        let faq = faq(7, 100);
        assert_eq!(
            faq.lines()
                .filter(|l| l.starts_with("## ") && l.ends_with('?'))
                .count(),
            100
        );
        assert_eq!(faq, super::faq(7, 100));
        assert_ne!(text(1000, 0), text(1000, 1));
    }

    #[test]
    fn wrapped_lines_fit() {
        let lines = wrap(&paragraph(&mut Rng::new(5)), 40);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.len() <= 40 || !l.contains(' ')));
    }
}
