//! The audit view: a static site a person reads to check a corpus, its page-break
//! repairs and its findings (`nianbao audit OUT_DIR`, or `extract --html`).
//!
//! It shows exactly what the output CSV files say ([`data`]) next to the text the
//! tool read, re-read through the same function `nianbao text` uses
//! ([`input_text`]); the input files are found through [`manifest`]. The site is
//! `OUT_DIR/audit/index.html` plus one page per report under `audit/r/`: no server,
//! no network, no framework; every piece of report text escaped ([`escape`]).

pub mod data;
pub mod escape;
pub mod index;
pub mod input_text;
pub mod manifest;
pub mod page;
pub mod report;
pub mod tables;

use crate::grammar::Grammars;
use crate::ingest::IngestOptions;
use data::Output;
use escape::slug;
use index::IndexRow;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The site's folder inside the output folder.
pub const SITE_DIR: &str = "audit";

/// Resolution of page images, in dots per inch: enough to read a table's
/// figures beside the text, small enough that a 1,000-page corpus stays light.
pub const PAGE_IMAGE_DPI: u32 = 60;

#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Input files or folders to find the reports' text in (instead of `inputs.csv`).
    pub inputs: Vec<PathBuf>,
    /// Render PDF pages as images with `pdftoppm` (skipped when it is not installed).
    pub page_images: bool,
    pub ingest: IngestOptions,
}

#[derive(Debug, Clone, Default)]
pub struct AuditSummary {
    pub reports: usize,
    /// Reports whose input text could not be shown (file not found or unreadable).
    pub without_text: usize,
    pub page_images: usize,
    pub files: usize,
    pub bytes: u64,
}

/// The page of the report at `index` (0-based in `reports.csv` order), relative to the site.
pub fn report_href(index: usize, id: &str) -> String {
    format!("r/{:04}-{}.html", index + 1, slug(id, 60))
}

/// Builds `out_dir/audit/`. The site is written to a temporary folder and moved
/// into place, so a reader never sees half a site.
pub fn build(out_dir: &Path, grammars: &Grammars, opts: &AuditOptions) -> io::Result<AuditSummary> {
    let out = Output::read(out_dir)?;
    let paths = manifest::input_paths(out_dir, &opts.inputs)?;
    let tmp = out_dir.join(format!(".{SITE_DIR}.tmp{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(tmp.join("r"))?;
    let images = opts.page_images && pdftoppm_available();

    let ids: Vec<&String> = out.reports.order.iter().collect();
    let built: Vec<io::Result<(IndexRow, bool, usize, u64)>> = ids
        .par_iter()
        .enumerate()
        .map(|(i, id)| build_report(&out, grammars, &paths, &tmp, i, id, images, &opts.ingest))
        .collect();
    let mut rows = Vec::with_capacity(built.len());
    let mut summary = AuditSummary::default();
    for b in built {
        let (row, has_text, imgs, bytes) = b?;
        summary.reports += 1;
        summary.without_text += usize::from(!has_text);
        summary.page_images += imgs;
        summary.files += 1 + imgs;
        summary.bytes += bytes;
        rows.push(row);
    }
    index::sort_worst_first(&mut rows);
    let mut by_check: BTreeMap<String, usize> = BTreeMap::new();
    for f in out.findings.all() {
        *by_check.entry(f.check.to_string()).or_default() += 1;
    }
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for x in out.repairs.all() {
        *by_kind.entry(x.kind.to_string()).or_default() += 1;
    }
    let html = index::render(&rows, &by_check, &by_kind, &out_dir.display().to_string());
    std::fs::write(tmp.join("index.html"), &html)?;
    summary.files += 1;
    summary.bytes += html.len() as u64;

    let site = out_dir.join(SITE_DIR);
    let old = out_dir.join(format!(".{SITE_DIR}.old{}", std::process::id()));
    if site.exists() {
        std::fs::rename(&site, &old)?;
    }
    std::fs::rename(&tmp, &site)?;
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(summary)
}

#[allow(clippy::too_many_arguments)]
fn build_report(
    out: &Output,
    grammars: &Grammars,
    paths: &HashMap<String, PathBuf>,
    site: &Path,
    i: usize,
    id: &str,
    images: bool,
    ingest: &IngestOptions,
) -> io::Result<(IndexRow, bool, usize, u64)> {
    let r = &out.reports.rows(id)[0];
    let findings = out.findings.rows(id);
    let path = paths.get(id);
    let text = match path {
        None => Err(format!(
            "The input file of “{id}” is not known: no {} in the output folder and no --inputs given.",
            manifest::MANIFEST
        )),
        // The same guarded read as extract: regular files only, size capped.
        Some(p) => crate::corpus::read_input(&crate::corpus::Input {
            id: id.to_string(),
            path: Some(p.clone()),
        })
        .map_err(|e| format!("{}: {e}", p.display()))
        .and_then(|b| {
                input_text::read_numbered(&b, ingest)
                    .map(|(_, pages)| pages)
                    .map_err(|e| format!("{}: {e}", p.display()))
            }),
    };
    let href = report_href(i, id);
    let mut page_images = HashMap::new();
    if let (true, Some(p), Ok(_)) = (images && r.source == "pdf", path, &text) {
        page_images = render_page_images(p, &site.join("r").join("img"), i + 1);
    }
    let mut img_bytes = 0;
    for f in page_images.values() {
        img_bytes += std::fs::metadata(site.join("r").join(f))
            .map(|m| m.len())
            .unwrap_or(0);
    }
    let page = report::ReportPage {
        report: r,
        cells: out.cells.rows(id),
        repairs: out.repairs.rows(id),
        findings,
        format: grammars.format(&r.format),
        text,
        input_path: path.map(|p| p.display().to_string()),
        images: page_images.clone(),
    };
    let has_text = page.text.is_ok();
    let html = page.render("../index.html");
    std::fs::write(site.join(&href), &html)?;
    let sev = |s: &str| findings.iter().filter(|f| f.severity == s).count();
    let row = IndexRow {
        href,
        report: id.to_string(),
        agency: r.agency.to_string(),
        year: r.year.map(|y| y.to_string()).unwrap_or_default(),
        format: r.format.to_string(),
        status: r.status.to_string(),
        cells: r.cells.to_string(),
        repairs: r.repairs,
        errors: sev("error"),
        warnings: sev("warning"),
        infos: sev("info"),
        error_text: r.error.to_string(),
    };
    Ok((
        row,
        has_text,
        page_images.len(),
        html.len() as u64 + img_bytes,
    ))
}

fn pdftoppm_available() -> bool {
    Command::new("pdftoppm")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Renders every page of a PDF to `dir/NNNN-P.png`; page number → path relative
/// to the report page. Empty when `pdftoppm` fails (the page works without).
fn render_page_images(pdf: &Path, dir: &Path, n: usize) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    if std::fs::create_dir_all(dir).is_err() {
        return out;
    }
    let prefix = format!("{n:04}");
    let ok = Command::new("pdftoppm")
        .args(["-r", &PAGE_IMAGE_DPI.to_string(), "-png"])
        .arg(pdf)
        .arg(dir.join(&prefix))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return out;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().to_string();
        // pdftoppm names pages `PREFIX-1.png`, zero-padded to the page count's width.
        let page = name
            .strip_prefix(&format!("{prefix}-"))
            .and_then(|s| s.strip_suffix(".png"))
            .and_then(|s| s.parse::<usize>().ok());
        if let Some(p) = page {
            out.insert(p, format!("img/{name}"));
        }
    }
    out
}
