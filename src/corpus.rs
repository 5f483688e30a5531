//! Many inputs: discovery, stable report ids, sharding, parallel extraction with
//! deterministic output order.

use crate::ingest::IngestOptions;
use crate::model::{Report, Status};
use crate::pipeline::extract_bytes;
use crate::template::Grammars;
use crate::write::Writers;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};

/// File extensions read when walking a folder.
pub const EXTENSIONS: [&str; 6] = ["pdf", "txt", "md", "text", "markdown", "csv_never"];

/// One input: where its bytes are and the id it is reported under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Path relative to the input root given on the command line, `/`-separated.
    pub id: String,
    /// `None` for standard input.
    pub path: Option<PathBuf>,
}

fn rel_id(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/")
}

fn wanted(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if name.starts_with('.') || name.ends_with(".expected.csv") {
        return false;
    }
    p.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| EXTENSIONS[..5].contains(&e.as_str()))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                walk(&p, out)?;
            }
        } else if wanted(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// Expands files, folders (recursively) and `-` into inputs sorted by id.
/// A file named explicitly is read whatever its extension.
pub fn discover(args: &[PathBuf]) -> std::io::Result<Vec<Input>> {
    let mut out = Vec::new();
    for a in args {
        if a.as_os_str() == "-" {
            out.push(Input {
                id: "-".into(),
                path: None,
            });
        } else if a.is_dir() {
            let mut files = Vec::new();
            walk(a, &mut files)?;
            out.extend(files.into_iter().map(|p| Input {
                id: rel_id(a, &p),
                path: Some(p),
            }));
        } else {
            let id = a
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            out.push(Input {
                id,
                path: Some(a.clone()),
            });
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.id == b.id);
    Ok(out)
}

/// FNV-1a: a hash that is the same on every machine and release.
pub fn stable_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Keeps the inputs of shard `k` of `n` (1-based), chosen by report id.
pub fn shard(inputs: Vec<Input>, k: usize, n: usize) -> Vec<Input> {
    inputs
        .into_iter()
        .filter(|i| (stable_hash(&i.id) % n as u64) as usize == k - 1)
        .collect()
}

/// Reads one input and extracts it; I/O errors become `status=error`.
pub fn run_one(input: &Input, grammars: &Grammars, opts: &IngestOptions) -> Report {
    let bytes = match &input.path {
        None => {
            let mut b = Vec::new();
            match std::io::stdin().read_to_end(&mut b) {
                Ok(_) => b,
                Err(e) => return Report::failed(&input.id, "", format!("reading stdin: {e}")),
            }
        }
        Some(p) => match std::fs::metadata(p) {
            Ok(m) if m.len() as usize > crate::ingest::MAX_INPUT_BYTES => {
                return Report::failed(
                    &input.id,
                    "",
                    format!("file too large ({} bytes)", m.len()),
                );
            }
            _ => match std::fs::read(p) {
                Ok(b) => b,
                Err(e) => {
                    return Report::failed(&input.id, "", format!("reading {}: {e}", p.display()))
                }
            },
        },
    };
    extract_bytes(&input.id, &bytes, grammars, opts)
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
        self.reports += 1;
        match r.status {
            Status::Ok => self.ok += 1,
            Status::Partial => self.partial += 1,
            Status::Error => self.error += 1,
        }
        self.findings += r.findings.len();
        self.repairs += r.repairs.len();
    }
}

/// Reports processed per parallel batch: bounds memory while keeping the order.
const BATCH: usize = 64;

/// Extracts every input in parallel and streams the reports, in input order, to
/// `writers`. `on_done` is called once per finished report (progress display).
pub fn run(
    inputs: &[Input],
    grammars: &Grammars,
    opts: &IngestOptions,
    writers: &mut Writers,
    on_done: &(dyn Fn(&Report) + Sync),
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    for chunk in inputs.chunks(BATCH) {
        let reports: Vec<Report> = chunk
            .par_iter()
            .map(|i| {
                let r = run_one(i, grammars, opts);
                on_done(&r);
                r
            })
            .collect();
        for r in &reports {
            summary.add(r);
            writers.write(r)?;
        }
    }
    Ok(summary)
}
