//! Small word helpers shared by every reader: case-insensitive matching, stop words.

/// The word just before byte `at` (letters, digits, apostrophes).
pub(super) fn prev_word(text: &str, at: usize) -> &str {
    let before = text[..at].trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '\'' | '’')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

/// The first word of `text` after any leading spaces.
pub(super) fn next_word(text: &str) -> &str {
    leading_word(text.trim_start())
}

pub(super) fn leading_word(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '\'' | '’')))
        .map_or(text.len(), |(i, _)| i);
    &text[..end]
}

/// ASCII-case-insensitive word equality that also treats ’ as '.
pub(super) fn same_word(a: &str, b: &str) -> bool {
    let fold = |c: char| {
        if c == '’' {
            '\''
        } else {
            c.to_ascii_lowercase()
        }
    };
    a.chars().map(fold).eq(b.chars().map(fold))
}

pub(super) fn is_in(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| same_word(w, word))
}

pub(super) fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

pub(super) fn starts_with_ci(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

pub(super) fn starts_with_word_ci(text: &str, word: &str) -> bool {
    starts_with_ci(text, word)
        && text[word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// `phrase` in `lower` as whole words, by byte offset.
pub(super) fn find_phrase(lower: &str, phrase: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = lower[from..].find(phrase) {
        let at = from + found;
        let end = at + phrase.len();
        let open = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let close = lower[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if open && close {
            return Some(at);
        }
        from = at + phrase.chars().next().map_or(1, char::len_utf8);
    }
    None
}

pub(super) fn starts_with_phrase(text: &str, phrase: &str) -> bool {
    text.starts_with(phrase)
        && text[phrase.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

pub(super) fn truncate_chars(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(i, _)| &text[..i])
}

pub(super) fn is_stop(word: &str) -> bool {
    is_in(word, STOP_WORDS)
}

/// Common words that follow "I'm", "this is", "from", "we're" and are not a name or company.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    // pronouns, articles, determiners
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "our", "their", "his", "her",
    "its", "me", "you", "we", "they", "he", "she", "it", "us", "them", "i", "im", "i'm", "myself",
    "someone", "somebody", "anyone", "anybody", "everyone", "nobody", "everything", "nothing",
    "something", "anything", "all", "both", "each", "every", "some", "any", "no", "none", "one",
    "two", "few", "other", "another", "such",
    // prepositions, conjunctions, adverbs
    "from", "with", "at", "in", "on", "of", "for", "to", "by", "about", "into", "over", "under",
    "after", "before", "between", "through", "during", "without", "within", "near", "around",
    "and", "or", "but", "so", "because", "as", "if", "then", "than", "when", "while", "where",
    "who", "what", "how", "why", "which", "here", "there", "now", "today", "tomorrow", "yesterday",
    "tonight", "soon", "later", "again", "too", "also", "just", "only", "still", "already", "even",
    "really", "very", "quite", "pretty", "rather", "actually", "currently", "probably",
    "definitely", "certainly", "basically", "literally", "honestly", "totally", "kind", "sort",
    "bit", "little", "lot", "lots", "more", "less", "most", "much", "many", "not", "never",
    "always", "ever", "well", "maybe", "perhaps", "asap", "back", "away", "anytime", "sometime",
    "right", "next", "last",
    // replies and greetings
    "yes", "yeah", "yep", "nope", "ok", "okay", "sure", "fine", "good", "great", "nice", "cool",
    "glad", "happy", "sad", "sorry", "thanks", "thank", "please", "hi", "hello", "hey", "dear",
    "sir", "madam", "mr", "mrs", "ms", "dr", "welcome", "bye",
    // states and activities after "I'm"
    "interested", "looking", "trying", "wondering", "hoping", "planning", "thinking",
    "considering", "evaluating", "comparing", "calling", "writing", "reaching", "asking",
    "emailing", "contacting", "working", "going", "getting", "doing", "using", "running",
    "building", "selling", "buying", "searching", "shopping", "browsing", "researching",
    "exploring", "curious", "new", "based", "located", "available", "busy", "free", "ready",
    "able", "unable", "aware", "familiar", "responsible", "excited", "keen", "eager", "confused",
    "lost", "stuck", "unsure", "afraid", "worried", "concerned", "frustrated", "tired",
    "impressed", "done", "finished", "late", "early", "open", "home", "online", "offline", "alone",
    "single", "married", "part", "sold", "convinced", "certain", "serious", "small", "big",
    "large", "tiny", "growing", "remote", "local", "urgent", "important", "hungry", "fed", "bored",
    "ill", "sick", "well", "alright", "allowed", "able", "in",
    // verbs and auxiliaries
    "need", "needs", "want", "wants", "like", "likes", "love", "would", "will", "can", "could",
    "should", "might", "must", "may", "was", "were", "am", "is", "are", "be", "been", "being",
    "have", "has", "had", "do", "does", "did", "get", "got", "let", "lets", "see", "know", "think",
    "guess", "believe", "hope", "wish", "mean", "said", "told", "ask", "help", "try", "make",
    "take", "give", "use", "check", "call", "email", "contact", "reply", "wondered",
    // things people ask about
    "pricing", "price", "demo", "meeting", "interest", "question", "questions", "info",
    "information", "details", "problem", "issue", "work", "office", "job", "website", "site",
    "page", "chat", "bot", "robot", "human", "person", "guy", "girl", "man", "woman", "friend",
    "colleague", "client", "clients", "customer", "customers", "user", "users", "buyer", "member",
    "employee", "team", "company", "business", "startup", "agency", "group", "partner", "partners",
    "urgent",
    // titles (a title after "I'm" is a role, not a name)
    "owner", "founder", "cofounder", "co-founder", "ceo", "cto", "cfo", "coo", "cmo", "cro", "cio",
    "cpo", "vp", "president", "director", "manager", "head", "lead", "engineer", "developer",
    "dev", "designer", "analyst", "consultant", "freelancer", "contractor", "intern", "student",
    "assistant", "marketer", "recruiter", "admin", "boss", "chief", "senior", "junior", "software",
    "sales", "marketing", "product", "support", "it", "hr", "ops", "operations", "engineering",
    "finance", "executive",
    // days and times
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "morning",
    "afternoon", "evening", "night", "week", "month", "year", "weekend",
    // nationalities ("I'm German")
    "american", "british", "english", "german", "french", "spanish", "italian", "dutch",
    "canadian", "australian", "indian", "chinese", "japanese", "brazilian", "mexican", "irish",
    "swiss", "swedish", "polish", "european",
    // money and time words ("15.000 € im Jahr", "soy de…"), never a name or a company
    "dollar", "dollars", "bucks", "usd", "eur", "euro", "euros", "gbp", "pounds", "dólares",
    "dolares", "pesos", "libras", "jahr", "jahre", "monat", "monate", "woche", "tag", "año",
    "años", "mes", "meses", "semana", "día", "quarter", "q1", "q2", "q3", "q4",
    // Spanish and German function words, greetings and states ("soy nuevo", "ich bin hier")
    "hola", "buenas", "buenos", "gracias", "sí", "vale", "claro", "bueno", "el", "la", "los",
    "las", "un", "una", "de", "del", "y", "en", "con", "para", "por", "que", "muy", "aquí",
    "aqui", "nuevo", "nueva", "interesado", "interesada", "buscando", "mirando", "solo",
    "estudiante", "directora", "gerente", "fundador", "fundadora", "dueño", "dueña", "jefe",
    "jefa", "hallo", "guten", "danke", "bitte", "ja", "nein", "genau", "gut", "der", "die", "das",
    "ein", "eine", "einer", "einem", "einen", "eines", "dem", "den", "unserem", "meinem", "nicht", "sehr", "auch", "noch", "gerade", "hier", "aus", "von",
    "bei", "mit", "und", "oder", "aber", "für", "zu", "im", "am", "neu", "interessiert",
    "geschäftsführer", "geschäftsführerin", "gründer", "gründerin", "inhaber", "inhaberin",
    "leiter", "leiterin", "studentin", "vertrieb", "vertriebsleiter", "wir", "ich",
    // replies that are not names ("i said no", "just looking")
    "moment", "unternehmen", "sommer", "winter", "herbst", "frühjahr", "prinzip", "grunde",
    "rahmen", "voraus", "vergleich", "allgemeinen", "januar", "februar", "märz", "mai", "juni",
    "juli", "oktober", "dezember", "enero", "febrero", "marzo", "mayo", "junio", "julio",
    "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    "casa", "oficina", "remoto", "büro", "homeoffice", "hause",
    "said", "say", "says", "thx", "ty", "cheers", "nah", "yup", "fine", "meh", "hmm", "lol",
];
