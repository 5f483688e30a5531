//! End-to-end tests of the PDF ingest on the fixtures in `corpus/`.
//!
//! The fixtures are made by `scripts/make_pdf_fixtures.py`. Tests on the shared
//! corpus (`../shared/corpus`, real reports that are not redistributed) are
//! skipped when it is absent.

use nianbao::ingest::pdf::read_pdf;
use nianbao::ingest::{read_bytes, IngestError, IngestOptions};
use nianbao::model::{Document, SourceKind};
use std::path::{Path, PathBuf};

fn corpus(rel: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match rel.strip_prefix("bad/") {
        Some(name) => root.join("tests/data/bad").join(name),
        None => root.join("corpus").join(rel),
    }
}

fn read(rel: &str) -> Result<Document, IngestError> {
    let bytes = std::fs::read(corpus(rel)).expect("fixture present");
    read_pdf(&bytes, &IngestOptions::default())
}

fn text(doc: &Document) -> String {
    doc.pages
        .iter()
        .map(|p| p.lines.join("\n"))
        .collect::<Vec<_>>()
        .join("\u{0C}")
}

fn lines(doc: &Document) -> impl Iterator<Item = &String> {
    doc.pages.iter().flat_map(|p| &p.lines)
}

/// The first line that starts with `prefix` once runs of spaces are
/// collapsed to one and the indent is removed.
fn line_with(doc: &Document, prefix: &str) -> Option<String> {
    lines(doc)
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|l| l.starts_with(prefix))
}

/// The text with line breaks and indents removed, to find prose.
fn prose(doc: &Document) -> String {
    lines(doc).map(|l| l.trim()).collect()
}

/// Column (in chars) of `needle` on the first line containing it.
fn column(doc: &Document, needle: &str) -> usize {
    let line = lines(doc).find(|l| l.contains(needle)).unwrap();
    line[..line.find(needle).unwrap()].chars().count()
}

/// Checks what every rendering of the sample report must give.
fn check_sample(doc: &Document) {
    assert_eq!(doc.source, SourceKind::Pdf);
    assert!(doc.pages.len() >= 4, "{} pages", doc.pages.len());
    let all = text(doc);
    assert!(all.contains("2020年政府信息公开工作年度报告"));
    assert!(prose(doc).contains("社会公益信息16条"), "CJK-number join");
    assert!(all.contains("—1—") || all.contains("— 1 —"), "footer kept");
    assert_eq!(
        line_with(doc, "行政处罚").as_deref(),
        Some("行政处罚 233 +77 204")
    );
    assert_eq!(
        line_with(doc, "一、本年新收").as_deref(),
        Some("一、本年新收政府信息公开申请数量 35 0 0 0 0 0 35")
    );
    let table3 = lines(doc)
        .find(|l| l.trim_start().starts_with("0 ") && l.split_whitespace().count() == 15)
        .expect("table 3 data row");
    assert_eq!(
        table3.split_whitespace().collect::<Vec<_>>(),
        "0 3 0 0 3 0 0 0 0 0 0 0 0 0 0"
            .split(' ')
            .collect::<Vec<_>>()
    );
    // Cells of a row are at least two spaces apart.
    let row = lines(doc).find(|l| l.contains("行政处罚")).unwrap();
    assert!(row.contains("233  ") && row.contains("  +77  "), "{row}");
}

#[test]
fn typst_identity_h_with_tounicode() {
    let doc = read("pdf/report_typst.pdf").unwrap();
    check_sample(&doc);
    assert!(doc.repairs.is_empty(), "{:?}", doc.repairs);
}

#[test]
fn table_columns_line_up_with_headers() {
    let doc = read("pdf/report_typst.pdf").unwrap();
    let header = column(&doc, "处理决定数量");
    let value = column(&doc, "204");
    assert!(
        value.abs_diff(header) <= 6,
        "header {header}, value {value}"
    );
}

#[test]
fn predefined_cmap_ucs2_decodes() {
    let doc = read("pdf/report_stsong.pdf").unwrap();
    check_sample(&doc);
    assert!(doc
        .repairs
        .iter()
        .any(|r| r.kind == "pdf_font_encoding" && r.before.contains("UniGB-UCS2-H")));
}

#[test]
fn predefined_cmap_gbk_decodes() {
    let doc = read("pdf/report_gbk.pdf").unwrap();
    check_sample(&doc);
    let ucs2 = read("pdf/report_stsong.pdf").unwrap();
    assert_eq!(text(&doc), text(&ucs2));
}

#[test]
fn encrypted_is_refused() {
    assert_eq!(
        read("bad/encrypted.pdf").unwrap_err(),
        IngestError::Encrypted
    );
}

#[test]
fn truncated_is_damaged() {
    assert!(matches!(
        read("bad/truncated.pdf"),
        Err(IngestError::DamagedPdf(_))
    ));
}

#[test]
fn not_a_pdf() {
    let bytes = std::fs::read(corpus("bad/not_a_pdf.pdf")).unwrap();
    assert!(matches!(
        read_pdf(&bytes, &IngestOptions::default()),
        Err(IngestError::DamagedPdf(_))
    ));
    // Through the generic entry point it is not even taken for a PDF.
    assert!(read_bytes(&bytes, &IngestOptions::default()).is_err());
}

#[test]
fn missing_tounicode_needs_ocr() {
    assert!(matches!(
        read("bad/no_tounicode.pdf"),
        Err(IngestError::NotDecodable(_))
    ));
}

#[test]
fn image_only_has_no_text_layer() {
    assert_eq!(
        read("bad/image_only.pdf").unwrap_err(),
        IngestError::NoTextLayer
    );
}

#[test]
fn corrupted_bytes_never_panic() {
    let good = std::fs::read(corpus("pdf/report_stsong.pdf")).unwrap();
    let opts = IngestOptions::default();
    for start in [100, 1000, 5000] {
        let mut bytes = good.clone();
        for b in bytes.iter_mut().skip(start).step_by(997) {
            *b ^= 0x5A;
        }
        // Any outcome but a panic is acceptable.
        let _ = read_pdf(&bytes, &opts);
    }
    assert!(read_pdf(b"%PDF-1.7\n", &opts).is_err());
}

/// A real report from the shared corpus, if present.
fn shared(name: &str) -> Option<Document> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(name);
    let bytes = std::fs::read(path).ok()?;
    Some(read_pdf(&bytes, &IngestOptions::default()).unwrap())
}

#[test]
#[ignore = "needs ../shared/corpus beside the repository; .ci/run runs it: cargo test -- --ignored"]
fn shared_hongzequ_table_rows() {
    let Some(doc) = shared("001_hongzequ_2023.pdf") else {
        panic!("../shared/corpus absent");
    };
    assert_eq!(line_with(&doc, "规章").as_deref(), Some("规章 0 0 0"));
    assert_eq!(
        line_with(&doc, "一、本年新收").as_deref(),
        Some("一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21")
    );
    assert_eq!(
        line_with(&doc, "10 1 0").as_deref(),
        Some("10 1 0 0 0 0 0 0 0 0 5 0 0 0 0")
    );
    assert!(prose(&doc).contains("政府信息1136条"));
}

#[test]
#[ignore = "needs ../shared/corpus beside the repository; .ci/run runs it: cargo test -- --ignored"]
fn shared_huaianshi_values_on_label_lines() {
    let Some(doc) = shared("003_huaianshi_2024.pdf") else {
        panic!("../shared/corpus absent");
    };
    assert_eq!(line_with(&doc, "规章").as_deref(), Some("规章 1 0 11"));
    assert_eq!(
        line_with(&doc, "行政许可").as_deref(),
        Some("行政许可 447228")
    );
    assert_eq!(
        line_with(&doc, "一、本年新收").as_deref(),
        Some("一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119")
    );
}
