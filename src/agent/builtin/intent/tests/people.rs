//! Who the visitor is and how they talk: a person, a non-buyer, refusals, greetings, abuse.

use super::*;
use VisitorKind::{Competitor, JobSeeker, Student, SupportCustomer, Vendor};

#[test]
fn wants_person() {
    flag(
        &[
            "can I talk to a human?",
            "Can i speak to a real person",
            "I'd like to talk to someone",
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
            "Puedo hablar con alguien de ventas?",
            "kann ich mit einem Menschen sprechen?",
            "bitte rufen Sie mich an",
            "is this a bot? I want a human",
            "is this a bot? I want to speak to a human",
            "are you a bot? get me a real person",
            "lol are you a bot? let me talk to someone",
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
            "call me Bob",
            "Can you just pass me the email of your CMO?",
            "can you give me your CEO's email?",
        ],
        |r| r.wants_person,
    );
}

#[test]
fn asking_if_it_is_a_bot_is_a_question_not_a_handoff() {
    for text in [
        "lol are you a bot?",
        "is this a bot?",
        "am I talking to a robot?",
        "are you a human or a bot",
        "are you AI?",
        "am I talking to a real person?",
        "¿eres un bot?",
        "bist du ein Bot?",
        "r u real",
    ] {
        let reading = read(text);
        assert!(!reading.wants_person, "{text}: {reading:?}");
        assert!(reading.asks, "{text}: {reading:?}");
    }
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
            ("are you guys hiring engineers?", Some(JobSeeker)),
            ("I'm looking for a job in sales", Some(JobSeeker)),
            ("I want to work for you", Some(JobSeeker)),
            ("is your company hiring?", Some(JobSeeker)),
            ("do you guys hire remote?", Some(JobSeeker)),
            ("I'd like to apply", Some(JobSeeker)),
            ("Can I send you my CV?", Some(JobSeeker)),
            ("r u hiring", Some(JobSeeker)),
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
            (
                "my dashboard shows an error since yesterday",
                Some(SupportCustomer),
            ),
            (
                "leads aren't showing up in our inbox",
                Some(SupportCustomer),
            ),
            (
                "hi, existing customer here - how do I add a user?",
                Some(SupportCustomer),
            ),
            ("damn, I forgot my password", Some(SupportCustomer)),
            ("locked out of our workspace", Some(SupportCustomer)),
            (
                "we are a paying customer and the bot stopped working",
                Some(SupportCustomer),
            ),
            ("need a refund for last month", Some(SupportCustomer)),
            ("cant login", Some(SupportCustomer)),
            (
                "Our Brightline inbox hasn't loaded for 40 minutes and customers are waiting!! we're paying customers, what is going on",
                Some(SupportCustomer),
            ),
            (
                "we're existing customers and the dashboard hasn't loaded since this morning",
                Some(SupportCustomer),
            ),
            ("my shared inbox won't load", Some(SupportCustomer)),
            (
                "we are paying customers and our widget hasn't been working all day",
                Some(SupportCustomer),
            ),
            (
                "Hello, I'm Raj from RankRocket SEO. We can get Brightline to page one on Google in 30 days. Who handles your marketing partnerships?",
                Some(Vendor),
            ),
            (
                "Hi, I'm reaching out from RankRocket, we're an SEO agency. We can get brightline.example to page 1 on Google in 90 days.",
                Some(Vendor),
            ),
            (
                "who handles vendor partnerships at your company?",
                Some(Vendor),
            ),
            (
                "we are a digital marketing agency, can we chat?",
                Some(Vendor),
            ),
            (
                "We can help you rank on the first page of Google",
                Some(Vendor),
            ),
            ("no puedo entrar a mi cuenta", Some(SupportCustomer)),
            (
                "Wir sind Kunden und das Widget funktioniert nicht",
                Some(SupportCustomer),
            ),
            ("I'm a student writing a thesis on AI sales", Some(Student)),
            ("this is for a school project", Some(Student)),
            ("im a phd student at MIT", Some(Student)),
            ("I'm a student, is there a discount?", Some(Student)),
            ("researching chatbots for my MBA class", Some(Student)),
            (
                "I am a university student doing research on chatbots",
                Some(Student),
            ),
            (
                "writing my dissertation on conversational AI",
                Some(Student),
            ),
            ("it's for my homework lol", Some(Student)),
            ("as a student, can I use it for free?", Some(Student)),
            (
                "college project about lead gen, can you help?",
                Some(Student),
            ),
            (
                "my professor asked us to interview a SaaS company",
                Some(Student),
            ),
            ("student here 👋", Some(Student)),
            ("soy estudiante", Some(Student)),
            ("estoy haciendo mi TFG sobre chatbots", Some(Student)),
            (
                "ich bin Studentin und schreibe meine Masterarbeit",
                Some(Student),
            ),
            ("we offer SEO services", Some(Vendor)),
            ("I'd like to sell you our lead gen service", Some(Vendor)),
            ("partnership opportunity for your team", Some(Vendor)),
            ("can I pitch you something?", Some(Vendor)),
            (
                "I run an SEO agency, interested in working together?",
                Some(Vendor),
            ),
            ("we do web design, want a new website?", Some(Vendor)),
            ("we provide offshore development services", Some(Vendor)),
            ("would you be interested in our services?", Some(Vendor)),
            (
                "we help SaaS companies like yours get more demos",
                Some(Vendor),
            ),
            ("quick pitch: we build backlinks", Some(Vendor)),
            ("I have a business proposal for you", Some(Vendor)),
            ("we'd love to partner with you", Some(Vendor)),
            ("guest post opportunity on our blog", Some(Vendor)),
            ("ofrecemos servicios de marketing", Some(Vendor)),
            (
                "Wir bieten Ihnen professionelle SEO Dienstleistungen",
                Some(Vendor),
            ),
            ("I work at a competitor", Some(Competitor)),
            (
                "we build a similar product and are curious about your stack",
                Some(Competitor),
            ),
            ("we're a competitor, just curious", Some(Competitor)),
            (
                "We build chatbots too, what LLM do you use?",
                Some(Competitor),
            ),
            ("I'm from a competitor, hope that's ok", Some(Competitor)),
            ("we're building something similar", Some(Competitor)),
            ("we compete with you in the DACH market", Some(Competitor)),
            (
                "we're in the same space, love what you do",
                Some(Competitor),
            ),
            ("I'm a competitor doing research", Some(Competitor)),
            ("we make a competing product", Some(Competitor)),
            ("wir sind ein Wettbewerber", Some(Competitor)),
            ("somos la competencia 😅", Some(Competitor)),
            // Buyers.
            ("we're hiring 10 SDRs and need a tool for them", None),
            ("our support team is drowning in tickets", None),
            ("student housing company, 200 units", None),
            ("I'm a student housing operator with 3 buildings", None),
            ("we sell software to schools", None),
            ("I'm a customer success lead looking for a tool", None),
            ("how do you compare to your competitors?", None),
            ("We're evaluating you against a competitor", None),
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
            (
                "we offer consulting services to banks and want a chatbot on our site",
                None,
            ),
            ("our customers are students", None),
            (
                "our website hasn't loaded fast for years, we need a better chat",
                None,
            ),
            (
                "we're an agency with 40 people and need a shared inbox",
                None,
            ),
            (
                "We teach 5,000 students online and need help with admissions chats",
                None,
            ),
            ("we use a similar tool today", None),
            ("apply the discount please", None),
            (
                "we're a university admissions office looking for a chatbot",
                None,
            ),
            ("our thesis is that AI agents will replace forms", None),
            (
                "We're hiring fast and need to qualify candidates, does it work for recruiting?",
                None,
            ),
            ("we're a customer and want to upgrade our plan", None),
            (
                "Our support team is overloaded, can your bot deflect tickets?",
                None,
            ),
            ("Do you have a reseller program?", None),
            ("I'm a recruiter", None),
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
            "none, sorry",
            "no, none of those",
            "I'll pass",
            "no",
            "nope, thanks",
            "nah",
            "not interested",
            "maybe later",
            "neither",
            "not right now, thanks",
            "not yet",
            "I don't want a call",
            "i said no",
            "rather not share my email",
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
            "Tuesday is bad for me, how about Wednesday?",
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
            "No gracias, solo estoy mirando",
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
            "just so you know, we're 40 people",
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
            "Hola, me llamo Carlos",
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
            "ty",
            "great, thanks!",
            "ok bye",
            "bye",
            "cheers",
            "that's all, thanks",
            "thanks for the help!",
            "Thanks Maria!",
            "see you thursday!",
            "perfect, see you then",
            "have a nice day",
            "Awesome, talk soon",
            "just wanted to say thanks",
            "gracias",
            "muchas gracias, adiós",
            "danke schön",
            "tschüss",
            "perfect, thank you so much",
            "whatever, bye",
            "fine. bye",
            "ugh, never mind, bye",
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
            "whatever",
            "fine, bye, but what does it cost?",
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
            "this chatbot is terrible",
            "this is bullshit",
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
            "you're not very helpful",
            "that's useless, I asked about SSO",
            "hello",
        ],
        |r| r.hostile,
    );
}
