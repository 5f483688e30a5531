//! Write: reports → the six CSV files of the output contract, atomically.
//!
//! Each file is written to a temporary name in the output directory and renamed
//! into place, so a reader never sees half a file and an interrupted run leaves the
//! previous outputs intact. Rows stream out as reports arrive, so memory does not
//! grow with the corpus.

use crate::model::Report;
use std::fs::File;
use std::io::{BufWriter, Write};
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
pub const FINDINGS_HEADER: [&str; 9] = [
    "report", "check", "severity", "table", "row", "column", "expected", "actual", "message",
];

type Csv = csv::Writer<BufWriter<File>>;

/// Streams reports into the six files; call [`Writers::finish`] to publish them.
pub struct Writers {
    dir: PathBuf,
    tmp: Vec<PathBuf>,
    reports: Csv,
    cells: Csv,
    wide: Csv,
    sections: Csv,
    repairs: Csv,
    findings: Csv,
    wide_keys: Vec<String>,
}

fn opt(n: Option<usize>) -> String {
    n.map(|v| v.to_string()).unwrap_or_default()
}

impl Writers {
    /// `wide_keys` are the `table.row.column` columns of `wide.csv`; `bom` writes a
    /// UTF-8 byte-order mark first so Excel and WPS detect the encoding.
    pub fn create(dir: &Path, wide_keys: Vec<String>, bom: bool) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let mut tmp = Vec::new();
        let mut open = |name: &str| -> std::io::Result<Csv> {
            let p = dir.join(format!(".{name}.tmp{}", std::process::id()));
            let mut f = BufWriter::new(File::create(&p)?);
            if bom {
                f.write_all(b"\xEF\xBB\xBF")?;
            }
            tmp.push(p);
            Ok(csv::WriterBuilder::new().from_writer(f))
        };
        let mut w = Writers {
            reports: open(FILES[0])?,
            cells: open(FILES[1])?,
            wide: open(FILES[2])?,
            sections: open(FILES[3])?,
            repairs: open(FILES[4])?,
            findings: open(FILES[5])?,
            dir: dir.to_path_buf(),
            tmp,
            wide_keys,
        };
        w.reports.write_record(REPORTS_HEADER)?;
        w.cells.write_record(CELLS_HEADER)?;
        let mut wh: Vec<String> = ["report", "agency", "year", "format"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        wh.extend(w.wide_keys.iter().cloned());
        w.wide.write_record(&wh)?;
        w.sections.write_record(SECTIONS_HEADER)?;
        w.repairs.write_record(REPAIRS_HEADER)?;
        w.findings.write_record(FINDINGS_HEADER)?;
        Ok(w)
    }

    /// Appends one report's rows to every file.
    pub fn write(&mut self, r: &Report) -> std::io::Result<()> {
        let year = r.year.map(|y| y.to_string()).unwrap_or_default();
        self.reports.write_record([
            r.id.as_str(),
            &r.source,
            &r.format,
            &r.agency,
            &year,
            r.published.as_deref().unwrap_or(""),
            &r.pages.to_string(),
            &r.status.to_string(),
            &r.error,
            &r.cells
                .iter()
                .filter(|c| !c.value.is_empty())
                .count()
                .to_string(),
            &r.repairs.len().to_string(),
            &r.findings.len().to_string(),
        ])?;
        for c in &r.cells {
            self.cells.write_record([
                r.id.as_str(),
                &c.table,
                &c.row,
                &c.column,
                &c.value,
                &c.raw,
                &c.unit,
                &c.row_label,
                &c.column_label,
                &opt(c.page),
                &opt(c.line),
            ])?;
        }
        let mut wide = vec![r.id.clone(), r.agency.clone(), year, r.format.clone()];
        let by_key: std::collections::HashMap<String, &str> = r
            .cells
            .iter()
            .map(|c| {
                (
                    format!("{}.{}.{}", c.table, c.row, c.column),
                    c.value.as_str(),
                )
            })
            .collect();
        wide.extend(
            self.wide_keys
                .iter()
                .map(|k| by_key.get(k).copied().unwrap_or("").to_string()),
        );
        self.wide.write_record(&wide)?;
        for h in &r.headings {
            self.sections.write_record([
                r.id.as_str(),
                &h.level.to_string(),
                &h.number,
                &h.title,
                &h.section,
                &h.page.to_string(),
                &h.line.to_string(),
            ])?;
        }
        for x in &r.repairs {
            self.repairs.write_record([
                r.id.as_str(),
                &x.kind,
                &opt(x.page),
                &opt(x.line),
                &x.before,
                &x.after,
                &x.rule,
            ])?;
        }
        for f in &r.findings {
            self.findings.write_record([
                r.id.as_str(),
                &f.check,
                &f.severity.to_string(),
                &f.table,
                &f.row,
                &f.column,
                &f.expected,
                &f.actual,
                &f.message,
            ])?;
        }
        Ok(())
    }

    /// Flushes and renames every file into place.
    pub fn finish(mut self) -> std::io::Result<()> {
        for w in [
            &mut self.reports,
            &mut self.cells,
            &mut self.wide,
            &mut self.sections,
            &mut self.repairs,
            &mut self.findings,
        ] {
            w.flush()?;
        }
        drop((
            self.reports,
            self.cells,
            self.wide,
            self.sections,
            self.repairs,
            self.findings,
        ));
        for (tmp, name) in self.tmp.iter().zip(FILES) {
            std::fs::rename(tmp, self.dir.join(name))?;
        }
        Ok(())
    }
}

/// Writes bytes to `path` atomically (temp file in the same directory, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
