//! A message as the time readers see it: lower-case words with accents folded, clock
//! punctuation kept ("10:30", "10.30"), and sentence breaks and dashes as words of their own.

use super::zones::fold;

/// Stands for a comma, full stop, question mark … between words.
pub(super) const BREAK: &str = ",";
/// Stands for a dash: "2-4pm".
pub(super) const DASH: &str = "-";

/// A chat message is short; a pasted essay is read only as far as this.
const MAX_CHARS: usize = 2000;

/// The words of `text`: "Thu, 10.30 a.m.?" → ["thu", ",", "10:30", "am", ","].
pub(super) fn words(text: &str) -> Vec<String> {
    let bounded: String = text.chars().take(MAX_CHARS).collect();
    let lower = fold(&bounded)
        .replace("a.m.", "am ")
        .replace("p.m.", "pm ")
        .replace("a.m", "am")
        .replace("p.m", "pm");
    let chars: Vec<char> = lower.chars().collect();
    let digit_at = |at: Option<usize>| {
        at.and_then(|at| chars.get(at))
            .is_some_and(char::is_ascii_digit)
    };
    let mut words = Vec::new();
    let mut word = String::new();
    for (at, &c) in chars.iter().enumerate() {
        let between_digits = digit_at(at.checked_sub(1)) && digit_at(at.checked_add(1));
        if c.is_alphanumeric() || (matches!(c, ':' | '.') && between_digits) {
            word.push(c);
            continue;
        }
        // "10.12." is a German date: its last dot belongs to it.
        if c == '.' && digit_at(at.checked_sub(1)) && word.contains('.') && !word.ends_with('.') {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        let mark = match c {
            ',' | ';' | '.' | '!' | '?' | '(' | ')' | '\n' | '¿' | '¡' => BREAK,
            '-' | '–' | '—' => DASH,
            '@' => "@",
            _ => continue,
        };
        if words.last().is_none_or(|last| last != mark) {
            words.push(mark.to_owned());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_clocks_and_mark_breaks() {
        assert_eq!(
            words("Thu, 10.30 a.m.? 2-4pm Mañana o'clock @ 10.12."),
            [
                "thu", ",", "10.30", "am", ",", "2", "-", "4pm", "manana", "o", "clock", "@",
                "10.12."
            ]
        );
        assert_eq!(
            words("Übermorgen um 15:00!!"),
            ["ubermorgen", "um", "15:00", ","]
        );
    }
}
