//! A content-stream parser that accepts exactly what lopdf's
//! `Content::decode` accepts and yields the same operands, without building
//! an `Operation` (a `String` and a `Vec`) per operator.
//!
//! lopdf's nom parser allocated an operator `String` and an operand `Vec`
//! for every operation and tried up to nine alternatives per operand through
//! nom's combinators: about 35 % of the time of extracting a page. Here the
//! whole stream is parsed first (as `Content::decode` does, so a stream that
//! fails to parse fails before any of it is drawn), into two flat vectors:
//! the operators as ranges of the stream, and all operands one after another.
//!
//! The grammar is lopdf 0.42's, rule for rule (`parser/mod.rs`), including
//! its quirks: operands are separated by spaces, tabs and line ends only
//! (comments only before an operation), a number too large for `i64` ends
//! the stream, arrays and dictionaries nest at most 100 deep (deeper is a
//! failure of the whole stream), literal strings at most 100 parentheses
//! deep, and an inline image is skipped by its computed size or, failing
//! that, up to its `EI`. Parsing stops quietly at the first operation that
//! does not parse; what came before it is kept. `tests` checks the two
//! parsers agree on real streams and on many damaged ones.

use lopdf::{Dictionary, Object, StringFormat};

/// Maximum nesting of arrays and dictionaries (lopdf's `MAX_NESTING_DEPTH`).
const MAX_NESTING_DEPTH: usize = 100;
/// Maximum nesting of parentheses in a literal string (lopdf's `MAX_BRACKET`).
const MAX_BRACKET: usize = 100;

/// One operation: its operator and its operands.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    pub operator: &'a str,
    pub operands: &'a [Object],
}

/// A parsed content stream.
#[derive(Debug, Default)]
pub struct Operations {
    /// Per operation: the operator's byte range in the stream, and the range
    /// of its operands in `operands`.
    ops: Vec<(u32, u32, u32, u32)>,
    operands: Vec<Object>,
}

impl Operations {
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// The operations, in stream order. `data` must be the stream parsed.
    pub fn iter<'a>(&'a self, data: &'a [u8]) -> impl Iterator<Item = Operation<'a>> + 'a {
        self.ops.iter().map(move |&(a, b, c, d)| Operation {
            // Operators are ASCII letters and `*'"` (checked when parsed).
            operator: std::str::from_utf8(&data[a as usize..b as usize]).unwrap_or(""),
            operands: &self.operands[c as usize..d as usize],
        })
    }
}

impl Operations {
    /// The operations lopdf parsed, for a stream where [`parse`] gave up but
    /// lopdf did not (never seen; kept so that a disagreement cannot lose
    /// text). The operators are copied into the returned buffer, which
    /// [`Operations::iter`] then takes as `data`.
    pub fn from_lopdf(content: lopdf::content::Content<Vec<lopdf::content::Operation>>) -> (Operations, Vec<u8>) {
        let mut text = Vec::new();
        let mut out = Operations::default();
        for op in content.operations {
            let (a, c) = (text.len() as u32, out.operands.len() as u32);
            text.extend_from_slice(op.operator.as_bytes());
            out.operands.extend(op.operands);
            out.ops.push((a, text.len() as u32, c, out.operands.len() as u32));
        }
        (out, text)
    }
}

/// `Content::decode` through [`parse`]: the same operations, as lopdf's own
/// types, for callers that edit and re-encode a stream. lopdf's parser is
/// used where ours gives up and for streams with inline images (whose image
/// data we do not keep).
pub fn decode_content(data: &[u8]) -> lopdf::Result<lopdf::content::Content<Vec<lopdf::content::Operation>>> {
    let Some(parsed) = parse(data) else {
        return lopdf::content::Content::decode(data);
    };
    let mut operations = Vec::with_capacity(parsed.len());
    for op in parsed.iter(data) {
        if op.operator == "BI" {
            return lopdf::content::Content::decode(data);
        }
        operations.push(lopdf::content::Operation::new(op.operator, op.operands.to_vec()));
    }
    Ok(lopdf::content::Content { operations })
}

/// Why a rule did not match: `Error` lets the caller try another rule,
/// `Failure` (nom's `cut`, or nesting too deep) ends the whole parse.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stop {
    Error,
    Failure,
}

type R<T> = Result<(usize, T), Stop>;

/// Parses a content stream. `None` where `Content::decode` fails (then call it
/// for its error). Streams over 4 GiB are not parsed here (`None` as well).
pub fn parse(data: &[u8]) -> Option<Operations> {
    let mut out = Operations::default();
    out.parse(data).then_some(out)
}

impl Operations {
    /// [`parse`] into these buffers (their old content is dropped, their
    /// memory kept); false where [`parse`] gives `None`.
    pub fn parse(&mut self, data: &[u8]) -> bool {
        self.ops.clear();
        self.operands.clear();
        if data.len() >= u32::MAX as usize {
            return false;
        }
        // Sized once for the stream (an operand takes 4–6 bytes of a typical
        // stream, an operation 10–15): grown by doubling, the operand buffer
        // (an `Object` is 120 bytes) was copied into fresh memory at every
        // step, page faults and copies a tenth of reading a small PDF. The
        // reservation is capped, so a hostile stream still grows as it parses;
        // memory reserved and never written costs nothing.
        let hint = data.len().min(RESERVE_MAX_BYTES);
        self.operands.reserve(hint / 4);
        self.ops.reserve(hint / 8);
        parse_into(data, self)
    }
}

/// Stream bytes up to which [`Operations::parse`] reserves its buffers ahead
/// (1 MiB of content: 256 Ki operands, 30 MiB of address space at most).
const RESERVE_MAX_BYTES: usize = 1 << 20;

fn parse_into(data: &[u8], out: &mut Operations) -> bool {
    let p = Parser { d: data };
    let mut pos = p.content_space(0);
    loop {
        let before = out.operands.len();
        match p.operation(pos, &mut out.operands) {
            Ok((next, (a, b))) => {
                out.ops.push((a as u32, b as u32, before as u32, out.operands.len() as u32));
                pos = next;
            }
            Err(Stop::Error) => {
                out.operands.truncate(before);
                return true;
            }
            Err(Stop::Failure) => return false,
        }
    }
}

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(c: u8) -> bool {
    !is_whitespace(c) && !is_delimiter(c)
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

struct Parser<'a> {
    d: &'a [u8],
}

impl<'a> Parser<'a> {
    fn at(&self, i: usize) -> Option<u8> {
        self.d.get(i).copied()
    }

    fn starts(&self, i: usize, tag: &[u8]) -> bool {
        self.d.get(i..).is_some_and(|s| s.starts_with(tag))
    }

    /// Spaces, tabs and line ends (between operands and after operators).
    fn content_space(&self, mut i: usize) -> usize {
        while matches!(self.at(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            i += 1;
        }
        i
    }

    fn white_space(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(is_whitespace) {
            i += 1;
        }
        i
    }

    fn eol(&self, i: usize) -> Option<usize> {
        match self.at(i) {
            Some(b'\r') if self.at(i + 1) == Some(b'\n') => Some(i + 2),
            Some(b'\n' | b'\r') => Some(i + 1),
            _ => None,
        }
    }

    /// `%` to the end of the line, which must end with a line end.
    fn comment(&self, i: usize) -> Option<usize> {
        if self.at(i) != Some(b'%') {
            return None;
        }
        let mut j = i + 1;
        while self.at(j).is_some_and(|c| c != b'\r' && c != b'\n') {
            j += 1;
        }
        self.eol(j)
    }

    /// Whitespace (all six kinds) and comments, inside arrays and dictionaries.
    fn space(&self, mut i: usize) -> usize {
        loop {
            let j = self.white_space(i);
            if j > i {
                i = j;
                continue;
            }
            match self.comment(i) {
                Some(j) => i = j,
                None => return i,
            }
        }
    }

    fn digits(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        i
    }

    fn sign(&self, i: usize) -> usize {
        if matches!(self.at(i), Some(b'+' | b'-')) {
            i + 1
        } else {
            i
        }
    }

    fn text(&self, a: usize, b: usize) -> &'a str {
        // Only called on ranges of ASCII signs, digits and points.
        std::str::from_utf8(&self.d[a..b]).unwrap_or("")
    }

    /// `[+-](digits '.' digits? | '.' digits)` as an `f32`.
    fn real(&self, i: usize) -> R<f32> {
        let s = self.sign(i);
        let d = self.digits(s);
        let end = if d > s {
            if self.at(d) != Some(b'.') {
                return Err(Stop::Error);
            }
            self.digits(d + 1)
        } else {
            if self.at(s) != Some(b'.') {
                return Err(Stop::Error);
            }
            let e = self.digits(s + 1);
            if e == s + 1 {
                return Err(Stop::Error);
            }
            e
        };
        match self.text(i, end).parse::<f32>() {
            Ok(v) => Ok((end, v)),
            Err(_) => Err(Stop::Error),
        }
    }

    /// `[+-]digits` as an `i64` (too large: no match).
    fn integer(&self, i: usize) -> R<i64> {
        let s = self.sign(i);
        let end = self.digits(s);
        if end == s {
            return Err(Stop::Error);
        }
        match self.text(i, end).parse::<i64>() {
            Ok(v) => Ok((end, v)),
            Err(_) => Err(Stop::Error),
        }
    }

    /// `/` and regular characters, `#xx` escapes decoded.
    fn name(&self, i: usize) -> R<Vec<u8>> {
        if self.at(i) != Some(b'/') {
            return Err(Stop::Error);
        }
        let mut j = i + 1;
        let mut out = Vec::new();
        while let Some(c) = self.at(j) {
            if c == b'#' {
                match (self.at(j + 1).and_then(hex_value), self.at(j + 2).and_then(hex_value)) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        j += 3;
                        continue;
                    }
                    _ => break,
                }
            }
            if !is_regular(c) {
                break;
            }
            out.push(c);
            j += 1;
        }
        Ok((j, out))
    }

    fn literal_string(&self, i: usize) -> R<Vec<u8>> {
        if self.at(i) != Some(b'(') {
            return Err(Stop::Error);
        }
        let mut out = Vec::new();
        let j = self.inner_literal_string(i + 1, MAX_BRACKET, &mut out);
        if self.at(j) != Some(b')') {
            return Err(Stop::Error);
        }
        Ok((j + 1, out))
    }

    /// The inside of a literal string, appended to `out`; returns where it ends.
    fn inner_literal_string(&self, mut i: usize, depth: usize, out: &mut Vec<u8>) -> usize {
        loop {
            let Some(c) = self.at(i) else { return i };
            match c {
                b'\\' => {
                    let Some(e) = self.at(i + 1) else { return i };
                    if e.is_ascii_digit() && e < b'8' {
                        let mut j = i + 1;
                        let mut v: u16 = 0;
                        while j < i + 4 && self.at(j).is_some_and(|c| (b'0'..=b'7').contains(&c)) {
                            v = v * 8 + (self.d[j] - b'0') as u16;
                            j += 1;
                        }
                        out.push(v as u8);
                        i = j;
                    } else if let Some(j) = self.eol(i + 1) {
                        i = j;
                    } else {
                        out.push(match e {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => b'\x08',
                            b'f' => b'\x0C',
                            other => other,
                        });
                        i += 2;
                    }
                }
                b'\r' | b'\n' => {
                    let j = self.eol(i).unwrap_or(i + 1);
                    out.extend_from_slice(&self.d[i..j]);
                    i = j;
                }
                b'(' => {
                    if depth == 0 {
                        return i;
                    }
                    let mark = out.len();
                    out.push(b'(');
                    let j = self.inner_literal_string(i + 1, depth - 1, out);
                    if self.at(j) != Some(b')') {
                        out.truncate(mark);
                        return i;
                    }
                    out.push(b')');
                    i = j + 1;
                }
                b')' => return i,
                _ => {
                    let start = i;
                    while self.at(i).is_some_and(|c| !matches!(c, b'(' | b')' | b'\\' | b'\r' | b'\n')) {
                        i += 1;
                    }
                    out.extend_from_slice(&self.d[start..i]);
                }
            }
        }
    }

    fn hexadecimal_string(&self, i: usize) -> R<Object> {
        if self.at(i) != Some(b'<') {
            return Err(Stop::Error);
        }
        let mut j = i + 1;
        let mut out = Vec::new();
        let mut high = true;
        loop {
            let k = self.white_space(j);
            match self.at(k).and_then(hex_value) {
                Some(v) => {
                    if high {
                        out.push(v << 4);
                    } else if let Some(last) = out.last_mut() {
                        *last |= v;
                    }
                    high = !high;
                    j = k + 1;
                }
                None => break,
            }
        }
        j = self.white_space(j);
        if self.at(j) != Some(b'>') {
            return Err(Stop::Error);
        }
        Ok((j + 1, Object::String(out, StringFormat::Hexadecimal)))
    }

    /// `null`, `true`, `false`.
    fn keyword(&self, i: usize) -> R<Object> {
        if self.starts(i, b"null") {
            Ok((i + 4, Object::Null))
        } else if self.starts(i, b"true") {
            Ok((i + 4, Object::Boolean(true)))
        } else if self.starts(i, b"false") {
            Ok((i + 5, Object::Boolean(false)))
        } else {
            Err(Stop::Error)
        }
    }

    fn unsigned<T: std::str::FromStr>(&self, i: usize) -> R<T> {
        let end = self.digits(i);
        if end == i {
            return Err(Stop::Error);
        }
        match self.text(i, end).parse::<T>() {
            Ok(v) => Ok((end, v)),
            Err(_) => Err(Stop::Error),
        }
    }

    /// `id generation R`, with `space` (comments too) between the parts.
    fn reference(&self, i: usize) -> R<Object> {
        let (j, id) = self.unsigned::<u32>(i)?;
        let j = self.space(j);
        let (j, gen) = self.unsigned::<u16>(j)?;
        let j = self.space(j);
        if self.at(j) != Some(b'R') {
            return Err(Stop::Error);
        }
        Ok((j + 1, Object::Reference((id, gen))))
    }

    /// The rules shared by operands and the elements of arrays and
    /// dictionaries, after `null`/`true`/`false` (and references, in arrays),
    /// in lopdf's order.
    fn value(&self, i: usize, depth: usize) -> R<Object> {
        if let Ok((j, v)) = self.real(i) {
            return Ok((j, Object::Real(v)));
        }
        if let Ok((j, v)) = self.integer(i) {
            return Ok((j, Object::Integer(v)));
        }
        if let Ok((j, v)) = self.name(i) {
            return Ok((j, Object::Name(v)));
        }
        if let Ok((j, v)) = self.literal_string(i) {
            return Ok((j, Object::String(v, StringFormat::Literal)));
        }
        if let Ok(r) = self.hexadecimal_string(i) {
            return Ok(r);
        }
        match self.array(i, depth) {
            Err(Stop::Error) => {}
            r => return r.map(|(j, a)| (j, Object::Array(a))),
        }
        self.dictionary(i, depth).map(|(j, d)| (j, Object::Dictionary(d)))
    }

    /// An element of an array or a dictionary value, and the space after it.
    fn direct_object(&self, i: usize, depth: usize) -> R<Object> {
        if depth == 0 {
            return Err(Stop::Failure);
        }
        let depth = depth - 1;
        let (j, o) = match self.keyword(i) {
            Ok(r) => r,
            Err(_) => match self.reference(i) {
                Ok(r) => r,
                Err(_) => self.value(i, depth)?,
            },
        };
        Ok((self.space(j), o))
    }

    fn array(&self, i: usize, depth: usize) -> R<Vec<Object>> {
        if self.at(i) != Some(b'[') {
            return Err(Stop::Error);
        }
        let mut j = self.space(i + 1);
        let mut items = Vec::new();
        loop {
            match self.direct_object(j, depth) {
                Ok((k, o)) => {
                    items.push(o);
                    j = k;
                }
                Err(Stop::Error) => break,
                Err(Stop::Failure) => return Err(Stop::Failure),
            }
        }
        if self.at(j) != Some(b']') {
            return Err(Stop::Error);
        }
        Ok((j + 1, items))
    }

    /// Pairs of a name and a value (the inside of `<< >>`).
    fn inner_dictionary(&self, mut i: usize, depth: usize) -> R<Dictionary> {
        let mut dict = Dictionary::new();
        loop {
            let Ok((j, key)) = self.name(i) else { break };
            let j = self.space(j);
            match self.direct_object(j, depth) {
                Ok((k, value)) => {
                    dict.set(key, value);
                    i = k;
                }
                Err(Stop::Error) => break,
                Err(Stop::Failure) => return Err(Stop::Failure),
            }
        }
        Ok((i, dict))
    }

    fn dictionary(&self, i: usize, depth: usize) -> R<Dictionary> {
        if !self.starts(i, b"<<") {
            return Err(Stop::Error);
        }
        let j = self.space(i + 2);
        let (j, dict) = self.inner_dictionary(j, depth)?;
        if !self.starts(j, b">>") {
            return Err(Stop::Error);
        }
        Ok((j + 2, dict))
    }

    /// One operand and the spaces after it.
    fn operand(&self, i: usize) -> R<Object> {
        let (j, o) = match self.keyword(i) {
            Ok(r) => r,
            Err(_) => self.value(i, MAX_NESTING_DEPTH)?,
        };
        Ok((self.content_space(j), o))
    }

    /// Comments, then an inline image or operands and an operator. Returns
    /// the operator's range; the operands are pushed to `operands`.
    fn operation(&self, mut i: usize, operands: &mut Vec<Object>) -> R<(usize, usize)> {
        while let Some(j) = self.comment(i) {
            i = j;
        }
        if self.starts(i, b"BI") {
            // Past `BI` every error is a failure (lopdf's `cut`).
            let j = self.inline_image(self.content_space(i + 2)).map_err(|_| Stop::Failure)?;
            return Ok((j, (i, i + 2)));
        }
        loop {
            match self.operand(i) {
                Ok((j, o)) => {
                    operands.push(o);
                    i = j;
                }
                Err(Stop::Error) => break,
                Err(Stop::Failure) => return Err(Stop::Failure),
            }
        }
        let start = i;
        while self
            .at(i)
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"'))
        {
            i += 1;
        }
        if i == start {
            return Err(Stop::Error);
        }
        Ok((self.content_space(i), (start, i)))
    }

    /// The rest of an inline image after `BI`: its dictionary, `ID`, the data
    /// (by its computed size, else up to an `EI` between spaces), `EI`.
    fn inline_image(&self, i: usize) -> Result<usize, Stop> {
        let (i, dict) = self.inner_dictionary(i, MAX_NESTING_DEPTH)?;
        if !self.starts(i, b"ID") {
            return Err(Stop::Error);
        }
        let i = self.content_space(i + 2);
        match image_data_len(&dict) {
            Ok(len) if self.d.len() - i >= len => {
                let j = self.content_space(i + len);
                if !self.starts(j, b"EI") {
                    return Err(Stop::Error);
                }
                Ok(self.content_space(j + 2))
            }
            _ => {
                let ei = self.d[i..]
                    .windows(4)
                    .position(|w| {
                        matches!(w[0], b' ' | b'\n' | b'\r')
                            && w[1] == b'E'
                            && w[2] == b'I'
                            && matches!(w[3], b' ' | b'\n' | b'\r')
                    })
                    .ok_or(Stop::Failure)?;
                Ok(self.content_space(i + ei + 3))
            }
        }
    }
}

/// The size of an inline image's data when it is unfiltered, as lopdf
/// computes it (`image_data_stream`); `Err` where lopdf falls back to
/// searching for `EI`. Like lopdf, panics on an image without a colour space
/// that is not a mask, and wraps on overflow as release builds do.
fn image_data_len(dict: &Dictionary) -> Result<usize, lopdf::Error> {
    let get_abbr = |key_abbr: &[u8], key: &[u8]| dict.get(key_abbr).or_else(|_| dict.get(key));
    let width = get_abbr(b"W", b"Width")?.as_i64()? as usize;
    let height = get_abbr(b"H", b"Height")?.as_i64()? as usize;
    let bpc = get_abbr(b"BPC", b"BitsPerComponent")?.as_i64()? as usize;
    let im = get_abbr(b"IM", b"ImageMask").and_then(|x| x.as_bool());
    let num_colors: usize = match im {
        Ok(true) => 1,
        _ => {
            let colorspace = get_abbr(b"CS", b"ColorSpace").unwrap().as_name()?;
            match colorspace {
                b"DeviceGray" | b"Gray" => 1,
                b"DeviceRGB" | b"RGB" => 3,
                b"DeviceRGBA" | b"RGBA" => 4,
                b"DeviceCMYK" | b"CMYK" => 4,
                _ => return Err(lopdf::Error::Unimplemented("inline image colorspaces")),
            }
        }
    };
    let stride = width.wrapping_mul(num_colors.wrapping_mul(bpc)).div_ceil(8);
    let length = height.wrapping_mul(stride);
    if get_abbr(b"F", b"Filter").is_ok() {
        return Err(lopdf::Error::Unimplemented("filters for inline images"));
    }
    Ok(length)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::content::Content;

    thread_local! {
        static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Runs `f`, a panic being a value; the panic message is not printed.
    fn quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> std::thread::Result<T> {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !QUIET.with(|q| q.get()) {
                    previous(info);
                }
            }));
        });
        QUIET.with(|q| q.set(true));
        let r = std::panic::catch_unwind(f);
        QUIET.with(|q| q.set(false));
        r
    }

    /// Both parsers on `data`: the same operations, or both fail (an error
    /// or a panic: an inline image without a colour space panics in lopdf).
    fn agree(data: &[u8]) {
        let theirs = quietly(|| Content::decode(data).ok());
        let ours = quietly(|| parse(data));
        match (theirs, ours) {
            (Ok(Some(t)), Ok(Some(o))) => {
                let ops: Vec<Operation> = o.iter(data).collect();
                assert_eq!(t.operations.len(), ops.len(), "count on {:?}", String::from_utf8_lossy(data));
                for (t, o) in t.operations.iter().zip(&ops) {
                    assert_eq!(t.operator, o.operator, "on {:?}", String::from_utf8_lossy(data));
                    if t.operator == "BI" {
                        continue; // the image itself is not kept
                    }
                    assert_eq!(format!("{:?}", t.operands), format!("{:?}", o.operands), "on {:?}", String::from_utf8_lossy(data));
                }
            }
            (Ok(None), Ok(None)) | (Err(_), Err(_)) => {}
            (t, o) => panic!(
                "disagree on {:?}: lopdf {:?}, ours {:?}",
                String::from_utf8_lossy(data),
                t.map(|c| c.map(|c| c.operations.len())).map_err(|_| "panic"),
                o.map(|c| c.map(|c| c.len())).map_err(|_| "panic")
            ),
        }
    }

    const SAMPLE: &[u8] = b"%comment\r\n/P <</MCID 0 /A [1 2.5 (x)]>> BDC q 0.5 0 0 -.5 +3 4. cm\n\
        BT /F1 12 Tf 1 0 0 1 72 700 Tm [(H\\145llo\\)\\\n (n\\(ested\\)) (a(b(c)d)e)) -250 <48 65 6c6> 5 0 R (\\n\\r\\t\\b\\f\\q\\0531)] TJ\n\
        (x) Tj T* 1 2 Td 2 TL 0 Tc 0 Tw 100 Tz 0 Ts ET Q EMC\n\
        /Im#201 Do 1 0 0 RG 0 0 1 rg /CS0 cs 0.1 0.2 0.3 scn 10 10 100 100 re f 0 0 m 10 10 l S\n\
        BI /W 2 /H 2 /BPC 8 /CS /G ID \x00\x01\x02\x03 EI q Q\n\
        BI /W 4 /H 1 /BPC 8 /CS /Unknown ID abcd EI Q\n\
        true false null d0 d1 ' \" <<>> [] [[[]]] <> () ( ) Tj\n";

    #[test]
    fn agrees_with_lopdf_on_a_sample() {
        agree(SAMPLE);
        // The whole sample parses (its last operation is its last `Tj`).
        let ops = parse(SAMPLE).unwrap();
        let last = ops.iter(SAMPLE).last().unwrap();
        assert_eq!((last.operator, ops.len()), ("Tj", ops.len()));
        assert!(ops.len() > 35, "{}", ops.len());
    }

    #[test]
    fn decode_content_is_lopdfs() {
        for data in [SAMPLE, &b"q 1 0 0 1 5 5 cm BT /F1 9 Tf (a) Tj ET Q"[..], b"(x) Tj }"] {
            let ours = decode_content(data).unwrap();
            let theirs = Content::decode(data).unwrap();
            assert_eq!(format!("{:?}", ours.operations), format!("{:?}", theirs.operations));
            assert_eq!(ours.encode().unwrap(), theirs.encode().unwrap());
        }
    }

    #[test]
    fn agrees_on_edge_cases() {
        for case in [
            &b""[..],
            b"   ",
            b"q",
            b"1 2",
            b"99999999999999999999 w",
            b"1.5.5 w",
            b"- 5 w",
            b"1 0 0 %c\n 1 0 0 cm",
            b"%a\n  q",
            b"%a\nq %b",
            b"%a",
            b"(abc",
            b"(abc\\",
            b"(a\\\r\nb) Tj (a\rb\r\nc\nd) Tj",
            b"<4 1> Tj <zz> Tj",
            b"<< /A 1 /B >> BDC",
            b"<</A 1 /A 2>> BDC",
            b"[1 2 R] TJ [1 2 0 R] TJ [1 -2 0 R] TJ [1 99999 R] TJ",
            b"[1 %c\n 2] TJ",
            b"[1\x0c2\x003] TJ 1\x0c2 w",
            b"/a#4 Tf /#41#42 Tf /a/b Tf",
            b"/Name#2 Do q",
            b"nullx w truex w",
            b"BIx",
            b"BI ID EI",
            b"BI /W 1 /H 1 /BPC 8 /IM true ID x EI Q",
            b"BI /W 1 /H 1 /BPC 8 /IM true ID xy EI Q",
            b"BI /W 1 /H 1 /BPC 8 /CS /G /F /AHx ID 0a> EI Q",
            b"BI /W 1 /H 1 /BPC 8 /CS /G ID x",
            b"BI /W 100 /H 1 /BPC 8 /CS /G ID x EI",
            b"1 BI Q",
            b"q }",
            b"Tj(a)Tj",
            b"[(a) 1.5 .5 -.5 +1] TJ",
        ] {
            agree(case);
        }
    }

    #[test]
    fn deep_nesting_agrees() {
        for depth in [98, 99, 100, 101, 102, 150] {
            let mut s = Vec::new();
            s.extend(std::iter::repeat_n(b'[', depth));
            s.extend(std::iter::repeat_n(b']', depth));
            s.extend_from_slice(b" TJ");
            agree(&s);
            let mut s = b"(".to_vec();
            s.extend(std::iter::repeat_n(b'(', depth));
            s.extend(std::iter::repeat_n(b')', depth));
            s.extend_from_slice(b") Tj q");
            agree(&s);
            let mut s = Vec::new();
            for _ in 0..depth {
                s.extend_from_slice(b"<</A ");
            }
            for _ in 0..depth {
                s.extend_from_slice(b">>");
            }
            s.extend_from_slice(b" BDC q");
            agree(&s);
        }
    }

    /// Every prefix, and many single-byte changes, of the sample: damaged
    /// streams stop (or fail) at the same place in both parsers.
    #[test]
    fn agrees_on_damaged_streams() {
        for n in 0..SAMPLE.len() {
            agree(&SAMPLE[..n]);
        }
        let tokens = b" \t\r\n\x00\x0c()<>[]{}/%#\\.+-0123456789aBEIRTjfnul";
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut s = SAMPLE.to_vec();
            for k in 0..1 + (seed % 3) as usize {
                let at = ((seed >> (8 + 8 * k)) as usize) % s.len();
                s[at] = tokens[((seed >> (40 + k)) as usize) % tokens.len()];
            }
            agree(&s);
        }
    }

    /// Every content stream of the PDFs in the folders named by
    /// `PDF_DIRS` (colon-separated; the project's corpus/pdf and the shared
    /// corpus), with every single-byte damage at a few hundred places each.
    /// `PDF_DIRS=../../corpus/pdf:../../../shared/corpus cargo test -- --ignored`
    #[test]
    #[ignore]
    fn agrees_on_real_streams() {
        let dirs = std::env::var("PDF_DIRS").unwrap_or_default();
        let mut streams = 0;
        for dir in dirs.split(':').filter(|d| !d.is_empty()) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "pdf") {
                    continue;
                }
                let Ok(doc) = lopdf::Document::load(&path) else { continue };
                for (_, obj) in doc.objects.iter() {
                    let Ok(stream) = obj.as_stream() else { continue };
                    let Ok(data) = crate::decode_stream(stream) else { continue };
                    if stream.dict.get(b"Subtype").is_ok() || stream.dict.get(b"Type").is_ok() || data.is_empty() {
                        continue; // fonts, images, forms' resources: not content streams
                    }
                    agree(&data);
                    streams += 1;
                    let step = (data.len() / 200).max(1);
                    for at in (0..data.len()).step_by(step) {
                        for b in [b'(', b')', b'[', b'%', b'<', b'\\', b'B', b'.', b'\0'] {
                            let mut d = data.clone();
                            d[at] = b;
                            agree(&d);
                        }
                    }
                }
            }
        }
        eprintln!("{streams} streams");
    }
}
