//! PDF ingest: bytes → pages of layout text.
//!
//! pdf-extract (0.12.1, on lopdf) interprets the content streams and reports
//! every glyph to our [`collect::GlyphCollector`]; [`layout`] turns the glyphs
//! of a page into lines in the style of `pdftotext -layout`. Around that:
//!
//! - [`cmap`] rewrites Type0 fonts with predefined CJK CMaps, which
//!   pdf-extract cannot read, before extraction;
//! - [`guard`] runs everything on a worker thread with a time limit and turns
//!   library panics into errors;
//! - [`quality`] refuses text layers that do not decode to real text, so
//!   garbage is never passed on as a report.

mod cmap;
mod collect;
mod guard;
pub mod layout;
mod quality;

use super::{IngestError, IngestOptions};
use crate::model::{Document, Page, Repair, SourceKind};
use collect::GlyphCollector;
use collect::PageContent;
use layout::{Glyph, Scale};
use lopdf::{Document as PdfDocument, Object};
use std::time::Duration;

/// Reads a PDF into pages of layout text.
///
/// Runs on a worker thread limited to `opts.timeout_secs` (0 means no
/// limit); see [`guard::run_with_limit`] for what happens to a worker that
/// overruns.
pub fn read_pdf(bytes: &[u8], opts: &IngestOptions) -> Result<Document, IngestError> {
    let owned = bytes.to_vec();
    let limit = Duration::from_secs(opts.timeout_secs);
    guard::run_with_limit(limit, move || extract(&owned))
}

/// The whole extraction, on the calling thread. Panics propagate; callers go
/// through [`read_pdf`].
fn extract(bytes: &[u8]) -> Result<Document, IngestError> {
    let mut doc = load(bytes)?;
    let mut repairs = Vec::new();
    neutralize_images(&mut doc);
    for fix in cmap::repair_predefined_cmaps(&mut doc) {
        repairs.push(font_repair(&fix));
    }
    let pages = collect_pages(&doc)?;
    let stats: Vec<quality::Stats> = pages
        .iter()
        .map(|p| quality::Stats::of(&p.glyphs))
        .collect();
    quality::assess(&stats)?;
    let scale = Scale::for_glyphs(pages.iter().flat_map(|p| &p.glyphs).filter(|g| usable(g)));
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, content)| {
            let number = i + 1;
            if content.off_page > 0 {
                repairs.push(Repair {
                    kind: "pdf_off_page_glyphs".to_string(),
                    page: Some(number),
                    line: None,
                    before: format!("{} glyphs", content.off_page),
                    after: String::new(),
                    rule: "glyphs placed outside the page are moved to its edge".to_string(),
                });
            }
            let (good, dropped): (Vec<Glyph>, Vec<Glyph>) =
                content.glyphs.into_iter().partition(usable);
            let junk = dropped.iter().filter(|g| !g.text.trim().is_empty()).count();
            if junk > 0 {
                repairs.push(Repair {
                    kind: "pdf_undecodable_glyphs".to_string(),
                    page: Some(number),
                    line: None,
                    before: format!("{junk} glyphs"),
                    after: String::new(),
                    rule: "glyphs without a Unicode mapping are dropped".to_string(),
                });
            }
            Page {
                number,
                lines: layout::layout_page(&good, &content.rules, &scale),
                line_offset: 0,
            }
        })
        .collect();
    Ok(Document {
        source: SourceKind::Pdf,
        pages,
        repairs,
        findings: Vec::new(),
    })
}

/// Parses the file. lopdf decrypts files whose user password is empty (only
/// an owner password restricts printing or copying), which every viewer
/// opens without asking; a file that stays encrypted needs a password.
fn load(bytes: &[u8]) -> Result<PdfDocument, IngestError> {
    let doc = PdfDocument::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => IngestError::Encrypted,
        e => IngestError::DamagedPdf(e.to_string()),
    })?;
    if doc.is_encrypted() {
        return Err(IngestError::Encrypted);
    }
    if doc.get_pages().is_empty() {
        return Err(IngestError::DamagedPdf("no pages".to_string()));
    }
    Ok(doc)
}

/// Empties the data of image XObjects. pdf-extract does not check the
/// subtype of an XObject and would parse image data as a content stream (slow,
/// and a panic on most images); text extraction never needs the pixels.
fn neutralize_images(doc: &mut PdfDocument) {
    for obj in doc.objects.values_mut() {
        if let Object::Stream(stream) = obj {
            let is_image =
                stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image");
            if is_image {
                stream.set_plain_content(Vec::new());
            }
        }
    }
}

/// Runs pdf-extract page by page and returns each page's glyphs and rules.
/// One [`pdf_extract::PageExtractor`] serves the whole document, so fonts
/// and colour spaces are built once, and the page tree is walked once.
fn collect_pages(doc: &PdfDocument) -> Result<Vec<PageContent>, IngestError> {
    let page_ids = doc.get_pages();
    let mut collector = GlyphCollector::default();
    let mut extractor = pdf_extract::PageExtractor::new(doc);
    let mut pages = Vec::with_capacity(page_ids.len());
    for (number, id) in page_ids {
        let result = guard::catch_quietly(|| {
            extractor
                .output_page(&mut collector, number, id)
                .map_err(|e| IngestError::DamagedPdf(format!("page {number}: {e}")))
        });
        match result {
            Ok(()) => pages.push(collector.take()),
            Err(IngestError::Pdf(msg)) => {
                return Err(IngestError::Pdf(format!("page {number}: {msg}")))
            }
            Err(e) => return Err(e),
        }
    }
    Ok(pages)
}

/// A glyph that may appear in the text: decoded, and not junk.
fn usable(g: &Glyph) -> bool {
    !g.text.is_empty() && !quality::is_junk(&g.text)
}

fn font_repair(fix: &cmap::FontFix) -> Repair {
    let (after, rule) = if fix.decoded {
        (
            "decoded from character codes",
            "predefined CMap read without pdf-extract",
        )
    } else {
        ("not decodable", "unknown predefined CMap")
    };
    Repair {
        kind: "pdf_font_encoding".to_string(),
        page: None,
        line: None,
        before: format!("{} ({})", fix.font, fix.cmap),
        after: after.to_string(),
        rule: rule.to_string(),
    }
}
