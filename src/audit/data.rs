//! The output CSV files, read by column name and grouped by report.
//!
//! The view shows what these files say and computes nothing again, so it reads
//! them as they are: columns by header name (a file gaining a column, such as
//! `page,line` in `findings.csv`, is read before and after the change), a byte-order
//! mark skipped, rows grouped by the `report` column whatever their order.

use crate::write::open_csv;
use csv::StringRecord;
use std::collections::HashMap;
use std::io;
use std::path::Path;

/// One CSV file of the output, rows grouped by report.
#[derive(Debug, Default)]
pub struct CsvFile {
    columns: HashMap<String, usize>,
    /// Report ids in the order they first appear.
    pub order: Vec<String>,
    by_report: HashMap<String, Vec<StringRecord>>,
}

/// One row of a [`CsvFile`], fields by column name.
#[derive(Clone, Copy)]
pub struct Row<'a> {
    file: &'a CsvFile,
    rec: &'a StringRecord,
}

impl<'a> Row<'a> {
    /// The field under `column`; empty when the file has no such column.
    pub fn get(&self, column: &str) -> &'a str {
        self.file
            .columns
            .get(column)
            .and_then(|&i| self.rec.get(i))
            .unwrap_or("")
    }

    /// A numeric field (`page`, `line`, counts); `None` when empty or not a number.
    pub fn num(&self, column: &str) -> Option<usize> {
        self.get(column).trim().parse().ok()
    }
}

impl CsvFile {
    /// Reads `dir/name`; a missing file reads as empty (a folder from an older
    /// run, or a file a later version adds).
    pub fn read(dir: &Path, name: &str) -> io::Result<Self> {
        let path = dir.join(name);
        if !path.exists() {
            return Ok(CsvFile::default());
        }
        let (mut rd, _) = open_csv(&path)?;
        let mut out = CsvFile::default();
        let mut records = rd.records();
        let Some(header) = records.next() else {
            return Ok(out);
        };
        let header = header.map_err(|e| io::Error::other(format!("{name}: {e}")))?;
        out.columns = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to_string(), i))
            .collect();
        let report_col =
            out.columns.get("report").copied().ok_or_else(|| {
                io::Error::other(format!("{name}: no `report` column in the header"))
            })?;
        for rec in records {
            let rec = rec.map_err(|e| io::Error::other(format!("{name}: {e}")))?;
            let id = rec.get(report_col).unwrap_or("").to_string();
            match out.by_report.get_mut(&id) {
                Some(v) => v.push(rec),
                None => {
                    out.order.push(id.clone());
                    out.by_report.insert(id, vec![rec]);
                }
            }
        }
        Ok(out)
    }

    /// The rows of one report, in file order.
    pub fn rows<'a>(&'a self, report: &str) -> Vec<Row<'a>> {
        self.by_report
            .get(report)
            .map(|v| v.iter().map(|rec| Row { file: self, rec }).collect())
            .unwrap_or_default()
    }

    /// Every row, report by report in first-appearance order.
    pub fn all(&self) -> impl Iterator<Item = Row<'_>> {
        self.order.iter().flat_map(move |id| {
            self.by_report[id]
                .iter()
                .map(move |rec| Row { file: self, rec })
        })
    }

    pub fn has_column(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }
}

/// The four files the view reads (`wide.csv` repeats `cells.csv`;
/// `sections.csv` is not shown).
#[derive(Debug, Default)]
pub struct Output {
    pub reports: CsvFile,
    pub cells: CsvFile,
    pub repairs: CsvFile,
    pub findings: CsvFile,
}

impl Output {
    pub fn read(dir: &Path) -> io::Result<Self> {
        let reports = CsvFile::read(dir, "reports.csv")?;
        if reports.order.is_empty() && !dir.join("reports.csv").exists() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "{}: no reports.csv (not an output folder of `nianbao extract`)",
                    dir.display()
                ),
            ));
        }
        Ok(Output {
            reports,
            cells: CsvFile::read(dir, "cells.csv")?,
            repairs: CsvFile::read(dir, "repairs.csv")?,
            findings: CsvFile::read(dir, "findings.csv")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_by_name_rows_by_report() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("findings.csv"),
            "\u{FEFF}report,check,page,line,message\nb,x,2,7,m1\na,y,,,m2\nb,z,1,3,\"m,3\"\n",
        )
        .unwrap();
        let f = CsvFile::read(dir.path(), "findings.csv").unwrap();
        assert_eq!(f.order, vec!["b", "a"]);
        let b = f.rows("b");
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].num("page"), b[0].num("line")), (Some(2), Some(7)));
        assert_eq!(b[1].get("message"), "m,3");
        assert_eq!(b[0].get("no_such_column"), "");
        assert_eq!(f.rows("a")[0].num("line"), None);
        assert!(f.rows("c").is_empty());
        assert_eq!(f.all().count(), 3);
        assert!(CsvFile::read(dir.path(), "missing.csv")
            .unwrap()
            .order
            .is_empty());
    }
}
