//! Asking for a human instead of the bot.

use super::patterns::Pattern;

/// Whether the clause asks to talk to a person, or whether the agent is one. Questions about
/// the product's own hand-off ("can the bot transfer to a human?") do not count.
pub(super) fn asks_for_person(clause: &str) -> bool {
    if ABOUT_THE_PRODUCT.is_match(clause) {
        return false;
    }
    let asked = TALK_TO.is_match(clause)
        || CONNECT_ME.is_match(clause)
        || BARE.is_match(clause)
        || CALL_ME.is_match(clause);
    // "are you a bot?" alone is a question to answer, not a request for someone else.
    asked
        || (!asks_if_bot(clause)
            && (ANYONE_THERE.is_match(clause) || SPANISH_GERMAN.is_match(clause)))
}

/// Whether the clause asks if the agent is a bot or a person ("is this a bot?", "are you
/// human?", "¿eres un bot?"), a question the agent answers itself.
pub(super) fn asks_if_bot(clause: &str) -> bool {
    ARE_YOU_A_BOT.is_match(clause)
}

/// "can I talk to a human", "I'd like to speak with someone", "let me talk to sales".
static TALK_TO: Pattern = Pattern::new(concat!(
    r"(?:^|\b(?:i|we|me|us|let me|lemme|can i|could i|may i|can we|could we|i'?d like to|i would like to|i want to|i wanna|i need to|we'?d like to|want to|wanna|like to|need to|prefer to|rather)\s+)",
    r"(?:please\s+)?(?:talk|speak|chat|get in touch|be put in touch|be connected|get connected|get through|connect|have a word)\s+(?:to|with)\s+",
    r"(?:a |an |the |some |one of your |your |someone from |somebody from |someone in |somebody in )?(?:real |actual |live |human |sales |proper )?",
    r"(?:human|humans|person|people|someone|somebody|anyone|anybody|rep|reps|representative|salesperson|sales ?person|sales ?rep|sales ?team|sales|agent|operator|staff|team member|manager|founder|employee|consultant|advisor|account executive|sdr|team|support)\b",
));

/// "connect me with sales", "transfer me", "put me through to someone"; "pass me the CMO's
/// email" asks for an address, not a conversation.
static CONNECT_ME: Pattern = Pattern::new(
    r"\b(?:connect|transfer|escalate)\s+me\b|\b(?:put|pass|forward|hand|route)\s+me\s+(?:to|through|on|over|along)\b|\bget me (?:a |to a |to )?(?:human|person|real person|someone|somebody|rep|salesperson|sales|agent|manager)\b",
);

/// "is this a bot?", "am I talking to a real person?", "are you human?", "¿eres un bot?".
static ARE_YOU_A_BOT: Pattern = Pattern::new(concat!(
    r"\b(?:is this|is that|is it|am i (?:talking|speaking|chatting) (?:to|with)|are you|r u|ru|are u|you are|you'?re)\s+(?:a |an |just a |just an |actually a |really a )?(?:real |live |actual )?",
    r"(?:bot|robot|machine|ai|computer|chatbot|chat bot|human|person|real|live person|actual person|human being)(?:\s+or\s+(?:a |an )?(?:real )?\w+)?(?:\s+(?:right|lol|then|tho|though|too))?\s*$",
    r"|\b(?:eres|es esto|esto es|hablo con) (?:un |una )?(?:bot|robot|humano|persona real|persona|maquina|ia)\b",
    r"|\b(?:bist du|ist das|sind sie) (?:ein |eine )?(?:bot|roboter|mensch|ki|maschine|echter mensch)\b",
));

/// "is anyone there?", "is there a real person I can talk to?".
static ANYONE_THERE: Pattern = Pattern::new(concat!(
    r"\bis (?:there|anyone|anybody|someone|somebody) (?:a |an )?(?:real |actual |live )?(?:human|person|people)?\s*(?:there|here|on the other end|i can talk to|to talk to|available)\b",
    r"|\b(?:real|actual|live) (?:human|person|people)\b",
));

/// "human please", "agent!", "operator".
static BARE: Pattern = Pattern::new(
    r"^(?:a |an )?(?:human|real person|real human|live person|live agent|human agent|agent|operator|representative|real people)(?:\s+(?:please|pls|plz|now|asap))*\W*$",
);

/// "can someone call me?", "have a rep contact me", "I want a human".
static CALL_ME: Pattern = Pattern::new(concat!(
    r"\b(?:can|could|would|will|have|get|please have|please ask) (?:someone|somebody|a person|a human|a rep|a real person|sales|your sales team|your team|one of your reps|a salesperson|a sales rep)\s+(?:please\s+)?(?:call|contact|email|reach out|get in touch|get back|phone|ring)\b",
    r"|\b(?:please call me|call me back|(?:can|could|would) (?:you|someone|somebody) (?:please )?call me|rufen sie mich (?:bitte )?an|ruf mich (?:bitte )?an|llamame|me pueden llamar|pueden llamarme)\b",
    r"|\b(?:i|we) (?:want|need|would like|'d like|prefer) (?:a |an |to talk to a )?(?:human|real person|person|rep|salesperson|sales rep|human being)\s*(?:$|[,.!?]|please\b|pls\b|now\b|instead\b|not a bot)",
));

static SPANISH_GERMAN: Pattern = Pattern::new(concat!(
    r"\bhablar con (?:una |un |alguna |algun |el |la )?(?:persona|humano|alguien|agente|asesor|asesora|comercial|vendedor|ventas|equipo|representante)\b",
    r"|\bpersona real\b",
    r"|\bmit (?:einem |einer |jemandem|dem |der |echten )?(?:menschen|mensch|person|mitarbeiter|mitarbeiterin|berater|beraterin|vertrieb|jemandem|echten menschen)\b.*\b(?:sprechen|reden|verbinden|telefonieren|chatten)\b",
    r"|\becht(?:er|en)? mensch",
));

/// The product's own hand-off features, asked about by a buyer.
static ABOUT_THE_PRODUCT: Pattern = Pattern::new(
    r"\b(?:can|does|will|could|do|would) (?:the|your|it|this|visitors?|leads?|customers?|users?|prospects?|my (?:visitors|customers|leads)) ?(?:bot|agent|ai|tool|widget|chatbot|assistant|product)?\s*(?:\w+\s+)?(?:hand ?off|handover|escalat\w*|transfer\w*|route|forward|pass|connect|talk|speak|chat)\b|\b(?:hand-?off|human in the loop|live chat feature|escalation)\b|\b(?:our|my) (?:visitors|customers|users|leads|prospects|team|reps)\b",
);

#[cfg(test)]
pub(super) const PATTERNS: &[&Pattern] = &[
    &TALK_TO,
    &CONNECT_ME,
    &ARE_YOU_A_BOT,
    &ANYONE_THERE,
    &BARE,
    &CALL_ME,
    &SPANISH_GERMAN,
    &ABOUT_THE_PRODUCT,
];
