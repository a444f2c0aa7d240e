//! Regexes compiled once, on first use, over folded text.

use std::sync::OnceLock;

use regex::Regex;

/// A regex written over folded (lower-case, accent-free) text. `\b` means an ASCII word
/// boundary, which keeps matching on the fast DFA path.
pub(super) struct Pattern {
    source: &'static str,
    regex: OnceLock<Option<Regex>>,
}

impl Pattern {
    pub(super) const fn new(source: &'static str) -> Self {
        Self {
            source,
            regex: OnceLock::new(),
        }
    }

    fn get(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| Regex::new(&self.source.replace(r"\b", r"(?-u:\b)")).ok())
            .as_ref()
    }

    pub(super) fn is_match(&self, text: &str) -> bool {
        self.get().is_some_and(|r| r.is_match(text))
    }

    /// Byte range of the first match.
    pub(super) fn find(&self, text: &str) -> Option<(usize, usize)> {
        self.get()?.find(text).map(|m| (m.start(), m.end()))
    }

    /// The text with every match replaced by a space.
    pub(super) fn remove<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        match self.get() {
            Some(r) => r.replace_all(text, " "),
            None => std::borrow::Cow::Borrowed(text),
        }
    }

    pub(super) fn count(&self, text: &str) -> usize {
        self.get().map_or(0, |r| r.find_iter(text).count())
    }

    /// Whether the source compiles; `patterns_compile` checks every pattern with it.
    #[cfg(test)]
    pub(super) fn compiles(&self) -> bool {
        self.get().is_some()
    }

    #[cfg(test)]
    pub(super) fn source(&self) -> &'static str {
        self.source
    }
}
