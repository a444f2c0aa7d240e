//! Cancelling or moving a meeting already booked.

use super::MeetingChange;
use super::patterns::Pattern;
use super::text::Clause;
use super::time;

/// What the message asks to do with a booked meeting. A cancel needs a meeting object or a
/// bare "cancel (it)"; "cancel my subscription" and "how do I cancel?" are not meetings.
pub(super) fn change(folded: &str, clauses: &[Clause<'_>]) -> Option<MeetingChange> {
    if clauses.iter().any(|c| cancels(c.text)) {
        return Some(MeetingChange::Cancel);
    }
    let moves = clauses.iter().any(|c| moves(c.text))
        || (CANT_MAKE_IT.is_match(folded) && !PRODUCT_QUESTION.is_match(folded));
    moves.then_some(MeetingChange::Move)
}

/// Whether a clause requests a cancel or move (so it is not a question for the notes).
pub(super) fn is_change_request(clause: &str) -> bool {
    cancels(clause) || moves(clause)
}

/// Whether a clause asks for a demo or call ("can I get a demo?", "book a call", "I'd like a
/// walkthrough"), with or without a time.
pub(super) fn wants_meeting(clause: &str) -> bool {
    !NOT_A_REQUEST.is_match(clause)
        && !PRODUCT_QUESTION.is_match(clause)
        && (REQUEST_MEETING.is_match(clause) || WANT_MEETING.is_match(clause))
}

fn cancels(clause: &str) -> bool {
    !NOT_A_REQUEST.is_match(clause)
        && !PRODUCT_QUESTION.is_match(clause)
        && (CANCEL_MEETING.is_match(clause) || CANCEL_BARE.is_match(clause))
}

fn moves(clause: &str) -> bool {
    if NOT_A_REQUEST.is_match(clause) || PRODUCT_QUESTION.is_match(clause) {
        return false;
    }
    MOVE_MEETING.is_match(clause)
        || ANOTHER_TIME.is_match(clause)
        || (MOVE_IT.is_match(clause) && time::mentions_time(clause))
        || (INSTEAD.is_match(clause) && time::mentions_time(clause))
}

/// "can I get a demo", "let's set up a call", "book a demo", "demo please".
static REQUEST_MEETING: Pattern = Pattern::new(concat!(
    r"(?:^(?:please )?|\b(?:can|could|may|i'?d like to|i would like to|i want to|i wanna|i'?d love to|we'?d like to|we want to|let'?s|lets|i need to|we need to|please|happy to|keen to|love to|like to|want to|would like to|id like to)\s+(?:i |we |you )?(?:please )?)",
    r"(?:book|schedule|set up|setup|arrange|get|have|see|grab|request|do|hop on|jump on|organize|organise)\s+",
    r"(?:a |an |the |some |me |us )?(?:in for )?(?:a |an )?(?:quick |short |live |personal |product |15[- ]?min(?:ute)? |30[- ]?min(?:ute)? |intro |discovery |sales )?(?:demo|call|meeting|walkthrough|walk-through|chat with (?:sales|someone|your team))\b",
    r"|^(?:a |quick )?(?:demo|call|meeting)(?:\s+(?:please|pls|plz))?\W*$",
    r"|\b(?:agendar|reservar|programar|quiero|quisiera) (?:una )?(?:demo|llamada|reunion|cita)\b",
    r"|\b(?:demo|termin|gesprach|call|anruf) (?:buchen|vereinbaren|ausmachen|machen)\b",
));

/// "I want a demo", "interested in a call", "ich hätte gerne eine Demo".
static WANT_MEETING: Pattern = Pattern::new(
    r"\b(?:i|we)(?: want| need| would like|'d like|'d love| would love) (?:a |an |to see a |to get a |to have a |to book a |to schedule a )?(?:quick |short |live )?(?:demo|call|meeting|walkthrough)\b|\binterested in (?:a |an )?(?:demo|call|meeting|walkthrough)\b|\b(?:hatte gerne|mochte|will|wurde gerne|(?:kann|konnen) (?:ich|wir)) (?:eine |einen )?(?:demo|termin|gesprach|call)\b|\b(?:puedo|podemos|podria|podriamos) (?:tener|agendar|reservar|hacer) (?:una )?(?:demo|llamada|reunion)\b",
);

static CANCEL_MEETING: Pattern = Pattern::new(concat!(
    r"\b(?:cancel\w*|call off|skip|drop|scrap|cancelar|cancela|cancele|anular|anula)\s+(?:\S+\s+){0,3}?(?:meeting|call|demo|booking|appointment|reservation|session|invite|invitation|chat|meet|slot|reunion|cita|llamada|termin)s?\b",
    r"|\b(?:termin|meeting|gesprach|call|demo|anruf|telefonat)\b.*\b(?:absagen|stornieren|canceln|streichen)\b",
    r"|\b(?:sage|sagen|sag)\b.*\b(?:termin|meeting|gesprach|call)\b.*\bab\b",
));

/// "cancel", "please cancel it", "I need to cancel" as the whole clause.
static CANCEL_BARE: Pattern = Pattern::new(
    r"^(?:(?:please|pls|plz|just|ok|so|then|sorry|i'?d like to|i would like to|i want to|i wanna|i need to|need to|i have to|have to|i must|we need to|we have to|we'?d like to|gotta|let'?s|lets|go ahead and|you can|can you|could you|please)\s+)*(?:cancel|cancelar|cancela|absagen|stornieren)(?:\s+(?:it|that|this|then|please|pls|plz|for now|por favor|bitte|everything|the whole thing))*$",
);

static MOVE_MEETING: Pattern = Pattern::new(concat!(
    r"\b(?:move|moving|reschedule|rescheduling|rebook|push|shift|postpone|bump|change|switch|delay|reprogramar|reprograma|cambiar|cambia|mover|verschieben|verlegen|andern)\s+(?:\S+\s+){0,3}?(?:meeting|call|demo|booking|appointment|session|reunion|cita|llamada|termin|gesprach|slot|time|date|day)s?\b",
    r"|\b(?:need|have|want|would like|'d like|like|gotta|let'?s|can we|could we|can i|could i|please|pls)\s+(?:to\s+)?(?:reschedule|rebook|postpone)\b|^(?:reschedule|rebook|postpone)\b",
    r"|\b(?:something came up|change of plans|reprogramar|verschieben)\b|\b(?:[0-9]+|an?|half an?|a few|few) (?:min|mins|minutes?|hours?|hrs?) (?:later|earlier)\b",
    r"|\b(?:termin|meeting|gesprach|call)\b.*\b(?:verschieben|verlegen|andern)\b",
));

/// "can we do another time", "a different day", "otro dia", "anderen Termin".
static ANOTHER_TIME: Pattern = Pattern::new(concat!(
    r"\b(?:can|could|shall|should|would it be possible to) (?:we|i|you) (?:do|find|pick|try|have|get|book|go for|schedule|set|make it|move it|push it)\b.{0,20}?\b(?:another|a different|different|other|a later|an earlier|later|earlier|a new|new) (?:time|day|slot|date)\b",
    r"|\b(?:need|have|want|would like|'d like) to (?:find|pick|book|get|choose|schedule) (?:another|a different|a new|new) (?:time|day|slot|date)\b",
    r"|\b(?:otro dia|otra hora|otro horario|otra fecha|anderen termin|anderer termin|anderen tag|anderer tag)\b",
));

/// "push it to friday", "move it to 3pm": counts only with a time. "Let's make it Thursday"
/// settles a time, whether or not one is booked.
static MOVE_IT: Pattern =
    Pattern::new(r"\b(?:move|push|shift|change|bump|switch)\s+(?:it|that|this|us)\b");

/// "can we do friday instead?"
static INSTEAD: Pattern = Pattern::new(r"\b(?:instead|rather|en su lugar|stattdessen)\b");

static CANT_MAKE_IT: Pattern = Pattern::new(
    r"\b(?:can'?t|cannot|cant|won'?t|wont|will not|not be able to|won'?t be able to|unable to) (?:make it|attend|join|be there)\b|\bno (?:podre|puedo) (?:ir|asistir)\b|\bkann (?:leider )?nicht (?:kommen|teilnehmen)\b",
);

/// "how do I cancel?", "can I cancel anytime?", "what's your cancellation policy?".
static NOT_A_REQUEST: Pattern = Pattern::new(
    r"^(?:how|what|when|where|why|which|is there|are there|do you|does it|does the|is it)\b|\b(?:anytime|any time|at any time|if (?:needed|necessary|something|i need)|policy|cancellation|subscription|account|plan|contract|order|trial|membership|license|renewal)\b",
);

/// Questions about what the product does ("can your bot reschedule meetings?").
static PRODUCT_QUESTION: Pattern = Pattern::new(
    r"\b(?:your|the|this) (?:bot|agent|tool|product|software|platform|app|system|widget|ai|assistant|chatbot)\b|\b(?:does it|can it|do you support|automatically|visitors?|leads?|prospects?)\b",
);

#[cfg(test)]
pub(super) const PATTERNS: &[&Pattern] = &[
    &REQUEST_MEETING,
    &WANT_MEETING,
    &CANCEL_MEETING,
    &CANCEL_BARE,
    &MOVE_MEETING,
    &ANOTHER_TIME,
    &MOVE_IT,
    &INSTEAD,
    &CANT_MAKE_IT,
    &NOT_A_REQUEST,
    &PRODUCT_QUESTION,
];
