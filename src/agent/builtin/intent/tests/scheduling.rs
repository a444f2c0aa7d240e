//! Asking, proposing and picking times, asking for a meeting, changing one.

use super::*;
use MeetingChange::{Cancel, Move};

#[test]
fn asks() {
    flag(
        &[
            "is this a bot?",
            "buenas tardes, quiero información de precios",
            "quisiera más información sobre los planes",
            "Ich hätte gerne Informationen zu den Preisen",
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
            "first, what's the price?",
            "ok cool. and how long does setup take",
            "nevermind, what's your pricing?",
            "Could you send me a case study?",
        ],
        &[
            "when? next month probably",
            "what? we are 40 people",
            "Could we do Thursday at 2pm?",
            "how about tomorrow at 3?",
            "is Friday 10am free?",
            "can we book the first one?",
            "could you book option 2?",
            "Can I talk to a human?",
            "can we move it to Friday?",
            "can you cancel my meeting?",
            "can I get a demo?",
            "we're 40 people",
            "I'm Jane from Acme",
            "hello?",
            "hello? anyone?",
            "ok?",
            "thanks!",
            "not tomorrow, maybe friday?",
            "does 3pm work for you?",
            "are you free tuesday afternoon?",
            "can we reschedule?",
            "¿podemos el martes a las 10?",
            "können wir morgen um 15 Uhr telefonieren?",
            "we use a competitor today but are unhappy",
            "I'm running late, can we start at 3:15?",
            "wtf?",
            "Would rather not say",
            "what I need is faster follow-up",
            "when we get a lead, it takes 2 days to respond",
            "Why not",
            "we have around 50 employees",
            "Budget is ~10k/yr",
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
            "any slots thursday afternoon?",
            "I'm running late, can we start at 3:15?",
            "none of those times work, anything next week?",
            "after 2 CET",
            "any time after 4 works",
            "I'm in PST, so mornings are best",
            "Friday 10am EST",
        ],
        &[
            "what happens after the call?",
            "Before I pick, do you support SSO?",
            "who will be on the call tomorrow?",
            "we want to go live next week",
            "we need it by friday",
            "I'm out tomorrow",
            "Tuesday is bad for me",
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
            "timeline is next month, budget 5k",
            "we use a competitor today but are unhappy",
            "We get most leads on monday mornings",
            "I'm traveling next week",
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
            ("number 3", Some(Pick::Index(2))),
            ("2nd option pls", Some(Pick::Index(1))),
            ("can we book the first one?", Some(Pick::Index(0))),
            ("la segunda", Some(Pick::Index(1))),
            ("la primera opción", Some(Pick::Index(0))),
            ("die erste bitte", Some(Pick::Index(0))),
            ("last one", Some(Pick::Last)),
            ("the last", Some(Pick::Last)),
            ("I'd prefer the last slot", Some(Pick::Last)),
            ("the Thursday one", Some(Pick::Described)),
            ("yes, the 10am", Some(Pick::Described)),
            ("thursday works", Some(Pick::Described)),
            ("please book the 10:30", Some(Pick::Described)),
            ("I'll take the Wednesday slot", Some(Pick::Described)),
            ("Mittwoch 14 Uhr passt", Some(Pick::Described)),
            ("el martes a las 10 me va bien", Some(Pick::Described)),
            ("Could we do Thursday at 2pm?", Some(Pick::Described)),
            ("that works", Some(Pick::Accept)),
            ("perfect", Some(Pick::Accept)),
            ("yes book it", Some(Pick::Accept)),
            ("sounds good 👍", Some(Pick::Accept)),
            ("Perfect, thanks!", Some(Pick::Accept)),
            ("ok let's do it", Some(Pick::Accept)),
            ("go ahead", Some(Pick::Accept)),
            ("vale, perfecto", Some(Pick::Accept)),
            ("Sure thing!", Some(Pick::Accept)),
            ("yes that one works", Some(Pick::Accept)),
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
            ("I'm the first hire in sales here", None),
            ("last question: do you have an API?", None),
            ("none of those work", None),
            ("no", None),
            ("thanks", None),
            ("hmm", None),
            ("great, we're 40 people", None),
            ("can I talk to a human", None),
            ("please cancel the meeting", None),
            ("ok?", None),
            ("12", None),
            ("do you have anything on friday?", None),
            ("Ich hätte gerne eine Demo nächste Woche", None),
            ("we have 3 offices", None),
            ("one", None),
            ("2 of us will join", None),
            ("We have 2 locations and 3 reps", None),
            ("Our first priority is speed", None),
            ("Is option 2 still available?", None),
        ],
        |r| r.picks,
    );
}

#[test]
fn wants_meeting() {
    flag(
        &[
            "can I get a demo?",
            "I want a demo",
            "book a demo",
            "I'd like to book a call",
            "can we schedule a call?",
            "let's set up a call",
            "could we hop on a quick call tomorrow?",
            "i'd love to see a demo",
            "demo please",
            "we'd like a walkthrough",
            "interested in a demo",
            "can we have a 30 min call next week",
            "Quiero una demo la próxima semana",
            "Kann ich eine Demo bekommen?",
            "Ich hätte gerne eine Demo nächste Woche",
            "Termin vereinbaren",
        ],
        &[
            "what happens after the call?",
            "how long is the demo?",
            "do you record the call?",
            "please cancel the call",
            "the demo was great",
            "can your bot book meetings?",
            "Can the bot book meetings in our reps' calendars?",
            "we need a tool that books calls",
            "we have a call with another vendor tomorrow",
            "can we move the demo to friday?",
            "pricing?",
            "2",
        ],
        |r| r.wants_meeting,
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
            ("Need to cancel tomorrow's demo, sorry", Some(Cancel)),
            ("Hey, cancel my Thursday slot please", Some(Cancel)),
            ("I changed my mind, please cancel", Some(Cancel)),
            ("I booked by mistake, cancel it", Some(Cancel)),
            ("on second thought, let's skip the call", Some(Cancel)),
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
            ("I already booked, can I change the time?", Some(Move)),
            ("We'll have to postpone", Some(Move)),
            ("can we push our call by an hour?", Some(Move)),
            ("can we make it 30 minutes later", Some(Move)),
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
            ("I want to cancel my account", None),
        ],
        |r| r.meeting,
    );
}

#[test]
fn spanish_and_german_proposals_put_as_questions_propose() {
    for text in [
        "¿Podría ser el jueves a las 17:00?",
        "Vale. El martes a las 16:00, ¿puede ser?",
        "¿Puede ser el jueves a las 11:00?",
        "el viernes a las 10, ¿te parece bien?",
        "Donnerstag um 15 Uhr, geht das?",
        "Gut. Donnerstag um 15 Uhr passt.",
        "Thursday at 2pm, would that work?",
        "friday 10am - is that ok?",
    ] {
        let reading = read(text);
        assert!(reading.proposes_time, "{text}: {reading:?}");
        assert!(!reading.asks, "{text}: {reading:?}");
    }
    // A real question beside the time is still asked.
    let reading = read("Thursday at 2pm works. Do you support SSO?");
    assert!(reading.proposes_time && reading.asks);
}

#[test]
fn making_it_a_time_settles_a_time_without_moving_anything() {
    for text in [
        "Let's make it Thursday at 4 pm CET.",
        "let's make it tuesday 3pm",
        "ok, make it Friday at 10",
    ] {
        let reading = read(text);
        assert_eq!(reading.meeting, None, "{text}");
        assert!(reading.proposes_time, "{text}");
    }
    assert_eq!(read("can we move it to Friday at 10?").meeting, Some(Move));
}

#[test]
fn the_earliest_of_a_described_day_is_a_pick() {
    for text in [
        "whichever is earliest on Wednesday morning is fine",
        "whichever is earliest",
        "the earliest on wednesday works",
    ] {
        assert!(read(text).picks.is_some(), "{text}: {:?}", read(text));
    }
}
