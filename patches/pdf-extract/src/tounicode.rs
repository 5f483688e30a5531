//! A fast reader for ToUnicode CMaps (`beginbfchar` / `beginbfrange`).
//!
//! adobe-cmap-parser (on pom) is correct but slow: every failed alternative
//! of its grammar builds an error string, and a document's fonts are parsed
//! with it once each. This reader accepts only the plain subset of the syntax
//! that real ToUnicode CMaps use and yields exactly the map
//! `adobe_cmap_parser::get_unicode_map` yields for it. On anything outside
//! that subset, or on input where adobe-cmap-parser would fail or stop early,
//! it returns `None` and the caller uses adobe-cmap-parser, so results never
//! differ.

use std::collections::HashMap;
use std::convert::TryFrom;

/// A bfrange longer than this is refused: a code space has at most 2^16
/// two-byte codes, and a hostile range of 2^32 codes would take minutes and
/// gigabytes to expand.
pub const MAX_BFRANGE_LEN: u64 = 1 << 16;

/// A token, as adobe-cmap-parser's lexer produces it (only what the map
/// builder looks at is kept).
#[derive(Debug, PartialEq)]
enum Token {
    Integer(i64),
    /// A hex string; literal strings are [`Token::Other`] (their bytes are
    /// never used as codes by the map builder unless they stand where a hex
    /// string is expected, which is sent to the fallback).
    Hex(Vec<u8>),
    Array(Vec<Token>),
    Operator(Vec<u8>),
    Other,
}

/// Why the fast reader gave up.
#[derive(Debug, PartialEq)]
pub enum Unsupported {
    /// Outside the subset: use adobe-cmap-parser.
    Syntax,
    /// A bfrange longer than [`MAX_BFRANGE_LEN`].
    RangeTooLong,
}

/// The code → UTF-16BE bytes map of a ToUnicode CMap.
pub fn unicode_map(input: &[u8]) -> Result<HashMap<u32, Vec<u8>>, Unsupported> {
    let tokens = Lexer { input, pos: 0 }.file()?;
    build(&tokens)
}

struct Lexer<'a> {
    input: &'a [u8],
    pos: usize,
}

/// pom's `multispace`: what `content_space` skips after a value.
fn is_content_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// What `space` skips inside arrays, dictionaries and hex strings.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\0' | b'\x0C')
}

fn is_name_byte(b: u8) -> bool {
    !matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' | b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%' | b'#'
    )
}

fn hex_value(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn skip(&mut self, pred: fn(u8) -> bool) {
        while self.peek().is_some_and(pred) {
            self.pos += 1;
        }
    }

    /// `(comment* content_space value)+` to the end of the input. The
    /// original stops silently at the first value it cannot read; here any
    /// such stop sends the input to the fallback.
    fn file(mut self) -> Result<Vec<Token>, Unsupported> {
        let mut tokens = Vec::new();
        loop {
            while self.peek() == Some(b'%') {
                let rest = &self.input[self.pos..];
                let eol = rest.iter().position(|&b| b == b'\r' || b == b'\n').ok_or(Unsupported::Syntax)?;
                self.pos += eol + 1;
                if rest[eol] == b'\r' && self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
            }
            self.skip(is_content_space);
            if self.pos == self.input.len() {
                return if tokens.is_empty() { Err(Unsupported::Syntax) } else { Ok(tokens) };
            }
            tokens.push(self.value()?);
        }
    }

    /// One value and the content space after it.
    fn value(&mut self) -> Result<Token, Unsupported> {
        let b = self.peek().ok_or(Unsupported::Syntax)?;
        let token = match b {
            b'0'..=b'9' | b'+' | b'-' => self.integer()?,
            b'/' => {
                self.pos += 1;
                self.skip(is_name_byte);
                if self.peek() == Some(b'#') {
                    return Err(Unsupported::Syntax);
                }
                Token::Other
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'*' | b'\'' | b'"' => {
                let start = self.pos;
                self.skip(|b| b.is_ascii_alphabetic() || matches!(b, b'*' | b'\'' | b'"'));
                let word = &self.input[start..self.pos];
                // `true…`/`false…` are read as booleans first by the original.
                if word.starts_with(b"true") || word.starts_with(b"false") {
                    return Err(Unsupported::Syntax);
                }
                Token::Operator(word.to_vec())
            }
            b'(' => {
                self.pos += 1;
                self.skip(|b| !matches!(b, b'(' | b')' | b'\\'));
                if self.peek() != Some(b')') {
                    return Err(Unsupported::Syntax);
                }
                self.pos += 1;
                Token::Other
            }
            b'<' if self.input.get(self.pos + 1) == Some(&b'<') => self.dictionary()?,
            b'<' => self.hex()?,
            b'[' => {
                self.pos += 1;
                self.skip(is_space);
                let mut items = Vec::new();
                while self.peek() != Some(b']') {
                    items.push(self.value()?);
                }
                self.pos += 1;
                Token::Array(items)
            }
            _ => return Err(Unsupported::Syntax),
        };
        self.skip(is_content_space);
        Ok(token)
    }

    fn integer(&mut self) -> Result<Token, Unsupported> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        let digits = self.pos;
        self.skip(|b| b.is_ascii_digit());
        // Reals and lone signs are lexed differently by the original.
        if self.pos == digits || self.peek() == Some(b'.') {
            return Err(Unsupported::Syntax);
        }
        let text = std::str::from_utf8(&self.input[start..self.pos]).map_err(|_| Unsupported::Syntax)?;
        text.parse().map(Token::Integer).map_err(|_| Unsupported::Syntax)
    }

    /// `<` (space hex-pair)* space `>`.
    fn hex(&mut self) -> Result<Token, Unsupported> {
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            self.skip(is_space);
            match self.peek() {
                Some(b'>') => {
                    self.pos += 1;
                    return Ok(Token::Hex(bytes));
                }
                Some(hi) => {
                    let lo = self.input.get(self.pos + 1).copied().and_then(hex_value);
                    let (Some(hi), Some(lo)) = (hex_value(hi), lo) else {
                        return Err(Unsupported::Syntax);
                    };
                    bytes.push(hi << 4 | lo);
                    self.pos += 2;
                }
                None => return Err(Unsupported::Syntax),
            }
        }
    }

    /// `<<` space (name space value)* `>>`.
    fn dictionary(&mut self) -> Result<Token, Unsupported> {
        self.pos += 2;
        self.skip(is_space);
        loop {
            match self.peek() {
                Some(b'>') if self.input.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return Ok(Token::Other);
                }
                Some(b'/') => {
                    self.pos += 1;
                    self.skip(is_name_byte);
                    if self.peek() == Some(b'#') {
                        return Err(Unsupported::Syntax);
                    }
                    self.skip(is_space);
                    self.value()?;
                }
                _ => return Err(Unsupported::Syntax),
            }
        }
    }
}

fn as_code(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |code, &b| (code << 8) | b as u32)
}

/// `adobe_cmap_parser::get_unicode_map` over the tokens; every case where it
/// returns an error or panics is [`Unsupported::Syntax`] (the fallback then
/// does what it always did).
fn build(tokens: &[Token]) -> Result<HashMap<u32, Vec<u8>>, Unsupported> {
    let hex = |i: usize| match tokens.get(i) {
        Some(Token::Hex(s)) => Ok(s),
        _ => Err(Unsupported::Syntax),
    };
    let mut map = HashMap::new();
    let mut i = 0;
    while i < tokens.len() {
        let Token::Operator(op) = &tokens[i] else {
            i += 1;
            continue;
        };
        let is_char = op.as_slice() == b"beginbfchar";
        if !is_char && op.as_slice() != b"beginbfrange" {
            i += 1;
            continue;
        }
        let count = match i.checked_sub(1).map(|j| &tokens[j]) {
            Some(Token::Integer(c)) => *c,
            _ => return Err(Unsupported::Syntax),
        };
        i += 1;
        for _ in 0..count {
            if is_char {
                let code = as_code(hex(i)?);
                map.insert(code, hex(i + 1)?.clone());
                i += 2;
                continue;
            }
            let lower = as_code(hex(i)?);
            let upper = as_code(hex(i + 1)?);
            let too_long = upper >= lower && u64::from(upper - lower) >= MAX_BFRANGE_LEN;
            match tokens.get(i + 2) {
                Some(Token::Hex(_)) if too_long => return Err(Unsupported::RangeTooLong),
                Some(Token::Hex(start)) if start.len() == 4 => {
                    let val = as_code(start);
                    for c in lower..=upper {
                        let code = val.checked_add(c - lower).ok_or(Unsupported::Syntax)?;
                        map.insert(c, code.to_be_bytes().to_vec());
                    }
                }
                Some(Token::Hex(start)) if start.len() == 2 => {
                    let val = as_code(start) as u16;
                    for c in lower..=upper {
                        let step = u16::try_from(c - lower).map_err(|_| Unsupported::Syntax)?;
                        let code = val.checked_add(step).ok_or(Unsupported::Syntax)?;
                        map.insert(c, code.to_be_bytes().to_vec());
                    }
                }
                Some(Token::Array(codes)) => {
                    if upper < lower || (upper - lower) as usize + 1 != codes.len() {
                        return Err(Unsupported::Syntax);
                    }
                    for (c, s) in (lower..=upper).zip(codes) {
                        let Token::Hex(s) = s else { return Err(Unsupported::Syntax) };
                        map.insert(c, s.clone());
                    }
                }
                _ => return Err(Unsupported::Syntax),
            }
            i += 3;
        }
        i += 1;
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMAP: &[u8] = b"%!PS-Adobe-3.0 Resource-CMap\n/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n2 beginbfchar\n<0003> <0020>\n<01F6> <4E00>\nendbfchar\n2 beginbfrange\n<0010> <0012> <0030>\n<0020> <0021> [<0041> <D835DC00>]\nendbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

    #[test]
    fn same_map_as_adobe_cmap_parser() {
        let ours = unicode_map(CMAP).unwrap();
        let theirs = adobe_cmap_parser::get_unicode_map(CMAP).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours[&0x01F6], vec![0x4E, 0x00]);
        assert_eq!(ours[&0x0012], vec![0x00, 0x32]);
        assert_eq!(ours.len(), 7);
    }

    #[test]
    fn odd_syntax_goes_to_the_fallback() {
        for bad in [&b"1 beginbfchar <01> <0041 endbfchar"[..], b"1.5 x", b"<0 1>", b"/A#20", b"(a\\)b)", b"%no newline"] {
            assert_eq!(unicode_map(bad), Err(Unsupported::Syntax), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn huge_range_is_refused() {
        let cmap = b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange";
        assert_eq!(unicode_map(cmap), Err(Unsupported::RangeTooLong));
    }
}
