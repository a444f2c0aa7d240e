//! The social side of a message: refusing, browsing, greeting, thanking, abuse.

use super::patterns::Pattern;
use super::text::{self, Clause};

/// "no thanks", "not now", "none of those work", "I'll pass"; a bare "no" only when nothing
/// but courtesy follows ("no, the company is Acme" corrects rather than refuses).
pub(super) fn declines(clauses: &[Clause<'_>]) -> bool {
    if clauses.iter().any(|c| DECLINE.is_match(c.text)) {
        return true;
    }
    let Some((first, rest)) = clauses.split_first() else {
        return false;
    };
    !first.question
        && BARE_NO.is_match(first.text)
        && rest
            .iter()
            .all(|c| COURTESY_ONLY.is_match(c.text) || THANKS_BYE_ONLY.is_match(c.text))
}

/// "just browsing", "just looking around", "solo estoy mirando", "ich schaue nur".
pub(super) fn just_browsing(clauses: &[Clause<'_>]) -> bool {
    clauses.iter().any(|c| BROWSING.is_match(c.text))
}

/// Only greetings ("hi", "hello there", "hola", "hey 👋", "hi Sam"): no question, no facts.
pub(super) fn greeting_only(original: &str, folded: &str) -> bool {
    if !GREETING.is_match(folded) {
        return false;
    }
    let without_greetings = GREETING.remove(folded);
    let rest = GREETING_FILLER.remove(&without_greetings);
    let words: Vec<&str> = text::words(&rest).collect();
    match words.as_slice() {
        [] => true,
        // "hi Sam": one capitalised word after the greeting is a name.
        [name] => {
            text::words(folded).count() <= 3
                && name.chars().all(char::is_alphabetic)
                && last_word_capitalised(original)
        }
        _ => false,
    }
}

fn last_word_capitalised(original: &str) -> bool {
    original
        .split(|c: char| !c.is_alphabetic())
        .rfind(|w| !w.is_empty())
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase)
}

/// Only thanks or goodbye, perhaps with courtesy ("great, thanks!", "ok bye", "that's all").
pub(super) fn thanks_or_bye(clauses: &[Clause<'_>]) -> bool {
    let any = clauses.iter().any(|c| THANKS_BYE_ONLY.is_match(c.text));
    any && clauses
        .iter()
        .all(|c| THANKS_BYE_ONLY.is_match(c.text) || COURTESY_ONLY.is_match(c.text))
}

/// Insults, profanity, spam or keyboard mash. "Sorry if this is a dumb question" is not.
pub(super) fn hostile(folded: &str) -> bool {
    PROFANITY.is_match(folded)
        || (INSULT.is_match(folded) && !SELF_DEPRECATING.is_match(folded))
        || SPAM.is_match(folded)
        || LINKS.count(folded) >= 3
        || gibberish(folded)
}

/// Keyboard mash: "asdfgh", "sdkjfhskdjf", a word of six or more letters with no vowel and
/// at least three different consonants ("hmmmmm" and "grrrr" are sounds, not mash).
fn gibberish(folded: &str) -> bool {
    if KEYBOARD.is_match(folded) {
        return true;
    }
    folded
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 6)
        .any(|w| {
            let no_vowel = !w.bytes().any(|b| b"aeiouy".contains(&b));
            let mut seen = [false; 26];
            w.bytes().for_each(|b| seen[usize::from(b - b'a')] = true);
            no_vowel && seen.iter().filter(|s| **s).count() >= 3
        })
}

static DECLINE: Pattern = Pattern::new(concat!(
    r"^(?:no|nope|nah)?,?\s*(?:thanks|thank you|thx|ty)?\s*(?:",
    r"no,? thank(?:s| you)|no thx|not now|not (?:right now|today|at the moment|at this time|this time|for now|really|for me|interested|yet)|not a good time",
    r"|none(?: of (?:those|these|them|the above|(?:those|these|the|your) (?:times|slots|options|dates|days)))?(?:\s+(?:work|works|fit|fits|suit|suits|are good|is good))?(?:\s+for (?:me|us))?",
    r"|neither(?: of (?:those|them|these))?(?:\s+works?)?(?:\s+for (?:me|us))?",
    r"|(?:i'?ll|i will|ill|i'?m going to|gonna|i think i'?ll|we'?ll) pass|pass",
    r"|(?:maybe|perhaps) (?:later|another time|some other time|next (?:time|year|quarter|month))|(?:some other|another) time|later",
    r"|no need|i'?m good|im good|i'?m all set|we'?re all set|all set|we'?re good|i'?m fine|i'?d rather not|rather not|no interest",
    r"|(?:i|we) (?:don'?t|do not|dont) (?:want|need) (?:a |to |any )?(?:call|meeting|demo|book|booking|schedule|talk|sign up|anything)",
    r"|no,? gracias|ahora no|no me interesa|ninguna?(?: de (?:esas|estas|ellas|esos|estos))?|paso|mas adelante|en otro momento",
    r"|nein,? danke|kein interesse|jetzt nicht|keiner? davon|keine der (?:zeiten|termine)|spater vielleicht|vielleicht spater|passt (?:mir )?nicht|lieber nicht",
    r")(?:\s+(?:thanks|thank you|thx|sorry|for now|right now|anymore|at the moment|though|tho|either|to be honest|honestly|mate|buddy|friend))*\W*$",
    r"|\b(?:i'?ll pass|no thanks|no thank you|none of (?:those|these|them)(?: times| slots| options)? (?:work|works|fit|suit)|i (?:already )?said no|(?:let'?s |i'?d rather |we'?ll )?skip (?:the|a|our|my) (?:call|meeting|demo))\b",
    r"|\b(?:i|we) (?:don'?t|do not|dont|would rather not|'?d rather not) (?:want to )?(?:give|share|provide|leave|say|tell)\b|\brather not (?:share|give|say|provide|tell)\b|\bnot interested(?:\s+(?:thanks|right now|at the moment|anymore|at this time|sorry))*\W*$",
));

static BARE_NO: Pattern =
    Pattern::new(r"^(?:no|nope|nah|nay|nein|no way|never|not really|no sorry|sorry no)\W*$");

/// Fillers that add nothing to a refusal or a goodbye.
static COURTESY_ONLY: Pattern = Pattern::new(
    r"^(?:ok|okay|k|kk|great|perfect|awesome|cool|nice|wonderful|excellent|fantastic|alright|all right|super|brilliant|lovely|got it|understood|sounds good|good|sorry|sorry about that|no worries|all good|that'?s great|that'?s helpful|that helps|very helpful|helpful|appreciated|vale|genial|perfecto|bien|gut|prima|alles klar|ok super|yes|yeah|yep|sure|please|pls|whatever|fine|meh|ugh|never ?mind|forget it)\W*$|^\W*$",
);

/// A clause that thanks or says goodbye and nothing else.
static THANKS_BYE_ONLY: Pattern = Pattern::new(concat!(
    r"^(?:(?:ok|okay|great|perfect|awesome|cool|nice|alright|super|got it|understood|all good|wonderful|excellent|lovely|brilliant|oh|ah)\s+)*(?:",
    r"thanks?(?: (?:a lot|so much|very much|a bunch|a ton|again|anyway|anyways|for (?:the|your|all the) (?:help|info|information|time|answers?|reply|replies|quick reply|chat|details|explanation)|for helping|for everything))*",
    r"|thank (?:you|u|ya)(?: (?:so much|very much|again|for (?:the|your|all the) (?:help|info|information|time|answers?|reply|details|chat)|for everything))*",
    r"|thx|thnx|thnks|thanx|ty|tysm|tyvm|cheers|much appreciated|appreciate (?:it|that|the help|you)|many thanks",
    r"|bye(?: bye)?|byebye|bye for now|goodbye|good bye|see (?:you|ya)(?: (?:later|soon|then|around|tomorrow|next week|on \w+|\w+day))?|cya|ciao|later|take care|talk (?:to you )?(?:soon|later)|ttyl|have a (?:nice|good|great|lovely) (?:day|one|weekend|evening|afternoon|week)",
    r"|that'?s (?:all|it|everything)(?: for now| i needed| thanks)?|nothing else|all done|i'?m done|we'?re done|(?:i )?just wanted to say thanks",
    r"|gracias|muchas gracias|mil gracias|adios|hasta (?:luego|pronto|manana)|chao|nos vemos",
    r"|danke(?: schon| sehr| dir| ihnen)?|vielen dank|tschuss|tschau|auf wiedersehen|bis (?:dann|bald|spater)|merci",
    r")(?:\s+(?:so much|again|bye|a lot|then|everyone|all|mate|buddy|folks|team|friend|guys))*(?:\s+[a-z]{2,12})?\W*$",
));

static BROWSING: Pattern = Pattern::new(concat!(
    r"\b(?:just|only|simply|merely) (?:browsing|looking|looking around|having a (?:quick )?look(?: around)?|checking (?:it|things|you|this|the site|your site) out|exploring|researching|curious|poking around|window shopping)",
    r"(?:\s*$|\s+(?:for now|right now|at the moment|atm|thanks|thank you|around|today|here|for the moment|nothing (?:specific|in particular)|tbh))",
    r"|\b(?:i'?m|im|i am|we'?re|we are) (?:just |only )?(?:browsing|window shopping|looking around|poking around)(?:\s*$|\s+(?:for now|right now|at the moment|thanks|thank you|today|here))",
    r"|\bwindow shopping\b|\bnot (?:ready to buy|buying (?:yet|anything|right now))\b",
    r"|\bsolo (?:estoy )?(?:mirando|curioseando|echando un vistazo|viendo)\b|\bsolo miro\b",
    r"|\b(?:ich )?(?:schaue|schau|gucke|guck) (?:mich )?(?:nur|bloss|blos)(?: mal)?(?: um)?\b|\bnur (?:am )?(?:schauen|gucken|stobern|umschauen|umsehen)\b|\bich sehe mich nur um\b",
));

/// Greetings, including small talk ("how are you?").
static GREETING: Pattern = Pattern::new(concat!(
    r"\b(?:hi+|hiya|hey+|heya|hello+|helo|hallo|hola|ola|buenas|buenos dias|buenas tardes|buenas noches|guten (?:tag|morgen|abend)|servus|moin|gruss gott|gruezi|greetings|howdy|yo|sup|good (?:morning|afternoon|evening|day)|morning",
    r"|how are you(?: doing)?(?: today)?|how'?s it going|hows it going|what'?s up|whats up|que tal|como estas|wie geht'?s|wie geht es (?:dir|ihnen))\b",
));

/// Words that may stand beside a greeting: "hello there", "hi team", "hey again".
static GREETING_FILLER: Pattern = Pattern::new(
    r"\b(?:there|team|all|everyone|everybody|folks|guys|again|bot|friend|y'?all|ya'?ll|sir|madam|dear|and|anyone there|anybody there|zusammen|a todos|todos|o/)\b",
);

static PROFANITY: Pattern = Pattern::new(concat!(
    r"\b(?:f+u+c+k+\w*|fck\w*|fuk\w*|fuq\w*|wtf|stfu|gtfo|shit|shitty|bullshit|bs bot|asshole|arsehole|bitch\w*|bastards?|dickhead|cunt\w*|motherf\w*|piss off|screw (?:you|this|off)|go to hell|damn you|goddamn",
    r"|mierda|joder|gilipollas|pendejo|cabron|puta|hijo de puta|scheisse|scheiss\w*|arschloch|verpiss dich|fick\w*|halt die (?:klappe|fresse)|wichser)\b",
    r"|\bf[*#@$]+(?:k|ck|cking|king|ing)?|\bsh[*#@$]+t\b|\ba[*#@$]+hole\b",
));

static INSULT: Pattern = Pattern::new(concat!(
    r"\b(?:you'?re|you are|ur|youre|u r|you|this(?: bot| thing| chat| chatbot| tool| ai| site)?(?: is)?|what a|such a|your (?:bot|product|tool|company|ai|chatbot|answers?|service)(?: is| are)?|the bot is|this is)\s+",
    r"(?:so |really |completely |totally |absolutely |fucking |such |a |an |just )*(?:stupid|dumb|useless|garbage|trash|rubbish|pathetic|worthless|idiotic|moronic|idiot|joke|terrible|awful|scam|scammers|crap|waste of (?:my )?time|clowns?|retarded|braindead|brain dead|incompetent|a waste)\b",
    r"|\b(?:stupid|dumb|useless|idiotic|worthless|pathetic|garbage|crappy|trash|moronic) (?:bot|chatbot|robot|machine|ai|thing|tool|answer|answers|website|site)\b",
    r"|\b(?:you|u|this bot|your bot|this thing|this|it) (?:suck|sucks|stink|stinks|are the worst|blows)\b|\b(?:idiots?|morons?|imbeciles?|losers?)\b",
    r"|\b(?:shut up|hate you|hate this|kill yourself|kys|go away|leave me alone|stop (?:spamming|bothering|wasting))\b|\bthanks for nothing\b",
    r"|\b(?:eres|es|esto es|que) (?:un |una |muy )?(?:idiota|estupid[oa]|inutil|basura|tont[oa]|imbecil|una mierda)\b",
    r"|\b(?:du bist|das ist|bist du|so ein|was fur ein|ihr seid)(?: so| echt| total| voll| ein| eine)* (?:dumm|blod|doof|nutzlos|mull|scheisse|idiot|kacke|schrott)\b",
));

/// Self-directed or about a third party: "stupid question", "I'm an idiot", "our old bot is useless".
static SELF_DEPRECATING: Pattern = Pattern::new(
    r"\b(?:stupid|dumb|silly|naive|basic) (?:question|q)\b|\b(?:i'?m|i am|i feel like|i was|i felt)(?: such)? (?:an? )?(?:idiot|moron)\b|\b(?:our|my|their) (?:current |old |existing |previous )?(?:bot|chatbot|tool|vendor|crm|process|system|website|site)\b",
);

static SPAM: Pattern = Pattern::new(
    r"\b(?:viagra|cialis|casino|porn|xxx|crypto (?:giveaway|doubler|signals)|bitcoin (?:doubler|giveaway|investment)|make money fast|click here|free money|work from home and earn|hot singles|weight loss pills|forex signals|earn \$?[0-9]+\S* (?:a|per) (?:day|hour|week))\b",
);

static LINKS: Pattern = Pattern::new(r"https?://|www\.");

static KEYBOARD: Pattern =
    Pattern::new(r"asdf|sdfg|dfgh|fghj|ghjk|hjkl|qwert|wert[yz]u|zxcv|xcvb|cvbn|vbnm|jkjk|lkjl");

#[cfg(test)]
pub(super) const PATTERNS: &[&Pattern] = &[
    &DECLINE,
    &BARE_NO,
    &COURTESY_ONLY,
    &THANKS_BYE_ONLY,
    &BROWSING,
    &GREETING,
    &GREETING_FILLER,
    &PROFANITY,
    &INSULT,
    &SELF_DEPRECATING,
    &SPAM,
    &LINKS,
    &KEYBOARD,
];
