//! When the visitor means to start, in months from now.

use jiff::civil::Date;

use super::*;

/// When the visitor means to start, in months from now: "asap" 0, "this month" / "in 2
/// weeks" 1, "next quarter" 3, "by end of year" 6, "next year" 12, and vague answers ("just
/// browsing", "not sure", "no rush") 24. A definite time wins over a vague one. Quarters,
/// months and "before Christmas" are counted from today's date in UTC: callers that know
/// the visitor's date use `timeline_months_at`.
pub fn timeline_months(text: &str) -> Option<u32> {
    timeline_months_at(text, today_utc())
}

/// `timeline_months` counted from `today`: on 2026-12-08 "in March" is 3, "end of Q1" 3,
/// "Q2 next year" 4, "before Christmas" 0, "im Juni" 6, "en marzo" 3.
pub fn timeline_months_at(text: &str, today: Date) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    timeline_in(&lower, &tokens, true, today)
}

pub(super) fn today_utc() -> Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

pub(super) fn timeline_in(
    lower: &str,
    tokens: &[Token<'_>],
    vague_answers: bool,
    today: Date,
) -> Option<u32> {
    // (byte offset, phrase length, months) of every definite time said.
    let mut found: Vec<(usize, usize, u32)> = Vec::new();
    for (phrase, months) in TIMELINE_PHRASES {
        // "not right away", "not this month": a time they ruled out.
        if let Some(at) = find_phrase(lower, phrase)
            && !lower[..at].ends_with("not ")
        {
            found.push((at, phrase.len(), *months));
        }
    }
    for i in 0..tokens.len() {
        if let Some((len, months)) = dated(lower, tokens, i, today, vague_answers) {
            found.push((tokens[i].at, len, months));
            continue;
        }
        let Some((value, end)) = amount(tokens, i) else {
            continue;
        };
        let Some(months) = word(tokens, end).and_then(|unit| months_of(value, unit)) else {
            continue;
        };
        // "for 6 months", "3 weeks ago": how long something has been, not when to start.
        // "over three years" ("over" may open the amount itself): how long, not when.
        let looking_back = (i > 0 && is_word(tokens, i - 1, LOOKING_BACK))
            || is_word(tokens, i, &["over"])
            || is_word(tokens, end + 1, &["ago", "old", "her"]);
        if !looking_back {
            let start = tokens[i].at;
            let stop = tokens.get(end + 1).map_or(lower.len(), |t| t.at);
            found.push((start, stop - start, months));
        }
    }
    if let Some(months) = chosen(lower, &mut found) {
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
        "now" | "right now" | "today" | "tomorrow" | "ya" | "jetzt" | "hoy" | "heute" => Some(0),
        "soon" | "soonish" | "pretty soon" | "very soon" | "pronto" | "bald" => Some(1),
        _ => None,
    }
}

/// Of the times said, the earliest (on a tie the longer phrase: "half a year" over "a
/// year"); in a correction the last one not taken back ("Q1, sorry, Q2").
fn chosen(lower: &str, found: &mut [(usize, usize, u32)]) -> Option<u32> {
    found.sort_by_key(|&(at, len, _)| (at, std::cmp::Reverse(len)));
    // A phrase inside a longer one found at the same place ("next year" in "Q2 next year").
    let mut kept: Vec<(usize, u32)> = Vec::with_capacity(found.len());
    let mut covered_to = 0;
    for &(at, len, months) in found.iter() {
        if at < covered_to {
            continue;
        }
        covered_to = at + len;
        kept.push((at, months));
    }
    standing(lower, kept)
}

#[rustfmt::skip]
const LOOKING_BACK: &[&str] = &[
    "past", "last", "been", "for", "every", "each", "since", "hace", "desde", "seit", "vor",
    "durante", "lleva", "llevamos", "over",
];

#[rustfmt::skip]
const PAST: &[&str] = &[
    "started", "began", "launched", "bought", "signed", "switched", "joined", "moved", "tried",
    "was", "were", "did", "had", "ago", "empezamos", "empezó", "comenzamos", "begonnen",
    "gestartet", "angefangen", "war", "waren",
];

/// A quarter, a month or a holiday at token `i`, as (bytes it spans, months from `today`).
fn dated(
    lower: &str,
    tokens: &[Token<'_>],
    i: usize,
    today: Date,
    asked: bool,
) -> Option<(usize, u32)> {
    let (first_month, last_month, mut end) = quarter_at(tokens, i)
        .or_else(|| month_at(lower, tokens, i, asked))
        .or_else(|| part_of_a_year(tokens, i))
        .or_else(|| holiday_at(tokens, i))?;
    if i > 0 && is_word(tokens, i - 1, LOOKING_BACK) {
        return None;
    }
    // "we started in March", "signed last Q2": something that already happened.
    if (i.saturating_sub(4)..i).any(|j| is_word(tokens, j, PAST)) {
        return None;
    }
    let late = late_before(tokens, i);
    let month = if late { last_month } else { first_month };
    let mut year = None;
    if let Some(Tok::Num(y)) = tokens.get(end).map(|t| t.tok)
        && (2000.0..2100.0).contains(&y)
    {
        year = Some(y as i16);
        end += 1;
    } else if let Some(next_year) = next_year_at(tokens, end) {
        year = Some(today.year() + 1);
        end = next_year;
    }
    let now = i32::from(today.month());
    let target = i32::from(month);
    let this_year = i32::from(today.year());
    let target_year = match year {
        Some(y) => i32::from(y),
        // A period already begun this year ("Q4" in November) is this year's.
        None if i32::from(last_month) >= now => this_year,
        None => this_year + 1,
    };
    // "end of Q1" is the end of March, most of a month past "March": counted as April.
    let whole_period = late && first_month != last_month;
    let months = ((target_year - this_year) * 12 + target - now + i32::from(whole_period)).max(0);
    let stop = tokens.get(end).map_or(lower.len(), |t| t.at);
    Some((stop - tokens[i].at, u32::try_from(months).ok()?))
}

/// "end of", "late", "by the end of", "finales de", "Ende": the last month of the period.
fn late_before(tokens: &[Token<'_>], i: usize) -> bool {
    let from = i.saturating_sub(3);
    (from..i).any(|j| {
        is_word(
            tokens,
            j,
            &[
                "end",
                "late",
                "finales",
                "fin",
                "ende",
                "spätestens",
                "until",
                "till",
                "bis",
                "hasta",
                "through",
            ],
        )
    })
}

/// "early next year", "mid 2027", "start of next year": the months that part of the named
/// year spans and the index where the year is named.
fn part_of_a_year(tokens: &[Token<'_>], i: usize) -> Option<(i8, i8, usize)> {
    let (first, last) = match word(tokens, i)? {
        "early" | "beginning" | "start" | "principios" | "anfang" => (1, 3),
        "mid" | "middle" | "mediados" | "mitte" => (6, 6),
        _ => return None,
    };
    let year_at = if is_word(tokens, i + 1, &["of"]) {
        i + 2
    } else {
        i + 1
    };
    let year_named = next_year_at(tokens, year_at).is_some()
        || matches!(tokens.get(year_at).map(|t| t.tok), Some(Tok::Num(y)) if (2000.0..2100.0).contains(&y));
    year_named.then_some((first, last, year_at))
}

/// "next year", "el próximo año", "nächstes Jahr" right after a quarter or month: the index
/// after it.
fn next_year_at(tokens: &[Token<'_>], mut i: usize) -> Option<usize> {
    if is_word(tokens, i, &["of", "del", "de", "el"]) {
        i += 1;
    }
    if is_word(
        tokens,
        i,
        &[
            "next",
            "próximo",
            "proximo",
            "nächsten",
            "nächstes",
            "kommenden",
        ],
    ) && is_word(tokens, i + 1, &["year", "año", "jahr", "jahres"])
    {
        return Some(i + 2);
    }
    if is_word(tokens, i, &["año"])
        && is_word(tokens, i + 1, &["que"])
        && is_word(tokens, i + 2, &["viene"])
    {
        return Some(i + 3);
    }
    None
}

/// "Q1", "q3", "H2", "first quarter", "segundo trimestre", "im dritten Quartal": the months
/// the period spans and the index after it.
fn quarter_at(tokens: &[Token<'_>], i: usize) -> Option<(i8, i8, usize)> {
    if let (
        Some(letter),
        Some(Token {
            tok: Tok::Num(n),
            at,
        }),
    ) = (word(tokens, i), tokens.get(i + 1))
        && *at == tokens[i].at + 1
        && n.fract() == 0.0
    {
        let n = *n as i8;
        return match letter {
            "q" | "t" if (1..=4).contains(&n) => Some((3 * n - 2, 3 * n, i + 2)),
            "h" if (1..=2).contains(&n) => Some((6 * n - 5, 6 * n, i + 2)),
            _ => None,
        };
    }
    let ordinal = match word(tokens, i)? {
        "first" | "1st" | "primer" | "primero" | "erstes" | "ersten" | "erste" => 1,
        "second" | "2nd" | "segundo" | "zweites" | "zweiten" | "zweite" => 2,
        "third" | "3rd" | "tercer" | "tercero" | "drittes" | "dritten" | "dritte" => 3,
        "fourth" | "4th" | "cuarto" | "viertes" | "vierten" | "vierte" => 4,
        _ => return None,
    };
    let mut j = i + 1;
    if is_word(tokens, j, &["fiscal", "calendar"]) {
        j += 1;
    }
    is_word(tokens, j, &["quarter", "trimestre", "quartal"])
        .then(|| (3 * ordinal - 2, 3 * ordinal, j + 1))
}

/// A month named after a cue ("in March", "by June", "end of Sept", "im Mai", "en marzo"),
/// before one ("September at the earliest", "January ideally"), as the whole reply ("March",
/// "jan"), or spelled out anywhere in an answer to "when?" (`asked`): (month, month, index
/// after it).
fn month_at(lower: &str, tokens: &[Token<'_>], i: usize, asked: bool) -> Option<(i8, i8, usize)> {
    let name = word(tokens, i)?;
    let &(_, month, needs_cue) = MONTHS.iter().find(|(n, _, _)| *n == name)?;
    let cued = (i > 0 && is_word(tokens, i - 1, MONTH_CUES))
        || is_word(tokens, i + 1, MONTH_AFTER_CUES)
        || (is_word(tokens, i + 1, &["at"]) && is_word(tokens, i + 3, &["earliest", "latest"]))
        || (asked && !needs_cue);
    let mut end = i + 1;
    if sym(tokens, end) == Some('.') {
        end += 1;
    }
    // "jan" as the whole reply; "we may switch" is not May.
    let alone =
        tokens.len() <= end + 1 && i <= 1 && (!needs_cue || (i == 0 && tokens.len() == end));
    let dated = matches!(tokens.get(end).map(|t| t.tok), Some(Tok::Num(y)) if (2000.0..2100.0).contains(&y));
    if !(cued || alone || (dated && !needs_cue)) {
        return None;
    }
    // "May I ask…": a verb, not a month.
    if name == "may" && lower[tokens[i].at..].starts_with("may i") {
        return None;
    }
    Some((month, month, end))
}

#[rustfmt::skip]
const MONTH_CUES: &[&str] = &[
    "in", "by", "until", "till", "before", "around", "of", "early", "mid", "late", "from",
    "starting", "start", "after", "en", "para", "antes", "hasta", "de", "desde", "im", "bis",
    "ab", "vor", "anfang", "mitte", "ende", "nach", "spätestens", "this", "next", "come",
    "this", "coming", "principios", "mediados", "finales", "el", "be", "not", "ideally",
    "probably", "maybe", "hopefully",
];

/// Words after a month that make it a time to start ("September at the earliest").
#[rustfmt::skip]
const MONTH_AFTER_CUES: &[&str] = &[
    "ideally", "hopefully", "probably", "or", "sounds",
];

/// (name, month, only after a cue). Short forms need a cue ("by Jan"), and "may"/"mar" are
/// words too.
#[rustfmt::skip]
const MONTHS: &[(&str, i8, bool)] = &[
    ("january", 1, false), ("february", 2, false), ("march", 3, false), ("april", 4, false),
    ("may", 5, true), ("june", 6, false), ("july", 7, false), ("august", 8, false),
    ("september", 9, false), ("october", 10, false), ("november", 11, false),
    ("december", 12, false),
    ("jan", 1, true), ("feb", 2, true), ("apr", 4, true), ("jun", 6, true), ("jul", 7, true),
    ("aug", 8, true), ("sep", 9, true), ("sept", 9, true), ("oct", 10, true), ("nov", 11, true),
    ("dec", 12, true),
    ("enero", 1, false), ("febrero", 2, false), ("marzo", 3, false), ("abril", 4, false),
    ("mayo", 5, false), ("junio", 6, false), ("julio", 7, false), ("agosto", 8, false),
    ("septiembre", 9, false), ("setiembre", 9, false), ("octubre", 10, false),
    ("noviembre", 11, false), ("diciembre", 12, false),
    ("januar", 1, false), ("jänner", 1, false), ("februar", 2, false), ("märz", 3, false),
    ("maerz", 3, false), ("mai", 5, true), ("juni", 6, false), ("juli", 7, false),
    ("oktober", 10, false), ("dezember", 12, false),
];

/// "before Christmas", "by the holidays", "antes de Navidad", "vor Weihnachten": December.
fn holiday_at(tokens: &[Token<'_>], i: usize) -> Option<(i8, i8, usize)> {
    let cued = i > 0
        && is_word(
            tokens,
            i.saturating_sub(1),
            &[
                "before", "by", "until", "till", "after", "around", "de", "vor", "bis", "nach",
                "for", "over", "the",
            ],
        );
    match word(tokens, i)? {
        "christmas" | "xmas" | "navidad" | "navidades" | "weihnachten" if cued => {
            Some((12, 12, i + 1))
        }
        "holidays" if cued && is_word(tokens, i - 1, &["the"]) => Some((12, 12, i + 1)),
        "summer" | "verano" | "sommer" if cued => Some((7, 7, i + 1)),
        "fall" | "autumn" | "otoño" | "herbst" if cued => Some((10, 10, i + 1)),
        "spring" | "primavera" | "frühling" | "frühjahr" if cued => Some((4, 4, i + 1)),
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
        "días" | "dias" | "tage" | "tagen" if value <= 7.0 => 0.0,
        "días" | "dias" | "tage" | "tagen" => (value / 30.0).ceil(),
        "semana" | "semanas" | "woche" | "wochen" if value <= 1.0 => 0.0,
        "semana" | "semanas" | "woche" | "wochen" => (value / 4.0).ceil(),
        "month" | "months" | "mo" | "mos" | "mth" | "mths" | "mes" | "meses" | "monat"
        | "monate" | "monaten" => value.ceil(),
        "quarter" | "quarters" | "trimestre" | "trimestres" | "quartal" | "quartale"
        | "quartalen" => value * 3.0,
        "year" | "years" | "yr" | "yrs" | "año" | "años" | "jahr" | "jahre" | "jahren" => {
            value * 12.0
        }
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
    ("in a couple of weeks", 1),
    ("in a couple weeks", 1),
    ("in a few weeks", 1),
    ("lo antes posible", 0),
    ("cuanto antes", 0),
    ("de inmediato", 0),
    ("inmediatamente", 0),
    ("ya mismo", 0),
    ("esta semana", 0),
    ("la próxima semana", 0),
    ("próxima semana", 0),
    ("la semana que viene", 0),
    ("este mes", 1),
    ("el próximo mes", 1),
    ("próximo mes", 1),
    ("proximo mes", 1),
    ("el mes que viene", 1),
    ("mes que viene", 1),
    ("en unas semanas", 1),
    ("en un par de semanas", 1),
    ("próximo trimestre", 3),
    ("este trimestre", 3),
    ("este año", 6),
    ("fin de año", 6),
    ("finales de año", 6),
    ("el próximo año", 12),
    ("próximo año", 12),
    ("proximo año", 12),
    ("el año que viene", 12),
    ("año que viene", 12),
    ("sofort", 0),
    ("ab sofort", 0),
    ("umgehend", 0),
    ("schnellstmöglich", 0),
    ("so schnell wie möglich", 0),
    ("möglichst schnell", 0),
    ("diese woche", 0),
    ("nächste woche", 0),
    ("nächsten woche", 0),
    ("diesen monat", 1),
    ("dieser monat", 1),
    ("nächsten monat", 1),
    ("nächster monat", 1),
    ("kommenden monat", 1),
    ("in ein paar wochen", 1),
    ("nächstes quartal", 3),
    ("nächsten quartal", 3),
    ("dieses quartal", 3),
    ("dieses jahr", 6),
    ("noch dieses jahr", 6),
    ("jahresende", 6),
    ("ende des jahres", 6),
    ("nächstes jahr", 12),
    ("nächsten jahr", 12),
    ("kommendes jahr", 12),
];
#[rustfmt::skip]
const VAGUE: &[&str] = &[
    "just browsing", "browsing", "no rush", "no hurry", "not in a hurry", "in no hurry", "someday",
    "some day", "no plans", "no plan", "no timeline", "no set timeline", "no fixed timeline",
    "no timeframe", "no time frame", "eventually", "just looking", "just researching",
    "just exploring", "long term", "long-term", "down the road", "in the future", "at some point",
    "not anytime soon", "not any time soon", "whenever", "not urgent", "solo mirando",
    "sin prisa", "no hay prisa", "algún día", "keine eile", "irgendwann", "nur am schauen",
];
#[rustfmt::skip]
const VAGUE_ANSWERS: &[&str] = &[
    "not sure", "unsure", "don't know", "dont know", "do not know", "no idea", "dunno", "idk",
    "not yet", "tbd", "undecided", "to be decided", "haven't decided", "not decided", "depends",
    "no sé", "no se", "no estoy seguro", "no estoy segura", "todavía no", "keine ahnung",
    "weiß nicht", "weiss nicht", "noch nicht", "unklar",
];

/// A bare number of months as the reply to "when": "3", "about 6".
pub(super) fn bare_months(text: &str) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    bare_amount(&tokens, &[])
        .filter(|v| *v <= 120.0)
        .and_then(whole_u32)
}

pub(super) fn is_about_meeting(lower: &str) -> bool {
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
        "decision", "sign", "kick off", "need to move", "have to move", "move over", "replace",
        "be live",
    ];
    MEETING.iter().any(|p| find_phrase(lower, p).is_some())
        && !BUYING.iter().any(|p| find_phrase(lower, p).is_some())
}

#[cfg(test)]
mod tests;
