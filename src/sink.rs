//! Where finished reports go: the [`ReportSink`] trait, and the sinks that do not
//! write files (progress display, in-memory collection for tests).
//!
//! The orchestrator ([`crate::corpus::run_with`]) extracts inputs in parallel and
//! pushes each finished report into one sink; what becomes of it — the six CSV
//! files ([`crate::write::CsvSink`]), the facts cross-year checks need
//! ([`crate::crossyear::CrossYear`]), a progress bar ([`Progress`]), a vector in a
//! test ([`Collect`]) — is the sink's business. Modelled on ripgrep's
//! `grep_searcher::Sink`: the producer knows nothing of the output, and the
//! contract below is what both sides rely on.

use crate::csvfile::FILES;
use crate::model::{Cell, Report, Status};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io;

/// A consumer of finished reports.
///
/// # Contract
///
/// - **Calls.** [`ReportSink::report`] is called exactly once for every input of
///   the run, with `seq` its position in the run's input list (`0..n`; the list is
///   sorted by report id, so `seq` order is report-id order). Then
///   [`ReportSink::finish`] is called once. Calls never overlap (`&mut self`), but
///   they may come from any thread.
/// - **Order.** Reports arrive in *any* order: parallel workers finish them as
///   they finish. A sink whose output depends on order must produce it in `seq`
///   order (the CSV sink holds a report that arrives early until those before it
///   have come), so its output is the same whatever the thread count and timing.
///   The orchestrator never lets workers run more than a window of reports ahead
///   of the lowest unfinished one, which bounds what such a sink holds.
/// - **Completeness.** Every input arrives, readable or not: a file that could not
///   be read is a report with `status=error`, never a missing call.
/// - **finish.** Completes the output: flushes, adds what needs every report (the
///   cross-year findings), publishes it (the CSV sink renames its files into place
///   as a set). After `finish` no more reports are accepted. A sink that has
///   reports it could not place in order (a `seq` that never came) fails here.
/// - **Errors.** An `Err` from `report` stops the run: no more reports are pushed,
///   `finish` is not called, and the error is the run's. A sink dropped without
///   `finish` must leave no partial output behind (the CSV sink removes its
///   temporary files; the previous outputs stay intact). Errors are values with
///   context (which file, which report), never panics.
///
/// # Rendered reports
///
/// A sink that writes the six CSV files can take a report already rendered to
/// its rows ([`Rendered`]) instead of the whole report: it says so, and for
/// which layout of the files, by [`ReportSink::rendered_layout`]. A producer that
/// can render (a worker process renders each report it extracts, so the writing
/// process neither decodes nor frees its cells) then sends [`Finished::Rendered`]
/// for the inputs it renders; every other input still comes as a whole report.
/// The same contract holds for both: each input once, in any order.
pub trait ReportSink {
    /// Receives report `seq` (see the contract for order and errors).
    fn report(&mut self, seq: usize, report: Report) -> io::Result<()>;

    /// The layout of the rendered reports this sink takes ([`Layout`]: their
    /// columns and the shape of their rows), or `None` (the default) when it
    /// needs whole reports.
    fn rendered_layout(&self) -> Option<Layout> {
        None
    }

    /// Receives report `seq` rendered; only called when
    /// [`ReportSink::rendered_layout`] is `Some` (the default refuses it).
    fn rendered(&mut self, seq: usize, report: Rendered) -> io::Result<()> {
        Err(io::Error::other(format!(
            "report {seq} ({}) came rendered to rows, and this sink takes whole reports",
            report.id
        )))
    }

    /// Completes the output, once, after the last report.
    fn finish(&mut self) -> io::Result<()>;

    /// Receives report `seq` in the form it finished in.
    fn finished(&mut self, seq: usize, report: Finished) -> io::Result<()> {
        match report {
            Finished::Report(r) => self.report(seq, r),
            Finished::Rendered(r) => self.rendered(seq, r),
        }
    }
}

impl<S: ReportSink + ?Sized> ReportSink for &mut S {
    fn report(&mut self, seq: usize, report: Report) -> io::Result<()> {
        (**self).report(seq, report)
    }
    fn rendered_layout(&self) -> Option<Layout> {
        (**self).rendered_layout()
    }
    fn rendered(&mut self, seq: usize, report: Rendered) -> io::Result<()> {
        (**self).rendered(seq, report)
    }
    fn finish(&mut self) -> io::Result<()> {
        (**self).finish()
    }
}

impl<S: ReportSink + ?Sized> ReportSink for Box<S> {
    fn report(&mut self, seq: usize, report: Report) -> io::Result<()> {
        (**self).report(seq, report)
    }
    fn rendered_layout(&self) -> Option<Layout> {
        (**self).rendered_layout()
    }
    fn rendered(&mut self, seq: usize, report: Rendered) -> io::Result<()> {
        (**self).rendered(seq, report)
    }
    fn finish(&mut self) -> io::Result<()> {
        (**self).finish()
    }
}

/// A report rendered to its rows of the six CSV files by the process that
/// extracted it, with the little the rest of a run still reads of it: the
/// progress line and the summary (status, error, counts) and the cross-year
/// checks (agency, year, format and the cells their identities read).
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub id: String,
    pub status: Status,
    /// Why the file could not be read (one line), when `status` is `error`.
    pub error: String,
    pub agency: String,
    pub year: Option<i32>,
    pub format: String,
    /// How many repairs and findings its rows hold.
    pub repairs: usize,
    pub findings: usize,
    /// The cells with a value that some cross-year identity reads, in document
    /// order: all the cross-year facts need (the report's other cells are only
    /// in its rows).
    pub facts: Vec<Cell>,
    /// Which columns the rows were rendered for (the `wide.csv` keys and the
    /// cross-year keys of the grammars, hashed): a sink takes only rows of its
    /// own layout, so a worker that read other grammars cannot misalign a file.
    pub layout: u64,
    /// The report's rows of each file, in [`crate::csvfile::FILES`] order:
    /// whole CSV records, each ending in `\n`, UTF-8.
    pub rows: [Vec<u8>; 6],
}

/// What a sink that takes rendered reports expects of them
/// ([`ReportSink::rendered_layout`]): the columns they were rendered for, and the
/// shape of each file's records.
///
/// The rows come from another process, which may be damaged or misbehaving: a
/// row with an open quote, a second `reports.csv` record or another report's id
/// would corrupt the rows of every report after it in the shared files. So the
/// process that receives them checks them with [`Layout::check`] and turns a
/// failure into that one file's error row; nothing of them reaches a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// See [`Rendered::layout`].
    pub hash: u64,
    /// The number of fields of a record of each file, in [`FILES`] order.
    pub fields: [usize; 6],
}

/// Files of which a report has exactly one record: `reports.csv` and `wide.csv`
/// (indices into [`FILES`]).
const ONE_RECORD: [usize; 2] = [0, 2];
/// The files whose records a report's repair and finding counts give.
const REPAIRS_FILE: usize = 4;
const FINDINGS_FILE: usize = 5;

impl Layout {
    /// Checks that `r` is input `id` rendered for this layout: every file's rows
    /// are whole CSV records of this layout's field count whose first field is
    /// `id`; one record in `reports.csv` and `wide.csv`; as many repair and
    /// finding records as `r` counts. The reason is one line, for an error row.
    pub fn check(&self, r: &Rendered, id: &str) -> Result<(), String> {
        if r.id != id {
            return Err(format!(
                "the worker answered for another input ({:?})",
                r.id
            ));
        }
        if r.layout != self.hash {
            return Err("the worker process rendered rows for other grammars than this process read (changed during the run?)".into());
        }
        for (i, rows) in r.rows.iter().enumerate() {
            let n = records(rows, id, self.fields[i])
                .map_err(|why| format!("the worker's rows of {} {why}", FILES[i]))?;
            let expected = if ONE_RECORD.contains(&i) {
                Some(1)
            } else if i == REPAIRS_FILE {
                Some(r.repairs)
            } else if i == FINDINGS_FILE {
                Some(r.findings)
            } else {
                None
            };
            if expected.is_some_and(|e| e != n) {
                return Err(format!(
                    "the worker's rows of {} hold {n} records, not {}",
                    FILES[i],
                    expected.unwrap_or_default()
                ));
            }
        }
        Ok(())
    }
}

/// The number of records in `rows` if they are whole CSV records (as the CSV
/// writer writes them: `\n` after each, quotes only where needed) of `fields`
/// fields each, the first `id`.
fn records(rows: &[u8], id: &str, fields: usize) -> Result<usize, &'static str> {
    if rows.is_empty() {
        return Ok(0);
    }
    if !rows.ends_with(b"\n") {
        return Err("are cut short");
    }
    let id_plain = memchr::memchr3(b',', b'"', b'\r', id.as_bytes()).is_none();
    if id_plain && memchr::memchr2(b'"', b'\r', rows).is_none() {
        // No quoting (the usual case): a record is a line, a field ends at a
        // comma; one pass over both.
        let starts_with_id =
            |line: &[u8]| line.starts_with(id.as_bytes()) && line.get(id.len()) == Some(&b',');
        let mut n = 0;
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', rows) {
            let line = &rows[start..end];
            if !starts_with_id(line) {
                return Err("name another input");
            }
            if memchr::memchr_iter(b',', line).count() + 1 != fields {
                return Err("have another number of fields");
            }
            n += 1;
            start = end + 1;
        }
        return Ok(n);
    }
    // Quoted fields: each record read field by field as the CSV writer writes
    // them (RFC 4180: a quoted field ends at a quote not doubled; an unquoted
    // one holds no quote or carriage return), so an open quote is an error
    // instead of one field to the end.
    let mut n = 0;
    let mut at = 0;
    while at < rows.len() {
        let mut count = 0;
        loop {
            let (field, end) = csv_field(rows, at)?;
            if count == 0 && !field.is_id(id) {
                return Err("name another input");
            }
            count += 1;
            match rows.get(end) {
                Some(b',') => at = end + 1,
                Some(b'\n') => {
                    at = end + 1;
                    break;
                }
                _ => return Err("are not whole records"),
            }
        }
        if count != fields {
            return Err("have another number of fields");
        }
        n += 1;
    }
    Ok(n)
}

/// A field of a CSV record as written: its bytes between the quotes (doubled
/// quotes still doubled) when quoted.
enum Field<'a> {
    Plain(&'a [u8]),
    Quoted(&'a [u8]),
}

impl Field<'_> {
    fn is_id(&self, id: &str) -> bool {
        match self {
            Field::Plain(b) => *b == id.as_bytes(),
            Field::Quoted(b) => {
                let mut unquoted = Vec::with_capacity(b.len());
                let mut rest = *b;
                while let Some(i) = memchr::memchr(b'"', rest) {
                    unquoted.extend_from_slice(&rest[..=i]);
                    rest = rest.get(i + 2..).unwrap_or_default();
                }
                unquoted.extend_from_slice(rest);
                unquoted == id.as_bytes()
            }
        }
    }
}

/// The field of `rows` starting at `at`, and where it ends (the separator
/// after it).
fn csv_field(rows: &[u8], at: usize) -> Result<(Field<'_>, usize), &'static str> {
    const BROKEN: &str = "are not whole records";
    if rows.get(at) == Some(&b'"') {
        let mut i = at + 1;
        loop {
            let q = i + memchr::memchr(b'"', &rows[i..]).ok_or(BROKEN)?;
            if rows.get(q + 1) == Some(&b'"') {
                i = q + 2;
            } else {
                return Ok((Field::Quoted(&rows[at + 1..q]), q + 1));
            }
        }
    }
    let len = memchr::memchr3(b',', b'\n', b'"', &rows[at..]).ok_or(BROKEN)?;
    let field = &rows[at..at + len];
    if rows[at + len] == b'"' || memchr::memchr(b'\r', field).is_some() {
        return Err(BROKEN);
    }
    Ok((Field::Plain(field), at + len))
}

/// A report as an extractor hands it on: whole, or rendered (see
/// [`ReportSink::rendered_layout`]).
#[derive(Debug, Clone)]
pub enum Finished {
    Report(Report),
    Rendered(Rendered),
}

impl From<Report> for Finished {
    fn from(r: Report) -> Self {
        Finished::Report(r)
    }
}

impl Finished {
    pub fn id(&self) -> &str {
        match self {
            Finished::Report(r) => &r.id,
            Finished::Rendered(r) => &r.id,
        }
    }

    pub fn status(&self) -> Status {
        match self {
            Finished::Report(r) => r.status,
            Finished::Rendered(r) => r.status,
        }
    }

    /// Why the file could not be read, when its status is `error`.
    pub fn error(&self) -> &str {
        match self {
            Finished::Report(r) => &r.error,
            Finished::Rendered(r) => &r.error,
        }
    }

    /// How many repairs and findings the report has.
    pub fn counts(&self) -> (usize, usize) {
        match self {
            Finished::Report(r) => (r.repairs.len(), r.findings.len()),
            Finished::Rendered(r) => (r.repairs, r.findings),
        }
    }
}

/// Keeps every report in memory, in `seq` order once finished: the sink of tests
/// and of callers that want reports rather than files.
#[derive(Debug, Default)]
pub struct Collect {
    reports: Vec<(usize, Report)>,
    finished: bool,
}

impl Collect {
    pub fn new() -> Self {
        Self::default()
    }

    /// The reports, in `seq` order after [`ReportSink::finish`] (arrival order
    /// before).
    pub fn reports(&self) -> impl Iterator<Item = &Report> {
        self.reports.iter().map(|(_, r)| r)
    }

    /// The reports, in `seq` order after [`ReportSink::finish`].
    pub fn into_reports(self) -> Vec<Report> {
        self.reports.into_iter().map(|(_, r)| r).collect()
    }
}

impl ReportSink for Collect {
    fn report(&mut self, seq: usize, report: Report) -> io::Result<()> {
        if self.finished {
            return Err(io::Error::other("report after finish"));
        }
        self.reports.push((seq, report));
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.finished, true) {
            return Err(io::Error::other("finished twice"));
        }
        self.reports.sort_by_key(|(seq, _)| *seq);
        for (i, (seq, _)) in self.reports.iter().enumerate() {
            if *seq != i {
                return Err(io::Error::other(format!(
                    "report {i} never arrived or report {seq} came twice"
                )));
            }
        }
        Ok(())
    }
}

/// Shows progress on standard error and names every file that could not be read,
/// then passes each report on to `inner`.
pub struct Progress<S> {
    inner: S,
    bar: ProgressBar,
    errors: usize,
}

impl<S: ReportSink> Progress<S> {
    /// A bar for `total` inputs in front of `inner`; drawn only when `show` and
    /// standard error is a terminal. Unreadable files are named even when hidden:
    /// the summary alone would leave the user guessing which.
    pub fn new(inner: S, total: usize, show: bool) -> Self {
        use std::io::IsTerminal;
        let bar = ProgressBar::new(total as u64);
        if !show || !io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} files  {rate}  ETA {eta}  errors: {msg}",
            )
            .map(|s| {
                s.with_key(
                    "rate",
                    |st: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.1} files/s", st.per_sec());
                    },
                )
            })
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message("0");
        Progress {
            inner,
            bar,
            errors: 0,
        }
    }

    /// The sink behind the bar.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: ReportSink> Progress<S> {
    /// Counts one report and names it when it could not be read.
    fn count(&mut self, id: &str, status: Status, error: &str) {
        if status == Status::Error {
            self.errors += 1;
            self.bar.set_message(self.errors.to_string());
            self.bar.suspend(|| eprintln!("nianbao: {id}: {error}"));
        }
        self.bar.inc(1);
    }
}

impl<S: ReportSink> ReportSink for Progress<S> {
    fn report(&mut self, seq: usize, report: Report) -> io::Result<()> {
        self.count(&report.id, report.status, &report.error);
        self.inner.report(seq, report)
    }

    fn rendered_layout(&self) -> Option<Layout> {
        self.inner.rendered_layout()
    }

    fn rendered(&mut self, seq: usize, report: Rendered) -> io::Result<()> {
        self.count(&report.id, report.status, &report.error);
        self.inner.rendered(seq, report)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.bar.finish_and_clear();
        self.inner.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_orders_by_seq_and_finds_gaps() {
        let mut c = Collect::new();
        for (seq, id) in [(2, "c"), (0, "a"), (1, "b")] {
            c.report(seq, Report::empty(id)).unwrap();
        }
        c.finish().unwrap();
        let ids: Vec<&str> = c.reports().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert!(c.report(3, Report::empty("d")).is_err());

        let mut gap = Collect::new();
        gap.report(1, Report::empty("b")).unwrap();
        assert!(gap.finish().is_err());
    }

    #[test]
    fn progress_passes_every_report_on() {
        let mut p = Progress::new(Collect::new(), 2, false);
        p.report(1, Report::failed("b", "", "unreadable")).unwrap();
        p.report(0, Report::empty("a")).unwrap();
        p.finish().unwrap();
        assert_eq!(p.errors, 1);
        let ids: Vec<String> = p
            .into_inner()
            .into_reports()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn records_are_read_as_the_csv_writer_writes_them() {
        // Whole records, quoted or not, the id quoted with a doubled quote.
        assert_eq!(records(b"", "a", 3), Ok(0));
        assert_eq!(records(b"a,1,2\na,,\n", "a", 3), Ok(2));
        assert_eq!(records(b"a,\"x,\"\"y\"\"\n z\",2\n", "a", 3), Ok(1));
        assert_eq!(records(b"\"q\"\"a\",1,2\n", "q\"a", 3), Ok(1));
        assert_eq!(
            records(b"\"q\"\"a\",1,2\n", "qa", 3),
            Err("name another input")
        );
        // Damage: cut short, an open quote, a quote or carriage return in an
        // unquoted field, text after a closing quote, fields more or fewer.
        for (rows, why) in [
            (&b"a,1,2"[..], "are cut short"),
            (b"a,\"1,2\n", "are not whole records"),
            (b"a,\"1\",2\na,\"3,4\n", "are not whole records"),
            (b"a,1\"x\",2\n", "are not whole records"),
            (b"a,1\r,\"2\"\n", "are not whole records"),
            (b"a,\"1\"x,2\n", "are not whole records"),
            (b"a,1,2,3\n", "have another number of fields"),
            (b"a,\"1\"\n", "have another number of fields"),
            (b"b,1,2\n", "name another input"),
        ] {
            assert_eq!(
                records(rows, "a", 3),
                Err(why),
                "{}",
                String::from_utf8_lossy(rows)
            );
        }
    }
}
