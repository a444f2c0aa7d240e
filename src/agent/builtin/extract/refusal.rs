//! Refusals: the visitor declines to give a detail ("I'd rather not give my email").

use super::*;

/// Which detail the visitor declined to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Email,
    Phone,
    Name,
    Budget,
    /// Whatever was just asked ("prefer not to say", "skip"), or any contact at all ("I don't
    /// want to be contacted").
    Any,
}

/// Whether the message declines to give a detail, and which: "I'd rather not give my email"
/// → `Email`, "no calls please" → `Phone`, "prefer not to say" / "skip" / "not sharing that"
/// / "I don't want to be contacted" → `Any`. A question ("why do you need my email?") or a
/// message that gives the detail anyway is not a refusal of it.
pub fn refused(text: &str) -> Option<Refused> {
    let lower = lowered(text);
    let lower = lower.trim();
    if lower.is_empty() {
        return None;
    }
    if let Some(detail) = no_detail_please(lower) {
        return Some(detail);
    }
    if NOT_CONTACTED
        .iter()
        .any(|p| find_phrase(lower, p).is_some())
    {
        return Some(Refused::Any);
    }
    let reply = lower.trim_end_matches(['.', '!', ' ']);
    if SHORT_REFUSALS.contains(&reply) {
        return Some(Refused::Any);
    }
    let (cue, at, end) = REFUSAL_CUES
        .iter()
        .chain(VERB_CUES)
        .filter_map(|p| find_phrase(lower, p).map(|at| (*p, at, at + p.len())))
        .min_by_key(|&(_, at, _)| at)?;
    if is_question(text) {
        return None;
    }
    let rest = clause(&lower[end..]);
    let next = next_word(rest);
    let detail = detail_in(rest);
    let declines_detail = if VERB_CUES.contains(&cue) {
        // "not sharing that", "won't give my number" — but not "not giving up".
        next.is_empty() || detail.is_some() || is_in(next, POINTERS)
    } else {
        // "rather not say", "prefer not to give my email" — but not "rather not wait".
        let after_to = next_word(rest.trim_start().get(next.len()..).unwrap_or(""));
        next.is_empty()
            || is_in(next, SHARING_VERBS)
            || is_in(next, &["that", "this", "it"])
            || (same_word(next, "to") && is_in(after_to, SHARING_VERBS))
    };
    if !declines_detail {
        return None;
    }
    let before = lower[..at]
        .rsplit(['.', '!', '?', ','])
        .next()
        .unwrap_or_default();
    Some(detail.or_else(|| detail_in(before)).unwrap_or(Refused::Any))
}

/// The clause at the start of `text`: up to a sentence end, a comma or "but".
fn clause(text: &str) -> &str {
    let end = text.find(['.', '!', '?', ',', ';']).unwrap_or(text.len());
    let text = &text[..end];
    find_phrase(text, "but").map_or(text, |at| &text[..at])
}

const POINTERS: &[&str] = &["that", "this", "it", "my", "our", "mi", "meine", "mein"];

/// "no email please", "no calls", "no phone number": one detail ruled out.
fn no_detail_please(lower: &str) -> Option<Refused> {
    for (phrase, detail) in NO_DETAIL {
        if let Some(at) = find_phrase(lower, phrase) {
            // "no email yet?" asks; "no phone here but email is …" gives something else.
            let rest = lower[at + phrase.len()..].trim_start();
            if rest.is_empty()
                || rest.starts_with(['.', '!', ','])
                || is_in(
                    next_word(rest),
                    &[
                        "please", "pls", "thanks", "thank", "bitte", "por", "gracias",
                    ],
                )
            {
                return Some(*detail);
            }
        }
    }
    None
}

const NO_DETAIL: &[(&str, Refused)] = &[
    ("no email", Refused::Email),
    ("no emails", Refused::Email),
    ("no e-mail", Refused::Email),
    ("no e-mails", Refused::Email),
    ("no calls", Refused::Phone),
    ("no phone", Refused::Phone),
    ("no phone calls", Refused::Phone),
    ("no phone number", Refused::Phone),
    ("no number", Refused::Phone),
    ("please don't call", Refused::Phone),
    ("don't call me", Refused::Phone),
    ("dont call me", Refused::Phone),
    ("please don't email", Refused::Email),
    ("don't email me", Refused::Email),
    ("dont email me", Refused::Email),
    ("keine e-mail", Refused::Email),
    ("keine email", Refused::Email),
    ("keine anrufe", Refused::Phone),
    ("sin correo", Refused::Email),
    ("sin llamadas", Refused::Phone),
];

#[rustfmt::skip]
const NOT_CONTACTED: &[&str] = &[
    "don't want to be contacted", "dont want to be contacted", "do not want to be contacted",
    "don't contact me", "dont contact me", "do not contact me", "no contact please",
    "don't want anyone to contact me", "don't want to be called or emailed",
    "no quiero que me contacten", "no me contacten", "nicht kontaktiert werden",
    "kontaktieren sie mich nicht", "no sales calls",
];

#[rustfmt::skip]
const SHORT_REFUSALS: &[&str] = &[
    "skip", "skip it", "skip that", "skip this", "let's skip", "lets skip", "skip this one",
    "pass", "i'll pass", "ill pass", "i pass", "no comment", "none of your business",
    "not telling", "not saying", "rather not", "i'd rather not", "id rather not",
    "i would rather not", "prefer not", "i prefer not", "i'd prefer not", "private",
    "that's private", "thats private", "confidential", "that's confidential", "nope, not sharing",
    "not sharing", "not sharing that", "prefiero no", "prefiero no decirlo", "paso",
    "lieber nicht", "möchte ich nicht sagen", "kein kommentar", "überspringen",
];

/// Cues followed by what is declined: "rather not [say]", "don't want to [give my email]".
#[rustfmt::skip]
const REFUSAL_CUES: &[&str] = &[
    "rather not", "prefer not", "prefer to not", "would not like to", "wouldn't like to",
    "don't want to", "dont want to", "do not want to", "don't wanna", "dont wanna",
    "not comfortable", "not willing", "prefiero no", "lieber nicht", "möchte ich nicht",
    "möchte nicht", "will ich nicht",
];

/// Cues that already say "give" or "share": "not sharing that", "won't give my number".
#[rustfmt::skip]
const VERB_CUES: &[&str] = &[
    "won't give", "wont give", "won't share", "wont share", "will not give", "will not share",
    "not giving", "not sharing", "not going to give", "not gonna give", "not going to share",
    "can't share", "cant share", "cannot share", "can't give", "cannot give", "not disclosing",
    "won't say", "wont say", "not saying", "not telling", "keep that private",
    "keep it private", "keep that to myself", "no quiero dar", "no quiero compartir",
    "no quiero decir", "no doy", "nicht angeben", "nicht nennen", "nicht teilen", "nicht sagen",
    "gebe ich nicht",
];

#[rustfmt::skip]
const SHARING_VERBS: &[&str] = &[
    "give", "share", "say", "tell", "provide", "disclose", "leave", "put", "enter", "type",
    "hand", "send", "reveal", "answer", "mention", "discuss", "specify", "sharing", "giving",
    "saying", "telling", "providing", "disclosing", "dar", "decir",
    "compartir", "angeben", "nennen", "teilen", "sagen", "geben", "verraten",
];

fn detail_in(text: &str) -> Option<Refused> {
    let words = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty());
    for w in words {
        let detail = match w {
            "email" | "e-mail" | "mail" | "emails" | "address" | "correo" | "inbox" => {
                Refused::Email
            }
            "phone" | "number" | "cell" | "mobile" | "telephone" | "whatsapp" | "teléfono"
            | "telefono" | "móvil" | "movil" | "telefon" | "telefonnummer" | "handy" | "nummer"
            | "calls" | "call" => Refused::Phone,
            "name" | "surname" | "nombre" | "apellido" => Refused::Name,
            "budget" | "budgets" | "presupuesto" | "spend" | "money" | "pricing" | "numbers"
            | "figures" | "financials" => Refused::Budget,
            _ => continue,
        };
        return Some(detail);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals() {
        use Refused::*;
        check(
            &[
                ("I'd rather not give my email", Some(Email)),
                ("id rather not share my email address", Some(Email)),
                ("no email please", Some(Email)),
                ("No emails, thanks", Some(Email)),
                ("please don't call me", Some(Phone)),
                ("no calls please", Some(Phone)),
                ("I don't want to give my phone number", Some(Phone)),
                ("not comfortable sharing my number", Some(Phone)),
                ("I'd prefer not to share my name", Some(Name)),
                ("rather not say what our budget is", Some(Budget)),
                ("I won't share budget numbers yet", Some(Budget)),
                ("prefer not to say", Some(Any)),
                ("not sharing that", Some(Any)),
                ("skip", Some(Any)),
                ("Skip.", Some(Any)),
                ("I'll pass", Some(Any)),
                ("I'd rather not", Some(Any)),
                ("I don't want to be contacted", Some(Any)),
                ("don't contact me", Some(Any)),
                ("that's confidential", Some(Any)),
                ("prefiero no dar mi correo", Some(Email)),
                ("prefiero no decirlo", Some(Any)),
                ("meine Telefonnummer möchte ich nicht angeben", Some(Phone)),
                ("lieber nicht", Some(Any)),
                ("keine E-Mail bitte", Some(Email)),
                // Not refusals.
                ("my email is maria@acme.io", None),
                ("why do you need my email?", None),
                ("I'd rather not wait too long", None),
                ("we'd prefer not to switch tools twice", None),
                ("I don't want to miss out", None),
                ("sure, it's 555 0100", None),
                ("no email yet? I signed up", None),
                ("hello", None),
                ("", None),
                ("we have no budget", None),
                ("I don't want to spend more than 10k", None),
            ],
            refused,
        );
    }
}
