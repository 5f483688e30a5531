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

/// Streams reports into the six files; call [`Writers::finish`] to publish them
/// (as a set: [`publish`]).
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
        clean_stale(dir);
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

/// Publishes the temporary files (in [`FILES`] order) under their names in
/// `dir`, as a set: the previous files are first moved aside (`.NAME.oldPID`),
/// then the new ones renamed in; if any rename fails, the new files already in
/// place are removed and the previous ones put back, so a reader never finds old
/// and new files mixed. An interrupted publish (a kill between the renames) is
/// undone the same way by [`clean_stale`] on the next run.
pub(crate) fn publish(tmp: &[PathBuf], dir: &Path) -> io::Result<()> {
    let names: Vec<PathBuf> = FILES.iter().map(|n| dir.join(n)).collect();
    let old: Vec<PathBuf> = FILES.iter().map(|n| old_path(dir, n)).collect();
    let mut moved_aside = Vec::new();
    let mut placed = Vec::new();
    let mut result = Ok(());
    for (i, name) in names.iter().enumerate() {
        if name.exists() {
            if let Err(e) = std::fs::rename(name, &old[i]) {
                result = Err(e);
                break;
            }
            moved_aside.push(i);
        }
    }
    if result.is_ok() {
        for (i, t) in tmp.iter().enumerate() {
            if let Err(e) = std::fs::rename(t, &names[i]) {
                result = Err(e);
                break;
            }
            placed.push(i);
        }
    }
    match result {
        Ok(()) => {
            for &i in &moved_aside {
                let _ = std::fs::remove_file(&old[i]);
            }
            Ok(())
        }
        Err(e) => {
            for &i in &placed {
                let _ = std::fs::remove_file(&names[i]);
            }
            for &i in &moved_aside {
                let _ = std::fs::rename(&old[i], &names[i]);
            }
            for t in tmp {
                let _ = std::fs::remove_file(t);
            }
            Err(e)
        }
    }
}

/// Where the previous `name` waits while a new set is published.
fn old_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.old{}", std::process::id()))
}

/// Removes what killed runs left in `dir`: temporary files (`.NAME.tmpPID`) and,
/// when a publish was interrupted, puts the previous files (`.NAME.oldPID`) back.
/// Files of a process that is still running are left alone.
pub fn clean_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let fname = e.file_name().to_string_lossy().to_string();
        let Some(rest) = fname.strip_prefix('.') else {
            continue;
        };
        for name in FILES.iter().chain(&["inputs.csv", "shards.csv"]) {
            let Some(tail) = rest.strip_prefix(name) else {
                continue;
            };
            let (kind, pid) = if let Some(p) = tail.strip_prefix(".tmp") {
                ("tmp", p)
            } else if let Some(p) = tail.strip_prefix(".old") {
                ("old", p)
            } else {
                continue;
            };
            let Ok(pid) = pid.parse::<i32>() else {
                continue;
            };
            // SAFETY: kill with signal 0 only checks that the process exists.
            let alive = pid > 0 && unsafe { libc::kill(pid, 0) } == 0;
            if alive {
                continue;
            }
            if kind == "old" {
                let _ = std::fs::rename(e.path(), dir.join(name));
            } else {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_rename_puts_the_previous_set_back() {
        let d = tempfile::tempdir().unwrap();
        for n in FILES {
            std::fs::write(d.path().join(n), format!("old {n}")).unwrap();
        }
        let tmp: Vec<PathBuf> = FILES.iter().map(|n| tmp_path(d.path(), n)).collect();
        for (t, n) in tmp.iter().zip(FILES) {
            std::fs::write(t, format!("new {n}")).unwrap();
        }
        // The last file cannot be moved aside: a non-empty folder holds its place.
        let blocker = old_path(d.path(), FILES[5]);
        std::fs::create_dir(&blocker).unwrap();
        std::fs::write(blocker.join("x"), "x").unwrap();
        assert!(publish(&tmp, d.path()).is_err());
        std::fs::remove_dir_all(&blocker).unwrap();
        for n in FILES {
            assert_eq!(
                std::fs::read_to_string(d.path().join(n)).unwrap(),
                format!("old {n}")
            );
        }
        assert_eq!(names(d.path()).len(), FILES.len(), "{:?}", names(d.path()));
        // Without the blocker the new set goes in whole.
        for (t, n) in tmp.iter().zip(FILES) {
            std::fs::write(t, format!("new {n}")).unwrap();
        }
        publish(&tmp, d.path()).unwrap();
        for n in FILES {
            assert_eq!(
                std::fs::read_to_string(d.path().join(n)).unwrap(),
                format!("new {n}")
            );
        }
        assert_eq!(names(d.path()).len(), FILES.len());
    }

    #[test]
    fn stale_temporaries_are_removed_and_an_interrupted_publish_undone() {
        let d = tempfile::tempdir().unwrap();
        // A killed run (pid that does not exist) left a temporary, and moved
        // reports.csv aside before it could put the new one in place.
        let dead = 999_999_999u32;
        std::fs::write(d.path().join(format!(".cells.csv.tmp{dead}")), "x").unwrap();
        std::fs::write(d.path().join(format!(".reports.csv.old{dead}")), "old").unwrap();
        // A live run's temporary is left alone.
        let live = d
            .path()
            .join(format!(".cells.csv.tmp{}", std::process::id()));
        std::fs::write(&live, "x").unwrap();
        clean_stale(d.path());
        let live_name = live.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(names(d.path()), [live_name, "reports.csv".to_string()]);
        assert_eq!(
            std::fs::read_to_string(d.path().join("reports.csv")).unwrap(),
            "old"
        );
    }
}
