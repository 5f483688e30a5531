//! The output CSV files, read through their row structs ([`crate::csvfile`]) and
//! grouped by report.
//!
//! The view shows what these files say and computes nothing again, so it reads
//! them as they are: columns by header name, a byte-order mark skipped, rows
//! grouped by report whatever their order.

use crate::csvfile::{CellRow, CsvRow, FindingRow, PerReport, RepairRow, ReportRow, RowReader};
use std::collections::HashMap;
use std::io;
use std::path::Path;

/// A row of `reports.csv`, as read.
pub type ReportRec = ReportRow<'static>;
/// A row of `cells.csv`, as read.
pub type CellRec = CellRow<'static>;
/// A row of `repairs.csv`, as read.
pub type RepairRec = RepairRow<'static>;
/// A row of `findings.csv`, as read.
pub type FindingRec = FindingRow<'static>;

/// One CSV file of the output, rows grouped by report.
#[derive(Debug)]
pub struct CsvFile<T> {
    /// Report ids in the order they first appear.
    pub order: Vec<String>,
    by_report: HashMap<String, Vec<T>>,
}

impl<T> Default for CsvFile<T> {
    fn default() -> Self {
        CsvFile {
            order: Vec::new(),
            by_report: HashMap::new(),
        }
    }
}

impl<T: CsvRow + PerReport> CsvFile<T> {
    /// Reads `dir/T::FILE`; a missing file reads as empty (a file a later version
    /// adds).
    pub fn read(dir: &Path) -> io::Result<Self> {
        if !dir.join(T::FILE).exists() {
            return Ok(CsvFile::default());
        }
        let mut out = CsvFile::default();
        for row in RowReader::<T>::open_in(dir)? {
            let row = row?;
            match out.by_report.get_mut(row.report()) {
                Some(v) => v.push(row),
                None => {
                    let id = row.report().to_string();
                    out.order.push(id.clone());
                    out.by_report.insert(id, vec![row]);
                }
            }
        }
        Ok(out)
    }

    /// The rows of one report, in file order.
    pub fn rows(&self, report: &str) -> &[T] {
        self.by_report.get(report).map_or(&[], Vec::as_slice)
    }

    /// Every row, report by report in first-appearance order.
    pub fn all(&self) -> impl Iterator<Item = &T> {
        self.order
            .iter()
            .flat_map(move |id| self.by_report[id].iter())
    }
}

/// The four files the view reads (`wide.csv` repeats `cells.csv`;
/// `sections.csv` is not shown).
#[derive(Debug, Default)]
pub struct Output {
    pub reports: CsvFile<ReportRec>,
    pub cells: CsvFile<CellRec>,
    pub repairs: CsvFile<RepairRec>,
    pub findings: CsvFile<FindingRec>,
}

impl Output {
    pub fn read(dir: &Path) -> io::Result<Self> {
        if !dir.join(ReportRec::FILE).exists() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "{}: no reports.csv (not an output folder of `nianbao extract`)",
                    dir.display()
                ),
            ));
        }
        Ok(Output {
            reports: CsvFile::read(dir)?,
            cells: CsvFile::read(dir)?,
            repairs: CsvFile::read(dir)?,
            findings: CsvFile::read(dir)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_by_report() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("findings.csv"),
            "\u{FEFF}report,check,severity,table,row,column,expected,actual,page,line,message\nb,x,info,,,,,,2,7,m1\na,y,info,,,,,,,,m2\nb,z,info,,,,,,1,3,\"m,3\"\n",
        )
        .unwrap();
        let f = CsvFile::<FindingRec>::read(dir.path()).unwrap();
        assert_eq!(f.order, vec!["b", "a"]);
        let b = f.rows("b");
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].page, b[0].line), (Some(2), Some(7)));
        assert_eq!(b[1].message, "m,3");
        assert_eq!(f.rows("a")[0].line, None);
        assert!(f.rows("c").is_empty());
        assert_eq!(f.all().count(), 3);
        assert!(CsvFile::<CellRec>::read(dir.path())
            .unwrap()
            .order
            .is_empty());
    }
}
