//! Worker processes: what cannot be caught in-process cannot cost the batch.
//!
//! A panic is caught per report, but an abort (an allocation failure), a stack
//! overflow or an out-of-memory kill ends the whole process, and a runaway
//! thread cannot be stopped from outside. So `nianbao extract` runs every file in
//! a child process — the same binary, started with the hidden `worker`
//! subcommand — as Apache Tika's ForkParser isolates parsers:
//!
//! - one worker per `-j` thread, each fed many files in turn over a pipe (no
//!   process per file, so parallel speed-up is unchanged);
//! - each worker limits its own address space ([`limit_memory`]) so a hostile
//!   file ends in an allocation failure inside that worker, not in the machine's
//!   OOM killer picking a victim;
//! - the parent waits at most the per-file time limit (plus [`KILL_GRACE`]) for
//!   each answer; a worker that overruns is killed (so it stops using CPU, and
//!   later files never share a core with it) and replaced;
//! - a worker that dies (abort, overflow, signal) is replaced; its file gets one
//!   `status=error` row naming the signal and the worker's last words;
//! - a worker whose own time limit fired (the PDF thread is abandoned, not
//!   stopped) is replaced as well, so an abandoned thread never runs beside the
//!   next file. Results therefore never depend on which files share a worker.
//!
//! Reports travel back in a compact binary encoding ([`wire`]; JSON cost the
//! parent a tenth of a text run to parse, and TOML's document model took a
//! gigabyte for a report with 300,000 findings). When the parent's sink takes
//! rendered reports (the CSV files: [`ReportSink::rendered_layout`]), a worker
//! started with `--render` sends each report as its rows of the six files,
//! rendered by the same [`Renderer`] the sink uses for a whole report, plus
//! the few fields the parent still reads: the parent then only appends bytes
//! (decoding every cell of every report and freeing it was a fifth of a
//! worker-mode run). Either way the files are byte-identical to an
//! `--in-process` run, which runs everything in one process, as the library does.

use crate::corpus::{read_input, run_with, Input, Summary};
use crate::grammar::Grammars;
use crate::ingest::{IngestError, IngestOptions};
use crate::model::Report;
use crate::pipeline::extract_bytes;
use crate::sink::{Finished, Layout, ReportSink};
use crate::write::Renderer;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod wire;

/// Default address-space limit of a worker, in MiB. The largest real report
/// (a 300-page PDF) peaks under 200 MB; 1 GiB of address space leaves room for
/// the thread stacks and allocator arenas a worker reserves without using, and
/// stops a hostile file (an inflate bomb, a huge layout) long before the machine
/// runs short.
pub const DEFAULT_MEMORY_MB: u64 = 1024;

/// How long past the per-file limit the parent waits before killing a worker:
/// the worker's own limit normally answers first ("timed out"), with its
/// message; the kill is for code that never checks the clock.
pub const KILL_GRACE: Duration = Duration::from_secs(2);

/// Lines of a worker's standard error kept to explain its death.
const STDERR_TAIL: usize = 16;

/// Environment variable that, set to `1`, lets a worker obey the test-only crash
/// commands below. Never set in normal runs: without it the commands are
/// ordinary (undecodable) input.
pub const CRASH_HOOK_ENV: &str = "NIANBAO_TEST_CRASH_HOOK";
const CRASH_PREFIX: &[u8] = b"NIANBAO-TEST-CRASH:";

/// Settings the parent passes to its workers.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Grammar folder (`None`: the built-in grammars).
    pub grammars: Option<PathBuf>,
    pub opts: IngestOptions,
    /// Address-space limit per worker in MiB (0: none).
    pub memory_mb: u64,
    /// Where to append `report,seconds` per file (benchmarks and fuzzing).
    pub timings: Option<PathBuf>,
}

// ---------------------------------------------------------------- the worker

/// Caps this process's address space at `mb` MiB (and disables core dumps, so
/// a crashing worker does not write one per hostile file).
pub fn limit_memory(mb: u64) -> std::io::Result<()> {
    let set = |res, value: u64| {
        let lim = libc::rlimit {
            rlim_cur: value as libc::rlim_t,
            rlim_max: value as libc::rlim_t,
        };
        // SAFETY: setrlimit reads a valid, initialised struct.
        if unsafe { libc::setrlimit(res, &lim) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    };
    set(libc::RLIMIT_CORE, 0)?;
    if mb > 0 {
        set(libc::RLIMIT_AS, mb.saturating_mul(1024 * 1024))?;
    }
    Ok(())
}

/// Makes every thread of this process allocate from glibc's one main arena.
///
/// A worker reads one file at a time, on a thread of its own (the PDF time
/// limit) while its main thread waits, so the threads never allocate at once.
/// Without this, that thread's first allocation creates a second arena: fresh
/// pages, each a page fault, while the main arena holds the memory the grammar's
/// regex compilation has freed, already mapped. One arena: ~300 page faults and
/// ~1 ms CPU fewer per worker (one small PDF: 14.4 → 13.3 ms). Not in the
/// parent or `--in-process`, whose threads do allocate at once.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; a refusal (0) leaves the default.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// The `worker` subcommand: reads requests on standard input, answers on
/// standard output, until standard input closes. With `render`, each report is
/// sent rendered to its rows ([`crate::sink::Rendered`]), otherwise whole.
pub fn serve(
    grammars: &Grammars,
    opts: &IngestOptions,
    memory_mb: u64,
    render: bool,
) -> std::io::Result<()> {
    limit_memory(memory_mb)?;
    let mut renderer = render.then(|| Renderer::new(grammars));
    one_malloc_arena();
    let hook = std::env::var(CRASH_HOOK_ENV).is_ok_and(|v| v == "1");
    let stdin = std::io::stdin();
    let mut input = BufReader::new(stdin.lock());
    // Answers go to standard output's file itself, not through std's line
    // buffer: that writes a frame up to its last line end (rows end in `\n`)
    // and then the rest, two writes that wake the parent's reader twice.
    let mut out = std::fs::File::from(std::io::stdout().as_fd().try_clone_to_owned()?);
    let mut line = String::new();
    // One buffer for every answer: a frame is encoded into it and written whole.
    let mut frame = Vec::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut f = line.trim_end_matches('\n').split('\t');
        let (kind, arg, id) = (f.next(), f.next(), f.next().and_then(unhex_str));
        let Some(id) = id else {
            return Err(std::io::Error::other("bad request"));
        };
        let bytes = match (kind, arg) {
            (Some("path"), Some(p)) => {
                let path = unhex(p).map(|b| {
                    use std::os::unix::ffi::OsStringExt;
                    PathBuf::from(std::ffi::OsString::from_vec(b))
                });
                let inp = Input {
                    id: id.clone(),
                    path,
                };
                read_input(&inp)
            }
            (Some("bytes"), Some(n)) => {
                let n: usize = n.parse().map_err(|_| std::io::Error::other("bad length"))?;
                let mut b = vec![0; n];
                input.read_exact(&mut b)?;
                Ok(b)
            }
            _ => return Err(std::io::Error::other("bad request")),
        };
        let mut damage = false;
        let report = match bytes {
            Ok(b) => {
                if hook {
                    crash_hook(&b);
                    damage = b.strip_prefix(CRASH_PREFIX) == Some(b"open-quote");
                }
                extract_bytes(&id, &b, grammars, opts)
            }
            Err(reason) => Report::failed(&id, "", reason),
        };
        let mut answer = match &mut renderer {
            // A report whose rows cannot be rendered (no row struct fails to
            // serialise, so this is a bug) goes whole: the parent renders it
            // again and stops the run with the error.
            Some(r) => r
                .rendered(&report)
                .map_or(Finished::Report(report), Finished::Rendered),
            None => Finished::Report(report),
        };
        if let (true, Finished::Rendered(r)) = (damage, &mut answer) {
            // Test-only: a finding row with an open quote, which would swallow
            // the rows of every later report if it reached the file.
            r.rows[5].extend_from_slice(format!("{id},\"open\n").as_bytes());
        }
        frame.clear();
        wire::encode_frame(&answer, &mut frame);
        // Unbuffered: the frame is with the parent once written.
        out.write_all(&frame)?;
    }
}

/// Test-only: an input that starts with `NIANBAO-TEST-CRASH:` and a command
/// makes the worker die the way hostile inputs make dependencies die (or, with
/// `open-quote`, answer with damaged rows: see [`serve`]).
fn crash_hook(bytes: &[u8]) {
    let Some(cmd) = bytes.strip_prefix(CRASH_PREFIX) else {
        return;
    };
    let cmd = String::from_utf8_lossy(cmd);
    match cmd.trim() {
        "abort" => std::process::abort(),
        "overflow" => {
            fn deep(n: u64) -> u64 {
                if n == u64::MAX {
                    return 0;
                }
                let pad = [n; 512];
                std::hint::black_box(&pad);
                deep(n + 1) + std::hint::black_box(pad[0])
            }
            std::hint::black_box(deep(0));
        }
        "oom" => {
            // Allocate and touch until the address-space limit refuses: an
            // allocation failure aborts the process.
            let mut hold: Vec<Vec<u8>> = Vec::new();
            loop {
                hold.push(vec![1u8; 64 * 1024 * 1024]);
                std::hint::black_box(&hold);
            }
        }
        "hang" => loop {
            std::hint::black_box(0);
        },
        _ => {}
    }
}

fn hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 * b.len());
    for &x in b {
        s.push(char::from(DIGITS[usize::from(x >> 4)]));
        s.push(char::from(DIGITS[usize::from(x & 0x0f)]));
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn unhex_str(s: &str) -> Option<String> {
    String::from_utf8(unhex(s)?).ok()
}

// ---------------------------------------------------------------- the parent

/// [`crate::corpus::run`] with every file extracted in a worker process: one
/// per thread, replaced when it dies or overruns.
pub fn run_isolated(
    inputs: &[Input],
    config: &WorkerConfig,
    sink: &mut dyn ReportSink,
) -> std::io::Result<Summary> {
    let timings = match &config.timings {
        Some(p) => Some(Mutex::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)?,
        )),
        None => None,
    };
    let timings = &timings;
    // The sink's layout, when it takes reports rendered in the worker.
    let render = sink.rendered_layout();
    let isolated = || -> Box<dyn FnMut(&Input) -> Finished + '_> {
        let mut w = Worker::new(config.clone());
        w.render = render;
        Box::new(move |input: &Input| {
            let started = std::time::Instant::now();
            let r = w.extract_finished(input);
            if let Some(f) = timings {
                let mut f = f.lock().unwrap_or_else(|e| e.into_inner());
                let _ = writeln!(f, "{},{:.3}", input.id, started.elapsed().as_secs_f64());
            }
            r
        })
    };
    run_with(inputs, &isolated, sink)
}

/// What the reader thread of a worker passes on.
enum Answer {
    Report(Box<Finished>),
    /// Standard output closed or sent something unreadable: the worker is gone.
    Gone(String),
}

/// One running worker process, owned by one thread of the parent.
struct Running {
    child: Child,
    stdin: ChildStdin,
    answers: mpsc::Receiver<Answer>,
    stderr_tail: Arc<Mutex<Vec<String>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

/// A worker process and how to replace it: [`Worker::extract`] behaves like
/// [`crate::corpus::run_one`], in another process.
pub struct Worker {
    config: WorkerConfig,
    running: Option<Running>,
    /// The layout of the rendered reports to ask for, if any (see
    /// [`ReportSink::rendered_layout`]).
    render: Option<Layout>,
}

impl Worker {
    pub fn new(config: WorkerConfig) -> Self {
        Worker {
            config,
            running: None,
            render: None,
        }
    }

    fn start(&self) -> std::io::Result<Running> {
        let exe = std::env::current_exe()?;
        let mut cmd = Command::new(exe);
        cmd.arg("worker")
            .arg("--timeout")
            .arg(self.config.opts.timeout_secs.to_string())
            .arg("--memory-mb")
            .arg(self.config.memory_mb.to_string())
            .arg("--search-nodes")
            .arg(self.config.opts.search_nodes.to_string());
        if let Some(g) = &self.config.grammars {
            cmd.arg("--grammars").arg(g);
        }
        if self.render.is_some() {
            cmd.arg("--render");
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| std::io::Error::other("stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| std::io::Error::other("stdout"))?;
        let stderr = child
            .stderr
            .take()
            .ok_or_else(|| std::io::Error::other("stderr"))?;
        let (tx, answers) = mpsc::channel();
        std::thread::Builder::new()
            .name("nianbao-worker-out".into())
            .spawn(move || read_answers(stdout, tx))?;
        let stderr_tail = Arc::new(Mutex::new(Vec::new()));
        let tail = Arc::clone(&stderr_tail);
        let stderr_reader = std::thread::Builder::new()
            .name("nianbao-worker-err".into())
            .spawn(move || {
                for l in BufReader::new(stderr).lines() {
                    let Ok(l) = l else { break };
                    let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
                    t.push(l.chars().take(300).collect());
                    if t.len() > STDERR_TAIL {
                        t.remove(0);
                    }
                }
            })?;
        Ok(Running {
            child,
            stdin,
            answers,
            stderr_tail,
            stderr_reader: Some(stderr_reader),
        })
    }

    /// Stops the current worker process (if any), reaps it, and returns how it
    /// ended with the last lines it wrote to standard error.
    fn stop(&mut self) -> (Option<std::process::ExitStatus>, Vec<String>) {
        let Some(mut r) = self.running.take() else {
            return (None, Vec::new());
        };
        drop(r.stdin);
        let _ = r.child.kill();
        let status = r.child.wait().ok();
        // The process is gone, so its standard error reaches end of file.
        if let Some(h) = r.stderr_reader.take() {
            let _ = h.join();
        }
        let tail = r
            .stderr_tail
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        (status, tail)
    }

    /// Extracts one input in the worker process, starting or replacing the
    /// process as needed. Never fails: every outcome is a report.
    pub fn extract(&mut self, input: &Input) -> Report {
        match self.extract_finished(input) {
            Finished::Report(r) => r,
            // Not asked for: this worker renders only when `render` is set.
            Finished::Rendered(r) => Report::failed(&r.id, "", "a worker rendered unasked"),
        }
    }

    /// [`Worker::extract`], rendered when this worker renders.
    fn extract_finished(&mut self, input: &Input) -> Finished {
        let failed = |reason: &str| Finished::Report(Report::failed(&input.id, "", reason));
        let request = match &input.path {
            Some(p) => {
                use std::os::unix::ffi::OsStrExt;
                Request::Path(hex(p.as_os_str().as_bytes()))
            }
            // Standard input is read here (capped) and passed on.
            None => match read_input(input) {
                Ok(b) => Request::Bytes(b),
                Err(reason) => return failed(&reason),
            },
        };
        if self.running.is_none() {
            match self.start() {
                Ok(r) => self.running = Some(r),
                Err(e) => return failed(&format!("cannot start a worker process: {e}")),
            }
        }
        let Some(run) = self.running.as_mut() else {
            return failed("no worker process");
        };
        let sent = match &request {
            Request::Path(h) => writeln!(run.stdin, "path\t{h}\t{}", hex(input.id.as_bytes())),
            Request::Bytes(b) => {
                writeln!(run.stdin, "bytes	{}	{}", b.len(), hex(input.id.as_bytes()))
                    .and_then(|()| run.stdin.write_all(b))
            }
        }
        .and_then(|()| run.stdin.flush());
        let limit = self.config.opts.timeout_secs;
        let answer = if sent.is_err() {
            // The pipe is broken: the worker died before reading; its reason follows.
            run.answers
                .recv_timeout(KILL_GRACE)
                .unwrap_or(Answer::Gone(String::new()))
        } else if limit == 0 {
            run.answers.recv().unwrap_or(Answer::Gone(String::new()))
        } else {
            match run
                .answers
                .recv_timeout(Duration::from_secs(limit) + KILL_GRACE)
            {
                Ok(a) => a,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    self.stop();
                    return failed(&format!("{} (worker stopped)", IngestError::Timeout(limit)));
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => Answer::Gone(String::new()),
            }
        };
        match answer {
            Answer::Report(r) => {
                // A worker whose own time limit fired left a thread running:
                // replace it before the next file.
                if r.error().starts_with(crate::ingest::TIMEOUT_PREFIX) {
                    self.stop();
                }
                match (*r, self.render) {
                    // Rows that are not this input's whole records of the
                    // sink's columns (a worker that read other grammars, or a
                    // damaged one) would misalign the files for every report
                    // after them: this file's error row instead, and a fresh
                    // worker for the next.
                    (Finished::Rendered(r), Some(layout)) => match layout.check(&r, &input.id) {
                        Ok(()) => Finished::Rendered(r),
                        Err(reason) => {
                            self.stop();
                            failed(&reason)
                        }
                    },
                    (Finished::Rendered(_), None) => {
                        self.stop();
                        failed("the worker process rendered rows unasked")
                    }
                    (r, _) => r,
                }
            }
            Answer::Gone(detail) => {
                let (status, tail) = self.stop();
                failed(&death_reason(status, &tail, &detail))
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

enum Request {
    Path(String),
    Bytes(Vec<u8>),
}

/// The capacity the answer buffer of [`read_answers`] keeps between answers:
/// enough for an ordinary report, so a rare huge one (hundreds of thousands of
/// findings) does not hold its memory for the rest of the run.
const ANSWER_KEEP: usize = 1 << 20;

/// Reads framed reports ([`wire`]) from a worker until it closes.
fn read_answers(stdout: std::process::ChildStdout, tx: mpsc::Sender<Answer>) {
    let mut r = BufReader::new(stdout);
    let mut body = Vec::new();
    loop {
        let answer = match read_answer(&mut r, &mut body) {
            Ok(Some(report)) => Answer::Report(Box::new(report)),
            Ok(None) => Answer::Gone(String::new()),
            Err(e) => Answer::Gone(format!("unreadable answer: {e}")),
        };
        body.clear();
        body.shrink_to(ANSWER_KEEP);
        let gone = matches!(answer, Answer::Gone(_));
        if tx.send(answer).is_err() || gone {
            return;
        }
    }
}

/// One answer: `None` when the stream ends before a whole frame (the worker
/// died, perhaps mid-answer), an error when the bytes are not a report.
fn read_answer(r: &mut impl Read, body: &mut Vec<u8>) -> Result<Option<Finished>, wire::WireError> {
    let mut header = [0; wire::HEADER_LEN];
    if r.read_exact(&mut header).is_err() {
        return Ok(None);
    }
    let n = wire::body_len(&header)?;
    // Read through `take`, so a length never allocates more than arrives.
    match r.take(n).read_to_end(body) {
        Ok(got) if got as u64 == n => wire::decode(body).map(Some),
        _ => Ok(None),
    }
}

/// The error row of a file whose worker died.
fn death_reason(status: Option<std::process::ExitStatus>, tail: &[String], detail: &str) -> String {
    let how = match status {
        Some(s) => match s.signal() {
            Some(libc::SIGABRT) => "aborted (SIGABRT)".to_string(),
            Some(libc::SIGSEGV) => "crashed (SIGSEGV)".to_string(),
            Some(libc::SIGKILL) => "was killed (SIGKILL, out of memory?)".to_string(),
            Some(n) => format!("was killed by signal {n}"),
            None => format!("exited with {}", s.code().unwrap_or(-1)),
        },
        None => "stopped".to_string(),
    };
    // The last line the worker printed says why (an allocation failure, a stack
    // overflow), minus the thread name and process id that vary between runs.
    let said = |k: &str| tail.iter().any(|l| l.contains(k));
    let why = if said("overflowed its stack") || said("stack overflow") {
        "stack overflow"
    } else if said("memory allocation of") {
        "out of memory (allocation failed)"
    } else if status.and_then(|s| s.code()) == Some(2) {
        // A worker that refused its grammars (a pattern over the regex
        // compiler's size limit: the parent only checks their syntax) says why
        // on its last line.
        tail.last()
            .map_or("", |l| l.trim_start_matches("nianbao: "))
    } else {
        ""
    };
    let mut msg = format!("worker process {how} reading this file");
    for extra in [why, detail] {
        if !extra.is_empty() {
            msg.push_str(": ");
            msg.push_str(extra);
        }
    }
    msg + "; the batch went on in a new worker"
}

/// Highest peak resident memory among the worker processes that have ended, in
/// bytes (Linux reports kilobytes).
pub fn peak_worker_memory() -> u64 {
    // SAFETY: getrusage fills the zero-initialised struct it is given.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) != 0 {
            return 0;
        }
        (u.ru_maxrss.max(0) as u64) * 1024
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_round_trips_every_byte() {
        let all: Vec<u8> = (0..=255).collect();
        let h = super::hex(&all);
        assert_eq!(&h[..8], "00010203");
        assert_eq!(&h[h.len() - 4..], "feff");
        assert_eq!(super::unhex(&h), Some(all));
    }
}
