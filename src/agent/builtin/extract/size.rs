//! Head counts: the company's size, and apart from it the size of the visitor's own team.
//!
//! "We're about 200 people" is the company; "a team of around 40 reps", "my team is 8", "40
//! sales reps" and "8 people in my team" are a team within it. A range counts as its upper
//! bound ("40-50 people" → 50), as the size bands visitors pick from ("11-50", "51-200") are
//! named by it and a threshold the tenant sets is then met only by a band that reaches it.

use super::*;

/// Company size in people: "50 people", "we're a team of 12", "10-50 employees" (upper
/// bound), "just me" (1), "5k employees", "a few hundred staff", "somos 200", "wir sind 80
/// Mitarbeiter"; a whole reply that is only a quantity ("200", "10-50", "two") counts too.
/// A team's size ("my team is 8", "40 sales reps") is not the company's: see `team_size`.
pub fn company_size(text: &str) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    let sizes = sizes_in(&lower, &tokens);
    sizes
        .company
        .or_else(|| sizes.team.is_none().then(|| bare_size(&tokens)).flatten())
}

/// The size of the visitor's own team: "a team of around 40 reps", "my team is 8", "40 sales
/// reps", "I manage 12 people", "8 people in my team".
pub fn team_size(text: &str) -> Option<u32> {
    let lower = lowered(text);
    let tokens = tokenize(&lower);
    sizes_in(&lower, &tokens).team
}

/// A reply that is only a head count ("200", "about 50", "10-50").
pub(super) fn bare_size(tokens: &[Token<'_>]) -> Option<u32> {
    let money = tokens.iter().any(|t| is_currency(t.tok));
    bare_amount(tokens, SIZE_NOUNS)
        .filter(|_| !money)
        .filter(|v| *v >= 1.0)
        .and_then(whole_u32)
}

/// The head counts one message states.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sizes {
    pub(super) company: Option<u32>,
    pub(super) team: Option<u32>,
}

pub(super) fn sizes_in(lower: &str, tokens: &[Token<'_>]) -> Sizes {
    let mut company = Vec::new();
    let mut team = Vec::new();
    if let Some(n) = alone_or_with(lower) {
        company.push((0, n));
    }
    let mut i = 0;
    while i < tokens.len() {
        let Some((value, end)) = amount(tokens, i) else {
            i += 1;
            continue;
        };
        let counted = value >= 1.0
            && (size_noun_at(tokens, end).is_some()
                || size_cue_before(tokens, i)
                || is_word(tokens, end, &["strong"])
                || whole_of_us(tokens, i, end)
                || we_are_count(tokens, i, end)
                || team_place_after(tokens, end)
                || team_is_before(tokens, i));
        if counted && let Some(n) = whole_u32(value) {
            let at = tokens[i].at;
            if is_team(tokens, i, end) {
                team.push((at, n));
            } else {
                company.push((at, n));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    // "we're 45. actually closer to 50": the corrected count keeps the cue's kind.
    let last = company
        .last()
        .copied()
        .into_iter()
        .chain(team.last().copied())
        .max_by_key(|c| c.0);
    if let Some((at, _)) = last
        && let Some((fixed_at, value)) = corrected_after(lower, tokens, at + 1)
        && let Some(n) = whole_u32(value).filter(|n| *n >= 1)
    {
        let into = if team.last().is_some_and(|t| t.0 == at) {
            &mut team
        } else {
            &mut company
        };
        if into.iter().all(|c| c.0 != fixed_at) {
            into.push((fixed_at, n));
        }
    }
    Sizes {
        company: standing(lower, company),
        team: standing(lower, team),
    }
}

/// Whether the head count from `i` to `end` is a team's rather than the company's.
fn is_team(tokens: &[Token<'_>], i: usize, end: usize) -> bool {
    if we_before(tokens, i) {
        // "we're 40 engineers", "we're a team of 12": the whole company talks.
        return team_place_after(tokens, end + size_noun_len(tokens, end));
    }
    if let Some((noun, function)) = size_noun_at(tokens, end)
        && (is_in(noun, TEAM_NOUNS) || function)
    {
        return true;
    }
    team_place_after(tokens, end + size_noun_len(tokens, end))
        || team_owner_before(tokens, i)
        || function_team_after(tokens, end)
}

/// "our 6-person support crew", "a 12-person customer service team": the count sizes a
/// team that does one function.
fn function_team_after(tokens: &[Token<'_>], end: usize) -> bool {
    let noun = size_noun_len(tokens, end);
    let after = end + noun;
    noun > 0
        && is_word(tokens, after, FUNCTIONS)
        && (is_word(tokens, after + 1, TEAM_WORDS) || is_word(tokens, after + 2, TEAM_WORDS))
}

/// "the two of us", "just 3 of us" — but not "3 of us are remote", a part of them.
fn whole_of_us(tokens: &[Token<'_>], i: usize, end: usize) -> bool {
    is_word(tokens, end, &["of"])
        && is_word(tokens, end + 1, &["us", "them"])
        && (i == 0
            || is_word(
                tokens,
                i - 1,
                &["the", "just", "only", "we're", "were", "are", "all"],
            ))
}

/// "my team is 8", "the team has 12", "Teamgröße: 5": a count right after a team.
fn team_is_before(tokens: &[Token<'_>], i: usize) -> bool {
    let linked = i >= 2
        && (is_word(
            tokens,
            i - 1,
            &["is", "has", "of", "are", "ist", "hat", "es", "tiene", "von"],
        ) || matches!(sym(tokens, i - 1), Some(':' | '=')));
    linked && is_word(tokens, i - 2, TEAM_WORDS)
}

/// "we're 200", "we are a team of 12", "somos 200", "wir sind 80": a count of all of them.
fn we_before(tokens: &[Token<'_>], i: usize) -> bool {
    let from = i.saturating_sub(6);
    (from..i).any(|j| {
        is_word(tokens, j, &["we're", "were", "somos"])
            || (is_word(tokens, j, &["we", "wir"]) && is_word(tokens, j + 1, &["are", "sind"]))
    }) && !(from..i).any(|j| is_word(tokens, j, &["my", "mein", "meinem", "mi"]))
}

/// "my team of 8", "I manage a team of 40", "our sales team is 12", "team size is 8" with
/// someone's team before it: a team, unless only "our"/"the" owns it.
fn team_owner_before(tokens: &[Token<'_>], i: usize) -> bool {
    let from = i.saturating_sub(6);
    let Some(team_at) = (from..i).rev().find(|&j| is_word(tokens, j, TEAM_WORDS)) else {
        return is_manager_verb(tokens, i.saturating_sub(3), i);
    };
    let owner_from = team_at.saturating_sub(3);
    (owner_from..team_at).any(|j| {
        is_word(tokens, j, &["my", "mein", "meinem", "meinen", "mi", "i"])
            || is_word(tokens, j, FUNCTIONS)
    }) || is_manager_verb(tokens, owner_from, team_at)
}

fn is_manager_verb(tokens: &[Token<'_>], from: usize, to: usize) -> bool {
    (from..to).any(|j| is_word(tokens, j, MANAGING))
}

/// "8 people in my team", "40 on the sales team", "12 in sales", "5 reporting to me".
fn team_place_after(tokens: &[Token<'_>], end: usize) -> bool {
    if is_word(tokens, end, &["reporting", "report"]) {
        return true;
    }
    if !is_word(tokens, end, &["in", "on", "im", "en", "under"]) {
        return false;
    }
    if is_word(tokens, end, &["under"]) {
        return is_word(tokens, end + 1, &["me"]);
    }
    let mut j = end + 1;
    if is_word(
        tokens,
        j,
        &[
            "my", "the", "our", "mein", "meinem", "unserem", "el", "mi", "a",
        ],
    ) {
        j += 1;
    }
    if is_word(tokens, j, FUNCTIONS) {
        return true;
    }
    is_word(tokens, j, TEAM_WORDS)
}

fn size_noun_len(tokens: &[Token<'_>], mut i: usize) -> usize {
    let start = i;
    for _ in 0..3 {
        if sym(tokens, i) == Some('-') || is_word(tokens, i, SIZE_MODIFIERS) {
            i += 1;
        } else {
            break;
        }
    }
    if is_word(tokens, i, SIZE_NOUNS) {
        i + 1 - start
    } else {
        0
    }
}

#[rustfmt::skip]
const TEAM_WORDS: &[&str] = &[
    "team", "department", "dept", "squad", "unit", "crew", "equipo", "departamento", "abteilung",
];
#[rustfmt::skip]
const MANAGING: &[&str] = &[
    "manage", "managing", "lead", "leading", "run", "running", "head", "heading", "oversee",
    "overseeing", "supervise", "supervising", "coach", "coaching", "dirijo", "gestiono",
    "leite", "führe",
];
/// What a team does: before a head count ("40 sales people") it makes the count a team's.
#[rustfmt::skip]
const FUNCTIONS: &[&str] = &[
    "sales", "support", "engineering", "marketing", "customer", "service", "success", "dev",
    "it", "ops", "hr", "finance", "inside", "field", "account", "cs", "product", "design",
    "data", "revops", "bdr", "sdr", "recruiting", "ventas", "vertrieb", "vertriebs", "soporte",
];
/// Head-count nouns that name a role, not the whole company.
#[rustfmt::skip]
const TEAM_NOUNS: &[&str] = &[
    "reps", "rep", "representatives", "salespeople", "sdrs", "bdrs", "aes", "agents", "agent",
    "engineers", "developers", "devs", "consultants", "recruiters", "marketers", "designers",
    "sellers", "closers", "vendedores", "comerciales", "agentes", "vertriebler", "entwickler",
    "ingenieros", "executives", "reports", "direct",
];

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
            && (is_word(&tokens, end, &["others", "other", "more"])
                || size_noun_at(&tokens, end).is_some())
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

/// The head-count noun at `i` after modifiers ("full-time sales staff"), and whether a
/// modifier named a function (so the count is a team's).
fn size_noun_at<'a>(tokens: &[Token<'a>], mut i: usize) -> Option<(&'a str, bool)> {
    let mut function = false;
    for _ in 0..3 {
        if sym(tokens, i) == Some('-') || is_word(tokens, i, SIZE_MODIFIERS) {
            function |= is_word(tokens, i, FUNCTIONS);
            i += 1;
        } else {
            break;
        }
    }
    word(tokens, i)
        .filter(|w| is_in(w, SIZE_NOUNS))
        .map(|w| (w, function))
}

#[rustfmt::skip]
const SIZE_NOUNS: &[&str] = &[
    "people", "persons", "person", "peeps", "ppl", "employees", "employee", "staff", "staffers",
    "folks", "members", "fte", "ftes", "heads", "engineers", "developers", "devs", "workers",
    "colleagues", "teammates", "reps", "salespeople", "humans", "guys", "consultants", "agents",
    "coworkers", "sdrs", "bdrs", "aes", "sellers", "closers", "recruiters", "marketers",
    "designers", "representatives", "reports", "personas", "empleados", "empleadas",
    "trabajadores", "vendedores", "comerciales", "agentes", "ingenieros", "mitarbeiter",
    "mitarbeitende", "mitarbeitern", "leute", "personen", "angestellte", "beschäftigte",
    "vertriebler", "entwickler",
];
#[rustfmt::skip]
const SIZE_MODIFIERS: &[&str] = &[
    "full", "time", "fulltime", "part", "parttime", "permanent", "total", "in", "house", "inhouse",
    "sales", "support", "engineering", "tech", "technical", "remote", "team", "active", "paid",
    "other", "more", "core", "marketing", "customer", "service", "success", "dev", "it", "ops",
    "hr", "finance", "inside", "field", "account", "cs", "product", "design", "data", "direct",
    "revops", "bdr", "sdr", "recruiting", "de", "ventas", "soporte",
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
        && (is_word(tokens, i - 1, &["we're", "were", "somos"])
            || (i > 1
                && is_word(tokens, i - 1, &["are", "sind"])
                && is_word(tokens, i - 2, &["we", "wir"])));
    after_we
        && (end == tokens.len()
            || matches!(sym(tokens, end), Some('.' | ',' | '!' | ';' | ')'))
            || is_word(
                tokens,
                end,
                &[
                    "and",
                    "but",
                    "so",
                    "now",
                    "total",
                    "in",
                    "at",
                    "not",
                    "y",
                    "und",
                    "insgesamt",
                ],
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
                ("Hey, we're a 6-person team", Some(6)),
                ("we have 1,200 full-time staff", Some(1200)),
                ("just me and my cofounder", Some(2)),
                ("we're 200", Some(200)),
                ("200", Some(200)),
                ("hundreds of employees", Some(300)),
                ("twenty five people", Some(25)),
                ("between 20 and 30 people", Some(30)),
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
    fn company_and_team_sizes_kept_apart() {
        let both = |m: &str| (company_size(m), team_size(m));
        check(
            &[
                ("We're about 200 people", (Some(200), None)),
                ("we're around 200 people", (Some(200), None)),
                (
                    "we sell bike parts online and our 6-person support crew can't keep up",
                    (None, Some(6)),
                ),
                (
                    "a 12-person customer service team answers everything",
                    (None, Some(12)),
                ),
                ("we're a 6-person team", (Some(6), None)),
                ("a team of around 40 reps", (None, Some(40))),
                ("my team is 8", (None, Some(8))),
                ("My team is 8 people", (None, Some(8))),
                ("40 sales reps", (None, Some(40))),
                ("we have 40 sales reps", (None, Some(40))),
                ("I manage a team of 12", (None, Some(12))),
                ("I lead 6 SDRs", (None, Some(6))),
                ("8 people in my team", (None, Some(8))),
                ("about 15 people on the sales team", (None, Some(15))),
                ("our sales team is 25 people", (None, Some(25))),
                ("25 support agents", (None, Some(25))),
                ("12 in sales", (None, Some(12))),
                ("5 people reporting to me", (None, Some(5))),
                (
                    "We're about 200 people and my team is 40 reps",
                    (Some(200), Some(40)),
                ),
                (
                    "I run a team of 8 at a company of 1,500 employees",
                    (Some(1500), Some(8)),
                ),
                ("we're a team of 12", (Some(12), None)),
                ("We're a small team of 5", (Some(5), None)),
                ("we're 40 engineers", (Some(40), None)),
                ("our team is 12 people", (Some(12), None)),
                ("40-50 people", (Some(50), None)),
                ("somos unas 200 personas", (Some(200), None)),
                ("somos 35", (Some(35), None)),
                ("wir sind 80 Mitarbeiter", (Some(80), None)),
                ("wir haben etwa 1.200 Mitarbeiter", (Some(1200), None)),
                ("tenemos 30 vendedores", (None, Some(30))),
                ("actually we're 120 not 12", (Some(120), None)),
                ("we're 12, sorry, 120 people", (Some(120), None)),
                ("we're 200 people. Correction: 250", (Some(250), None)),
                ("we have 5000 users", (None, None)),
                ("we talk to 40 customers a week", (None, None)),
                ("my team loves it", (None, None)),
                ("$40", (None, None)),
            ],
            both,
        );
    }

    proptest::proptest! {
        #[test]
        fn company_and_team_counts_stay_apart(company in 2u32..5000, team in 2u32..500) {
            let text = format!("We're about {company} people and my team is {team} reps");
            proptest::prop_assert_eq!(company_size(&text), Some(company), "{}", text);
            proptest::prop_assert_eq!(team_size(&text), Some(team), "{}", text);
        }
    }

    #[test]
    fn corrected_counts_without_a_cue() {
        check(
            &[
                ("we're 45. actually closer to 50", Some(50)),
                ("about 200 employees, sorry, 250", Some(250)),
                ("we have 30 people, actually 3 of us are remote", Some(30)),
            ],
            company_size,
        );
        check(&[("my team is 8, sorry 9", Some(9))], team_size);
    }
}
