//! Ingest: bytes → pages of text.
//!
//! Text inputs are decoded with BOM sniffing first, then strict UTF-8, then a
//! detector (chardetng) restricted to the encodings Chinese offices produce.
//! PDFs go through [`pdf`]. Every failure is an [`IngestError`] value with a
//! one-line reason; nothing here panics on input.

pub mod docx;
pub mod grid;
pub mod html;
pub mod pdf;

use crate::model::{Document, Page, SourceKind};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use thiserror::Error;

/// Inputs larger than this are refused rather than read (a report is a few MB at most).
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum IngestError {
    #[error("empty file")]
    Empty,
    #[error("file too large ({0} bytes)")]
    TooLarge(usize),
    #[error("binary file, not text or PDF")]
    Binary,
    #[error("text is not decodable as UTF-8, UTF-16 or GB18030")]
    Undecodable,
    #[error("encrypted PDF")]
    Encrypted,
    #[error("damaged PDF: {0}")]
    DamagedPdf(String),
    #[error("no text layer (scanned PDF, OCR needed)")]
    NoTextLayer,
    #[error("text layer not decodable (OCR needed): {0}")]
    NotDecodable(String),
    #[error("PDF extraction failed: {0}")]
    Pdf(String),
    #[error("timed out after {0} s")]
    Timeout(u64),
    #[error("{0}")]
    Word(String),
    #[error("unsupported format: {0}")]
    Unsupported(String),
    #[error("I/O error: {0}")]
    Io(String),
}

/// Options that change how inputs are read.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Wall-clock limit for one file of any kind, in seconds (0: none). PDF
    /// extraction runs on a thread abandoned at this limit; the text stages check
    /// it through the report's [`crate::budget`]; worker processes are killed by
    /// their parent when they overrun it.
    pub timeout_secs: u64,
    /// Search nodes the report may spend (see [`crate::budget`]); tests lower it.
    pub search_nodes: u64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            timeout_secs: 60,
            search_nodes: crate::budget::NODES_PER_REPORT,
        }
    }
}

/// Reads one input of any supported kind.
pub fn read_bytes(bytes: &[u8], opts: &IngestOptions) -> Result<Document, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty);
    }
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(IngestError::TooLarge(bytes.len()));
    }
    if looks_like_pdf(bytes) {
        return pdf::read_pdf(bytes, opts);
    }
    if docx::looks_like_zip(bytes) {
        return docx::read_docx(bytes, "docx");
    }
    if let Some(kind) = docx::looks_like_legacy_word(bytes) {
        return docx::read_legacy(bytes, kind, opts);
    }
    if html::looks_like_html(bytes) {
        return html::read_html(bytes);
    }
    let (text, enc) = decode_text(bytes)?;
    // Markdown from PDF converters writes tables with merged cells as HTML.
    let text = html::expand_embedded_tables(&text).unwrap_or(text);
    Ok(Document {
        source: SourceKind::Text(enc),
        pages: split_pages(&text),
        repairs: Vec::new(),
    })
}

/// A PDF starts with `%PDF-`, possibly after a little junk (allowed by readers).
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Decodes text and names the encoding used.
pub fn decode_text(bytes: &[u8]) -> Result<(String, String), IngestError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(IngestError::Undecodable);
        }
        let name = if enc == UTF_8 {
            "utf-8-bom".to_string()
        } else {
            enc.name().to_ascii_lowercase()
        };
        return check_text(text.into_owned(), name);
    }
    if let Some(enc) = sniff_utf16(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return check_text(text.into_owned(), enc.name().to_ascii_lowercase());
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return check_text(s.to_string(), "utf-8".to_string());
    }
    if bytes.iter().filter(|&&b| b == 0).count() > bytes.len() / 100 {
        return Err(IngestError::Binary);
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let guess = det.guess(Some(b"cn"), true);
    // Chinese offices produce GBK/GB18030; GB18030 is a superset of GBK and GB2312.
    let enc = if guess == UTF_8 || guess == encoding_rs::GBK || guess.name() == "gb18030" {
        GB18030
    } else {
        guess
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(IngestError::Undecodable);
        }
        return check_text(text.into_owned(), "gb18030".to_string());
    }
    check_text(text.into_owned(), enc.name().to_ascii_lowercase())
}

/// BOM-less UTF-16: many NUL bytes on one parity.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let n = bytes.len() / 2;
    let even_nul = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // ASCII-heavy UTF-16 has NULs on one side; CJK-heavy UTF-16 has none, so also
    // accept when decoding yields mostly CJK and no controls.
    if odd_nul * 3 > n && even_nul * 10 < n {
        return Some(UTF_16LE);
    }
    if even_nul * 3 > n && odd_nul * 10 < n {
        return Some(UTF_16BE);
    }
    None
}

/// Rejects decoded text that is really binary (control characters, replacement chars).
fn check_text(text: String, enc: String) -> Result<(String, String), IngestError> {
    let total = text.chars().count().max(1);
    let bad = text
        .chars()
        .filter(|&c| {
            c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}'))
        })
        .count();
    if bad * 20 > total {
        return Err(IngestError::Binary);
    }
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    Ok((text, enc))
}

/// Splits text into pages at form feeds and into lines at CRLF, CR or LF.
///
/// Lines are numbered as an editor numbers the file: through all pages, a form
/// feed not being a line break (a page starting after `\f` in mid-line starts on
/// that line), so `Page::line_offset` counts the line breaks before the page.
pub fn split_pages(text: &str) -> Vec<Page> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut offset = 0;
    let mut pages: Vec<Page> = text
        .split('\u{0C}')
        .enumerate()
        .map(|(i, p)| {
            let lines: Vec<String> = p.split('\n').map(str::to_string).collect();
            let page = Page {
                number: i + 1,
                line_offset: offset,
                lines,
            };
            offset += page.lines.len() - 1;
            page
        })
        .collect();
    // A trailing form feed ends the last page rather than starting an empty one.
    if pages.len() > 1
        && pages
            .last()
            .is_some_and(|p| p.lines.iter().all(|l| l.trim().is_empty()))
    {
        pages.pop();
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, e) = decode_text("一、总体情况".as_bytes()).unwrap();
        assert_eq!((t.as_str(), e.as_str()), ("一、总体情况", "utf-8"));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("一、总体情况".as_bytes());
        let (t, e) = decode_text(&b).unwrap();
        assert_eq!((t.as_str(), e.as_str()), ("一、总体情况", "utf-8-bom"));
    }

    #[test]
    fn gbk_and_utf16() {
        let s = "二、主动公开政府信息情况\n规章\t0\t0\t0\n".repeat(5);
        let (gbk, _, _) = encoding_rs::GBK.encode(&s);
        let (t, e) = decode_text(&gbk).unwrap();
        assert_eq!(t, s);
        assert_eq!(e, "gb18030");
        let mut le = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let (t, e) = decode_text(&le).unwrap();
        assert_eq!((t, e.as_str()), (s.clone(), "utf-16le"));
        let mut be = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode_text(&be).unwrap().1, "utf-16be");
    }

    #[test]
    fn binary_and_empty_are_errors() {
        let bin: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
        assert!(read_bytes(&bin, &IngestOptions::default()).is_err());
        assert_eq!(
            read_bytes(b"", &IngestOptions::default()).unwrap_err(),
            IngestError::Empty
        );
    }

    #[test]
    fn pages_split_at_form_feed_and_crlf() {
        let p = split_pages("a\r\nb\u{0C}c\rd\u{0C}");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].lines, vec!["a", "b"]);
        assert_eq!(p[1].lines, vec!["c", "d"]);
        assert_eq!(p[1].number, 2);
        // `b\fc` is the file's line 2: page 2 starts on it.
        assert_eq!((p[0].line_offset, p[1].line_offset), (0, 1));
        let p = split_pages("a\n\u{0C}\nb\nc");
        assert_eq!(p[1].lines, vec!["", "b", "c"]);
        assert_eq!(p[1].line_offset + 2, 3, "b is the file's line 3");
    }
}
