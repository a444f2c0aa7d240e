//! Words visitors and documents use for the same thing ("pricing" and "cost", "SSO" and
//! "single sign-on"), shared by the search's query side and the built-in agent's answers.

/// Phrases read as one word, lower case; the word is in a group of [`SYNONYMS`] (or is
/// simply clearer, like "price" for "how much").
pub const PHRASES: &[(&str, &str)] = &[
    ("single sign-on", "sso"),
    ("single sign on", "sso"),
    ("single-sign-on", "sso"),
    ("sign-on", "sso"),
    ("soc 2", "soc2"),
    ("soc-2", "soc2"),
    ("soc ii", "soc2"),
    ("two-factor", "2fa"),
    ("two factor", "2fa"),
    ("2-factor", "2fa"),
    ("multi-factor", "2fa"),
    ("business associate agreement", "baa"),
    ("data processing agreement", "dpa"),
    ("data processing addendum", "dpa"),
    ("how much", "price"),
    ("money-back", "refund"),
    ("set up", "setup"),
    ("where are you based", "headquarters"),
    ("where are you located", "headquarters"),
    ("where is your office", "headquarters"),
    ("are you guys based", "headquarters"),
    ("are you based", "headquarters"),
    ("are you headquartered", "headquarters"),
    ("headquartered", "headquarters"),
    ("microsoft 365", "outlook"),
    ("office 365", "outlook"),
    ("data center", "datacenter"),
    ("phone number", "phone"),
    ("move over", "migrate"),
];

/// Phrases the search also looks for when a group's word is asked about ("trial?" finds
/// "free trial"), but which stay two words when read, since "free" is asked on its own
/// ("a free plan?").
pub const SEARCH_PHRASES: &[(&str, &str)] = &[("free trial", "trial")];

/// Groups of words that mean the same to a buyer, lower case, unstemmed. Words in several
/// senses ("plan", "free", "sign") stay out, so a group never drags in an unrelated passage.
#[rustfmt::skip]
pub const SYNONYMS: &[&[&str]] = &[
    &["price", "pricing", "prices", "priced", "cost", "costs", "pay", "paid", "paying",
      "expensive", "cheap",
      "fee", "fees", "quote", "precio", "precios", "preis", "preise", "kosten", "coste",
      "cuesta", "cuanto", "kostet"],
    &["trial", "trials", "try", "prueba", "testversion", "testen"],
    &["soc2", "soc"],
    &["sso", "saml", "okta"],
    &["mobile", "ios", "android", "iphone", "ipad", "smartphone", "movil", "handy"],
    &["hipaa", "baa", "baas", "phi", "patient", "patients", "health", "healthcare",
      "medical"],
    &["conversation", "conversations", "message", "messages", "thread", "threads"],
    &["gdpr", "dpa", "dsgvo", "rgpd", "datenschutz", "privacy"],
    &["integrate", "integrates", "integration", "integrations", "connect", "connector",
      "connectors", "sync", "plugin", "plugins"],
    &["cancel", "cancellation", "cancelling", "canceling", "terminate", "kundigen"],
    &["refund", "refunds", "refunded", "reembolso", "erstattung"],
    &["discount", "discounts", "coupon", "promo", "promotion", "promotions", "deal", "deals",
      "rabatt", "descuento"],
    &["host", "hosted", "hosting", "region", "regions", "residency", "datacenter", "server",
      "servers", "located", "stored", "store", "stay", "stays", "rechenzentrum",
      "centro"],
    &["eu", "europe", "european", "emea", "europa"],
    &["api", "rest", "webhook", "webhooks", "developer", "developers", "endpoint"],
    &["language", "languages", "spanish", "german", "french", "portuguese", "translation",
      "translate", "multilingual"],
    &["uptime", "sla", "downtime", "reliability", "reliable"],
    &["status", "outage", "outages", "incident", "incidents"],
    &["import", "imports", "imported", "migrate", "migrating", "migration", "transfer"],
    &["phone", "telephone", "tel", "contact"],
    &["employees", "employee", "staff", "headcount", "empleados", "mitarbeiter"],
    &["encrypt", "encrypted", "encryption", "tls", "aes"],
    &["seat", "seats", "user", "users", "license", "licenses", "licence", "licences"],
    &["2fa", "mfa", "otp"],
    &["contract", "contracts", "msa"],
    &["career", "careers", "job", "jobs", "hiring", "vacancy", "vacancies"],
    &["onboarding", "setup", "implementation", "rollout"],
    &["founded", "founder", "founders"],
    &["headquarters", "hq", "office", "offices"],
];

/// `text`, lower case, with every phrase of [`PHRASES`] replaced by its word.
pub fn with_phrases_as_words(text: &str) -> String {
    let mut lower = text.to_lowercase();
    for (phrase, word) in PHRASES {
        if lower.contains(phrase) {
            lower = lower.replace(phrase, word);
        }
    }
    lower
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_become_their_word() {
        assert_eq!(
            with_phrases_as_words("Do you support Single Sign-On or SOC 2?"),
            "do you support sso or soc2?"
        );
        assert_eq!(with_phrases_as_words("How much is it"), "price is it");
    }

    #[test]
    fn every_phrase_word_is_lower_case_and_no_word_is_in_two_groups() {
        let mut seen = std::collections::HashSet::new();
        for group in SYNONYMS {
            for word in *group {
                assert_eq!(*word, word.to_lowercase());
                assert!(seen.insert(*word), "{word} is in two groups");
            }
        }
    }
}
