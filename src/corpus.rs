//! Many inputs: discovery, stable report ids, sharding, parallel extraction with
//! deterministic output order and memory bounded by a window of in-flight reports.

use crate::grammar::Grammars;
use crate::ingest::IngestOptions;
use crate::model::{Report, Status};
use crate::pipeline::extract_bytes;
use crate::sink::{Finished, ReportSink};
use std::collections::BTreeSet;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

/// File extensions read when walking a folder.
pub const EXTENSIONS: [&str; 13] = [
    "pdf", "txt", "md", "text", "markdown", "html", "htm", "shtml", "xhtml", "docx", "doc", "wps",
    "rtf",
];

/// Document types a report may come as that nianbao cannot read: a folder walk
/// gives each one a `status=error` row, so no report is left out without a trace.
pub const UNSUPPORTED: [&str; 13] = [
    "xls", "xlsx", "et", "ofd", "jpg", "jpeg", "png", "tif", "tiff", "bmp", "gif", "ppt", "pptx",
];

/// One input: where its bytes are and the id it is reported under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Path relative to the input root given on the command line, `/`-separated.
    pub id: String,
    /// `None` for standard input.
    pub path: Option<PathBuf>,
}

/// A path component as it appears in a report id: UTF-8 as is, with `%` and
/// every byte that is not valid UTF-8 percent-encoded (`%25`, `%FF`), so two
/// names that differ only in invalid bytes get different ids and an id decodes
/// back to the exact file name ([`id_component_bytes`]).
pub fn id_component(name: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        out.push_str(&chunk.valid().replace('%', "%25"));
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The bytes of the file name an id component stands for (inverse of [`id_component`]).
pub fn id_component_bytes(id: &str) -> Vec<u8> {
    let b = id.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// A path as a report id made of its named components only: no leading `/` (an
/// absolute path would give `//…` ids), no `.` or `..`. A path below a walked
/// folder has only named components, so there it is the whole relative path.
fn path_id(p: &Path) -> String {
    p.components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .map(|c| id_component(c.as_os_str()))
        .collect::<Vec<_>>()
        .join("/")
}

/// Gives the inputs that share an id the id `by` makes of their path.
fn disambiguate(out: &mut [Input], by: impl Fn(&Path) -> Option<String>) {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in out.iter() {
        *counts.entry(i.id.clone()).or_default() += 1;
    }
    for i in out.iter_mut() {
        if counts[&i.id] > 1 {
            if let Some(id) = i.path.as_deref().and_then(&by) {
                i.id = id;
            }
        }
    }
}

fn rel_id(root: &Path, p: &Path) -> String {
    path_id(p.strip_prefix(root).unwrap_or(p))
}

/// Lower-case extension of a path (empty when it has none).
fn extension(p: &Path) -> String {
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// What a folder walk does with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// Read as a report (known extension) or reported as unreadable (unsupported type).
    Input,
    /// Neither: counted as skipped.
    Other,
    /// Hidden or an expectation file: not counted.
    Ignored,
}

fn classify(p: &Path) -> Found {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.starts_with('.') || name.ends_with(".expected.csv") {
        return Found::Ignored;
    }
    let ext = extension(p);
    if EXTENSIONS.contains(&ext.as_str()) || UNSUPPORTED.contains(&ext.as_str()) {
        Found::Input
    } else {
        Found::Other
    }
}

/// The reason a file of a document type nianbao cannot read gets its error row;
/// `None` for everything else (read by content).
pub fn unsupported_reason(p: &Path) -> Option<String> {
    let ext = extension(p);
    UNSUPPORTED
        .contains(&ext.as_str())
        .then(|| format!("unsupported format (.{ext}): convert the report to PDF, Word or HTML"))
}

/// Folders and files a walk has already reached, by canonical path: a symlink
/// loop is entered once, and a file reached twice (a link to it, or two
/// overlapping arguments) is one report.
#[derive(Default)]
struct Seen {
    dirs: std::collections::HashSet<PathBuf>,
    files: std::collections::HashSet<PathBuf>,
}

impl Seen {
    /// True the first time `p` (resolved) is seen as a file; unresolvable paths
    /// (a dangling link) are always new, so they get their error row.
    fn new_file(&mut self, p: &Path) -> bool {
        std::fs::canonicalize(p).map_or(true, |c| self.files.insert(c))
    }
}

fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    skipped: &mut usize,
    seen: &mut Seen,
) -> std::io::Result<()> {
    let canon = std::fs::canonicalize(dir)?;
    if !seen.dirs.insert(canon) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        // `is_dir` follows links: a linked folder is walked (once, by its target).
        if p.is_dir() {
            if !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                walk(&p, out, skipped, seen)?;
            }
        } else {
            match classify(&p) {
                Found::Input => {
                    if seen.new_file(&p) {
                        out.push(p);
                    }
                }
                Found::Other => *skipped += 1,
                Found::Ignored => {}
            }
        }
    }
    Ok(())
}

/// Expands files, folders (recursively) and `-` into inputs sorted by id.
/// A file named explicitly is read whatever its extension.
pub fn discover(args: &[PathBuf]) -> std::io::Result<Vec<Input>> {
    discover_counted(args).map(|(inputs, _)| inputs)
}

/// [`discover`], plus how many files the folder walks skipped as not documents
/// (csv, json, code …), for the summary line.
pub fn discover_counted(args: &[PathBuf]) -> std::io::Result<(Vec<Input>, usize)> {
    let mut skipped = 0;
    let mut out = Vec::new();
    let mut seen = Seen::default();
    for a in args {
        if a.as_os_str() == "-" {
            out.push(Input {
                id: "-".into(),
                path: None,
            });
        } else if a.is_dir() {
            let mut files = Vec::new();
            walk(a, &mut files, &mut skipped, &mut seen)?;
            out.extend(files.into_iter().map(|p| Input {
                id: rel_id(a, &p),
                path: Some(p),
            }));
        } else if seen.new_file(a) {
            let id = a.file_name().map(id_component).unwrap_or_default();
            out.push(Input {
                id,
                path: Some(a.clone()),
            });
        }
    }
    out.sort();
    // The same file named twice is read once.
    out.dedup();
    // Different files under the same relative id (two input folders with the same
    // layout) are told apart by their path as given on the command line.
    // By the path as given (`corpus/r.txt`, `shared/corpus/r.txt`), or resolved
    // when it climbs (`../x`: dropping `..` would name a folder that is not there);
    // what still collides (`/a/r.txt` and a relative `a/r.txt`), by the resolved path.
    let resolved = |p: &Path| std::fs::canonicalize(p).ok().map(|c| path_id(&c));
    disambiguate(&mut out, |p| {
        let climbs = p.components().any(|c| c == std::path::Component::ParentDir);
        if climbs {
            resolved(p).or_else(|| Some(path_id(p)))
        } else {
            Some(path_id(p))
        }
    });
    disambiguate(&mut out, resolved);
    out.sort();
    Ok((out, skipped))
}

pub use crate::text::stable_hash;

/// Keeps the inputs of shard `k` of `n` (1-based), chosen by report id.
pub fn shard(inputs: Vec<Input>, k: usize, n: usize) -> Vec<Input> {
    inputs
        .into_iter()
        .filter(|i| (stable_hash(&i.id) % n as u64) as usize == k - 1)
        .collect()
}

/// Reads one input and extracts it; I/O errors become `status=error`.
pub fn run_one(input: &Input, grammars: &Grammars, opts: &IngestOptions) -> Report {
    match read_input(input) {
        Ok(bytes) => extract_bytes(&input.id, &bytes, grammars, opts),
        Err(reason) => Report::failed(&input.id, "", reason),
    }
}

/// The bytes of one input, or the one-line reason it cannot be read. Only
/// regular files are opened (a FIFO would block the batch, a device such as
/// `/dev/zero` never ends); links are followed and the target is checked. At most
/// [`crate::ingest::MAX_INPUT_BYTES`] are read from any source, standard input
/// included, so a file that grows while it is read cannot exhaust memory.
pub fn read_input(input: &Input) -> Result<Vec<u8>, String> {
    use std::os::unix::fs::FileTypeExt;
    let limit = crate::ingest::MAX_INPUT_BYTES as u64;
    let too_large = |n: u64| format!("file too large ({n} bytes; the limit is {limit})");
    // `size` is what the file's metadata says: reading into a buffer of that
    // size takes one read and one probe for the end, where an empty buffer grows
    // through a dozen reads and copies for an ordinary report.
    let read_capped = |r: &mut dyn Read, size: u64| -> std::io::Result<Vec<u8>> {
        let mut b = Vec::with_capacity(size.min(limit) as usize);
        r.take(limit + 1).read_to_end(&mut b)?;
        Ok(b)
    };
    let Some(p) = &input.path else {
        let b = read_capped(&mut std::io::stdin(), 0).map_err(|e| format!("reading stdin: {e}"))?;
        if b.len() as u64 > limit {
            return Err(format!("standard input too large (over {limit} bytes)"));
        }
        return Ok(b);
    };
    if let Some(reason) = unsupported_reason(p) {
        return Err(reason);
    }
    let meta = std::fs::metadata(p).map_err(|e| format!("reading {}: {e}", p.display()))?;
    let ft = meta.file_type();
    if !ft.is_file() {
        let kind = if ft.is_dir() {
            "a folder"
        } else if ft.is_fifo() {
            "a FIFO"
        } else if ft.is_socket() {
            "a socket"
        } else if ft.is_char_device() || ft.is_block_device() {
            "a device"
        } else {
            "not a regular file"
        };
        return Err(format!("not a regular file ({kind}): not read"));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut f = std::fs::File::open(p).map_err(|e| format!("reading {}: {e}", p.display()))?;
    let b = read_capped(&mut f, meta.len()).map_err(|e| format!("reading {}: {e}", p.display()))?;
    if b.len() as u64 > limit {
        return Err(too_large(b.len() as u64));
    }
    Ok(b)
}

/// Totals of a run, for the summary line and the exit code.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub reports: usize,
    pub ok: usize,
    pub partial: usize,
    pub error: usize,
    pub findings: usize,
    pub repairs: usize,
}

impl Summary {
    pub fn add(&mut self, r: &Report) {
        self.count(r.status, r.repairs.len(), r.findings.len());
    }

    /// [`Summary::add`] for a report in either form.
    pub fn add_finished(&mut self, r: &Finished) {
        let (repairs, findings) = r.counts();
        self.count(r.status(), repairs, findings);
    }

    fn count(&mut self, status: Status, repairs: usize, findings: usize) {
        self.reports += 1;
        match status {
            Status::Ok => self.ok += 1,
            Status::Partial => self.partial += 1,
            Status::Error => self.error += 1,
        }
        self.findings += findings;
        self.repairs += repairs;
    }
}

/// How far (in reports) workers may run ahead of the lowest unfinished input, at
/// least. Reports finish out of order but a sink writes them in input order; this
/// bounds how many wait in its memory, while a slow file (a large PDF) does not
/// stall the other workers the way fixed batches would.
const WINDOW: usize = 64;

/// Lets workers run at most `window` reports ahead of the writer.
struct Gate {
    written: Mutex<usize>,
    moved: Condvar,
    abort: AtomicBool,
    window: usize,
}

impl Gate {
    /// Blocks until report `i` is within the window; false when the run is aborted.
    fn admit(&self, i: usize) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        while i >= *written + self.window && !self.abort.load(Ordering::Relaxed) {
            written = self.moved.wait(written).unwrap_or_else(|e| e.into_inner());
        }
        !self.abort.load(Ordering::Relaxed)
    }

    fn advance(&self, written: usize) {
        *self.written.lock().unwrap_or_else(|e| e.into_inner()) = written;
        self.moved.notify_all();
    }

    fn abort(&self) {
        self.abort.store(true, Ordering::Relaxed);
        let _guard = self.written.lock().unwrap_or_else(|e| e.into_inner());
        self.moved.notify_all();
    }
}

/// Inputs extracted at once, set by [`set_threads`] (0: unset).
static THREADS: AtomicUsize = AtomicUsize::new(0);

/// Sets how many inputs [`run`] and [`run_with`] extract at once (`-j`). Without
/// it they use as many as the rayon global pool has threads, which starts that
/// pool: threads a run with worker processes never uses (its threads only wait
/// for their workers), spawned and spinning at every start.
pub fn set_threads(n: usize) {
    THREADS.store(n.max(1), Ordering::Relaxed);
}

fn threads() -> usize {
    match THREADS.load(Ordering::Relaxed) {
        0 => rayon::current_num_threads().max(1),
        n => n,
    }
}

/// Extracts every input in parallel and pushes each finished report into `sink`
/// (see [`ReportSink`] for the contract: every input once, `seq` its position in
/// `inputs`, any order), then finishes the sink. It runs [`set_threads`] workers
/// (by default as many as the rayon global pool has threads), as plain scoped
/// threads so this thread can block on them without tying up the pool. The first sink error stops the run
/// and is returned; the sink is then not finished.
pub fn run(
    inputs: &[Input],
    grammars: &Grammars,
    opts: &IngestOptions,
    sink: &mut dyn ReportSink,
) -> std::io::Result<Summary> {
    let in_process = || -> Box<dyn FnMut(&Input) -> Finished> {
        Box::new(move |input: &Input| run_one(input, grammars, opts).into())
    };
    run_with(inputs, &in_process, sink)
}

/// Makes one extractor per thread of [`run_with`]. An extractor hands on a
/// rendered report ([`Finished::Rendered`]) only when the sink of the run takes
/// them ([`ReportSink::rendered_layout`]).
pub type MakeExtractor<'a> = dyn Fn() -> Box<dyn FnMut(&Input) -> Finished + 'a> + Sync + 'a;

/// The parallel loop of [`run`]: each thread makes its own extractor with
/// `make` and feeds it inputs (in-process, or a worker process per thread:
/// `crate::worker::run_isolated`).
pub fn run_with(
    inputs: &[Input],
    make: &MakeExtractor<'_>,
    sink: &mut dyn ReportSink,
) -> std::io::Result<Summary> {
    let threads = threads();
    let gate = Gate {
        written: Mutex::new(0),
        moved: Condvar::new(),
        abort: AtomicBool::new(false),
        window: WINDOW.max(4 * threads),
    };
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Finished)>();
    let mut summary = Summary::default();
    let mut result = Ok(());
    std::thread::scope(|scope| {
        let (gate, next) = (&gate, &next);
        for n in 0..threads.min(inputs.len()) {
            let tx = tx.clone();
            let worker = move || {
                let mut extract = make();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    if !gate.admit(i) {
                        break;
                    }
                    let report =
                        catch_unwind(AssertUnwindSafe(|| extract(input))).unwrap_or_else(|_| {
                            Report::failed(&input.id, "", "internal error: worker panicked").into()
                        });
                    if tx.send((i, report)).is_err() {
                        break;
                    }
                }
            };
            let spawned = std::thread::Builder::new()
                .name(format!("nianbao-{n}"))
                .spawn_scoped(scope, worker);
            if let Err(e) = spawned {
                // Fewer workers is fine, none is not.
                if n == 0 {
                    result = Err(e);
                    gate.abort();
                }
                break;
            }
        }
        drop(tx);
        // This thread hands reports to the sink as they finish, and lets the
        // workers run ahead of the lowest unfinished input by at most the window.
        let mut finished: BTreeSet<usize> = BTreeSet::new();
        let mut done = 0;
        for (i, report) in rx {
            if result.is_ok() {
                summary.add_finished(&report);
                if let Err(e) = sink.finished(i, report) {
                    result = Err(e);
                    gate.abort();
                }
            }
            finished.insert(i);
            while finished.remove(&done) {
                done += 1;
            }
            gate.advance(done);
        }
    });
    result?;
    sink.finish()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::Collect;

    #[test]
    fn every_input_reaches_the_sink_once_in_any_thread_count() {
        let inputs: Vec<Input> = (0..300)
            .map(|i| Input {
                id: format!("{i:04}.txt"),
                path: None,
            })
            .collect();
        // Reports finish out of order: some take longer than others.
        let make = || -> Box<dyn FnMut(&Input) -> Finished> {
            Box::new(|input: &Input| {
                if stable_hash(&input.id).is_multiple_of(7) {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                Report::empty(&input.id).into()
            })
        };
        let mut sink = Collect::new();
        let summary = run_with(&inputs, &make, &mut sink).unwrap();
        assert_eq!(summary.reports, inputs.len());
        let ids: Vec<&str> = sink.reports().map(|r| r.id.as_str()).collect();
        let want: Vec<&str> = inputs.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, want);
    }

    /// A sink that fails on its third report.
    struct Failing(usize);
    impl ReportSink for Failing {
        fn report(&mut self, _: usize, _: Report) -> std::io::Result<()> {
            self.0 += 1;
            if self.0 == 3 {
                return Err(std::io::Error::other("disk full"));
            }
            Ok(())
        }
        fn finish(&mut self) -> std::io::Result<()> {
            panic!("finish after an error")
        }
    }

    #[test]
    fn a_sink_error_stops_the_run_without_finishing() {
        let inputs: Vec<Input> = (0..50)
            .map(|i| Input {
                id: format!("{i}"),
                path: None,
            })
            .collect();
        let make = || -> Box<dyn FnMut(&Input) -> Finished> {
            Box::new(|input: &Input| Report::empty(&input.id).into())
        };
        let e = run_with(&inputs, &make, &mut Failing(0)).unwrap_err();
        assert_eq!(e.to_string(), "disk full");
    }

    #[test]
    fn folder_walk_reports_unreadable_types_and_counts_the_rest() {
        let d = tempfile::tempdir().unwrap();
        for n in [
            "a.html",
            "b.docx",
            "c.xlsx",
            "d.ofd",
            "e.csv",
            "f.json",
            "g.expected.csv",
        ] {
            std::fs::write(d.path().join(n), "x").unwrap();
        }
        let (list, skipped) = discover_counted(&[d.path().to_path_buf()]).unwrap();
        let ids: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["a.html", "b.docx", "c.xlsx", "d.ofd"]);
        assert_eq!(skipped, 2);
        let g = Grammars::embedded().unwrap();
        let r = run_one(&list[2], &g, &IngestOptions::default());
        assert_eq!(r.status, Status::Error);
        assert!(
            r.error.starts_with("unsupported format (.xlsx)"),
            "{}",
            r.error
        );
    }

    #[test]
    fn fifo_and_device_links_get_error_rows_without_being_read() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.txt")).unwrap();
        let list = discover(&[d.path().to_path_buf()]).unwrap();
        assert_eq!(list.len(), 2);
        let g = Grammars::embedded().unwrap();
        // Opening the FIFO would block this test forever; reading /dev/zero would
        // exhaust memory.
        let errors: Vec<String> = list
            .iter()
            .map(|i| run_one(i, &g, &IngestOptions::default()).error)
            .collect();
        assert_eq!(
            errors,
            [
                "not a regular file (a FIFO): not read",
                "not a regular file (a device): not read"
            ]
        );
    }

    #[test]
    fn symlink_loops_and_files_reached_twice_are_one_report() {
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("r.txt"), "x").unwrap();
        std::os::unix::fs::symlink(d.path(), sub.join("loop")).unwrap();
        std::os::unix::fs::symlink(sub.join("r.txt"), d.path().join("again.txt")).unwrap();
        let list = discover(&[d.path().to_path_buf(), sub.join("r.txt")]).unwrap();
        let ids: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["again.txt"]);
    }

    #[test]
    fn non_utf8_names_get_distinct_ids_that_round_trip() {
        use std::os::unix::ffi::OsStrExt;
        let d = tempfile::tempdir().unwrap();
        let names: [&[u8]; 3] = [b"a\xff.txt", b"a\xfe.txt", b"100%.txt"];
        for n in names {
            std::fs::write(d.path().join(std::ffi::OsStr::from_bytes(n)), "x").unwrap();
        }
        let list = discover(&[d.path().to_path_buf()]).unwrap();
        let ids: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["100%25.txt", "a%FE.txt", "a%FF.txt"]);
        for i in &list {
            let name = i.path.as_ref().unwrap().file_name().unwrap().as_bytes();
            assert_eq!(id_component_bytes(&i.id), name);
        }
    }

    #[test]
    fn same_relative_id_in_two_folders_stays_two_reports() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        for d in [&a, &b] {
            std::fs::write(d.path().join("r.txt"), "x").unwrap();
        }
        let list = discover(&[
            a.path().to_path_buf(),
            b.path().to_path_buf(),
            a.path().to_path_buf(),
        ])
        .unwrap();
        assert_eq!(list.len(), 2);
        assert_ne!(list[0].id, list[1].id);
        assert!(list.iter().all(|i| i.id.ends_with("/r.txt")));
        // Absolute roots give ids without a leading slash (no `//…`).
        assert!(list.iter().all(|i| !i.id.starts_with('/')), "{list:?}");
    }

    #[test]
    fn colliding_ids_are_clean_unique_and_stable() {
        let t = tempfile::tempdir().unwrap();
        for d in ["corpus", "shared/corpus", "x/shared/corpus"] {
            std::fs::create_dir_all(t.path().join(d)).unwrap();
            std::fs::write(t.path().join(d).join("r.txt"), "x").unwrap();
        }
        // Roots given relative to a folder below the files, as `../shared/corpus`.
        let base = t.path().join("x");
        let args = [
            base.join("../corpus"),
            base.join("../shared/corpus"),
            base.join("shared/corpus"),
        ];
        let ids = |args: &[PathBuf]| -> Vec<String> {
            discover(args).unwrap().into_iter().map(|i| i.id).collect()
        };
        let a = ids(&args);
        assert_eq!(a.len(), 3);
        let unique: std::collections::BTreeSet<&String> = a.iter().collect();
        assert_eq!(unique.len(), 3, "{a:?}");
        for id in &a {
            assert!(
                !id.starts_with('/')
                    && !id.contains("//")
                    && !id.split('/').any(|c| c == ".." || c == "."),
                "{id}"
            );
            assert!(id.ends_with("corpus/r.txt"), "{id}");
        }
        // Same arguments in another order: the same ids.
        let mut rev = args.to_vec();
        rev.reverse();
        let mut b = ids(&rev);
        let mut a2 = a.clone();
        a2.sort();
        b.sort();
        assert_eq!(a2, b);
    }
}
