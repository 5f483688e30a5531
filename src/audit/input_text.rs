//! The text the tool read, numbered as `page,line` in the CSV files refer to it.
//!
//! Built on the ingest stage's output ([`crate::ingest::read_bytes`]), so every
//! format ingest reads is covered. A text input keeps the file's own line numbers
//! (as an editor numbers them, through all form-feed pages); a PDF (and any other
//! paged format) numbers the lines of each page's layout text from 1. `nianbao text`
//! prints this, and the audit view shows the same lines.

use crate::ingest::{read_bytes, IngestError, IngestOptions};
use crate::model::{Document, SourceKind};
use std::fmt::Write as _;

/// One page of the input text with the numbers the CSV files use.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberedPage {
    /// 1-based page (PDF page, or form-feed page of a text file).
    pub page: usize,
    /// `(line, text)`: `line` as in the `line` column of the CSV files.
    pub lines: Vec<(usize, String)>,
}

/// The numbered text of an ingested document.
pub fn numbered_pages(doc: &Document) -> Vec<NumberedPage> {
    // `line_offset` is what makes a text file's lines run through its form-feed
    // pages, as an editor numbers them; paged formats number from 1 on each page.
    doc.pages
        .iter()
        .map(|p| NumberedPage {
            page: p.number,
            lines: p
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| (p.line_offset + i + 1, l.clone()))
                .collect(),
        })
        .collect()
}

/// Reads one input's bytes and numbers its text.
pub fn read_numbered(
    bytes: &[u8],
    opts: &IngestOptions,
) -> Result<(SourceKind, Vec<NumberedPage>), IngestError> {
    let doc = read_bytes(bytes, opts)?;
    let pages = numbered_pages(&doc);
    Ok((doc.source, pages))
}

/// The listing `nianbao text` prints: a `--- page N ---` line before each page and
/// each line as its number, a tab and the text.
pub fn render_listing(pages: &[NumberedPage]) -> String {
    let mut out = String::new();
    for p in pages {
        let _ = writeln!(out, "--- page {} ---", p.page);
        for (n, t) in &p.lines {
            let _ = writeln!(out, "{n}\t{t}");
        }
    }
    out
}

/// The bare text, pages separated by form feeds (no numbers), as `pdftotext` prints.
pub fn render_plain(pages: &[NumberedPage]) -> String {
    let mut out = String::new();
    for p in pages {
        for (_, t) in &p.lines {
            out.push_str(t);
            out.push('\n');
        }
        out.push('\u{0C}');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines_are_the_files_own_lines_through_form_feeds() {
        let (src, pages) = read_numbered(
            "一、总体情况\n第二行\n\u{0C}第三行\n第四行".as_bytes(),
            &IngestOptions::default(),
        )
        .unwrap();
        assert!(matches!(src, SourceKind::Text(_)));
        assert_eq!(pages.len(), 2);
        // The form feed opens the file's line 3.
        assert_eq!(pages[1].lines[0], (3, "第三行".to_string()));
        assert_eq!(pages[1].lines[1], (4, "第四行".to_string()));
        let listing = render_listing(&pages);
        assert!(listing.contains("--- page 2 ---\n3\t第三行\n4\t第四行\n"));
    }

    #[test]
    fn crlf_and_cr_count_one_line_each() {
        let (_, pages) =
            read_numbered("甲\r\n乙\r丙\n丁".as_bytes(), &IngestOptions::default()).unwrap();
        let nums: Vec<usize> = pages[0].lines.iter().map(|l| l.0).collect();
        assert_eq!(nums, vec![1, 2, 3, 4]);
        assert_eq!(pages[0].lines[3].1, "丁");
    }

    #[test]
    fn pdf_pages_number_from_one() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/pdf/report_typst.pdf");
        let bytes = std::fs::read(path).unwrap();
        let (src, pages) = read_numbered(&bytes, &IngestOptions::default()).unwrap();
        assert_eq!(src, SourceKind::Pdf);
        assert!(pages.len() > 1);
        for p in &pages {
            assert_eq!(p.lines.first().map(|l| l.0), Some(1), "page {}", p.page);
        }
        assert_eq!(render_plain(&pages).matches('\u{0C}').count(), pages.len());
    }
}
