//! The token document: every token of the cleaned lines, plus a stream of the
//! compact characters of its text tokens that labels and captions are searched in
//! (approximately, across token borders: glued web text cuts labels anywhere).

use crate::grammar::labels::find_approx;
use crate::grammar::Common;
use crate::model::Line;
use crate::numbering;
use crate::parse::tokens::{Kind, Token, Tokenizer};
use crate::text::compact;

/// All tokens of the document plus a compact label stream over its text tokens.
pub struct TokenDoc<'a> {
    pub tokens: Vec<Token<'a>>,
    /// The cleaned lines the tokens index into.
    pub(super) lines: &'a [Line],
    pub(super) common: &'a Common,
    /// Compact characters of text tokens…
    pub(super) stream: Vec<char>,
    /// …the token each character came from…
    pub(super) owner: Vec<usize>,
    /// …and its byte offset in that token's raw text.
    pub(super) offset: Vec<usize>,
}

impl<'a> TokenDoc<'a> {
    pub fn new(lines: &'a [Line], common: &'a Common) -> Self {
        let tokenizer = Tokenizer::new(&common.cells);
        let mut tokens = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            tokenizer.line(&l.text, i, &mut tokens);
        }
        // Sized once: three vectors grown character by character were a fifth of
        // building the document.
        let chars: usize = tokens
            .iter()
            .filter(|t| t.kind == Kind::Text)
            .map(|t| t.raw.chars().count())
            .sum();
        let mut stream = Vec::with_capacity(chars);
        let mut owner = Vec::with_capacity(chars);
        let mut offset = Vec::with_capacity(chars);
        for (ti, t) in tokens.iter().enumerate() {
            if t.kind == Kind::Text {
                for (bi, c) in t.raw.char_indices() {
                    if let Some(k) = crate::text::compact_char(c) {
                        stream.push(k);
                        owner.push(ti);
                        offset.push(bi);
                    }
                }
            }
        }
        TokenDoc {
            tokens,
            lines,
            common,
            stream,
            owner,
            offset,
        }
    }

    /// Stream position of the first character of token `ti` or later.
    pub(super) fn stream_pos_of_token(&self, ti: usize) -> usize {
        self.owner.partition_point(|&o| o < ti)
    }

    /// The first and last token of the first match of `key` in tokens
    /// `[from_tok, to_tok)`, and the stream position where the match starts (a
    /// caption may sit at the end of a long token of glued prose).
    pub(super) fn find_at(
        &self,
        key: &str,
        from_tok: usize,
        to_tok: usize,
    ) -> Option<(usize, usize, usize)> {
        let key: Vec<char> = compact(key).chars().collect();
        let from = self.stream_pos_of_token(from_tok);
        let to = self.stream_pos_of_token(to_tok);
        let (s, e) = find_approx(&self.stream[..to], from, &key, 0)?;
        Some((self.owner[s], self.owner[e - 1], s))
    }
    /// The report's own words for stream range `[s, e)`, with the enumerator that
    /// precedes it in the same token (`2.`, `（一）`, `一、`).
    pub(super) fn words(&self, s: usize, e: usize) -> String {
        let (ts, te) = (self.owner[s], self.owner[e - 1]);
        let mut out = String::new();
        for ti in ts..=te {
            let t = &self.tokens[ti];
            if t.kind != Kind::Text {
                continue;
            }
            // Byte offsets: a token of crawled web text is a whole table long.
            let raw = t.raw;
            let mut from = if ti == ts { self.offset[s] } else { 0 };
            let to = if ti == te {
                let last = self.offset[e - 1];
                last + raw[last..].chars().next().map_or(0, char::len_utf8)
            } else {
                raw.len()
            };
            if ti == ts {
                if let Some(at) = numbering::trailing_enumerator(&raw[..from]) {
                    from = at;
                }
            }
            out.push_str(&raw[from..to]);
        }
        out.trim().to_string()
    }
}
