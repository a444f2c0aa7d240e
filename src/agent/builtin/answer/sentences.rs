//! A passage's text as clean sentences: line breaks of PDFs and wrapped text joined,
//! whitespace collapsed, list markers dropped, and headings and lead-ins ("Everything in
//! Starter, plus:") left out, since they answer nothing on their own.

/// Fewer words than this, without a full stop, is a heading or a label, not a sentence.
const MIN_WORDS_UNPUNCTUATED: usize = 5;
/// A line this short without a full stop, followed by a capitalised line, is a heading.
const MAX_HEADING_WORDS: usize = 6;

/// A label of a labelled fact has at most this many words.
const MAX_LABEL_WORDS: usize = 4;

/// Words before a full stop that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "inc", "ltd", "st", "vs", "no", "approx", "mr", "ms", "mrs", "dr", "co",
    "corp", "u.s", "n", "jan", "feb", "mar", "apr", "aug", "sept", "oct", "nov", "dec",
];

/// One sentence of a passage, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    /// The paragraph it belongs to, so a sentence's neighbour can be told apart.
    pub paragraph: usize,
}

/// The passage's sentences; `keep_all` keeps headings and lead-ins (an FAQ answer is
/// given whole).
pub fn sentences(text: &str, keep_all: bool) -> Vec<Sentence> {
    let text = strip_question_label(text);
    let mut out = Vec::new();
    for (paragraph, unit) in units(text).into_iter().enumerate() {
        for sentence in split_sentences(&unit) {
            if keep_all || is_sentence(&sentence) {
                out.push(Sentence {
                    text: with_full_stop(sentence),
                    paragraph,
                });
            }
        }
    }
    out
}

/// The passage as one clean line: every sentence, whitespace collapsed.
pub fn normalised(text: &str) -> String {
    sentences(text, true)
        .into_iter()
        .map(|s| s.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A question/answer chunk without its answer field is read from its `A:` part.
fn strip_question_label(text: &str) -> &str {
    let trimmed = text.trim_start();
    if let Some(rest) = trimmed.strip_prefix("Q:")
        && let Some((_, answer)) = rest.split_once("\nA:")
    {
        return answer;
    }
    text
}

/// Paragraphs and list items, each joined into one line.
fn units(text: &str) -> Vec<String> {
    let mut units = Vec::new();
    for paragraph in text.split("\n\n") {
        let mut current = String::new();
        let mut current_words = 0;
        for raw in paragraph.lines() {
            let (bullet, line) = without_marker(raw.trim());
            let line = collapse(line);
            if line.is_empty() {
                continue;
            }
            let starts_upper = line.chars().next().is_some_and(char::is_uppercase);
            let breaks = current.is_empty()
                || bullet
                || ends_clause(&current)
                || (starts_upper && current_words <= MAX_HEADING_WORDS);
            if breaks {
                if !current.is_empty() {
                    units.push(std::mem::take(&mut current));
                }
                current_words = 0;
            } else if current.ends_with('-') && !starts_upper {
                // A word broken over two lines ("sign-" + "on") is joined as it was written.
            } else {
                current.push(' ');
            }
            current_words += line.split_whitespace().count();
            current.push_str(&line);
        }
        if !current.is_empty() {
            units.push(current);
        }
    }
    units
}

/// A list marker at the start of a line ("- ", "• ", "1. ", "2) ") and the rest.
fn without_marker(line: &str) -> (bool, &str) {
    for marker in ["- ", "* ", "• ", "– ", "— ", "· ", "▪ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return (true, rest.trim_start());
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return (true, rest.trim_start());
        }
    }
    (false, line)
}

fn collapse(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" | ", "; ")
        .trim_matches(|c: char| c == '|' || c.is_whitespace())
        .to_owned()
}

fn ends_clause(text: &str) -> bool {
    text.ends_with(['.', '!', '?', ':', ';'])
}

/// Splits a line at full stops that end sentences (not "e.g.", "N. Virginia", "2.0").
fn split_sentences(unit: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = unit.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let Some(&(_, after)) = chars.get(k + 1) else {
            continue;
        };
        let next = chars.get(k + 2).map(|&(_, c)| c);
        let starts_next =
            next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || "$€£\"“(".contains(n));
        if !after.is_whitespace() || !starts_next {
            continue;
        }
        if c == '.' && is_abbreviation(&unit[start..i]) {
            continue;
        }
        let end = i + c.len_utf8();
        out.push(unit[start..end].trim().to_owned());
        start = end;
    }
    let rest = unit[start..].trim();
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
    out
}

fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or_default();
    let lower = word.to_lowercase();
    (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || ABBREVIATIONS.contains(&lower.as_str())
}

/// A sentence rather than a heading, a label or a lead-in to a list.
fn is_sentence(text: &str) -> bool {
    let words = text.split_whitespace().count();
    if text.ends_with(':') {
        // "Brightline runs in two regions:" introduces its list; "Everything in Starter,
        // plus:" says nothing.
        return words >= MIN_WORDS_UNPUNCTUATED;
    }
    text.ends_with(['.', '!', '?', ')']) || words >= MIN_WORDS_UNPUNCTUATED || is_labelled(text)
}

/// A labelled fact ("Employees: about 240") says something however short it is.
pub fn is_labelled(text: &str) -> bool {
    text.split_once(": ").is_some_and(|(label, value)| {
        let label_words = label.split_whitespace().count();
        (1..=MAX_LABEL_WORDS).contains(&label_words)
            && label.starts_with(|c: char| c.is_uppercase())
            && !value.trim().is_empty()
    })
}

fn with_full_stop(mut text: String) -> String {
    if text.ends_with(';') || text.ends_with(',') {
        text.pop();
    }
    if !text.ends_with(['.', '!', '?', ':']) {
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_labelled_facts_are_sentences() {
        assert_eq!(
            texts("- Founded: 2016\n- Employees: about 240\n- Fast setup"),
            vec!["Founded: 2016.", "Employees: about 240."]
        );
    }

    fn texts(text: &str) -> Vec<String> {
        sentences(text, false).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn pdf_line_breaks_are_joined_and_headings_dropped() {
        let pdf = "Single Sign-On\nBrightline supports SAML 2.0 single sign-on with Okta,\n\
                   Microsoft Entra ID and Google Workspace. Setup takes about ten min-\nutes.\n\
                   \n\nSCIM\nUser provisioning is on Enterprise.";
        assert_eq!(
            texts(pdf),
            vec![
                "Brightline supports SAML 2.0 single sign-on with Okta, Microsoft Entra ID and Google Workspace.",
                "Setup takes about ten min-utes.",
                "User provisioning is on Enterprise.",
            ]
        );
    }

    #[test]
    fn abbreviations_and_decimals_do_not_end_sentences() {
        assert_eq!(
            texts(
                "Our US region is N. Virginia (us-east-1), e.g. for US teams. Uptime is 99.9% a month."
            ),
            vec![
                "Our US region is N. Virginia (us-east-1), e.g. for US teams.",
                "Uptime is 99.9% a month.",
            ]
        );
    }

    #[test]
    fn list_markers_and_lead_ins_go() {
        let text = "Everything in Starter, plus:\n\n- all channels: WhatsApp Business, SMS and Instagram\n\n- SAML single sign-on\n\n1. Unlimited inboxes, SLA rules and automations";
        assert_eq!(
            texts(text),
            vec![
                "all channels: WhatsApp Business, SMS and Instagram.",
                "Unlimited inboxes, SLA rules and automations.",
            ]
        );
    }

    #[test]
    fn a_question_answer_chunk_is_read_from_its_answer() {
        assert_eq!(
            texts("Q: Is there a free trial?\nA: Yes. It lasts 14 days."),
            vec!["Yes.", "It lasts 14 days."]
        );
        assert_eq!(
            normalised("Yes.\n\nIt   lasts\n14 days"),
            "Yes. It lasts 14 days."
        );
    }
}
