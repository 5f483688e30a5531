//! Ingest: bytes → pages of text.
//!
//! Text inputs are decoded with BOM sniffing first, then strict UTF-8, then a
//! detector (chardetng) restricted to the encodings Chinese offices produce.
//! PDFs go through [`pdf`]. Every failure is an [`IngestError`] value with a
//! one-line reason; nothing here panics on input.

pub mod docx;
pub mod embedded;
pub mod grid;
pub mod html;
pub mod pdf;

use crate::model::{Document, Finding, Page, Severity, SourceKind};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use thiserror::Error;

/// Inputs larger than this are refused rather than read (a report is a few MB at most).
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;

/// How a timed-out file's error begins: the worker pool recognises it and replaces
/// the worker whose abandoned thread may still run.
pub const TIMEOUT_PREFIX: &str = "timed out";

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
    #[error("{TIMEOUT_PREFIX} after {0} s")]
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
    /// Words that name the report in its title (`[title] report_words` of the
    /// grammars in use): the HTML reader finds the article by its title.
    pub report_words: Vec<String>,
}

impl IngestOptions {
    /// The defaults, reading with `grammars`' genre knowledge.
    pub fn for_grammars(grammars: &crate::grammar::Grammars) -> Self {
        // Not `..Self::default()`: that loads the built-in grammars again.
        Self::with_words(grammars.common.title.report_words.clone())
    }

    fn with_words(report_words: Vec<String>) -> Self {
        IngestOptions {
            timeout_secs: 60,
            search_nodes: crate::budget::NODES_PER_REPORT,
            report_words,
        }
    }
}

impl Default for IngestOptions {
    fn default() -> Self {
        // The built-in grammars' words (they always load: they are checked by
        // the suite), for callers that read without a grammar folder; their
        // regexes are only checked, as these options need none of them.
        Self::with_words(
            crate::grammar::Grammars::load(None, crate::grammar::Regexes::Check)
                .map(|g| g.common.title.report_words)
                .unwrap_or_default(),
        )
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
        return html::read_html(bytes, &opts.report_words);
    }
    let decoded = decode(bytes)?;
    let repairs = if decoded.replaced {
        replaced_bytes(bytes)
    } else {
        Vec::new()
    };
    let findings = (!repairs.is_empty())
        .then(|| {
            Finding::new(
                "invalid_bytes",
                Severity::Warning,
                format!("{} invalid UTF-8 byte sequence(s) replaced by U+FFFD (see repairs.csv); a value they touched may be missing", repairs.len()),
            )
        })
        .into_iter()
        .collect();
    Ok(Document {
        source: SourceKind::Text(decoded.encoding),
        pages: split_pages(&decoded.text),
        repairs,
        findings,
    })
}

/// A PDF starts with `%PDF-`, possibly after a little junk (allowed by readers).
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Decodes text and names the encoding used.
pub fn decode_text(bytes: &[u8]) -> Result<(String, String), IngestError> {
    decode(bytes).map(|d| (d.text, d.encoding))
}

/// A decoded text file.
struct Decoded {
    text: String,
    /// The encoding's name, as `source` shows it (`utf-8`, `gb18030`, …).
    encoding: String,
    /// Read as UTF-8 with a few invalid sequences replaced by U+FFFD
    /// ([`mostly_utf8`]): each is logged as a repair.
    replaced: bool,
}

fn decode(bytes: &[u8]) -> Result<Decoded, IngestError> {
    let checked = |text: String, encoding: String| {
        check_text(text, encoding).map(|(text, encoding)| Decoded {
            text,
            encoding,
            replaced: false,
        })
    };
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
        return checked(text.into_owned(), name);
    }
    if let Some(enc) = sniff_utf16(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return checked(text.into_owned(), enc.name().to_ascii_lowercase());
        }
    }
    // The same validation as `std::str::from_utf8`, with SIMD: several times
    // faster on Chinese text, where std's ASCII fast path does not help.
    if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
        return checked(s.to_string(), "utf-8".to_string());
    }
    if let Some(text) = mostly_utf8(bytes) {
        let mut d = checked(text, "utf-8".to_string())?;
        d.replaced = true;
        return Ok(d);
    }
    if let Some((text, enc)) = cjk_utf16(bytes) {
        return checked(text, enc.name().to_ascii_lowercase());
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
    if enc == GB18030 {
        if let Some(text) = big5(bytes) {
            return checked(text, "big5".to_string());
        }
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(IngestError::Undecodable);
        }
        return checked(text.into_owned(), "gb18030".to_string());
    }
    checked(text.into_owned(), enc.name().to_ascii_lowercase())
}

/// Invalid byte sequences a UTF-8 file may have and still be read as UTF-8
/// (each replaced by U+FFFD and logged): a stray byte from a bad copy or a cut,
/// not a file in another encoding.
const MAX_INVALID_UTF8: usize = 8;

/// UTF-8 with a few invalid sequences: at most [`MAX_INVALID_UTF8`] of them, and
/// at least ten valid multi-byte characters per invalid sequence (a GBK file
/// has almost no valid UTF-8 multi-byte sequences, so it is never taken here).
fn mostly_utf8(bytes: &[u8]) -> Option<String> {
    let (mut invalid, mut multibyte) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| c.len_utf8() > 1).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    (invalid <= MAX_INVALID_UTF8 && multibyte >= 10 * invalid)
        .then(|| String::from_utf8_lossy(bytes).into_owned())
}

/// One repair per invalid UTF-8 sequence replaced by U+FFFD (text decoded as
/// UTF-8 from a file that was not valid UTF-8), at its page and line.
fn replaced_bytes(bytes: &[u8]) -> Vec<crate::model::Repair> {
    let mut out = Vec::new();
    let (mut page, mut line, mut offset) = (1usize, 1usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        for c in valid.chars() {
            match c {
                '\u{0C}' => (page, line) = (page + 1, 1),
                '\n' => line += 1,
                _ => {}
            }
        }
        offset += valid.len();
        let bad = chunk.invalid();
        if !bad.is_empty() {
            let shown: Vec<String> = bad.iter().map(|b| format!("\\x{b:02X}")).collect();
            out.push(crate::model::Repair {
                kind: "invalid_bytes_replaced".to_string(),
                page: Some(page),
                line: Some(line),
                before: shown.concat(),
                after: "\u{FFFD}".to_string(),
                rule: format!(
                    "byte {offset} is not valid UTF-8 in a UTF-8 file: replaced, the rest of the text kept"
                ),
            });
            offset += bad.len();
        }
    }
    out
}

/// BOM-less UTF-16 whose text is mostly CJK: the NUL-parity test below needs a
/// third of the text to be ASCII, while real reports are 13–22 % ASCII. CJK
/// Unified Ideographs and CJK punctuation make up most of the decoded text, and
/// nothing else but ASCII: the code units of GBK or UTF-8 bytes read as UTF-16
/// land in Hangul, surrogates and private use instead.
fn cjk_utf16(bytes: &[u8]) -> Option<(String, &'static Encoding)> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let score = |text: &str| {
        let (mut cjk, mut ascii, mut total) = (0usize, 0usize, 0usize);
        for c in text.chars() {
            total += 1;
            match c {
                '\u{4E00}'..='\u{9FFF}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' => {
                    cjk += 1
                }
                '\n' | '\r' | '\t' | '\u{0C}' | ' '..='~' => ascii += 1,
                _ => {}
            }
        }
        // Nearly everything CJK or ASCII, and at least a quarter CJK.
        ((cjk + ascii) * 100 >= total * 95 && cjk * 4 >= total).then_some(cjk)
    };
    [UTF_16LE, UTF_16BE]
        .into_iter()
        .filter_map(|enc| {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if had_errors {
                return None;
            }
            let s = score(&text)?;
            Some((s, text.into_owned(), enc))
        })
        .max_by_key(|(s, _, _)| *s)
        .map(|(_, t, e)| (t, e))
}

/// Characters frequent in any Chinese government report, in simplified and
/// traditional forms: real text has many; Big5 bytes read as GB18030 (or the
/// reverse) give rare characters instead.
const COMMON_HANZI: &str = "的一是不了在人有中上大为和国地到以要就出会可也对生能而年发后作用行所家事成方多经法如都同现当动面定分还进好部其主理本前开但因从实者意无力与长机十民第公此已工使情明性知全三又关点正业外将两高间由问最重并应文体政相被利二等产或新制加表化信内代合次度全通员处各平系条数总安报结量建务做件计管期市资区保至基非则达设式品记据交规领共确院让导收改组济办议元证近准布单备调商集需况请技际示复息究线满增委查显标图首局专费号另较注语仅考列选随参构投案维划致律态护验责营章站严例供效续施型料终答段依批项群按围织害境客纪采举止细值职速否状率独普创印益继送素适省初居劳环排获模充负停层范室判担静退积检差协占配征修审阶降超免执副追帮宣财税左右份块守户款评版座释登货互付危核介恩開這個們來為國說時會對發後過裡學經現當動還進從實與長機關點業兩間問應頭體見產於資訊報處務辦請數設據據條";

/// Big5 text that the detector took for GBK: when the bytes decode cleanly as
/// Big5 and the Big5 reading has far more common characters than the GB18030
/// one. Decoded, and named `big5` in `source`.
fn big5(bytes: &[u8]) -> Option<String> {
    let (b5, b5_errors) = encoding_rs::BIG5.decode_without_bom_handling(bytes);
    if b5_errors {
        return None;
    }
    let (gb, _) = GB18030.decode_without_bom_handling(bytes);
    let common = |t: &str| {
        let cjk = t
            .chars()
            .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
            .count();
        let hits = t.chars().filter(|&c| COMMON_HANZI.contains(c)).count();
        (hits, cjk)
    };
    let ((bh, bc), (gh, _)) = (common(&b5), common(&gb));
    // At least a tenth of the Big5 reading's characters are common ones, and
    // twice as many as in the GB18030 reading.
    (bc > 0 && bh * 10 >= bc && bh > 2 * gh).then(|| b5.into_owned())
}

/// BOM-less UTF-16: many NUL bytes on one parity.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    // Without a NUL byte neither parity has any (the usual case: one memchr
    // pass instead of two counting passes over the file).
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) || !bytes.contains(&0) {
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
    if has_suspicious(&text) {
        let bad = suspicious_count(&text);
        if bad * 20 > text.chars().count().max(1) {
            return Err(IngestError::Binary);
        }
    }
    if text.trim().is_empty() {
        return Err(IngestError::Empty);
    }
    Ok((text, enc))
}

/// Characters a text file has few of: U+FFFD and control characters other
/// than line breaks, tabs and form feeds. (The definition that
/// [`has_suspicious`] and [`suspicious_count`] compute from bytes.)
#[cfg(test)]
fn is_suspicious(c: char) -> bool {
    c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}'))
}

/// Whether `text` holds a suspicious character (`is_suspicious`, defined in the
/// tests); a real report
/// has none, and this finds so without decoding it: the C0 controls and DEL
/// are single bytes (tested by blocks without an exit, which the compiler
/// turns into vector compares), a C1 control (U+0080–U+009F) is `C2 80`–`C2
/// 9F` (a `C2` is rare: `·`, `×`, `°`), and U+FFFD is found by memchr's
/// substring search (`str::contains` with a `char` stops at every `BD`, its
/// last byte and a frequent byte of Chinese text).
fn has_suspicious(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.chunks(64).any(|block| {
        block
            .iter()
            .fold(0u8, |any, &b| any | u8::from(is_control_byte(b)))
            != 0
    }) || memchr::memchr_iter(0xC2, bytes)
        .any(|i| bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
        || memchr::memmem::find(bytes, "\u{FFFD}".as_bytes()).is_some()
}

/// A C0 control other than a line break, tab or form feed, or DEL: a
/// suspicious character of one byte.
fn is_control_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\n' && b != b'\r' && b != b'\t' && b != 0x0C) || b == 0x7F
}

/// How many suspicious characters (`is_suspicious`) `text` holds, counted by their
/// UTF-8 bytes without decoding: a C0 control or DEL is one byte, a C1
/// control is `C2 80`–`C2 9F`, U+FFFD is `EF BF BD` (in valid UTF-8, `C2` and
/// `EF` only ever start a character, and a continuation byte is never a C0
/// control). `tests::the_byte_count_is_the_character_count`
/// checks every character.
fn suspicious_count(text: &str) -> usize {
    let bytes = text.as_bytes();
    let c1 = memchr::memchr_iter(0xC2, bytes)
        .filter(|&i| bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
        .count();
    bytes.iter().filter(|&&b| is_control_byte(b)).count()
        + c1
        + memchr::memmem::find_iter(bytes, "\u{FFFD}".as_bytes()).count()
}

/// Splits text into pages at form feeds and into lines at CRLF, CR or LF.
///
/// Lines are numbered as an editor numbers the file: through all pages, a form
/// feed not being a line break (a page starting after `\f` in mid-line starts on
/// that line), so `Page::line_offset` counts the line breaks before the page.
pub fn split_pages(text: &str) -> Vec<Page> {
    // Most files have LF line breaks only: their lines need no CR search.
    let has_cr = text.contains('\r');
    let mut offset = 0;
    let mut pages: Vec<Page> = text
        .split('\u{0C}')
        .enumerate()
        .map(|(i, p)| {
            let lines = if has_cr {
                split_lines(p)
            } else {
                p.split('\n').map(str::to_string).collect()
            };
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

/// Splits a page into lines at CRLF, CR or LF. (No line break spans a form
/// feed, so splitting the pages first and their lines then is the same as
/// splitting the whole text's lines.)
fn split_lines(page: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut pieces = page.split('\n').peekable();
    while let Some(piece) = pieces.next() {
        // A CR before the LF that ends the piece is part of a CRLF; any other CR
        // is a line break of its own.
        let piece = match pieces.peek() {
            Some(_) => piece.strip_suffix('\r').unwrap_or(piece),
            None => piece,
        };
        lines.extend(piece.split('\r').map(str::to_string));
    }
    lines
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

    fn sample() -> String {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus/000_yiyuan_zrzyj_2020.txt");
        std::fs::read_to_string(p).unwrap()
    }

    #[test]
    fn bom_less_utf16_with_little_ascii_is_recognised() {
        let s = sample();
        let ascii = s.chars().filter(char::is_ascii).count() * 100 / s.chars().count();
        assert!((10..33).contains(&ascii), "{ascii} % ASCII");
        let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(
            decode_text(&le).unwrap(),
            (s.clone(), "utf-16le".to_string())
        );
        assert_eq!(
            decode_text(&be).unwrap(),
            (s.clone(), "utf-16be".to_string())
        );
        // GBK of the same text is still GBK.
        let (gbk, _, _) = encoding_rs::GBK.encode(&s);
        assert_eq!(decode_text(&gbk).unwrap().1, "gb18030");
    }

    #[test]
    fn one_bad_byte_in_utf8_is_replaced_and_logged() {
        let s = sample();
        let mut b = s.as_bytes().to_vec();
        let at = s.find("一、本年新收").unwrap();
        b.insert(at, 0xFF);
        let doc = read_bytes(&b, &IngestOptions::default()).unwrap();
        assert_eq!(doc.source, SourceKind::Text("utf-8".into()));
        assert_eq!(doc.repairs.len(), 1);
        let r = &doc.repairs[0];
        assert_eq!(
            (r.kind.as_str(), r.before.as_str()),
            ("invalid_bytes_replaced", "\\xFF")
        );
        let line = s[..at].matches('\n').count() + 1;
        assert_eq!(r.line, Some(line));
        assert!(doc.pages[0].lines[line - 1].starts_with("\u{FFFD}一、本年新收"));
    }

    #[test]
    fn big5_is_recognised() {
        let s = "政府信息公開工作年度報告\n本機關依申請公開政府資訊的情況，收到申請數量與辦理結果如下。\n".repeat(20);
        let (b5, _, bad) = encoding_rs::BIG5.encode(&s);
        assert!(!bad);
        let (t, e) = decode_text(&b5).unwrap();
        assert_eq!((t.as_str(), e.as_str()), (s.as_str(), "big5"));
        let (gbk, _, _) =
            encoding_rs::GBK.encode("政府信息公开工作年度报告，本机关依申请公开的情况。");
        assert_eq!(decode_text(&gbk).unwrap().1, "gb18030");
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
    fn the_byte_test_finds_every_suspicious_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for t in [format!("一{c}二"), format!("{c}"), format!("{c}\u{9FFD}")] {
                assert_eq!(has_suspicious(&t), is_suspicious(c), "{c:?}");
            }
        }
        assert!(!has_suspicious("一、总体情况\r\n\t（一）\u{0C}规章，“x”·"));
        assert!(!has_suspicious(""));
    }

    #[test]
    fn the_byte_count_is_the_character_count() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for t in [
                format!("一{c}二"),
                format!("{c}"),
                format!("{c}{c}\u{FFFD}x"),
            ] {
                assert_eq!(
                    suspicious_count(&t),
                    t.chars().filter(|&c| is_suspicious(c)).count(),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn lines_split_as_line_breaks_normalised_first() {
        for t in [
            "",
            "a",
            "a\r\nb\rc\nd",
            "a\r\r\nb\n\r\n\r",
            "\r",
            "\n\r",
            "a\r\u{0C}\nb\u{0C}\r\n",
        ] {
            let reference: Vec<Vec<String>> = t
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .split('\u{0C}')
                .map(|p| p.split('\n').map(str::to_string).collect())
                .collect();
            let pages: Vec<Vec<String>> = t.split('\u{0C}').map(split_lines).collect();
            assert_eq!(pages, reference, "{t:?}");
        }
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
