//! Putting a reply together: an acknowledgement, the answer, then at most one question;
//! wording varied by the turn number, so a reply never repeats itself yet stays
//! deterministic.

/// The parts of one reply, joined in this order.
#[derive(Debug, Default)]
pub struct Say {
    ack: Option<String>,
    answer: Vec<String>,
    ask: Option<String>,
}

impl Say {
    /// A short acknowledgement of what the visitor said (the first one stays).
    pub fn ack(&mut self, text: impl Into<String>) {
        self.ack.get_or_insert_with(|| text.into());
    }

    pub fn answer(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() && !self.answer.contains(&text) {
            self.answer.push(text);
        }
    }

    /// The one thing the reply asks; a later ask replaces an earlier one.
    pub fn ask(&mut self, text: impl Into<String>) {
        self.ask = Some(text.into());
    }

    pub fn is_empty(&self) -> bool {
        self.ack.is_none() && self.answer.is_empty() && self.ask.is_none()
    }

    /// The reply's text. An acknowledgement is dropped when an answer follows it, since the
    /// answer already shows the message was read.
    pub fn text(self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(ack) = self.ack
            && self.answer.is_empty()
        {
            parts.push(ack);
        }
        parts.extend(self.answer);
        parts.extend(self.ask);
        let mut text = String::new();
        for part in parts {
            if !text.is_empty() && !part.starts_with('\n') {
                text.push(' ');
            }
            text.push_str(&part);
        }
        text.trim_start().to_owned()
    }
}

/// One of `variants`, chosen by `turn`.
pub fn vary<'a>(variants: &[&'a str], turn: u32) -> &'a str {
    variants
        .get(turn as usize % variants.len().max(1))
        .copied()
        .unwrap_or_default()
}

/// An acknowledgement of an answer the visitor gave.
pub fn noted(turn: u32) -> &'static str {
    vary(
        &["Got it.", "Thanks, that helps.", "Great, thanks.", "Noted."],
        turn,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_replaces_the_acknowledgement_and_one_question_ends_it() {
        let mut say = Say::default();
        say.ack("Thanks, Maria!");
        say.answer("Growth is $39 per seat.");
        say.ask("How many people work at Acme?");
        say.ask("What's your role there?");
        assert_eq!(
            say.text(),
            "Growth is $39 per seat. What's your role there?"
        );
        let mut say = Say::default();
        say.ack("Thanks, Maria!");
        say.ask("What's your role there?");
        assert_eq!(say.text(), "Thanks, Maria! What's your role there?");
    }

    #[test]
    fn variants_are_deterministic() {
        assert_eq!(noted(1), noted(1));
        assert_ne!(noted(1), noted(2));
    }
}
