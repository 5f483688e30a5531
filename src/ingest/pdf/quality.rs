//! Deciding whether extracted text is real text.
//!
//! A PDF can have a text layer that decodes to nothing useful: CID fonts
//! without ToUnicode (pdf-extract yields empty strings), simple subset fonts
//! without ToUnicode (ASCII garbage), or private-use code points. Such text
//! must be reported as "OCR needed", never passed on as if it were the report.

use super::layout::{is_cjk, Glyph};
use super::IngestError;

/// Share of glyphs (per document) that may decode to nothing or to junk
/// before the whole document is refused. Missing digits would silently
/// corrupt table values, so the limit is low.
const MAX_BAD_SHARE: f64 = 0.02;

/// A page with at least this many glyphs must decode at least
/// [`MIN_PAGE_DECODED_SHARE`] of them.
const MIN_PAGE_GLYPHS: usize = 20;
const MIN_PAGE_DECODED_SHARE: f64 = 0.5;

/// A Chinese report is mostly Han characters even on table pages. Below this
/// share of CJK among visible characters (with enough text to judge), the
/// text is taken to be mis-decoded (e.g. subset fonts read as Latin-1).
const MIN_CJK_SHARE: f64 = 0.2;
const MIN_CHARS_FOR_CJK_TEST: usize = 100;

/// Counts of one page's glyphs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Non-blank glyphs shown (including those that decoded to nothing).
    pub glyphs: usize,
    /// Glyphs that decoded to nothing or to a junk character.
    pub bad: usize,
    /// Visible decoded characters.
    pub chars: usize,
    pub cjk: usize,
}

impl Stats {
    pub fn of(glyphs: &[Glyph]) -> Stats {
        let mut s = Stats::default();
        for g in glyphs {
            if g.text.is_empty() {
                s.glyphs += 1;
                s.bad += 1;
                continue;
            }
            if g.text.chars().all(char::is_whitespace) {
                continue;
            }
            s.glyphs += 1;
            if is_junk(&g.text) {
                s.bad += 1;
                continue;
            }
            for c in g.text.chars().filter(|c| !c.is_whitespace()) {
                s.chars += 1;
                if is_cjk(c) {
                    s.cjk += 1;
                }
            }
        }
        s
    }

    fn add(self, o: Stats) -> Stats {
        Stats {
            glyphs: self.glyphs + o.glyphs,
            bad: self.bad + o.bad,
            chars: self.chars + o.chars,
            cjk: self.cjk + o.cjk,
        }
    }
}

/// True if a glyph's text contains a replacement character, a control
/// character or a private-use code point: signs of a missing or fake mapping.
pub fn is_junk(text: &str) -> bool {
    text.chars().any(|c| {
        c == '\u{FFFD}'
            || (c.is_control() && c != '\t')
            || matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
    })
}

/// Checks the per-page statistics of a document (pages numbered from 1).
pub fn assess(pages: &[Stats]) -> Result<(), IngestError> {
    let total = pages.iter().copied().fold(Stats::default(), Stats::add);
    if total.glyphs == 0 {
        return Err(IngestError::NoTextLayer);
    }
    for (i, p) in pages.iter().enumerate() {
        let decoded = p.glyphs - p.bad;
        if p.glyphs >= MIN_PAGE_GLYPHS
            && (decoded as f64) < MIN_PAGE_DECODED_SHARE * p.glyphs as f64
        {
            return Err(IngestError::NotDecodable(format!(
                "page {}: {} of {} glyphs have no usable Unicode mapping",
                i + 1,
                p.bad,
                p.glyphs
            )));
        }
    }
    if total.bad as f64 > MAX_BAD_SHARE * total.glyphs as f64 {
        return Err(IngestError::NotDecodable(format!(
            "{} of {} glyphs have no usable Unicode mapping",
            total.bad, total.glyphs
        )));
    }
    if total.chars >= MIN_CHARS_FOR_CJK_TEST
        && (total.cjk as f64) < MIN_CJK_SHARE * total.chars as f64
    {
        return Err(IngestError::NotDecodable(format!(
            "only {} of {} characters are Chinese; fonts are probably mis-decoded",
            total.cjk, total.chars
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(texts: &[&str]) -> Vec<Glyph> {
        texts
            .iter()
            .map(|t| Glyph {
                x: 0.0,
                y: 0.0,
                width: 1.0,
                size: 10.0,
                text: (*t).into(),
            })
            .collect()
    }

    #[test]
    fn chinese_text_passes() {
        let g = glyphs(&["政"; 150]);
        assert_eq!(assess(&[Stats::of(&g)]), Ok(()));
    }

    #[test]
    fn no_glyphs_is_no_text_layer() {
        assert_eq!(
            assess(&[Stats::default(), Stats::default()]),
            Err(IngestError::NoTextLayer)
        );
        assert_eq!(
            assess(&[Stats::of(&glyphs(&[" ", "\u{a0}"]))]),
            Err(IngestError::NoTextLayer)
        );
    }

    #[test]
    fn empty_decodes_are_not_decodable() {
        let g = glyphs(&[""; 40]);
        assert!(matches!(
            assess(&[Stats::of(&g)]),
            Err(IngestError::NotDecodable(m)) if m.starts_with("page 1")
        ));
    }

    #[test]
    fn junk_characters_count_as_bad() {
        let mut texts = vec!["政"; 100];
        texts.extend(["\u{FFFD}", "\u{1}", "\u{E001}", "\u{F8FF}"]);
        let s = Stats::of(&glyphs(&texts));
        assert_eq!(s.bad, 4);
        assert!(assess(&[s]).is_err());
    }

    #[test]
    fn latin_garbage_is_not_decodable() {
        let g = glyphs(&["x"; 300]);
        assert!(matches!(
            assess(&[Stats::of(&g)]),
            Err(IngestError::NotDecodable(m)) if m.contains("Chinese")
        ));
    }
}
