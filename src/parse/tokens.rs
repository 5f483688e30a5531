//! Table tokenisation: lines → text, number and blank tokens with their positions.
//!
//! A line with cell separators (tabs, `|`, runs of two or more spaces) is split into
//! cells; a cell that mixes words and digits without a space (`数据1`) stays text.
//! A line without separators is web text whose cell borders were lost: words and
//! digit runs are told apart character by character, and a digit followed by `.`,
//! `．` or `、` and a word is an enumerator (`0000000` + `2.其他法律…`).

use crate::grammar::CellTokens;
use crate::text::norm_char;

/// Text longer than this (characters) is not a row label but a sentence, or web
/// text whose cell borders were lost: the longest row label of either official
/// template is 37 characters (2021's 申请人逾期未按收费通知…). The table stage
/// ends a table at such text after its numbers.
pub const MAX_LABEL_CHARS: usize = 40;

/// A run of spaces at least this wide (display columns) separates cells; one
/// space is a word gap inside a cell (`法人或其他组织 小计`).
const MIN_SEPARATOR_WIDTH: usize = 2;

/// Digits after a thousands separator (`7,730`): a comma followed by any other
/// count is a list or a typo, not a number.
const THOUSANDS_GROUP_DIGITS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Num,
    Blank,
}

/// A token of one cleaned line.
///
/// `raw` borrows the line: a report has thousands of tokens, and a `String` each
/// was a fifth of the tokenizer's time in allocation alone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Token<'a> {
    pub kind: Kind,
    /// As printed (trimmed): a slice of the line.
    pub raw: &'a str,
    /// Index of the line in the cleaned document.
    pub line: usize,
    /// Display columns (CJK = 2) of the token's extent on its line.
    pub col: usize,
    pub col_end: usize,
    /// The same extent counted in characters: `pdftotext -layout` and the PDF
    /// engine align columns by character count, editors by display width.
    pub ccol: usize,
    pub ccol_end: usize,
    /// A number run whose cell borders were lost (glued web text); its digits may
    /// hold several values.
    pub glued: bool,
}

/// A parsed number cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// Canonical: ASCII digits, optional leading `-`, optional `.`.
    pub value: String,
    pub unit: String,
}

/// Splits `+`/`-` off the front and a unit (`万元`, `件` …) off the end of a cell.
pub fn split_sign_unit<'a>(s: &'a str, units: &[String]) -> (Option<char>, &'a str, String) {
    let mut body = s;
    let mut unit = String::new();
    for u in units {
        if let Some(b) = body.strip_suffix(u.as_str()) {
            body = b;
            unit = u.clone();
            break;
        }
    }
    match body.chars().next() {
        Some(c @ ('+' | '-')) => (Some(c), &body[1..], unit),
        _ => (None, body, unit),
    }
}

/// What the cheap look at a cell decides without normalising it.
enum Quick {
    /// Not a number.
    No,
    /// Plain ASCII digits without a unit: the number is the cell itself.
    Digits,
    /// Needs the general reading.
    Unsure,
}

/// Most cells are text or plain digits: decides those without building the
/// normalised copy (the answers are those of the general reading in
/// [`parse_number`]).
fn quick_number(raw: &str, units: &[String]) -> Quick {
    let first = raw.chars().map(norm_char).find(|c| !c.is_whitespace());
    if !first.is_some_and(|c| c.is_ascii_digit() || c == '+' || c == '-') {
        return Quick::No;
    }
    if raw.bytes().all(|b| b.is_ascii_digit()) && !units.iter().any(|u| raw.ends_with(u.as_str())) {
        return Quick::Digits;
    }
    Quick::Unsure
}

/// Whether a printed cell reads as a number ([`parse_number`] without building it).
pub fn is_number(raw: &str, units: &[String]) -> bool {
    match quick_number(raw, units) {
        Quick::No => false,
        Quick::Digits => true,
        Quick::Unsure => parse_number(raw, units).is_some(),
    }
}

/// Parses a printed cell as a number: sign, thousands separators and a unit allowed.
pub fn parse_number(raw: &str, units: &[String]) -> Option<Number> {
    match quick_number(raw, units) {
        Quick::No => return None,
        Quick::Digits => {
            return Some(Number {
                value: raw.to_string(),
                unit: String::new(),
            })
        }
        Quick::Unsure => {}
    }
    // A character that is neither a digit, a sign nor a separator may only be
    // part of the unit at the end: one with more characters after it than the
    // longest unit has stays in the body, which is no number. This rejects a
    // cell of crawled text (a whole table, opening with a digit) at its first
    // word instead of normalising all of it.
    let longest_unit = units.iter().map(|u| u.chars().count()).max().unwrap_or(0);
    let mut normalized = raw.chars().map(norm_char).filter(|c| !c.is_whitespace());
    if normalized
        .position(|c| !matches!(c, '0'..='9' | '+' | '-' | '.' | ','))
        .is_some()
        && normalized.take(longest_unit).count() == longest_unit
    {
        return None;
    }
    let s: String = raw
        .chars()
        .map(norm_char)
        .filter(|c| !c.is_whitespace())
        .collect();
    let (sign, digits, unit) = split_sign_unit(&s, units);
    let neg = sign == Some('-');
    if digits.is_empty() || !digits.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let mut seen_dot = false;
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        match c {
            '0'..='9' => out.push(c),
            ',' => {
                // A thousands separator must be followed by exactly three digits.
                let rest = digits
                    .chars()
                    .skip(i + 1)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                if seen_dot || rest != THOUSANDS_GROUP_DIGITS {
                    return None;
                }
            }
            '.' if !seen_dot && i + 1 < digits.len() => {
                seen_dot = true;
                out.push('.');
            }
            _ => return None,
        }
    }
    if neg && out.chars().any(|c| c != '0' && c != '.') {
        out.insert(0, '-');
    }
    Some(Number { value: out, unit })
}

/// A place on a line: display column and character index. An ASCII character
/// (a tab too) is one display column wide, any other two (CJK).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Pos {
    col: usize,
    ch: usize,
}

impl Pos {
    /// The place after `s`, which starts here. Counted without decoding
    /// (`str::chars().count()` counts the bytes that start a character, a word
    /// at a time), as the ASCII bytes are.
    fn after(self, s: &str) -> Pos {
        let chars = s.chars().count();
        let ascii = s.bytes().filter(u8::is_ascii).count();
        Pos {
            col: self.col + 2 * chars - ascii,
            ch: self.ch + chars,
        }
    }
}

/// One cell of a line: its trimmed text and the places where that text starts
/// and ends.
struct Cell<'a> {
    text: &'a str,
    start: Pos,
    end: Pos,
}

/// Length in bytes and display width of the space character starting at byte
/// `i` of `line` (` `, U+3000 or U+00A0), if one does.
fn space_at(line: &str, i: usize) -> Option<(usize, usize)> {
    let rest = &line.as_bytes()[i..];
    match rest {
        [b' ', ..] => Some((1, 1)),
        [0xE3, 0x80, 0x80, ..] => Some((3, 2)),
        [0xC2, 0xA0, ..] => Some((2, 2)),
        _ => None,
    }
}

/// Finds the bytes that may start a separator — a tab, `|`, a space, U+3000 or
/// U+00A0 — with `memchr`'s vectorised searches instead of testing every byte of
/// the line (a crawled table is one line of 50,000 bytes). Each kind's next
/// place is kept until the scan passes it.
#[derive(Default)]
struct NextSeparator {
    /// The first tab, `|` or space at or after where it was last searched from
    /// (`usize::MAX`: none); `None` before the first search.
    ascii: Option<usize>,
    /// The same for U+3000 and U+00A0.
    wide: Option<usize>,
}

impl NextSeparator {
    fn at_or_after(&mut self, bytes: &[u8], i: usize) -> Option<usize> {
        /// The kept place when the scan is not past it, else a new search from `i`.
        fn refresh(kept: &mut Option<usize>, i: usize, find: impl Fn() -> Option<usize>) -> usize {
            match *kept {
                Some(p) if p >= i => p,
                _ => {
                    let p = find().map_or(usize::MAX, |p| i + p);
                    *kept = Some(p);
                    p
                }
            }
        }
        let rest = bytes.get(i..)?;
        let ascii = refresh(&mut self.ascii, i, || {
            memchr::memchr3(b'\t', b'|', b' ', rest)
        });
        let wide = refresh(&mut self.wide, i, || {
            // Their lead bytes, E3 and C2, also start CJK punctuation and Latin-1
            // letters: each is checked.
            let mut at = 0;
            while let Some(p) = memchr::memchr2(0xE3, 0xC2, &rest[at..]) {
                let p = at + p;
                if matches!(rest[p..], [0xE3, 0x80, 0x80, ..] | [0xC2, 0xA0, ..]) {
                    return Some(p);
                }
                at = p + 1;
            }
            None
        });
        let p = ascii.min(wide);
        (p != usize::MAX).then_some(p)
    }
}

/// Splits one line into cells at separators; returns the cells and whether the
/// line had any separator at all.
fn split_cells(line: &str) -> (Vec<Cell<'_>>, bool) {
    /// Pushes the cell `cur` starting at `start`; returns the place after the
    /// separator `sep` that follows it.
    fn push<'a>(cells: &mut Vec<Cell<'a>>, cur: &'a str, start: Pos, sep: &str) -> Pos {
        let text = cur.trim();
        let lead = cur.len() - cur.trim_start().len();
        let start = start.after(&cur[..lead]);
        let end = start.after(text);
        cells.push(Cell { text, start, end });
        end.after(&cur[lead + text.len()..]).after(sep)
    }
    let bytes = line.as_bytes();
    let mut cells = Vec::new();
    let mut had_sep = false;
    // The current cell: its first byte and its place.
    let mut cur_from = 0usize;
    let mut cur_start = Pos::default();
    let mut next = NextSeparator::default();
    let mut i = 0usize;
    while let Some(at) = next.at_or_after(bytes, i) {
        i = at;
        let sep_end = if matches!(bytes[i], b'\t' | b'|') {
            i + 1
        } else if let Some((len, w)) = space_at(line, i) {
            // The whole run of spaces: a separator when it is wide enough.
            let (mut to, mut run_width) = (i + len, w);
            while let Some((len, w)) = space_at(line, to) {
                to += len;
                run_width += w;
            }
            if run_width < MIN_SEPARATOR_WIDTH {
                i = to;
                continue;
            }
            to
        } else {
            i += 1;
            continue;
        };
        had_sep = true;
        cur_start = push(&mut cells, &line[cur_from..i], cur_start, &line[i..sep_end]);
        cur_from = sep_end;
        i = sep_end;
    }
    push(&mut cells, &line[cur_from..], cur_start, "");
    (cells, had_sep)
}

/// True for a markdown rule line such as `|---|:---:|`.
fn is_rule_line(line: &str) -> bool {
    let t = line.trim();
    // The character test first: it stops at the first word of a long line.
    t.chars()
        .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '+' | '='))
        && (t.contains("--") || t.contains("=="))
}

/// The tokenizer for one grammar's cell tokens: blank-cell tokens, units and the
/// words that make a glued number part of the prose (`[cells]` in `common.toml`).
pub struct Tokenizer<'g> {
    grammar: &'g CellTokens,
    /// Characters of the longest blank-cell token: normalising keeps the
    /// character count, so a longer cell is no blank token.
    longest_empty: usize,
}

impl<'g> Tokenizer<'g> {
    pub fn new(grammar: &'g CellTokens) -> Self {
        let longest_empty = grammar
            .empty_tokens
            .iter()
            .map(|t| t.chars().count())
            .max()
            .unwrap_or(0);
        Tokenizer {
            grammar,
            longest_empty,
        }
    }

    /// Tokenises one line of the cleaned document into `out`.
    pub fn line<'a>(&self, line: &'a str, line_no: usize, out: &mut Vec<Token<'a>>) {
        if is_rule_line(line) {
            return;
        }
        let grammar = self.grammar;
        let (empty_tokens, units) = (&grammar.empty_tokens, &grammar.units);
        let pipe_row = line.trim_start().starts_with('|');
        let (cells, had_sep) = split_cells(line);
        let n = cells.len();
        for (
            k,
            Cell {
                text: cell,
                start,
                end,
            },
        ) in cells.into_iter().enumerate()
        {
            // The empty strings outside a markdown row's outer pipes are not cells.
            if pipe_row && cell.is_empty() && (k == 0 || k + 1 == n) {
                continue;
            }
            let tok = |kind, raw, start: Pos, end: Pos| Token {
                kind,
                raw,
                line: line_no,
                col: start.col,
                col_end: end.col,
                ccol: start.ch,
                ccol_end: end.ch,
                glued: false,
            };
            if cell.is_empty() {
                if had_sep && line.contains(['\t', '|']) {
                    out.push(tok(Kind::Blank, "", start, start));
                }
                continue;
            }
            let cell_chars = end.ch - start.ch;
            let blank = cell_chars <= self.longest_empty
                && empty_tokens
                    .iter()
                    .any(|t| t.chars().eq(cell.chars().map(norm_char)));
            if blank {
                out.push(tok(Kind::Blank, cell, start, end));
            } else if is_number(cell, units) {
                out.push(tok(Kind::Num, cell, start, end));
            } else if !has_digit(cell) {
                // No number can start without a digit: the cell is one text token.
                out.push(tok(Kind::Text, cell, start, end));
            } else {
                // A long cell is web text whose borders were lost, even on a line that
                // has a double space somewhere.
                let separated = had_sep && cell_chars <= MAX_LABEL_CHARS;
                scan_mixed(cell, start, line_no, separated, grammar, out);
            }
        }
    }
}

/// Tokenises one line of the cleaned document (see [`Tokenizer::line`]).
pub fn tokenize_line<'a>(line: &'a str, line_no: usize, cells: &CellTokens) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    Tokenizer::new(cells).line(line, line_no, &mut out);
    out
}

/// Whether `s` holds a digit, ASCII or full-width (`０`–`９`, which
/// [`norm_char`] reads as ASCII).
fn has_digit(s: &str) -> bool {
    let b = s.as_bytes();
    // Full-width digits are U+FF10–FF19: EF BC 90–99 in UTF-8.
    b.iter().any(u8::is_ascii_digit)
        || b.windows(3)
            .any(|w| w[0] == 0xEF && w[1] == 0xBC && (0x90..=0x99).contains(&w[2]))
}

/// Walks a cell forward, answering the place of a byte offset. Token boundaries
/// are asked for in order, so one walk serves a whole cell (a crawled table can
/// be one cell of 16,000 characters).
struct Walk<'c> {
    cell: &'c str,
    byte: usize,
    pos: Pos,
}

impl<'c> Walk<'c> {
    fn new(cell: &'c str, start: Pos) -> Self {
        Walk {
            cell,
            byte: 0,
            pos: start,
        }
    }

    /// Place of byte offset `b` (a character boundary at or after the last asked).
    fn at(&mut self, b: usize) -> Pos {
        debug_assert!(b >= self.byte, "walked backwards");
        if b > self.byte {
            self.pos = self.pos.after(&self.cell[self.byte..b]);
            self.byte = b;
        }
        self.pos
    }
}

/// The [`norm_char`] form of the character starting at byte `b` of `s`, and that
/// character's length in bytes; `None` at the end (or off a character boundary,
/// which the scan never asks for).
#[inline]
fn norm_at(s: &str, b: usize) -> Option<(char, usize)> {
    match s.as_bytes().get(b) {
        Some(&x) if x.is_ascii() => Some((x as char, 1)),
        _ => {
            let c = s.get(b..)?.chars().next()?;
            Some((norm_char(c), c.len_utf8()))
        }
    }
}

/// The [`norm_char`] form of the character ending at byte `b` of `s`, and its
/// length in bytes.
#[inline]
fn norm_before(s: &str, b: usize) -> Option<(char, usize)> {
    let c = s.get(..b)?.chars().next_back()?;
    Some((norm_char(c), c.len_utf8()))
}

/// Whether the character at byte `b` reads as an ASCII digit.
#[inline]
fn digit_at(s: &str, b: usize) -> bool {
    norm_at(s, b).is_some_and(|(c, _)| c.is_ascii_digit())
}

/// Whether a character starting with this byte may read as a digit or a sign
/// (see [`norm_char`]): ASCII digits, `+`, `-`, full-width digits and signs
/// (U+FF0B, U+FF0D, U+FF10–FF19: lead byte EF) and the hyphens U+2010–2012
/// (lead byte E2). Only such a character can start a number, so the scan jumps
/// from one to the next. `tests::number_starts_have_their_lead_bytes` checks
/// every character.
const fn may_start_number(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'+' | b'-' | 0xE2 | 0xEF)
}

/// [`may_start_number`] as a table of steps, one load a character: 0 for a
/// byte that may start a number, else the length of the character it starts
/// (a Chinese character's three bytes are skipped at once; continuation bytes
/// are never reached).
static NUMBER_START_STEPS: [u8; 256] = {
    let mut steps = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        steps[b] = if may_start_number(b as u8) {
            0
        } else {
            match b {
                0xF0..=0xFF => 4,
                0xE0..=0xEF => 3,
                0xC0..=0xDF => 2,
                _ => 1,
            }
        };
        b += 1;
    }
    steps
};

/// Offset of the first character of `s` (which starts at a character boundary)
/// whose lead byte may start a number.
#[inline]
fn to_number_start(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        match NUMBER_START_STEPS[usize::from(b)] {
            0 => return Some(i),
            step => i += usize::from(step),
        }
    }
    None
}

/// Splits a cell that mixes words and digits.
///
/// In a separated line only a space may part a word from a number (`行政许可 97`);
/// in a line without separators any word/digit boundary does (`规章000`).
///
/// Works on the cell's bytes, reading the normalised character at a place only
/// where the rules look (the characters-first version, kept in
/// `tests::reference`, built a normalised `Vec<char>` of every cell).
fn scan_mixed<'a>(
    cell: &'a str,
    start: Pos,
    line_no: usize,
    had_sep: bool,
    grammar: &CellTokens,
    out: &mut Vec<Token<'a>>,
) {
    let units = &grammar.units;
    let bytes = cell.as_bytes();
    let mut walk = Walk::new(cell, start);
    // The token over bytes `[from, to)`, its text trimmed when `trim`.
    let mut push = |out: &mut Vec<Token<'a>>, kind, from: usize, to: usize, glued| {
        let p0 = walk.at(from);
        let p1 = walk.at(to);
        let raw = &cell[from..to];
        let raw = match kind {
            Kind::Text => raw.trim(),
            // A run never holds two spaces in a row nor starts with one; it ends
            // with one when a sign without a digit follows (`12 +`), which is not
            // part of the number.
            _ => raw.trim_end_matches(' '),
        };
        // A number token whose raw is not one clean number is only kept in glued
        // text; text that is only spaces is no token.
        let keep = match kind {
            Kind::Text => !raw.is_empty(),
            _ => glued || is_number(raw, units),
        };
        if keep {
            out.push(Token {
                kind,
                raw,
                line: line_no,
                col: p0.col,
                col_end: p1.col,
                ccol: p0.ch,
                ccol_end: p1.ch,
                glued,
            });
        }
    };
    let mut i = 0;
    let mut text_start = 0;
    // Characters that cannot start a number are passed over unread.
    while let Some(skip) = to_number_start(&bytes[i..]) {
        i += skip;
        let Some((c, c_len)) = norm_at(cell, i) else {
            break;
        };
        let starts_number = (c.is_ascii_digit()
            || ((c == '+' || c == '-') && digit_at(cell, i + c_len)))
            && !is_enumerator_at(cell, i);
        let before = norm_before(cell, i).map(|(p, _)| p);
        let boundary_ok = if had_sep {
            before.is_none_or(char::is_whitespace)
        } else {
            // Not inside a word of Latin letters or a date like 2019年.
            before.is_none_or(|p| !p.is_ascii_alphanumeric())
        };
        if !(starts_number && boundary_ok) {
            i += c_len;
            continue;
        }
        // Extent of the number run: digits, signs, dots, commas and single spaces
        // between digits; stop before an enumerator digit.
        let mut j = i;
        while let Some(len) = continues_run(cell, i, j, had_sep) {
            j += len;
        }
        if j == i {
            // Never an empty number: the scan must move on.
            i += c_len;
            continue;
        }
        // A run followed by a word character that is not a unit is part of the text
        // (`2019年`, `16条`) unless the line is glued web text and the word is a label.
        let mut end = j;
        for u in units {
            let mut rest = cell[j..].char_indices();
            let mut len = 0;
            let matched = u.chars().all(|uc| match rest.next() {
                Some((b, c)) if norm_char(c) == uc => {
                    len = b + c.len_utf8();
                    true
                }
                _ => false,
            });
            if matched {
                end = j + len;
                break;
            }
        }
        let next = norm_at(cell, end).map(|(n, _)| n);
        let word_follows = next.is_some_and(|n| n.is_alphanumeric() && !n.is_ascii_digit());
        if had_sep && word_follows {
            i = end;
            continue;
        }
        if !had_sep && word_follows && next.is_some_and(|n| grammar.text_after_number.contains(&n))
        {
            i = end;
            continue;
        }
        push(out, Kind::Text, text_start, i, false);
        push(out, Kind::Num, i, end, !had_sep);
        i = end;
        text_start = end;
    }
    push(out, Kind::Text, text_start, cell.len(), false);
}

/// The length in bytes of the character at byte `j` when it extends the number
/// run that started at byte `i`.
fn continues_run(cell: &str, i: usize, j: usize, had_sep: bool) -> Option<usize> {
    let (d, d_len) = norm_at(cell, j)?;
    let next = norm_at(cell, j + d_len).map(|(n, _)| n);
    let digit_next = next.is_some_and(|x| x.is_ascii_digit());
    let extends = if d.is_ascii_digit() {
        j == i || !is_enumerator_at(cell, j)
    } else {
        match d {
            // A sign starts the run, or inside glued text starts the next value of
            // the same run.
            '+' | '-' => digit_next && (j == i || !had_sep),
            '.' | ',' => {
                j > i
                    && digit_next
                    && norm_before(cell, j).is_some_and(|(_, len)| !is_enumerator_at(cell, j - len))
            }
            // Single spaces between digit groups of glued text.
            ' ' => {
                !had_sep
                    && next.is_some_and(|x| x.is_ascii_digit() || x == '+' || x == '-')
                    && !is_enumerator_at(cell, j + d_len)
            }
            _ => false,
        }
    };
    extends.then_some(d_len)
}

/// A digit that starts an enumerator: `2.其他`, `3、`, `1. 属于` (digit, stop,
/// word); `i` is a byte offset.
fn is_enumerator_at(cell: &str, i: usize) -> bool {
    let Some((c, c_len)) = norm_at(cell, i) else {
        return false;
    };
    if !c.is_ascii_digit() {
        return false;
    }
    let Some((stop, stop_len)) = norm_at(cell, i + c_len) else {
        return false;
    };
    // Inside a glued digit run this makes the enumerator digit the last before
    // the stop.
    if !matches!(stop, '.' | '、') {
        return false;
    }
    let mut k = i + c_len + stop_len;
    while let Some((' ', len)) = norm_at(cell, k) {
        k += len;
    }
    norm_at(cell, k).is_some_and(|(c, _)| !c.is_ascii_digit() && !c.is_whitespace())
}

/// Cell tokens for unit tests: the given blank tokens and units, and the built-in
/// grammar's words after a number.
#[cfg(test)]
pub(crate) fn test_cells(empty_tokens: &[&str], units: &[&str]) -> CellTokens {
    let words = crate::grammar::Grammars::embedded()
        .map(|g| g.common.cells.text_after_number)
        .unwrap_or_default();
    CellTokens {
        empty_tokens: empty_tokens.iter().map(|t| t.to_string()).collect(),
        units: units.iter().map(|u| u.to_string()).collect(),
        text_after_number: words,
    }
}

/// The tokens of `lines` (line numbers from 0) for unit tests, `—` a blank cell.
#[cfg(test)]
pub(crate) fn test_tokens<'a>(lines: &[&'a str]) -> Vec<Token<'a>> {
    let cells = test_cells(&["—"], &[]);
    lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| tokenize_line(l, i, &cells))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The characters-first tokenizer of a mixed cell, as it was before the
    /// byte-level [`scan_mixed`]: the reference of the differential tests.
    mod reference {
        use super::super::*;

        /// Walks a cell's characters forward, answering the byte offset and place of a
        /// character index. Token boundaries are asked for in order, so one walk
        /// serves a whole cell (a crawled table can be one cell of 16,000 characters).
        struct Walk<'c> {
            rest: std::str::CharIndices<'c>,
            len: usize,
            idx: usize,
            byte: usize,
            pos: Pos,
        }

        impl<'c> Walk<'c> {
            fn new(cell: &'c str, start: Pos) -> Self {
                let mut rest = cell.char_indices();
                let byte = rest.next().map_or(cell.len(), |(b, _)| b);
                Walk {
                    rest,
                    len: cell.len(),
                    idx: 0,
                    byte,
                    pos: start,
                }
            }

            /// Byte offset and place of character `idx` (at or after the last asked).
            fn at(&mut self, idx: usize) -> (usize, Pos) {
                debug_assert!(idx >= self.idx, "walked backwards");
                while self.idx < idx {
                    let (next_byte, _) = self.rest.next().unwrap_or((self.len, ' '));
                    let c_is_ascii = next_byte - self.byte == 1;
                    self.pos = Pos {
                        col: self.pos.col + if c_is_ascii { 1 } else { 2 },
                        ch: self.pos.ch + 1,
                    };
                    self.byte = next_byte;
                    self.idx += 1;
                }
                (self.byte, self.pos)
            }
        }

        /// Splits a cell that mixes words and digits.
        ///
        /// In a separated line only a space may part a word from a number (`行政许可 97`);
        /// in a line without separators any word/digit boundary does (`规章000`).
        pub(in super::super) fn scan_mixed<'a>(
            cell: &'a str,
            start: Pos,
            line_no: usize,
            had_sep: bool,
            grammar: &CellTokens,
            out: &mut Vec<Token<'a>>,
        ) {
            let units = &grammar.units;
            // A character is never shorter than a byte: `cell.len()` is enough.
            let mut chars: Vec<char> = Vec::with_capacity(cell.len());
            chars.extend(cell.chars().map(norm_char));
            let mut walk = Walk::new(cell, start);
            // The token over characters `[from, to)`, its text trimmed when `trim`.
            let mut push = |out: &mut Vec<Token<'a>>, kind, from: usize, to: usize, glued| {
                let (b0, p0) = walk.at(from);
                let (b1, p1) = walk.at(to);
                let raw = &cell[b0..b1];
                let raw = match kind {
                    Kind::Text => raw.trim(),
                    // A run never holds two spaces in a row nor starts with one; it ends
                    // with one when a sign without a digit follows (`12 +`), which is not
                    // part of the number.
                    _ => raw.trim_end_matches(' '),
                };
                // A number token whose raw is not one clean number is only kept in glued
                // text; text that is only spaces is no token.
                let keep = match kind {
                    Kind::Text => !raw.is_empty(),
                    _ => glued || is_number(raw, units),
                };
                if keep {
                    out.push(Token {
                        kind,
                        raw,
                        line: line_no,
                        col: p0.col,
                        col_end: p1.col,
                        ccol: p0.ch,
                        ccol_end: p1.ch,
                        glued,
                    });
                }
            };
            let mut i = 0;
            let mut text_start = 0;
            while i < chars.len() {
                let c = chars[i];
                let starts_number = (c.is_ascii_digit()
                    || ((c == '+' || c == '-')
                        && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())))
                    && !is_enumerator_at(&chars, i);
                let boundary_ok = if had_sep {
                    i == 0 || chars[i - 1].is_whitespace()
                } else {
                    // Not inside a word of Latin letters or a date like 2019年.
                    i == 0 || !chars[i - 1].is_ascii_alphanumeric()
                };
                if !(starts_number && boundary_ok) {
                    i += 1;
                    continue;
                }
                // Extent of the number run: digits, signs, dots, commas and single spaces
                // between digits; stop before an enumerator digit.
                let mut j = i;
                while j < chars.len() && continues_run(&chars, i, j, had_sep) {
                    j += 1;
                }
                if j == i {
                    // Never an empty number: the scan must move on.
                    i += 1;
                    continue;
                }
                // A run followed by a word character that is not a unit is part of the text
                // (`2019年`, `16条`) unless the line is glued web text and the word is a label.
                let mut end = j;
                for u in units {
                    let n = u.chars().count();
                    if chars.len() - j >= n && chars[j..j + n].iter().copied().eq(u.chars()) {
                        end = j + n;
                        break;
                    }
                }
                let next = chars.get(end).copied();
                let word_follows = next.is_some_and(|n| n.is_alphanumeric() && !n.is_ascii_digit());
                if had_sep && word_follows {
                    i = end.max(i + 1);
                    continue;
                }
                if !had_sep
                    && word_follows
                    && next.is_some_and(|n| grammar.text_after_number.contains(&n))
                {
                    i = end.max(i + 1);
                    continue;
                }
                push(out, Kind::Text, text_start, i, false);
                push(out, Kind::Num, i, end, !had_sep);
                i = end;
                text_start = end;
            }
            push(out, Kind::Text, text_start, chars.len(), false);
        }

        /// Whether `chars[j]` extends the number run that started at `i`.
        fn continues_run(chars: &[char], i: usize, j: usize, had_sep: bool) -> bool {
            let d = chars[j];
            let digit_next = chars.get(j + 1).is_some_and(|x| x.is_ascii_digit());
            if d.is_ascii_digit() {
                return j == i || !is_enumerator_at(chars, j);
            }
            match d {
                // A sign starts the run, or inside glued text starts the next value of the
                // same run.
                '+' | '-' => digit_next && (j == i || !had_sep),
                '.' | ',' => j > i && digit_next && !is_enumerator_at(chars, j - 1),
                // Single spaces between digit groups of glued text.
                ' ' => {
                    !had_sep
                        && chars
                            .get(j + 1)
                            .is_some_and(|x| x.is_ascii_digit() || *x == '+' || *x == '-')
                        && !is_enumerator_at(chars, j + 1)
                }
                _ => false,
            }
        }

        /// A digit that starts an enumerator: `2.其他`, `3、`, `1. 属于` (digit, stop, word).
        fn is_enumerator_at(chars: &[char], i: usize) -> bool {
            if !chars[i].is_ascii_digit() {
                return false;
            }
            if i > 0 && chars[i - 1].is_ascii_digit() && !is_run_break(chars, i) {
                return false;
            }
            let Some(&stop) = chars.get(i + 1) else {
                return false;
            };
            if !matches!(stop, '.' | '、') {
                return false;
            }
            let mut k = i + 2;
            while chars.get(k).is_some_and(|c| *c == ' ') {
                k += 1;
            }
            chars
                .get(k)
                .is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace())
        }

        /// Inside a glued digit run the enumerator digit is the last before the stop.
        fn is_run_break(chars: &[char], i: usize) -> bool {
            matches!(chars.get(i + 1), Some('.') | Some('、'))
        }
    }

    #[test]
    fn a_signed_number_in_a_mixed_cell_ends() {
        // Once looped for ever (a sign starting a run in a separated cell).
        let t = toks("| 行政处罚 | 增 +77 人 | 0 |");
        assert!(
            t.iter().any(|(k, r)| *k == Kind::Num && r == "+77"),
            "{t:?}"
        );
    }

    fn toks(line: &str) -> Vec<(Kind, String)> {
        let cells = test_cells(&["-", "—", "/", "无"], &["万元", "元"]);
        tokenize_line(line, 0, &cells)
            .into_iter()
            .map(|t| (t.kind, t.raw.to_string()))
            .collect()
    }
    use Kind::*;

    /// [`parse_number`] without its shortcuts: the general reading of every cell.
    fn parse_number_slowly(raw: &str, units: &[String]) -> Option<Number> {
        let s: String = raw
            .chars()
            .map(norm_char)
            .filter(|c| !c.is_whitespace())
            .collect();
        let (sign, digits, unit) = split_sign_unit(&s, units);
        if digits.is_empty() || !digits.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        let mut seen_dot = false;
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            match c {
                '0'..='9' => out.push(c),
                ',' => {
                    let rest = digits
                        .chars()
                        .skip(i + 1)
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    if seen_dot || rest != THOUSANDS_GROUP_DIGITS {
                        return None;
                    }
                }
                '.' if !seen_dot && i + 1 < digits.len() => {
                    seen_dot = true;
                    out.push('.');
                }
                _ => return None,
            }
        }
        if sign == Some('-') && out.chars().any(|c| c != '0' && c != '.') {
            out.insert(0, '-');
        }
        Some(Number { value: out, unit })
    }

    #[test]
    fn parse_number_reads_every_cell_as_the_general_reading_does() {
        let alphabet: Vec<char> = "1０,.+- 元万件a".chars().collect();
        let n = alphabet.len();
        let unit_lists: [Vec<String>; 3] =
            [vec![], vec!["万元".into(), "元".into()], vec!["件".into()]];
        for len in 0..=5u32 {
            for k in 0..n.pow(len) {
                let mut s = String::new();
                let mut k = k;
                for _ in 0..len {
                    s.push(alphabet[k % n]);
                    k /= n;
                }
                for units in &unit_lists {
                    assert_eq!(
                        parse_number(&s, units),
                        parse_number_slowly(&s, units),
                        "{s:?} {units:?}"
                    );
                }
            }
        }
    }

    /// [`split_cells`] testing every byte for a separator, as it did before
    /// [`NextSeparator`]: (text, start, end) of each cell and whether the line had
    /// a separator.
    #[allow(clippy::type_complexity)]
    fn split_cells_bytewise(line: &str) -> (Vec<(&str, Pos, Pos)>, bool) {
        fn push<'a>(
            cells: &mut Vec<(&'a str, Pos, Pos)>,
            cur: &'a str,
            start: Pos,
            sep: &str,
        ) -> Pos {
            let text = cur.trim();
            let lead = cur.len() - cur.trim_start().len();
            let start = start.after(&cur[..lead]);
            let end = start.after(text);
            cells.push((text, start, end));
            end.after(&cur[lead + text.len()..]).after(sep)
        }
        let bytes = line.as_bytes();
        let (mut cells, mut had_sep) = (Vec::new(), false);
        let (mut cur_from, mut cur_start) = (0usize, Pos::default());
        let may_separate = |b: &u8| matches!(b, b'\t' | b'|' | b' ' | 0xE3 | 0xC2);
        let mut i = 0usize;
        while let Some(skip) = bytes[i..].iter().position(may_separate) {
            i += skip;
            let sep_end = if matches!(bytes[i], b'\t' | b'|') {
                i + 1
            } else if let Some((len, w)) = space_at(line, i) {
                let (mut to, mut run_width) = (i + len, w);
                while let Some((len, w)) = space_at(line, to) {
                    to += len;
                    run_width += w;
                }
                if run_width < MIN_SEPARATOR_WIDTH {
                    i = to;
                    continue;
                }
                to
            } else {
                i += 1;
                continue;
            };
            had_sep = true;
            cur_start = push(&mut cells, &line[cur_from..i], cur_start, &line[i..sep_end]);
            cur_from = sep_end;
            i = sep_end;
        }
        push(&mut cells, &line[cur_from..], cur_start, "");
        (cells, had_sep)
    }

    #[test]
    fn cells_are_split_as_a_byte_by_byte_scan_splits_them() {
        // Separators, their lead bytes in other characters (、 is E3, © is C2)
        // and plain text.
        let alphabet: Vec<char> = " \t|\u{3000}\u{A0}、©甲a1".chars().collect();
        let n = alphabet.len();
        let check = |line: &str| {
            let (cells, had_sep) = split_cells(line);
            let cells: Vec<(&str, Pos, Pos)> =
                cells.iter().map(|c| (c.text, c.start, c.end)).collect();
            assert_eq!((cells, had_sep), split_cells_bytewise(line), "{line:?}");
        };
        for len in 0..=4u32 {
            for k in 0..n.pow(len) {
                let mut k = k;
                let line: String = (0..len)
                    .map(|_| {
                        let c = alphabet[k % n];
                        k /= n;
                        c
                    })
                    .collect();
                check(&line);
            }
        }
        let mut x: u64 = 3;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (x >> 58) as usize;
            let line: String = (0..len)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    alphabet[(x >> 33) as usize % n]
                })
                .collect();
            check(&line);
        }
    }

    #[test]
    fn numbers_parse() {
        let u = vec!["万元".to_string(), "元".to_string()];
        assert_eq!(parse_number("+70", &u).unwrap().value, "70");
        assert_eq!(parse_number("-18", &u).unwrap().value, "-18");
        assert_eq!(parse_number("7,730.28", &u).unwrap().value, "7730.28");
        let n = parse_number("2792220.8元", &u).unwrap();
        assert_eq!((n.value.as_str(), n.unit.as_str()), ("2792220.8", "元"));
        assert_eq!(parse_number("１２", &u).unwrap().value, "12");
        assert!(parse_number("12a", &u).is_none());
        assert!(parse_number("1,23", &u).is_none());
    }

    #[test]
    fn tab_row_with_blanks() {
        assert_eq!(
            toks("\t(四) 无法提供\t1. 本单位不掌握相关政府信息\t0\t3"),
            vec![
                (Blank, "".into()),
                (Text, "(四) 无法提供".into()),
                (Text, "1. 本单位不掌握相关政府信息".into()),
                (Num, "0".into()),
                (Num, "3".into())
            ]
        );
    }

    #[test]
    fn space_aligned_and_markdown() {
        assert_eq!(
            toks("规章               0          0       0"),
            vec![
                (Text, "规章".into()),
                (Num, "0".into()),
                (Num, "0".into()),
                (Num, "0".into())
            ]
        );
        assert_eq!(
            toks("| 行政许可 | 517645 |"),
            vec![(Text, "行政许可".into()), (Num, "517645".into())]
        );
        assert!(toks("|---|---|").is_empty());
        // Invented headers stay text.
        assert_eq!(
            toks("| 类别 | 数据1 |"),
            vec![(Text, "类别".into()), (Text, "数据1".into())]
        );
        assert_eq!(
            toks("| - | - |"),
            vec![(Blank, "-".into()), (Blank, "-".into())]
        );
    }

    #[test]
    fn single_space_number_in_plain_line() {
        assert_eq!(
            toks("行政许可 97"),
            vec![(Text, "行政许可".into()), (Num, "97".into())]
        );
    }

    #[test]
    fn glued_web_text() {
        let t = toks("规章000规范性文件898989第二十条第（五）项");
        assert_eq!(t[0], (Text, "规章".into()));
        assert_eq!(t[1], (Num, "000".into()));
        assert_eq!(t[2], (Text, "规范性文件".into()));
        assert_eq!(t[3], (Num, "898989".into()));
        let t = toks("一、本年新收政府信息公开申请数量230 000023二、上年结转");
        assert_eq!(t[1], (Num, "230 000023".into()));
        let t = toks("1.属于国家秘密00000002.其他法律行政法规禁止公开0000000");
        assert_eq!(t[1], (Num, "0000000".into()));
        assert_eq!(t[2], (Text, "2.其他法律行政法规禁止公开".into()));
        let t = toks("政府集中采购13575394432.52元三、");
        assert_eq!(t[1], (Num, "13575394432.52元".into()));
        let t = toks("2019年累计公布网上信息1000余条");
        assert!(t.iter().all(|(k, _)| *k == Text));
    }

    #[test]
    fn numbers_reject_what_is_not_one_number() {
        let u = vec!["万元".to_string(), "元".to_string()];
        let v = |s: &str| parse_number(s, &u).map(|n| n.value);
        assert_eq!(v("1,234").as_deref(), Some("1234"));
        assert_eq!(v("1,234,567.5").as_deref(), Some("1234567.5"));
        assert_eq!(v(" 1 2 ").as_deref(), Some("12"));
        // A negative zero is zero.
        assert_eq!(v("-0").as_deref(), Some("0"));
        assert_eq!(v("-0.5").as_deref(), Some("-0.5"));
        assert_eq!(v("12万元").as_deref(), Some("12"));
        for bad in [
            "", "-", "元", ".5", "12.", "1.2.3", "1.2,345", "1,2345", "a1", "+-1",
        ] {
            assert_eq!(v(bad), None, "{bad}");
        }
        assert_eq!(
            split_sign_unit("-5万元", &u),
            (Some('-'), "5", "万元".to_string())
        );
        assert_eq!(split_sign_unit("5", &u), (None, "5", String::new()));
    }

    #[test]
    fn rule_lines_carry_no_cells() {
        for rule in ["|---|:---:|", "+===+===+", " | -- | -- | "] {
            assert!(is_rule_line(rule), "{rule}");
        }
        for line in ["| - | - |", "|-|", "--5--", "规章 --"] {
            assert!(!is_rule_line(line), "{line}");
        }
    }

    #[test]
    fn tokens_keep_their_columns_in_display_width_and_characters() {
        let line = "规章  12\t3";
        let t = tokenize_line(line, 7, &test_cells(&[], &[]));
        let cols: Vec<(usize, usize, usize, usize, usize)> = t
            .iter()
            .map(|t| (t.line, t.col, t.col_end, t.ccol, t.ccol_end))
            .collect();
        // 规章 is 4 columns wide and 2 characters long.
        assert_eq!(cols, [(7, 0, 4, 0, 2), (7, 6, 8, 4, 6), (7, 9, 10, 7, 8)]);
        // Leading and trailing spaces inside a cell are not part of its extent.
        let t = tokenize_line("| 规章 | 5 |", 0, &test_cells(&[], &[]));
        let cols: Vec<(usize, usize)> = t.iter().map(|t| (t.col, t.col_end)).collect();
        assert_eq!(cols, [(2, 6), (9, 10)]);
        // A full-width space counts two columns, so it separates on its own.
        assert_eq!(
            toks("规章\u{3000}5"),
            [(Text, "规章".into()), (Num, "5".into())]
        );
    }

    #[test]
    fn blank_cells_only_between_explicit_separators() {
        assert_eq!(
            toks("规章\t\t5\t"),
            [
                (Text, "规章".into()),
                (Blank, "".into()),
                (Num, "5".into()),
                (Blank, "".into())
            ]
        );
        // Spaces never make an empty cell; a markdown row's outer pipes neither.
        assert_eq!(
            toks("规章    5"),
            [(Text, "规章".into()), (Num, "5".into())]
        );
        assert_eq!(
            toks("| 规章 | | 5 |"),
            [(Text, "规章".into()), (Blank, "".into()), (Num, "5".into())]
        );
    }

    #[test]
    fn a_long_cell_of_a_separated_line_is_read_as_glued_text() {
        let glued = format!("{}规章000", "甲".repeat(36));
        assert_eq!(glued.chars().count(), 41);
        let line = format!("标题  {glued}");
        let t = tokenize_line(&line, 0, &test_cells(&[], &[]));
        assert!(
            t.iter().any(|t| t.kind == Num && t.raw == "000" && t.glued),
            "{t:?}"
        );
        // At the limit the cell is still one cell of a table: text.
        let short = format!("{}规章000", "甲".repeat(35));
        let t = toks(&format!("标题  {short}"));
        assert!(t.iter().all(|(k, _)| *k == Text), "{t:?}");
    }

    /// The tokens of one mixed cell by [`scan_mixed`] and by the characters-first
    /// reference, both ways (with and without separators on the line).
    fn assert_scans_agree(cell: &str, grammar: &CellTokens) {
        let start = Pos { col: 5, ch: 3 };
        for had_sep in [false, true] {
            let (mut new, mut old) = (Vec::new(), Vec::new());
            scan_mixed(cell, start, 9, had_sep, grammar, &mut new);
            reference::scan_mixed(cell, start, 9, had_sep, grammar, &mut old);
            assert_eq!(new, old, "{cell:?} had_sep={had_sep}");
        }
    }

    /// The characters the scan's rules look at: ASCII and full-width digits,
    /// the spaces (ASCII, U+3000, U+00A0, U+2002), signs and a hyphen (U+2010),
    /// stops and commas of both widths, `、`, units and words after a number,
    /// a Chinese word, a Latin letter, a full-width one and a tab.
    const SCAN_ALPHABET: &str =
        "01９ \u{3000}\u{00A0}\u{2002}+-－\u{2010}.．,，、件个年元万%％其aｂ\t";

    #[test]
    fn scan_mixed_matches_the_characters_first_reference_on_every_short_cell() {
        let grammar = test_cells(&[], &["万元", "元", "件", "%"]);
        let alphabet: Vec<char> = SCAN_ALPHABET.chars().collect();
        let n = alphabet.len();
        for len in 0..=4u32 {
            for k in 0..n.pow(len) {
                let mut s = String::new();
                let mut k = k;
                for _ in 0..len {
                    s.push(alphabet[k % n]);
                    k /= n;
                }
                assert_scans_agree(&s, &grammar);
            }
        }
    }

    #[test]
    fn scan_mixed_matches_the_characters_first_reference_on_long_generated_cells() {
        let grammar = test_cells(&[], &["万元", "元", "件", "%"]);
        // Digits weighted up so runs, enumerators and units meet often.
        let alphabet: Vec<char> = format!("{SCAN_ALPHABET}0123456789１２行政许可处罚")
            .chars()
            .collect();
        // xorshift64 with a fixed seed: the same cells on every run.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..5000 {
            let len = 5 + (next() % 80) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            assert_scans_agree(&s, &grammar);
        }
    }

    #[test]
    fn number_starts_have_their_lead_bytes() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let n = norm_char(c);
            if n.is_ascii_digit() || n == '+' || n == '-' {
                let lead = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(may_start_number(lead), "{c:?}");
            }
        }
    }

    #[test]
    fn enumerators_are_not_numbers() {
        // Offsets in bytes: every digit asked about is ASCII, so they are also
        // character indices.
        assert!(is_enumerator_at("2.其他", 0));
        assert!(is_enumerator_at("3、其他", 0));
        assert!(is_enumerator_at("1.  属于", 0));
        assert!(!is_enumerator_at("2.5", 0));
        assert!(!is_enumerator_at("2. ", 0));
        assert!(!is_enumerator_at("2.", 0));
        assert!(!is_enumerator_at("2其他", 0));
        assert!(!is_enumerator_at("。.其他", 0));
        // Inside a run only the digit right before the stop starts one.
        assert!(is_enumerator_at("002.其他", 2));
        assert!(!is_enumerator_at("002.其他", 1));
        assert!(is_enumerator_at("其１．其他", 3));
        assert!(is_enumerator_at("1.\u{3000}属于", 0));
    }

    #[test]
    fn glued_runs_take_signs_and_single_spaces_only_without_separators() {
        assert_eq!(
            toks("行政处罚12+3-4其他"),
            [
                (Text, "行政处罚".into()),
                (Num, "12+3-4".into()),
                (Text, "其他".into())
            ]
        );
        assert_eq!(
            toks("行政处罚1 2 3其他"),
            [
                (Text, "行政处罚".into()),
                (Num, "1 2 3".into()),
                (Text, "其他".into())
            ]
        );
        // A word of Latin letters or digits before the run keeps it text.
        assert!(toks("ISO9001认证").iter().all(|(k, _)| *k == Text));
        // A separated line: a number must stand apart from the word before it.
        assert_eq!(
            toks("| 行政许可 97 | 增 -3 |"),
            [
                (Text, "行政许可".into()),
                (Num, "97".into()),
                (Text, "增".into()),
                (Num, "-3".into())
            ]
        );
        assert!(toks("| 许可97 |").iter().all(|(k, _)| *k == Text));
    }
}
