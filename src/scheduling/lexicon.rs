//! What single words and fixed phrases mean to the time reader ([`super::phrases`]), in
//! English, Spanish and German, lower case with accents folded.

use std::collections::HashMap;

use jiff::civil::Weekday;

/// A span of a day in minutes after midnight, end exclusive: 09:00–12:00 is (540, 720).
pub(super) type Part = (u16, u16);

pub(super) const MORNING: Part = (540, 720);
pub(super) const LUNCH: Part = (720, 810);
pub(super) const AFTERNOON: Part = (720, 1020);
pub(super) const AFTER_LUNCH: Part = (810, 1020);
pub(super) const LATE_AFTERNOON: Part = (900, 1020);
pub(super) const EARLY_AFTERNOON: Part = (720, 900);
pub(super) const LATE_MORNING: Part = (600, 720);
pub(super) const EARLY_MORNING: Part = (480, 600);
pub(super) const FIRST_THING: Part = (540, 600);
pub(super) const EVENING: Part = (1020, 1200);

/// What a fixed phrase means.
#[derive(Debug, Clone, Copy)]
pub(super) enum Act {
    /// A greeting or wish ("good morning", "buenas tardes"): no time at all.
    Skip,
    Span(Span),
    /// Days from today: "tomorrow" is 1.
    Day(i8),
    DayPart(i8, Part),
    Part(Part),
    /// "any time": the whole day, which is what no time means anyway.
    Whole,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Span {
    ThisWeek,
    EndOfWeek,
    Weekend,
    NextWeek,
    EarlyNextWeek,
    MidNextWeek,
    LateNextWeek,
    WeekAfterNext,
}

pub(super) const PHRASES: &[(&str, Act)] = &[
    ("good morning", Act::Skip),
    ("good afternoon", Act::Skip),
    ("good evening", Act::Skip),
    ("good night", Act::Skip),
    ("good day", Act::Skip),
    ("nice day", Act::Skip),
    ("great day", Act::Skip),
    ("good weekend", Act::Skip),
    ("nice weekend", Act::Skip),
    ("great weekend", Act::Skip),
    ("buenos dias", Act::Skip),
    ("buen dia", Act::Skip),
    ("buenas tardes", Act::Skip),
    ("buenas noches", Act::Skip),
    ("guten morgen", Act::Skip),
    ("guten tag", Act::Skip),
    ("guten abend", Act::Skip),
    ("gute nacht", Act::Skip),
    ("schones wochenende", Act::Skip),
    ("this week", Act::Span(Span::ThisWeek)),
    ("esta semana", Act::Span(Span::ThisWeek)),
    ("diese woche", Act::Span(Span::ThisWeek)),
    ("dieser woche", Act::Span(Span::ThisWeek)),
    ("end of the week", Act::Span(Span::EndOfWeek)),
    ("end of this week", Act::Span(Span::EndOfWeek)),
    ("end of week", Act::Span(Span::EndOfWeek)),
    ("later this week", Act::Span(Span::EndOfWeek)),
    ("late this week", Act::Span(Span::EndOfWeek)),
    ("fin de la semana", Act::Span(Span::EndOfWeek)),
    ("final de la semana", Act::Span(Span::EndOfWeek)),
    ("finales de esta semana", Act::Span(Span::EndOfWeek)),
    ("ende der woche", Act::Span(Span::EndOfWeek)),
    ("ende dieser woche", Act::Span(Span::EndOfWeek)),
    ("this weekend", Act::Span(Span::Weekend)),
    ("the weekend", Act::Span(Span::Weekend)),
    ("weekend", Act::Span(Span::Weekend)),
    ("fin de semana", Act::Span(Span::Weekend)),
    ("wochenende", Act::Span(Span::Weekend)),
    ("next week", Act::Span(Span::NextWeek)),
    ("the following week", Act::Span(Span::NextWeek)),
    ("la proxima semana", Act::Span(Span::NextWeek)),
    ("proxima semana", Act::Span(Span::NextWeek)),
    ("la semana que viene", Act::Span(Span::NextWeek)),
    ("semana que viene", Act::Span(Span::NextWeek)),
    ("la semana proxima", Act::Span(Span::NextWeek)),
    ("nachste woche", Act::Span(Span::NextWeek)),
    ("naechste woche", Act::Span(Span::NextWeek)),
    ("nachsten woche", Act::Span(Span::NextWeek)),
    ("naechsten woche", Act::Span(Span::NextWeek)),
    ("kommende woche", Act::Span(Span::NextWeek)),
    ("kommenden woche", Act::Span(Span::NextWeek)),
    ("early next week", Act::Span(Span::EarlyNextWeek)),
    ("beginning of next week", Act::Span(Span::EarlyNextWeek)),
    ("start of next week", Act::Span(Span::EarlyNextWeek)),
    (
        "principios de la proxima semana",
        Act::Span(Span::EarlyNextWeek),
    ),
    (
        "principios de la semana que viene",
        Act::Span(Span::EarlyNextWeek),
    ),
    ("anfang nachster woche", Act::Span(Span::EarlyNextWeek)),
    ("anfang naechster woche", Act::Span(Span::EarlyNextWeek)),
    ("anfang der nachsten woche", Act::Span(Span::EarlyNextWeek)),
    ("mid next week", Act::Span(Span::MidNextWeek)),
    ("middle of next week", Act::Span(Span::MidNextWeek)),
    ("mitte nachster woche", Act::Span(Span::MidNextWeek)),
    ("mitte der nachsten woche", Act::Span(Span::MidNextWeek)),
    ("late next week", Act::Span(Span::LateNextWeek)),
    ("later next week", Act::Span(Span::LateNextWeek)),
    ("end of next week", Act::Span(Span::LateNextWeek)),
    ("later in the next week", Act::Span(Span::LateNextWeek)),
    (
        "finales de la proxima semana",
        Act::Span(Span::LateNextWeek),
    ),
    ("ende nachster woche", Act::Span(Span::LateNextWeek)),
    ("ende naechster woche", Act::Span(Span::LateNextWeek)),
    ("ende der nachsten woche", Act::Span(Span::LateNextWeek)),
    ("the week after next", Act::Span(Span::WeekAfterNext)),
    ("ubernachste woche", Act::Span(Span::WeekAfterNext)),
    ("yesterday", Act::Day(-1)),
    ("ayer", Act::Day(-1)),
    ("gestern", Act::Day(-1)),
    ("today", Act::Day(0)),
    ("hoy", Act::Day(0)),
    ("heute", Act::Day(0)),
    ("tomorrow", Act::Day(1)),
    ("tmrw", Act::Day(1)),
    ("tmr", Act::Day(1)),
    ("tomorow", Act::Day(1)),
    ("tommorow", Act::Day(1)),
    ("tommorrow", Act::Day(1)),
    ("tomorrw", Act::Day(1)),
    ("2morrow", Act::Day(1)),
    ("manana", Act::Day(1)),
    ("morgen", Act::Day(1)),
    ("day after tomorrow", Act::Day(2)),
    ("the day after tomorrow", Act::Day(2)),
    ("pasado manana", Act::Day(2)),
    ("ubermorgen", Act::Day(2)),
    ("uebermorgen", Act::Day(2)),
    ("tonight", Act::DayPart(0, EVENING)),
    ("tonite", Act::DayPart(0, EVENING)),
    ("this evening", Act::DayPart(0, EVENING)),
    ("this morning", Act::DayPart(0, MORNING)),
    ("this afternoon", Act::DayPart(0, AFTERNOON)),
    ("esta manana", Act::DayPart(0, MORNING)),
    ("esta tarde", Act::DayPart(0, AFTERNOON)),
    ("esta noche", Act::DayPart(0, EVENING)),
    ("morgen fruh", Act::DayPart(1, MORNING)),
    ("morgen frueh", Act::DayPart(1, MORNING)),
    ("morning", Act::Part(MORNING)),
    ("mornings", Act::Part(MORNING)),
    ("late morning", Act::Part(LATE_MORNING)),
    ("mid morning", Act::Part(LATE_MORNING)),
    ("midmorning", Act::Part(LATE_MORNING)),
    ("early morning", Act::Part(EARLY_MORNING)),
    ("first thing", Act::Part(FIRST_THING)),
    ("first thing in the morning", Act::Part(FIRST_THING)),
    ("after lunch", Act::Part(AFTER_LUNCH)),
    ("after lunchtime", Act::Part(AFTER_LUNCH)),
    ("despues de comer", Act::Part(AFTER_LUNCH)),
    ("despues del almuerzo", Act::Part(AFTER_LUNCH)),
    ("nach dem mittagessen", Act::Part(AFTER_LUNCH)),
    ("before lunch", Act::Part(MORNING)),
    ("antes de comer", Act::Part(MORNING)),
    ("vor dem mittagessen", Act::Part(MORNING)),
    ("after work", Act::Part(EVENING)),
    ("lunch", Act::Part(LUNCH)),
    ("lunchtime", Act::Part(LUNCH)),
    ("lunch time", Act::Part(LUNCH)),
    ("midday", Act::Part(LUNCH)),
    ("mid day", Act::Part(LUNCH)),
    ("afternoon", Act::Part(AFTERNOON)),
    ("afternoons", Act::Part(AFTERNOON)),
    ("arvo", Act::Part(AFTERNOON)),
    ("late afternoon", Act::Part(LATE_AFTERNOON)),
    ("early afternoon", Act::Part(EARLY_AFTERNOON)),
    ("evening", Act::Part(EVENING)),
    ("evenings", Act::Part(EVENING)),
    ("la manana", Act::Part(MORNING)),
    ("las mananas", Act::Part(MORNING)),
    ("la tarde", Act::Part(AFTERNOON)),
    ("las tardes", Act::Part(AFTERNOON)),
    ("la noche", Act::Part(EVENING)),
    ("mediodia", Act::Part(LUNCH)),
    ("vormittag", Act::Part(MORNING)),
    ("vormittags", Act::Part(MORNING)),
    ("morgens", Act::Part(MORNING)),
    ("am morgen", Act::Part(MORNING)),
    ("mittag", Act::Part(LUNCH)),
    ("mittags", Act::Part(LUNCH)),
    ("mittagszeit", Act::Part(LUNCH)),
    ("nachmittag", Act::Part(AFTERNOON)),
    ("nachmittags", Act::Part(AFTERNOON)),
    ("spaten nachmittag", Act::Part(LATE_AFTERNOON)),
    ("spater nachmittag", Act::Part(LATE_AFTERNOON)),
    ("fruhen nachmittag", Act::Part(EARLY_AFTERNOON)),
    ("abend", Act::Part(EVENING)),
    ("abends", Act::Part(EVENING)),
    ("any time", Act::Whole),
    ("anytime", Act::Whole),
    ("all day", Act::Whole),
    ("whenever", Act::Whole),
    ("cualquier hora", Act::Whole),
    ("todo el dia", Act::Whole),
    ("jederzeit", Act::Whole),
    ("ganzen tag", Act::Whole),
];

/// The phrases by their first word, longest first.
pub(super) type PhraseIndex = HashMap<&'static str, Vec<(Vec<&'static str>, Act)>>;

/// German day-part endings of a compound: "Donnerstagnachmittag".
pub(super) const COMPOUND_PARTS: &[(&str, Part)] = &[
    ("nachmittag", AFTERNOON),
    ("vormittag", MORNING),
    ("morgen", MORNING),
    ("mittag", LUNCH),
    ("abend", EVENING),
];

/// Words that put the time on a project's timeline rather than on a meeting.
pub(super) const TIMELINE: &[&str] = &[
    "start",
    "starting",
    "launch",
    "launching",
    "live",
    "rollout",
    "roll",
    "implement",
    "implementation",
    "deploy",
    "deployment",
    "migrate",
    "migration",
    "onboard",
    "onboarding",
    "decide",
    "decision",
    "sign",
    "signing",
    "purchase",
    "buy",
    "buying",
    "budget",
    "contract",
    "renew",
    "renewal",
    "begin",
    "kickoff",
    "project",
    "think",
    "back",
    "reply",
    "respond",
    "review",
    "empezar",
    "empezamos",
    "comenzar",
    "lanzar",
    "implementar",
    "starten",
    "beginnen",
    "einfuhren",
    "loslegen",
];

/// Words that talk about meeting.
pub(super) const MEETING: &[&str] = &[
    "call",
    "calls",
    "meet",
    "meeting",
    "meetings",
    "chat",
    "talk",
    "speak",
    "demo",
    "free",
    "available",
    "availability",
    "works",
    "work",
    "suit",
    "suits",
    "suitable",
    "book",
    "booking",
    "schedule",
    "slot",
    "slots",
    "invite",
    "catch",
    "sync",
    "connect",
    "llamada",
    "reunion",
    "hablar",
    "reunirnos",
    "disponible",
    "libre",
    "termin",
    "gesprach",
    "telefonieren",
    "anruf",
    "passt",
    "treffen",
    "zeit",
];

/// Words after a number that make it a quantity.
pub(super) const UNITS: &[&str] = &[
    "week",
    "weeks",
    "day",
    "days",
    "month",
    "months",
    "year",
    "years",
    "people",
    "persons",
    "users",
    "seats",
    "reps",
    "employees",
    "minutes",
    "mins",
    "min",
    "hours",
    "k",
    "semanas",
    "dias",
    "meses",
    "personas",
    "wochen",
    "tage",
    "monate",
    "leute",
    "personen",
    "of",
    "percent",
    "x",
    "calls",
    "times",
    "per",
    "each",
];

pub(super) fn weekday_named(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" | "mon" | "mondays" | "mondy" | "lunes" | "montag" | "montags" => Weekday::Monday,
        "tuesday" | "tue" | "tues" | "tuesdays" | "tuseday" | "tusday" | "tuesay" | "martes"
        | "dienstag" | "dienstags" => Weekday::Tuesday,
        "wednesday" | "wed" | "weds" | "wednesdays" | "wensday" | "wendsday" | "wednsday"
        | "wedensday" | "wednseday" | "miercoles" | "mittwoch" | "mittwochs" => Weekday::Wednesday,
        "thursday" | "thu" | "thur" | "thurs" | "thursdays" | "thrusday" | "thursady"
        | "thurday" | "jueves" | "donnerstag" | "donnerstags" => Weekday::Thursday,
        "friday" | "fri" | "fridays" | "firday" | "fridy" | "viernes" | "freitag" | "freitags" => {
            Weekday::Friday
        }
        "saturday" | "saturdays" | "sabado" | "samstag" | "sonnabend" => Weekday::Saturday,
        "sunday" | "sundays" | "domingo" | "sonntag" => Weekday::Sunday,
        _ => return None,
    })
}

/// English day words, after which "am" is the morning (in German it is "on the").
pub(super) fn english_day(word: &str) -> bool {
    let weekday = weekday_named(word).is_some() && word.ends_with("day");
    let short = matches!(
        word,
        "mon" | "tue" | "tues" | "wed" | "weds" | "thu" | "thur" | "thurs" | "fri"
    );
    weekday || short || matches!(word, "today" | "tomorrow" | "tmrw")
}

/// "donnerstagnachmittag" → Thursday afternoon.
pub(super) fn compound(word: &str) -> Option<(Weekday, Option<Part>)> {
    COMPOUND_PARTS.iter().find_map(|(ending, part)| {
        let day = word.strip_suffix(ending)?;
        Some((weekday_named(day)?, Some(*part)))
    })
}

pub(super) fn month_named(word: &str) -> Option<i8> {
    Some(match word {
        "january" | "jan" | "enero" | "januar" => 1,
        "february" | "feb" | "febrero" | "februar" => 2,
        "march" | "mar" | "marzo" | "marz" => 3,
        "april" | "apr" | "abril" => 4,
        "may" | "mayo" | "mai" => 5,
        "june" | "jun" | "junio" | "juni" => 6,
        "july" | "jul" | "julio" | "juli" => 7,
        "august" | "aug" | "agosto" => 8,
        "september" | "sept" | "sep" | "septiembre" | "setiembre" => 9,
        "october" | "oct" | "octubre" | "oktober" | "okt" => 10,
        "november" | "nov" | "noviembre" => 11,
        "december" | "dec" | "diciembre" | "dezember" | "dez" => 12,
        _ => return None,
    })
}

/// A day of the month: "10", "10th", "1st", "first".
pub(super) fn day_number(word: &str) -> Option<i8> {
    let n = match word {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        _ => digit_ordinal(word).or_else(|| short_number(word))?,
    };
    (1..=31).contains(&n).then_some(n)
}

/// "10th", "1st", "22nd", "3rd".
pub(super) fn digit_ordinal(word: &str) -> Option<i8> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))?;
    short_number(digits).filter(|n| (1..=31).contains(n))
}

pub(super) fn short_number(word: &str) -> Option<i8> {
    let short = !word.is_empty() && word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit());
    short.then(|| word.parse().ok()).flatten()
}

pub(super) fn year_number(word: &str) -> Option<i16> {
    let year: i16 = word.parse().ok()?;
    (2000..=2100).contains(&year).then_some(year)
}

/// "10.12." or "10.12.2026": a German date.
pub(super) fn dotted_date(word: &str) -> Option<(i8, i8, Option<i16>)> {
    let mut parts = word.split('.');
    let day = short_number(parts.next()?)?;
    let month = short_number(parts.next()?)?;
    let year = match parts.next()? {
        "" => None,
        year => Some(year_number(year)?),
    };
    (parts.next().is_none_or(str::is_empty)).then_some((day, month, year))
}
