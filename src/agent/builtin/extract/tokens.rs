//! Numbers in text: a tokenizer and the amounts, ranges and scale words it reads.

use super::leading_word;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Tok<'a> {
    Word(&'a str),
    /// A number with any attached scale applied ("5k" → 5000, "1.5m" → 1500000).
    Num(f64),
    Sym(char),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub(super) tok: Tok<'a>,
    /// Byte offset in the lowered text, to tell which of two phrases came first.
    pub(super) at: usize,
}

/// Lower case with typographic apostrophes folded, so "We’re" matches "we're".
pub(super) fn lowered(text: &str) -> String {
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

pub(super) fn tokenize(lower: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(lower.len() / 4 + 1);
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(c) = lower[i..].chars().next() {
        if c.is_ascii_digit() {
            let mut end = i;
            while end < bytes.len()
                && (bytes[end].is_ascii_digit()
                    || (matches!(bytes[end], b'.' | b',')
                        && bytes.get(end + 1).is_some_and(u8::is_ascii_digit))
                    || (bytes[end] == b'\'' && swiss_group(&bytes[end + 1..])))
            {
                end += 1;
            }
            let mut value = parse_number(&lower[i..end]);
            let rest = &lower[end..];
            let letters = rest
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(rest.len());
            if let Some(scale) = attached_scale(&rest[..letters], &rest[letters..]) {
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

/// "12'000": an apostrophe groups thousands only before exactly three digits.
fn swiss_group(after: &[u8]) -> bool {
    after.len() >= 3
        && after[..3].iter().all(u8::is_ascii_digit)
        && !after.get(3).is_some_and(u8::is_ascii_digit)
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

fn attached_scale(suffix: &str, after: &str) -> Option<f64> {
    match suffix {
        "k" | "tsd" => Some(1e3),
        "mil" if spanish_thousand(following(after)) => Some(1e3),
        "m" | "mm" | "mn" | "mil" | "mio" => Some(1e6),
        "b" | "bn" | "mrd" => Some(1e9),
        _ => None,
    }
}

/// "15 mil euros" is Spanish for 15,000, while "2 mil" alone is English slang for 2 million.
fn spanish_thousand(next: &str) -> bool {
    [
        "euros", "euro", "dólares", "dolares", "dólar", "dolar", "pesos", "de", "usd", "eur",
        "libras", "€", "$",
    ]
    .contains(&next)
}

pub(super) fn word<'a>(tokens: &[Token<'a>], i: usize) -> Option<&'a str> {
    match tokens.get(i)?.tok {
        Tok::Word(w) => Some(w),
        _ => None,
    }
}

pub(super) fn sym(tokens: &[Token<'_>], i: usize) -> Option<char> {
    match tokens.get(i)?.tok {
        Tok::Sym(c) => Some(c),
        _ => None,
    }
}

pub(super) fn is_word(tokens: &[Token<'_>], i: usize, options: &[&str]) -> bool {
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
    "min", "minimum", "below", "above", "like", "unos", "unas", "aproximadamente", "aprox",
    "etwa", "ungefähr", "ungefaehr", "rund", "knapp", "circa", "zirka", "über", "unter", "gut",
];
const HEDGE_PAIRS: &[(&str, &str)] = &[
    ("more", "than"),
    ("less", "than"),
    ("fewer", "than"),
    ("up", "to"),
    ("at", "least"),
    ("at", "most"),
    ("close", "to"),
    ("closer", "to"),
    ("just", "over"),
    ("just", "under"),
    ("north", "of"),
    ("upwards", "of"),
    ("alrededor", "de"),
    ("cerca", "de"),
    ("más", "de"),
    ("mas", "de"),
    ("menos", "de"),
    ("hasta", "unos"),
    ("mehr", "als"),
    ("weniger", "als"),
    ("bis", "zu"),
];

pub(super) fn is_currency(tok: Tok<'_>) -> bool {
    matches!(tok, Tok::Sym('$' | '€' | '£' | '¥'))
}

pub(super) fn skip_currency(tokens: &[Token<'_>], i: usize) -> usize {
    if tokens.get(i).is_some_and(|t| is_currency(t.tok)) {
        i + 1
    } else {
        i
    }
}

/// A quantity at `i`, hedges and ranges included: the value (a range's upper bound) and the
/// index after it.
pub(super) fn amount(tokens: &[Token<'_>], i: usize) -> Option<(f64, usize)> {
    let mut i = skip_hedges(tokens, i);
    let between = is_word(tokens, i, &["between", "entre", "zwischen"]);
    if between {
        i = skip_currency(tokens, i + 1);
    }
    let (mut value, mut end) = one_quantity(tokens, i)?;
    let joined = matches!(sym(tokens, end), Some('-' | '–' | '—'))
        || is_word(tokens, end, &["to", "or", "bis", "a"])
        || (between && is_word(tokens, end, &["and", "y", "und"]));
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
            Some("hundred" | "hundert" | "cien" | "cientos") => 1e2,
            Some("k" | "thousand" | "grand" | "tausend" | "tsd" | "teur" | "keur") => 1e3,
            Some("mil") if mil_is_thousand(tokens, end) => 1e3,
            Some(
                "m" | "mil" | "million" | "mm" | "mn" | "mio" | "millionen" | "millones" | "millón"
                | "millon" | "mill",
            ) => 1e6,
            Some("bn" | "billion" | "mrd" | "milliarden") => 1e9,
            _ => break,
        };
        value *= scale;
        end += 1;
    }
    (value, end)
}

/// The next word after `text`, or the currency sign that opens it.
fn following(text: &str) -> &str {
    let rest = text.trim_start();
    match rest.chars().next() {
        Some(c @ ('€' | '$')) => &rest[..c.len_utf8()],
        _ => leading_word(rest),
    }
}

/// Whether "mil" at `i` is the Spanish thousand: a currency follows ("15 mil euros", "20 mil
/// $") or the message is Spanish.
fn mil_is_thousand(tokens: &[Token<'_>], i: usize) -> bool {
    let next_is_money = match tokens.get(i + 1).map(|t| t.tok) {
        Some(Tok::Word(w)) => spanish_thousand(w),
        Some(t) => is_currency(t),
        None => false,
    };
    next_is_money
        || tokens
            .iter()
            .any(|t| matches!(t.tok, Tok::Word(w) if SPANISH_MARKERS.contains(&w)))
}

#[rustfmt::skip]
const SPANISH_MARKERS: &[&str] = &[
    "presupuesto", "tenemos", "somos", "unos", "unas", "más", "menos", "alrededor", "mes",
    "año", "al", "por", "para", "empleados", "personas", "aproximadamente", "mensuales",
];

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
    // Spanish and German two to ten ("en dos semanas", "in drei Monaten"); "un"/"ein" are
    // articles far more often than numbers, so they are left out.
    #[rustfmt::skip]
    const FOREIGN: &[(&str, f64)] = &[
        ("dos", 2.0), ("tres", 3.0), ("cuatro", 4.0), ("cinco", 5.0), ("seis", 6.0),
        ("siete", 7.0), ("ocho", 8.0), ("nueve", 9.0), ("diez", 10.0), ("doce", 12.0),
        ("zwei", 2.0), ("drei", 3.0), ("vier", 4.0), ("fünf", 5.0), ("sechs", 6.0),
        ("sieben", 7.0), ("acht", 8.0), ("neun", 9.0), ("zehn", 10.0), ("zwölf", 12.0),
    ];
    if let Some((_, n)) = FOREIGN.iter().find(|(x, _)| *x == w) {
        return Some(*n);
    }
    TENS.iter()
        .position(|x| *x == w)
        .map(|n| (n as f64 + 2.0) * 10.0)
}

/// The whole message is one quantity, give or take hedges and trailing filler ("about 200",
/// "10-50", "5k or so", "€5000").
pub(super) fn bare_amount(tokens: &[Token<'_>], also_after: &[&str]) -> Option<f64> {
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

pub(super) fn whole_u32(value: f64) -> Option<u32> {
    (value.is_finite() && value >= 0.0 && value < f64::from(u32::MAX)).then(|| value.round() as u32)
}

pub(super) fn whole_u64(value: f64) -> Option<u64> {
    (0.0..1e18).contains(&value).then(|| value.round() as u64)
}
