//! The visitor's job title, and whether it can usually sign off a purchase.

use super::*;

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
    "chairwoman", "md", "gm", "boss", "entrepreneur", "solopreneur", "executive", "directora",
    "gerente", "jefe", "jefa", "fundador", "fundadora", "dueño", "dueña", "propietario",
    "propietaria", "geschäftsführer", "geschäftsführerin", "inhaber", "inhaberin", "gründer",
    "gründerin", "leiter", "leiterin", "vorstand",
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
            // "directora de operaciones": Spanish titles take "de" where English takes "of".
            let of = joined(lower, words, i) && is_in(text(i + 1), &["of", "de"]);
            if of
                || is_in(
                    head,
                    &["vp", "svp", "evp", "avp", "lead", "leiter", "leiterin"],
                )
            {
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
const EXTENDED_TITLES: &[&str] = &[
    "head", "vp", "svp", "evp", "avp", "president", "director", "manager", "lead", "directora",
    "jefe", "jefa", "gerente", "responsable", "leiter", "leiterin",
];

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
    "-", "hoping", "and", "responsible", "right", "en", "de", "der", "des", "bei", "von", "para",
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
pub(super) const TITLE_HEADS: &[&str] = &[
    "ceo", "cto", "cfo", "coo", "cmo", "cro", "cio", "cpo", "ciso", "cso", "cxo", "cdo", "founder",
    "co-founder", "cofounder", "founders", "co-founders", "cofounders", "owner", "co-owner",
    "owners", "president", "chairman", "chairwoman", "partner", "partners", "proprietor", "intern",
    "student", "freelancer", "contractor", "consultant", "developer", "dev", "programmer",
    "engineer", "designer", "analyst", "manager", "director", "marketer", "recruiter",
    "accountant", "architect", "assistant", "coordinator", "specialist", "representative", "rep",
    "sdr", "bdr", "administrator", "admin", "researcher", "scientist", "officer", "associate",
    "executive", "entrepreneur", "solopreneur", "lead", "strategist", "writer", "editor",
    "trainee", "apprentice", "head", "vp", "svp", "evp", "avp", "md", "gm",
    // Spanish and German.
    "directora", "gerente", "jefe", "jefa", "responsable", "fundador", "fundadora", "dueño",
    "dueña", "propietario", "propietaria", "geschäftsführer", "geschäftsführerin", "inhaber",
    "inhaberin", "gründer", "gründerin", "leiter", "leiterin", "vorstand",
];
#[rustfmt::skip]
pub(super) const TITLE_MODIFIERS: &[&str] = &[
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
    "practice", "office", "sre", "experience", "care", "cx", "member", "members", "merchant",
    "admissions", "dispatch", "operaciones", "ventas", "soporte", "marketing", "atención",
    "cliente", "clientes", "comercial", "general", "kundenservice", "vertrieb",
];

#[cfg(test)]
mod tests {
    use super::*;

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
                (
                    "I'm the head of customer experience",
                    Some("head of customer experience"),
                ),
                (
                    "I'm the Head of Customer Care",
                    Some("Head of Customer Care"),
                ),
                (
                    "I am Claire Dubois, VP Customer Experience at Maison Lumen",
                    Some("VP Customer Experience"),
                ),
                ("team lead support", Some("team lead support")),
                (
                    "Hi, Sabine Krüger here, team lead support at Hanseatic Logistics",
                    Some("team lead support"),
                ),
                (
                    "Hola, soy María José Fernández, directora de operaciones en Grupo Alba.",
                    Some("directora de operaciones"),
                ),
                (
                    "Hallo! Ich bin Jürgen Weiß, Geschäftsführer der Müller & Söhne GmbH.",
                    Some("Geschäftsführer"),
                ),
                ("we need a lead support tool", None),
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
                ("VP Customer Experience", true),
                ("Head of Customer Care", true),
                ("directora de operaciones", true),
                ("Geschäftsführer", true),
                ("team lead support", false),
            ],
            is_decision_maker,
        );
    }
}
