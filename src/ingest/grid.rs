//! Table grids shared by the HTML and Word readers: merged cells expanded, the
//! column grid normalised, one tab-separated line per row.
//!
//! Word and LibreOffice often give a table more grid columns than it has logical
//! columns: when a header cell's edge sits a few twips off the edge of the cells
//! below, the grid gets an extra column that every value row covers with a span
//! (`总计` spanning two grid columns under `行政复议`). Read naively, that shifts
//! every header or value after it by one field. The logical columns are the edges
//! at which the rows holding numbers start a cell; other grid columns are merged
//! into the column on their left, so each value and each label is exactly one
//! field and a row of numbers never gains or loses a field.

use crate::text::is_cjk;

/// Wide characters (CJK and full-width punctuation) between which a line break
/// is not a space: Chinese text wraps anywhere, with nothing to mark the break.
pub fn is_wide(c: char) -> bool {
    is_cjk(c) || matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF | 0x2018..=0x201D)
}

/// The text of one cell on one line, the same for every format: its paragraphs
/// and line breaks joined (nothing between wide characters, a space elsewhere),
/// every whitespace run one space, the ends trimmed, and no tab or `|` left to be
/// read as a cell border (`|` becomes the full-width `｜`).
pub fn join_cell<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut joined = String::new();
    for l in lines {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        if let (Some(a), Some(b)) = (joined.chars().last(), l.chars().next()) {
            if !(is_wide(a) && is_wide(b)) {
                joined.push(' ');
            }
        }
        joined.push_str(l);
    }
    let mut out = String::with_capacity(joined.len());
    let mut space = false;
    for c in joined.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(if c == '|' { '｜' } else { c });
    }
    out
}

/// One grid position of a table row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Slot {
    /// The cell's text at its origin (top-left) position; `None` elsewhere.
    pub text: Option<String>,
    /// True when a cell's left edge is here: its origin, or the same column of a
    /// row it spans down into.
    pub starts: bool,
}

impl Slot {
    pub fn origin(text: String) -> Self {
        Slot {
            text: Some(text),
            starts: true,
        }
    }
    /// A position covered by a cell from above (`starts`: at that cell's left edge).
    pub fn covered(starts: bool) -> Self {
        Slot { text: None, starts }
    }
}

/// A cell printing a number (what makes a row a value row).
fn is_number(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '+' | '-' | '%'))
}

/// The grid as rows of fields: logical columns only, texts at their origins,
/// every other position an empty field.
pub fn normalise(rows: &[Vec<Slot>]) -> Vec<Vec<String>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let value_rows: Vec<&Vec<Slot>> = rows
        .iter()
        .filter(|r| r.iter().any(|s| s.text.as_deref().is_some_and(is_number)))
        .collect();
    let mut edges: Vec<usize> = if value_rows.is_empty() {
        (0..width).collect()
    } else {
        let mut e: Vec<usize> = value_rows
            .iter()
            .flat_map(|r| {
                r.iter()
                    .enumerate()
                    .filter(|(_, s)| s.starts)
                    .map(|(i, _)| i)
            })
            .collect();
        e.push(0);
        e
    };
    edges.sort_unstable();
    edges.dedup();
    let field_of = |col: usize| edges.partition_point(|&e| e <= col).saturating_sub(1);
    let n = edges.len();
    rows.iter()
        .map(|r| {
            let mut fields = vec![String::new(); n];
            for (col, slot) in r.iter().enumerate() {
                let Some(text) = &slot.text else { continue };
                if text.is_empty() {
                    continue;
                }
                // Two origins in one logical column (a header edge off the grid):
                // the later one moves right, or joins the last field; never lost.
                let mut f = field_of(col);
                while f < n && !fields[f].is_empty() {
                    f += 1;
                }
                if f < n {
                    fields[f] = text.clone();
                } else if let Some(last) = fields.last_mut() {
                    last.push(' ');
                    last.push_str(text);
                }
            }
            fields
        })
        .collect()
}

/// Lines of a table: one per row with cells joined by tabs; empty rows dropped;
/// a one-column table as plain lines (a layout box, not a table of figures).
pub fn lines(grid: &[Vec<String>]) -> Vec<String> {
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    grid.iter()
        .filter(|r| r.iter().any(|c| !c.is_empty()))
        .map(|r| {
            if width == 1 {
                r[0].clone()
            } else {
                r.join("\t")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Slot {
        Slot::origin(s.to_string())
    }

    #[test]
    fn a_grid_column_only_a_header_uses_is_merged() {
        // 总计 spans two grid columns in every row but the first, where the
        // header edge between 复议 and 诉讼 falls between them.
        let c = Slot::covered(false);
        let rows = vec![
            vec![o("复议"), c.clone(), c.clone(), o("诉讼"), c.clone()],
            vec![o("维持"), o("总计"), c.clone(), o("维持"), o("总计")],
            vec![o("1"), o("2"), c.clone(), o("3"), o("4")],
        ];
        assert_eq!(
            normalise(&rows),
            vec![
                vec!["复议", "", "诉讼", ""],
                vec!["维持", "总计", "维持", "总计"],
                vec!["1", "2", "3", "4"],
            ]
        );
    }

    #[test]
    fn cell_lines_join_alike_for_every_format() {
        // A break between wide characters (full-width punctuation included, as
        // Word cells wrap `（一）` / `予以公开`) is nothing; elsewhere a space.
        assert_eq!(join_cell(["（一）", "予以公开"]), "（一）予以公开");
        assert_eq!(join_cell(["不予", "公开"]), "不予公开");
        assert_eq!(join_cell(["Total", "总计"]), "Total 总计");
        // Whitespace runs (tabs, ideographic and no-break spaces) are one space;
        // empty lines vanish; `|` cannot be read as a border.
        assert_eq!(
            join_cell(["  a|b\t\u{3000}c ", "", "1\u{A0}\u{A0}2"]),
            "a｜b c 1 2"
        );
    }

    #[test]
    fn label_columns_spanned_down_stay_columns() {
        let rows = vec![
            vec![o("三、结果"), o("（一）"), o("1")],
            vec![Slot::covered(true), o("（二）"), o("2")],
        ];
        assert_eq!(
            lines(&normalise(&rows)),
            vec!["三、结果\t（一）\t1", "\t（二）\t2"]
        );
    }
}
