//! Every place written to `cells.csv`, `repairs.csv`, `findings.csv` and
//! `sections.csv` is opened in the input, as a person would: for a text input the
//! file's own line (decoded, split at CRLF/CR/LF, form feeds counted as pages but
//! not as line breaks), for a PDF the line of the page's layout text (the ingest
//! stage's page lines, which `nianbao text FILE` prints); the value, the repaired
//! text or the heading must be there.

use nianbao::corpus::{discover, run};
use nianbao::grammar::Grammars;
use nianbao::ingest::{decode_text, looks_like_pdf, read_bytes, IngestOptions};
use nianbao::model::SourceKind;
use nianbao::text::compact;
use nianbao::write::CsvSink;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The input as the user opens it: (page, line) → text.
struct Opened {
    /// Text inputs: the file's lines with the page each line starts and ends on.
    text: Option<Vec<(usize, usize, String)>>,
    /// PDF inputs: the layout lines of each page.
    pdf: Option<Vec<Vec<String>>>,
}

impl Opened {
    fn open(path: &Path) -> Opened {
        let bytes = std::fs::read(path).unwrap();
        // PDF, HTML and Word: the lines of the ingest stage (`nianbao text FILE`).
        let doc = read_bytes(&bytes, &IngestOptions::default()).unwrap();
        if looks_like_pdf(&bytes) || !matches!(doc.source, SourceKind::Text(_)) {
            return Opened {
                text: None,
                pdf: Some(doc.pages.into_iter().map(|p| p.lines).collect()),
            };
        }
        let (text, _) = decode_text(&bytes).unwrap();
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let mut page = 1;
        let mut lines = Vec::new();
        for l in text.split('\n') {
            let first = page;
            page += l.matches('\u{0C}').count();
            lines.push((first, page, l.to_string()));
        }
        Opened {
            text: Some(lines),
            pdf: None,
        }
    }

    /// The text at (page, line), or a description of why there is none.
    fn at(&self, page: usize, line: usize) -> Result<String, String> {
        if let Some(lines) = &self.text {
            let (first, last, t) = lines
                .get(line.wrapping_sub(1))
                .ok_or(format!("no line {line}"))?;
            if !(*first..=*last).contains(&page) {
                return Err(format!(
                    "line {line} is on page {first}..{last}, not {page}"
                ));
            }
            return Ok(t.clone());
        }
        let pages = self.pdf.as_ref().unwrap();
        pages
            .get(page.wrapping_sub(1))
            .and_then(|p| p.get(line.wrapping_sub(1)))
            .cloned()
            .ok_or(format!("no page {page} line {line}"))
    }
}

fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// What must be found at a row's place: `None` when the row has no place.
type Needle = fn(&HashMap<String, String>) -> Option<String>;

fn cell_needle(r: &HashMap<String, String>) -> Option<String> {
    Some(r["raw"].clone()).filter(|s| !s.is_empty())
}

fn repair_needle(r: &HashMap<String, String>) -> Option<String> {
    let before = &r["before"];
    match r["kind"].as_str() {
        // Table structure repairs name rows or cells, not one piece of text.
        "table_page_join" | "table_blank_line" => None,
        "table_row_realign" => before
            .split('⇥')
            .find(|s| !s.trim().is_empty())
            .map(String::from),
        _ => before.split(" ‖ ").next().map(String::from),
    }
}

fn finding_needle(r: &HashMap<String, String>) -> Option<String> {
    match r["check"].as_str() {
        "text_table_mismatch" | "unplaced_value" | "ambiguous_split" => {
            Some(r["actual"].clone()).filter(|s| !s.is_empty())
        }
        _ => None,
    }
}

fn section_needle(r: &HashMap<String, String>) -> Option<String> {
    Some(r["title"].clone())
}

/// Checks every placed row of `file`; returns the failures and the number checked.
fn check_file(
    out: &Path,
    file: &str,
    needle: Needle,
    inputs: &HashMap<String, PathBuf>,
    opened: &mut HashMap<String, Opened>,
) -> (Vec<String>, usize) {
    let mut bad = Vec::new();
    let mut checked = 0;
    for r in rows(&out.join(file)) {
        let (page, line) = (&r["page"], &r["line"]);
        if line.is_empty() {
            continue;
        }
        let Some(path) = inputs.get(&r["report"]) else {
            continue;
        };
        let o = opened
            .entry(r["report"].clone())
            .or_insert_with(|| Opened::open(path));
        let (page, line): (usize, usize) = (page.parse().unwrap(), line.parse().unwrap());
        checked += 1;
        match o.at(page, line) {
            Err(e) => bad.push(format!("{file} {}: {e}", r["report"])),
            Ok(text) => {
                if let Some(n) = needle(&r) {
                    if !compact(&text).contains(&compact(&n)) {
                        bad.push(format!(
                            "{file} {} page {page} line {line}: “{n}” not in “{text}”",
                            r["report"]
                        ));
                    }
                } else if text.trim().is_empty() && file != "repairs.csv" {
                    bad.push(format!(
                        "{file} {} page {page} line {line} is blank",
                        r["report"]
                    ));
                }
            }
        }
    }
    (bad, checked)
}

fn check_places(dir: &Path) {
    let g = Grammars::embedded().unwrap();
    let list = discover(&[dir.to_path_buf()]).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut w = CsvSink::create(tmp.path(), &g, false).unwrap();
    run(&list, &g, &IngestOptions::default(), &mut w).unwrap();
    let inputs: HashMap<String, PathBuf> = list
        .iter()
        .map(|i| (i.id.clone(), dir.join(&i.id)))
        .collect();
    let mut opened = HashMap::new();
    let mut bad = Vec::new();
    for (file, needle) in [
        ("cells.csv", cell_needle as Needle),
        ("repairs.csv", repair_needle),
        ("findings.csv", finding_needle),
        ("sections.csv", section_needle),
    ] {
        let (b, n) = check_file(tmp.path(), file, needle, &inputs, &mut opened);
        assert!(n > 0, "{}: nothing placed in {file}", dir.display());
        eprintln!("{}: {n} places in {file} checked", dir.display());
        bad.extend(b);
    }
    // Every cell of cells.csv has its wide.csv column.
    let mut wide = csv::Reader::from_path(tmp.path().join("wide.csv")).unwrap();
    let columns: std::collections::HashSet<String> =
        wide.headers().unwrap().iter().map(String::from).collect();
    for c in rows(&tmp.path().join("cells.csv")) {
        let key = format!("{}.{}.{}", c["table"], c["row"], c["column"]);
        if !columns.contains(&key) {
            bad.push(format!(
                "cells.csv {}: {key} has no wide.csv column",
                c["report"]
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} places do not point at their text:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn bundled_corpus_places_point_into_the_input() {
    check_places(&root().join("corpus"));
}

#[test]
#[ignore = "needs ../shared/corpus beside the repository; .ci/run runs it: cargo test -- --ignored"]
fn shared_corpus_places_point_into_the_input() {
    // `NIANBAO_SHARED_CORPUS` points elsewhere (e.g. from a worktree).
    let shared = std::env::var_os("NIANBAO_SHARED_CORPUS")
        .map_or_else(|| root().join("../shared/corpus"), PathBuf::from);
    assert!(shared.is_dir(), "{} not present", shared.display());
    check_places(&shared);
}
