//! Write: reports → the six CSV files of the output contract, atomically.
//!
//! Each file is written to a temporary name in the output directory and renamed
//! into place, so a reader never sees half a file and an interrupted run leaves the
//! previous outputs intact. Rows stream out as reports arrive, so memory does not
//! grow with the corpus; only the few numbers the cross-year checks need are kept
//! (see [`crate::crossyear`]), and those findings are added in one more streaming
//! pass over `findings.csv` and `reports.csv` just before the rename.

use crate::crossyear::CrossYear;
pub use crate::csvfile::*;
use crate::grammar::Grammars;
use crate::model::Report;
use std::collections::HashMap;

use std::io;
use std::path::{Path, PathBuf};

/// Streams reports into the six files; call [`Writers::finish`] to publish them.
/// Dropping it unfinished removes the temporary files.
pub struct Writers {
    dir: PathBuf,
    tmp: Vec<PathBuf>,
    /// In [`FILES`] order; `None` once finished.
    csv: Option<[CsvWriter; 6]>,
    wide_keys: Vec<String>,
    cross_year: CrossYear,
}

impl Writers {
    /// Opens the six files in `dir`. The columns of `wide.csv` and the cross-year
    /// identities come from `grammars`; `bom` writes a UTF-8 byte-order mark first
    /// so Excel and WPS detect the encoding.
    pub fn create(dir: &Path, grammars: &Grammars, bom: bool) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let tmp: Vec<PathBuf> = FILES.iter().map(|n| tmp_path(dir, n)).collect();
        let mut opened = Vec::with_capacity(FILES.len());
        for p in &tmp {
            match create_csv(p, bom) {
                Ok(w) => opened.push(w),
                Err(e) => {
                    for q in &tmp {
                        let _ = std::fs::remove_file(q);
                    }
                    return Err(e);
                }
            }
        }
        let csv: [CsvWriter; 6] = opened
            .try_into()
            .map_err(|_| io::Error::other("six output files"))?;
        let mut w = Writers {
            dir: dir.to_path_buf(),
            tmp,
            csv: Some(csv),
            wide_keys: grammars.wide_keys(),
            cross_year: CrossYear::new(grammars),
        };
        let mut wide: Vec<String> = WIDE_PREFIX.iter().map(|s| s.to_string()).collect();
        wide.extend(w.wide_keys.iter().cloned());
        let [reports, cells, wide_csv, sections, repairs, findings] = w.files()?;
        reports.write_record(REPORTS_HEADER)?;
        cells.write_record(CELLS_HEADER)?;
        wide_csv.write_record(&wide)?;
        sections.write_record(SECTIONS_HEADER)?;
        repairs.write_record(REPAIRS_HEADER)?;
        findings.write_record(FINDINGS_HEADER)?;
        Ok(w)
    }

    fn files(&mut self) -> io::Result<&mut [CsvWriter; 6]> {
        self.csv
            .as_mut()
            .ok_or_else(|| io::Error::other("outputs already finished"))
    }

    /// Appends one report's rows to every file.
    pub fn write(&mut self, r: &Report) -> io::Result<()> {
        self.cross_year.add(r);
        let year = r.year.map(|y| y.to_string()).unwrap_or_default();
        let mut wide = vec![
            r.id.clone(),
            r.agency.clone(),
            year.clone(),
            r.format.clone(),
        ];
        let mut by_key: HashMap<String, &str> = HashMap::new();
        for c in &r.cells {
            // The first cell of a key wins, as everywhere else.
            by_key
                .entry(format!("{}.{}.{}", c.table, c.row, c.column))
                .or_insert(c.value.as_str());
        }
        wide.extend(
            self.wide_keys
                .iter()
                .map(|k| by_key.get(k).copied().unwrap_or("").to_string()),
        );
        let [reports, cells, wide_csv, sections, repairs, findings] = self.files()?;
        reports.write_record([
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
            cells.write_record([
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
        wide_csv.write_record(&wide)?;
        for h in &r.headings {
            sections.write_record([
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
            repairs.write_record([
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
            findings.write_record(finding_record(&r.id, f))?;
        }
        Ok(())
    }

    /// Flushes every file, adds the cross-year findings, and renames every file
    /// into place. Returns the number of cross-year findings added.
    pub fn finish(mut self) -> io::Result<usize> {
        let files = self
            .csv
            .take()
            .ok_or_else(|| io::Error::other("outputs already finished"))?;
        for w in files {
            close_csv(w)?;
        }
        let added = self.cross_year.apply(&self.tmp[5], &self.tmp[0], false)?;
        publish(&self.tmp, &self.dir)?;
        Ok(added)
    }
}

/// Renames the temporary files (in [`FILES`] order) to their names in `dir`.
pub(crate) fn publish(tmp: &[PathBuf], dir: &Path) -> io::Result<()> {
    for (tmp, name) in tmp.iter().zip(FILES) {
        std::fs::rename(tmp, dir.join(name))?;
    }
    Ok(())
}

impl Drop for Writers {
    fn drop(&mut self) {
        // After a successful finish the temporary names no longer exist.
        self.csv = None;
        for p in &self.tmp {
            let _ = std::fs::remove_file(p);
        }
    }
}
