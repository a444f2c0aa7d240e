//! A budget in the visitor's currency.

use super::*;

/// A budget as a whole number of the visitor's currency: "$5k", "5,000 dollars", "around 10k
/// a month" (per period as said, not annualised), "€20000", "20 grand", "no budget" (0),
/// "1.5k", "$2m"; a whole reply that is only an amount ("5000", "none") counts too.
pub fn budget(text: &str) -> Option<u64> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    budget_in(&lower, &tokens).or_else(|| bare_budget(&lower, &tokens))
}

pub(super) fn budget_in(lower: &str, tokens: &[Token<'_>]) -> Option<u64> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let currency_first = tokens.get(i).is_some_and(|t| is_currency(t.tok))
            || is_word(tokens, i, &["usd", "eur", "gbp", "us$", "chf"]);
        let money = currency_first
            .then(|| amount(tokens, skip_currency(tokens, i + 1)))
            .flatten()
            .or_else(|| amount(tokens, i).filter(|&(value, end)| is_money(tokens, i, value, end)));
        if let Some((value, end)) = money {
            if !about_other_money(tokens, i, end)
                && let Some(value) = whole_u64(value)
            {
                found.push((tokens[i].at, value));
            }
            i = end.max(i + 1);
            continue;
        }
        if is_word(tokens, i, BUDGET_CUES)
            && let Some((value, at, end)) = amount_after_cue(tokens, i + 1)
        {
            found.push((at, value));
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    // "budget is 5k, actually 8k": the corrected amount needs no cue of its own.
    if let Some(&(at, _)) = found.last()
        && let Some((fixed_at, value)) = corrected_after(lower, tokens, at + 1)
        && found.iter().all(|f| f.0 != fixed_at)
        && let Some(value) = whole_u64(value)
    {
        found.push((fixed_at, value));
    }
    standing(lower, found).or_else(|| zero_budget(lower).then_some(0))
}

/// An amount from `i` to `end` is money when a currency or a period goes with it.
fn is_money(tokens: &[Token<'_>], i: usize, value: f64, end: usize) -> bool {
    is_word(tokens, end - 1, &["grand", "teur", "keur"])
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
    "charges", "charged", "cost", "costs", "price", "umsatz", "facturación", "facturacion",
    "facturamos", "ingresos", "ventas", "gehalt", "kostet", "cuesta",
];

#[rustfmt::skip]
const CURRENCY_WORDS: &[&str] = &[
    "dollars", "dollar", "usd", "eur", "euro", "euros", "gbp", "pounds", "pound", "bucks", "quid",
    "chf", "cad", "aud", "dólares", "dolares", "dólar", "dolar", "pesos", "peso", "libras",
    "franken", "mxn", "ars", "cop", "clp", "sek", "nok", "dkk", "pln",
];
#[rustfmt::skip]
const BUDGET_TAIL: &[&str] = &[
    "dollars", "dollar", "usd", "eur", "euro", "euros", "gbp", "pounds", "pound", "bucks", "quid",
    "chf", "cad", "aud", "a", "per", "month", "year", "monthly", "annually", "budget",
    "dólares", "dolares", "dólar", "dolar", "pesos", "libras", "franken", "al", "mes", "año",
    "por", "pro", "im", "monat", "jahr", "mensuales", "mensual", "anuales", "anual",
    "monatlich", "jährlich", "mo", "yr",
];
#[rustfmt::skip]
const BUDGET_CUES: &[&str] = &[
    "budget", "budgeted", "budgeting", "spend", "spending", "afford", "invest", "investing",
    "allocate", "allocated", "pay", "paying", "presupuesto", "gastar", "invertir", "pagar",
    "ausgeben", "investieren", "zahlen", "budgetiert",
];
#[rustfmt::skip]
const NOT_MONEY: &[&str] = &[
    "people", "persons", "person", "employees", "staff", "users", "customers", "clients", "months",
    "month", "weeks", "week", "days", "day", "years", "year", "hours", "seats", "licenses",
    "licences", "leads", "visitors", "percent", "times", "x", "members", "agents", "reps", "ppl",
    "contacts", "emails", "messages", "calls", "meetings", "demos", "pages", "personas",
    "empleados", "mitarbeiter", "leute", "meses", "monate", "monaten", "años", "jahre",
    "usuarios", "nutzer", "semanas", "wochen",
];

/// The amount a budget cue introduces within a few words ("our budget for this is about
/// 8k"): the value, where it starts and the index after it.
fn amount_after_cue(tokens: &[Token<'_>], from: usize) -> Option<(u64, usize, usize)> {
    for j in from..(from + 7).min(tokens.len()) {
        if is_word(tokens, j, &["none", "nothing", "nil", "zero"]) {
            return Some((0, tokens[j].at, j + 1));
        }
        if let Some((value, end)) = amount(tokens, skip_currency(tokens, j)) {
            if is_word(tokens, end, NOT_MONEY) || sym(tokens, end) == Some('%') {
                return None;
            }
            return Some((whole_u64(value)?, tokens[j].at, end));
        }
    }
    None
}

/// "a month", "/mo", "pro Monat", "al mes", "im Jahr", "monatlich": an amount per period.
fn per_period(tokens: &[Token<'_>], i: usize) -> bool {
    #[rustfmt::skip]
    const PERIODS: &[&str] = &[
        "month", "year", "quarter", "mo", "yr", "annum", "week", "m", "y", "q", "monat", "jahr",
        "quartal", "woche", "mes", "año", "trimestre", "semana",
    ];
    #[rustfmt::skip]
    const PER: &[&str] = &[
        "a", "per", "each", "every", "an", "pro", "im", "je", "al", "por", "cada", "el",
    ];
    ((is_word(tokens, i, PER) || sym(tokens, i) == Some('/')) && is_word(tokens, i + 1, PERIODS))
        || is_word(
            tokens,
            i,
            &[
                "monthly",
                "annually",
                "yearly",
                "quarterly",
                "pm",
                "pa",
                "monatlich",
                "jährlich",
                "mensual",
                "mensuales",
                "anual",
                "anuales",
            ],
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn european_and_worded_amounts() {
        check(
            &[
                ("20.000 €", Some(20_000)),
                ("€15.000", Some(15_000)),
                ("15.000 € im Jahr", Some(15_000)),
                ("Budget: 15.000 € im Jahr", Some(15_000)),
                ("15k EUR", Some(15_000)),
                ("1,5 Mio", Some(1_500_000)),
                ("1,5 Mio. Euro", Some(1_500_000)),
                ("1.5M", Some(1_500_000)),
                ("$1.5M budget", Some(1_500_000)),
                ("20.000 dólares", Some(20_000)),
                ("unos 20.000 dólares al año", Some(20_000)),
                ("15 mil euros", Some(15_000)),
                ("presupuesto de 15 mil", Some(15_000)),
                ("2.500 pro Monat", Some(2500)),
                ("etwa 2.500 € pro Monat", Some(2500)),
                ("$3,000/mo", Some(3000)),
                ("10.000 USD", Some(10_000)),
                ("£8k", Some(8000)),
                ("1.500,50 €", Some(1501)),
                ("50 TEUR", Some(50_000)),
                ("zwischen 10.000 und 20.000 Euro", Some(20_000)),
                ("entre 5.000 y 8.000 euros", Some(8000)),
                ("CHF 12'000", Some(12_000)),
                ("about 5k, sorry, I meant 10k dollars", Some(10_000)),
                ("$5k... actually make that $8k", Some(8000)),
                ("not $10k but $15k", Some(15_000)),
                ("we have 20.000 Nutzer", None),
                ("wir sind 80 Mitarbeiter", None),
                ("2 mil users", None),
                ("im Jahr 2024", None),
                ("el año pasado", None),
            ],
            budget,
        );
    }

    /// "1234567" → "1.234.567" (or with `sep` ',').
    fn grouped(n: u64, sep: char) -> String {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn grouped_amounts_read_whole(
            n in 1_000u64..100_000_000,
            style in 0usize..6,
        ) {
            let text = match style {
                0 => format!("{} €", grouped(n, '.')),
                1 => format!("€{}", grouped(n, '.')),
                2 => format!("${}/mo", grouped(n, ',')),
                3 => format!("{} dólares al año", grouped(n, '.')),
                4 => format!("Budget: {} € pro Monat", grouped(n, '.')),
                _ => format!("{} USD", grouped(n, ',')),
            };
            proptest::prop_assert_eq!(budget(&text), Some(n), "{}", text);
        }

        #[test]
        fn a_correction_keeps_the_last_amount(a in 1u64..500, b in 1u64..500) {
            let text = format!("${a}k, sorry, I meant ${b}k");
            proptest::prop_assert_eq!(budget(&text), Some(b * 1000), "{}", text);
        }
    }

    #[test]
    fn corrected_budgets_without_a_cue() {
        check(
            &[
                ("budget is 5k, actually 8k", Some(8000)),
                ("our budget is $5k. Sorry, make that 7k", Some(7000)),
                ("budget around 5k, actually we use HubSpot now", Some(5000)),
            ],
            budget,
        );
    }
}
