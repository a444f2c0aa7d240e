//! Time zones a visitor names in words: "I'm in Chicago", "3pm CET", "Pacific time",
//! "Europe/Berlin", "UTC+2".
//!
//! A table of the common business cities, countries and abbreviations, because no crate
//! maps these words to IANA zones. Words that are also ordinary words or first names
//! ("central", "Austin", "IST" — German "is") count only with a cue around them.

use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::tz::TimeZone;
use regex::Regex;

/// A zone the visitor named, with its IANA name (for storing and for [`label`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedZone {
    pub iana: String,
    pub tz: TimeZone,
}

/// How sure a word is a place and not an ordinary word.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Hardly anything else: "Chicago", "Berlin", "CEST".
    Place,
    /// Also an ordinary word or a first name: needs "in/from …", "… time" or a clock before.
    Cued,
    /// A region that is also an adjective ("central", "eastern"): needs "… time" or a clock
    /// before it, since "in central London" is London.
    Region,
    /// An abbreviation that is also a word ("ET", "IST", "est"): written in capitals in
    /// mixed-case text, or with a cue.
    Capitals,
}

use Kind::{Capitals, Cued, Place, Region};

/// Phrases (lower case, accents folded, words separated by one space) → IANA zone.
const ZONES: &[(&str, &str, Kind)] = &[
    // North America.
    ("new york", "America/New_York", Place),
    ("new york city", "America/New_York", Place),
    ("nyc", "America/New_York", Place),
    ("manhattan", "America/New_York", Place),
    ("brooklyn", "America/New_York", Place),
    ("boston", "America/New_York", Place),
    ("philadelphia", "America/New_York", Place),
    ("washington dc", "America/New_York", Place),
    ("dc", "America/New_York", Cued),
    ("atlanta", "America/New_York", Place),
    ("miami", "America/New_York", Place),
    ("toronto", "America/Toronto", Place),
    ("montreal", "America/Toronto", Place),
    ("ottawa", "America/Toronto", Place),
    ("detroit", "America/Detroit", Place),
    ("chicago", "America/Chicago", Place),
    ("dallas", "America/Chicago", Place),
    ("houston", "America/Chicago", Place),
    ("austin", "America/Chicago", Cued),
    ("minneapolis", "America/Chicago", Place),
    ("nashville", "America/Chicago", Place),
    ("new orleans", "America/Chicago", Place),
    ("mexico city", "America/Mexico_City", Place),
    ("ciudad de mexico", "America/Mexico_City", Place),
    ("denver", "America/Denver", Place),
    ("salt lake city", "America/Denver", Place),
    ("calgary", "America/Edmonton", Place),
    ("phoenix", "America/Phoenix", Cued),
    ("los angeles", "America/Los_Angeles", Place),
    ("la", "America/Los_Angeles", Capitals),
    ("san francisco", "America/Los_Angeles", Place),
    ("sf", "America/Los_Angeles", Capitals),
    ("bay area", "America/Los_Angeles", Place),
    ("silicon valley", "America/Los_Angeles", Place),
    ("san diego", "America/Los_Angeles", Place),
    ("seattle", "America/Los_Angeles", Place),
    ("portland", "America/Los_Angeles", Place),
    ("las vegas", "America/Los_Angeles", Place),
    ("vancouver", "America/Vancouver", Place),
    ("honolulu", "Pacific/Honolulu", Place),
    ("hawaii", "Pacific/Honolulu", Place),
    ("anchorage", "America/Anchorage", Place),
    ("sao paulo", "America/Sao_Paulo", Place),
    ("buenos aires", "America/Argentina/Buenos_Aires", Place),
    ("bogota", "America/Bogota", Place),
    ("lima", "America/Lima", Cued),
    ("santiago", "America/Santiago", Cued),
    // Europe.
    ("london", "Europe/London", Place),
    ("londres", "Europe/London", Place),
    ("manchester", "Europe/London", Place),
    ("edinburgh", "Europe/London", Place),
    ("uk", "Europe/London", Cued),
    ("united kingdom", "Europe/London", Place),
    ("england", "Europe/London", Place),
    ("dublin", "Europe/Dublin", Place),
    ("ireland", "Europe/Dublin", Place),
    ("lisbon", "Europe/Lisbon", Place),
    ("lisboa", "Europe/Lisbon", Place),
    ("portugal", "Europe/Lisbon", Place),
    ("madrid", "Europe/Madrid", Place),
    ("barcelona", "Europe/Madrid", Place),
    ("valencia", "Europe/Madrid", Place),
    ("sevilla", "Europe/Madrid", Place),
    ("spain", "Europe/Madrid", Place),
    ("espana", "Europe/Madrid", Place),
    ("spanien", "Europe/Madrid", Place),
    ("paris", "Europe/Paris", Place),
    ("france", "Europe/Paris", Place),
    ("lyon", "Europe/Paris", Place),
    ("brussels", "Europe/Brussels", Place),
    ("amsterdam", "Europe/Amsterdam", Place),
    ("rotterdam", "Europe/Amsterdam", Place),
    ("netherlands", "Europe/Amsterdam", Place),
    ("berlin", "Europe/Berlin", Place),
    ("munich", "Europe/Berlin", Place),
    ("munchen", "Europe/Berlin", Place),
    ("hamburg", "Europe/Berlin", Place),
    ("frankfurt", "Europe/Berlin", Place),
    ("cologne", "Europe/Berlin", Place),
    ("koln", "Europe/Berlin", Place),
    ("stuttgart", "Europe/Berlin", Place),
    ("germany", "Europe/Berlin", Place),
    ("deutschland", "Europe/Berlin", Place),
    ("alemania", "Europe/Berlin", Place),
    ("zurich", "Europe/Zurich", Place),
    ("geneva", "Europe/Zurich", Place),
    ("switzerland", "Europe/Zurich", Place),
    ("schweiz", "Europe/Zurich", Place),
    ("vienna", "Europe/Vienna", Place),
    ("wien", "Europe/Vienna", Place),
    ("austria", "Europe/Vienna", Place),
    ("osterreich", "Europe/Vienna", Place),
    ("milan", "Europe/Rome", Place),
    ("rome", "Europe/Rome", Place),
    ("italy", "Europe/Rome", Place),
    ("stockholm", "Europe/Stockholm", Place),
    ("oslo", "Europe/Oslo", Place),
    ("copenhagen", "Europe/Copenhagen", Place),
    ("helsinki", "Europe/Helsinki", Place),
    ("warsaw", "Europe/Warsaw", Place),
    ("poland", "Europe/Warsaw", Place),
    ("prague", "Europe/Prague", Place),
    ("budapest", "Europe/Budapest", Place),
    ("athens", "Europe/Athens", Place),
    ("bucharest", "Europe/Bucharest", Place),
    ("istanbul", "Europe/Istanbul", Place),
    ("kyiv", "Europe/Kyiv", Place),
    ("kiev", "Europe/Kyiv", Place),
    ("moscow", "Europe/Moscow", Place),
    // Elsewhere.
    ("dubai", "Asia/Dubai", Place),
    ("tel aviv", "Asia/Jerusalem", Place),
    ("israel", "Asia/Jerusalem", Place),
    ("cairo", "Africa/Cairo", Place),
    ("johannesburg", "Africa/Johannesburg", Place),
    ("cape town", "Africa/Johannesburg", Place),
    ("lagos", "Africa/Lagos", Place),
    ("nairobi", "Africa/Nairobi", Place),
    ("india", "Asia/Kolkata", Place),
    ("mumbai", "Asia/Kolkata", Place),
    ("bombay", "Asia/Kolkata", Place),
    ("delhi", "Asia/Kolkata", Place),
    ("new delhi", "Asia/Kolkata", Place),
    ("bangalore", "Asia/Kolkata", Place),
    ("bengaluru", "Asia/Kolkata", Place),
    ("hyderabad", "Asia/Kolkata", Place),
    ("singapore", "Asia/Singapore", Place),
    ("hong kong", "Asia/Hong_Kong", Place),
    ("shanghai", "Asia/Shanghai", Place),
    ("beijing", "Asia/Shanghai", Place),
    ("tokyo", "Asia/Tokyo", Place),
    ("japan", "Asia/Tokyo", Place),
    ("seoul", "Asia/Seoul", Place),
    ("manila", "Asia/Manila", Place),
    ("jakarta", "Asia/Jakarta", Place),
    ("bangkok", "Asia/Bangkok", Place),
    ("sydney", "Australia/Sydney", Place),
    ("melbourne", "Australia/Melbourne", Place),
    ("brisbane", "Australia/Brisbane", Place),
    ("perth", "Australia/Perth", Place),
    ("auckland", "Pacific/Auckland", Place),
    ("new zealand", "Pacific/Auckland", Place),
    // Regions and abbreviations.
    ("eastern", "America/New_York", Region),
    ("est", "America/New_York", Capitals),
    ("edt", "America/New_York", Place),
    ("et", "America/New_York", Capitals),
    ("central", "America/Chicago", Region),
    ("cst", "America/Chicago", Place),
    ("cdt", "America/Chicago", Place),
    ("ct", "America/Chicago", Capitals),
    ("mountain", "America/Denver", Region),
    ("mst", "America/Denver", Place),
    ("mdt", "America/Denver", Place),
    ("mt", "America/Denver", Capitals),
    ("pacific", "America/Los_Angeles", Region),
    ("pst", "America/Los_Angeles", Place),
    ("pdt", "America/Los_Angeles", Place),
    ("pt", "America/Los_Angeles", Capitals),
    ("gmt", "Etc/GMT", Place),
    ("utc", "UTC", Place),
    ("bst", "Europe/London", Place),
    ("wet", "Europe/Lisbon", Capitals),
    ("cet", "Europe/Berlin", Place),
    ("cest", "Europe/Berlin", Place),
    ("mez", "Europe/Berlin", Capitals),
    ("eet", "Europe/Athens", Place),
    ("eest", "Europe/Athens", Place),
    ("ist", "Asia/Kolkata", Capitals),
    ("sgt", "Asia/Singapore", Place),
    ("jst", "Asia/Tokyo", Place),
    ("aest", "Australia/Sydney", Place),
    ("aedt", "Australia/Sydney", Place),
];

/// Words right before a place that make it one: "I'm in …", "based in …", "soy de …".
const BEFORE: &[&str] = &[
    "in", "from", "near", "en", "desde", "de", "aus", "im", "bei",
];

/// Words right after a place that make it one: "… time", "Central Standard Time".
const AFTER: &[&str] = &[
    "time", "timezone", "tz", "zone", "standard", "daylight", "area", "based", "office", "hours",
    "zeit", "uhrzeit",
];

/// A match's strength: a clock or "time" beside it beats "in …", which beats a bare name.
const BY_TIME: u8 = 3;
const BY_PLACE_CUE: u8 = 2;
const BARE: u8 = 1;

/// The zone the visitor names in `text`, if any; the most clearly stated one when several are.
pub fn named_zone(text: &str) -> Option<NamedZone> {
    let text = bounded(text);
    // The regexes run only when their text could be there.
    let lower = text.to_ascii_lowercase();
    let iana = (text.contains('/').then(|| typed_iana(text)).flatten())
        .or_else(|| {
            let offset = lower.contains("utc") || lower.contains("gmt");
            offset.then(|| utc_offset(text)).flatten()
        })
        .or_else(|| from_table(text).map(|(_, iana)| iana.to_owned()))?;
    let tz = TimeZone::get(&iana).ok()?;
    let iana = tz.iana_name().map_or(iana, str::to_owned);
    Some(NamedZone { iana, tz })
}

/// How a zone reads to a visitor: "America/Chicago" → "Chicago time", "UTC" → "UTC",
/// "Etc/GMT-2" → "UTC+2".
pub fn label(iana: &str) -> String {
    match iana {
        "UTC" | "Etc/UTC" | "Etc/Universal" | "Etc/Zulu" | "Universal" | "Zulu" | "Etc/UCT"
        | "UCT" => return "UTC".to_owned(),
        "GMT" | "Etc/GMT" | "Etc/GMT0" | "Etc/GMT+0" | "Etc/GMT-0" | "Etc/Greenwich" => {
            return "GMT".to_owned();
        }
        "Asia/Kolkata" | "Asia/Calcutta" => return "India time".to_owned(),
        _ => {}
    }
    if let Some(offset) = iana.strip_prefix("Etc/GMT") {
        // The Etc names count the other way round: Etc/GMT-2 is two hours ahead of UTC.
        let flipped = match offset.chars().next() {
            Some('-') => format!("+{}", &offset[1..]),
            Some('+') => format!("-{}", &offset[1..]),
            _ => offset.to_owned(),
        };
        return format!("UTC{flipped}");
    }
    match iana.rsplit_once('/') {
        Some((_, city)) => format!("{} time", city.replace('_', " ")),
        None => iana.to_owned(),
    }
}

/// [`label`] of a zone, or its UTC offset for a fixed-offset zone without an IANA name.
pub fn label_of(zone: &TimeZone) -> String {
    match (zone.iana_name(), zone.to_fixed_offset()) {
        (Some(iana), _) => label(iana),
        (None, Ok(offset)) => format!("UTC{offset}"),
        (None, Err(_)) => "local time".to_owned(),
    }
}

/// A chat message is short; a pasted essay is read only as far as this.
fn bounded(text: &str) -> &str {
    const MAX: usize = 2000;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// "Europe/Berlin", "america/new_york": a typed IANA name the database knows.
fn typed_iana(text: &str) -> Option<String> {
    static IANA: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)/[A-Za-z_+\-]+(?:/[A-Za-z_]+)?",
        )
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
    });
    IANA.find_iter(text).find_map(|found| {
        let tz = TimeZone::get(found.as_str()).ok()?;
        tz.iana_name().map(str::to_owned)
    })
}

/// "UTC+2", "GMT -5", "utc+02:00": a whole-hour offset as its Etc zone.
fn utc_offset(text: &str) -> Option<String> {
    static OFFSET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:utc|gmt)\s?([+\-\u{2212}])\s?(\d{1,2})(?::?(\d{2}))?\b")
            .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
    });
    let found = OFFSET.captures(text)?;
    let hours: u8 = found.get(2)?.as_str().parse().ok()?;
    let minutes = found.get(3).map_or("00", |m| m.as_str());
    if minutes != "00" || hours > 14 {
        return None;
    }
    let ahead = found.get(1)?.as_str() == "+";
    if hours == 0 {
        return Some("UTC".to_owned());
    }
    // Etc/GMT-2 is UTC+2.
    Some(format!("Etc/GMT{}{hours}", if ahead { '-' } else { '+' }))
}

/// One word of the text: as written, and lower-cased with accents folded.
struct Word<'a> {
    raw: &'a str,
    folded: String,
}

/// The table by each phrase's first word, longest phrase first: (words, IANA name, kind).
type ZoneIndex = HashMap<&'static str, Vec<(Vec<&'static str>, &'static str, Kind)>>;

/// The most clearly stated zone in the table, with its strength.
fn from_table(text: &str) -> Option<(u8, &'static str)> {
    static BY_FIRST: LazyLock<ZoneIndex> = LazyLock::new(|| {
        let mut map = ZoneIndex::new();
        for &(phrase, iana, kind) in ZONES {
            let words: Vec<&str> = phrase.split(' ').collect();
            map.entry(words[0]).or_default().push((words, iana, kind));
        }
        // Longest phrase first: "new york city" before "new york".
        for entries in map.values_mut() {
            entries.sort_by_key(|(words, _, _)| std::cmp::Reverse(words.len()));
        }
        map
    });
    let words = split(text);
    let mixed_case = text.chars().any(char::is_lowercase);
    let mut best: Option<(u8, &'static str)> = None;
    for at in 0..words.len() {
        let Some(entries) = BY_FIRST.get(words[at].folded.as_str()) else {
            continue;
        };
        let Some((phrase, iana, kind)) = entries.iter().find(|(phrase, _, _)| {
            phrase
                .iter()
                .enumerate()
                .all(|(i, w)| words.get(at + i).is_some_and(|word| word.folded == *w))
        }) else {
            continue;
        };
        let strength = strength(&words, at, phrase.len(), *kind, mixed_case);
        if strength > best.map_or(0, |(s, _)| s) {
            best = Some((strength, iana));
        }
    }
    best
}

/// How clearly the phrase at `at..at + len` names a zone; 0 when it does not.
fn strength(words: &[Word<'_>], at: usize, len: usize, kind: Kind, mixed_case: bool) -> u8 {
    let word = |i: Option<usize>| i.and_then(|i| words.get(i)).map(|w| w.folded.as_str());
    let before = word(at.checked_sub(1));
    // "in the UK": the article may sit between the cue and the place.
    let cue_word = match before {
        Some("the") => word(at.checked_sub(2)),
        other => other,
    };
    let clock_before = before.is_some_and(is_clock);
    let said_am_pm = before.is_some_and(|w| w.ends_with("am") || w.ends_with("pm"));
    let time_after = word(Some(at + len)).is_some_and(|w| AFTER.contains(&w));
    let place_cue = cue_word.is_some_and(|w| BEFORE.contains(&w));
    let capitals = words[at].raw.chars().all(char::is_uppercase) && mixed_case;
    let cued = if clock_before || time_after {
        BY_TIME
    } else if place_cue {
        BY_PLACE_CUE
    } else {
        0
    };
    match kind {
        Place => cued.max(BARE),
        Cued => cued,
        Region if clock_before || time_after => BY_TIME,
        Region => 0,
        // "in LA", "3pm ET"; but "en la mañana" is Spanish and "15 Uhr ist gut" German.
        Capitals if capitals => cued.max(BARE),
        Capitals if said_am_pm || time_after => BY_TIME,
        Capitals => 0,
    }
}

/// "3pm", "15:00", "10", "pm", "15h", "uhr": a clock time just said.
fn is_clock(word: &str) -> bool {
    if matches!(word, "am" | "pm" | "uhr" | "h" | "clock" | "noon") {
        return true;
    }
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
    match rest {
        "" => word.len() <= 2 || word.contains(':'),
        "am" | "pm" | "h" => true,
        _ => false,
    }
}

/// Words of letters and digits (":" kept inside "15:00"), with accents folded.
fn split(text: &str) -> Vec<Word<'_>> {
    text.split(|c: char| !(c.is_alphanumeric() || c == ':'))
        .filter(|raw| !raw.is_empty())
        .map(|raw| Word {
            raw,
            folded: fold(raw),
        })
        .collect()
}

/// Lower case without accents: "München" → "munchen", "Bogotá" → "bogota".
pub(super) fn fold(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    for c in word.chars().flat_map(char::to_lowercase) {
        match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => folded.push('a'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'í' | 'ì' | 'î' | 'ï' => folded.push('i'),
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => folded.push('o'),
            'ú' | 'ù' | 'û' | 'ü' => folded.push('u'),
            'ñ' => folded.push('n'),
            'ç' => folded.push('c'),
            'ß' => folded.push_str("ss"),
            c => folded.push(c),
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iana(text: &str) -> Option<String> {
        named_zone(text).map(|zone| zone.iana)
    }

    #[test]
    fn places_and_abbreviations_name_their_zone() {
        for (text, zone) in [
            ("I'm in Chicago", "America/Chicago"),
            ("Thursday afternoon Chicago time", "America/Chicago"),
            ("we're in Denver", "America/Denver"),
            ("Hi, writing from London", "Europe/London"),
            ("Berlin", "Europe/Berlin"),
            ("Madrid", "Europe/Madrid"),
            ("paris", "Europe/Paris"),
            ("Sydney", "Australia/Sydney"),
            ("toronto office", "America/Toronto"),
            ("based in LA", "America/Los_Angeles"),
            ("NYC", "America/New_York"),
            ("New York City", "America/New_York"),
            ("after 2 CET", "Europe/Berlin"),
            ("3pm cest", "Europe/Berlin"),
            ("3pm EST", "America/New_York"),
            ("3 pm est", "America/New_York"),
            ("EDT please", "America/New_York"),
            ("2pm ET", "America/New_York"),
            ("Eastern time", "America/New_York"),
            ("3pm eastern", "America/New_York"),
            ("CST", "America/Chicago"),
            ("central time works", "America/Chicago"),
            ("MST", "America/Denver"),
            ("Mountain Time", "America/Denver"),
            ("PST", "America/Los_Angeles"),
            ("pdt", "America/Los_Angeles"),
            ("10am PT", "America/Los_Angeles"),
            ("I'm on Pacific time", "America/Los_Angeles"),
            ("let's meet in central London", "Europe/London"),
            ("Central Standard Time", "America/Chicago"),
            ("3pm GMT", "Etc/GMT"),
            ("15:00 UTC", "UTC"),
            ("BST", "Europe/London"),
            ("5pm IST", "Asia/Kolkata"),
            ("my zone is Europe/Berlin", "Europe/Berlin"),
            ("america/new_york", "America/New_York"),
            ("UTC+2", "Etc/GMT-2"),
            ("GMT -5", "Etc/GMT+5"),
            ("I'm in the UK", "Europe/London"),
            ("soy de Madrid", "Europe/Madrid"),
            ("ich bin in München", "Europe/Berlin"),
            ("I'm in Austin", "America/Chicago"),
            ("São Paulo", "America/Sao_Paulo"),
            ("Bogotá", "America/Bogota"),
        ] {
            assert_eq!(iana(text).as_deref(), Some(zone), "{text}");
        }
    }

    #[test]
    fn a_zone_said_with_the_time_beats_where_the_visitor_is() {
        assert_eq!(
            iana("I'm in Chicago but let's say 3pm Berlin time").as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(
            iana("in Denver, 3pm EST").as_deref(),
            Some("America/New_York")
        );
    }

    #[test]
    fn ordinary_words_name_no_zone() {
        for text in [
            "nice",
            "Nice to meet you",
            "That is central to our business",
            "Eastern Europe is a big market",
            "we climbed the mountain",
            "we're in central Europe",
            "based in the Pacific",
            "Austin is my name",
            "Das ist gut",
            "DAS IST GUT",
            "el jueves por la tarde",
            "mañana en la mañana",
            "et al",
            "I'm in sales",
            "it's 10 PM",
            "est. 1999",
            "",
        ] {
            assert_eq!(iana(text), None, "{text}");
        }
    }

    #[test]
    fn labels_read_like_a_place() {
        assert_eq!(label("America/Chicago"), "Chicago time");
        assert_eq!(label("Europe/Berlin"), "Berlin time");
        assert_eq!(label("UTC"), "UTC");
        assert_eq!(label("Etc/UTC"), "UTC");
        assert_eq!(label("America/New_York"), "New York time");
        assert_eq!(label("America/Argentina/Buenos_Aires"), "Buenos Aires time");
        assert_eq!(label("Asia/Kolkata"), "India time");
        assert_eq!(label("Etc/GMT-2"), "UTC+2");
        assert_eq!(label("Etc/GMT+5"), "UTC-5");
        assert_eq!(label("Etc/GMT"), "GMT");
        assert_eq!(
            label_of(&TimeZone::get("Europe/Madrid").unwrap()),
            "Madrid time"
        );
        assert!(label_of(&jiff::tz::offset(2).to_time_zone()).starts_with("UTC+02"));
    }
}
