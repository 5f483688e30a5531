//! Word documents → lines of text, tables → exact grids.
//!
//! `.docx` (WordprocessingML) is read directly: `word/document.xml` from the zip,
//! parsed with quick-xml into a small element tree. Paragraphs become lines;
//! `w:tbl` becomes one line per row with every grid cell exactly one tab-separated
//! field — `w:gridSpan` and `w:gridBefore` leave empty fields after/before the
//! origin cell, `w:vMerge` continuation cells are empty fields, so a merged value
//! stays in its origin cell only (the same form the HTML reader gives). A list
//! number Word draws (`word/numbering.xml`) is printed before its paragraph as
//! Word shows it ([`numbering`]), so an auto-numbered `一、总体情况` is a heading
//! like a typed one. Text boxes
//! are read as paragraphs after the paragraph that anchors them (their
//! `mc:Fallback` copy is skipped); deleted text and field codes are not read.
//!
//! Legacy `.doc`, `.wps` and `.rtf` are converted to `.docx` by LibreOffice
//! (`soffice --headless --convert-to docx`) in a private temporary profile under
//! the per-file time limit, when it is installed; otherwise the file gets one clear
//! error.

mod numbering;

use super::grid::{self, Slot};
use super::{IngestError, IngestOptions};
use crate::model::{Document, Page, SourceKind};
use numbering::Numbering;
use quick_xml::events::Event;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `word/document.xml` larger than this is refused (a report's is well under 5 MB).
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

/// Elements nested deeper than this are not read (malformed or hostile files);
/// real documents nest a few dozen levels at most.
const MAX_DEPTH: usize = 256;

/// Largest `w:gridSpan`/`w:gridBefore` honoured: a report table has fewer than 20
/// columns; larger values in a malformed file are clamped so a grid stays small.
const MAX_SPAN: usize = 200;

/// How often a running conversion is polled for completion.
const POLL: Duration = Duration::from_millis(50);

/// A zip archive (`.docx`, but also `.xlsx`, `.pptx`, `.ofd`).
pub fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// A legacy binary Office file (`.doc`, `.wps`, also `.xls`) or RTF.
pub fn looks_like_legacy_word(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some("doc")
    } else if bytes.starts_with(b"{\\rtf") {
        Some("rtf")
    } else {
        None
    }
}

/// A minimal element tree of the document part.
#[derive(Debug, Default)]
struct El {
    /// Qualified name as written (`w:p`).
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Child>,
}

#[derive(Debug)]
enum Child {
    El(El),
    Text(String),
}

impl El {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|c| match c {
            Child::El(e) => Some(e),
            Child::Text(_) => None,
        })
    }

    fn child(&self, name: &str) -> Option<&El> {
        self.elements().find(|e| e.name == name)
    }

    fn contains(&self, name: &str) -> bool {
        self.elements().any(|e| e.name == name || e.contains(name))
    }
}

/// Parses XML into an [`El`] tree (the document element).
fn parse_xml(xml: &[u8]) -> Result<El, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<El> = vec![El::default()];
    let mut buf = Vec::new();
    let attrs_of = |e: &quick_xml::events::BytesStart| -> Vec<(String, String)> {
        e.attributes()
            .filter_map(Result::ok)
            .map(|a| {
                (String::from_utf8_lossy(a.key.as_ref()).to_string(), {
                    let raw = String::from_utf8_lossy(&a.value).to_string();
                    quick_xml::escape::unescape(&raw)
                        .map(|v| v.to_string())
                        .unwrap_or(raw)
                })
            })
            .collect()
    };
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                if stack.len() > MAX_DEPTH {
                    return Err("document nested too deeply".into());
                }
                stack.push(El {
                    name: String::from_utf8_lossy(e.name().as_ref()).to_string(),
                    attrs: attrs_of(&e),
                    children: Vec::new(),
                });
            }
            Ok(Event::Empty(e)) => {
                let el = El {
                    name: String::from_utf8_lossy(e.name().as_ref()).to_string(),
                    attrs: attrs_of(&e),
                    children: Vec::new(),
                };
                if let Some(top) = stack.last_mut() {
                    top.children.push(Child::El(el));
                }
            }
            Ok(Event::End(_)) => {
                if stack.len() > 1 {
                    let el = stack.pop().unwrap_or_default();
                    if let Some(top) = stack.last_mut() {
                        top.children.push(Child::El(el));
                    }
                }
            }
            Ok(Event::Text(t)) => {
                let s = t.decode().map_err(|e| e.to_string())?.to_string();
                let s = quick_xml::escape::unescape(&s)
                    .map(|c| c.to_string())
                    .unwrap_or(s);
                if let Some(top) = stack.last_mut() {
                    top.children.push(Child::Text(s));
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(top) = stack.last_mut() {
                    top.children
                        .push(Child::Text(String::from_utf8_lossy(&t).to_string()));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let name = String::from_utf8_lossy(&r).to_string();
                let s = match name.as_str() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32)
                        .map(String::from)
                        .unwrap_or_default(),
                };
                if let Some(top) = stack.last_mut() {
                    top.children.push(Child::Text(s));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "XML error at byte {}: {e}",
                    reader.buffer_position()
                ))
            }
        }
        buf.clear();
    }
    // Unclosed elements (truncated file): fold them into their parents.
    while stack.len() > 1 {
        let el = stack.pop().unwrap_or_default();
        if let Some(top) = stack.last_mut() {
            top.children.push(Child::El(el));
        }
    }
    let root = stack.pop().unwrap_or_default();
    root.children
        .into_iter()
        .find_map(|c| match c {
            Child::El(e) => Some(e),
            Child::Text(_) => None,
        })
        .ok_or_else(|| "no document element".to_string())
}

/// Reads a `.docx` into one page of lines.
pub fn read_docx(bytes: &[u8], source: &str) -> Result<Document, IngestError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| IngestError::Word(format!("damaged .docx (zip): {e}")))?;
    let xml = match part(&mut zip, "word/document.xml")? {
        Some(xml) => xml,
        None => {
            return Err(IngestError::Unsupported(
                "a zip archive that is not a Word document (.xlsx, .pptx, .ofd?)".into(),
            ))
        }
    };
    let root = parse_xml(&xml).map_err(|e| IngestError::Word(format!("damaged .docx: {e}")))?;
    let body = root.child("w:body").unwrap_or(&root);
    // List numbers are presentation: a missing or damaged part costs only them.
    let optional = |zip: &mut zip::ZipArchive<_>, name| {
        part(zip, name)
            .ok()
            .flatten()
            .and_then(|x| parse_xml(&x).ok())
    };
    let numbering_xml = optional(&mut zip, "word/numbering.xml");
    let styles_xml = optional(&mut zip, "word/styles.xml");
    let mut numbering = Numbering::new(numbering_xml.as_ref(), styles_xml.as_ref());
    let mut out = Vec::new();
    blocks(body, &mut numbering, &mut out);
    if out.iter().all(|l| l.trim().is_empty()) {
        return Err(IngestError::Empty);
    }
    Ok(Document {
        source: SourceKind::Word(source.to_string()),
        pages: vec![Page {
            number: 1,
            lines: out,
            line_offset: 0,
        }],
        repairs: Vec::new(),
        findings: Vec::new(),
    })
}

/// A part of the package, `None` when it is absent.
fn part(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, IngestError> {
    let mut part = match zip.by_name(name) {
        Ok(p) => p,
        Err(_) => return Ok(None),
    };
    if part.size() > MAX_XML_BYTES {
        return Err(IngestError::TooLarge(part.size() as usize));
    }
    let mut xml = Vec::with_capacity(part.size() as usize);
    part.by_ref()
        .take(MAX_XML_BYTES)
        .read_to_end(&mut xml)
        .map_err(|e| IngestError::Word(format!("damaged .docx: {e}")))?;
    Ok(Some(xml))
}

/// Block content (body, table cell, text box, content control) → lines.
fn blocks(el: &El, num: &mut Numbering, out: &mut Vec<String>) {
    for c in el.elements() {
        match c.name.as_str() {
            "w:p" => paragraph(c, num, out),
            "w:tbl" if c.contains("w:tbl") => {
                // A table holding a table lays out the page: its cells are blocks.
                for tr in c.elements().filter(|e| e.name == "w:tr") {
                    for tc in tr.elements().filter(|e| e.name == "w:tc") {
                        blocks(tc, num, out);
                    }
                }
            }
            "w:tbl" => table(c, num, out),
            "w:sdt" | "w:sdtContent" | "w:customXml" | "w:smartTag" | "w:ins" => {
                blocks(c, num, out)
            }
            _ => {}
        }
    }
}

/// One paragraph: its list number (as Word prints it) and text on a line (a
/// `w:br` starts another), then the paragraphs of any text box it anchors.
fn paragraph(p: &El, num: &mut Numbering, out: &mut Vec<String>) {
    let label = num.label(p.child("w:pPr"));
    let mut lines = vec![label.unwrap_or_default()];
    let mut boxes = Vec::new();
    runs(p, num, &mut lines, &mut boxes);
    for l in lines {
        let l = tidy(&l);
        if !l.is_empty() {
            out.push(l);
        }
    }
    out.extend(boxes);
}

fn runs(el: &El, num: &mut Numbering, lines: &mut Vec<String>, boxes: &mut Vec<String>) {
    for c in &el.children {
        let Child::El(e) = c else { continue };
        match e.name.as_str() {
            "w:t" => {
                for t in &e.children {
                    if let Child::Text(s) = t {
                        if let Some(l) = lines.last_mut() {
                            l.push_str(s);
                        }
                    }
                }
            }
            "w:tab" | "w:ptab" => {
                if let Some(l) = lines.last_mut() {
                    l.push('\t');
                }
            }
            "w:br" | "w:cr" => lines.push(String::new()),
            "w:noBreakHyphen" => {
                if let Some(l) = lines.last_mut() {
                    l.push('-');
                }
            }
            "w:sym" => {
                if let Some(ch) = e
                    .attr("w:char")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                {
                    if let Some(l) = lines.last_mut() {
                        l.push(ch);
                    }
                }
            }
            "w:txbxContent" => blocks(e, num, boxes),
            // Deleted text, field codes, properties and the fallback copy of a
            // drawing (the same text box again) are not text of the document.
            "w:delText" | "w:instrText" | "w:delInstrText" | "mc:Fallback" | "w:rPr" | "w:pPr" => {}
            "w:del" | "w:moveFrom" => {}
            _ => runs(e, num, lines, boxes),
        }
    }
}

/// Trims a paragraph line; whitespace-only lines are empty.
fn tidy(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() && c != '\t')
        .trim_end()
        .to_string()
}

fn val_usize(el: Option<&El>) -> Option<usize> {
    el?.attr("w:val")?.trim().parse().ok()
}

/// One table → one tab-separated line per row, every logical cell one field.
fn table(tbl: &El, num: &mut Numbering, out: &mut Vec<String>) {
    let mut rows: Vec<Vec<Slot>> = Vec::new();
    for tr in tbl.elements().filter(|e| e.name == "w:tr") {
        let mut row = Vec::new();
        let tr_pr = tr.child("w:trPr");
        let before = val_usize(tr_pr.and_then(|p| p.child("w:gridBefore"))).unwrap_or(0);
        row.resize(before.min(MAX_SPAN), Slot::covered(false));
        for tc in cells_of(tr) {
            let pr = tc.child("w:tcPr");
            let span = val_usize(pr.and_then(|p| p.child("w:gridSpan")))
                .unwrap_or(1)
                .clamp(1, MAX_SPAN);
            let continued = pr
                .and_then(|p| p.child("w:vMerge").or_else(|| p.child("w:hMerge")))
                .is_some_and(|m| m.attr("w:val").is_none_or(|v| v == "continue"));
            row.push(if continued {
                Slot::covered(true)
            } else {
                Slot::origin(cell_text(tc, num))
            });
            for _ in 1..span {
                row.push(Slot::covered(false));
            }
        }
        rows.push(row);
    }
    out.extend(grid::lines(&grid::normalise(&rows)));
}

/// The `w:tc` cells of a row, also those wrapped in content controls.
fn cells_of(tr: &El) -> Vec<&El> {
    let mut out = Vec::new();
    for c in tr.elements() {
        match c.name.as_str() {
            "w:tc" => out.push(c),
            "w:sdt" | "w:sdtContent" | "w:customXml" => out.extend(cells_of(c)),
            _ => {}
        }
    }
    out
}

/// The text of a cell on one line ([`grid::join_cell`], as for HTML).
fn cell_text(tc: &El, num: &mut Numbering) -> String {
    let mut lines = Vec::new();
    blocks(tc, num, &mut lines);
    grid::join_cell(lines.iter().map(String::as_str))
}

/// Converts a legacy Word/WPS/RTF file with LibreOffice and reads the result.
pub fn read_legacy(
    bytes: &[u8],
    kind: &str,
    opts: &IngestOptions,
) -> Result<Document, IngestError> {
    convert_with(find_soffice(), bytes, kind, opts)
}

fn convert_with(
    soffice: Option<PathBuf>,
    bytes: &[u8],
    kind: &str,
    opts: &IngestOptions,
) -> Result<Document, IngestError> {
    let Some(soffice) = soffice else {
        return Err(IngestError::Unsupported(format!(
            "`.{kind}` needs LibreOffice (soffice), or convert it to .docx/PDF"
        )));
    };
    let dir = TempDir::new()?;
    let input = dir.path.join(format!("input.{kind}"));
    std::fs::write(&input, bytes).map_err(|e| IngestError::Io(e.to_string()))?;
    let profile = dir.path.join("profile");
    let outdir = dir.path.join("out");
    let mut child = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "docx",
            "--outdir",
        ])
        .arg(&outdir)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| IngestError::Word(format!("starting LibreOffice: {e}")))?;
    let limit = Duration::from_secs(opts.timeout_secs.max(1));
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(IngestError::Timeout(opts.timeout_secs));
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => return Err(IngestError::Word(format!("LibreOffice: {e}"))),
        }
    }
    let converted = std::fs::read(outdir.join("input.docx")).map_err(|_| {
        IngestError::Word(format!(
            "LibreOffice could not convert this `.{kind}` file (damaged, or not a Word document)"
        ))
    })?;
    read_docx(&converted, kind)
}

/// The LibreOffice binary on `PATH`, if any.
fn find_soffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["soffice", "libreoffice"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// True when LibreOffice is installed (tests of the conversion skip without it).
pub fn soffice_available() -> bool {
    find_soffice().is_some()
}

/// A private temporary folder, removed when dropped.
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> Result<Self, IngestError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "nianbao-lo-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).map_err(|e| IngestError::Io(e.to_string()))?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = remove_tree(&self.path);
    }
}

fn remove_tree(p: &Path) -> std::io::Result<()> {
    std::fs::remove_dir_all(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn lines_of(body: &str) -> Vec<String> {
        let xml = format!("<w:document {NS}><w:body>{body}</w:body></w:document>");
        let root = parse_xml(xml.as_bytes()).unwrap();
        let mut out = Vec::new();
        blocks(
            root.child("w:body").unwrap(),
            &mut Numbering::default(),
            &mut out,
        );
        out
    }

    fn tc(text: &str, pr: &str) -> String {
        let paras: String = text
            .split('/')
            .map(|t| format!("<w:p><w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r></w:p>"))
            .collect();
        format!("<w:tc><w:tcPr>{pr}</w:tcPr>{paras}</w:tc>")
    }

    #[test]
    fn merged_cells_keep_value_in_origin() {
        let body = format!(
            "<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p><w:tbl>\
             <w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            tc(
                "corner",
                "<w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/>"
            ),
            tc("商业/企业", ""),
            tc("三、结果", "<w:vMerge w:val=\"restart\"/>"),
            tc("（一）公开", ""),
            tc("3", ""),
            tc("", "<w:vMerge/>"),
            tc("（二）部分 &amp; x", ""),
            tc("", ""),
        );
        assert_eq!(
            lines_of(&body),
            vec![
                "一、总体情况",
                "corner\t\t商业企业",
                "三、结果\t（一）公开\t3",
                "\t（二）部分 & x\t"
            ]
        );
    }

    #[test]
    fn text_boxes_once_deleted_text_never() {
        let body = "<w:p><w:r><w:t>正文</w:t></w:r><w:del><w:r><w:delText>删</w:delText></w:r></w:del>\
            <w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p>\
            </w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框</w:t>\
            </w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:br/><w:t>下行</w:t></w:r></w:p>";
        assert_eq!(lines_of(body), vec!["正文", "下行", "框"]);
    }

    #[test]
    fn not_a_word_zip_and_garbage_are_errors() {
        assert!(read_docx(b"PK\x03\x04garbage", "docx").is_err());
        assert!(looks_like_legacy_word(b"{\\rtf1 x").is_some());
    }

    #[test]
    fn legacy_word_without_libreoffice_is_one_clear_error() {
        let e = convert_with(None, b"{\\rtf1 x}", "rtf", &IngestOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unsupported format: `.rtf` needs LibreOffice (soffice), or convert it to .docx/PDF"
        );
    }
}
