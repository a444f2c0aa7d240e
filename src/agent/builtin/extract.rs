//! Facts read out of one visitor message by patterns: contact details, answers to the
//! qualification questions, yes/no replies, and whether the visitor asked something.
//!
//! Precision beats recall: a wrong name or company lands on the lead the tenant sees, while a
//! missed one is simply asked for again. So every pattern needs a cue ("my name is", "I work
//! at", "$", "people", …) and stop lists veto common words after weak cues. A bare number or
//! word counts only as a short reply (`answer_to`, or a whole message that is just "200").
//!
//! These run on every chat turn: regexes compile once, text is lowercased at most once per
//! call, and word lists are scanned without allocating.

use std::sync::LazyLock;

use email_address::EmailAddress;
use regex::Regex;

/// What one visitor message says about the visitor. `None` = not mentioned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
}

/// An answer to one qualification question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    CompanySize(u32),
    Budget(u64),
    TimelineMonths(u32),
    Role(String),
    Need(String),
}

/// Compiles a pattern written in this file; `patterns_compile` proves each one does.
fn compiled(pattern: &str) -> Option<Regex> {
    Regex::new(pattern).ok()
}

static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}",
    )
});

// Groups of digits, some in parentheses, joined by a space, dot or dash. Digits are ASCII
// (`[0-9]`, not `\d`, which is Unicode's 70 digit ranges): with `\d` the two phone patterns
// compiled to 630 KB and each thread's match cache grew to 390 KB, and `is_phone` counts
// only ASCII digits anyway.
static PHONE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"(?:\+\s?)?(?:\(\s?[0-9]{1,5}\s?\)|[0-9]{1,5})(?:(?:\s?[.\-–]\s?|\s)?(?:\(\s?[0-9]{1,5}\s?\)|[0-9]{1,5})){1,7}",
    )
});

// Digit runs shaped like a phone number that are something else: dates, year ranges, IP
// addresses, and round-number ranges ("1000-5000").
static NOT_PHONE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"^(?:[0-9]{4}[.\-][0-9]{1,2}[.\-][0-9]{1,2}|[0-9]{1,2}[.\-][0-9]{1,2}[.\-][0-9]{2,4}|(?:19|20)[0-9]{2}\s?[\-–]\s?(?:19|20)[0-9]{2}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|[0-9]+00\s?[\-–]\s?[0-9]+00)$",
    )
});

static GREETING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"(?i)^\s*(?:(?:hi|hello|hey|hiya|howdy|greetings|yo|good\s+(?:morning|afternoon|evening|day))(?:\s+(?:there|all|team|folks|guys))?(?:[\s,!.:;\-–]+|$))?",
    )
});

static NAME_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"(?i)\b(?:(?:my\s+)?(?:(?:first|full)\s+)?name(?:\s+is|['’]s|\s*:)|names|(?:you\s+can\s+)?call\s+me|i\s+am|i['’]m|im|i\s+m|this\s+is|it['’]s|its|here\s+is)\s+",
    )
});

static COMPANY_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r"(?i)\b(?:(?P<explicit>(?:i|we)\s+work\s+(?:at|for)|i\s+work\s+with|(?:i['’]?m|i\s+am)\s+working\s+(?:at|for)",
        r"|works\s+(?:at|for)|employed\s+(?:at|by)|i\s+represent|on\s+behalf\s+of",
        r"|(?:company|business|firm)\s+(?:i|we)\s+work\s+(?:for|at)\s+is",
        r"|(?:(?:my|our|the)\s+)?(?:company|startup|business|firm|agency)\s+(?:is\s+)?(?:called|named)",
        r"|(?:(?:my|our|the)\s+)?(?:company|business|organi[sz]ation|employer|firm|startup)(?:['’]s)?(?:\s+name)?(?:\s+is|\s*:)",
        r"|company['’]s",
        r"|(?:ceo|cto|cfo|coo|cmo|cro|cio|cpo|founder|co-?founder|owner|president|director|manager|engineer",
        r"|developer|designer|analyst|consultant|marketer|specialist|coordinator|associate|executive|officer",
        r"|sdr|bdr|ae|rep|intern|student|partner|vp|vp\s+\w+|head\s+of\s+\w+(?:\s+\w+)?)\s+(?:at|of|for|with)",
        r"|(?:team|department|dept|division)\s+(?:at|of))",
        r"|(?P<from>(?:i['’]?m|i\s+am)\s+(?:from|with|at)|(?:calling|writing|reaching\s+out)\s+from)",
        r"|(?P<we>we\s+are|we['’]re))\s+",
    ))
});

static LEADING_FROM: LazyLock<Option<Regex>> = LazyLock::new(|| compiled(r"(?i)^\s*from\s+"));

static NEED_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(concat!(
        r"(?i)\b(?:need(?:s|ed)?|looking\s+(?:for|to)|want(?:s|ed)?\s+to|wanna|would\s+like\s+to|['’]d\s+like\s+to",
        r"|trying\s+to|hoping\s+to|struggl(?:e|es|ing)\s+(?:with|to)|(?:problem|challenge|issue|goal|pain\s+point)\s+is",
        r"|help(?:ing)?\s+(?:with|us|me)|in\s+the\s+market\s+for|searching\s+for|interested\s+in|require(?:s|d)?)\b",
    ))
});

/// Pulls contact details out of free text.
///
/// A name needs a cue ("I'm", "my name is", "this is", "call me", "Jane here") and must not be
/// a common word; one typed in lower case comes back title-cased. The company comes from an
/// explicit cue ("I work at", "company is", "we're"), else from beside the name ("Jane from
/// Acme", "Jane, CTO at Acme"). Email and phone are kept as typed, without trailing
/// punctuation.
pub fn contact(message: &str) -> Contact {
    let (name, company_beside_name) = match named(message) {
        Some((name, company)) => (Some(name), company),
        None => (None, None),
    };
    Contact {
        name,
        email: email(message),
        phone: phone(message),
        company: stated_company(message)
            .or(company_beside_name)
            .or_else(|| leading_from(message)),
    }
}

fn email(message: &str) -> Option<String> {
    let pattern = EMAIL.as_ref()?;
    let mut any = None;
    for found in pattern.find_iter(message) {
        let address = found.as_str().trim_start_matches('.');
        if !EmailAddress::is_valid(address) {
            continue;
        }
        if !retracted(message, found.start()) {
            return Some(address.to_owned());
        }
        any = any.or(Some(address));
    }
    any.map(str::to_owned)
}

fn phone(message: &str) -> Option<String> {
    let pattern = PHONE.as_ref()?;
    let mut any = None;
    for found in pattern.find_iter(message) {
        if !is_phone(message, found.start(), found.end()) {
            continue;
        }
        if !retracted(message, found.start()) {
            return Some(found.as_str().trim().to_owned());
        }
        any = any.or(Some(found.as_str()));
    }
    any.map(|p| p.trim().to_owned())
}

/// "it's jane@new.com, not jane@old.com": a value the visitor takes back loses to the other.
fn retracted(message: &str, at: usize) -> bool {
    is_in(
        prev_word(message, at),
        &["not", "was", "old", "wrong", "previously", "formerly"],
    )
}

fn is_phone(message: &str, start: usize, end: usize) -> bool {
    let candidate = &message[start..end];
    let digits = candidate.bytes().filter(u8::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    // An unseparated run is a phone number only at full length ("5550102030"), not "1000000".
    let separated = candidate.bytes().any(|b| !b.is_ascii_digit() && b != b'+');
    if !candidate.starts_with('+') && !separated && digits < 10 {
        return false;
    }
    let before = message[..start].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || "$€£¥@._/:#,*-".contains(c)) {
        return false;
    }
    let rest = &message[end..];
    let mut after = rest.chars();
    match after.next() {
        Some(c) if c.is_alphanumeric() || "@%$€£¥".contains(c) => return false,
        Some('.' | ',') if after.next().is_some_and(|c| c.is_ascii_digit()) => return false,
        _ => {}
    }
    let next = next_word(rest);
    if is_in(next, NOT_PHONE_AFTER) {
        return false;
    }
    let previous = prev_word(message, start);
    if is_in(previous, NOT_PHONE_BEFORE) {
        return false;
    }
    !NOT_PHONE
        .as_ref()
        .is_some_and(|pattern| pattern.is_match(candidate))
}

#[rustfmt::skip]
const NOT_PHONE_AFTER: &[&str] = &[
    "dollars", "dollar", "usd", "eur", "euro", "euros", "gbp", "pounds", "bucks", "k", "people",
    "employees", "users", "customers", "members", "visitors", "leads", "units", "items", "records",
    "rows", "contacts", "views", "downloads", "subscribers", "followers", "messages", "emails",
    "per", "a", "monthly", "annually",
];

#[rustfmt::skip]
const NOT_PHONE_BEFORE: &[&str] = &[
    "budget", "usd", "eur", "gbp", "revenue", "arr", "mrr", "order", "invoice", "ticket", "id",
    "ref", "reference", "account", "spend", "pay",
];

/// The visitor's name, and the company named right beside it ("Jane from Acme").
fn named(message: &str) -> Option<(String, Option<String>)> {
    let cues = NAME_CUE.as_ref()?;
    let content_start = greeting_end(message);
    for cue in cues.find_iter(message) {
        let said = cue.as_str().as_bytes();
        let strong = contains_ci(cue.as_str(), "name") || contains_ci(cue.as_str(), "call");
        // "this is …" and "it's …" introduce a name only as the opening words, and "it's Sarah"
        // only after a greeting ("hi, it's Sarah"): alone, "it's Acme" usually answers
        // something else. "This is Synaptiq, right?" asks.
        let it_s = said.len() >= 2 && said[..2].eq_ignore_ascii_case(b"it");
        let opening_only = it_s || matches!(said.first(), Some(b't' | b'T' | b'h' | b'H'));
        let greeted = !message[..content_start].trim().is_empty();
        if opening_only
            && (cue.start() != content_start
                || (it_s && !greeted)
                || message.trim_end().ends_with('?'))
        {
            continue;
        }
        if strong && !starts_with_ci(cue.as_str(), "my") {
            let before = prev_word(message, cue.start());
            if is_in(before, NOT_A_PERSON) {
                continue;
            }
        }
        let strength = if strong { Cue::Strong } else { Cue::Weak };
        if let Some((name, used)) = leading_name(&message[cue.end()..], strength) {
            let company = company_after_name(&message[cue.end() + used..]);
            return Some((name, company));
        }
    }
    name_here(message, content_start)
}

/// Words before "name is" that make it some other thing's name ("company name is Acme").
#[rustfmt::skip]
const NOT_A_PERSON: &[&str] = &[
    "company", "company's", "business", "org", "organization", "organisation", "firm", "startup",
    "brand", "product", "app", "project", "domain", "file", "team", "agency", "store", "shop",
    "site", "website", "user", "last", "middle", "channel", "account", "its", "their",
];

/// "Jane here", "Hi, Jane Smith here from Acme".
fn name_here(message: &str, content_start: usize) -> Option<(String, Option<String>)> {
    let rest = &message[content_start..];
    let (name, used) = leading_name(rest, Cue::Weak)?;
    if name.split(' ').count() > 2 {
        return None;
    }
    let mut after = rest[used..].trim_start();
    let mut company = None;
    // "Anna from Initech here".
    let connector = leading_word(after);
    if is_in(connector, &["from", "with", "at"]) {
        let named = &after[connector.len()..];
        let cue = if same_word(connector, "from") {
            CompanyCue::From
        } else {
            CompanyCue::Explicit
        };
        let (start, end) = company_span(named, cue)?;
        company = Some(named[start..end].to_owned());
        after = named[end..].trim_start();
    }
    if !starts_with_word_ci(after, "here") {
        return None;
    }
    let tail = &after[4..];
    let next = next_word(tail);
    let closes = tail
        .trim_start()
        .chars()
        .next()
        .is_none_or(|c| ",.!;:-–".contains(c));
    if !(closes || is_in(next, &["from", "with", "at", "and"])) {
        return None;
    }
    Some((name, company.or_else(|| company_after_name(tail))))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    /// "my name is", "call me": whatever name-like word follows.
    Strong,
    /// "I'm", "this is": often followed by an adjective or verb, so those are refused.
    Weak,
}

/// Up to three name-like words at the start of `s`: the tidied name and the bytes it spans.
fn leading_name(s: &str, cue: Cue) -> Option<(String, usize)> {
    let mut words = [""; 3];
    let mut count = 0;
    let mut pos = 0;
    let mut capitalised = false;
    while count < 3 {
        let rest = &s[pos..];
        let trimmed = rest.trim_start();
        if count > 0 && rest[..rest.len() - trimmed.len()].contains('\n') {
            break;
        }
        let start = pos + rest.len() - trimmed.len();
        let run = trimmed
            .find(|c: char| !(c.is_alphabetic() || matches!(c, '-' | '\'' | '’')))
            .unwrap_or(trimmed.len());
        let word = trimmed[..run].trim_end_matches(['-', '\'', '’']);
        if word.is_empty() {
            break;
        }
        let after = &trimmed[word.len()..];
        let last = match after.chars().next() {
            None => true,
            Some(c) if c.is_whitespace() => false,
            Some(',' | ';' | ':' | '!' | '?' | ')' | '(' | '"') => true,
            Some('.') => after[1..].chars().next().is_none_or(char::is_whitespace),
            // Part of an address, a handle or a number: not a name.
            Some(_) => break,
        };
        if !name_word_ok(word, cue, count, capitalised) {
            break;
        }
        if count == 0 {
            capitalised = word.starts_with(char::is_uppercase);
        }
        words[count] = word;
        count += 1;
        pos = start + word.len();
        if last || (cue == Cue::Weak && !capitalised && count == 2) {
            break;
        }
    }
    (count > 0).then(|| (tidy_name(&words[..count]), pos))
}

fn name_word_ok(word: &str, cue: Cue, index: usize, capitalised: bool) -> bool {
    let Some(first) = word.chars().next() else {
        return false;
    };
    let letters = word.chars().count();
    if !first.is_alphabetic() || letters > 30 || is_stop(word) {
        return false;
    }
    if letters < 2 && !(index > 0 && first.is_uppercase()) {
        return false;
    }
    if index > 0 && capitalised && !first.is_uppercase() {
        return false;
    }
    // After "I'm", a lower-case -ing or -ed word is what they are doing, not who they are.
    let lower_case = !word.chars().any(char::is_uppercase);
    !(cue == Cue::Weak
        && lower_case
        && (word.ends_with("ing") || (letters >= 6 && word.ends_with("ed"))))
}

/// Joins name words, capitalising those typed all in lower case ("o'neil" → "O'Neil").
fn tidy_name(words: &[&str]) -> String {
    let mut name = String::with_capacity(words.iter().map(|w| w.len() + 1).sum());
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            name.push(' ');
        }
        // "McDonald" stays as typed; "jane" and a shouted "JANE" become "Jane".
        let shouted = word.chars().count() >= 3 && !word.chars().any(char::is_lowercase);
        if word.chars().any(char::is_uppercase) && !shouted {
            name.push_str(word);
            continue;
        }
        let mut capital = true;
        for c in word.chars() {
            if capital {
                name.extend(c.to_uppercase());
            } else {
                name.extend(c.to_lowercase());
            }
            capital = matches!(c, '-' | '\'' | '’');
        }
    }
    name
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CompanyCue {
    /// "I work at", "company is", "CTO at": the next words are the company.
    Explicit,
    /// "from": also used for places, so a known country or city is refused.
    From,
    /// "we're": only a capitalised name, since "we're small/hiring/…" is far more common.
    We,
}

/// The company an explicit cue names; a later one wins, since corrections come last.
fn stated_company(message: &str) -> Option<String> {
    let cues = COMPANY_CUE.as_ref()?;
    let mut found = None;
    for cue in cues.captures_iter(message) {
        let Some(whole) = cue.get(0) else { continue };
        let kind = if cue.name("from").is_some() {
            CompanyCue::From
        } else if cue.name("we").is_some() {
            CompanyCue::We
        } else {
            CompanyCue::Explicit
        };
        if let Some(company) = leading_company(&message[whole.end()..], kind) {
            found = Some(company);
        }
    }
    found
}

/// A message that opens with "from Acme Corp.".
fn leading_from(message: &str) -> Option<String> {
    let cue = LEADING_FROM.as_ref()?.find(message)?;
    leading_company(&message[cue.end()..], CompanyCue::From)
}

/// The company after a name: " from Acme", ", CTO at Acme", " here with Globex".
fn company_after_name(rest: &str) -> Option<String> {
    let mut pos = 0;
    let mut titled = false;
    for _ in 0..8 {
        let tail = &rest[pos..];
        let trimmed = tail.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let word = trimmed[..len].trim_end_matches(',');
        if word.is_empty() || word.ends_with(['.', '!', '?', ';', ':']) {
            return None;
        }
        pos += tail.len() - trimmed.len() + len;
        let after = &rest[pos..];
        if same_word(word, "from") {
            return leading_company(after, CompanyCue::From);
        }
        if is_in(word, &["with", "at", "@"]) {
            return leading_company(after, CompanyCue::Explicit);
        }
        if titled && is_in(word, &["of", "for"]) {
            if let Some(company) = leading_company(after, CompanyCue::Explicit) {
                return Some(company);
            }
            continue;
        }
        let title = is_in(word, TITLE_HEADS) || is_in(word, TITLE_MODIFIERS);
        if !(title || is_in(word, &["here", "the", "a", "an", "and", "&", "of"])) {
            return None;
        }
        titled |= title;
    }
    None
}

/// One word of a company name, as typed, and whether punctuation ended the name after it.
struct Piece<'a> {
    start: usize,
    text: &'a str,
    last: bool,
}

/// The company name at the start of `s`: up to five words, stopping at a common word, a
/// sentence end or an email address.
fn leading_company(s: &str, cue: CompanyCue) -> Option<String> {
    company_span(s, cue).map(|(start, end)| s[start..end].to_owned())
}

/// Where the company name at the start of `s` lies, as byte offsets.
fn company_span(s: &str, cue: CompanyCue) -> Option<(usize, usize)> {
    let mut pieces: Vec<Piece<'_>> = Vec::with_capacity(6);
    let mut pos = 0;
    while pieces.len() < 6 {
        let rest = &s[pos..];
        let trimmed = rest.trim_start();
        let gap = &rest[..rest.len() - trimmed.len()];
        if trimmed.is_empty() || (!pieces.is_empty() && gap.contains('\n')) {
            break;
        }
        let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let raw = &trimmed[..len];
        let opened = raw.trim_start_matches(['"', '“', '(', '\'', '‘']);
        let text = opened.trim_end_matches(|c: char| ".,;:!?)\"”'’".contains(c));
        let start = pos + gap.len() + (raw.len() - opened.len());
        pos += gap.len() + len;
        if text.is_empty() || text.contains('@') || text.contains("://") {
            break;
        }
        let last = text.len() < opened.len();
        pieces.push(Piece { start, text, last });
        if last {
            break;
        }
    }
    let first = pieces.first()?;
    if !company_start_ok(first.text, cue) {
        return None;
    }
    let capitalised = first
        .text
        .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
    let mut end = first.start + first.text.len();
    let mut stop = first.last;
    for (i, piece) in pieces.iter().enumerate().skip(1) {
        if stop || i >= 5 {
            break;
        }
        let next = pieces.get(i + 1).map(|p| p.text);
        if !company_continues(piece.text, capitalised, next) {
            break;
        }
        end = piece.start + piece.text.len();
        stop = piece.last;
    }
    if cue == CompanyCue::From && is_in(&s[first.start..end], PLACES) {
        return None;
    }
    Some((first.start, end))
}

fn company_start_ok(word: &str, cue: CompanyCue) -> bool {
    if !word.chars().any(char::is_alphabetic) || is_stop(word) || looks_like_quantity(word) {
        return false;
    }
    let capital = word.starts_with(char::is_uppercase);
    if cue == CompanyCue::We && !capital {
        return false;
    }
    if cue == CompanyCue::From && is_in(word, PLACES) {
        return false;
    }
    capital || !(word.ends_with("ing") || (word.len() >= 6 && word.ends_with("ed")))
}

fn company_continues(word: &str, capitalised: bool, next: Option<&str>) -> bool {
    // "Acme Corp", "Nordic AS" — but not "acme as a vendor".
    if is_in(word, COMPANY_SUFFIXES) && (!is_stop(word) || !word.chars().any(char::is_lowercase)) {
        return true;
    }
    if capitalised {
        // "Bank of America", "Johnson & Johnson", "Procter and Gamble".
        if is_in(word, &["&", "of", "and", "for", "de", "+"]) {
            return next.is_some_and(|n| n.starts_with(char::is_uppercase));
        }
        return word.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            && !is_stop(word);
    }
    let verb_like = word.ends_with("ing") || (word.len() >= 6 && word.ends_with("ed"));
    word.chars().any(char::is_alphabetic)
        && !is_stop(word)
        && !looks_like_quantity(word)
        && !verb_like
}

/// "200", "3pm", "5k", "2nd": numbers with a unit, never a company.
fn looks_like_quantity(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && is_in(
            &word[digits..],
            &[
                "", "am", "pm", "k", "m", "st", "nd", "rd", "th", "x", "s", "%", "h", "hrs",
            ],
        )
}

#[rustfmt::skip]
const COMPANY_SUFFIXES: &[&str] = &[
    "inc", "inc.", "ltd", "ltd.", "llc", "llp", "corp", "corp.", "co", "co.", "gmbh", "ag", "sa",
    "sas", "sarl", "srl", "spa", "plc", "bv", "nv", "oy", "ab", "as", "pty", "limited",
    "corporation", "incorporated", "group", "labs", "technologies", "holdings",
];

#[rustfmt::skip]
const PLACES: &[&str] = &[
    "usa", "us", "america", "uk", "england", "scotland", "wales", "ireland", "canada", "mexico",
    "brazil", "argentina", "chile", "colombia", "germany", "france", "spain", "italy", "portugal",
    "netherlands", "holland", "belgium", "switzerland", "austria", "sweden", "norway", "denmark",
    "finland", "poland", "ukraine", "russia", "turkey", "greece", "israel", "egypt", "nigeria",
    "kenya", "south africa", "india", "pakistan", "china", "japan", "korea", "singapore",
    "australia", "new zealand", "indonesia", "philippines", "vietnam", "thailand", "malaysia",
    "dubai", "uae", "europe", "asia", "africa", "london", "paris", "berlin", "madrid", "barcelona",
    "rome", "milan", "amsterdam", "munich", "vienna", "zurich", "stockholm", "dublin", "lisbon",
    "toronto", "vancouver", "montreal", "new york", "nyc", "san francisco", "sf", "los angeles",
    "la", "chicago", "boston", "seattle", "austin", "texas", "california", "florida", "sydney",
    "melbourne", "tokyo", "mumbai", "bangalore", "delhi", "hong kong", "the us", "the uk",
    "the states", "the netherlands", "abroad", "overseas",
];

// ───────────────────────── qualification answers ─────────────────────────

/// Company size in people: "50 people", "a team of 12", "10-50 employees" (upper bound),
/// "just me" (1), "5k employees", "a few hundred staff"; a whole reply that is only a
/// quantity ("200", "10-50", "two") counts too.
pub fn company_size(text: &str) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    let money = tokens.iter().any(|t| is_currency(t.tok));
    size_in(&lower, &tokens).or_else(|| {
        bare_amount(&tokens, SIZE_NOUNS)
            .filter(|_| !money)
            .filter(|v| *v >= 1.0)
            .and_then(whole_u32)
    })
}

/// A budget as a whole number of the visitor's currency: "$5k", "5,000 dollars", "around 10k
/// a month" (per period as said, not annualised), "€20000", "20 grand", "no budget" (0),
/// "1.5k", "$2m"; a whole reply that is only an amount ("5000", "none") counts too.
pub fn budget(text: &str) -> Option<u64> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    budget_in(&lower, &tokens).or_else(|| bare_budget(&lower, &tokens))
}

/// When the visitor means to start, in months from now: "asap" 0, "this month" / "in 2
/// weeks" 1, "next quarter" 3, "by end of year" 6, "next year" 12, and vague answers ("just
/// browsing", "not sure", "no rush") 24. A definite time wins over a vague one.
pub fn timeline_months(text: &str) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    timeline_in(&lower, &tokens, true)
}

/// The visitor's job title, as typed with acronyms upper-cased: "I'm the CTO" → "CTO",
/// "head of sales", "VP Engineering", "I'm an intern" → "intern". The title must follow a
/// cue about the visitor ("I'm", "as", "my role is", "Jane Smith, …") or be the whole reply.
pub fn role(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let words = word_spans(&lower);
    if let Some((first, last)) = title_span(&lower, &words) {
        return Some(tidy_title(&text[words[first].0..words[last].1]));
    }
    founded_or_owned(&lower, &words)
}

/// Whether someone with this title can usually sign off a purchase.
pub fn is_decision_maker(role: &str) -> bool {
    let lower = role.to_ascii_lowercase();
    let words = || {
        lower
            .split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|w| !w.is_empty())
    };
    if words().any(|w| is_in(w, JUNIOR)) || lower.contains("product owner") {
        return false;
    }
    if lower.contains("general manager") || lower.contains("managing director") {
        return true;
    }
    let senior = words().any(|w| is_in(w, SENIOR)) || lower.contains("vice president");
    let head_noun = words().next_back().unwrap_or_default();
    if is_in(head_noun, INDIVIDUAL) && !(words().any(|w| is_in(w, HEAD_SENIOR))) {
        return false;
    }
    senior
}

#[rustfmt::skip]
const JUNIOR: &[&str] = &[
    "assistant", "intern", "internship", "student", "trainee", "apprentice", "junior", "jr",
];
#[rustfmt::skip]
const SENIOR: &[&str] = &[
    "ceo", "cto", "cfo", "coo", "cmo", "cro", "cio", "cpo", "ciso", "cso", "cxo", "cdo", "chief",
    "founder", "co-founder", "cofounder", "founders", "owner", "co-owner", "president", "vp",
    "svp", "evp", "avp", "head", "director", "partner", "principal", "proprietor", "chairman",
    "chairwoman", "md", "gm", "boss", "entrepreneur", "solopreneur", "executive",
];
/// Titles that stay senior whatever follows them ("VP product management").
#[rustfmt::skip]
const HEAD_SENIOR: &[&str] = &[
    "ceo", "cto", "cfo", "coo", "cmo", "cro", "chief", "founder", "co-founder", "cofounder", "vp",
    "svp", "evp", "president", "head", "director",
];
#[rustfmt::skip]
const INDIVIDUAL: &[&str] = &[
    "manager", "engineer", "developer", "dev", "analyst", "specialist", "coordinator", "rep",
    "representative", "designer", "consultant", "administrator", "admin", "scientist",
    "researcher", "marketer", "recruiter", "accountant", "architect", "lead", "associate",
    "executive", "sdr", "bdr", "ae", "programmer", "writer", "editor", "strategist",
];

/// The sentence in which the visitor says what they need ("we need help handling inbound
/// leads faster", "we're looking for a way to …"), trimmed to the clause that says it.
pub fn need(text: &str) -> Option<String> {
    let cues = NEED_CUE.as_ref()?;
    cues.find_iter(text)
        .find(|cue| need_cue_counts(text, cue.start(), cue.end()))
        .map(|cue| need_clause(text, cue.start()))
        .filter(|clause| !clause.is_empty())
}

/// "yes", "sure", "sounds good", "please do" → true; "no", "not now", "later" → false;
/// anything else (including "not sure") → `None`. Reads the first clause only, so "no, the
/// company is Acme Inc" is a no.
pub fn yes_no(text: &str) -> Option<bool> {
    let lower = lowered(text);
    let clause = lower
        .split(|c: char| ",.!;:?\n(".contains(c))
        .map(|c| c.trim_matches(|c: char| c.is_whitespace() || "-–—~*\"'".contains(c)))
        .find(|c| !c.is_empty())?;
    if clause.starts_with('👍') {
        return Some(true);
    }
    if clause.starts_with('👎') {
        return Some(false);
    }
    if YES_PHRASES.contains(&clause) {
        return Some(true);
    }
    if NO_PHRASES.contains(&clause) || clause.ends_with(" not") {
        return Some(false);
    }
    if UNDECIDED.iter().any(|p| starts_with_phrase(clause, p)) {
        return None;
    }
    if ["no problem", "no worries", "no prob"]
        .iter()
        .any(|p| starts_with_phrase(clause, p))
    {
        return Some(true);
    }
    // "ok so how does it work" opens a question with a filler, it does not say yes.
    let first = clause.split_whitespace().next().unwrap_or_default();
    let rest = clause[first.len()..].trim_start();
    if clause.split_whitespace().count() > 5 || sentence_asks(rest, false) {
        return None;
    }
    if YES_WORDS.contains(&first) {
        return Some(true);
    }
    if NO_WORDS.contains(&first) || starts_with_phrase(clause, "not now") {
        return Some(false);
    }
    None
}

#[rustfmt::skip]
const UNDECIDED: &[&str] = &[
    "not sure", "maybe", "perhaps", "i don't know", "i dont know", "dunno", "idk", "no idea",
    "possibly", "it depends", "depends", "not certain", "unsure", "hmm", "let me think",
];
#[rustfmt::skip]
const YES_PHRASES: &[&str] = &[
    "y", "k", "kk", "please", "please do", "sounds good", "sounds great", "sounds perfect",
    "sounds fine", "perfect", "great", "cool", "awesome", "fine", "that works", "works for me",
    "that would be great", "that'd be great", "go ahead", "go for it", "let's do it", "lets do it",
    "let's do that", "do it", "why not", "i'd like that", "i would like that", "i'd love that",
    "i would love that", "love to", "i'd love to", "would love to", "of course", "for sure",
    "correct", "right", "that's right", "exactly", "indeed", "deal", "i do", "we do", "i am",
    "we are", "it is", "send it", "book it", "all right", "affirmative", "good idea",
];
#[rustfmt::skip]
const NO_PHRASES: &[&str] = &[
    "n", "later", "maybe later", "not now", "not yet", "not really", "not interested", "not today",
    "not at the moment", "not right now", "not for now", "not at all", "some other time",
    "another time", "no way", "pass", "i'll pass", "ill pass", "i'm good", "im good", "i'm ok",
    "i'm fine", "i'm all set", "all set", "i don't", "we don't", "i dont", "we dont", "don't",
    "negative", "nothing", "i'd rather not", "rather not", "no need", "skip", "stop", "cancel",
];
#[rustfmt::skip]
const YES_WORDS: &[&str] = &[
    "yes", "yeah", "yep", "yup", "yea", "ya", "yes!", "sure", "ok", "okay", "alright",
    "absolutely", "definitely", "certainly", "gladly",
];
const NO_WORDS: &[&str] = &["no", "nope", "nah", "never", "nay"];

/// Whether the visitor asked something: a sentence ends with '?' or opens with a question
/// word. "How about Tuesday 10am?" proposes rather than asks, so it is not a question.
pub fn is_question(text: &str) -> bool {
    let lower = lowered(text);
    let mut start = 0;
    let bytes = lower.as_bytes();
    for (i, c) in lower.char_indices() {
        let ends = match c {
            '?' | '!' | '\n' => true,
            // A dot inside "acme.com" or "1.5k" does not end a sentence.
            '.' => bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace),
            _ => false,
        };
        if ends {
            if sentence_asks(&lower[start..i], c == '?') {
                return true;
            }
            start = i + c.len_utf8();
        }
    }
    sentence_asks(&lower[start..], false)
}

fn sentence_asks(sentence: &str, question_mark: bool) -> bool {
    let mut rest = sentence.trim();
    // Openers that do not change what the sentence is: "hi, do you …", "ok so how …".
    loop {
        let word = leading_word(rest);
        if word.is_empty() || !is_in(word, OPENERS) {
            break;
        }
        rest = rest[word.len()..]
            .trim_start_matches(|c: char| c.is_whitespace() || ",!-–".contains(c));
    }
    if rest.is_empty() || STATEMENTS.iter().any(|s| starts_with_phrase(rest, s)) {
        return false;
    }
    question_mark || is_in(leading_word(rest), QUESTION_WORDS)
}

#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "hi", "hello", "hey", "ok", "okay", "so", "and", "but", "also", "oh", "um", "uh", "well",
    "thanks", "great", "cool", "quick", "question", "btw", "anyway", "sorry",
];
#[rustfmt::skip]
const STATEMENTS: &[&str] = &[
    "how about", "do it", "do that", "do so", "will do", "would love", "would like", "would be",
    "would prefer", "can do", "what a", "who cares", "when possible",
];
#[rustfmt::skip]
const QUESTION_WORDS: &[&str] = &[
    "what", "what's", "whats", "how", "how's", "hows", "do", "does", "did", "can", "could", "is",
    "isn't", "are", "aren't", "which", "who", "who's", "whom", "whose", "when", "when's", "where",
    "where's", "why", "would", "will", "should", "shall", "may",
];

/// Reads a short reply to the question the agent just asked about `field` ("company_size",
/// "budget", "timeline", "role", "need"), accepting bare numbers and words a volunteered
/// statement would need a cue for ("200", "cto", "3").
pub fn answer_to(field: &str, text: &str) -> Option<Answer> {
    match field {
        "company_size" => company_size(text).map(Answer::CompanySize),
        "budget" => budget(text).map(Answer::Budget),
        "timeline" => timeline_months(text)
            .or_else(|| bare_months(text))
            .map(Answer::TimelineMonths),
        "role" => role(text)
            .or_else(|| short_reply(text, 5))
            .map(Answer::Role),
        "need" => need(text)
            .or_else(|| short_reply(text, 80))
            .map(Answer::Need),
        _ => None,
    }
}

/// Every qualification fact stated in a message without being asked ("we're 200 people and
/// want to start next month with about $10k"). Stricter than `answer_to`: every fact needs a
/// cue, and vague timelines ("not sure") are not taken as one.
pub fn volunteered(text: &str) -> Vec<Answer> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    let mut facts = Vec::new();
    if let Some(size) = size_in(&lower, &tokens) {
        facts.push(Answer::CompanySize(size));
    }
    if let Some(amount) = budget_in(&lower, &tokens) {
        facts.push(Answer::Budget(amount));
    }
    // "Can we meet next week?" is about a call, not about when they will buy.
    if !is_about_meeting(&lower)
        && let Some(months) = timeline_in(&lower, &tokens, false)
    {
        facts.push(Answer::TimelineMonths(months));
    }
    if let Some(title) = role(text) {
        facts.push(Answer::Role(title));
    }
    if let Some(said) = need(text) {
        facts.push(Answer::Need(said));
    }
    facts
}

// ───────────────────────── numbers in text ─────────────────────────

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    Word(&'a str),
    /// A number with any attached scale applied ("5k" → 5000, "1.5m" → 1500000).
    Num(f64),
    Sym(char),
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    /// Byte offset in the lowered text, to tell which of two phrases came first.
    at: usize,
}

/// Lower case with typographic apostrophes folded, so "We’re" matches "we're".
fn lowered(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            if matches!(c, '’' | '‘' | '`') {
                '\''
            } else {
                c
            }
        })
        .collect()
}

fn tokenize(lower: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(lower.len() / 4 + 1);
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(c) = lower[i..].chars().next() {
        if c.is_ascii_digit() {
            let mut end = i;
            while end < bytes.len()
                && (bytes[end].is_ascii_digit()
                    || (matches!(bytes[end], b'.' | b',')
                        && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
            {
                end += 1;
            }
            let mut value = parse_number(&lower[i..end]);
            let rest = &lower[end..];
            let letters = rest
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(rest.len());
            if let Some(scale) = attached_scale(&rest[..letters]) {
                value *= scale;
                end += letters;
            }
            tokens.push(Token {
                tok: Tok::Num(value),
                at: i,
            });
            i = end;
        } else if c.is_alphabetic() {
            let mut end = i;
            for (j, ch) in lower[i..].char_indices() {
                let inner_apostrophe = ch == '\''
                    && lower[i + j + 1..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphabetic);
                if !(ch.is_alphabetic() || inner_apostrophe) {
                    break;
                }
                end = i + j + ch.len_utf8();
            }
            tokens.push(Token {
                tok: Tok::Word(&lower[i..end]),
                at: i,
            });
            i = end;
        } else {
            if !c.is_whitespace() {
                tokens.push(Token {
                    tok: Tok::Sym(c),
                    at: i,
                });
            }
            i += c.len_utf8();
        }
    }
    tokens
}

/// Digits with separators: a ',' or '.' followed by exactly three digits groups thousands
/// ("5,000", "20.000"); otherwise it is the decimal point ("1.5", "1,5").
fn parse_number(s: &str) -> f64 {
    let bytes = s.as_bytes();
    let mut whole = 0.0_f64;
    let mut fraction = 0.0_f64;
    let mut scale = 1.0_f64;
    let mut in_fraction = false;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            let digit = f64::from(b - b'0');
            if in_fraction {
                scale /= 10.0;
                fraction += digit * scale;
            } else {
                whole = whole * 10.0 + digit;
            }
        } else if !in_fraction {
            let run = bytes[i + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            in_fraction = run != 3;
        } else {
            break;
        }
    }
    whole + fraction
}

fn attached_scale(suffix: &str) -> Option<f64> {
    match suffix {
        "k" => Some(1e3),
        "m" | "mm" | "mn" | "mil" => Some(1e6),
        "b" | "bn" => Some(1e9),
        _ => None,
    }
}

fn word<'a>(tokens: &[Token<'a>], i: usize) -> Option<&'a str> {
    match tokens.get(i)?.tok {
        Tok::Word(w) => Some(w),
        _ => None,
    }
}

fn sym(tokens: &[Token<'_>], i: usize) -> Option<char> {
    match tokens.get(i)?.tok {
        Tok::Sym(c) => Some(c),
        _ => None,
    }
}

fn is_word(tokens: &[Token<'_>], i: usize, options: &[&str]) -> bool {
    word(tokens, i).is_some_and(|w| options.contains(&w))
}

/// Skips hedges before a number: "about", "more than", "~".
fn skip_hedges(tokens: &[Token<'_>], mut i: usize) -> usize {
    for _ in 0..4 {
        if matches!(sym(tokens, i), Some('~' | '<' | '>' | '≈')) || is_word(tokens, i, HEDGES) {
            i += 1;
        } else if let (Some(a), Some(b)) = (word(tokens, i), word(tokens, i + 1))
            && HEDGE_PAIRS.contains(&(a, b))
        {
            i += 2;
        } else {
            break;
        }
    }
    i
}

#[rustfmt::skip]
const HEDGES: &[&str] = &[
    "about", "around", "approximately", "approx", "roughly", "nearly", "almost", "over", "under",
    "some", "maybe", "circa", "ca", "probably", "perhaps", "est", "estimated", "max", "maximum",
    "min", "minimum", "below", "above", "like",
];
const HEDGE_PAIRS: &[(&str, &str)] = &[
    ("more", "than"),
    ("less", "than"),
    ("fewer", "than"),
    ("up", "to"),
    ("at", "least"),
    ("at", "most"),
    ("close", "to"),
    ("just", "over"),
    ("just", "under"),
    ("north", "of"),
    ("upwards", "of"),
];

fn is_currency(tok: Tok<'_>) -> bool {
    matches!(tok, Tok::Sym('$' | '€' | '£' | '¥'))
}

fn skip_currency(tokens: &[Token<'_>], i: usize) -> usize {
    if tokens.get(i).is_some_and(|t| is_currency(t.tok)) {
        i + 1
    } else {
        i
    }
}

/// A quantity at `i`, hedges and ranges included: the value (a range's upper bound) and the
/// index after it.
fn amount(tokens: &[Token<'_>], i: usize) -> Option<(f64, usize)> {
    let mut i = skip_hedges(tokens, i);
    let between = is_word(tokens, i, &["between"]);
    if between {
        i = skip_currency(tokens, i + 1);
    }
    let (mut value, mut end) = one_quantity(tokens, i)?;
    let joined = matches!(sym(tokens, end), Some('-' | '–' | '—'))
        || is_word(tokens, end, &["to", "or"])
        || (between && is_word(tokens, end, &["and"]));
    if joined
        && let Some((upper, after)) = one_quantity(tokens, skip_currency(tokens, end + 1))
        && upper >= value
    {
        value = upper;
        end = after;
    }
    while sym(tokens, end) == Some('+') || is_word(tokens, end, &["ish", "odd", "plus"]) {
        end += 1;
    }
    Some((value, end))
}

fn one_quantity(tokens: &[Token<'_>], i: usize) -> Option<(f64, usize)> {
    match tokens.get(i)?.tok {
        Tok::Num(value) => Some(scaled(tokens, value, i + 1)),
        Tok::Word(_) => number_words(tokens, i),
        Tok::Sym(_) => None,
    }
}

/// Applies a following scale word: "5 thousand", "20 grand", "two hundred".
fn scaled(tokens: &[Token<'_>], mut value: f64, mut end: usize) -> (f64, usize) {
    for _ in 0..2 {
        let scale = match word(tokens, end) {
            Some("hundred") => 1e2,
            Some("k" | "thousand" | "grand") => 1e3,
            Some("m" | "mil" | "million" | "mm" | "mn") => 1e6,
            Some("bn" | "billion") => 1e9,
            _ => break,
        };
        value *= scale;
        end += 1;
    }
    (value, end)
}

fn number_words(tokens: &[Token<'_>], i: usize) -> Option<(f64, usize)> {
    let of = |j: usize| {
        if is_word(tokens, j, &["of"]) {
            j + 1
        } else {
            j
        }
    };
    let (value, end) = match word(tokens, i)? {
        "a" | "an" => match word(tokens, i + 1)? {
            "couple" => (2.0, of(i + 2)),
            "few" => (3.0, i + 2),
            "dozen" => (12.0, i + 2),
            "hundred" | "thousand" | "million" => (1.0, i + 1),
            _ => return None,
        },
        "couple" => (2.0, of(i + 1)),
        "few" => (3.0, i + 1),
        "several" => (5.0, i + 1),
        "dozen" => (12.0, i + 1),
        "dozens" => (30.0, of(i + 1)),
        "hundreds" => (300.0, of(i + 1)),
        "thousands" => (3000.0, of(i + 1)),
        w => {
            let value = small_number(w)?;
            let mut end = i + 1;
            let unit_at = if sym(tokens, end) == Some('-') {
                end + 1
            } else {
                end
            };
            let tens = value >= 20.0 && value % 10.0 == 0.0;
            match word(tokens, unit_at).and_then(small_number) {
                Some(unit) if tens && (1.0..10.0).contains(&unit) => {
                    end = unit_at + 1;
                    (value + unit, end)
                }
                _ => (value, end),
            }
        }
    };
    Some(scaled(tokens, value, end))
}

fn small_number(w: &str) -> Option<f64> {
    #[rustfmt::skip]
    const WORDS: &[&str] = &[
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen",
    ];
    #[rustfmt::skip]
    const TENS: &[&str] = &[
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(n) = WORDS.iter().position(|x| *x == w) {
        return Some(n as f64);
    }
    TENS.iter()
        .position(|x| *x == w)
        .map(|n| (n as f64 + 2.0) * 10.0)
}

/// The whole message is one quantity, give or take hedges and trailing filler ("about 200",
/// "10-50", "5k or so", "€5000").
fn bare_amount(tokens: &[Token<'_>], also_after: &[&str]) -> Option<f64> {
    let mut i = 0;
    while is_word(tokens, i, BARE_LEAD) {
        i += 1;
    }
    let (value, mut end) = amount(tokens, skip_currency(tokens, skip_hedges(tokens, i)))?;
    while end < tokens.len()
        && (sym(tokens, end).is_some()
            || is_word(tokens, end, BARE_TAIL)
            || is_word(tokens, end, also_after))
    {
        end += 1;
    }
    (end == tokens.len()).then_some(value)
}

#[rustfmt::skip]
const BARE_LEAD: &[&str] = &[
    "we're", "we", "are", "were", "it's", "its", "it", "is", "i'd", "id", "say", "i", "guess",
    "think", "our", "budget", "size", "team", "headcount", "total", "just",
];
#[rustfmt::skip]
const BARE_TAIL: &[&str] = &[
    "ish", "or", "so", "odd", "total", "in", "all", "give", "take", "tops", "max", "at", "most",
    "more", "less", "roughly", "approx", "approximately",
];

fn whole_u32(value: f64) -> Option<u32> {
    (value.is_finite() && value >= 0.0 && value < f64::from(u32::MAX)).then(|| value.round() as u32)
}

fn whole_u64(value: f64) -> Option<u64> {
    (0.0..1e18).contains(&value).then(|| value.round() as u64)
}

fn size_in(lower: &str, tokens: &[Token<'_>]) -> Option<u32> {
    if let Some(n) = alone_or_with(lower) {
        return Some(n);
    }
    for i in 0..tokens.len() {
        let Some((value, end)) = amount(tokens, i) else {
            continue;
        };
        if value < 1.0 {
            continue;
        }
        let counted = size_noun_at(tokens, end)
            || size_cue_before(tokens, i)
            || is_word(tokens, end, &["strong"])
            || (is_word(tokens, end, &["of"]) && is_word(tokens, end + 1, &["us", "them"]))
            || we_are_count(tokens, i, end);
        if counted {
            return whole_u32(value);
        }
    }
    None
}

/// "just me" (1), "just me and my cofounder" (2), "me and 3 others" (4), "solo founder" (1).
fn alone_or_with(lower: &str) -> Option<u32> {
    for phrase in ["just me", "only me", "just myself", "only myself"] {
        let Some(at) = find_phrase(lower, phrase) else {
            continue;
        };
        let rest = lower[at + phrase.len()..].trim_start();
        let Some(rest) = rest
            .strip_prefix("and ")
            .or_else(|| rest.strip_prefix("plus "))
            .or_else(|| rest.strip_prefix("+ "))
        else {
            return Some(1);
        };
        let tokens = tokenize(rest);
        if let Some((others, end)) = amount(&tokens, 0)
            && (is_word(&tokens, end, &["others", "other", "more"]) || size_noun_at(&tokens, end))
        {
            return whole_u32(others + 1.0);
        }
        if is_word(&tokens, 0, &["my", "a", "one", "another"]) {
            return Some(2);
        }
        return Some(1);
    }
    ALONE
        .iter()
        .any(|p| find_phrase(lower, p).is_some())
        .then_some(1)
}

#[rustfmt::skip]
const ALONE: &[&str] = &[
    "solo", "solopreneur", "by myself", "on my own", "one-man", "one-woman", "one-person",
    "one man band", "sole trader", "sole proprietor", "self-employed", "self employed",
];

fn size_noun_at(tokens: &[Token<'_>], mut i: usize) -> bool {
    for _ in 0..3 {
        if sym(tokens, i) == Some('-') || is_word(tokens, i, SIZE_MODIFIERS) {
            i += 1;
        } else {
            break;
        }
    }
    is_word(tokens, i, SIZE_NOUNS)
}

#[rustfmt::skip]
const SIZE_NOUNS: &[&str] = &[
    "people", "persons", "person", "peeps", "ppl", "employees", "employee", "staff", "staffers",
    "folks", "members", "fte", "ftes", "heads", "engineers", "developers", "devs", "workers",
    "colleagues", "teammates", "reps", "salespeople", "humans", "guys", "consultants", "agents",
    "coworkers",
];
#[rustfmt::skip]
const SIZE_MODIFIERS: &[&str] = &[
    "full", "time", "fulltime", "part", "parttime", "permanent", "total", "in", "house", "inhouse",
    "sales", "support", "engineering", "tech", "technical", "remote", "team", "active", "paid",
    "other", "more", "core",
];

#[rustfmt::skip]
const SIZE_GROUPS: &[&str] = &[
    "team", "company", "staff", "headcount", "org", "organization", "organisation", "business",
    "firm", "agency", "startup", "crew", "group", "workforce",
];

fn size_cue_before(tokens: &[Token<'_>], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let before = i - 1;
    (is_word(tokens, before, &["of"]) && before > 0 && is_word(tokens, before - 1, SIZE_GROUPS))
        || is_word(
            tokens,
            before,
            &["headcount", "size", "employ", "employs", "employing"],
        )
        || ((is_word(tokens, before, &["is", "of"]) || sym(tokens, before) == Some(':'))
            && before > 0
            && is_word(tokens, before - 1, &["headcount", "size"]))
}

/// "we're 200" (and nothing else after the number): a head count.
fn we_are_count(tokens: &[Token<'_>], i: usize, end: usize) -> bool {
    let after_we = i > 0
        && (is_word(tokens, i - 1, &["we're", "were"])
            || (i > 1 && is_word(tokens, i - 1, &["are"]) && is_word(tokens, i - 2, &["we"])));
    after_we
        && (end == tokens.len()
            || matches!(sym(tokens, end), Some('.' | ',' | '!' | ';' | ')'))
            || is_word(
                tokens,
                end,
                &["and", "but", "so", "now", "total", "in", "at"],
            ))
}

fn budget_in(lower: &str, tokens: &[Token<'_>]) -> Option<u64> {
    for i in 0..tokens.len() {
        let currency_first = tokens.get(i).is_some_and(|t| is_currency(t.tok))
            || is_word(tokens, i, &["usd", "eur", "gbp", "us$"]);
        let found = currency_first
            .then(|| amount(tokens, skip_currency(tokens, i + 1)))
            .flatten()
            .or_else(|| amount(tokens, i).filter(|&(value, end)| is_money(tokens, i, value, end)));
        if let Some((value, end)) = found {
            if !about_other_money(tokens, i, end) {
                return whole_u64(value);
            }
            continue;
        }
        if is_word(tokens, i, BUDGET_CUES)
            && let Some(value) = amount_after_cue(tokens, i + 1)
        {
            return Some(value);
        }
    }
    zero_budget(lower).then_some(0)
}

/// An amount from `i` to `end` is money when a currency or a period goes with it.
fn is_money(tokens: &[Token<'_>], i: usize, value: f64, end: usize) -> bool {
    is_word(tokens, end - 1, &["grand"])
        || tokens[i..end].iter().any(|t| is_currency(t.tok))
        || tokens.get(end).is_some_and(|t| is_currency(t.tok))
        || is_word(tokens, end, CURRENCY_WORDS)
        || is_word(tokens, end, &["budget"])
        || (value >= 100.0 && per_period(tokens, end))
}

/// "$2M ARR", "we raised $5m": money that is not what they would spend.
fn about_other_money(tokens: &[Token<'_>], i: usize, end: usize) -> bool {
    for j in (i.saturating_sub(4)..i).rev() {
        if is_word(tokens, j, BUDGET_CUES) {
            return false;
        }
        if is_word(tokens, j, OTHER_MONEY) {
            return true;
        }
    }
    (end..end + 3).any(|j| is_word(tokens, j, OTHER_MONEY))
}

#[rustfmt::skip]
const OTHER_MONEY: &[&str] = &[
    "revenue", "revenues", "arr", "mrr", "raised", "raise", "funding", "valuation", "valued",
    "turnover", "salary", "salaries", "profit", "profits", "sales", "worth", "lost", "loss",
    "funded", "round", "seed", "series", "cheapest", "quote", "quoted", "priced", "charge",
    "charges", "charged", "cost", "costs", "price",
];

#[rustfmt::skip]
const CURRENCY_WORDS: &[&str] = &[
    "dollars", "dollar", "usd", "eur", "euro", "euros", "gbp", "pounds", "pound", "bucks", "quid",
    "chf", "cad", "aud",
];
#[rustfmt::skip]
const BUDGET_TAIL: &[&str] = &[
    "dollars", "dollar", "usd", "eur", "euro", "euros", "gbp", "pounds", "pound", "bucks", "quid",
    "chf", "cad", "aud", "a", "per", "month", "year", "monthly", "annually", "budget",
];
#[rustfmt::skip]
const BUDGET_CUES: &[&str] = &[
    "budget", "budgeted", "budgeting", "spend", "spending", "afford", "invest", "investing",
    "allocate", "allocated", "pay", "paying",
];
#[rustfmt::skip]
const NOT_MONEY: &[&str] = &[
    "people", "persons", "person", "employees", "staff", "users", "customers", "clients", "months",
    "month", "weeks", "week", "days", "day", "years", "year", "hours", "seats", "licenses",
    "licences", "leads", "visitors", "percent", "times", "x", "members", "agents", "reps", "ppl",
    "contacts", "emails", "messages", "calls", "meetings", "demos", "pages",
];

/// The amount a budget cue introduces within a few words ("our budget for this is about 8k").
fn amount_after_cue(tokens: &[Token<'_>], from: usize) -> Option<u64> {
    for j in from..(from + 7).min(tokens.len()) {
        if is_word(tokens, j, &["none", "nothing", "nil", "zero"]) {
            return Some(0);
        }
        if let Some((value, end)) = amount(tokens, skip_currency(tokens, j)) {
            if is_word(tokens, end, NOT_MONEY) || sym(tokens, end) == Some('%') {
                return None;
            }
            return whole_u64(value);
        }
    }
    None
}

fn per_period(tokens: &[Token<'_>], i: usize) -> bool {
    let periods = [
        "month", "year", "quarter", "mo", "yr", "annum", "week", "m", "y", "q",
    ];
    ((is_word(tokens, i, &["a", "per", "each", "every", "an"]) || sym(tokens, i) == Some('/'))
        && is_word(tokens, i + 1, &periods))
        || is_word(
            tokens,
            i,
            &["monthly", "annually", "yearly", "quarterly", "pm", "pa"],
        )
}

#[rustfmt::skip]
const NOT_ZERO_AFTER: &[&str] = &[
    "limit", "limits", "constraint", "constraints", "cap", "issue", "issues", "problem",
    "problems", "ceiling",
];

fn zero_budget(lower: &str) -> bool {
    #[rustfmt::skip]
    const ZERO: &[&str] = &[
        "no budget", "zero budget", "budget is zero", "budget is none", "budget is nil",
        "budget is nothing", "budget: none", "budget: zero", "don't have a budget",
        "dont have a budget", "do not have a budget", "don't have any budget",
        "dont have any budget", "do not have any budget", "have no budget", "no money", "no funds",
        "no funding", "not have a budget",
    ];
    ZERO.iter().any(|p| {
        find_phrase(lower, p).is_some_and(|at| {
            // "no budget limit" means the opposite.
            let next = next_word(&lower[at + p.len()..]);
            !is_in(next, NOT_ZERO_AFTER)
        })
    })
}

fn bare_budget(lower: &str, tokens: &[Token<'_>]) -> Option<u64> {
    let reply = lower.trim().trim_end_matches(['.', '!']);
    if [
        "none", "zero", "nothing", "nil", "0", "no money", "nada", "$0",
    ]
    .contains(&reply)
    {
        return Some(0);
    }
    bare_amount(tokens, BUDGET_TAIL).and_then(whole_u64)
}

fn timeline_in(lower: &str, tokens: &[Token<'_>], vague_answers: bool) -> Option<u32> {
    // The earliest definite time wins; on a tie the longer phrase ("half a year" over "a year").
    let mut best: Option<(usize, usize, u32)> = None;
    let mut consider = |at: usize, len: usize, months: u32| {
        if best.is_none_or(|(b_at, b_len, _)| at < b_at || (at == b_at && len > b_len)) {
            best = Some((at, len, months));
        }
    };
    for (phrase, months) in TIMELINE_PHRASES {
        // "not right away", "not this month": a time they ruled out.
        if let Some(at) = find_phrase(lower, phrase)
            && !lower[..at].ends_with("not ")
        {
            consider(at, phrase.len(), *months);
        }
    }
    for i in 0..tokens.len() {
        let Some((value, end)) = amount(tokens, i) else {
            continue;
        };
        let Some(months) = word(tokens, end).and_then(|unit| months_of(value, unit)) else {
            continue;
        };
        // "for 6 months", "3 weeks ago": how long something has been, not when to start.
        let looking_back = (i > 0
            && is_word(
                tokens,
                i - 1,
                &["past", "last", "been", "for", "every", "each"],
            ))
            || is_word(tokens, end + 1, &["ago", "old"]);
        if !looking_back {
            let start = tokens[i].at;
            let stop = tokens.get(end + 1).map_or(lower.len(), |t| t.at);
            consider(start, stop - start, months);
        }
    }
    if let Some((_, _, months)) = best {
        return Some(months);
    }
    if VAGUE.iter().any(|p| find_phrase(lower, p).is_some()) {
        return Some(24);
    }
    if !vague_answers {
        return None;
    }
    if VAGUE_ANSWERS
        .iter()
        .any(|p| find_phrase(lower, p).is_some())
    {
        return Some(24);
    }
    match lower.trim().trim_end_matches(['.', '!']) {
        "now" | "right now" | "today" | "tomorrow" => Some(0),
        "soon" | "soonish" | "pretty soon" | "very soon" => Some(1),
        _ => None,
    }
}

fn months_of(value: f64, unit: &str) -> Option<u32> {
    let months = match unit {
        "hour" | "hours" | "hr" | "hrs" => 0.0,
        "day" | "days" if value <= 7.0 => 0.0,
        "day" | "days" => (value / 30.0).ceil(),
        "week" | "weeks" | "wk" | "wks" if value <= 1.0 => 0.0,
        "week" | "weeks" | "wk" | "wks" => (value / 4.0).ceil(),
        "month" | "months" | "mo" | "mos" | "mth" | "mths" => value.ceil(),
        "quarter" | "quarters" => value * 3.0,
        "year" | "years" | "yr" | "yrs" => value * 12.0,
        _ => return None,
    };
    whole_u32(months)
}

const TIMELINE_PHRASES: &[(&str, u32)] = &[
    ("asap", 0),
    ("a.s.a.p", 0),
    ("as soon as possible", 0),
    ("right away", 0),
    ("straight away", 0),
    ("immediately", 0),
    ("urgently", 0),
    ("urgent", 0),
    ("this week", 0),
    ("next week", 0),
    ("within a week", 0),
    ("in a week", 0),
    ("this month", 1),
    ("next month", 1),
    ("within a month", 1),
    ("in a month", 1),
    ("end of the month", 1),
    ("end of month", 1),
    ("coming weeks", 1),
    ("next quarter", 3),
    ("this quarter", 3),
    ("end of the quarter", 3),
    ("end of quarter", 3),
    ("coming months", 3),
    ("half a year", 6),
    ("this year", 6),
    ("end of the year", 6),
    ("end of year", 6),
    ("end of this year", 6),
    ("year end", 6),
    ("year-end", 6),
    ("later this year", 6),
    ("within the year", 6),
    ("second half", 6),
    ("next year", 12),
    ("within a year", 12),
    ("in a year", 12),
    ("a year from now", 12),
    ("next fiscal year", 12),
    ("next financial year", 12),
];
#[rustfmt::skip]
const VAGUE: &[&str] = &[
    "just browsing", "browsing", "no rush", "no hurry", "not in a hurry", "in no hurry", "someday",
    "some day", "no plans", "no plan", "no timeline", "no set timeline", "no fixed timeline",
    "no timeframe", "no time frame", "eventually", "just looking", "just researching",
    "just exploring", "long term", "long-term", "down the road", "in the future", "at some point",
    "not anytime soon", "not any time soon", "whenever", "not urgent",
];
#[rustfmt::skip]
const VAGUE_ANSWERS: &[&str] = &[
    "not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "dunno", "idk",
    "not yet", "tbd", "undecided", "to be decided", "haven't decided", "not decided", "depends",
];

/// A bare number of months as the reply to "when": "3", "about 6".
fn bare_months(text: &str) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    bare_amount(&tokens, &[])
        .filter(|v| *v <= 120.0)
        .and_then(whole_u32)
}

fn is_about_meeting(lower: &str) -> bool {
    #[rustfmt::skip]
    const MEETING: &[&str] = &[
        "meet", "meeting", "call", "demo", "available", "availability", "book", "schedule", "slot",
        "free", "works for me", "chat", "talk", "speak", "calendar", "monday", "tuesday",
        "wednesday", "thursday", "friday",
    ];
    #[rustfmt::skip]
    const BUYING: &[&str] = &[
        "start", "launch", "buy", "purchase", "implement", "go live", "roll out", "rollout",
        "deploy", "switch", "migrate", "onboard", "get started", "up and running", "decide",
        "decision", "sign", "kick off",
    ];
    MEETING.iter().any(|p| find_phrase(lower, p).is_some())
        && !BUYING.iter().any(|p| find_phrase(lower, p).is_some())
}

// ───────────────────────── roles ─────────────────────────

/// Byte spans of the words in `lower` (letters, digits, and inner ' - &).
fn word_spans(lower: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::with_capacity(lower.len() / 5 + 1);
    let mut start = None;
    for (i, c) in lower.char_indices() {
        let inside = c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '&');
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, lower.len()));
    }
    spans
        .into_iter()
        .filter_map(|(s, e)| {
            let w = &lower[s..e];
            let trimmed = w.trim_matches(['\'', '’', '-']);
            (!trimmed.is_empty()).then(|| {
                let s = s + (w.len() - w.trim_start_matches(['\'', '’', '-']).len());
                (s, s + trimmed.len())
            })
        })
        .collect()
}

/// Whether only spaces lie between word `a` and the word after it.
fn joined(lower: &str, words: &[(usize, usize)], a: usize) -> bool {
    words.get(a + 1).is_some_and(|next| {
        lower[words[a].1..next.0]
            .chars()
            .all(|c| c == ' ' || c == '\t')
    })
}

/// The first title the text says the visitor holds, as (first word, last word).
fn title_span(lower: &str, words: &[(usize, usize)]) -> Option<(usize, usize)> {
    let text = |i: usize| &lower[words[i].0..words[i].1];
    for i in 0..words.len() {
        let head = text(i);
        if !is_in(head, TITLE_HEADS) {
            continue;
        }
        let mut last = i;
        // "head of sales", "VP Engineering", "director of marketing".
        if is_in(head, EXTENDED_TITLES) {
            let of = joined(lower, words, i) && text(i + 1) == "of";
            if of || is_in(head, &["vp", "svp", "evp", "avp"]) {
                let mut j = i + usize::from(of);
                while j - i < 4 && joined(lower, words, j) && is_in(text(j + 1), TITLE_MODIFIERS) {
                    j += 1;
                }
                if j > i + usize::from(of) {
                    last = j;
                }
            }
        }
        if head == "head" && last == i {
            continue;
        }
        let mut first = i;
        while first > 0
            && i - first < 3
            && joined(lower, words, first - 1)
            && is_in(text(first - 1), TITLE_MODIFIERS)
        {
            first -= 1;
        }
        // "lead" alone is a sales lead; "tech lead" is a title.
        if head == "lead" && first == i {
            continue;
        }
        if title_ends(lower, words, last) && said_of_self(lower, words, first) {
            return Some((first, last));
        }
    }
    None
}

/// Titles that take a department after them: "head of sales", "VP Engineering".
#[rustfmt::skip]
const EXTENDED_TITLES: &[&str] = &["head", "vp", "svp", "evp", "avp", "president", "director", "manager"];

/// A title is followed by the end, punctuation, or a word that starts something else.
fn title_ends(lower: &str, words: &[(usize, usize)], last: usize) -> bool {
    if !joined(lower, words, last) {
        return true;
    }
    let next = &lower[words[last + 1].0..words[last + 1].1];
    is_in(next, TITLE_FOLLOWERS)
}

#[rustfmt::skip]
const TITLE_FOLLOWERS: &[&str] = &[
    "at", "of", "for", "with", "from", "here", "and", "in", "on", "over", "who", "so", "but", "&",
    "by", "since", "looking", "working", "trying", "interested", "wanting", "based", "i", "we",
    "my", "our", "there", "too", "myself", "as", "now", "currently", "already", "that", "which",
    "-", "hoping", "and", "responsible", "right",
];

/// What comes before a title says it is the visitor's: "I'm (the) CTO", "as a developer",
/// "my role is …", "Jane Smith, CTO", or the title opens the message.
fn said_of_self(lower: &str, words: &[(usize, usize)], first: usize) -> bool {
    let text = |i: usize| &lower[words[i].0..words[i].1];
    let mut k = first;
    while k > 0 && joined(lower, words, k - 1) && is_in(text(k - 1), TITLE_FILLERS) {
        k -= 1;
    }
    if k == 0 {
        return lower[..words[0].0].trim().is_empty();
    }
    let prev = text(k - 1);
    let gap = &lower[words[k - 1].1..words[k].0];
    if !joined(lower, words, k - 1) {
        if gap.contains(':') {
            return is_in(prev, &["role", "title", "position", "job"]);
        }
        // "Jane Smith, CTO at Acme", "Jane (CTO)".
        return gap.contains([',', '(', '-', '–', '—']);
    }
    let before = k.checked_sub(2).map(text);
    is_in(prev, &["i'm", "i’m", "im", "am", "as"])
        || (prev == "m" && before == Some("i"))
        || (prev == "is" && before.is_some_and(|b| is_in(b, &["role", "title", "position", "job"])))
}

#[rustfmt::skip]
const TITLE_FILLERS: &[&str] = &[
    "a", "an", "the", "currently", "also", "just", "actually", "now", "one", "of", "our", "their",
    "its", "company's", "really", "basically", "technically", "officially", "sort", "kind",
    "acting", "interim", "new",
];

/// "I founded Acme" → founder, "I own a bakery" → owner.
fn founded_or_owned(lower: &str, words: &[(usize, usize)]) -> Option<String> {
    let text = |i: usize| &lower[words[i].0..words[i].1];
    (1..words.len()).find_map(|i| {
        if text(i - 1) != "i" || !joined(lower, words, i - 1) {
            return None;
        }
        match text(i) {
            "founded" => Some("founder".to_owned()),
            "co-founded" | "cofounded" => Some("co-founder".to_owned()),
            "own"
                if words.len() > i + 1
                    && is_in(text(i + 1), &["a", "the", "this", "my", "our"]) =>
            {
                Some("owner".to_owned())
            }
            _ => None,
        }
    })
}

/// The title as typed, with acronyms upper-cased and a plural made singular ("co-founders").
fn tidy_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let count = title.split_whitespace().count();
    for (i, w) in title.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let w = if i + 1 == count && is_in(w, PLURAL_TITLES) {
            &w[..w.len() - 1]
        } else {
            w
        };
        if is_in(w, ACRONYMS) {
            out.push_str(&w.to_ascii_uppercase());
        } else {
            out.push_str(w);
        }
    }
    out
}

#[rustfmt::skip]
const PLURAL_TITLES: &[&str] = &[
    "founders", "co-founders", "cofounders", "owners", "partners",
];
#[rustfmt::skip]
const ACRONYMS: &[&str] = &[
    "ceo", "cto", "cfo", "coo", "cmo", "cro", "cio", "cpo", "ciso", "cso", "cxo", "cdo", "vp",
    "svp", "evp", "avp", "sdr", "bdr", "ae", "hr", "it", "qa", "ux", "ui", "seo", "crm", "pr",
    "ai", "ml", "gm", "md", "sre",
];
#[rustfmt::skip]
const TITLE_HEADS: &[&str] = &[
    "ceo", "cto", "cfo", "coo", "cmo", "cro", "cio", "cpo", "ciso", "cso", "cxo", "cdo", "founder",
    "co-founder", "cofounder", "founders", "co-founders", "cofounders", "owner", "co-owner",
    "owners", "president", "chairman", "chairwoman", "partner", "partners", "proprietor", "intern",
    "student", "freelancer", "contractor", "consultant", "developer", "dev", "programmer",
    "engineer", "designer", "analyst", "manager", "director", "marketer", "recruiter",
    "accountant", "architect", "assistant", "coordinator", "specialist", "representative", "rep",
    "sdr", "bdr", "administrator", "admin", "researcher", "scientist", "officer", "associate",
    "executive", "entrepreneur", "solopreneur", "lead", "strategist", "writer", "editor",
    "trainee", "apprentice", "head", "vp", "svp", "evp", "avp", "md", "gm",
];
#[rustfmt::skip]
const TITLE_MODIFIERS: &[&str] = &[
    "senior", "sr", "junior", "jr", "lead", "principal", "staff", "managing", "general",
    "regional", "area", "national", "global", "associate", "assistant", "executive", "deputy",
    "interim", "acting", "founding", "freelance", "chief", "vice", "co", "sales", "marketing",
    "product", "project", "program", "programme", "software", "backend", "back-end", "frontend",
    "front-end", "fullstack", "full-stack", "data", "account", "accounts", "customer", "success",
    "support", "operations", "ops", "it", "hr", "people", "growth", "content", "digital",
    "community", "office", "engineering", "devops", "qa", "ux", "ui", "web", "mobile", "research",
    "business", "development", "brand", "social", "media", "finance", "financial", "technical",
    "tech", "team", "revenue", "partnerships", "partner", "channel", "solutions", "security",
    "cloud", "platform", "design", "creative", "ecommerce", "e-commerce", "demand", "generation",
    "gen", "field", "inside", "enterprise", "strategy", "legal", "procurement", "purchasing", "ml",
    "ai", "seo", "crm", "infrastructure", "systems", "network", "client", "services", "service",
    "communications", "comms", "pr", "events", "talent", "recruiting", "learning", "training",
    "quality", "compliance", "risk", "analytics", "insights", "innovation", "commercial", "retail",
    "technology", "information", "executive", "store", "shop", "restaurant", "property",
    "practice", "office", "sre",
];

// ───────────────────────── needs and short replies ─────────────────────────

fn need_cue_counts(text: &str, start: usize, end: usize) -> bool {
    let before = prev_word(text, start);
    // "do you need my email?", "no need", "we don't need".
    if [
        "you", "u", "no", "don't", "dont", "not", "never", "doesn't", "didn't",
    ]
    .iter()
    .any(|w| same_word(w, before))
    {
        return false;
    }
    let mut rest = &text[end..];
    for _ in 0..3 {
        let next = next_word(rest);
        if ![
            "to", "a", "an", "some", "the", "more", "your", "with", "in", "for",
        ]
        .iter()
        .any(|w| same_word(w, next))
        {
            break;
        }
        rest = rest.trim_start()[next.len()..].trim_start();
    }
    let next = next_word(rest);
    !next.is_empty() && !is_in(next, NOT_A_NEED)
}

/// Words after "need"/"want to" that are about the conversation, not the business.
#[rustfmt::skip]
const NOT_A_NEED: &[&str] = &[
    "think", "check", "talk", "discuss", "ask", "run", "go", "know", "confirm", "consult", "book",
    "schedule", "meet", "speak", "chat", "start", "begin", "sign", "see", "hear", "learn", "demo",
    "call", "meeting", "time", "minute", "moment", "pricing", "price", "prices", "quote", "cost",
    "costs", "cancel", "unsubscribe", "reschedule", "understand", "email", "phone", "number",
    "contact", "leave", "wait", "reply", "respond", "get", "buy", "purchase", "pay", "sleep", "it",
    "figure", "decide", "compare", "evaluate", "choose",
];

/// The clause of the sentence holding the cue at `at`: "Hi, I'm Jane and we need a CRM" →
/// "we need a CRM".
fn need_clause(text: &str, at: usize) -> String {
    let bytes = text.as_bytes();
    let ends_sentence = |i: usize| match bytes[i] {
        b'!' | b'?' | b'\n' => true,
        b'.' => bytes.get(i + 1).is_none_or(u8::is_ascii_whitespace),
        _ => false,
    };
    let start = (0..at)
        .rev()
        .find(|&i| ends_sentence(i))
        .map_or(0, |i| i + 1);
    let end = (at..bytes.len())
        .find(|&i| ends_sentence(i))
        .unwrap_or(bytes.len());
    let mut clause_start = start;
    // Cut a lead-in ("Hi, I'm Jane and …") where the rest starts with who needs it.
    for (i, _) in text[start..at].match_indices([',', ';']) {
        let from = start + i + 1;
        if opens_need(&text[from..at]) {
            clause_start = from;
        }
    }
    for joiner in [" and ", " but ", " so "] {
        for (i, _) in text[start..at].match_indices(joiner) {
            let from = start + i + joiner.len();
            if from > clause_start && opens_need(&text[from..at]) {
                clause_start = from;
            }
        }
    }
    let clause = text[clause_start..end].trim();
    let clause = clause
        .trim_end_matches(|c: char| ".!,;".contains(c))
        .trim_end();
    truncate_chars(clause, 500).to_owned()
}

#[rustfmt::skip]
const NEED_SUBJECTS: &[&str] = &[
    "i", "i'm", "im", "we", "we're", "were", "we've", "our", "my", "us", "currently",
];

/// The words before a cue start a clause about the visitor ("we", "our team") or are empty.
fn opens_need(before_cue: &str) -> bool {
    let first = next_word(before_cue);
    before_cue.trim().is_empty() || is_in(first, NEED_SUBJECTS)
}

/// A reply short enough to be the answer itself ("sales", "faster follow-up on leads"), unless
/// it is a question, a yes/no, a refusal or contact details.
fn short_reply(text: &str, max_words: usize) -> Option<String> {
    let start = greeting_end(text);
    let reply = text[start..]
        .trim()
        .trim_end_matches(|c: char| ".!,;".contains(c))
        .trim_end();
    let words = reply.split_whitespace().count();
    if reply.chars().count() < 2
        || words == 0
        || words > max_words
        || is_question(reply)
        || yes_no(reply).is_some()
        || EMAIL.as_ref().is_some_and(|p| p.is_match(reply))
    {
        return None;
    }
    let lower = lowered(reply);
    if REFUSALS.iter().any(|p| find_phrase(&lower, p).is_some()) {
        return None;
    }
    Some(truncate_chars(reply, 500).to_owned())
}

#[rustfmt::skip]
const REFUSALS: &[&str] = &[
    "not sure", "no idea", "idk", "dunno", "don't know", "dont know", "rather not", "prefer not",
    "n/a", "none", "nothing", "pass", "skip", "whatever",
];

// ───────────────────────── small text helpers ─────────────────────────

/// Where the message starts once an opening greeting ("Hi there, ") is skipped.
fn greeting_end(message: &str) -> usize {
    GREETING
        .as_ref()
        .and_then(|p| p.find(message))
        .map_or(0, |m| m.end())
}

/// The word just before byte `at` (letters, digits, apostrophes).
fn prev_word(text: &str, at: usize) -> &str {
    let before = text[..at].trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '\'' | '’')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

/// The first word of `text` after any leading spaces.
fn next_word(text: &str) -> &str {
    leading_word(text.trim_start())
}

fn leading_word(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '\'' | '’')))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// ASCII-case-insensitive word equality that also treats ’ as '.
fn same_word(a: &str, b: &str) -> bool {
    let fold = |c: char| {
        if c == '’' {
            '\''
        } else {
            c.to_ascii_lowercase()
        }
    };
    a.chars().map(fold).eq(b.chars().map(fold))
}

fn is_in(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| same_word(w, word))
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn starts_with_ci(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

fn starts_with_word_ci(text: &str, word: &str) -> bool {
    starts_with_ci(text, word)
        && text[word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// `phrase` in `lower` as whole words, by byte offset.
fn find_phrase(lower: &str, phrase: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = lower[from..].find(phrase) {
        let at = from + found;
        let end = at + phrase.len();
        let open = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let close = lower[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if open && close {
            return Some(at);
        }
        from = at + phrase.chars().next().map_or(1, char::len_utf8);
    }
    None
}

fn starts_with_phrase(text: &str, phrase: &str) -> bool {
    text.starts_with(phrase)
        && text[phrase.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

fn truncate_chars(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(i, _)| &text[..i])
}

fn is_stop(word: &str) -> bool {
    is_in(word, STOP_WORDS)
}

/// Common words that follow "I'm", "this is", "from", "we're" and are not a name or company.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    // pronouns, articles, determiners
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "our", "their", "his", "her",
    "its", "me", "you", "we", "they", "he", "she", "it", "us", "them", "i", "im", "i'm", "myself",
    "someone", "somebody", "anyone", "anybody", "everyone", "nobody", "everything", "nothing",
    "something", "anything", "all", "both", "each", "every", "some", "any", "no", "none", "one",
    "two", "few", "other", "another", "such",
    // prepositions, conjunctions, adverbs
    "from", "with", "at", "in", "on", "of", "for", "to", "by", "about", "into", "over", "under",
    "after", "before", "between", "through", "during", "without", "within", "near", "around",
    "and", "or", "but", "so", "because", "as", "if", "then", "than", "when", "while", "where",
    "who", "what", "how", "why", "which", "here", "there", "now", "today", "tomorrow", "yesterday",
    "tonight", "soon", "later", "again", "too", "also", "just", "only", "still", "already", "even",
    "really", "very", "quite", "pretty", "rather", "actually", "currently", "probably",
    "definitely", "certainly", "basically", "literally", "honestly", "totally", "kind", "sort",
    "bit", "little", "lot", "lots", "more", "less", "most", "much", "many", "not", "never",
    "always", "ever", "well", "maybe", "perhaps", "asap", "back", "away", "anytime", "sometime",
    "right", "next", "last",
    // replies and greetings
    "yes", "yeah", "yep", "nope", "ok", "okay", "sure", "fine", "good", "great", "nice", "cool",
    "glad", "happy", "sad", "sorry", "thanks", "thank", "please", "hi", "hello", "hey", "dear",
    "sir", "madam", "mr", "mrs", "ms", "dr", "welcome", "bye",
    // states and activities after "I'm"
    "interested", "looking", "trying", "wondering", "hoping", "planning", "thinking",
    "considering", "evaluating", "comparing", "calling", "writing", "reaching", "asking",
    "emailing", "contacting", "working", "going", "getting", "doing", "using", "running",
    "building", "selling", "buying", "searching", "shopping", "browsing", "researching",
    "exploring", "curious", "new", "based", "located", "available", "busy", "free", "ready",
    "able", "unable", "aware", "familiar", "responsible", "excited", "keen", "eager", "confused",
    "lost", "stuck", "unsure", "afraid", "worried", "concerned", "frustrated", "tired",
    "impressed", "done", "finished", "late", "early", "open", "home", "online", "offline", "alone",
    "single", "married", "part", "sold", "convinced", "certain", "serious", "small", "big",
    "large", "tiny", "growing", "remote", "local", "urgent", "important", "hungry", "fed", "bored",
    "ill", "sick", "well", "alright", "allowed", "able", "in",
    // verbs and auxiliaries
    "need", "needs", "want", "wants", "like", "likes", "love", "would", "will", "can", "could",
    "should", "might", "must", "may", "was", "were", "am", "is", "are", "be", "been", "being",
    "have", "has", "had", "do", "does", "did", "get", "got", "let", "lets", "see", "know", "think",
    "guess", "believe", "hope", "wish", "mean", "said", "told", "ask", "help", "try", "make",
    "take", "give", "use", "check", "call", "email", "contact", "reply", "wondered",
    // things people ask about
    "pricing", "price", "demo", "meeting", "interest", "question", "questions", "info",
    "information", "details", "problem", "issue", "work", "office", "job", "website", "site",
    "page", "chat", "bot", "robot", "human", "person", "guy", "girl", "man", "woman", "friend",
    "colleague", "client", "clients", "customer", "customers", "user", "users", "buyer", "member",
    "employee", "team", "company", "business", "startup", "agency", "group", "partner", "partners",
    "urgent",
    // titles (a title after "I'm" is a role, not a name)
    "owner", "founder", "cofounder", "co-founder", "ceo", "cto", "cfo", "coo", "cmo", "cro", "cio",
    "cpo", "vp", "president", "director", "manager", "head", "lead", "engineer", "developer",
    "dev", "designer", "analyst", "consultant", "freelancer", "contractor", "intern", "student",
    "assistant", "marketer", "recruiter", "admin", "boss", "chief", "senior", "junior", "software",
    "sales", "marketing", "product", "support", "it", "hr", "ops", "operations", "engineering",
    "finance", "executive",
    // days and times
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "morning",
    "afternoon", "evening", "night", "week", "month", "year", "weekend",
    // nationalities ("I'm German")
    "american", "british", "english", "german", "french", "spanish", "italian", "dutch",
    "canadian", "australian", "indian", "chinese", "japanese", "brazilian", "mexican", "irish",
    "swiss", "swedish", "polish", "european",
];

#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use super::*;

    /// Runs every case and reports all mismatches at once. Compares by `Debug`, so an
    /// expected `Some("Jane")` matches a returned `Some(String::from("Jane"))`.
    fn check<T: Debug, U: Debug>(cases: &[(&str, T)], f: impl Fn(&str) -> U) {
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(input, expected)| {
                let got = f(input);
                (format!("{got:?}") != format!("{expected:?}"))
                    .then(|| format!("{input:?}: got {got:?}, expected {expected:?}"))
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "{} of {} cases wrong:\n{}",
            wrong.len(),
            cases.len(),
            wrong.join("\n")
        );
    }

    fn read_everything(text: &str) {
        let _ = contact(text);
        let _ = company_size(text);
        let _ = budget(text);
        let _ = timeline_months(text);
        let _ = role(text).map(|r| is_decision_maker(&r));
        let _ = need(text);
        let _ = yes_no(text);
        let _ = is_question(text);
        let _ = volunteered(text);
        for field in ["company_size", "budget", "timeline", "role", "need"] {
            let _ = answer_to(field, text);
        }
    }

    proptest::proptest! {
        // Byte offsets are sliced everywhere here: no input may land one inside a character.
        #[test]
        fn any_text_is_read_without_panicking(text in "\\PC{0,80}") {
            read_everything(&text);
        }

        #[test]
        fn chat_like_text_is_read_without_panicking(
            text in "((I[’']m|my name is|call me|this is|from|at|we[’']re|\\$|€|[0-9]{1,5}|[0-9]\\.[0-9]k|k|people|months|CTO|head of|[A-Za-zÀ-ÿ’'.,@+()-]{1,8}|José|Ünïcödé|\\?|!|\\n) ?){0,16}"
        ) {
            read_everything(&text);
            let found = contact(&text);
            for value in [found.name, found.email, found.phone, found.company].into_iter().flatten() {
                proptest::prop_assert!(!value.trim().is_empty());
            }
        }
    }

    #[test]
    fn patterns_compile() {
        for pattern in [
            &EMAIL,
            &PHONE,
            &NOT_PHONE,
            &GREETING,
            &NAME_CUE,
            &COMPANY_CUE,
            &LEADING_FROM,
            &NEED_CUE,
        ] {
            assert!(pattern.is_some());
        }
    }

    #[test]
    fn names() {
        check(
            &[
                ("I'm Jane from Acme", Some("Jane")),
                ("I am Jane Smith, CTO at Acme Corp", Some("Jane Smith")),
                ("my name is jane smith", Some("Jane Smith")),
                ("this is Bob with Globex", Some("Bob")),
                ("Jane here", Some("Jane")),
                ("Hi there! Jane here from Acme Corp.", Some("Jane")),
                ("name's Jane", Some("Jane")),
                ("call me Jane", Some("Jane")),
                ("im jane from acme", Some("Jane")),
                ("hey its sarah", Some("Sarah")),
                ("My name is José Álvarez", Some("José Álvarez")),
                ("my name is mary-jane o'neil", Some("Mary-Jane O'Neil")),
                ("Hello, I’m Priya and I need a better CRM", Some("Priya")),
                ("I'm interested. My name is Ann Lee", Some("Ann Lee")),
                ("Anna from Initech here", Some("Anna")),
                ("I AM BOB FROM ACME", Some("Bob")),
                ("name: Jane Doe, company: Acme", Some("Jane Doe")),
                (
                    "I'm Mohammed Al-Rashid, COO at Gulf Logistics LLC",
                    Some("Mohammed Al-Rashid"),
                ),
                ("Hello, this is Synaptiq right?", None),
                ("It's Acme", None),
                ("I'm interested", None),
                ("I'm looking for a CRM", None),
                ("I'm not sure", None),
                ("I am the CTO", None),
                ("I'm from Germany", None),
                ("I'm just browsing", None),
                ("this is great", None),
                ("I'm happy with the price", None),
                ("call me tomorrow", None),
                ("im trying to automate lead capture", None),
                ("I'm wondering about pricing", None),
                ("I'm the founder", None),
                ("im good thanks", None),
                ("I'm 34", None),
                ("I'm based in London", None),
                ("I'm German", None),
                ("what is this?", None),
                ("my company name is Acme", None),
                ("actually it's jane.smith@acme.com", None),
            ],
            |m| contact(m).name,
        );
    }

    #[test]
    fn companies() {
        check(
            &[
                ("I'm Jane from Acme", Some("Acme")),
                ("I am Jane Smith, CTO at Acme Corp", Some("Acme Corp")),
                ("this is Bob with Globex", Some("Globex")),
                ("Hi there! Jane here from Acme Corp.", Some("Acme Corp")),
                ("im jane from acme", Some("acme")),
                ("I'm Jane, head of growth at Acme.", Some("Acme")),
                ("I work at Initech", Some("Initech")),
                ("we're Initech", Some("Initech")),
                ("company is Initech Ltd", Some("Initech Ltd")),
                ("from Acme Corp.", Some("Acme Corp")),
                ("no, the company is Acme Inc", Some("Acme Inc")),
                ("I work for Bank of America", Some("Bank of America")),
                ("my company name is Acme", Some("Acme")),
                ("Jane, head of sales at Acme", Some("Acme")),
                ("i work at acme corp as a developer", Some("acme corp")),
                ("I'm an SDR at Acme", Some("Acme")),
                ("Anna from Initech here", Some("Initech")),
                (
                    "I'm Anna from the marketing team at Initech",
                    Some("Initech"),
                ),
                ("our startup is called Flowbase", Some("Flowbase")),
                (
                    "I'm reaching out on behalf of Northwind Traders",
                    Some("Northwind Traders"),
                ),
                ("I represent Contoso Ltd.", Some("Contoso Ltd")),
                (
                    "I'm Mohammed Al-Rashid, COO at Gulf Logistics LLC",
                    Some("Gulf Logistics LLC"),
                ),
                ("I'm from Germany", None),
                ("we're a team of 12", None),
                ("we're looking for a CRM", None),
                ("we're small but growing", None),
                ("I heard about you from a friend", None),
                ("I'm at home right now", None),
                ("our company is growing fast", None),
                ("I'm Jane from London", None),
            ],
            |m| contact(m).company,
        );
    }

    #[test]
    fn emails() {
        check(
            &[
                ("jane@acme.com", Some("jane@acme.com")),
                ("my emial is jane@acme.com.", Some("jane@acme.com")),
                (
                    "actually it's jane.smith@acme.com",
                    Some("jane.smith@acme.com"),
                ),
                (
                    "sorry, my email is Jane.Smith@Acme.co.uk!",
                    Some("Jane.Smith@Acme.co.uk"),
                ),
                ("it's jane@new.com, not jane@old.com", Some("jane@new.com")),
                ("(reach me at bob+crm@globex.io)", Some("bob+crm@globex.io")),
                ("email me at jane@", None),
                ("no email here", None),
            ],
            |m| contact(m).email,
        );
    }

    #[test]
    fn phones() {
        check(
            &[
                ("+1 (555) 010-2030", Some("+1 (555) 010-2030")),
                ("555-010-2030", Some("555-010-2030")),
                ("+44 20 7946 0958", Some("+44 20 7946 0958")),
                ("call me at 555.010.2030 tomorrow", Some("555.010.2030")),
                ("my number is 5550102030.", Some("5550102030")),
                (
                    "Sorry, it's 555 010 2031 not 555 010 2030",
                    Some("555 010 2031"),
                ),
                ("$5,000", None),
                ("we have 200 people", None),
                ("in 2024", None),
                ("budget is $1000000", None),
                ("from 2023-2024", None),
                ("1000-5000 employees", None),
                ("on 2024-03-15", None),
                ("order 1234567", None),
                ("about 1500000 dollars", None),
                ("jane5550102030@acme.com", None),
            ],
            |m| contact(m).phone,
        );
    }

    #[test]
    fn several_contact_facts_in_one_message() {
        let found = contact("Hi! I'm Jane Smith from Acme Corp, jane@acme.com, +1 555 010 2030");
        assert_eq!(
            found,
            Contact {
                name: Some("Jane Smith".into()),
                email: Some("jane@acme.com".into()),
                phone: Some("+1 555 010 2030".into()),
                company: Some("Acme Corp".into()),
            }
        );
    }

    #[test]
    fn company_sizes() {
        check(
            &[
                ("50 people", Some(50)),
                ("about 200 employees", Some(200)),
                ("we're a team of 12", Some(12)),
                ("10-50 employees", Some(50)),
                ("10-50", Some(50)),
                ("just me", Some(1)),
                ("solo founder", Some(1)),
                ("5k employees", Some(5000)),
                ("a few hundred", Some(300)),
                ("two", Some(2)),
                ("a 50-person company", Some(50)),
                ("we have 1,200 full-time staff", Some(1200)),
                ("just me and my cofounder", Some(2)),
                ("we're 200", Some(200)),
                ("200", Some(200)),
                ("hundreds of employees", Some(300)),
                ("twenty five people", Some(25)),
                ("between 20 and 30 engineers", Some(30)),
                ("it's the two of us", Some(2)),
                ("we have 5000 users", None),
                ("$5,000", None),
                ("in 2 weeks", None),
                ("hello", None),
                ("we're 2 weeks away", None),
            ],
            company_size,
        );
    }

    #[test]
    fn budgets() {
        check(
            &[
                ("$5k", Some(5000)),
                ("5,000 dollars", Some(5000)),
                ("around 10k a month", Some(10_000)),
                ("€20000", Some(20_000)),
                ("20 grand", Some(20_000)),
                ("no budget", Some(0)),
                ("none", Some(0)),
                ("zero", Some(0)),
                ("1.5k", Some(1500)),
                ("$2m", Some(2_000_000)),
                ("5000", Some(5000)),
                ("our budget is about 8k", Some(8000)),
                ("£3.5k per year", Some(3500)),
                ("between $5k and $10k", Some(10_000)),
                ("USD 7500", Some(7500)),
                ("20.000€", Some(20_000)),
                ("we could spend maybe 500/month", Some(500)),
                ("we don't have a budget yet", Some(0)),
                (
                    "We are spending $2k a month on our current tool",
                    Some(2000),
                ),
                ("we have 10k users", None),
                ("Our revenue is $2M ARR", None),
                ("the cheapest quote was $400/mo", None),
                ("200 people", None),
                ("in 2024", None),
                ("budget is tight, we're 10 people", None),
                ("no budget limit really", None),
                ("hello", None),
            ],
            budget,
        );
    }

    #[test]
    fn timelines() {
        check(
            &[
                ("asap", Some(0)),
                ("right away", Some(0)),
                ("immediately", Some(0)),
                ("this week", Some(0)),
                ("this month", Some(1)),
                ("within a few weeks", Some(1)),
                ("in 2 weeks", Some(1)),
                ("next month", Some(1)),
                ("in 3 months", Some(3)),
                ("next quarter", Some(3)),
                ("this quarter", Some(3)),
                ("6 months", Some(6)),
                ("this year", Some(6)),
                ("by end of year", Some(6)),
                ("next year", Some(12)),
                ("just browsing", Some(24)),
                ("no rush", Some(24)),
                ("not sure", Some(24)),
                ("someday", Some(24)),
                ("no plans", Some(24)),
                ("3-6 months", Some(6)),
                ("in six months", Some(6)),
                ("within 90 days", Some(3)),
                ("not sure, maybe next quarter", Some(3)),
                ("a couple of months", Some(2)),
                ("not right away, maybe in 2 years", Some(24)),
                ("right now", Some(0)),
                ("we're using Salesforce right now", None),
                ("we have 200 people", None),
                ("hello", None),
                ("we've been using it for 6 months", None),
            ],
            timeline_months,
        );
    }

    #[test]
    fn roles() {
        check(
            &[
                ("I'm the CTO", Some("CTO")),
                ("i'm the cto", Some("CTO")),
                ("head of sales", Some("head of sales")),
                ("I'm VP Engineering at Acme", Some("VP Engineering")),
                ("founder", Some("founder")),
                ("I'm a marketing manager", Some("marketing manager")),
                ("I'm an intern", Some("intern")),
                ("I work as a developer", Some("developer")),
                ("I'm the owner", Some("owner")),
                ("Jane Smith, CTO at Acme", Some("CTO")),
                (
                    "my role is head of customer success",
                    Some("head of customer success"),
                ),
                ("I'm one of the co-founders", Some("co-founder")),
                ("Director of Marketing here", Some("Director of Marketing")),
                (
                    "I'm a senior software engineer",
                    Some("senior software engineer"),
                ),
                ("I founded the company in 2019", Some("founder")),
                ("we need a developer", None),
                ("I'm looking for a developer", None),
                ("developer tools are great", None),
                ("our CEO asked me to look into this", None),
                ("I'm interested in your product", None),
            ],
            role,
        );
    }

    #[test]
    fn decision_makers() {
        check(
            &[
                ("CEO", true),
                ("CTO", true),
                ("co-founder", true),
                ("owner", true),
                ("president", true),
                ("VP Engineering", true),
                ("head of sales", true),
                ("director", true),
                ("Director of Marketing", true),
                ("managing partner", true),
                ("general manager", true),
                ("marketing manager", false),
                ("engineering manager", false),
                ("software engineer", false),
                ("developer", false),
                ("intern", false),
                ("student", false),
                ("analyst", false),
                ("executive assistant", false),
                ("assistant to the CEO", false),
                ("product owner", false),
                ("partner manager", false),
                ("account executive", false),
            ],
            is_decision_maker,
        );
    }

    #[test]
    fn needs() {
        check(
            &[
                (
                    "I need help handling inbound leads faster",
                    Some("I need help handling inbound leads faster"),
                ),
                (
                    "we're looking for a way to qualify leads automatically.",
                    Some("we're looking for a way to qualify leads automatically"),
                ),
                (
                    "Hi, I'm Jane and we want to automate our follow-ups. Thanks!",
                    Some("we want to automate our follow-ups"),
                ),
                (
                    "Our sales team needs a chatbot on the pricing page",
                    Some("Our sales team needs a chatbot on the pricing page"),
                ),
                ("I need to think about it", None),
                ("I want to book a demo", None),
                ("what's the price?", None),
                ("do you need my email?", None),
                ("no need, thanks", None),
                ("hello there", None),
            ],
            need,
        );
    }

    #[test]
    fn yes_and_no() {
        check(
            &[
                ("yes", Some(true)),
                ("Yep!", Some(true)),
                ("sure", Some(true)),
                ("sounds good", Some(true)),
                ("ok", Some(true)),
                ("please do", Some(true)),
                ("Yes please, send it over", Some(true)),
                ("absolutely", Some(true)),
                ("no", Some(false)),
                ("nope", Some(false)),
                ("not now", Some(false)),
                ("no thanks", Some(false)),
                ("later", Some(false)),
                ("maybe later", Some(false)),
                ("absolutely not", Some(false)),
                ("no, the company is Acme Inc", Some(false)),
                ("not sure", None),
                ("no idea", None),
                ("maybe", None),
                ("what does it cost?", None),
                ("Ok so how does the AI qualify leads?", None),
                ("we have 50 people", None),
            ],
            yes_no,
        );
    }

    #[test]
    fn questions() {
        check(
            &[
                ("what does it cost?", true),
                ("How does the widget work", true),
                ("do you integrate with HubSpot", true),
                ("Hi, can I try it for free", true),
                ("pricing?", true),
                ("I'm Jane. Where are you based?", true),
                ("is there an API", true),
                ("how about tuesday 10am", false),
                ("How about Tuesday at 10?", false),
                ("I'm Jane from Acme", false),
                ("we need a CRM.", false),
                ("will do", false),
                ("do it", false),
                ("yes", false),
            ],
            is_question,
        );
    }

    #[test]
    fn answers_to_the_question_asked() {
        let ask = |field: &'static str| move |text: &str| answer_to(field, text);
        check(
            &[
                ("200", Some(Answer::CompanySize(200))),
                ("about 50", Some(Answer::CompanySize(50))),
                ("just me", Some(Answer::CompanySize(1))),
                ("no idea", None),
            ],
            ask("company_size"),
        );
        check(
            &[
                ("5000", Some(Answer::Budget(5000))),
                ("$10k per month", Some(Answer::Budget(10_000))),
                ("none", Some(Answer::Budget(0))),
            ],
            ask("budget"),
        );
        check(
            &[
                ("3", Some(Answer::TimelineMonths(3))),
                ("asap", Some(Answer::TimelineMonths(0))),
                ("not sure", Some(Answer::TimelineMonths(24))),
            ],
            ask("timeline"),
        );
        check(
            &[
                ("cto", Some(Answer::Role("CTO".into()))),
                (
                    "I run sales ops",
                    Some(Answer::Role("I run sales ops".into())),
                ),
                ("why do you ask?", None),
                ("rather not say", None),
            ],
            ask("role"),
        );
        check(
            &[
                (
                    "faster follow-up on inbound leads",
                    Some(Answer::Need("faster follow-up on inbound leads".into())),
                ),
                ("not sure", None),
                ("yes", None),
            ],
            ask("need"),
        );
        check(&[("200", None::<Answer>)], ask("unknown_field"));
    }

    #[test]
    fn volunteered_facts() {
        check(
            &[
                (
                    "we're 200 people and want to start next month with about $10k",
                    vec![
                        Answer::CompanySize(200),
                        Answer::Budget(10_000),
                        Answer::TimelineMonths(1),
                    ],
                ),
                (
                    "I'm the CTO and we need a faster way to follow up on leads",
                    vec![
                        Answer::Role("CTO".into()),
                        Answer::Need("we need a faster way to follow up on leads".into()),
                    ],
                ),
                ("can we meet next week?", vec![]),
                ("What are your hours? I'm free this week", vec![]),
                ("not sure", vec![]),
                ("200", vec![]),
                ("hello", vec![]),
            ],
            volunteered,
        );
    }
}
