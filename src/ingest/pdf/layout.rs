//! Layout: positioned glyphs → lines of text in the style of `pdftotext -layout`.
//!
//! Content streams are not in reading order (a table may be written column by
//! column), so nothing here trusts emission order. Glyphs are grouped into
//! lines by baseline, sorted by x within a line, cut into spans at horizontal
//! gaps, and each span is placed at a character column proportional to its x
//! position. Columns of a table therefore line up across lines, and different
//! spans are always at least [`MIN_SPAN_GAP`] spaces apart.

/// One shown glyph in page space (origin top left, y grows downwards, points).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Left edge of the glyph.
    pub x: f64,
    /// Baseline.
    pub y: f64,
    /// Horizontal advance.
    pub width: f64,
    /// Effective font size (the em), after all transforms.
    pub size: f64,
    /// Decoded text; usually one char, sometimes a ligature or empty.
    pub text: GlyphText,
}

/// The text of one glyph, kept inline: a document shows some 100,000 glyphs,
/// almost all one character, and a `String` each was an allocation and a free
/// per glyph. Longer mappings (a ToUnicode entry may map one code to a word)
/// go to the heap.
#[derive(Clone, PartialEq, Eq)]
pub enum GlyphText {
    Inline {
        len: u8,
        bytes: [u8; GlyphText::INLINE],
    },
    Heap(Box<str>),
}

impl GlyphText {
    /// Bytes kept inline: five characters of CJK, the enum as large as a `String`.
    const INLINE: usize = 22;
}

impl From<&str> for GlyphText {
    fn from(s: &str) -> Self {
        if s.len() <= Self::INLINE {
            let mut bytes = [0; Self::INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            GlyphText::Inline {
                len: s.len() as u8,
                bytes,
            }
        } else {
            GlyphText::Heap(s.into())
        }
    }
}

impl std::ops::Deref for GlyphText {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            // The bytes were copied from a `str`, at most INLINE of them.
            GlyphText::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            GlyphText::Heap(s) => s,
        }
    }
}

impl std::fmt::Debug for GlyphText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl Glyph {
    fn right(&self) -> f64 {
        self.x + self.width
    }
}

/// A vertical ruling segment (a table cell border) in page space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub x: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Rule {
    /// True if the rule separates a glyph ending at `left` from one starting
    /// at `right` on baseline `y`.
    fn separates(&self, left: f64, right: f64, y: f64, em: f64) -> bool {
        self.x > left - 0.1 * em
            && self.x < right + 0.1 * em
            && self.top <= y
            && self.bottom >= y - 0.5 * em
    }
}

/// Spans are separated by at least this many spaces, so that a reader can split
/// cells on runs of two or more spaces.
pub const MIN_SPAN_GAP: usize = 2;

/// A baseline within this fraction of the smaller em of the line is the same
/// line. Half an em puts table values that sit a few points above or below
/// their label (vertically centred cells) on the label's line, while the next
/// line of text (at least one em away) stays separate.
const BASELINE_TOLERANCE: f64 = 0.5;

/// A gap wider than this (in ems) between two non-CJK glyphs starts a new span.
/// Word spaces are about 0.25–0.35 em; table cells are further apart.
const SPAN_GAP_LATIN: f64 = 0.8;

/// A gap wider than this next to a CJK glyph starts a new span. Justified CJK
/// text stretches its inter-character spacing, so the threshold is larger.
const SPAN_GAP_CJK: f64 = 1.0;

/// Gaps above this (in ems) between two non-CJK glyphs of one span become one space.
const WORD_GAP: f64 = 0.15;

/// A vertical distance of more than this many ems between two baselines is
/// shown as one empty line, so that later stages can see paragraph and block gaps.
const BLANK_LINE_GAP: f64 = 2.6;

/// No span starts right of this column. A real page is a few hundred
/// columns wide; the bound keeps a page of absurd size (a media box of 10^13
/// points) from padding a line with that many spaces.
pub const MAX_COLUMN: usize = 4096;

/// The scale used to turn x positions into character columns. Shared by all
/// pages of a document so that a table continued on the next page keeps its
/// columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// x position (points) of column 0.
    pub origin: f64,
    /// Points per character column.
    pub unit: f64,
}

impl Scale {
    /// Derives a scale from every glyph of a document: one column is half the
    /// em of the smaller text (10th percentile of glyph sizes), so that
    /// half-width digits, the narrowest common glyphs, never overflow their
    /// place and push the following cells to the right.
    pub fn for_glyphs<'a>(glyphs: impl Iterator<Item = &'a Glyph>) -> Scale {
        let mut origin = f64::INFINITY;
        let mut sizes = Vec::new();
        for g in glyphs {
            origin = origin.min(g.x);
            sizes.push(g.size);
        }
        if sizes.is_empty() {
            return Scale {
                origin: 0.0,
                unit: 5.0,
            };
        }
        sizes.sort_by(f64::total_cmp);
        let small = sizes[sizes.len() / 10];
        Scale {
            origin,
            unit: (small * 0.5).max(1.0),
        }
    }

    /// The column of `x`, at most [`MAX_COLUMN`].
    fn column(&self, x: f64) -> usize {
        let c = ((x - self.origin) / self.unit).round();
        if c.is_finite() && c > 0.0 {
            (c as usize).min(MAX_COLUMN)
        } else {
            0
        }
    }
}

/// True for characters that are set without spaces in Chinese text: Han
/// ideographs, CJK punctuation and full-width forms.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF       // radicals
        | 0x3000..=0x303F     // CJK symbols and punctuation
        | 0x3040..=0x30FF     // kana (seen in some fonts' punctuation)
        | 0x3100..=0x312F
        | 0x3200..=0x33FF     // enclosed CJK, compatibility
        | 0x3400..=0x4DBF     // extension A
        | 0x4E00..=0x9FFF     // unified ideographs
        | 0xF900..=0xFAFF     // compatibility ideographs
        | 0xFE30..=0xFE4F     // compatibility forms
        | 0xFF00..=0xFFEF     // full-width forms
        | 0x20000..=0x3FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Lays out one page's glyphs as text lines, top to bottom. A vertical rule
/// between two glyphs always separates spans (narrow table cells).
pub fn layout_page(glyphs: &[Glyph], rules: &[Rule], scale: &Scale) -> Vec<String> {
    let lines = group_lines(glyphs);
    let mut out = Vec::with_capacity(lines.len());
    let mut prev: Option<&Line> = None;
    for line in &lines {
        if let Some(p) = prev {
            let em = p.size.max(line.size);
            if line.baseline - p.baseline > BLANK_LINE_GAP * em {
                out.push(String::new());
            }
        }
        out.push(render_line(&split_spans(&line.glyphs, rules), scale));
        prev = Some(line);
    }
    out
}

/// Glyphs sharing a baseline, sorted by x, with duplicates removed.
#[derive(Debug)]
struct Line<'a> {
    baseline: f64,
    size: f64,
    glyphs: Vec<&'a Glyph>,
}

/// Groups glyphs into lines by baseline, in two steps. First, glyphs with
/// practically the same baseline form runs (text set together). Then runs are
/// merged top to bottom: a run joins the current line if its baseline is
/// within the tolerance of the line's anchor, the baseline of its largest
/// run. Anchoring on the largest run keeps a stray glyph (a character of
/// vertical text, a superscript) from deciding where a line is, and keeps a
/// slow drift of baselines from chaining lines together.
fn group_lines(glyphs: &[Glyph]) -> Vec<Line<'_>> {
    let mut order: Vec<&Glyph> = glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty() && g.size > 0.0)
        .collect();
    order.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Line> = Vec::new();
    let mut anchor_count = 0;
    for run in baseline_runs(&order) {
        let size = dominant_size(&run);
        let y = run[0].y;
        match lines.last_mut() {
            Some(line) if y - line.baseline <= BASELINE_TOLERANCE * size.min(line.size) => {
                if run.len() > anchor_count {
                    anchor_count = run.len();
                    line.baseline = y;
                    line.size = size;
                }
                line.glyphs.extend(run);
            }
            _ => {
                anchor_count = run.len();
                lines.push(Line {
                    baseline: y,
                    size,
                    glyphs: run,
                });
            }
        }
    }
    for line in &mut lines {
        line.glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
        line.glyphs = dedup_overprint(&line.glyphs);
    }
    lines
}

/// Splits glyphs sorted by baseline into runs whose baselines differ by less
/// than a tenth of an em from the run's first glyph.
fn baseline_runs<'a>(sorted: &[&'a Glyph]) -> Vec<Vec<&'a Glyph>> {
    let mut runs: Vec<Vec<&Glyph>> = Vec::new();
    for &g in sorted {
        match runs.last_mut() {
            Some(run) if g.y - run[0].y <= 0.1 * g.size.min(run[0].size) => run.push(g),
            _ => runs.push(vec![g]),
        }
    }
    runs
}

/// Removes a glyph drawn again at (almost) the same place, which is how some
/// producers fake bold text; without this the text would come out doubled.
fn dedup_overprint<'a>(sorted: &[&'a Glyph]) -> Vec<&'a Glyph> {
    let mut out: Vec<&Glyph> = Vec::with_capacity(sorted.len());
    for &g in sorted {
        let dup = out.iter().rev().take(4).any(|p| {
            *p.text == *g.text
                && (p.x - g.x).abs() < 0.3 * g.size
                && (p.y - g.y).abs() < 0.3 * g.size
        });
        if !dup {
            out.push(g);
        }
    }
    out
}

fn dominant_size(glyphs: &[&Glyph]) -> f64 {
    median(glyphs.iter().map(|g| g.size))
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A run of glyphs set close together: one cell or one piece of prose.
#[derive(Debug, PartialEq)]
struct Span {
    x: f64,
    text: String,
}

/// Cuts a line (glyphs sorted by x) into spans at wide horizontal gaps, and
/// joins the glyphs of a span. Inside a span, a space is kept only between two
/// non-CJK glyphs (`hzzwgk@126.com 2023`), never next to CJK (`信息 16 条`
/// becomes `信息16条`, `政 法 规` becomes `政法规`).
fn split_spans(glyphs: &[&Glyph], rules: &[Rule]) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut prev: Option<&Glyph> = None;
    for &g in glyphs {
        let Some(p) = prev else {
            spans.push(Span {
                x: g.x,
                text: g.text.to_string(),
            });
            prev = Some(g);
            continue;
        };
        let em = p.size.max(g.size);
        let gap = (g.x - p.right()) / em;
        let cjk = ends_cjk(&p.text) || starts_cjk(&g.text);
        let limit = if cjk { SPAN_GAP_CJK } else { SPAN_GAP_LATIN };
        let ruled = rules
            .iter()
            .any(|r| r.separates(p.x + 0.5 * p.width, g.x + 0.5 * g.width, g.y, em));
        match spans.last_mut() {
            Some(span) if gap <= limit && !ruled => {
                if !cjk && gap > WORD_GAP {
                    span.text.push(' ');
                }
                span.text.push_str(&g.text);
            }
            _ => spans.push(Span {
                x: g.x,
                text: g.text.to_string(),
            }),
        }
        // Keep the glyph that reaches furthest right, so that an overlapping
        // narrow glyph does not make the next gap look wider than it is.
        if g.right() >= p.right() {
            prev = Some(g);
        }
    }
    spans
}

fn ends_cjk(s: &str) -> bool {
    s.chars().next_back().is_some_and(is_cjk)
}

fn starts_cjk(s: &str) -> bool {
    s.chars().next().is_some_and(is_cjk)
}

/// Places spans at their columns, at least [`MIN_SPAN_GAP`] spaces apart.
fn render_line(spans: &[Span], scale: &Scale) -> String {
    let mut out = String::new();
    let mut cursor = 0usize;
    for (i, span) in spans.iter().enumerate() {
        let want = scale.column(span.x);
        let col = if i == 0 {
            want
        } else {
            want.max(cursor + MIN_SPAN_GAP)
        };
        out.extend(std::iter::repeat_n(' ', col - cursor));
        out.push_str(&span.text);
        cursor = col + span.text.chars().count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for `text` starting at `x` on baseline `y`, each `adv` wide.
    fn run(text: &str, x: f64, y: f64, size: f64, adv: f64) -> Vec<Glyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + adv * i as f64,
                y,
                width: adv,
                size,
                text: GlyphText::from(c.to_string().as_str()),
            })
            .collect()
    }

    fn scale() -> Scale {
        Scale {
            origin: 0.0,
            unit: 5.0,
        }
    }

    #[test]
    fn glyph_text_inline_and_long() {
        let one = GlyphText::from("政");
        assert!(matches!(one, GlyphText::Inline { len: 3, .. }));
        assert_eq!(&*one, "政");
        let long = "一个代码映射成很长的一串文字";
        let t = GlyphText::from(long);
        assert!(matches!(t, GlyphText::Heap(_)));
        assert_eq!(&*t, long);
        assert_eq!(&*GlyphText::from(""), "");
        assert_eq!(
            std::mem::size_of::<GlyphText>(),
            std::mem::size_of::<String>()
        );
    }

    #[test]
    fn justified_cjk_has_no_inner_spaces() {
        // 0.5 em of extra spacing between characters.
        let g = run("政法规禁止", 0.0, 100.0, 16.0, 24.0);
        assert_eq!(layout_page(&g, &[], &scale()), vec!["政法规禁止"]);
    }

    #[test]
    fn cjk_and_number_join_in_prose() {
        let mut g = run("信息", 0.0, 100.0, 16.0, 16.0);
        g.extend(run("16", 36.0, 100.0, 16.0, 8.0));
        g.extend(run("条", 56.0, 100.0, 16.0, 16.0));
        assert_eq!(layout_page(&g, &[], &scale()), vec!["信息16条"]);
    }

    #[test]
    fn latin_words_keep_one_space() {
        let mut g = run("ab", 0.0, 100.0, 10.0, 5.0);
        g.extend(run("cd", 13.0, 100.0, 10.0, 5.0));
        assert_eq!(layout_page(&g, &[], &scale()), vec!["ab cd"]);
    }

    #[test]
    fn table_cells_are_columns_at_least_two_spaces_apart() {
        let mut g = run("规章", 0.0, 100.0, 10.0, 10.0);
        for (i, x) in [100.0, 115.0, 130.0].iter().enumerate() {
            g.extend(run(&i.to_string(), *x, 100.0, 10.0, 5.0));
        }
        let lines = layout_page(&g, &[], &scale());
        assert_eq!(lines, vec![format!("规章{}0  1  2", " ".repeat(18))]);
    }

    #[test]
    fn columns_line_up_across_lines() {
        let mut g = run("总计", 100.0, 60.0, 10.0, 10.0);
        g.extend(run("行政处罚", 0.0, 80.0, 10.0, 10.0));
        g.extend(run("233", 100.0, 80.0, 10.0, 5.0));
        let lines = layout_page(&g, &[], &scale());
        assert_eq!(lines[0].find('总'), Some(20));
        let col = lines[1].chars().position(|c| c == '2');
        assert_eq!(col, Some(20));
    }

    #[test]
    fn emission_order_does_not_matter() {
        // A table column written top to bottom before the labels.
        let mut g = run("5", 100.0, 100.0, 10.0, 5.0);
        g.extend(run("7", 100.0, 120.0, 10.0, 5.0));
        g.extend(run("甲", 0.0, 100.0, 10.0, 10.0));
        g.extend(run("乙", 0.0, 120.0, 10.0, 10.0));
        let lines = layout_page(&g, &[], &scale());
        let trimmed: Vec<String> = lines
            .iter()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(trimmed, vec!["甲 5", "乙 7"]);
    }

    #[test]
    fn value_a_few_points_above_its_label_is_on_the_label_line() {
        let mut g = run("行政许可", 0.0, 100.0, 10.5, 10.5);
        g.extend(run("550", 100.0, 96.5, 10.5, 5.25));
        g.extend(run("行政处罚", 0.0, 125.0, 10.5, 10.5));
        let lines = layout_page(&g, &[], &scale());
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("行政许可") && lines[0].ends_with("550"));
    }

    #[test]
    fn a_stray_glyph_does_not_anchor_a_line() {
        // One character of vertical text just above a row set in smaller type.
        let mut g = run("果", 0.0, 686.8, 10.0, 10.0);
        g.extend(run("6.属于四类", 90.0, 691.5, 9.0, 9.0));
        let lines = layout_page(&g, &[], &scale());
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with("6.属于四类"), "{lines:?}");
    }

    #[test]
    fn a_rule_between_glyphs_splits_cells() {
        let mut g = run("结果", 0.0, 100.0, 10.0, 10.0);
        g.extend(run("其他", 25.0, 100.0, 10.0, 10.0));
        let rule = Rule {
            x: 22.0,
            top: 80.0,
            bottom: 110.0,
        };
        assert_eq!(layout_page(&g, &[], &scale()), vec!["结果其他"]);
        assert_eq!(layout_page(&g, &[rule], &scale()), vec!["结果   其他"]);
    }

    #[test]
    fn consecutive_text_lines_stay_apart() {
        let mut g = run("第一行", 0.0, 100.0, 16.0, 16.0);
        g.extend(run("第二行", 0.0, 126.0, 16.0, 16.0));
        assert_eq!(layout_page(&g, &[], &scale()), vec!["第一行", "第二行"]);
    }

    #[test]
    fn large_vertical_gap_gives_one_blank_line() {
        let mut g = run("标题", 0.0, 100.0, 16.0, 16.0);
        g.extend(run("正文", 0.0, 200.0, 16.0, 16.0));
        assert_eq!(layout_page(&g, &[], &scale()), vec!["标题", "", "正文"]);
    }

    #[test]
    fn overprinted_bold_is_not_doubled() {
        let mut g = run("加粗", 0.0, 100.0, 16.0, 16.0);
        g.extend(run("加粗", 0.4, 100.0, 16.0, 16.0));
        assert_eq!(layout_page(&g, &[], &scale()), vec!["加粗"]);
    }

    #[test]
    fn spaces_and_empty_glyphs_are_ignored() {
        let mut g = run("甲 乙", 0.0, 100.0, 16.0, 16.0);
        g.push(Glyph {
            x: 200.0,
            y: 100.0,
            width: 16.0,
            size: 16.0,
            text: GlyphText::from(""),
        });
        assert_eq!(layout_page(&g, &[], &scale()), vec!["甲乙"]);
    }

    #[test]
    fn scale_uses_small_text_half_em() {
        let mut g = run("正文正文正文正文正文", 72.0, 100.0, 16.0, 16.0);
        g.extend(run("12", 90.0, 200.0, 10.0, 5.0));
        let s = Scale::for_glyphs(g.iter());
        assert_eq!(s.origin, 72.0);
        assert_eq!(s.unit, 5.0);
    }
}
