//! A company guessed from the domain of a business email address.

/// The company a business email address suggests: "maria@northwind-traders.com" →
/// "Northwind Traders", "j.doe@mail.acme.co.uk" → "Acme". `None` for free mail providers
/// (gmail, outlook, yahoo, hotmail, icloud, proton, gmx, web.de, …) and for schools and
/// universities (.edu, .ac.uk, k12, "uni-…"), where the domain says nothing about an employer.
/// A guess: the flow should ask the visitor to confirm it.
pub fn company_from_email(email: &str) -> Option<String> {
    let (_, typed) = email.trim().rsplit_once('@')?;
    let typed = typed.trim_end_matches('.');
    let domain = typed.to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    let suffix = suffix_len(&labels);
    if labels.len() <= suffix {
        return None;
    }
    let name = labels[labels.len() - suffix - 1];
    if labels.iter().any(|l| is_academic(l)) || is_academic(name) {
        return None;
    }
    if FREE_MAIL.contains(&name)
        || FREE_MAIL_DOMAINS.contains(&domain.as_str())
        || FREE_MAIL_DOMAINS.iter().any(|d| {
            domain
                .strip_suffix(d)
                .is_some_and(|head| head.ends_with('.'))
        })
    {
        return None;
    }
    // "BigSkyMedia.tv": capitals the visitor typed inside the name say where words start.
    let typed_name = typed
        .split('.')
        .nth(labels.len() - suffix - 1)
        .unwrap_or(name);
    let company = if typed_name.chars().skip(1).any(char::is_uppercase) {
        title_case(typed_name)
    } else {
        title_case(&split_compound(name))
    };
    (company.chars().filter(|c| c.is_alphanumeric()).count() >= 2).then_some(company)
}

/// How many labels the public suffix takes: "com" 1, "co.uk" / "com.au" 2.
fn suffix_len(labels: &[&str]) -> usize {
    let n = labels.len();
    let second = labels[n - 2];
    let top = labels[n - 1];
    let country = top.len() == 2;
    if country && SECOND_LEVEL.contains(&second) {
        2
    } else {
        1
    }
}

#[rustfmt::skip]
const SECOND_LEVEL: &[&str] = &[
    "co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc", "or", "ne", "gob", "nom", "sch",
    "gv", "go", "mil", "info", "biz",
];

fn is_academic(label: &str) -> bool {
    matches!(
        label,
        "edu" | "ac" | "k12" | "sch" | "uni" | "stud" | "student" | "students" | "alumni"
    ) || label.starts_with("uni-")
        || label.starts_with("stud-")
        || label.contains("university")
        || label.contains("universidad")
        || label.contains("universitaet")
        || label.contains("universität")
        || label.contains("college")
        || label.contains("school")
}

/// The registrable names of free mail providers, whatever their country suffix.
#[rustfmt::skip]
const FREE_MAIL: &[&str] = &[
    "gmail", "googlemail", "outlook", "hotmail", "live", "msn", "passport", "yahoo", "ymail",
    "rocketmail", "aol", "aim", "icloud", "me", "mac", "proton", "protonmail", "pm", "gmx",
    "web", "t-online", "freenet", "arcor", "posteo", "mailbox", "tutanota", "tuta", "tutamail",
    "fastmail", "hey", "mail", "email", "inbox", "zoho", "zohomail", "yandex", "ya", "qq",
    "163", "126", "sina", "naver", "daum", "hanmail", "orange", "wanadoo", "free", "laposte",
    "sfr", "libero", "virgilio", "tiscali", "alice", "btinternet", "btopenworld", "sky",
    "virginmedia", "ntlworld", "talktalk", "comcast", "verizon", "att", "sbcglobal",
    "bellsouth", "cox", "charter", "earthlink", "juno", "optonline", "rediffmail", "seznam",
    "wp", "o2", "interia", "onet", "terra", "bol", "uol", "telefonica", "movistar", "bluewin",
    "hispeed", "telenet", "skynet", "ziggo", "kpnmail", "planet", "home", "shaw", "rogers",
    "sympatico", "bigpond", "optusnet", "xtra", "example", "test", "mailinator", "guerrillamail",
    "temp-mail", "yopmail", "duck", "simplelogin", "anonaddy", "hushmail", "lycos", "excite",
    "rambler", "ukr", "abv", "centrum", "azet", "freemail", "citromail", "tim", "email",
];

/// Free mail domains whose name label alone would be too broad to list.
#[rustfmt::skip]
const FREE_MAIL_DOMAINS: &[&str] = &[
    "mail.ru", "list.ru", "bk.ru", "inbox.ru", "yahoo.co.jp", "outlook.jp", "pm.me",
    "proton.me", "duck.com", "hey.com",
];

/// "summitgear" → "summit-gear", "martinsautogroup" → "martins-auto-group": a word that
/// usually ends a business's name is split off when at least four letters stay before it,
/// and acronyms among them ("hr") are upper-cased. Other names stay whole ("copperleaf").
fn split_compound(label: &str) -> String {
    if label.contains(['-', '_']) {
        return label.to_owned();
    }
    let mut head = label;
    let mut tails: Vec<String> = Vec::new();
    while tails.len() < 2 {
        let Some(tail) = BUSINESS_WORDS
            .iter()
            .filter(|w| head.len() >= w.len() + 4 && head.ends_with(*w))
            .max_by_key(|w| w.len())
        else {
            break;
        };
        head = &head[..head.len() - tail.len()];
        let tail = if BUSINESS_ACRONYMS.contains(tail) {
            tail.to_ascii_uppercase()
        } else {
            (*tail).to_owned()
        };
        tails.insert(0, tail);
    }
    std::iter::once(head.to_owned())
        .chain(tails)
        .collect::<Vec<_>>()
        .join("-")
}

/// Words that end business names and are seldom the end of another word.
#[rustfmt::skip]
pub(super) const BUSINESS_WORDS: &[&str] = &[
    "group", "home", "homes", "labs", "media", "print", "printing", "properties", "property",
    "freight", "travel", "gear", "hr", "insurance", "energy", "foods", "events", "shipping",
    "logistics", "auto", "motors", "realty", "health", "dental", "clinic", "legal", "partners",
    "capital", "ventures", "studio", "studios", "digital", "design", "systems", "software",
    "solutions", "consulting", "services", "coffee", "roasters", "outfitters", "retail", "supply",
    "supplies", "construction", "roofing", "bakery", "brewing", "farms", "finance", "financial",
    "bank", "apparel", "agency", "marketing", "global", "industries", "trading", "traders",
    "transport", "fitness", "academy", "hotels", "furniture", "plumbing", "electric", "analytics",
];

const BUSINESS_ACRONYMS: &[&str] = &["hr"];

/// "northwind-traders" → "Northwind Traders", "acme_labs" → "Acme Labs".
fn title_case(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for part in label.split(['-', '_']).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::check;
    use super::*;

    #[test]
    fn companies_from_business_domains() {
        check(
            &[
                ("maria@northwind-traders.com", Some("Northwind Traders")),
                ("jane@acme.com", Some("Acme")),
                ("Jane.Smith@Acme.co.uk", Some("Acme")),
                ("bob@mail.globex.io", Some("Globex")),
                ("sales@initech.com.au", Some("Initech")),
                ("ana@contoso_labs.de", Some("Contoso Labs")),
                ("x@4sight.ai", Some("4sight")),
                ("rachel.kim@summitgear.example", Some("Summit Gear")),
                ("paul@martinsautogroup.com", Some("Martins Auto Group")),
                ("priya@bluefinhr.example", Some("Bluefin HR")),
                ("zoe@lumalabs.example", Some("Luma Labs")),
                ("x@haldenhome.co.uk", Some("Halden Home")),
                ("frank@beckerfreight.com", Some("Becker Freight")),
                ("sam@quillworks.example", Some("Quillworks")),
                ("ethan@copperleaf.example", Some("Copperleaf")),
                ("dev@quillstack.io", Some("Quillstack")),
                ("x@BigSkyMedia.tv", Some("BigSkyMedia")),
                ("x@mygroup.com", Some("Mygroup")),
                ("hans@müller-bau.de", Some("Müller Bau")),
                (
                    "  lucia@fernandez-asociados.es ",
                    Some("Fernandez Asociados"),
                ),
                // Free providers.
                ("maria@gmail.com", None),
                ("maria@googlemail.com", None),
                ("maria@outlook.com", None),
                ("maria@outlook.de", None),
                ("maria@yahoo.com", None),
                ("maria@yahoo.co.uk", None),
                ("maria@hotmail.es", None),
                ("maria@icloud.com", None),
                ("maria@me.com", None),
                ("maria@proton.me", None),
                ("maria@protonmail.com", None),
                ("maria@pm.me", None),
                ("hans@gmx.de", None),
                ("hans@gmx.net", None),
                ("hans@web.de", None),
                ("hans@t-online.de", None),
                ("ivan@mail.ru", None),
                ("x@aol.com", None),
                ("x@live.com", None),
                ("x@fastmail.com", None),
                ("x@hey.com", None),
                // Schools.
                ("student@mit.edu", None),
                ("a.b@ox.ac.uk", None),
                ("s123@student.uva.nl", None),
                ("max@uni-heidelberg.de", None),
                ("jo@cs.stanford.edu", None),
                ("kid@district.k12.ca.us", None),
                ("p@unsw.edu.au", None),
                // Not addresses.
                ("no at sign", None),
                ("x@localhost", None),
                ("x@.com", None),
                ("x@co.uk", None),
            ],
            company_from_email,
        );
    }

    proptest::proptest! {
        #[test]
        fn free_mail_is_never_a_company(
            local in "[a-z][a-z0-9._+-]{0,20}",
            provider in proptest::sample::select(vec![
                "gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.es", "icloud.com",
                "proton.me", "gmx.de", "web.de", "t-online.de", "aol.com", "live.de",
                "mit.edu", "cam.ac.uk", "uni-koeln.de",
            ]),
        ) {
            let address = format!("{local}@{provider}");
            proptest::prop_assert_eq!(company_from_email(&address), None);
        }
    }
}
