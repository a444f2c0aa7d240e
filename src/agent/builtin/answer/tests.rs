//! Answers over a realistic knowledge base (Brightline, a B2B SaaS: tests/fixtures/brightline),
//! chunked as an upload is, with the passages a search would return for each question.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;

use super::*;
// Unit tests may reach across the layers (tests/layers.rs reads no code after this mark):
// the knowledge base is chunked exactly as an upload is.
#[cfg(test)]
use crate::ingest::{self, chunk};

const DOCUMENTS: &[(&str, &str, bool)] = &[
    (
        "company",
        include_str!("../../../../tests/fixtures/brightline/company.md"),
        false,
    ),
    (
        "faq",
        include_str!("../../../../tests/fixtures/brightline/faq.md"),
        true,
    ),
    (
        "pricing",
        include_str!("../../../../tests/fixtures/brightline/pricing.md"),
        false,
    ),
    (
        "product",
        include_str!("../../../../tests/fixtures/brightline/product.md"),
        false,
    ),
    (
        "security",
        include_str!("../../../../tests/fixtures/brightline/security.md"),
        false,
    ),
];

/// Every chunk of the knowledge base, as the search reads them back.
fn kb() -> Vec<ChunkHit> {
    let mut hits = Vec::new();
    for (id, text, faq) in DOCUMENTS {
        let extracted = ingest::extract_content(text).unwrap();
        let title = extracted.first_heading().unwrap().to_owned();
        for c in chunk::chunk(&extracted.blocks, *faq) {
            hits.push(ChunkHit {
                document_id: (*id).to_owned(),
                title: title.clone(),
                position: c.position,
                heading: c.heading,
                text: c.text,
                answer: c.answer,
                score: 5.0,
                snippet: String::new(),
            });
        }
    }
    hits
}

/// The chunks of `document` whose heading ends with `heading`, in the order given.
fn hits(picks: &[(&str, &str)]) -> Vec<ChunkHit> {
    let all = kb();
    picks
        .iter()
        .map(|(document, heading)| {
            all.iter()
                .find(|h| h.document_id == *document && h.heading.ends_with(heading))
                .unwrap_or_else(|| panic!("no chunk {document} › {heading}"))
                .clone()
        })
        .collect()
}

fn known(question: &str, hits: &[ChunkHit], seats: Option<u32>) -> (String, Vec<Source>) {
    match compose(question, hits, seats) {
        Answered::Known { text, sources } => (text, sources),
        Answered::Unknown => panic!("{question:?} was not answered"),
    }
}

fn answer(question: &str, picks: &[(&str, &str)]) -> String {
    known(question, &hits(picks), None).0
}

fn passage(text: &str) -> ChunkHit {
    ChunkHit {
        document_id: "doc".into(),
        title: "Handbook".into(),
        position: 0,
        heading: String::new(),
        text: text.into(),
        answer: None,
        score: 3.0,
        snippet: String::new(),
    }
}

#[test]
fn a_per_seat_price_is_totalled_for_the_visitors_seats() {
    let found = hits(&[
        ("pricing", "Growth: $39 per seat per month"),
        ("pricing", "Starter: $19 per seat per month"),
    ]);
    let (text, sources) = known("How much is the Growth plan?", &found, Some(40));
    assert!(
        text.starts_with("$39 per seat per month billed annually"),
        "{text}"
    );
    assert!(
        text.ends_with("For 40 seats that's $1,560 a month, billed annually."),
        "{text}"
    );
    assert!(
        !text.contains("all channels"),
        "not the whole chunk: {text}"
    );
    assert_eq!(
        sources,
        vec![Source {
            document_id: "pricing".into(),
            title: "Pricing and Plans".into()
        }]
    );
    let faq = hits(&[
        ("faq", "How much does Brightline cost?"),
        ("pricing", "Discounts"),
    ]);
    let (text, _) = known("pricing for 40 seats?", &faq, Some(40));
    assert!(
        text.starts_with("Starter is $19 per seat per month"),
        "{text}"
    );
    assert!(
        text.ends_with("For 40 seats that's $760 a month on Starter or $1,560 a month on Growth."),
        "{text}"
    );
    let (text, _) = known("how much does it cost", &faq, None);
    assert!(!text.contains("For "), "no seats, no total: {text}");
}

#[test]
fn seats_are_read_from_the_question() {
    assert_eq!(seats_in("how much for 40 seats?"), Some(40));
    assert_eq!(seats_in("We'd need 12 users, what's the price"), Some(12));
    assert_eq!(seats_in("precio para 25 usuarios"), Some(25));
    assert_eq!(seats_in("how much is it for our team of 200 people"), None);
    assert_eq!(seats_in("SOC 2?"), None);
}

#[test]
fn a_topic_named_alone_is_a_question() {
    for m in [
        "price",
        "pricing",
        "soc2",
        "SOC 2",
        "gdpr",
        "SSO",
        "hipaa",
        "api",
        "the price",
        "Trial.",
    ] {
        assert!(asks_by_topic(m), "{m}");
    }
    for m in [
        "sales",
        "Acme",
        "40 users",
        "seats",
        "yes",
        "Jane Doe",
        "about 20 people",
        "",
        "we need a better price for our whole team",
    ] {
        assert!(!asks_by_topic(m), "{m}");
    }
}

#[test]
fn the_passage_titled_by_the_question_wins_a_tie() {
    let found = hits(&[
        ("security", "GDPR and data processing agreement"),
        ("security", "Data residency"),
    ]);
    let text = known("Where is my data stored?", &found, None).0;
    assert!(text.contains("Frankfurt"), "{text}");
    let found = hits(&[
        ("faq", "What are your support hours?"),
        ("faq", "Does Brightline work in other languages?"),
    ]);
    let text = known("what languages do you support?", &found, None).0;
    assert!(
        text.starts_with("The app is available in English"),
        "{text}"
    );
}

#[test]
fn short_questions_are_answered() {
    let soc = hits(&[
        ("faq", "Is Brightline SOC 2 compliant?"),
        ("security", "SOC 2 Type II"),
    ]);
    for q in ["SOC 2?", "soc2", "soc 2 report?", "SOC-2"] {
        let text = known(q, &soc, None).0;
        assert!(
            text.starts_with("Yes. Brightline has a SOC 2 Type II report"),
            "{q}: {text}"
        );
    }
    let text = answer("soc2?", &[("security", "SOC 2 Type II")]);
    assert!(
        text.starts_with("Brightline holds a SOC 2 Type II report"),
        "{text}"
    );
    assert!(!text.contains("penetration"), "{text}");
    assert!(answer("trial?", &[("faq", "Is there a free trial?")]).contains("14-day"));
    assert!(answer("SSO?", &[("faq", "(SSO)?")]).contains("SAML 2.0"));
    assert!(
        answer(
            "gdpr",
            &[("security", "GDPR and data processing agreement")]
        )
        .contains("GDPR")
    );
    assert!(answer("price", &[("faq", "How much does Brightline cost?")]).contains("$19"));
    assert!(
        answer(
            "¿Cuánto cuesta?",
            &[("faq", "How much does Brightline cost?")]
        )
        .contains("$39")
    );
}

#[test]
fn a_baa_is_never_answered_yes_from_the_gdpr_passage() {
    let gdpr_first = hits(&[
        ("security", "GDPR and data processing agreement"),
        ("security", "HIPAA and health information"),
    ]);
    for q in [
        "Do you sign a BAA?",
        "do u sign BAAs",
        "Will you sign a business associate agreement?",
    ] {
        let text = known(q, &gdpr_first, None).0;
        assert!(text.starts_with("No, "), "{q}: {text}");
        assert!(
            text.contains("Business Associate Agreements"),
            "{q}: {text}"
        );
        assert!(!text.contains("DPA"), "{q}: {text}");
    }
    let text = known("Are you HIPAA compliant?", &gdpr_first, None).0;
    assert_eq!(
        text,
        "No, Brightline is not HIPAA compliant. We do not sign Business Associate Agreements (BAAs), and Brightline must not be used to store or process protected health information (PHI)."
    );
    let gdpr_only = hits(&[("security", "GDPR and data processing agreement")]);
    assert_eq!(
        compose("Do you sign a BAA?", &gdpr_only, None),
        Answered::Unknown
    );
    assert_eq!(
        compose("is brightline hipaa compliant?", &gdpr_only, None),
        Answered::Unknown
    );
    let mut dpa_faq = passage("Q: Do you sign a DPA?\nA: Yes. We sign a DPA with every customer.");
    dpa_faq.heading = "Do you sign a DPA?".into();
    dpa_faq.answer = Some("Yes. We sign a DPA with every customer.".into());
    assert_eq!(
        compose("Do you sign a BAA?", &[dpa_faq], None),
        Answered::Unknown
    );
}

#[test]
fn a_mobile_app_question_gets_an_honest_no_or_nothing() {
    let elsewhere = hits(&[
        ("product", "Integrations"),
        ("product", "Channels"),
        ("pricing", "Starter: $19 per seat per month"),
    ]);
    for q in [
        "Do you have a mobile app?",
        "is there an iphone app",
        "android app?",
    ] {
        assert_eq!(compose(q, &elsewhere, None), Answered::Unknown, "{q}");
    }
    let text = answer(
        "Do you have a mobile app?",
        &[
            ("product", "Integrations"),
            ("faq", "Do you have a mobile app?"),
        ],
    );
    assert!(
        text.starts_with("No, Brightline does not have a native iOS or Android app."),
        "{text}"
    );
    let prose = passage(
        "Apps\nBrightline has no native mobile app. Notifications arrive by\nemail.\n\nIntegrations\nConnect thousands of other apps with Zapier.",
    );
    let text = known("is there a mobile app?", &[prose], None).0;
    assert_eq!(
        text,
        "No, Brightline has no native mobile app. Notifications arrive by email."
    );
    // A sentence that says otherwise about the same thing leaves the verdict to the reader.
    let mixed = passage(
        "Brightline has no native mobile app. The web app works in mobile browsers such as Safari.",
    );
    let text = known("is there a mobile app?", &[mixed], None).0;
    assert!(
        text.starts_with("Brightline has no native mobile app."),
        "{text}"
    );
    let text = answer(
        "Do you offer refunds?",
        &[("pricing", "Cancellation and refunds")],
    );
    assert!(
        !text.starts_with("No") && !text.starts_with("Yes"),
        "{text}"
    );
    assert!(text.contains("money-back"), "{text}");
}

#[test]
fn questions_the_knowledge_base_does_not_answer_are_unknown() {
    let found = hits(&[
        ("company", "Our story"),
        ("product", "Onboarding and implementation"),
        ("faq", "Who is Brightline for?"),
    ]);
    for q in [
        "What's the weather in Paris tomorrow?",
        "Do you offer on-site training in Tokyo?",
        "can I pay with bitcoin?",
        "what is the meaning of life",
        "?",
        "",
    ] {
        assert_eq!(compose(q, &found, None), Answered::Unknown, "{q}");
    }
    assert_eq!(
        compose("How much does it cost?", &[], None),
        Answered::Unknown
    );
}

#[test]
fn an_faq_hit_answers_with_its_answer_verbatim() {
    let found = hits(&[("faq", "Is there a free trial?"), ("pricing", "Free trial")]);
    let (text, sources) = known("is there a free trial?", &found, None);
    assert_eq!(
        text,
        "Yes. Every new workspace starts with a free 14-day trial with all Growth features. No credit card is required, and nothing is charged when the trial ends unless you choose a plan."
    );
    assert_eq!(sources[0].title, "Frequently Asked Questions");
    let text = answer(
        "need a credit card to sign up?",
        &[("faq", "Do I need a credit card to sign up?")],
    );
    assert_eq!(
        text,
        "No. You only add payment details when you pick a plan."
    );
}

#[test]
fn pdf_like_text_is_normalised_into_sentences() {
    let pdf = passage(
        "Security Handbook\nAccess Control\nBrightline supports SAML 2.0 single\nsign-on with Okta, Microsoft Entra ID and\nGoogle Workspace on Growth and Enterprise.\n\n\
         Starter uses email and password.\n\n• Audit logs    on Enterprise\n\nPage 3",
    );
    let (text, sources) = known("Do you support SSO?", &[pdf], None);
    assert_eq!(
        text,
        "Yes, Brightline supports SAML 2.0 single sign-on with Okta, Microsoft Entra ID and Google Workspace on Growth and Enterprise."
    );
    assert_eq!(sources[0].document_id, "doc");
}

#[test]
fn a_plain_statement_may_be_answered_yes_but_a_mixed_one_is_not() {
    let text = answer(
        "Is there a minimum number of seats?",
        &[("pricing", "Starter: $19 per seat per month")],
    );
    assert_eq!(text, "Yes, minimum 2 seats.");
    let text = answer("Is my data encrypted?", &[("security", "Encryption")]);
    assert!(
        text.starts_with("Yes, all data is encrypted in transit"),
        "{text}"
    );
    let text = answer("Are you hiring?", &[("company", "Careers")]);
    assert!(
        text.starts_with("Yes, we are hiring in engineering"),
        "{text}"
    );
    let text = answer(
        "Do you have an uptime SLA?",
        &[("security", "Reliability and uptime SLA")],
    );
    assert!(
        !text.starts_with("Yes") && !text.starts_with("No"),
        "mixed: {text}"
    );
    assert!(text.contains("99.9%"), "{text}");
}

#[test]
fn passages_give_the_sentences_that_answer_not_the_chunk() {
    let text = answer(
        "Do you integrate with Salesforce?",
        &[("product", "Integrations")],
    );
    assert!(text.contains("Salesforce"), "{text}");
    assert!(
        !text.contains("Shopify") && !text.contains("Jira"),
        "{text}"
    );
    let text = answer(
        "where is my data stored?",
        &[("security", "Data residency")],
    );
    assert!(text.contains("Frankfurt"), "{text}");
    assert!(!text.contains('\n'), "{text}");
    let text = answer(
        "who founded brightline?",
        &[("company", "Our story"), ("company", "Leadership")],
    );
    assert!(
        text.starts_with(
            "Brightline was founded in 2016 in New York by Dana Whitfield and Rahul Mehta."
        ),
        "{text}"
    );
    assert!(!text.contains("retailer"), "{text}");
    let text = answer(
        "what discounts do you have for nonprofits?",
        &[("pricing", "Discounts")],
    );
    assert!(text.contains("40% off"), "{text}");
    assert!(!text.contains("Startups"), "{text}");
}

#[test]
fn an_answer_names_no_source_in_its_text() {
    for hit in kb() {
        let question = format!("what about {}?", hit.heading.rsplit(" › ").next().unwrap());
        if let Answered::Known { text, .. } =
            compose(&question, std::slice::from_ref(&hit), Some(12))
        {
            assert!(!text.contains("Source"), "{text}");
            assert!(!text.contains('\n') && !text.contains("  "), "{text:?}");
            assert!(!text.contains("##") && !text.contains("**"), "{text}");
        }
    }
}

proptest! {
    #[test]
    fn words_the_knowledge_base_never_uses_are_not_answered(
        opener in prop::sample::select(vec!["do you have", "is there", "can I get", "what about", "how much is", "tell me about"]),
        topic in "[b-df-hj-np-tv-z]{9,12}",
    ) {
        let question = format!("{opener} {topic}?");
        prop_assert_eq!(compose(&question, &kb()[..3], None), Answered::Unknown);
    }

    #[test]
    fn no_health_question_is_answered_yes_from_the_gdpr_passage(
        opener in prop::sample::select(vec!["do you", "can you", "will you", "does brightline", "hey quick one, do you", "would you"]),
        verb in prop::sample::select(vec!["sign", "support", "offer", "provide", "have"]),
        object in prop::sample::select(vec!["a BAA", "BAAs", "HIPAA", "a business associate agreement", "hipaa compliance", "PHI storage"]),
    ) {
        let gdpr = hits(&[("security", "GDPR and data processing agreement"), ("security", "Data retention and deletion")]);
        let question = format!("{opener} {verb} {object}?");
        if let Answered::Known { text, .. } = compose(&question, &gdpr, None) {
            prop_assert!(!text.starts_with("Yes"), "{}: {}", question, text);
        }
    }

    #[test]
    fn any_message_is_composed_without_panicking(question in ".{0,200}", seats in 0u32..5000) {
        if let Answered::Known { text, .. } = compose(&question, &kb()[10..13], Some(seats)) {
            prop_assert!(!text.is_empty());
        }
    }
}

/// The answer to `question` when every passage of the knowledge base is a hit, so the
/// answerer itself must pick the right one.
fn from_all(question: &str, seats: Option<u32>) -> String {
    known(question, &kb(), seats).0
}

fn assert_answers(questions: &[&str], wanted: &[&str]) {
    for q in questions {
        let text = from_all(q, None);
        for w in wanted {
            assert!(text.contains(w), "{q}: {text} lacks {w}");
        }
    }
}

#[test]
fn each_question_of_a_message_is_answered() {
    assert_answers(
        &[
            "Do you have a mobile app? And do you support SSO?",
            "is there a mobile app, and do you have SSO?",
            "Do you support SSO and do you have a mobile app?",
        ],
        &["browser", "SAML"],
    );
    assert_answers(
        &[
            "Before we talk: do you offer a DPA, and can our data stay in the EU?",
            "Do you sign a DPA? Can our data stay in the EU?",
        ],
        &["DPA", "Frankfurt"],
    );
    assert_answers(&["Do you have SSO, and is there an API?"], &["SAML", "API"]);
    assert_answers(
        &["also does it work with hubspot and salesforce??"],
        &["HubSpot", "Salesforce"],
    );
}

#[test]
fn a_lead_in_before_the_question_is_not_part_of_it() {
    assert_answers(
        &[
            "Before I pick, what happens after the call?",
            "ok, and what happens after the demo call?",
        ],
        &["proposal"],
    );
    assert_answers(
        &[
            "hi! quick one - does Brightline integrate with HubSpot?",
            "Does Brightline integrate with HubSpot?",
        ],
        &["HubSpot"],
    );
    assert_answers(
        &[
            "Our Zendesk contract ends in February so we'd need to move before then. Anyway - do you import from Zendesk?",
            "We're outgrowing Help Scout - can you migrate our conversation history from Help Scout?",
        ],
        &["Help Scout", "free"],
    );
}

#[test]
fn a_price_is_totalled_for_the_billing_asked_about() {
    let found = hits(&[("pricing", "Annual or monthly billing")]);
    for q in [
        "And if we paid monthly instead of annually?",
        "what if we pay monthly?",
    ] {
        let (text, _) = known(q, &found, Some(15));
        assert!(text.contains("$735"), "{q}: {text}");
    }
    let (text, _) = known(
        "how much is Starter for 5 seats?",
        &kb(),
        seats_in("for 5 seats"),
    );
    assert!(text.contains("$95"), "{text}");
    assert_eq!(seats_in("what does it cost for a 6-person team?"), Some(6));
    assert_eq!(seats_in("What would it cost for 8 people?"), Some(8));
    for q in [
        "what does it usually cost for a 6-person team?",
        "what does it cost?",
    ] {
        let text = from_all(q, None);
        assert!(text.contains("$19"), "{q}: {text}");
    }
    assert_eq!(seats_in("we're a team of 200 people"), None);
}

#[test]
fn an_faq_yes_is_not_given_to_a_different_question() {
    for q in ["is there a free plan?", "do you offer a free plan?"] {
        let text = from_all(q, None);
        assert!(!text.starts_with("Yes"), "{q}: {text}");
        assert!(text.contains("14-day"), "{q}: {text}");
    }
    let text = from_all("is there a free trial?", None);
    assert!(text.starts_with("Yes"), "{text}");
}

#[test]
fn short_facts_lists_and_contacts_are_found() {
    assert_answers(
        &[
            "how many employees do you have?",
            "how many staff does Brightline have?",
        ],
        &["240"],
    );
    assert_answers(
        &["where are you guys based?", "where are you headquartered?"],
        &["New York"],
    );
    assert_answers(
        &[
            "what integrations do you have?",
            "which integrations are there?",
        ],
        &["Salesforce", "HubSpot", "Zapier"],
    );
    assert_answers(
        &[
            "what's your sales phone number then",
            "do you have a phone number for sales?",
        ],
        &["555-0142"],
    );
    assert_answers(
        &[
            "where do I check if it's an outage on your end?",
            "do you have a status page?",
        ],
        &["status.brightline.example"],
    );
}

#[test]
fn words_visitors_use_find_the_documents_words() {
    assert_answers(
        &[
            "hmm ok. can it connect to outlook / microsoft 365?",
            "does it work with Office 365?",
        ],
        &["Microsoft 365"],
    );
    assert_answers(
        &[
            "Hi, can our data stay in the EU? We're a German company.",
            "Gibt es ein Rechenzentrum in der EU? Datenschutz ist uns sehr wichtig.",
        ],
        &["Frankfurt"],
    );
    assert_answers(
        &[
            "So we couldn't use it for patient messages at all?",
            "can we use it for patient messages?",
        ],
        &["PHI"],
    );
    assert_answers(
        &[
            "i said no. what languages does the app come in?",
            "which languages is it available in?",
        ],
        &["Spanish", "German"],
    );
    let mut with_promotion = kb();
    with_promotion.push(ChunkHit {
        title: "Winter Promotion 2026".into(),
        heading: "Winter Promotion 2026".into(),
        ..passage(
            "Winter promotion: until 31 December 2026, new customers who buy an annual Growth plan get the first 2 months free. Enter the code WINTER26 at checkout. The winter promotion cannot be combined with the nonprofit or startup discounts.",
        )
    });
    for (q, wanted) in [
        ("any promo codes or deals on right now?", "WINTER26"),
        ("is there a discount code?", "WINTER26"),
        ("any promotions right now?", "Winter promotion"),
    ] {
        let text = known(q, &with_promotion, None).0;
        assert!(text.contains(wanted), "{q}: {text}");
    }
    assert_answers(
        &["do you hire remote people in europe? I'm in Lisbon"],
        &["remote"],
    );
    assert_answers(
        &[
            "¿WhatsApp está incluido en el plan Starter?",
            "Is WhatsApp included in the Starter plan?",
        ],
        &["Growth"],
    );
}

#[test]
fn a_topic_asked_for_with_a_greeting_is_a_question() {
    for m in [
        "buenas tardes, quiero información de precios",
        "I'd like information about pricing",
        "pricing info please",
    ] {
        assert!(asks_by_topic(m), "{m}");
    }
    assert!(!asks_by_topic("good afternoon, I'm Jane"));
    let text = from_all("buenas tardes, quiero información de precios", None);
    assert!(text.contains("$19") && text.contains("$39"), "{text}");
}

#[test]
fn the_questions_of_a_message_are_read_apart() {
    assert_eq!(
        questions(
            "We're on Zendesk. It's too expensive, which is a pity. Anyway - do you import from Zendesk?"
        ),
        vec!["do you import from Zendesk?"]
    );
    assert_eq!(
        questions("Do you have SSO, and is there an API?"),
        vec!["Do you have SSO, and", "is there an API?"]
    );
    assert_eq!(questions("pricing?"), vec!["pricing?"]);
}
