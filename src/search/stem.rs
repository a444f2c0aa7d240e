//! English stemming with a memo of recent words. Snowball stemming was a fifth of a
//! document upload's CPU, and prose repeats a few thousand words over and over, so each
//! analyzer (tantivy clones one per indexing thread) remembers the stems it has computed,
//! behind FxHash: SipHash was 3 % of an upload's CPU. A memo serves one indexing thread or one
//! query and holds at most `MEMO_WORDS`, so words chosen to collide cost little.
//! The stems are frostem's, the same algorithm tantivy's `Stemmer` uses, so the index
//! format does not change.

use std::borrow::Cow;

use frostem::Algorithm;
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per analyzer; the memo starts over when full (about 1 MB at most).
const MEMO_WORDS: usize = 16_384;

/// The token filter: stems lowercased tokens as tantivy's English `Stemmer` does.
#[derive(Clone, Copy, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            memo: FxHashMap::default(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    memo: FxHashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.memo.len() >= MEMO_WORDS {
            self.memo.clear();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
            stemmer: frostem::Stemmer::new(Algorithm::English),
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    memo: &'a mut FxHashMap<String, String>,
    stemmer: frostem::Stemmer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.memo.get(&token.text) {
            token.text.clone_from(stem);
            return true;
        }
        let stem = match self.stemmer.stem(&token.text) {
            Cow::Owned(stem) => stem,
            Cow::Borrowed(stem) => stem.to_owned(),
        };
        let word = std::mem::replace(&mut token.text, stem.clone());
        self.memo.insert(word, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};

    use super::*;

    fn stems(mut analyzer: TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push(token.text.clone());
        }
        out
    }

    #[test]
    fn stems_as_tantivy_does_whether_remembered_or_not() {
        let text = "Shipping shipped ships; running runs generously, generous generosity. \
                    Shipping again: running again.";
        let ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let theirs = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::default())
            .build();
        let expected = stems(theirs, text);
        assert_eq!(expected[0], "ship");
        let mut analyzer = ours;
        // Twice through the same analyzer: the second pass answers from the memo.
        for _ in 0..2 {
            assert_eq!(stems(analyzer.clone(), text), expected);
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {}
        }
        assert_eq!(stems(analyzer, text), expected);
    }
}
