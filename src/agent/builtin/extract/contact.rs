//! Email addresses and phone numbers, and the contact facts of one message put together.

use email_address::EmailAddress;
use regex::Regex;
use std::sync::LazyLock;

use super::*;

pub(super) static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}",
    )
});

// Groups of digits, some in parentheses, joined by a space, dot or dash. Digits are ASCII
// (`[0-9]`, not `\d`, which is Unicode's 70 digit ranges): with `\d` the two phone patterns
// compiled to 630 KB and each thread's match cache grew to 390 KB, and `is_phone` counts
// only ASCII digits anyway.
pub(super) static PHONE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"(?:\+\s?)?(?:\(\s?[0-9]{1,5}\s?\)|[0-9]{1,5})(?:(?:\s?[.\-–]\s?|\s)?(?:\(\s?[0-9]{1,5}\s?\)|[0-9]{1,5})){1,7}",
    )
});

// Digit runs shaped like a phone number that are something else: dates, year ranges, IP
// addresses, and round-number ranges ("1000-5000").
pub(super) static NOT_PHONE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compiled(
        r"^(?:[0-9]{4}[.\-][0-9]{1,2}[.\-][0-9]{1,2}|[0-9]{1,2}[.\-][0-9]{1,2}[.\-][0-9]{2,4}|(?:19|20)[0-9]{2}\s?[\-–]\s?(?:19|20)[0-9]{2}|[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|[0-9]+00\s?[\-–]\s?[0-9]+00)$",
    )
});

/// Pulls contact details out of free text.
///
/// A name needs a cue ("I'm", "my name is", "this is", "call me", "Jane here") and must not be
/// a common word; one typed in lower case comes back title-cased. The company comes from an
/// explicit cue ("I work at", "company is", "we're"), else from beside the name ("Jane from
/// Acme", "Jane, CTO at Acme"). Email and phone are kept as typed, without trailing
/// punctuation.
///
/// A correction keeps the value given last ("my phone is 555 0100, sorry 555 0101"); a value
/// the visitor takes back ("not jane@old.com") loses to the other. No company is guessed from
/// the email's domain here: see `company_from_email`.
pub fn contact(message: &str) -> Contact {
    let correcting = correcting(&lowered(message));
    let (name, company_beside_name) = match named(message, correcting) {
        Some((name, company)) => (Some(name), company),
        None => (None, None),
    };
    Contact {
        email: email(message, correcting),
        phone: phone(message, correcting),
        company: stated_company(message)
            .or(company_beside_name)
            .or_else(|| leading_from(message))
            .or_else(|| company_here(message, name.as_deref())),
        name,
    }
}

fn email(message: &str, correcting: bool) -> Option<String> {
    let pattern = EMAIL.as_ref()?;
    let found = pattern.find_iter(message).filter_map(|found| {
        let address = found.as_str().trim_start_matches('.');
        EmailAddress::is_valid(address).then_some((found.start(), address))
    });
    pick(message, found, correcting).map(str::to_owned)
}

fn phone(message: &str, correcting: bool) -> Option<String> {
    let pattern = PHONE.as_ref()?;
    let found = pattern
        .find_iter(message)
        .filter(|found| is_phone(message, found.start(), found.end()))
        .map(|found| (found.start(), found.as_str().trim()));
    pick(message, found, correcting).map(str::to_owned)
}

/// The value that stands: the first one not taken back, or in a correction the last.
fn pick<'a>(
    message: &str,
    found: impl Iterator<Item = (usize, &'a str)>,
    correcting: bool,
) -> Option<&'a str> {
    let mut any = None;
    let mut kept = None;
    for (at, value) in found {
        any = any.or(Some(value));
        if !retracted(message, at) {
            if !correcting {
                return Some(value);
            }
            kept = Some(value);
        }
    }
    kept.or(any)
}

/// "it's jane@new.com, not jane@old.com", "instead of jane@old.com": a value the visitor
/// takes back loses to the other.
fn retracted(message: &str, at: usize) -> bool {
    retracted_at(message, at) || is_in(prev_word(message, at), &["old"])
}

fn is_phone(message: &str, start: usize, end: usize) -> bool {
    let candidate = &message[start..end];
    let digits = candidate.bytes().filter(u8::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    // An unseparated run is a phone number only at full length ("5550102030"), not "1000000".
    let separated = candidate.bytes().any(|b| !b.is_ascii_digit() && b != b'+');
    if !candidate.starts_with('+') && !separated && digits < 10 {
        return false;
    }
    let before = message[..start].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || "$€£¥@._/:#,*-".contains(c)) {
        return false;
    }
    let rest = &message[end..];
    let mut after = rest.chars();
    match after.next() {
        Some(c) if c.is_alphanumeric() || "@%$€£¥".contains(c) => return false,
        Some('.' | ',') if after.next().is_some_and(|c| c.is_ascii_digit()) => return false,
        _ => {}
    }
    let next = next_word(rest);
    if is_in(next, NOT_PHONE_AFTER) {
        return false;
    }
    let previous = prev_word(message, start);
    if is_in(previous, NOT_PHONE_BEFORE) {
        return false;
    }
    !NOT_PHONE
        .as_ref()
        .is_some_and(|pattern| pattern.is_match(candidate))
}

#[rustfmt::skip]
const NOT_PHONE_AFTER: &[&str] = &[
    "dollars", "dollar", "usd", "eur", "euro", "euros", "gbp", "pounds", "bucks", "k", "people",
    "employees", "users", "customers", "members", "visitors", "leads", "units", "items", "records",
    "rows", "contacts", "views", "downloads", "subscribers", "followers", "messages", "emails",
    "per", "a", "monthly", "annually",
];

#[rustfmt::skip]
const NOT_PHONE_BEFORE: &[&str] = &[
    "budget", "usd", "eur", "gbp", "revenue", "arr", "mrr", "order", "invoice", "ticket", "id",
    "ref", "reference", "account", "spend", "pay",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        check(
            &[
                ("jane@acme.com", Some("jane@acme.com")),
                ("my emial is jane@acme.com.", Some("jane@acme.com")),
                (
                    "actually it's jane.smith@acme.com",
                    Some("jane.smith@acme.com"),
                ),
                (
                    "sorry, my email is Jane.Smith@Acme.co.uk!",
                    Some("Jane.Smith@Acme.co.uk"),
                ),
                ("it's jane@new.com, not jane@old.com", Some("jane@new.com")),
                ("(reach me at bob+crm@globex.io)", Some("bob+crm@globex.io")),
                ("email me at jane@", None),
                ("no email here", None),
            ],
            |m| contact(m).email,
        );
    }

    #[test]
    fn phones() {
        check(
            &[
                ("+1 (555) 010-2030", Some("+1 (555) 010-2030")),
                ("555-010-2030", Some("555-010-2030")),
                ("+44 20 7946 0958", Some("+44 20 7946 0958")),
                ("call me at 555.010.2030 tomorrow", Some("555.010.2030")),
                ("my number is 5550102030.", Some("5550102030")),
                (
                    "Sorry, it's 555 010 2031 not 555 010 2030",
                    Some("555 010 2031"),
                ),
                ("$5,000", None),
                ("we have 200 people", None),
                ("in 2024", None),
                ("budget is $1000000", None),
                ("from 2023-2024", None),
                ("1000-5000 employees", None),
                ("on 2024-03-15", None),
                ("order 1234567", None),
                ("about 1500000 dollars", None),
                ("jane5550102030@acme.com", None),
            ],
            |m| contact(m).phone,
        );
    }

    #[test]
    fn several_contact_facts_in_one_message() {
        let found = contact("Hi! I'm Jane Smith from Acme Corp, jane@acme.com, +1 555 010 2030");
        assert_eq!(
            found,
            Contact {
                name: Some("Jane Smith".into()),
                email: Some("jane@acme.com".into()),
                phone: Some("+1 555 010 2030".into()),
                company: Some("Acme Corp".into()),
            }
        );
    }

    #[test]
    fn corrected_contact_details_keep_the_last() {
        check(
            &[
                ("sorry, typo: it's maria@acme.io", Some("maria@acme.io")),
                (
                    "maria@acme.com, sorry typo: maria@acme.io",
                    Some("maria@acme.io"),
                ),
                (
                    "actually use maria@acme.io instead of maria@gmail.com",
                    Some("maria@acme.io"),
                ),
                (
                    "my email is maria@acme.com or maria@gmail.com",
                    Some("maria@acme.com"),
                ),
            ],
            |m| contact(m).email,
        );
        check(
            &[
                ("my phone is 555 0100, sorry 555 0101", Some("555 0101")),
                (
                    "+1 555 010 2030, I mean +1 555 010 2031",
                    Some("+1 555 010 2031"),
                ),
                ("call 555 010 2030 or 555 010 9999", Some("555 010 2030")),
            ],
            |m| contact(m).phone,
        );
    }
}
