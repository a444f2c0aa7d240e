use super::*;
use MeetingChange::{Cancel, Move};
use VisitorKind::{Competitor, JobSeeker, Student, SupportCustomer, Vendor};

/// Runs every case and reports all mismatches at once, like `extract::check`.
fn check<T: std::fmt::Debug + PartialEq>(cases: &[(&str, T)], field: impl Fn(&Reading) -> T) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(input, expected)| {
            let reading = read(input);
            let got = field(&reading);
            (got != *expected).then(|| format!("{input:?}: got {got:?}, expected {expected:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} cases wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}

/// Each phrase in `yes` sets the flag, each in `no` leaves it unset.
fn flag(yes: &[&str], no: &[&str], field: impl Fn(&Reading) -> bool) {
    let cases: Vec<(&str, bool)> = yes
        .iter()
        .map(|t| (*t, true))
        .chain(no.iter().map(|t| (*t, false)))
        .collect();
    check(&cases, field);
}

#[test]
fn patterns_compile() {
    for list in [
        meeting::PATTERNS,
        person::PATTERNS,
        pick::PATTERNS,
        social::PATTERNS,
        text::PATTERNS,
        time::PATTERNS,
        visitor::PATTERNS,
    ] {
        for pattern in list {
            assert!(pattern.compiles(), "does not compile: {}", pattern.source());
        }
    }
}

#[test]
fn asks() {
    flag(
        &[
            "what happens after the call?",
            "Before I pick, do you support SSO?",
            "Quick question first: do you support SSO?",
            "pricing?",
            "SOC 2?",
            "how much for 40 seats",
            "do you integrate with hubspot",
            "Is there an API",
            "hi! what does it cost per seat?",
            "tell me about your security",
            "I was wondering if you have a free trial",
            "any discounts for nonprofits?",
            "wat does the bot do??",
            "¿cuánto cuesta?",
            "cuanto cuesta para 10 usuarios",
            "Was kostet das für 20 Nutzer",
            "gibt es eine API",
            "do you sign a BAA? 🙏",
            "Thursday works, but what happens after the call?",
            "what's the price and can we do thursday?",
            "how do I cancel?",
            "can I cancel anytime?",
            "are you hiring?",
            "i'd like to know more about HIPAA",
        ],
        &[
            "Could we do Thursday at 2pm?",
            "how about tomorrow at 3?",
            "is Friday 10am free?",
            "can we book the first one?",
            "could you book option 2?",
            "Can I talk to a human?",
            "is this a bot?",
            "can we move it to Friday?",
            "can you cancel my meeting?",
            "we're 40 people",
            "I'm Jane from Acme",
            "hello?",
            "ok?",
            "thanks!",
            "not tomorrow, maybe friday?",
            "does 3pm work for you?",
            "are you free tuesday afternoon?",
            "can we reschedule?",
            "¿podemos el martes a las 10?",
            "können wir morgen um 15 Uhr telefonieren?",
        ],
        |r| r.asks,
    );
}

#[test]
fn proposes_time() {
    flag(
        &[
            "Could we do Thursday at 2pm?",
            "how about tomorrow at 3?",
            "is Friday 10am free?",
            "tomorrow at 3pm",
            "Tuesday afternoon",
            "Thursday afternoon my time, I'm in Chicago",
            "next week works for me",
            "can we meet next week?",
            "I'm free after 2pm CET",
            "does 3pm work?",
            "what about monday morning",
            "not tomorrow, maybe friday?",
            "can we do wed 10:30",
            "let's say thursday at 4",
            "are you free tmrw at 11am?",
            "2pm my time",
            "¿podemos el martes a las 10?",
            "el jueves por la tarde",
            "können wir morgen um 15 Uhr telefonieren?",
            "Dienstag Nachmittag passt mir",
            "can we move it to Friday?",
            "I'd like a demo on Dec 3",
            "thursdy at 2pm?",
        ],
        &[
            "what happens after the call?",
            "Before I pick, do you support SSO?",
            "who will be on the call tomorrow?",
            "we want to go live next week",
            "we need it by friday",
            "I'm out tomorrow",
            "good morning!",
            "guten Morgen",
            "please cancel the Tuesday meeting",
            "see you thursday!",
            "is support available on sunday?",
            "does the trial end on friday?",
            "2",
            "we're 40 people",
            "pricing?",
            "hi",
            "our contract renews in march",
            "thanks, have a good evening",
        ],
        |r| r.proposes_time,
    );
}

#[test]
fn picks() {
    check(
        &[
            ("2", Some(Pick::Index(1))),
            ("#2", Some(Pick::Index(1))),
            ("option 2", Some(Pick::Index(1))),
            ("Option 2, please.", Some(Pick::Index(1))),
            ("the second one", Some(Pick::Index(1))),
            ("The first!", Some(Pick::Index(0))),
            ("first one pls", Some(Pick::Index(0))),
            ("1st", Some(Pick::Index(0))),
            ("3rd one", Some(Pick::Index(2))),
            ("I'll take 3", Some(Pick::Index(2))),
            ("let's go with the second", Some(Pick::Index(1))),
            ("option two", Some(Pick::Index(1))),
            ("2️⃣", Some(Pick::Index(1))),
            ("yes 2", Some(Pick::Index(1))),
            ("2 works", Some(Pick::Index(1))),
            ("can we book the first one?", Some(Pick::Index(0))),
            ("la segunda", Some(Pick::Index(1))),
            ("die erste bitte", Some(Pick::Index(0))),
            ("last one", Some(Pick::Last)),
            ("the last", Some(Pick::Last)),
            ("the Thursday one", Some(Pick::Described)),
            ("yes, the 10am", Some(Pick::Described)),
            ("thursday works", Some(Pick::Described)),
            ("that works", Some(Pick::Accept)),
            ("perfect", Some(Pick::Accept)),
            ("yes book it", Some(Pick::Accept)),
            ("sounds good 👍", Some(Pick::Accept)),
            ("Perfect, thanks!", Some(Pick::Accept)),
            ("ok let's do it", Some(Pick::Accept)),
            // Not a pick.
            ("Before I pick, what's the first step after the call?", None),
            ("Quick question first: do you support SSO?", None),
            ("the first one?", None),
            ("2?", None),
            ("we're 2 people", None),
            ("2 weeks", None),
            ("$2k", None),
            ("2k", None),
            ("about 2", None),
            ("2 or 3", None),
            ("2, no wait, the third", None),
            ("first of all, how much is it?", None),
            ("the first year", None),
            ("none of those work", None),
            ("no", None),
            ("thanks", None),
            ("great, we're 40 people", None),
            ("can I talk to a human", None),
            ("please cancel the meeting", None),
            ("ok?", None),
            ("12", None),
        ],
        |r| r.picks,
    );
}

#[test]
fn wants_person() {
    flag(
        &[
            "can I talk to a human?",
            "Can i speak to a real person",
            "I'd like to talk to someone",
            "is this a bot?",
            "am I talking to a robot?",
            "are you a human or a bot",
            "connect me with sales",
            "agent please",
            "HUMAN",
            "let me talk to your sales team",
            "can someone call me?",
            "have a rep contact me please",
            "i want a real person, not a bot",
            "talk to sales",
            "is anyone there?",
            "quiero hablar con una persona",
            "¿eres un bot?",
            "kann ich mit einem Menschen sprechen?",
            "bist du ein Bot?",
            "r u real",
        ],
        &[
            "can the bot hand off to a human?",
            "does your AI transfer chats to a live agent?",
            "we want our visitors to talk to a human when needed",
            "talk to you later",
            "nice talking to you",
            "our sales reps need more leads",
            "is it real time?",
            "do you have a human in the loop?",
            "we need a person to handle inbound leads",
            "is your AI agent multilingual?",
            "I'm the sales rep here",
            "are you an AI company?",
        ],
        |r| r.wants_person,
    );
}

#[test]
fn meeting_changes() {
    check(
        &[
            ("please cancel the meeting", Some(Cancel)),
            ("Please cancel the Tuesday call", Some(Cancel)),
            ("I can't make it, cancel", Some(Cancel)),
            ("cancel my booking", Some(Cancel)),
            ("can you cancel our demo tomorrow?", Some(Cancel)),
            ("cancel it please", Some(Cancel)),
            ("i need to cancel", Some(Cancel)),
            ("we have to cancel the call, sorry", Some(Cancel)),
            ("cancelar la reunión por favor", Some(Cancel)),
            ("bitte den Termin absagen", Some(Cancel)),
            ("can we move it to Friday?", Some(Move)),
            ("can we reschedule?", Some(Move)),
            ("push it to friday please", Some(Move)),
            ("something came up, can we do another time?", Some(Move)),
            ("change the meeting to 3pm", Some(Move)),
            ("I need to reschedule our call", Some(Move)),
            ("could we move our demo to next week", Some(Move)),
            ("I can't make it tomorrow", Some(Move)),
            ("can we do friday instead?", Some(Move)),
            ("podemos cambiar la reunión al jueves?", Some(Move)),
            ("können wir den Termin verschieben?", Some(Move)),
            // Not a meeting change.
            ("cancel my subscription", None),
            ("how do I cancel?", None),
            ("can I cancel anytime?", None),
            ("what's your cancellation policy?", None),
            ("we want to move to a new CRM", None),
            ("can your bot reschedule meetings automatically?", None),
            ("maybe another time", None),
            ("change my email to jane@acme.com", None),
            ("we postponed the project", None),
            ("does it support push notifications?", None),
            ("how do I reschedule?", None),
            ("Could we do Thursday at 2pm?", None),
        ],
        |r| r.meeting,
    );
}

#[test]
fn visitors() {
    check(
        &[
            ("are you hiring?", Some(JobSeeker)),
            ("I'd like to apply for the SDR role", Some(JobSeeker)),
            ("do you have internships", Some(JobSeeker)),
            ("Any open positions for engineers?", Some(JobSeeker)),
            ("where can I send my resume", Some(JobSeeker)),
            ("¿están contratando?", Some(JobSeeker)),
            ("Habt ihr offene Stellen?", Some(JobSeeker)),
            ("our inbox is down", Some(SupportCustomer)),
            ("I can't log in to my account", Some(SupportCustomer)),
            (
                "we're customers and the widget is broken",
                Some(SupportCustomer),
            ),
            ("billing question about my invoice", Some(SupportCustomer)),
            ("I was charged twice this month", Some(SupportCustomer)),
            ("no puedo entrar a mi cuenta", Some(SupportCustomer)),
            (
                "Wir sind Kunden und das Widget funktioniert nicht",
                Some(SupportCustomer),
            ),
            ("I'm a student writing a thesis on AI sales", Some(Student)),
            ("this is for a school project", Some(Student)),
            ("im a phd student at MIT", Some(Student)),
            ("soy estudiante", Some(Student)),
            (
                "ich bin Studentin und schreibe meine Masterarbeit",
                Some(Student),
            ),
            ("we offer SEO services", Some(Vendor)),
            ("I'd like to sell you our lead gen service", Some(Vendor)),
            ("partnership opportunity for your team", Some(Vendor)),
            ("can I pitch you something?", Some(Vendor)),
            ("ofrecemos servicios de marketing", Some(Vendor)),
            ("I work at a competitor", Some(Competitor)),
            (
                "we build a similar product and are curious about your stack",
                Some(Competitor),
            ),
            ("we're a competitor, just curious", Some(Competitor)),
            ("wir sind ein Wettbewerber", Some(Competitor)),
            // Buyers.
            ("we're hiring 10 SDRs and need a tool for them", None),
            ("our support team is drowning in tickets", None),
            ("student housing company, 200 units", None),
            ("we sell software to schools", None),
            ("I'm a customer success lead looking for a tool", None),
            ("how do you compare to your competitors?", None),
            (
                "our current chatbot is broken and we want to replace it",
                None,
            ),
            ("do you offer customer support?", None),
            ("can we pay by invoice?", None),
            (
                "we offer SEO services to local businesses and need a chatbot for our site",
                None,
            ),
            ("our customers are students", None),
            ("we use a similar tool today", None),
            ("apply the discount please", None),
            (
                "we're a university admissions office looking for a chatbot",
                None,
            ),
        ],
        |r| r.visitor,
    );
}

#[test]
fn declines() {
    flag(
        &[
            "no thanks",
            "No thank you!",
            "not now",
            "none of those work",
            "none of these work for me",
            "I'll pass",
            "no",
            "nope, thanks",
            "nah",
            "not interested",
            "maybe later",
            "neither",
            "not right now, thanks",
            "I don't want a call",
            "no gracias",
            "ahora no",
            "nein danke",
            "kein Interesse",
        ],
        &[
            "no problem",
            "no worries",
            "not sure",
            "no idea",
            "none of our reps use a CRM",
            "no, I meant Acme",
            "no, the company is Acme Inc",
            "is there no free tier?",
            "pass me to sales",
            "we're good at outbound but bad at inbound",
            "not interested in the enterprise plan, just the basic one",
            "yes",
        ],
        |r| r.declines,
    );
}

#[test]
fn just_browsing() {
    flag(
        &[
            "just browsing",
            "Just looking around",
            "just looking, thanks",
            "I'm just browsing for now",
            "only looking",
            "just checking it out",
            "just curious",
            "window shopping 🙂",
            "im browsing",
            "solo estoy mirando",
            "ich schaue nur",
            "just having a look around",
            "not ready to buy yet",
            "just exploring",
            "just poking around",
        ],
        &[
            "just looking for pricing",
            "we're looking around for a chatbot vendor",
            "just checking if you support SSO",
            "just checking in on my demo request",
            "my browser blocks the widget",
            "do you track browsing behaviour?",
            "just wanted to ask about pricing",
            "I'm looking to buy",
            "just curious about your pricing",
            "Just Smith here",
        ],
        |r| r.just_browsing,
    );
}

#[test]
fn greeting_only() {
    flag(
        &[
            "hi",
            "Hello there",
            "hola",
            "hey!",
            "hi 👋",
            "good morning",
            "Guten Tag",
            "buenos días",
            "hey there!",
            "hiya",
            "hello?",
            "hi team",
            "Hi Sam",
            "hey, how are you?",
            "heyyy",
            "moin",
        ],
        &[
            "hi, what's the price?",
            "hello, I'm Jane from Acme",
            "hi i need help",
            "hey can we book a demo",
            "hi there, do you support SSO?",
            "hi pricing",
            "thanks",
            "yes",
            "there",
            "morning works for me",
        ],
        |r| r.greeting_only,
    );
}

#[test]
fn thanks_or_bye() {
    flag(
        &[
            "thanks",
            "Thank you!",
            "thx",
            "great, thanks!",
            "ok bye",
            "bye",
            "cheers",
            "that's all, thanks",
            "thanks for the help!",
            "see you thursday!",
            "have a nice day",
            "gracias",
            "muchas gracias, adiós",
            "danke schön",
            "tschüss",
            "perfect, thank you so much",
        ],
        &[
            "thanks, but what about SSO?",
            "no thanks",
            "thanks to your bot we closed a deal",
            "thank you for the demo, can we get pricing?",
            "thanks for nothing",
            "hi",
            "yes",
            "thanks! we're 40 people",
            "great",
            "bye the way, pricing?",
        ],
        |r| r.thanks_or_bye,
    );
}

#[test]
fn hostile() {
    flag(
        &[
            "this is stupid",
            "f*** off",
            "fuck you",
            "you're useless",
            "what a useless bot",
            "this bot sucks",
            "shut up",
            "you idiots",
            "wtf is this",
            "asdfghjkl",
            "sdkjfhskdjfh",
            "xcvbnm",
            "BUY CHEAP VIAGRA NOW",
            "click here to win http://a.ru http://b.ru http://c.ru",
            "eres un idiota",
            "du bist so dumm",
            "esto es una mierda",
            "this is a waste of my time",
        ],
        &[
            "this is a stupid question, but do you support SSO?",
            "sorry if this is a dumb question",
            "our old vendor was useless",
            "I'm an idiot, I meant Acme",
            "hmmmmm",
            "grrrr",
            "strengths and weaknesses?",
            "https://acme.com",
            "we need HTML and CSS support",
            "Dick Smith here",
            "our current process sucks",
            "hello",
        ],
        |r| r.hostile,
    );
}

#[test]
fn a_reading_has_every_part() {
    assert_eq!(
        read("Before I pick, what's the first step after the call?"),
        Reading {
            asks: true,
            ..Reading::default()
        }
    );
    assert_eq!(
        read("Could we do Thursday at 2pm?"),
        Reading {
            proposes_time: true,
            picks: Some(Pick::Described),
            ..Reading::default()
        }
    );
}

proptest::proptest! {
    // Byte offsets are sliced everywhere: no input may land inside a character.
    #[test]
    fn any_text_is_read_without_panicking(text in "\\PC{0,120}") {
        let _ = read(&text);
    }

    #[test]
    fn chat_like_text_is_read_without_panicking(
        text in "((the|first|2|#|option| but | and | - |can we|book|cancel|move|it|to|friday|3pm|10:30|at|¿|¡|\\?|!|,|\\.|:|no|yes|hi|thanks|human|we're|people|\\$|€|ü|ß|é|ñ|[a-z]{1,6}|[0-9]{1,3}|😀|\\n) ?){0,20}"
    ) {
        let _ = read(&text);
    }

    /// A question without a day or time word never picks or proposes: "Before I pick, what
    /// is …?" books nothing. Words that name a slot ("first", "option 2") are left out, since
    /// "can we book the first one?" does pick.
    #[test]
    fn a_question_without_a_time_never_picks_or_proposes(
        words in proptest::collection::vec(
            "(before i pick|i|pick|what happens after the call|the|call|do|you|support|sso|can|we|book|it|that|works|perfect|yes|ok|sure|great|2|3|40|people|seats|\\$2k|2 weeks|pricing|how|much|is|there|a|trial|one|please|thanks|sounds|good|which|should|choose|demo|meeting|price|hi|soc|for|team|free|available)",
            1..12,
        ),
        mark in 0usize..12,
    ) {
        let mut text = words.join(" ");
        let at = text.char_indices().map(|(i, _)| i).filter(|i| text[*i..].starts_with(' ')).nth(mark).unwrap_or(text.len());
        text.insert(at, '?');
        let reading = read(&text);
        proptest::prop_assert!(reading.picks.is_none(), "{text:?} picks {:?}", reading.picks);
        proptest::prop_assert!(!reading.proposes_time, "{text:?} proposes a time");
    }
}

#[test]
fn scratch() {
    for line in std::fs::read_to_string("/tmp/intent-scratch.txt")
        .unwrap_or_default()
        .lines()
    {
        let r = read(line);
        let mut flags = Vec::new();
        if r.asks {
            flags.push("asks".to_string());
        }
        if r.proposes_time {
            flags.push("time".to_string());
        }
        if r.wants_meeting {
            flags.push("MEET".to_string());
        }
        if let Some(p) = r.picks {
            flags.push(format!("{p:?}"));
        }
        if r.wants_person {
            flags.push("person".to_string());
        }
        if let Some(m) = r.meeting {
            flags.push(format!("{m:?}"));
        }
        if let Some(v) = r.visitor {
            flags.push(format!("{v:?}"));
        }
        if r.declines {
            flags.push("declines".to_string());
        }
        if r.just_browsing {
            flags.push("browsing".to_string());
        }
        if r.greeting_only {
            flags.push("greeting".to_string());
        }
        if r.thanks_or_bye {
            flags.push("thanks".to_string());
        }
        if r.hostile {
            flags.push("HOSTILE".to_string());
        }
        println!("{line:<70} | {}", flags.join(" "));
    }
}
