//! The output contract's files as CSV: their names and headers, and the few helpers
//! every reader and writer of them shares (`write`, `crossyear`, `merge`, `eval`,
//! `xlsx`). It sits below all of them, so none has to import another to read a file.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

pub const FILES: [&str; 6] = [
    "reports.csv",
    "cells.csv",
    "wide.csv",
    "sections.csv",
    "repairs.csv",
    "findings.csv",
];

pub const REPORTS_HEADER: [&str; 12] = [
    "report",
    "source",
    "format",
    "agency",
    "year",
    "published",
    "pages",
    "status",
    "error",
    "cells",
    "repairs",
    "findings",
];
pub const CELLS_HEADER: [&str; 11] = [
    "report",
    "table",
    "row",
    "column",
    "value",
    "raw",
    "unit",
    "row_label",
    "column_label",
    "page",
    "line",
];
pub const SECTIONS_HEADER: [&str; 7] = [
    "report", "level", "number", "title", "section", "page", "line",
];
pub const REPAIRS_HEADER: [&str; 7] = ["report", "kind", "page", "line", "before", "after", "rule"];
pub const FINDINGS_HEADER: [&str; 11] = [
    "report", "check", "severity", "table", "row", "column", "expected", "actual", "page", "line",
    "message",
];
/// The columns of `wide.csv` before the cell keys.
pub const WIDE_PREFIX: [&str; 4] = ["report", "agency", "year", "format"];

/// The UTF-8 byte-order mark `--excel` writes first.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub type CsvWriter = csv::Writer<BufWriter<File>>;
pub type CsvReader = csv::Reader<BufReader<File>>;

/// The temporary name of `name` in `dir`: hidden, and unique to this process.
pub fn tmp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.tmp{}", std::process::id()))
}

/// Creates a CSV file, with a UTF-8 byte-order mark first when `bom`.
pub fn create_csv(path: &Path, bom: bool) -> io::Result<CsvWriter> {
    let mut f = BufWriter::new(File::create(path)?);
    if bom {
        f.write_all(BOM)?;
    }
    Ok(csv::WriterBuilder::new().from_writer(f))
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

/// The `findings.csv` record of one finding (columns of [`FINDINGS_HEADER`]).
pub fn finding_record(report: &str, f: &crate::model::Finding) -> [String; 11] {
    [
        report.to_string(),
        f.check.clone(),
        f.severity.to_string(),
        f.table.clone(),
        f.row.clone(),
        f.column.clone(),
        f.expected.clone(),
        f.actual.clone(),
        opt(f.page),
        opt(f.line),
        f.message.clone(),
    ]
}

/// An optional number as a CSV field: empty when absent.
pub fn opt(n: Option<usize>) -> String {
    n.map(|v| v.to_string()).unwrap_or_default()
}
