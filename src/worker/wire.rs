//! How a report travels from a worker process to its parent: a compact binary
//! encoding of [`Report`], written by the one binary that also reads it.
//!
//! JSON (serde_json) cost the parent about a tenth of a text run: every key
//! name, quote and escape of ~150 cells a report parsed back character by
//! character. Here a string is its length and its bytes (one UTF-8 check and
//! one copy to decode), an integer a LEB128 varint, an option a tag byte, a
//! list its length and its items; a struct is its fields in declaration order,
//! listed once per type by [`wire_struct!`], which destructures the struct
//! without `..` so a field added to the model and not to the wire does not
//! compile.
//!
//! A frame is [`MAGIC`], the body's length (8 bytes, little-endian) and the
//! body: a byte saying what it holds, then a whole [`Report`] or a
//! [`Rendered`] one (its rows of the six files as bytes, which the parent only
//! appends to its files). Decoding never trusts the bytes: a length beyond the
//! body, invalid UTF-8 (in the rows too), an unknown tag or bytes left over is
//! an error, which the parent treats as a worker gone wrong (the file gets an
//! error row).

use crate::model::{Cell, CompactString, Finding, Heading, Repair, Report, Severity, Status};
use crate::sink::{Finished, Rendered};
use std::fmt;

/// Starts every frame, so stray bytes on a worker's standard output (something
/// printing where it should not) are told apart from an answer at once rather
/// than read as a length.
pub const MAGIC: &[u8; 4] = b"NBR1";

/// Bytes before the body: [`MAGIC`] and the body's length.
pub const HEADER_LEN: usize = MAGIC.len() + 8;

/// A body that does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(&'static str);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for WireError {}

/// The first byte of a body: what it holds.
const WHOLE: u8 = 0;
const RENDERED: u8 = 1;

/// Appends a frame holding `report` to `out`.
pub fn encode_frame(report: &Finished, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[0; 8]);
    match report {
        Finished::Report(r) => {
            out.push(WHOLE);
            r.put(out);
        }
        Finished::Rendered(r) => {
            out.push(RENDERED);
            r.put(out);
        }
    }
    let len = (out.len() - start - HEADER_LEN) as u64;
    out[start + MAGIC.len()..start + HEADER_LEN].copy_from_slice(&len.to_le_bytes());
}

/// The body length a frame header announces.
pub fn body_len(header: &[u8; HEADER_LEN]) -> Result<u64, WireError> {
    if &header[..MAGIC.len()] != MAGIC {
        return Err(WireError("not a report frame"));
    }
    let mut len = [0; 8];
    len.copy_from_slice(&header[MAGIC.len()..]);
    Ok(u64::from_le_bytes(len))
}

/// The report a frame body holds; all of the body must be used.
pub fn decode(body: &[u8]) -> Result<Finished, WireError> {
    let mut r = Reader(body);
    let report = match r.byte()? {
        WHOLE => Finished::Report(Report::get(&mut r)?),
        RENDERED => Finished::Rendered(Rendered::get(&mut r)?),
        _ => return Err(WireError("bad frame kind")),
    };
    if !r.0.is_empty() {
        return Err(WireError("bytes after the report"));
    }
    Ok(report)
}

/// The bytes not yet decoded.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, WireError> {
        let (&b, rest) = self.0.split_first().ok_or(WireError("truncated"))?;
        self.0 = rest;
        Ok(b)
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.0.len() {
            return Err(WireError("truncated"));
        }
        let (b, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, WireError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(WireError("varint too long"))
    }

    fn len(&mut self) -> Result<usize, WireError> {
        usize::try_from(self.varint()?).map_err(|_| WireError("length too large"))
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A value that can be put on the wire and read back.
trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError>;
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        put_str(out, self);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        get_str(r).map(str::to_owned)
    }
}

/// A string: its length, then its bytes.
fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// A string [`put_str`] wrote, checked to be UTF-8.
fn get_str<'a>(r: &mut Reader<'a>) -> Result<&'a str, WireError> {
    let n = r.len()?;
    std::str::from_utf8(r.bytes(n)?).map_err(|_| WireError("invalid UTF-8"))
}

/// The texts of cells: as `String`, read back inline when short.
impl Wire for CompactString {
    fn put(&self, out: &mut Vec<u8>) {
        put_str(out, self);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        get_str(r).map(CompactString::from)
    }
}

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, *self as u64);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        r.len()
    }
}

impl Wire for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, *self);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        r.varint()
    }
}

/// The rows of the six files: each its length and its bytes, which must be
/// UTF-8 (checked with SIMD: they are most of a rendered frame).
impl Wire for [Vec<u8>; 6] {
    fn put(&self, out: &mut Vec<u8>) {
        for rows in self {
            put_varint(out, rows.len() as u64);
            out.extend_from_slice(rows);
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let mut all: [Vec<u8>; 6] = Default::default();
        for rows in &mut all {
            let n = r.len()?;
            let b = r.bytes(n)?;
            simdutf8::basic::from_utf8(b).map_err(|_| WireError("invalid UTF-8 in rows"))?;
            *rows = b.to_vec();
        }
        Ok(all)
    }
}

impl Wire for u8 {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        r.byte()
    }
}

impl Wire for i32 {
    /// Zigzag, so a small negative number stays short.
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, u64::from(((*self << 1) ^ (*self >> 31)) as u32));
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let z = u32::try_from(r.varint()?).map_err(|_| WireError("i32 out of range"))?;
        Ok(((z >> 1) as i32) ^ -((z & 1) as i32))
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        match r.byte()? {
            0 => Ok(None),
            1 => T::get(r).map(Some),
            _ => Err(WireError("bad option tag")),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(out, self.len() as u64);
        for x in self {
            x.put(out);
        }
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
        let n = r.len()?;
        // Every item takes at least one byte, so a corrupt count cannot make
        // this reserve more than the body could hold.
        let mut v = Vec::with_capacity(n.min(r.0.len()));
        for _ in 0..n {
            v.push(T::get(r)?);
        }
        Ok(v)
    }
}

/// Fieldless enums as one byte: their variants, in order.
macro_rules! wire_enum {
    ($t:ident { $($v:ident),* $(,)? }) => {
        impl Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                const ALL: &[$t] = &[$($t::$v),*];
                let i = ALL.iter().position(|v| v == self).unwrap_or(0);
                out.push(i as u8);
            }
            fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
                const ALL: &[$t] = &[$($t::$v),*];
                ALL.get(usize::from(r.byte()?))
                    .copied()
                    .ok_or(WireError(concat!("bad ", stringify!($t))))
            }
        }
        // A variant added to the model and not listed here does not compile.
        const _: fn($t) = |v| match v { $($t::$v => ()),* };
    };
}

wire_enum!(Severity {
    Error,
    Warning,
    Info
});
wire_enum!(Status { Ok, Partial, Error });

/// Structs as their fields in order.
macro_rules! wire_struct {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                let $t { $($f),* } = self;
                $($f.put(out);)*
            }
            fn get(r: &mut Reader<'_>) -> Result<Self, WireError> {
                // Fields of a struct expression are evaluated in the order
                // written, which is the order `put` wrote them.
                Ok($t { $($f: Wire::get(r)?),* })
            }
        }
    };
}

wire_struct!(Cell {
    table,
    row,
    column,
    value,
    raw,
    unit,
    row_label,
    column_label,
    page,
    line,
});
wire_struct!(Heading {
    level,
    number,
    title,
    section,
    page,
    line,
});
wire_struct!(Repair {
    kind,
    page,
    line,
    before,
    after,
    rule,
});
wire_struct!(Finding {
    check,
    severity,
    table,
    row,
    column,
    expected,
    actual,
    page,
    line,
    message,
});
wire_struct!(Rendered {
    id,
    status,
    error,
    agency,
    year,
    format,
    repairs,
    findings,
    facts,
    layout,
    rows,
});
wire_struct!(Report {
    id,
    source,
    format,
    agency,
    year,
    published,
    pages,
    status,
    error,
    cells,
    headings,
    repairs,
    findings,
});

#[cfg(test)]
mod tests {
    use super::*;

    /// A report with every field set, awkward values included.
    fn full() -> Report {
        let mut r = Report::failed("a/报告 1.txt", "text:gb18030", "line\nbreak, \"quoted\"");
        r.format = "f2021".into();
        r.agency = "某市人民政府办公室".into();
        r.year = Some(-2024);
        r.published = Some("2025-01-20".into());
        r.pages = 300;
        r.status = Status::Partial;
        r.cells.push(Cell {
            table: "applications".into(),
            row: "new_received".into(),
            column: "natural_person".into(),
            value: "-1.5".into(),
            raw: "1，5\t".into(),
            unit: "件".into(),
            row_label: "一、本年新收政府信息公开申请数量".into(),
            column_label: "自然人".into(),
            page: Some(usize::MAX),
            line: None,
        });
        r.cells.push(Cell::default());
        r.headings.push(Heading {
            level: 255,
            number: "（二）".into(),
            title: "主动公开".into(),
            section: "proactive".into(),
            page: 1,
            line: 1 << 40,
        });
        r.repairs.push(Repair {
            kind: "digit_split".into(),
            page: None,
            line: Some(0),
            before: "123".into(),
            after: "1|23".into(),
            rule: String::new(),
        });
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            r.findings.push(
                Finding::new("t3_balance", severity, "不平衡 ✗")
                    .at("t", "r", "c")
                    .values("1", "2")
                    .place(3, 4),
            );
        }
        r
    }

    fn frame(r: &Finished) -> Vec<u8> {
        let mut out = Vec::new();
        encode_frame(r, &mut out);
        out
    }

    /// `full()` rendered with the built-in grammars.
    fn rendered() -> Rendered {
        let g = crate::grammar::Grammars::embedded().unwrap();
        let mut r = full();
        // A cell the cross-year checks read, so the facts are not empty.
        r.cells.push(Cell {
            table: "applications".into(),
            row: "carried_over".into(),
            column: "total".into(),
            value: "3".into(),
            ..Default::default()
        });
        let rendered = crate::write::Renderer::new(&g).rendered(&r).unwrap();
        assert_eq!(rendered.facts.len(), 1);
        rendered
    }

    fn both() -> [Finished; 3] {
        [
            Finished::Report(full()),
            Finished::Report(Report::empty("")),
            Finished::Rendered(rendered()),
        ]
    }

    #[test]
    fn a_report_round_trips_field_for_field() {
        for r in both() {
            let f = frame(&r);
            let header: &[u8; HEADER_LEN] = f[..HEADER_LEN].try_into().unwrap();
            assert_eq!(body_len(header), Ok((f.len() - HEADER_LEN) as u64));
            let back = decode(&f[HEADER_LEN..]).unwrap();
            assert_eq!(format!("{back:?}"), format!("{r:?}"));
        }
        for y in [0, 1, -1, i32::MIN, i32::MAX] {
            let mut out = Vec::new();
            y.put(&mut out);
            assert_eq!(i32::get(&mut Reader(&out)), Ok(y));
        }
    }

    #[test]
    fn damaged_bytes_are_an_error_never_a_report_or_a_panic() {
        for r in both() {
            let f = frame(&r);
            let body = &f[HEADER_LEN..];
            // Every truncation, and a byte too many.
            for n in 0..body.len() {
                assert!(decode(&body[..n]).is_err(), "truncated at {n}");
            }
            let mut long = body.to_vec();
            long.push(0);
            assert_eq!(
                decode(&long).unwrap_err(),
                WireError("bytes after the report")
            );
            // Every single byte changed: an error or some report, never a
            // panic or a huge allocation.
            for i in 0..body.len() {
                let mut bad = body.to_vec();
                bad[i] ^= 0xff;
                let _ = decode(&bad);
            }
            let mut header: [u8; HEADER_LEN] = f[..HEADER_LEN].try_into().unwrap();
            header[0] = b'{';
            assert!(body_len(&header).is_err());
        }
    }

    #[test]
    fn rows_that_are_not_utf8_are_an_error() {
        let mut r = rendered();
        r.rows[1] = b"a,\xff\n".to_vec();
        let f = frame(&Finished::Rendered(r));
        assert_eq!(
            decode(&f[HEADER_LEN..]).unwrap_err(),
            WireError("invalid UTF-8 in rows")
        );
    }
}
