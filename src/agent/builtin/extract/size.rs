//! Company size in people.

use super::*;

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

pub(super) fn size_in(lower: &str, tokens: &[Token<'_>]) -> Option<u32> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
