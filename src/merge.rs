//! Merge: the output folders of several shards (`--shard K/N`) → exactly the files
//! one run over the whole corpus writes, byte for byte.
//!
//! Every output file has its rows grouped by report id in sorted order, and a
//! report lives in exactly one shard, so each file is a k-way merge by report id
//! that copies each report's block of rows unchanged. Headers must agree (for
//! `wide.csv` they encode the template keys, so shards run with different grammars
//! are refused), and so must the byte-order mark: all inputs with one (`--excel`)
//! or all without.
//!
//! Cross-year findings link reports that may sit in different shards, so each
//! shard's own are stale: the merge drops them and recomputes them from the merged
//! `reports.csv` and `cells.csv` with the same code a single run uses
//! ([`crate::crossyear`]), which is what makes the result identical.

use crate::crossyear::CrossYear;
use crate::csvfile::{
    close_csv, create_csv, open_csv, tmp_path, CellRow, CsvReader, CsvRow, CsvWriter, ReportRow,
    RowReader, RowWriter, ShardRow, FILES,
};
use crate::grammar::Grammars;
use crate::write::publish;
use csv::ByteRecord;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::path::{Path, PathBuf};

/// What a merge did, for the summary line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MergeSummary {
    pub inputs: usize,
    pub reports: usize,
    /// Cross-year findings in the merged output.
    pub cross_year: usize,
}

/// One shard's file, positioned at its next record.
struct Source {
    dir: PathBuf,
    reader: CsvReader,
    next: Option<ByteRecord>,
    /// The position of the `report` column (every output file has one).
    report: usize,
}

impl Source {
    fn advance(&mut self) -> io::Result<()> {
        let mut rec = ByteRecord::new();
        self.next = if self.reader.read_byte_record(&mut rec)? {
            Some(rec)
        } else {
            None
        };
        Ok(())
    }

    fn id(&self) -> Option<&[u8]> {
        self.next.as_ref().map(|r| self.id_of(r))
    }

    fn id_of<'r>(&self, rec: &'r ByteRecord) -> &'r [u8] {
        rec.get(self.report).unwrap_or_default()
    }
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// The file in a shard's output folder that says which shard it is (`shard,of`
/// header, then `K,N`: [`ShardRow`]), so a merge can tell a complete set from one
/// with a gap or a shard given twice.
pub const SHARD_MANIFEST: &str = ShardRow::FILE;

/// Records in `dir` that it holds shard `k` of `n`, or (`None`) that it is a whole
/// run, removing a manifest a previous sharded run left there.
pub fn record_shard(dir: &Path, shard: Option<(usize, usize)>) -> io::Result<()> {
    let path = dir.join(SHARD_MANIFEST);
    match shard {
        Some((k, n)) => {
            let tmp = tmp_path(dir, SHARD_MANIFEST);
            let mut w = RowWriter::<ShardRow>::create(&tmp, false)?;
            w.write(&ShardRow { shard: k, of: n })?;
            w.close()?;
            std::fs::rename(&tmp, &path)
        }
        None => match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    }
}

/// The `(k, n)` a shard folder records, or `None` for a folder without a manifest.
fn read_shard(dir: &Path) -> io::Result<Option<(usize, usize)>> {
    let path = dir.join(SHARD_MANIFEST);
    if !path.exists() {
        return Ok(None);
    }
    let not_manifest = || invalid(format!("{}: not a `shard,of` manifest", path.display()));
    let row = RowReader::<ShardRow>::open(&path)
        .and_then(|mut r| r.next_row())
        .map_err(|_| not_manifest())?;
    row.filter(|r| r.shard >= 1 && r.shard <= r.of)
        .map(|r| Some((r.shard, r.of)))
        .ok_or_else(not_manifest)
}

/// Refuses a set of shard folders with a gap, a shard given twice, or shards of
/// different splits. Folders without a manifest (whole runs) are merged as they
/// are, but not mixed with shards.
fn check_shards(dirs: &[PathBuf]) -> io::Result<()> {
    let mut seen: Vec<(usize, usize, &PathBuf)> = Vec::new();
    let mut whole: Vec<&PathBuf> = Vec::new();
    for d in dirs {
        match read_shard(d)? {
            Some((k, n)) => seen.push((k, n, d)),
            None => whole.push(d),
        }
    }
    let Some(&(_, n, first)) = seen.first() else {
        return Ok(());
    };
    if let Some(w) = whole.first() {
        return Err(invalid(format!(
            "{} has no {SHARD_MANIFEST} but {} is a shard: merge the shards of one split only",
            w.display(),
            first.display()
        )));
    }
    if let Some((k, m, d)) = seen.iter().find(|s| s.1 != n) {
        return Err(invalid(format!(
            "{} is shard {k}/{m} but {} is of a split into {n}",
            d.display(),
            first.display()
        )));
    }
    for k in 1..=n {
        let of_k: Vec<&PathBuf> = seen.iter().filter(|s| s.0 == k).map(|s| s.2).collect();
        match of_k.as_slice() {
            [] => {
                return Err(invalid(format!(
                    "shard {k}/{n} is missing: merging an incomplete set would drop its reports"
                )))
            }
            [_] => {}
            [a, b, ..] => {
                return Err(invalid(format!(
                    "shard {k}/{n} is given twice ({} and {})",
                    a.display(),
                    b.display()
                )))
            }
        }
    }
    Ok(())
}

/// Merges the shard folders `dirs` into `out`, atomically (temporary names, then
/// rename), using `grammars` for the cross-year checks. A set of shards must be
/// complete: each `K/N` once (see [`SHARD_MANIFEST`]).
pub fn merge(dirs: &[PathBuf], out: &Path, grammars: &Grammars) -> io::Result<MergeSummary> {
    if dirs.is_empty() {
        return Err(invalid("no folders to merge".into()));
    }
    let bom = common_bom(dirs)?;
    check_shards(dirs)?;
    std::fs::create_dir_all(out)?;
    crate::write::clean_stale(out);
    let tmp: Vec<PathBuf> = FILES.iter().map(|n| tmp_path(out, n)).collect();
    let result = merge_into(dirs, &tmp, bom, grammars);
    match result {
        Ok(summary) => {
            publish(&tmp, out)?;
            Ok(summary)
        }
        Err(e) => {
            for p in &tmp {
                let _ = std::fs::remove_file(p);
            }
            Err(e)
        }
    }
}

/// Whether the inputs carry a byte-order mark; all must agree.
fn common_bom(dirs: &[PathBuf]) -> io::Result<bool> {
    let mut seen: Option<(bool, PathBuf)> = None;
    for d in dirs {
        for name in FILES {
            let p = d.join(name);
            let (_, bom) = open_csv(&p)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
            match &seen {
                None => seen = Some((bom, p)),
                Some((b, first)) if *b != bom => {
                    return Err(invalid(format!(
                        "{} {} a byte-order mark but {} {}: merge outputs written all with --excel or all without",
                        first.display(),
                        if *b { "has" } else { "has no" },
                        p.display(),
                        if bom { "has one" } else { "has none" }
                    )))
                }
                Some(_) => {}
            }
        }
    }
    Ok(seen.is_some_and(|(b, _)| b))
}

fn merge_into(
    dirs: &[PathBuf],
    tmp: &[PathBuf],
    bom: bool,
    grammars: &Grammars,
) -> io::Result<MergeSummary> {
    let mut cross_year = CrossYear::new(grammars);
    let mut summary = MergeSummary {
        inputs: dirs.len(),
        ..Default::default()
    };
    for (name, tmp) in FILES.iter().zip(tmp) {
        let mut wr = create_csv(tmp, bom)?;
        merge_file(dirs, name, &mut wr, |header, rec| {
            observe(name, header, rec, &mut cross_year, &mut summary)
        })?;
        close_csv(wr)?;
    }
    summary.cross_year = cross_year.apply(&tmp[5], &tmp[0], true)?;
    Ok(summary)
}

/// Feeds the cross-year state from the merged `reports.csv` and `cells.csv`,
/// read through their row structs.
fn observe(
    name: &str,
    header: &ByteRecord,
    rec: &ByteRecord,
    cy: &mut CrossYear,
    summary: &mut MergeSummary,
) -> io::Result<()> {
    let bad = |e: csv::Error| invalid(format!("{name}: {e}"));
    if name == ReportRow::FILE {
        let r: ReportRow = rec.deserialize(Some(header)).map_err(bad)?;
        summary.reports += 1;
        cy.add_report(&r.report, &r.agency, r.year, &r.format);
    } else if name == CellRow::FILE {
        let c: CellRow = rec.deserialize(Some(header)).map_err(bad)?;
        cy.add_placed(
            &c.report,
            (&c.table, &c.row, &c.column),
            &c.value,
            c.page.zip(c.line),
        );
    }
    Ok(())
}

/// K-way merges one file of every folder into `wr`, calling `seen` for every data
/// record written, with the header.
fn merge_file(
    dirs: &[PathBuf],
    name: &str,
    wr: &mut CsvWriter,
    mut seen: impl FnMut(&ByteRecord, &ByteRecord) -> io::Result<()>,
) -> io::Result<()> {
    let mut sources = Vec::with_capacity(dirs.len());
    let mut header: Option<ByteRecord> = None;
    for d in dirs {
        let path = d.join(name);
        let (reader, _) = open_csv(&path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut s = Source {
            dir: d.clone(),
            reader,
            next: None,
            report: 0,
        };
        s.advance()?;
        let h = s
            .next
            .take()
            .ok_or_else(|| invalid(format!("{}: empty file, no header", path.display())))?;
        s.report = h
            .iter()
            .position(|c| c == b"report")
            .ok_or_else(|| invalid(format!("{}: no `report` column", path.display())))?;
        match &header {
            None => header = Some(h),
            Some(first) if *first != h => {
                return Err(invalid(format!(
                "{}: header differs from {}'s (shards run with different versions or grammars?)",
                path.display(),
                dirs[0].display()
            )))
            }
            Some(_) => {}
        }
        s.advance()?;
        sources.push(s);
    }
    let header = header.ok_or_else(|| invalid("no folders to merge".into()))?;
    wr.write_byte_record(&header)?;

    let mut heap: BinaryHeap<Reverse<(Vec<u8>, usize)>> = BinaryHeap::new();
    for (i, s) in sources.iter().enumerate() {
        if let Some(id) = s.id() {
            heap.push(Reverse((id.to_vec(), i)));
        }
    }
    while let Some(Reverse((id, i))) = heap.pop() {
        if let Some(Reverse((other, j))) = heap.peek() {
            if *other == id {
                return Err(invalid(format!(
                    "{name}: report {} is in both {} and {} (the same shard twice?)",
                    String::from_utf8_lossy(&id),
                    sources[i].dir.display(),
                    sources[*j].dir.display()
                )));
            }
        }
        // Copy this report's block.
        let s = &mut sources[i];
        while let Some(rec) = s.next.take() {
            let rid = s.id_of(&rec);
            if rid != id.as_slice() {
                if rid < id.as_slice() {
                    return Err(invalid(format!(
                        "{}: rows are not sorted by report ({} after {}); not an nianbao output?",
                        s.dir.join(name).display(),
                        String::from_utf8_lossy(rid),
                        String::from_utf8_lossy(&id)
                    )));
                }
                heap.push(Reverse((rid.to_vec(), i)));
                s.next = Some(rec);
                break;
            }
            seen(&header, &rec)?;
            wr.write_byte_record(&rec)?;
            s.advance()?;
        }
    }
    Ok(())
}
