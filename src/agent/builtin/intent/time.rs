//! Whether a clause names a day or time for the meeting. Only detects: the full reading of
//! the time is the scheduling parser's job.

use super::patterns::Pattern;
use super::text::{self, Clause};

/// Whether the folded text contains a day or time word ("good morning" and "guten Morgen"
/// are greetings, not times).
pub(super) fn mentions_time(folded: &str) -> bool {
    if !GREETING_TIME.is_match(folded) {
        return TIME_WORD.is_match(folded);
    }
    // Greetings hide their time word; anything else still counts.
    let mut rest = folded;
    while let Some((start, end)) = GREETING_TIME.find(rest) {
        if TIME_WORD.is_match(&rest[..start]) {
            return true;
        }
        rest = &rest[end..];
    }
    TIME_WORD.is_match(rest)
}

/// A time word in a clause that is not about being unavailable, a deadline or a goodbye.
pub(super) fn names_time_plainly(text: &str) -> bool {
    mentions_time(text) && !VETO.is_match(text)
}

/// Whether the whole message is about meeting (call, demo, availability), so a longer
/// statement with a time word is a proposal rather than a buying timeline.
pub(super) fn about_meeting(folded: &str) -> bool {
    MEETING_WORD.is_match(folded)
}

/// Whether a clause proposes a meeting time: it names one, is not vetoed (unavailable,
/// deadline, go-live, goodbye, cancel), and is either a proposal frame ("how about", "could we
/// do", "is … free"), a statement in a message about meeting, or a short reply.
pub(super) fn is_proposal(clause: &Clause<'_>, about_meeting: bool) -> bool {
    let text = text::strip_openers(clause.text);
    if !mentions_time(text) || VETO.is_match(text) {
        return false;
    }
    if REQUEST_FRAME.is_match(text) || STARTS_WITH_TIME.is_match(text) {
        return true;
    }
    if let Some((_, end)) = TIME_FRAME.find(text) {
        return time_soon_after(&text[end..]);
    }
    let plain = Clause {
        text,
        question: false,
        joined: clause.joined,
    };
    if text::is_asking(&plain) {
        return false;
    }
    // "thursdy at 2pm?": a short time with a '?' asks whether it suits.
    if clause.question {
        return text::words(text).count() <= 4;
    }
    // "we use a competitor today" says what the visitor does; a short time alone proposes.
    STATEMENT_FRAME.is_match(text)
        || about_meeting
        || (text::words(text).count() <= 6 && !SUBJECT.is_match(text))
}

/// A time word within the next three words: "is [friday 10am] free", "would [the 3pm] work".
fn time_soon_after(rest: &str) -> bool {
    let rest = rest.trim_start();
    let mut end = rest.len();
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in rest.char_indices() {
        if !c.is_whitespace() {
            in_word = true;
            continue;
        }
        if in_word {
            words += 1;
            if words == 3 {
                end = i;
                break;
            }
        }
        in_word = false;
    }
    mentions_time(&rest[..end])
}

/// Weekdays (with common typos), relative days, parts of the day, clock times and dates, in
/// English, Spanish and German.
static TIME_WORD: Pattern = Pattern::new(concat!(
    r"\b(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|tue|tues|thu|thur|thurs|fri",
    r"|thursdy|wednesdy|wensday|wednsday|wendesday|wedensday|thrusday|thurday|thursay|tuseday|teusday|tuesdy|firday|fridy|mondy|mondey",
    r"|today|tonight|tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2morrow|day after tomorrow",
    r"|morning|mornings|afternoon|afternoons|evening|noon|midday|lunchtime|lunch time",
    r"|(?:next|this|later this|early next|end of (?:the |this )?|the following|following|coming) week",
    r"|lunes|martes|miercoles|jueves|viernes|sabado|domingo|hoy|manana|pasado manana|la semana que viene|proxima semana|semana proxima|por la tarde|esta tarde|mediodia",
    r"|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|heute|morgen|ubermorgen|nachste woche|kommende woche|diese woche|vormittag|vormittags|nachmittag|nachmittags|morgens|abends|mittags",
    r"|[0-9]{1,2}(?::[0-9]{2})?(?:\s?(?:am|pm)|a|p)|[0-9]{1,2}:[0-9]{2}|[0-9]{1,2}h[0-9]{2}|[0-9]{1,2}\s?(?:uhr|o'?clock|oclock)",
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? [0-9]{1,2}(?:st|nd|rd|th)?",
    r"|[0-9]{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*",
    r"|the [0-9]{1,2}(?:st|nd|rd|th)",
    r")\b",
    r"|\b(?:at|around|um|a las|alle|gegen|ab|after|before)\s+(?:1[0-9]|2[0-3]|0?[1-9])(?:[:.][0-5][0-9])?\s*(?:ish)?\s*(?:$|[?.!,;)]|(?:my|your) time\b|(?:cet|cest|est|edt|et|pst|pdt|pt|cst|cdt|ct|gmt|utc|bst|ist)\b|(?:on|tomorrow|today|then|or|works|is|please|pls|tmrw)\b)",
));

/// Greetings and goodbyes that contain a time word.
static GREETING_TIME: Pattern = Pattern::new(
    r"\b(?:good|nice|great|lovely|guten|schonen|schoenen|buenos|buenas|have a|enjoy your|enjoy the|rest of your|rest of the) (?:nice |good |great |lovely )?(?:morning|afternoon|evening|night|day|week|weekend|tag|morgen|abend|dias|tardes|noches)\b",
);

/// Clauses that mention a time for another reason.
static VETO: Pattern = Pattern::new(concat!(
    r"\b(?:can'?t|cannot|cant|can not|won'?t|wont|not|busy|busiest|out of (?:the )?office|i'?m out|we'?re out|off|away|holiday|holidays|vacation|travell?ing|unavailable|sick|closed|except|besides|other than|bad|tough|difficult|doesn'?t|does not|no good|no puedo|no podemos|imposible|nicht|keine zeit|leider",
    r"|go live|going live|goes live|launch\w*|roll ?out|rolling out|deploy\w*|implement\w*|migrat\w*|start using|switch(?:ing)? over|purchase|buy|buying|contract|renew\w*|deadline|budget|invoice|billing|hiring|onboard\w*|expir\w*|due|ended|(?:trial|contract|subscription|plan|quarter) ends?|start(?:ing)? (?:the |a |our )?(?:trial|pilot|subscription|contract|project|rollout)|started|yesterday|last (?:mon|tue|wed|thu|fri|sat|sun)\w*|last week|ago",
    r"|see (?:you|ya)|talk (?:to you )?(?:then|soon)|bye|cancel\w*|support hours|office hours|opening hours|business hours|are you open|24/7|respond|response time|reply within",
    r")\b",
    r"|\bby (?:the )?(?:end of (?:the )?)?(?:next |this )?(?:mon|tue|wed|thu|fri|tomorrow|today|week|month|eod|eow)",
));

/// Question frames whose subject is the time: "is [friday 10am] free", "how about [tomorrow]".
static TIME_FRAME: Pattern = Pattern::new(
    r"^(?:how about|what about|how'?s|how does|how is|is|does|would|will|could|can|maybe|perhaps|possibly|or|any chance(?: of)?|say|que tal|y el|y la|el|la|passt|geht|ginge|ware|wie ware es mit|wie wars mit|wie sieht es mit|und|oder)\b",
);

/// Requests to meet at a time: "could we do", "can we meet", "are you free", "do you have
/// time", "podemos", "können wir".
static REQUEST_FRAME: Pattern = Pattern::new(concat!(
    r"^(?:(?:can|could|shall|should|may|might|would it be possible to|is it possible to|would you be able to|are you able to|let'?s|lets) (?:we |i |you |u )?",
    r"(?:meet|do|talk|chat|speak|hop|jump|get together|have|book|schedule|grab|set up|setup|make it|call|connect|go with|go for|try|say|move|push|reschedule|change|switch|find|catch up|sync|arrange|organize|squeeze|start|begin)\b",
    r"|(?:are|r) (?:you|u|ya) (?:free|available|around)\b",
    r"|(?:do|does) (?:you|u|your team|the team) have (?:time|availability|a slot|slots|any slots|anything|space|room|an opening|openings|a minute)\b",
    r"|(?:is|are) there (?:a |any )?(?:slot|slots|time|availability|opening|openings|space)\b",
    r"|(?:podemos|podriamos|puede ser|podria ser|seria posible|es posible|te parece bien|le parece bien|quedamos|te va bien|le va bien|te viene bien|le viene bien|konnen wir|konnten wir|hast du zeit|haben sie zeit|habt ihr zeit|passt (?:es|dir|ihnen|euch)|geht (?:es|das))\b",
    r")",
));

/// Clauses that open with the time itself: "tomorrow at 3?", "thursday?".
static STARTS_WITH_TIME: Pattern = Pattern::new(concat!(
    r"^(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tue|tues|thu|thurs|fri|today|tonight|tomorrow|tmrw|next week|this week|lunes|martes|miercoles|jueves|viernes|hoy|manana|montag|dienstag|mittwoch|donnerstag|freitag|heute|morgen|ubermorgen)\b",
    r"|[0-9]{1,2}(?::[0-9]{2})?\s?(?:am|pm)\b|[0-9]{1,2}:[0-9]{2}\b)",
));

/// Whether a clause only asks whether the time just proposed suits: "would that work?",
/// "¿puede ser?", "geht das?". Beside a proposal it asks nothing for the notes.
pub(super) fn is_confirm_tag(text: &str) -> bool {
    CONFIRM_TAG.is_match(text::strip_openers(text))
}

static CONFIRM_TAG: Pattern = Pattern::new(concat!(
    r"^(?:(?:would|does|will|could|can|might) (?:that|this|it) (?:work|be ok|be okay|be possible|be fine|suit you|suit)|(?:is|would) (?:that|this|it) (?:be )?(?:ok|okay|possible|fine|alright|free)",
    r"|ok|okay|possible|puede ser|podria ser|es posible|seria posible|te va bien|le va bien|(?:te|le) parece(?: bien)?|te viene bien|le viene bien|vale|si|geht das|passt das|ginge das|ist das moglich|ware das moglich|geht es|passt es)",
    r"(?: (?:for you|with you|on your end|on your side|para ti|para usted|fur sie|fur dich|fur euch))?$",
));

/// Statements that offer a time: "I'm free", "works for me", "let's", "I'd prefer".
static STATEMENT_FRAME: Pattern = Pattern::new(
    r"^(?:(?:i'?m|i am|we'?re|we are|i'?ll be|we'?ll be|i should be) (?:free|available|around|open)|(?:i|we) (?:can|could) (?:do|make|meet|talk|chat)|works for me|let'?s|lets|i'?d prefer|i prefer|prefer|ideally|preferably|book me|schedule (?:me|us|it)|put me down|i'?ll take|i'?d like|we'?d like|i want|we want)\b",
);

/// A subject that makes a clause a statement about the visitor.
static SUBJECT: Pattern =
    Pattern::new(r"\b(?:we|i|i'?m|we'?re|they|they'?re|he|she|it'?s|our|wir|ich|nosotros|yo)\b");

/// Words that make a message about meeting rather than buying.
static MEETING_WORD: Pattern = Pattern::new(concat!(
    r"\b(?:meet|meeting|call|demo|chat|talk|speak|book|booking|schedule|slot|slots|available|availability|calendar|zoom|teams|google meet|hop on|jump on|appointment|session|walkthrough|suit|suits",
    r"|(?:i'?m|we'?re|are you|r u|is it|be) free|free (?:on|at|for a|tomorrow|today|this|next|after|before|in the)|works for (?:me|you|us)|that works|work for (?:me|you|us)",
    r"|reunion|llamada|cita|reunirnos|hablar|termin|treffen|gesprach|anruf|telefonat|passt|geht)\b",
));

#[cfg(test)]
pub(super) const PATTERNS: &[&Pattern] = &[
    &TIME_WORD,
    &GREETING_TIME,
    &VETO,
    &TIME_FRAME,
    &REQUEST_FRAME,
    &STARTS_WITH_TIME,
    &STATEMENT_FRAME,
    &SUBJECT,
    &MEETING_WORD,
    &CONFIRM_TAG,
];
