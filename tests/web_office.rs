//! HTML pages and Word documents give the same cells as the same report's text.
//!
//! `scripts/make_web_fixtures.py` renders one generated report as tab-separated
//! text, Word-pasted HTML, a GBK portal page, `.docx` (and, with LibreOffice, a
//! legacy `.doc`); every form must give the same cells, value and printed text.

use nianbao::grammar::Grammars;
use nianbao::ingest::{docx::soffice_available, IngestOptions};
use nianbao::model::{Report, Severity, Status};
use nianbao::pipeline::extract_bytes;
use std::path::PathBuf;

const GEN: &str = "gen_anping_scjgj_2021";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn extract(path: PathBuf) -> Report {
    let g = Grammars::embedded().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let id = path.file_name().unwrap().to_string_lossy().to_string();
    extract_bytes(&id, &bytes, &g, &IngestOptions::default())
}

/// The cells of a report without their places (lines differ between forms).
fn cells(r: &Report) -> Vec<(String, String, String, String, String)> {
    r.cells
        .iter()
        .map(|c| {
            (
                c.table.to_string(),
                c.row.to_string(),
                c.column.to_string(),
                c.value.to_string(),
                c.raw.to_string(),
            )
        })
        .collect()
}

fn same_as_text(other: &str) {
    let web = root().join("corpus/web");
    let text = extract(web.join(format!("{GEN}.txt")));
    // The fixture prints a few blank cells that identities need: `partial` for
    // that reason only, never an error.
    let no_errors = |r: &Report| !r.findings.iter().any(|f| f.severity == Severity::Error);
    assert!(no_errors(&text), "{:?}", text.findings);
    assert_ne!(text.status, Status::Error);
    assert_eq!(text.cells.len(), 200);
    let r = extract(web.join(other));
    assert!(no_errors(&r), "{other}: {:?}", r.findings);
    assert_eq!(r.status, text.status, "{other}: {:?}", r.findings);
    assert_eq!(cells(&r), cells(&text), "{other}");
    assert_eq!(
        (&r.agency, r.year, &r.published),
        (&text.agency, text.year, &text.published),
        "{other}"
    );
}

#[test]
fn word_pasted_html_gives_the_text_cells() {
    same_as_text(&format!("{GEN}_word.html"));
}

#[test]
fn gbk_portal_page_gives_the_text_cells() {
    let r = extract(root().join(format!("corpus/web/{GEN}_portal_gbk.html")));
    assert_eq!(r.source, "html:gb18030");
    // Nothing of the portal around the article is read: the hidden paragraph's
    // 9999 and the footer are not in the report.
    assert!(!r.findings.iter().any(|f| f.actual == "9999"));
    same_as_text(&format!("{GEN}_portal_gbk.html"));
}

#[test]
fn docx_gives_the_text_cells() {
    same_as_text(&format!("{GEN}.docx"));
}

#[test]
fn docx_heading_numbers_drawn_by_word_are_read() {
    // The same report, its heading numbers typed or drawn by Word's list
    // numbering (一、 through the heading style, （一） set on the paragraph).
    let web = root().join("corpus/web");
    let typed = extract(web.join("000_yiyuan_zrzyj_2020.docx"));
    let drawn = extract(web.join("000_yiyuan_zrzyj_2020_autonum.docx"));
    let tree = |r: &Report| {
        r.headings
            .iter()
            .map(|h| {
                (
                    h.level,
                    h.number.clone(),
                    h.title.clone(),
                    h.section.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(
        typed.headings.iter().filter(|h| h.level == 2).count() >= 3,
        "{:?}",
        typed.headings
    );
    assert_eq!(tree(&drawn), tree(&typed));
    assert_eq!(cells(&drawn), cells(&typed));
    assert_eq!(drawn.status, typed.status);
}

#[test]
fn legacy_doc_through_libreoffice() {
    let path = root().join(format!("tests/data/word/{GEN}.doc"));
    if !soffice_available() {
        eprintln!("SKIPPED legacy_doc_through_libreoffice: LibreOffice (soffice) is not installed");
        let r = extract(path);
        assert_eq!(r.status, Status::Error);
        assert!(r.error.contains("needs LibreOffice"), "{}", r.error);
        return;
    }
    let r = extract(path);
    assert_eq!(r.source, "word:doc");
    let text = extract(root().join(format!("corpus/web/{GEN}.txt")));
    assert_eq!(cells(&r), cells(&text));
}

#[test]
fn markdown_with_html_tables_gives_the_text_cells() {
    // PDF-to-markdown converters (MinerU) write merged-cell tables as one line of HTML.
    same_as_text(&format!("{GEN}_mineru.md"));
}
