//! A pdf-extract [`OutputDev`] that records every shown glyph with its position.

use super::layout::{Glyph, GlyphText, Rule};
use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

/// A segment shorter than this (points) in x counts as vertical.
const RULE_MAX_THICKNESS: f64 = 2.0;
/// A vertical segment must be at least this long (points) to be a cell border.
const RULE_MIN_LENGTH: f64 = 4.0;

/// A glyph may stand this far (points) outside the media box before it
/// counts as off the page: text set a little into the margin of a cropped
/// page is still read where it is.
const OFF_PAGE_MARGIN: f64 = 72.0;

/// At most this many glyphs are read from one document. A long report has
/// some 100,000; a content stream that shows millions of glyphs is hostile
/// (it would take gigabytes) and the file is refused.
pub const MAX_GLYPHS: usize = 5_000_000;

/// What one page yields.
#[derive(Debug, Default)]
pub struct PageContent {
    pub glyphs: Vec<Glyph>,
    /// Vertical rules (table cell borders).
    pub rules: Vec<Rule>,
    /// Glyphs placed off the page and moved to its edge.
    pub off_page: usize,
}

/// Collects the glyphs of one page at a time, in page space with the origin at
/// the top left of the media box.
#[derive(Debug, Default)]
pub struct GlyphCollector {
    /// Height of the current media box, used to flip y.
    top: f64,
    left: f64,
    /// Size of the current media box.
    width: f64,
    height: f64,
    page: PageContent,
    /// Glyphs of the whole document so far (see [`MAX_GLYPHS`]).
    total: usize,
}

impl GlyphCollector {
    /// Takes what was collected for the current page, leaving the collector empty.
    pub fn take(&mut self) -> PageContent {
        std::mem::take(&mut self.page)
    }

    /// Clamps a coordinate to `[0, extent]` widened by [`OFF_PAGE_MARGIN`];
    /// true if it had to move. Keeps a glyph at x = 1e13 (or −2^31) from
    /// sizing a line or moving the layout's origin.
    fn clamp(v: &mut f64, extent: f64) -> bool {
        let (lo, hi) = (-OFF_PAGE_MARGIN, extent.max(0.0) + OFF_PAGE_MARGIN);
        let clamped = v.clamp(lo, hi);
        let moved = clamped != *v;
        *v = clamped;
        moved
    }

    /// Converts a point of user space to page space.
    fn point(&self, ctm: &Transform, x: f64, y: f64) -> (f64, f64) {
        let px = ctm.m11 * x + ctm.m21 * y + ctm.m31;
        let py = ctm.m12 * x + ctm.m22 * y + ctm.m32;
        (px - self.left, self.top - py)
    }

    /// Records the vertical segments of a path: lines, and the left and right
    /// edges of rectangles (borders are drawn both ways).
    fn add_rules(&mut self, ctm: &Transform, path: &Path, rect_edges: bool) {
        let mut current: Option<(f64, f64)> = None;
        let mut start: Option<(f64, f64)> = None;
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    current = Some(self.point(ctm, x, y));
                    start = current;
                }
                PathOp::LineTo(x, y) => {
                    let to = self.point(ctm, x, y);
                    if let Some(from) = current {
                        self.add_segment(from, to);
                    }
                    current = Some(to);
                }
                PathOp::CurveTo(_, _, _, _, x, y) => current = Some(self.point(ctm, x, y)),
                PathOp::Rect(x, y, w, h) => {
                    let a = self.point(ctm, x, y);
                    let b = self.point(ctm, x + w, y + h);
                    if (a.0 - b.0).abs() <= RULE_MAX_THICKNESS {
                        self.add_segment(a, (a.0, b.1));
                    } else if rect_edges {
                        self.add_segment(a, (a.0, b.1));
                        self.add_segment((b.0, a.1), b);
                    }
                }
                PathOp::Close => {
                    if let (Some(from), Some(to)) = (current, start) {
                        self.add_segment(from, to);
                    }
                    current = start;
                }
            }
        }
    }

    fn add_segment(&mut self, a: (f64, f64), b: (f64, f64)) {
        let length = (a.1 - b.1).abs();
        if (a.0 - b.0).abs() <= RULE_MAX_THICKNESS
            && length >= RULE_MIN_LENGTH
            && length.is_finite()
        {
            self.page.rules.push(Rule {
                x: (a.0 + b.0) / 2.0,
                top: a.1.min(b.1),
                bottom: a.1.max(b.1),
            });
        }
    }
}

impl OutputDev for GlyphCollector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.top = media_box.ury;
        self.left = media_box.llx;
        self.width = (media_box.urx - media_box.llx).abs();
        self.height = (media_box.ury - media_box.lly).abs();
        self.page = PageContent::default();
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    /// `trm` is the text rendering matrix without the font size; `width` is the
    /// glyph advance in text space units (1/1000 em scaled to 1 em).
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        // The em is scaled by the area of the transform, so rotated and
        // mirrored text still gets a positive size.
        let det = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs();
        let size = font_size.abs() * det.sqrt();
        let x_scale = (trm.m11 * trm.m11 + trm.m12 * trm.m12).sqrt();
        let mut x = trm.m31 - self.left;
        let mut y = self.top - trm.m32;
        if !(x.is_finite() && y.is_finite() && size.is_finite()) {
            return Ok(());
        }
        let moved_x = Self::clamp(&mut x, self.width);
        let moved_y = Self::clamp(&mut y, self.height);
        if moved_x || moved_y {
            self.page.off_page += 1;
        }
        self.total += 1;
        if self.total > MAX_GLYPHS {
            return Err(OutputError::IoError(std::io::Error::other(format!(
                "more than {MAX_GLYPHS} glyphs"
            ))));
        }
        self.page.glyphs.push(Glyph {
            x,
            y,
            width: (width * font_size.abs() * x_scale).max(0.0),
            size,
            text: GlyphText::from(char),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.add_rules(ctm, path, true);
        Ok(())
    }

    /// Filled paths count only where they are thin (a border drawn as a
    /// filled rectangle); the edges of a filled cell background do not.
    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.add_rules(ctm, path, false);
        Ok(())
    }
}
