//! Write: the CSV sink ([`CsvSink`], a [`ReportSink`]) — reports → the six CSV
//! files of the output contract (rows defined once in [`crate::csvfile`]),
//! atomically.
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
use crate::model::{Cell, Report};
use crate::sink::{Finished, Layout, Rendered, ReportSink};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

use std::io;
use std::path::{Path, PathBuf};

/// The six files being written, one typed writer each.
struct Files {
    reports: RowWriter<ReportRow<'static>>,
    cells: RowWriter<CellRow<'static>>,
    wide: RowWriter<WideRow<'static>>,
    sections: RowWriter<SectionRow<'static>>,
    repairs: RowWriter<RepairRow<'static>>,
    findings: RowWriter<FindingRow<'static>>,
}

impl Files {
    /// Creates the six files at their temporary names, headers written.
    fn create(dir: &Path, bom: bool, wide_keys: &[String]) -> io::Result<Self> {
        let tmp = |name| tmp_path(dir, name);
        Ok(Files {
            reports: RowWriter::create(&tmp(ReportRow::FILE), bom)?,
            cells: RowWriter::create(&tmp(CellRow::FILE), bom)?,
            wide: RowWriter::create_with(&tmp(WideRow::FILE), bom, wide_keys)?,
            sections: RowWriter::create(&tmp(SectionRow::FILE), bom)?,
            repairs: RowWriter::create(&tmp(RepairRow::FILE), bom)?,
            findings: RowWriter::create(&tmp(FindingRow::FILE), bom)?,
        })
    }

    /// The buffers of rows not yet written, in [`FILES`] order.
    fn buffers(&mut self) -> [&mut Vec<u8>; 6] {
        [
            self.reports.buffer(),
            self.cells.buffer(),
            self.wide.buffer(),
            self.sections.buffer(),
            self.repairs.buffer(),
            self.findings.buffer(),
        ]
    }

    /// Writes out the buffers that filled a chunk.
    fn spill(&mut self) -> io::Result<()> {
        self.reports.spill()?;
        self.cells.spill()?;
        self.wide.spill()?;
        self.sections.spill()?;
        self.repairs.spill()?;
        self.findings.spill()
    }

    /// Appends rendered records to each file (in [`FILES`] order).
    fn write_records(&mut self, rows: &[Vec<u8>; 6]) -> io::Result<()> {
        self.reports.write_records(&rows[0])?;
        self.cells.write_records(&rows[1])?;
        self.wide.write_records(&rows[2])?;
        self.sections.write_records(&rows[3])?;
        self.repairs.write_records(&rows[4])?;
        self.findings.write_records(&rows[5])
    }

    fn close(self) -> io::Result<()> {
        self.reports.close()?;
        self.cells.close()?;
        self.wide.close()?;
        self.sections.close()?;
        self.repairs.close()?;
        self.findings.close()
    }
}

/// Turns a report into its rows of the six files. Both ways a run writes
/// use it: the CSV sink renders each whole report it receives, and a worker
/// process renders each report it extracts and sends the rows
/// ([`Renderer::rendered`]), which the sink then only appends. One function,
/// so the files are the same byte for byte either way.
pub struct Renderer {
    /// What each cell key (`table.row.column`) is to the files: its `wide.csv`
    /// column, and whether a cross-year identity reads it. One lookup per cell
    /// serves both.
    index: FxHashMap<String, Slot>,
    /// How many `wide.csv` columns follow the leading ones.
    wide_columns: usize,
    /// A buffer for the key of each cell looked up in `index`.
    key: String,
    /// What the rows it makes are ([`Layout`]).
    layout: Layout,
}

/// What a cell key is to the files ([`Renderer::index`]).
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    wide: Option<usize>,
    cross_year: bool,
}

impl Renderer {
    /// The `wide.csv` columns and the cross-year keys of `grammars`.
    pub fn new(grammars: &Grammars) -> Self {
        let wide_keys = grammars.wide_keys();
        let cross_year = CrossYear::new(grammars);
        let cross_keys = cross_year.keys();
        // Each file's columns: the same on every process of one binary and
        // grammars, and a worker of another binary or grammars gets other
        // numbers.
        let headers: [Vec<&str>; 6] = [
            ReportRow::header().to_vec(),
            CellRow::header().to_vec(),
            WideRow::header()
                .iter()
                .copied()
                .chain(wide_keys.iter().map(String::as_str))
                .collect(),
            SectionRow::header().to_vec(),
            RepairRow::header().to_vec(),
            FindingRow::header().to_vec(),
        ];
        // Every file's header and the cross-year keys (each name ends with a 0
        // byte, each list with a 1).
        let mut hash = crate::text::StableHash::default();
        for list in headers.iter().chain([&cross_keys]) {
            for k in list {
                hash.add(k.as_bytes());
                hash.add(&[0]);
            }
            hash.add(&[1]);
        }
        let layout = Layout {
            hash: hash.finish(),
            fields: headers.each_ref().map(Vec::len),
        };
        let mut index: FxHashMap<String, Slot> = FxHashMap::default();
        for (i, k) in wide_keys.iter().enumerate() {
            // A key listed twice gets its last column, as a map built from
            // the list would.
            index.entry(k.clone()).or_default().wide = Some(i);
        }
        for k in cross_keys {
            index.entry(k.to_string()).or_default().cross_year = true;
        }
        Renderer {
            index,
            wide_columns: wide_keys.len(),
            key: String::new(),
            layout,
        }
    }

    /// The layout of the rows this renderer makes.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Appends the rows of `r` to each file's buffer (in [`FILES`] order).
    /// Returns the cells the cross-year checks read of it, in document order
    /// (none when it takes no part: [`CrossYear::takes_part`]).
    pub fn render<'r>(
        &mut self,
        r: &'r Report,
        out: [&mut Vec<u8>; 6],
    ) -> io::Result<Vec<&'r Cell>> {
        let [reports, cells, wide_out, sections, repairs, findings] = out;
        // Each `wide.csv` column's value: the first cell of its key wins, as
        // everywhere else.
        let mut wide: Vec<Option<&str>> = vec![None; self.wide_columns];
        let mut facts = Vec::new();
        let takes_part = CrossYear::takes_part(r);
        for c in &r.cells {
            cell_key_into(&mut self.key, &c.table, &c.row, &c.column);
            if let Some(slot) = self.index.get(self.key.as_str()) {
                if let Some(i) = slot.wide {
                    wide[i].get_or_insert(c.value.as_str());
                }
                if slot.cross_year && takes_part && !c.value.is_empty() {
                    facts.push(c);
                }
            }
        }
        let wide: Vec<&str> = wide.into_iter().map(Option::unwrap_or_default).collect();
        append_row::<ReportRow>(reports, &ReportRow::of(r), &[])?;
        for c in &r.cells {
            append_row::<CellRow>(cells, &CellRow::of(&r.id, c), &[])?;
        }
        append_row::<WideRow>(wide_out, &WideRow::of(r), &wide)?;
        for h in &r.headings {
            append_row::<SectionRow>(sections, &SectionRow::of(&r.id, h), &[])?;
        }
        for x in &r.repairs {
            append_row::<RepairRow>(repairs, &RepairRow::of(&r.id, x), &[])?;
        }
        for x in &r.findings {
            append_row::<FindingRow>(findings, &FindingRow::of(&r.id, x), &[])?;
        }
        Ok(facts)
    }

    /// `r` rendered ([`Renderer::render`]), with what a run still reads of
    /// it besides its rows.
    pub fn rendered(&mut self, r: &Report) -> io::Result<Rendered> {
        let mut rows: [Vec<u8>; 6] = Default::default();
        let facts = self.render(r, rows.each_mut())?;
        Ok(Rendered {
            id: r.id.clone(),
            status: r.status,
            error: r.error.clone(),
            agency: r.agency.clone(),
            year: r.year,
            format: r.format.clone(),
            repairs: r.repairs.len(),
            findings: r.findings.len(),
            facts: facts.into_iter().cloned().collect(),
            layout: self.layout.hash,
            rows,
        })
    }
}

/// The sink of the six files ([`ReportSink`]): reports stream into them in `seq`
/// order (a report that arrives early waits for those before it), and
/// [`ReportSink::finish`] adds the cross-year findings and publishes the files as a
/// set ([`publish`]). Dropping it unfinished removes the temporary files, leaving
/// the previous outputs as they were. It takes rendered reports
/// ([`ReportSink::rendered`]) of its own [`Renderer::layout`].
pub struct CsvSink {
    dir: PathBuf,
    tmp: Vec<PathBuf>,
    /// `None` once finished.
    files: Option<Files>,
    renderer: Renderer,
    cross_year: CrossYear,
    /// The `seq` of the next report to write, and those that arrived before it.
    next: usize,
    waiting: BTreeMap<usize, Finished>,
    /// Cross-year findings added by `finish`.
    cross_year_findings: usize,
}

impl CsvSink {
    /// Opens the six files in `dir`. The columns of `wide.csv` and the cross-year
    /// identities come from `grammars`; `bom` writes a UTF-8 byte-order mark first
    /// so Excel and WPS detect the encoding.
    pub fn create(dir: &Path, grammars: &Grammars, bom: bool) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        clean_stale(dir);
        let tmp: Vec<PathBuf> = FILES.iter().map(|n| tmp_path(dir, n)).collect();
        let wide_keys = grammars.wide_keys();
        let files = match Files::create(dir, bom, &wide_keys) {
            Ok(f) => f,
            Err(e) => {
                for q in &tmp {
                    let _ = std::fs::remove_file(q);
                }
                return Err(e);
            }
        };
        Ok(CsvSink {
            dir: dir.to_path_buf(),
            tmp,
            files: Some(files),
            renderer: Renderer::new(grammars),
            cross_year: CrossYear::new(grammars),
            next: 0,
            waiting: BTreeMap::new(),
            cross_year_findings: 0,
        })
    }

    /// The number of cross-year findings [`ReportSink::finish`] added.
    pub fn cross_year_findings(&self) -> usize {
        self.cross_year_findings
    }

    /// Appends one report's rows to every file.
    fn write(&mut self, r: &Finished) -> io::Result<()> {
        let f = self
            .files
            .as_mut()
            .ok_or_else(|| io::Error::other("outputs already finished"))?;
        match r {
            Finished::Report(r) => {
                let facts = self.renderer.render(r, f.buffers())?;
                self.cross_year.add_read(r, facts);
                f.spill()
            }
            Finished::Rendered(r) => {
                self.cross_year.add_rendered(r);
                f.write_records(&r.rows)
            }
        }
    }

    /// Takes report `seq` and writes every report now in order.
    fn take(&mut self, seq: usize, report: Finished) -> io::Result<()> {
        if seq < self.next || self.waiting.contains_key(&seq) {
            return Err(io::Error::other(format!(
                "report {seq} ({}) given twice",
                report.id()
            )));
        }
        if seq > self.next {
            self.waiting.insert(seq, report);
            return Ok(());
        }
        self.write(&report)?;
        self.next += 1;
        while let Some(r) = self.waiting.remove(&self.next) {
            self.write(&r)?;
            self.next += 1;
        }
        Ok(())
    }
}

impl ReportSink for CsvSink {
    fn report(&mut self, seq: usize, report: Report) -> io::Result<()> {
        self.take(seq, Finished::Report(report))
    }

    fn rendered_layout(&self) -> Option<Layout> {
        Some(self.renderer.layout())
    }

    /// Takes rows of this sink's layout only ([`Layout::check`]; the process
    /// that receives them from a worker checks them first, so a failure here is
    /// a bug in that process, which stops the run before a file is published).
    fn rendered(&mut self, seq: usize, report: Rendered) -> io::Result<()> {
        if let Err(reason) = self.renderer.layout().check(&report, &report.id) {
            return Err(io::Error::other(format!(
                "report {seq} ({}): {reason}",
                report.id
            )));
        }
        self.take(seq, Finished::Rendered(report))
    }

    /// Flushes every file, adds the cross-year findings, and renames every file
    /// into place.
    fn finish(&mut self) -> io::Result<()> {
        if let Some((seq, r)) = self.waiting.iter().next() {
            return Err(io::Error::other(format!(
                "report {} never arrived (report {seq}, {}, waits for it)",
                self.next,
                r.id()
            )));
        }
        self.files
            .take()
            .ok_or_else(|| io::Error::other("outputs already finished"))?
            .close()?;
        self.cross_year_findings = self.cross_year.apply(
            &tmp_path(&self.dir, FindingRow::FILE),
            &tmp_path(&self.dir, ReportRow::FILE),
            false,
        )?;
        publish(&self.tmp, &self.dir)
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
        for name in FILES.iter().chain(&[InputRow::FILE, ShardRow::FILE]) {
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

impl Drop for CsvSink {
    fn drop(&mut self) {
        // After a successful finish the temporary names no longer exist.
        self.files = None;
        for p in &self.tmp {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::ReportSink;

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

    /// A small report with a row in every file.
    fn sample(id: &str, n: usize) -> Report {
        let mut r = Report::empty(id);
        r.agency = "某局".into();
        r.year = Some(2020);
        r.format = "f2019".into();
        r.cells.push(crate::model::Cell {
            table: "applications".into(),
            row: "new_received".into(),
            column: "total".into(),
            value: n.to_string().into(),
            raw: n.to_string().into(),
            ..Default::default()
        });
        r.findings.push(crate::model::Finding::new(
            "blank_cell",
            crate::model::Severity::Info,
            format!("m{n}"),
        ));
        r
    }

    fn outputs(dir: &Path) -> Vec<Vec<u8>> {
        FILES
            .iter()
            .map(|n| std::fs::read(dir.join(n)).unwrap())
            .collect()
    }

    #[test]
    fn the_csv_sink_writes_in_seq_order_whatever_the_arrival_order() {
        let g = Grammars::embedded().unwrap();
        let ids = ["a.txt", "b.txt", "c.txt", "d.txt"];
        let (inorder, shuffled) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut s = CsvSink::create(inorder.path(), &g, false).unwrap();
        for (i, id) in ids.iter().enumerate() {
            s.report(i, sample(id, i)).unwrap();
        }
        s.finish().unwrap();
        let mut s = CsvSink::create(shuffled.path(), &g, false).unwrap();
        for i in [2, 3, 0, 1] {
            s.report(i, sample(ids[i], i)).unwrap();
        }
        s.finish().unwrap();
        assert_eq!(outputs(inorder.path()), outputs(shuffled.path()));
        let cells = String::from_utf8(outputs(shuffled.path())[1].clone()).unwrap();
        let order: Vec<&str> = cells.lines().skip(1).map(|l| &l[..5]).collect();
        assert_eq!(order, ids);
    }

    /// Reports of every kind: one whose cross-year check fails against the
    /// year before, awkward fields to quote, a failed file, an empty one.
    fn assorted() -> Vec<Report> {
        let year = |id: &str, y: i32, format: &str, row: &str, v: &str| {
            let mut r = sample(id, 1);
            r.year = Some(y);
            r.format = format.into();
            r.cells.push(crate::model::Cell {
                table: "applications".into(),
                row: row.into(),
                column: "total".into(),
                value: v.into(),
                raw: format!("{v},\"件\"\n").into(),
                page: Some(2),
                line: Some(9),
                ..Default::default()
            });
            r.headings.push(crate::model::Heading {
                level: 1,
                number: "一".into(),
                title: "总体情况, \"概述\"".into(),
                section: "overview".into(),
                page: 1,
                line: 3,
            });
            r.repairs.push(crate::model::Repair {
                kind: "join".into(),
                before: "a\r\nb".into(),
                ..Default::default()
            });
            r
        };
        vec![
            year("a2020.txt", 2020, "f2019", "carried_forward", "5"),
            year("b2021.txt", 2021, "f2021", "carried_over", "3"),
            Report::failed("c.pdf", "pdf", "encrypted, \"no\" password"),
            Report::empty(""),
            sample("d.txt", 4),
        ]
    }

    #[test]
    fn rendered_reports_write_the_files_whole_reports_write() {
        let g = Grammars::embedded().unwrap();
        let reports = assorted();
        let (whole, rendered) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let mut s = CsvSink::create(whole.path(), &g, true).unwrap();
        for (i, r) in reports.iter().enumerate() {
            s.report(i, r.clone()).unwrap();
        }
        s.finish().unwrap();
        assert_eq!(s.cross_year_findings(), 1);
        // Rendered as a worker renders them, arriving in another order, one
        // of them whole (a sink takes both kinds in one run).
        let mut renderer = Renderer::new(&g);
        let mut s = CsvSink::create(rendered.path(), &g, true).unwrap();
        assert_eq!(s.rendered_layout(), Some(renderer.layout()));
        for i in [4, 1, 3, 0] {
            let r = renderer.rendered(&reports[i]).unwrap();
            s.finished(i, crate::sink::Finished::Rendered(r)).unwrap();
        }
        s.report(2, reports[2].clone()).unwrap();
        s.finish().unwrap();
        assert_eq!(s.cross_year_findings(), 1);
        assert_eq!(outputs(whole.path()), outputs(rendered.path()));
    }

    #[test]
    fn the_renderers_cross_year_facts_are_what_the_checks_read() {
        let g = Grammars::embedded().unwrap();
        let mut renderer = Renderer::new(&g);
        let (mut whole, mut rendered) = (CrossYear::new(&g), CrossYear::new(&g));
        for r in assorted() {
            whole.add(&r);
            rendered.add_rendered(&renderer.rendered(&r).unwrap());
        }
        let found = whole.findings();
        assert_eq!(found.values().map(Vec::len).sum::<usize>(), 1);
        assert_eq!(found, rendered.findings());
        // Only the cells a rule reads travel: one per report of the pair.
        let facts: Vec<usize> = assorted()
            .iter()
            .map(|r| renderer.rendered(r).unwrap().facts.len())
            .collect();
        assert_eq!(facts, [1, 1, 0, 0, 0]);
    }

    #[test]
    fn rendered_rows_of_other_columns_or_cut_short_are_refused() {
        let g = Grammars::embedded().unwrap();
        let d = tempfile::tempdir().unwrap();
        let mut s = CsvSink::create(d.path(), &g, false).unwrap();
        let r = Renderer::new(&g).rendered(&sample("a.txt", 0)).unwrap();
        let mut other = r.clone();
        other.layout ^= 1;
        let e = s.rendered(0, other).unwrap_err();
        assert!(e.to_string().contains("other grammars"), "{e}");
        let mut cut = r.clone();
        cut.rows[1].pop();
        let e = s.rendered(0, cut).unwrap_err();
        assert!(e.to_string().contains("cells.csv"), "{e}");
        let mut none = r.clone();
        none.rows[0].clear();
        let e = s.rendered(0, none).unwrap_err();
        assert!(e.to_string().contains("reports.csv"), "{e}");
        s.rendered(0, r).unwrap();
        s.finish().unwrap();
    }

    /// What a damaged or misbehaving worker could send, each refused by the
    /// check its parent runs before any row reaches a file.
    #[test]
    fn rendered_rows_must_be_the_inputs_whole_records() {
        let g = Grammars::embedded().unwrap();
        let mut renderer = Renderer::new(&g);
        let layout = renderer.layout();
        // Every sort of report passes, quoted fields and an empty id included.
        for r in assorted() {
            let x = renderer.rendered(&r).unwrap();
            assert_eq!(layout.check(&x, &r.id), Ok(()), "{}", r.id);
        }
        let quoted = &assorted()[2];
        let good = renderer.rendered(&sample("a.txt", 0)).unwrap();
        let refused = |x: &Rendered, id: &str, why: &str| {
            let e = layout.check(x, id).unwrap_err();
            assert!(e.contains(why), "{e} (expected {why})");
        };
        refused(&good, "b.txt", "another input");
        let mut x = good.clone();
        x.id = "b.txt".into();
        refused(&x, "b.txt", "name another input");
        // An open quote would swallow the rows of every later report.
        let mut x = good.clone();
        x.rows[5] = b"a.txt,\"x\n".to_vec();
        x.findings = 1;
        refused(&x, "a.txt", "findings.csv");
        let mut x = renderer.rendered(quoted).unwrap();
        let at = x.rows[0].iter().rposition(|&b| b == b'"').unwrap();
        x.rows[0].remove(at);
        refused(&x, &quoted.id, "reports.csv");
        // A second record where one belongs, or one more finding than counted.
        let mut x = good.clone();
        let again = x.rows[0].clone();
        x.rows[0].extend_from_slice(&again);
        refused(&x, "a.txt", "2 records, not 1");
        let mut x = good.clone();
        x.findings += 1;
        refused(&x, "a.txt", "findings.csv hold");
        // A field more, or a carriage return outside quotes.
        let mut x = good.clone();
        x.rows[3] = b"a.txt,1,,t,s,1,2,extra\n".to_vec();
        refused(&x, "a.txt", "number of fields");
        let mut x = good.clone();
        x.rows[3] = b"a.txt,1,,t\r,s,1,2\n".to_vec();
        refused(&x, "a.txt", "sections.csv");
        // Rows of another binary's or grammars' columns.
        let mut x = good.clone();
        x.layout ^= 1;
        refused(&x, "a.txt", "other grammars");
    }

    #[test]
    fn a_report_that_never_arrives_fails_finish_and_publishes_nothing() {
        let g = Grammars::embedded().unwrap();
        let d = tempfile::tempdir().unwrap();
        let mut s = CsvSink::create(d.path(), &g, false).unwrap();
        s.report(0, sample("a.txt", 0)).unwrap();
        s.report(2, sample("c.txt", 2)).unwrap();
        assert!(s.report(0, sample("a.txt", 0)).is_err(), "given twice");
        let e = s.finish().unwrap_err();
        assert!(e.to_string().contains("report 1 never arrived"), "{e}");
        drop(s);
        assert!(names(d.path()).is_empty(), "{:?}", names(d.path()));
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
