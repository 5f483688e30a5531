//! CSV records written straight from a row struct's `Serialize`: each field is
//! appended to one byte buffer, quoted only when it must be, as the `csv`
//! crate's default writer does (`QuoteStyle::Necessary`), so the files are the
//! same byte for byte. The `csv` writer runs every field through a general
//! state machine (delimiter, quoting and buffer-full states per call), which
//! made serialising `cells.csv` about half the cost of writing the six files;
//! here a field is one scan for the four bytes that need quotes and one copy.
//!
//! The row structs stay the one definition of each file's columns: this is a
//! serde `Serializer`, driven by the same derive that names the header.

use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// Bytes that make a field quoted: the delimiter, the quote, and both line
/// ends (a reader ends a record at either).
fn needs_quotes(field: &[u8]) -> bool {
    // All four are at most `,` (0x2C), and most fields (ids, numbers, Chinese
    // text, whose UTF-8 bytes are all 0x80 or more) have no byte that low: one
    // pass without an early exit, which the compiler vectorises, rules them out.
    if !field.iter().fold(false, |low, &b| low | (b <= b',')) {
        return false;
    }
    field
        .iter()
        .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
}

/// Appends `field` to `out`, in quotes (a quote doubled) when it needs them.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    if !needs_quotes(field) {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for part in field.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.ends_with(b"\"") {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// One record being appended to a buffer.
pub(super) struct Record<'a> {
    out: &'a mut Vec<u8>,
    start: usize,
    fields: usize,
}

impl<'a> Record<'a> {
    pub(super) fn new(out: &'a mut Vec<u8>) -> Self {
        let start = out.len();
        Record {
            out,
            start,
            fields: 0,
        }
    }

    /// Appends one field.
    pub(super) fn field(&mut self, field: &[u8]) {
        if self.fields > 0 {
            self.out.push(b',');
        }
        self.fields += 1;
        push_field(self.out, field);
    }

    /// Ends the record with `\n`. A record that wrote no byte at all (one empty
    /// field) is written as `""`, so it does not read back as a blank line.
    pub(super) fn end(self) {
        if self.out.len() == self.start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
    }
}

/// A value a row cannot hold as a CSV field (a map, an enum with data, a float:
/// no row struct has one).
#[derive(Debug)]
pub struct Unsupported(String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write a CSV field: {}", self.0)
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Unsupported(msg.to_string())
    }
}

impl From<Unsupported> for std::io::Error {
    fn from(e: Unsupported) -> Self {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e)
    }
}

type Result = std::result::Result<(), Unsupported>;

fn unsupported(what: &str) -> Result {
    Err(Unsupported(what.to_string()))
}

macro_rules! integers {
    ($($method:ident: $t:ty),*) => {
        $(fn $method(self, v: $t) -> Result {
            self.field(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        })*
    };
}

/// Fields in order: a struct's fields, a tuple's or a sequence's elements
/// (nested ones flattened), `None` as an empty field.
impl ser::Serializer for &mut Record<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Impossible<(), Unsupported>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Impossible<(), Unsupported>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    integers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_bool(self, v: bool) -> Result {
        self.field(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result {
        unsupported("a float")
    }
    fn serialize_f64(self, _: f64) -> Result {
        unsupported("a float")
    }
    fn serialize_char(self, v: char) -> Result {
        self.field(v.encode_utf8(&mut [0; 4]).as_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.field(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        self.field(v);
        Ok(())
    }
    fn serialize_none(self) -> Result {
        self.field(b"");
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        unsupported("an enum variant with data")
    }
    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self, Unsupported> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> std::result::Result<Self, Unsupported> {
        Ok(self)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported("a tuple struct".into()))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported("an enum variant with data".into()))
    }
    fn serialize_map(
        self,
        _: Option<usize>,
    ) -> std::result::Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported("a map".into()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, Unsupported> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported("an enum variant with data".into()))
    }
}

impl ser::SerializeSeq for &mut Record<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        v.serialize(&mut **self)
    }
    fn end(self) -> Result {
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Record<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        v.serialize(&mut **self)
    }
    fn end(self) -> Result {
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Record<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, v: &T) -> Result {
        v.serialize(&mut **self)
    }
    fn end(self) -> Result {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the `csv` crate's default writer makes of the same value.
    fn by_csv<T: Serialize>(v: &T) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        w.serialize(v).unwrap();
        w.into_inner().unwrap()
    }

    fn by_record<T: Serialize>(v: &T) -> Vec<u8> {
        let mut out = Vec::new();
        let mut r = Record::new(&mut out);
        v.serialize(&mut r).unwrap();
        r.end();
        out
    }

    #[test]
    fn fields_are_quoted_exactly_as_the_csv_crate_quotes_them() {
        let awkward = [
            "",
            "plain",
            "中文，全角逗号",
            "a,b",
            "say \"hi\"",
            "\"",
            "\"\"",
            "line\nbreak",
            "cr\rlf\r\n",
            " leading and trailing ",
            "tab\there",
            "#comment",
            "'quote'",
        ];
        for a in awkward {
            for b in awkward {
                let row = (a, Some(7usize), None::<usize>, b, -3i32, 250u8, true);
                assert_eq!(by_record(&row), by_csv(&row), "{a:?} {b:?}");
            }
            assert_eq!(by_record(&(a,)), by_csv(&(a,)), "{a:?} alone");
            assert_eq!(by_record(&[a, a]), by_csv(&[a, a]), "{a:?} twice");
        }
        assert_eq!(by_record(&("",)), b"\"\"\n");
        assert_eq!(by_record(&None::<u8>), b"\"\"\n");
    }

    #[test]
    fn a_value_with_no_field_form_is_an_error() {
        let mut out = Vec::new();
        let mut r = Record::new(&mut out);
        let e = 1.5f64.serialize(&mut r).unwrap_err();
        assert!(e.to_string().contains("float"), "{e}");
        let mut m = std::collections::BTreeMap::new();
        m.insert("k", "v");
        assert!(m.serialize(&mut r).is_err());
    }
}
