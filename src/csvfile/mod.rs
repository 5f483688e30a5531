//! The output contract's files as CSV, defined once: one serde row struct per file
//! (its fields, in order, are the file's columns; the header is read from the
//! struct, never kept as a second list), the files' names, and the typed reader and
//! writer every user of them shares (`write`, `crossyear`, `merge`, `eval`, `xlsx`,
//! `audit`). It sits below all of them, so none has to import another to read a
//! file, and none reads a field by its position.
//!
//! Rows borrow (`Cow<str>`) when written from a [`Report`] and own their text when
//! read back, so writing copies nothing and reading needs no lifetimes.

use crate::model::{Cell, Finding, Heading, Repair, Report};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

mod record;

/// One row of an output file: the file's name, and (from the struct's fields, in
/// order) its header.
pub trait CsvRow: Serialize + DeserializeOwned {
    /// The file name in an output folder.
    const FILE: &'static str;
    /// The same row borrowing its text (what a writer takes).
    type Of<'a>: Serialize;
    /// The file's columns: the struct's field names in order.
    fn header() -> &'static [&'static str] {
        field_names::<Self>()
    }
}

/// A row of `reports.csv`: one per input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportRow<'a> {
    pub report: Cow<'a, str>,
    pub source: Cow<'a, str>,
    pub format: Cow<'a, str>,
    pub agency: Cow<'a, str>,
    pub year: Option<i32>,
    /// `YYYY-MM-DD`, or empty.
    pub published: Cow<'a, str>,
    pub pages: usize,
    pub status: Cow<'a, str>,
    pub error: Cow<'a, str>,
    /// Cells with a value.
    pub cells: usize,
    pub repairs: usize,
    pub findings: usize,
}

/// A row of `cells.csv`: one per extracted cell.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CellRow<'a> {
    pub report: Cow<'a, str>,
    pub table: Cow<'a, str>,
    pub row: Cow<'a, str>,
    pub column: Cow<'a, str>,
    pub value: Cow<'a, str>,
    pub raw: Cow<'a, str>,
    pub unit: Cow<'a, str>,
    pub row_label: Cow<'a, str>,
    pub column_label: Cow<'a, str>,
    pub page: Option<usize>,
    pub line: Option<usize>,
}

/// The leading columns of `wide.csv`; one column per cell key follows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WideRow<'a> {
    pub report: Cow<'a, str>,
    pub agency: Cow<'a, str>,
    pub year: Option<i32>,
    pub format: Cow<'a, str>,
}

/// A row of `sections.csv`: one per heading.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SectionRow<'a> {
    pub report: Cow<'a, str>,
    pub level: u8,
    pub number: Cow<'a, str>,
    pub title: Cow<'a, str>,
    pub section: Cow<'a, str>,
    pub page: usize,
    pub line: usize,
}

/// A row of `repairs.csv`: one per change made to the text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairRow<'a> {
    pub report: Cow<'a, str>,
    pub kind: Cow<'a, str>,
    pub page: Option<usize>,
    pub line: Option<usize>,
    pub before: Cow<'a, str>,
    pub after: Cow<'a, str>,
    pub rule: Cow<'a, str>,
}

/// A row of `findings.csv`: one per failed check or anomaly.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingRow<'a> {
    pub report: Cow<'a, str>,
    pub check: Cow<'a, str>,
    /// `error`, `warning` or `info`.
    pub severity: Cow<'a, str>,
    pub table: Cow<'a, str>,
    pub row: Cow<'a, str>,
    pub column: Cow<'a, str>,
    pub expected: Cow<'a, str>,
    pub actual: Cow<'a, str>,
    pub page: Option<usize>,
    pub line: Option<usize>,
    pub message: Cow<'a, str>,
}

/// The row of `shard.csv`, which says which shard of a split a folder holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShardRow {
    pub shard: usize,
    pub of: usize,
}

/// A row of `inputs.csv`: where a report's input file is (empty for standard input).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InputRow<'a> {
    pub report: Cow<'a, str>,
    pub path: Cow<'a, str>,
}

/// `impl CsvRow` for a row struct borrowing its fields, and its file name.
macro_rules! csv_row {
    ($($row:ident => $file:literal),* $(,)?) => {$(
        impl CsvRow for $row<'static> {
            type Of<'a> = $row<'a>;
            const FILE: &'static str = $file;
        }
    )*};
}

csv_row! {
    ReportRow => "reports.csv",
    CellRow => "cells.csv",
    WideRow => "wide.csv",
    SectionRow => "sections.csv",
    RepairRow => "repairs.csv",
    FindingRow => "findings.csv",
    InputRow => "inputs.csv",
}

impl CsvRow for ShardRow {
    type Of<'a> = ShardRow;
    const FILE: &'static str = "shard.csv";
}

/// A row that belongs to one report (every output file but `shard.csv`).
pub trait PerReport {
    /// The report id of the row.
    fn report(&self) -> &str;
}

macro_rules! per_report {
    ($($t:ident),*) => {
        $(impl PerReport for $t<'_> {
            fn report(&self) -> &str {
                &self.report
            }
        })*
    };
}
per_report!(ReportRow, CellRow, WideRow, SectionRow, RepairRow, FindingRow, InputRow);

/// The six files of an output folder, in the order they are written and published.
pub const FILES: [&str; 6] = [
    ReportRow::FILE,
    CellRow::FILE,
    WideRow::FILE,
    SectionRow::FILE,
    RepairRow::FILE,
    FindingRow::FILE,
];

impl<'a> ReportRow<'a> {
    /// The row of a report; the counts are of its cells with a value, its repairs
    /// and its findings.
    pub fn of(r: &'a Report) -> Self {
        ReportRow {
            report: Cow::Borrowed(&r.id),
            source: Cow::Borrowed(&r.source),
            format: Cow::Borrowed(&r.format),
            agency: Cow::Borrowed(&r.agency),
            year: r.year,
            published: Cow::Borrowed(r.published.as_deref().unwrap_or("")),
            pages: r.pages,
            status: Cow::Borrowed(r.status.as_str()),
            error: Cow::Borrowed(&r.error),
            cells: r.cells.iter().filter(|c| !c.value.is_empty()).count(),
            repairs: r.repairs.len(),
            findings: r.findings.len(),
        }
    }
}

impl<'a> CellRow<'a> {
    pub fn of(report: &'a str, c: &'a Cell) -> Self {
        CellRow {
            report: Cow::Borrowed(report),
            table: Cow::Borrowed(&c.table),
            row: Cow::Borrowed(&c.row),
            column: Cow::Borrowed(&c.column),
            value: Cow::Borrowed(&c.value),
            raw: Cow::Borrowed(&c.raw),
            unit: Cow::Borrowed(&c.unit),
            row_label: Cow::Borrowed(&c.row_label),
            column_label: Cow::Borrowed(&c.column_label),
            page: c.page,
            line: c.line,
        }
    }

    /// The cell's key as a `wide.csv` column: `table.row.column`.
    pub fn key(&self) -> String {
        let mut key = String::new();
        cell_key_into(&mut key, &self.table, &self.row, &self.column);
        key
    }
}

/// Writes a cell's key as a `wide.csv` column (`table.row.column`, see
/// [`CellRow::key`]) into `out`, replacing what it held: the per-cell lookups
/// of the writer and the cross-year facts reuse one buffer instead of formatting
/// a new `String` for every cell.
pub fn cell_key_into(out: &mut String, table: &str, row: &str, column: &str) {
    out.clear();
    for (i, part) in [table, row, column].into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(part);
    }
}

impl<'a> WideRow<'a> {
    pub fn of(r: &'a Report) -> Self {
        WideRow {
            report: Cow::Borrowed(&r.id),
            agency: Cow::Borrowed(&r.agency),
            year: r.year,
            format: Cow::Borrowed(&r.format),
        }
    }
}

impl<'a> SectionRow<'a> {
    pub fn of(report: &'a str, h: &'a Heading) -> Self {
        SectionRow {
            report: Cow::Borrowed(report),
            level: h.level,
            number: Cow::Borrowed(&h.number),
            title: Cow::Borrowed(&h.title),
            section: Cow::Borrowed(&h.section),
            page: h.page,
            line: h.line,
        }
    }
}

impl<'a> RepairRow<'a> {
    pub fn of(report: &'a str, x: &'a Repair) -> Self {
        RepairRow {
            report: Cow::Borrowed(report),
            kind: Cow::Borrowed(&x.kind),
            page: x.page,
            line: x.line,
            before: Cow::Borrowed(&x.before),
            after: Cow::Borrowed(&x.after),
            rule: Cow::Borrowed(&x.rule),
        }
    }
}

impl<'a> FindingRow<'a> {
    pub fn of(report: &'a str, f: &'a Finding) -> Self {
        FindingRow {
            report: Cow::Borrowed(report),
            check: Cow::Borrowed(&f.check),
            severity: Cow::Borrowed(f.severity.as_str()),
            table: Cow::Borrowed(&f.table),
            row: Cow::Borrowed(&f.row),
            column: Cow::Borrowed(&f.column),
            expected: Cow::Borrowed(&f.expected),
            actual: Cow::Borrowed(&f.actual),
            page: f.page,
            line: f.line,
            message: Cow::Borrowed(&f.message),
        }
    }
}

/// The UTF-8 byte-order mark `--excel` writes first.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub type CsvWriter = csv::Writer<BufWriter<File>>;
pub type CsvReader = csv::Reader<BufReader<File>>;

/// The temporary name of `name` in `dir`: hidden, and unique to this process.
pub fn tmp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.tmp{}", std::process::id()))
}

/// Creates a CSV file, with a UTF-8 byte-order mark first when `bom`. Nothing is
/// written yet, not even a header (see [`RowWriter`] for a typed file).
pub fn create_csv(path: &Path, bom: bool) -> io::Result<CsvWriter> {
    let mut f = BufWriter::new(File::create(path)?);
    if bom {
        f.write_all(BOM)?;
    }
    Ok(csv::WriterBuilder::new().has_headers(false).from_writer(f))
}

/// Opens a CSV file for reading, record by record, header included as the first
/// record. Says whether it started with a byte-order mark (which is skipped), so a
/// rewrite can keep it.
pub fn open_csv(path: &Path) -> io::Result<(CsvReader, bool)> {
    let mut f = BufReader::new(File::open(path)?);
    let bom = f.fill_buf()?.starts_with(BOM);
    if bom {
        f.consume(BOM.len());
    }
    Ok((
        csv::ReaderBuilder::new().has_headers(false).from_reader(f),
        bom,
    ))
}

/// Flushes a CSV writer and its file, reporting errors the destructor would hide.
pub fn close_csv<W: Write>(wr: csv::Writer<W>) -> io::Result<()> {
    let mut inner = wr
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    inner.flush()
}

/// How many bytes of rows a [`RowWriter`] gathers before it writes them to its
/// file: as much as the `csv` writer and the `BufWriter` under it held together
/// before, so memory stays as it was and a write call carries many rows.
const WRITE_CHUNK: usize = 16 * 1024;

/// A typed output file being written: the header of `T` first, then rows. Rows
/// are serialised by [`record`] into a buffer written out in chunks.
pub struct RowWriter<T> {
    file: File,
    buf: Vec<u8>,
    row: std::marker::PhantomData<fn(T)>,
}

impl<T: CsvRow> RowWriter<T> {
    /// Creates `path` (a byte-order mark first when `bom`) and writes `T`'s header.
    pub fn create(path: &Path, bom: bool) -> io::Result<Self> {
        Self::create_with(path, bom, &[])
    }

    /// Like [`RowWriter::create`], with `extra` columns after `T`'s (the cell keys
    /// of `wide.csv`).
    pub fn create_with(path: &Path, bom: bool, extra: &[String]) -> io::Result<Self> {
        let mut w = RowWriter {
            file: File::create(path)?,
            buf: Vec::with_capacity(WRITE_CHUNK),
            row: std::marker::PhantomData,
        };
        if bom {
            w.buf.extend_from_slice(BOM);
        }
        let mut header = record::Record::new(&mut w.buf);
        for name in T::header()
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
        {
            header.field(name.as_bytes());
        }
        header.end();
        Ok(w)
    }

    /// Writes one row.
    pub fn write(&mut self, row: &T::Of<'_>) -> io::Result<()> {
        self.write_with(row, &[])
    }

    /// Writes one row followed by `extra` fields (see [`RowWriter::create_with`]).
    pub fn write_with(&mut self, row: &T::Of<'_>, extra: &[&str]) -> io::Result<()> {
        append_row::<T>(&mut self.buf, row, extra)?;
        self.spill()
    }

    /// Writes rows already rendered as CSV records of `T` (by [`append_row`]).
    pub fn write_records(&mut self, records: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(records);
        self.spill()
    }

    /// Lends the buffer of rows not yet written, to append rows to with
    /// [`append_row`]; [`RowWriter::spill`] then writes them out when enough
    /// have gathered.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Writes the buffered rows to the file once they fill a chunk.
    pub fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= WRITE_CHUNK {
            self.file.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes what is buffered and flushes the file, reporting errors a
    /// destructor would hide.
    pub fn close(mut self) -> io::Result<()> {
        self.file.write_all(&self.buf)?;
        self.file.flush()
    }
}

/// Appends one row of `T` followed by `extra` fields to `out` as one CSV record
/// (what [`RowWriter::write_with`] writes), for rows gathered before they reach
/// their file: a worker process renders its reports' rows and sends them to the
/// process that writes the files. On an error `out` is left as it was.
pub fn append_row<T: CsvRow>(out: &mut Vec<u8>, row: &T::Of<'_>, extra: &[&str]) -> io::Result<()> {
    let mark = out.len();
    let mut r = record::Record::new(out);
    if let Err(e) = row.serialize(&mut r) {
        out.truncate(mark);
        return Err(e.into());
    }
    for field in extra {
        r.field(field.as_bytes());
    }
    r.end();
    Ok(())
}

/// A column `T` needs that a file's header lacks. Carried inside the
/// [`io::Error`] of [`RowReader::open`], so a caller can name it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: missing column `{column}`", path.display())]
pub struct MissingColumn {
    pub path: PathBuf,
    pub column: String,
}

/// A typed output file being read: columns by their names in the header (so a
/// file with more columns, or in another order, is read the same), a byte-order
/// mark skipped. A column `T` needs that the header lacks is an error before any
/// row is read.
pub struct RowReader<T> {
    path: PathBuf,
    csv: CsvReader,
    header: csv::StringRecord,
    /// The header's columns beyond `T`'s, by position (`wide.csv`'s cell keys).
    extra: Vec<(usize, String)>,
    bom: bool,
    record: csv::StringRecord,
    row: std::marker::PhantomData<fn() -> T>,
}

impl<T: CsvRow> RowReader<T> {
    /// Opens `dir/T::FILE`.
    pub fn open_in(dir: &Path) -> io::Result<Self> {
        Self::open(&dir.join(T::FILE))
    }

    /// Opens `path`; an error names the file.
    pub fn open(path: &Path) -> io::Result<Self> {
        let named = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        let (mut csv, bom) = open_csv(path).map_err(named)?;
        let mut header = csv::StringRecord::new();
        if !csv.read_record(&mut header).map_err(|e| named(e.into()))? {
            return Err(named(io::Error::new(
                io::ErrorKind::InvalidData,
                "empty file, no header",
            )));
        }
        let columns = T::header();
        if let Some(c) = columns.iter().find(|c| !header.iter().any(|h| h == **c)) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                MissingColumn {
                    path: path.to_path_buf(),
                    column: c.to_string(),
                },
            ));
        }
        let extra = header
            .iter()
            .enumerate()
            .filter(|(_, h)| !columns.contains(h))
            .map(|(i, h)| (i, h.to_string()))
            .collect();
        Ok(RowReader {
            path: path.to_path_buf(),
            csv,
            header,
            extra,
            bom,
            record: csv::StringRecord::new(),
            row: std::marker::PhantomData,
        })
    }

    /// Whether the file starts with a byte-order mark, so a rewrite can keep it.
    pub fn bom(&self) -> bool {
        self.bom
    }

    /// The header's columns that are not `T`'s, in file order.
    pub fn extra_columns(&self) -> impl Iterator<Item = &str> {
        self.extra.iter().map(|(_, h)| h.as_str())
    }

    /// The next row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> io::Result<Option<T>> {
        if !self
            .csv
            .read_record(&mut self.record)
            .map_err(|e| self.error(e))?
        {
            return Ok(None);
        }
        self.record
            .deserialize(Some(&self.header))
            .map(Some)
            .map_err(|e| self.error(e))
    }

    /// The fields of the current row (the last one [`RowReader::next_row`]
    /// returned) under the columns that are not `T`'s, in file order.
    pub fn extra_fields(&self) -> impl Iterator<Item = &str> {
        self.extra
            .iter()
            .map(|(i, _)| self.record.get(*i).unwrap_or(""))
    }

    fn error(&self, e: csv::Error) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", self.path.display()),
        )
    }
}

impl<T: CsvRow> Iterator for RowReader<T> {
    type Item = io::Result<T>;
    fn next(&mut self) -> Option<io::Result<T>> {
        self.next_row().transpose()
    }
}

/// Every column of a row with its field as it is written, in file order: for
/// reading fields by their column name (the meta fields `eval` scores, the lead
/// columns of a `wide.csv` sheet) without a second list of them.
pub fn row_fields<T: CsvRow>(row: &T::Of<'_>) -> io::Result<Vec<(&'static str, String)>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.serialize(row)?;
    let bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut rec = csv::StringRecord::new();
    r.read_record(&mut rec)?;
    Ok(T::header()
        .iter()
        .copied()
        .zip(rec.iter().map(str::to_string))
        .collect())
}

/// The field names of a struct, in order, as serde's derive sees them: read by
/// asking `T` to deserialize itself from a deserializer that only records the
/// names it is offered. That is what ties a file's header to its row struct.
pub fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Names(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("field names read")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> serde::Deserializer<'de> for &mut Names {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut names = Names(None);
    let _ = T::deserialize(&mut names);
    names.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_the_contract_columns() {
        // The spec's columns, in its order (../shared/spec/README.md).
        assert_eq!(
            ReportRow::header().join(","),
            "report,source,format,agency,year,published,pages,status,error,cells,repairs,findings"
        );
        assert_eq!(
            CellRow::header().join(","),
            "report,table,row,column,value,raw,unit,row_label,column_label,page,line"
        );
        assert_eq!(WideRow::header().join(","), "report,agency,year,format");
        assert_eq!(
            SectionRow::header().join(","),
            "report,level,number,title,section,page,line"
        );
        assert_eq!(
            RepairRow::header().join(","),
            "report,kind,page,line,before,after,rule"
        );
        assert_eq!(
            FindingRow::header().join(","),
            "report,check,severity,table,row,column,expected,actual,page,line,message"
        );
    }

    #[test]
    fn rows_round_trip_and_columns_are_read_by_name() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(CellRow::FILE);
        let mut w = RowWriter::<CellRow>::create(&p, true).unwrap();
        let cell = Cell {
            table: "applications".into(),
            value: "7".into(),
            raw: "7,\"x\"".into(),
            page: Some(2),
            ..Default::default()
        };
        w.write(&CellRow::of("a/b.txt", &cell)).unwrap();
        w.close().unwrap();
        let mut r = RowReader::<CellRow>::open(&p).unwrap();
        assert!(r.bom());
        let row = r.next_row().unwrap().unwrap();
        assert_eq!(row, CellRow::of("a/b.txt", &cell));
        assert!(r.next_row().unwrap().is_none());
        // Another column order and an extra column read the same.
        std::fs::write(&p, "x,value,report,table,row,column,raw,unit,row_label,column_label,page,line\n1,7,r,t,,,,,,,,3\n").unwrap();
        let mut r = RowReader::<CellRow>::open(&p).unwrap();
        let row = r.next_row().unwrap().unwrap();
        assert_eq!(
            (row.value.as_ref(), row.line, row.page),
            ("7", Some(3), None)
        );
        assert_eq!(r.extra_fields().collect::<Vec<_>>(), ["1"]);
        let fields = row_fields::<CellRow>(&row).unwrap();
        assert_eq!(fields[4], ("value", "7".to_string()));
        assert_eq!(fields[10], ("line", "3".to_string()));
        // A missing column is named before any row.
        std::fs::write(&p, "report,table\nr,t\n").unwrap();
        let e = RowReader::<CellRow>::open(&p).err().unwrap();
        let missing = e.get_ref().and_then(|x| x.downcast_ref::<MissingColumn>());
        assert_eq!(missing.map(|m| m.column.as_str()), Some("row"));
    }
}
