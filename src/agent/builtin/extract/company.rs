//! The company the visitor works for, from an explicit cue or beside their name.

use regex::Regex;
use std::sync::LazyLock;

use super::*;

pub(super) static COMPANY_CUE: LazyLock<Option<Regex>> = LazyLock::new(|| {
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
        r"|(?:team|department|dept|division)\s+(?:at|of)",
        r"|trabaj(?:o|amos)\s+(?:en|para)|(?:mi|nuestra|la)\s+empresa\s+(?:es|se\s+llama)",
        r"|(?:ich\s+arbeite|wir\s+arbeiten)\s+(?:bei|für)|ich\s+bin\s+(?:bei|von)",
        r"|(?:meine|unsere|die)\s+firma\s+(?:ist|hei(?:ß|ss)t)|(?:mein|unser|das)\s+unternehmen\s+(?:ist|hei(?:ß|ss)t))",
        r"|(?P<from>(?:i['’]?m|i\s+am)\s+(?:from|with|at)|(?:calling|writing|reaching\s+out)\s+from|soy\s+de|vengo\s+de|ich\s+komme\s+von)",
        r"|(?P<we>we\s+are|we['’]re|somos|i\s+(?:run|own|founded|co-?founded)",
        r"|(?:sales|marketing|growth|ops|operations|engineering|product|finance|hr|it|support|revops|partnerships|procurement|design|recruiting)\s+at))\s+",
    ))
});

pub(super) static LEADING_FROM: LazyLock<Option<Regex>> =
    LazyLock::new(|| compiled(r"(?i)^\s*from\s+"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CompanyCue {
    /// "I work at", "company is", "CTO at": the next words are the company.
    Explicit,
    /// "from": also used for places, so a known country or city is refused.
    From,
    /// "we're", "I run", "in sales at": only a capitalised name, since "we're small/hiring/…",
    /// "I run webinars" and "support at weekends" are far more common.
    We,
}

/// The company an explicit cue names; a later one wins, since corrections come last.
pub(super) fn stated_company(message: &str) -> Option<String> {
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
        let after = &message[whole.end()..];
        if let Some(company) = leading_company(after, kind) {
            found = Some(company);
        } else if kind == CompanyCue::We
            && let Some(company) = lower_case_business(after)
        {
            found = Some(company);
        }
    }
    found
}

/// "we're cobalt coffee roasters": typed in lower case, a name counts only as a whole clause
/// of two to four plain words ending like a business's ("roasters", "agency", "corp").
fn lower_case_business(s: &str) -> Option<String> {
    let end = s.find(|c: char| ",.;:!?\n(".contains(c)).unwrap_or(s.len());
    let words: Vec<&str> = s[..end].split_whitespace().collect();
    let last = words.last()?;
    let plain = words.iter().all(|w| {
        w.chars().all(|c| c.is_lowercase() || c == '&')
            && !is_stop(w)
            && !w.ends_with("ing")
            && (w.len() < 6 || !w.ends_with("ed"))
    });
    let business = is_in(last, NAME_ENDINGS)
        || is_in(last, COMPANY_SUFFIXES)
        || is_in(last, email_domain::BUSINESS_WORDS);
    ((2..=4).contains(&words.len()) && plain && business).then(|| {
        words
            .iter()
            .map(|w| {
                let mut chars = w.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// A message that opens with "from Acme Corp.".
pub(super) fn leading_from(message: &str) -> Option<String> {
    let cue = LEADING_FROM.as_ref()?.find(message)?;
    leading_company(&message[cue.end()..], CompanyCue::From)
}

/// The company after a name: " from Acme", ", CTO at Acme", " here with Globex", ", director
/// of member services at Saguaro Credit Union", ", Geschäftsführer der Müller GmbH".
pub(super) fn company_after_name(rest: &str) -> Option<String> {
    let mut pos = 0;
    let mut titled = false;
    for _ in 0..10 {
        let tail = &rest[pos..];
        let trimmed = tail.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let raw = trimmed[..len].trim_end_matches(',');
        pos += tail.len() - trimmed.len() + len;
        // "Ethan Brooks, ethan@copperleaf.example, from Copperleaf": the address is skipped.
        if raw.contains('@') && raw.len() > 1 {
            continue;
        }
        let word = raw;
        if word.is_empty() || word.ends_with(['.', '!', '?', ';', ':']) {
            return None;
        }
        let after = &rest[pos..];
        if is_in(word, &["from", "de", "von", "aus"]) && !titled {
            return leading_company(after, CompanyCue::From);
        }
        if is_in(word, &["with", "at", "@", "bei", "en"]) {
            return leading_company(after, CompanyCue::Explicit);
        }
        // "owner of Martins Auto Group", "directora de …", "Geschäftsführer der …": a company
        // only when a capitalised name follows; "director of member services at …" goes on.
        if titled && is_in(word, &["of", "for", "de", "der", "des", "von", "from"]) {
            if next_word(after).starts_with(char::is_uppercase)
                && let Some(company) = leading_company(after, CompanyCue::Explicit)
            {
                return Some(company);
            }
            continue;
        }
        let title = is_in(word, TITLE_HEADS) || is_in(word, TITLE_MODIFIERS);
        // Once a title has begun, the department may be any lower-case words.
        let department = titled && !word.starts_with(char::is_uppercase) && !is_stop(word);
        if !(title || department || is_in(word, &["here", "the", "a", "an", "and", "&", "of"])) {
            return None;
        }
        titled |= title;
    }
    None
}

/// "Acme Corp here", "Acme team here", or "Acme here" when the name comes from elsewhere
/// ("Hi, Northwind here, I'm Maria"): the company opening the message.
pub(super) fn company_here(message: &str, name: Option<&str>) -> Option<String> {
    let rest = &message[greeting_end(message)..];
    let (start, end) = company_span(rest, CompanyCue::We)?;
    let company = &rest[start..end];
    let mut after = rest[end..].trim_start();
    let team = starts_with_word_ci(after, "team");
    if team {
        after = after[4..].trim_start();
    }
    if !starts_with_word_ci(after, "here") {
        return None;
    }
    let closes = after[4..]
        .trim_start()
        .chars()
        .next()
        .is_none_or(|c| ",.!;:-–".contains(c));
    let named_elsewhere = name.is_some_and(|n| !same_word(n, company));
    let suffixed = company
        .split(' ')
        .any(|w| is_company_suffix(w) || is_in(w, NAME_ENDINGS));
    (closes && (team || suffixed || named_elsewhere)).then(|| company.to_owned())
}

/// "Corp", "GmbH", "LLC": a word that ends company names, never a person's.
pub(super) fn is_company_suffix(word: &str) -> bool {
    let word = word.trim_end_matches('.');
    word.len() >= 2
        && is_in(word, COMPANY_SUFFIXES)
        && !is_in(word, &["co", "as", "ab", "oy", "sa", "group"])
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
pub(super) fn company_span(s: &str, cue: CompanyCue) -> Option<(usize, usize)> {
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
    // "La Poste", "El Corte Inglés", "The Home Depot": a capitalised article opens the name.
    let article = is_in(first.text, ARTICLES)
        && first.text.starts_with(char::is_uppercase)
        && !first.last
        && pieces
            .get(1)
            .is_some_and(|p| p.text.starts_with(char::is_uppercase) && !is_stop(p.text));
    // "Big Sky Media": a capitalised common word opens a name when one follows it.
    // "VP of Client Services" names a department, not a company.
    let common_start = cue != CompanyCue::We
        && !is_in(first.text, TITLE_MODIFIERS)
        && first.text.starts_with(char::is_uppercase)
        && !first.last
        && !is_in(first.text, FUNCTION_WORDS)
        && !is_in(first.text, PLACES)
        && pieces.get(1).is_some_and(|p| {
            p.text.starts_with(char::is_uppercase) && !is_in(p.text, FUNCTION_WORDS)
        })
        // After "from" (places too), only a name that ends like a company's.
        && (cue == CompanyCue::Explicit
            || pieces.iter().skip(1).take(3).any(|p| {
                p.text.starts_with(char::is_uppercase)
                    && (is_in(p.text, NAME_ENDINGS) || is_in(p.text, COMPANY_SUFFIXES))
            }));
    if !article && !common_start && !company_start_ok(first.text, cue) {
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
    let verb_like = word.ends_with("ing") || (word.len() >= 6 && word.ends_with("ed"));
    // "we're Hiring!", "we're Excited": a capital does not make a state a company.
    if cue == CompanyCue::We && (!capital || verb_like) {
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
    // "Brightside Agency", "Gulf Partners": a capitalised word that ends company names.
    if capitalised && word.starts_with(char::is_uppercase) && is_in(word, NAME_ENDINGS) {
        return true;
    }
    if capitalised {
        // "Bank of America", "Johnson & Johnson", "Procter and Gamble".
        if is_in(word, &["&", "of", "and", "for", "de", "+"]) {
            return next.is_some_and(|n| n.starts_with(char::is_uppercase));
        }
        // "Halden Home Insurance", "Fernhill Group": a capitalised common word inside a
        // capitalised name is part of it, unless it is a word that starts a new thought.
        return word.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
            && (!is_stop(word) || !is_in(word, FUNCTION_WORDS));
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

/// Words that, capitalised, still start a new thought rather than go on with a name.
#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "i", "i'm", "im", "we", "we're", "our", "my", "you", "your", "they", "he", "she", "it", "it's",
    "the", "a", "an", "and", "or", "but", "so", "in", "on", "at", "to", "with", "from", "by",
    "is", "are", "was", "were", "be", "here", "there", "this", "that", "these", "those", "please",
    "thanks", "thank", "hi", "hello", "hey", "yes", "no", "not", "ok", "okay", "just", "also",
    "if", "when", "what", "how", "who", "why", "where", "can", "could", "would", "will", "do",
    "does", "did", "have", "has", "today", "tomorrow", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "as", "for", "of", "about", "any", "all",
    "some", "my", "me", "us",
];

#[rustfmt::skip]
const COMPANY_SUFFIXES: &[&str] = &[
    "inc", "inc.", "ltd", "ltd.", "llc", "llp", "corp", "corp.", "co", "co.", "gmbh", "ag", "sa",
    "sas", "sarl", "srl", "spa", "plc", "bv", "nv", "oy", "ab", "as", "pty", "limited",
    "corporation", "incorporated", "group", "labs", "technologies", "holdings",
];

const ARTICLES: &[&str] = &[
    "the", "la", "el", "le", "les", "los", "las", "die", "der", "das",
];

/// Words that end company names but are common words too ("agency", "partners").
#[rustfmt::skip]
pub(super) const NAME_ENDINGS: &[&str] = &[
    "agency", "partners", "studio", "studios", "solutions", "systems", "software", "media",
    "digital", "ventures", "capital", "consulting", "company", "industries", "enterprises",
    "associates", "analytics", "logistics", "marketing", "health", "bank", "foods", "motors",
    "traders", "trading", "networks", "security", "cloud", "ai", "io", "hq", "tech",
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

#[cfg(test)]
mod tests;
