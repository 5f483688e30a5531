//! Text as crawlers save web pages: table rows rebuilt before tokenising.
//!
//! Two layouts lose a table's rows but keep its cells:
//!
//! * **one cell per paragraph**: every `<td>` became a paragraph, so each cell is
//!   on its own line and cells are separated by a fixed run of line breaks; an
//!   empty cell is one more such run. The run length is learnt from the table's
//!   own header cells (consecutive words, where no cell is empty), every gap must
//!   be a whole number of runs, and each extra run is an empty cell. A row is a
//!   label and the value cells after it.
//! * **ideographic spaces**: cells separated by one U+3000 each, so two in a row
//!   are an empty cell (the tokenizer would read any run of spaces as one border).
//!
//! The rebuilt rows are tab-separated lines, which the table stage reads field by
//! field; each field keeps its input place (`Line::joins`), so a cell still
//! points at the line where its value is printed.

use crate::grammar::Common;
use crate::model::{Line, Repair, Trail};
use crate::parse::tokens::parse_number;

/// A line longer than this (in characters) is prose, not a table cell.
const MAX_CELL_CHARS: usize = 60;

/// A run of one-cell lines is a table only with at least this many number cells
/// (the smallest report table, table 4, has 15); fewer is a list in the prose.
const MIN_NUMBER_CELLS: usize = 12;

/// The separator run must be seen at least this often between consecutive word
/// cells (header cells) to be trusted.
const MIN_HEADER_GAPS: usize = 3;

/// A line split by ideographic spaces is a table row only with at least this many
/// fields (a label and two cells) of which at least [`MIN_IDEOGRAPHIC_VALUES`]
/// are numbers: prose uses a single ideographic space as a pause, too.
const MIN_IDEOGRAPHIC_FIELDS: usize = 3;
/// See [`MIN_IDEOGRAPHIC_FIELDS`].
const MIN_IDEOGRAPHIC_VALUES: usize = 2;

/// What one cell-per-paragraph line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Word,
    Value,
}

fn is_value(text: &str, common: &Common) -> bool {
    let t = text.trim();
    common.cells.empty_tokens.iter().any(|e| e == t)
        || parse_number(t, &common.cells.units).is_some()
}

/// A line that can be one table cell: short, no cell borders inside.
fn cell_kind(text: &str, common: &Common) -> Option<CellKind> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    if t.is_empty()
        || t.chars().count() > MAX_CELL_CHARS
        || t.contains('\t')
        || t.contains('|')
        || t.contains("  ")
        || t.contains('\u{3000}')
    {
        return None;
    }
    Some(if is_value(t, common) {
        CellKind::Value
    } else {
        CellKind::Word
    })
}

/// Rebuilds crawled table layouts into tab-separated rows; other lines are
/// returned unchanged. Each rebuilt table is logged as a repair in `trail`.
pub fn rebuild(lines: Vec<Line>, common: &Common, trail: &mut Trail) -> Vec<Line> {
    let lines = crate::ingest::embedded::expand_tables(lines);
    let lines = ideographic_rows(lines, common, &mut trail.repairs);
    cell_paragraphs(lines, common, &mut trail.repairs)
}

/// Cells separated by single ideographic spaces → tab-separated fields.
fn ideographic_rows(mut lines: Vec<Line>, common: &Common, repairs: &mut Vec<Repair>) -> Vec<Line> {
    for l in lines.iter_mut() {
        if l.text.contains('\t') || !l.text.contains('\u{3000}') {
            continue;
        }
        // Leading ideographic spaces indent a paragraph; they are not cells.
        let body = l.text.trim_start_matches([' ', '\u{3000}']).trim_end();
        let fields: Vec<&str> = body.split('\u{3000}').collect();
        let values = fields
            .iter()
            .filter(|f| !f.trim().is_empty() && is_value(f, common))
            .count();
        let has_empty = fields.iter().any(|f| f.trim().is_empty());
        let long = fields.iter().any(|f| f.chars().count() > MAX_CELL_CHARS);
        if fields.len() < MIN_IDEOGRAPHIC_FIELDS
            || values < MIN_IDEOGRAPHIC_VALUES
            || long
            || !has_empty
        {
            continue;
        }
        let text = fields
            .iter()
            .map(|f| f.trim())
            .collect::<Vec<_>>()
            .join("\t");
        repairs.push(Repair {
            kind: "crawled_table".into(),
            page: Some(l.page),
            line: Some(l.line),
            before: body.to_string(),
            after: text.replace('\t', "⇥"),
            rule: "table cells separated by ideographic spaces: each is one cell border, two in a row enclose an empty cell".into(),
        });
        l.text = text;
    }
    lines
}

/// One cell per paragraph → one tab-separated line per row.
fn cell_paragraphs(lines: Vec<Line>, common: &Common, repairs: &mut Vec<Repair>) -> Vec<Line> {
    let kinds: Vec<Option<CellKind>> = lines.iter().map(|l| cell_kind(&l.text, common)).collect();
    let blank = |i: usize| lines[i].text.trim().is_empty();
    // Runs of cell lines (blank lines inside), on one page.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if kinds[i].is_none() {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        let mut j = i + 1;
        while j < lines.len() && lines[j].page == lines[start].page {
            if blank(j) {
                j += 1;
                continue;
            }
            if kinds[j].is_none() {
                break;
            }
            end = j;
            j += 1;
        }
        runs.push((start, end));
        i = end + 1;
    }
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut next = 0;
    for (s, e) in runs {
        let cells: Vec<usize> = (s..=e).filter(|&k| kinds[k].is_some()).collect();
        let numbers = cells
            .iter()
            .filter(|&&k| kinds[k] == Some(CellKind::Value))
            .count();
        if numbers < MIN_NUMBER_CELLS {
            continue;
        }
        let Some(sep) = separator(&lines, &cells, &kinds) else {
            continue;
        };
        if cells
            .windows(2)
            .any(|w| !(lines[w[1]].line.saturating_sub(lines[w[0]].line)).is_multiple_of(sep))
        {
            continue;
        }
        let rows = rows_of(&lines, &cells, &kinds, sep);
        out.extend(lines[next..s].iter().cloned());
        for r in rows.iter().filter(|r| !r.joins.is_empty()) {
            repairs.push(Repair {
                kind: "crawled_table".into(),
                page: Some(r.page),
                line: Some(r.line),
                before: r.text.split('\t').next().unwrap_or_default().to_string(),
                after: r.text.replace('\t', "⇥"),
                rule: format!(
                    "table cells printed one per paragraph, {sep} line break(s) apart (learnt from the header cells); each further {sep} is an empty cell; a row is a label and the values after it"
                ),
            });
        }
        out.extend(rows);
        next = e + 1;
    }
    out.extend(lines[next..].iter().cloned());
    out
}

/// The line-break run between two cells: the most common gap between consecutive
/// word cells (header cells are never empty), if seen often enough and no larger
/// than every other gap.
fn separator(lines: &[Line], cells: &[usize], kinds: &[Option<CellKind>]) -> Option<usize> {
    let gap = |w: &[usize]| lines[w[1]].line.saturating_sub(lines[w[0]].line);
    let mut counts: std::collections::BTreeMap<usize, usize> = Default::default();
    for w in cells.windows(2) {
        if kinds[w[0]] == Some(CellKind::Word) && kinds[w[1]] == Some(CellKind::Word) {
            *counts.entry(gap(w)).or_default() += 1;
        }
    }
    let (&sep, &n) = counts
        .iter()
        .max_by_key(|(g, n)| (**n, std::cmp::Reverse(**g)))?;
    let smallest = cells.windows(2).map(gap).min()?;
    (sep > 0 && n >= MIN_HEADER_GAPS && smallest >= sep).then_some(sep)
}

/// Groups the cells into rows: a word cell starts a row, value cells and the
/// empty cells of extra separators follow it.
fn rows_of(lines: &[Line], cells: &[usize], kinds: &[Option<CellKind>], sep: usize) -> Vec<Line> {
    let mut rows: Vec<Line> = Vec::new();
    let mut prev: Option<usize> = None;
    for &k in cells {
        let empties = prev.map_or(0, |p| {
            (lines[k].line.saturating_sub(lines[p].line) / sep).saturating_sub(1)
        });
        prev = Some(k);
        let text = lines[k].text.trim();
        match (kinds[k], rows.last_mut()) {
            (Some(CellKind::Value), Some(row)) => {
                for _ in 0..empties {
                    row.text.push('\t');
                }
                row.text.push('\t');
                let at = row.text.len();
                row.text.push_str(text);
                row.joins.push((at, lines[k].page, lines[k].line));
            }
            _ => {
                let mut l = Line::new(text, lines[k].page, lines[k].line);
                l.joins.clear();
                rows.push(l);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`super::rebuild`] with a trail of its own: the lines and the repairs.
    fn rebuild(lines: Vec<Line>, common: &Common) -> (Vec<Line>, Vec<Repair>) {
        let mut trail = Trail::default();
        let out = super::rebuild(lines, common, &mut trail);
        (out, trail.repairs)
    }
    use crate::grammar::Grammars;

    fn lines(text: &str) -> Vec<Line> {
        text.split('\n')
            .enumerate()
            .map(|(i, t)| Line::new(t, 1, i + 1))
            .collect()
    }

    #[test]
    fn cells_one_per_paragraph_become_rows_with_empty_cells() {
        let g = Grammars::embedded().unwrap();
        let mut text = String::from("正文很长的一段文字，说明情况。");
        for c in ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
        {
            text.push_str("\n\n");
            text.push_str(c);
        }
        // 规章 0 (empty) 3, then rows of numbers.
        text.push_str("\n\n规章\n\n0\n\n\n\n3");
        for r in 0..5 {
            text.push_str(&format!("\n\n行{r}\n\n1\n\n2\n\n3"));
        }
        let (out, repairs) = rebuild(lines(&text), &g.common);
        let texts: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert!(texts.contains(&"规章\t0\t\t3"), "{texts:?}");
        assert!(texts.contains(&"行4\t1\t2\t3"));
        assert_eq!(repairs.len(), 6, "one per rebuilt row");
        // The value 3 of 规章 keeps its input line.
        let row = out.iter().find(|l| l.text.starts_with("规章")).unwrap();
        let at = row.text.rfind('3').unwrap();
        assert_eq!(row.place_at(at), (1, 17));
    }

    #[test]
    fn markdown_html_tables_become_grids_in_place() {
        let g = Grammars::embedded().unwrap();
        let src = lines(
            "# 标题\n<table><tr><td colspan=2>a</td></tr><tr><td>b</td><td>1</td></tr></table>\n正文",
        );
        let (out, _) = rebuild(src, &g.common);
        let got: Vec<(&str, usize)> = out.iter().map(|l| (l.text.as_str(), l.line)).collect();
        assert_eq!(
            got,
            vec![("# 标题", 1), ("a\t", 2), ("b\t1", 2), ("正文", 3)]
        );
    }

    #[test]
    fn ideographic_spaces_are_one_border_each() {
        let g = Grammars::embedded().unwrap();
        let (out, _) = rebuild(
            lines("\u{3000}\u{3000}正文　2021年\n规章　0　　3\n行政许可　1260"),
            &g.common,
        );
        assert_eq!(out[1].text, "规章\t0\t\t3");
        assert_eq!(out[0].text, "\u{3000}\u{3000}正文　2021年");
    }

    #[test]
    fn prose_and_short_lists_are_left_alone() {
        let g = Grammars::embedded().unwrap();
        let src = lines("一、总体情况\n\n1\n\n2\n\n3\n\n二、其他");
        let (out, repairs) = rebuild(src.clone(), &g.common);
        assert_eq!(out, src);
        assert!(repairs.is_empty());
    }

    #[test]
    fn a_cell_line_is_short_and_has_no_borders() {
        let g = Grammars::embedded().unwrap();
        let c = &g.common;
        assert_eq!(cell_kind(" 12 ", c), Some(CellKind::Value));
        assert_eq!(cell_kind("—", c), Some(CellKind::Value));
        assert_eq!(cell_kind("规章", c), Some(CellKind::Word));
        assert_eq!(
            cell_kind(&"字".repeat(MAX_CELL_CHARS), c),
            Some(CellKind::Word)
        );
        for not in ["", "  ", "规章\t1", "规章|1", "规章  1", "规章\u{3000}1"] {
            assert_eq!(cell_kind(not, c), None, "{not:?}");
        }
        assert_eq!(cell_kind(&"字".repeat(MAX_CELL_CHARS + 1), c), None);
        assert!(is_value("3件", c));
        assert!(!is_value("第3", c));
    }

    #[test]
    fn ideographic_rows_need_values_and_an_empty_cell() {
        let g = Grammars::embedded().unwrap();
        let row = |t: &str| {
            let mut repairs = Vec::new();
            let out = ideographic_rows(lines(t), &g.common, &mut repairs);
            (out[0].text.clone(), repairs.len())
        };
        assert_eq!(row("规章　0　　3"), ("规章\t0\t\t3".into(), 1));
        // Two fields, one value, no empty cell, a long field or a tab: left alone.
        for t in [
            "规章　　3",
            "规章　0　　甲",
            "规章　0　3　4",
            "规章\t0　　3",
        ] {
            assert_eq!(row(t), (t.to_string(), 0), "{t}");
        }
        let long = format!("{}　0　　3", "字".repeat(MAX_CELL_CHARS + 1));
        assert_eq!(row(&long).1, 0);
        let (_, n) = row("\u{3000}\u{3000}规章　0　　3");
        assert_eq!(n, 1, "leading indentation is not a cell");
        let mut repairs = Vec::new();
        ideographic_rows(lines("x\n规章　0　　3"), &g.common, &mut repairs);
        assert_eq!((repairs[0].page, repairs[0].line), (Some(1), Some(2)));
        assert_eq!(repairs[0].after, "规章⇥0⇥⇥3");
    }

    /// Header words `gap` lines apart, then `rows` rows of three values.
    fn one_per_paragraph(gap: usize, rows: usize) -> String {
        let sep = "\n".repeat(gap);
        let mut text = String::from("正文很长的一段文字，说明情况。");
        for c in ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
        {
            text.push_str(&sep);
            text.push_str(c);
        }
        for r in 0..rows {
            text.push_str(&format!("{sep}行{r}{sep}1{sep}2{sep}3"));
        }
        text
    }

    #[test]
    fn a_table_of_cell_paragraphs_needs_enough_numbers() {
        let g = Grammars::embedded().unwrap();
        let rebuilt = |t: &str| rebuild(lines(t), &g.common).1.len();
        // Four rows of three: MIN_NUMBER_CELLS numbers.
        assert_eq!(MIN_NUMBER_CELLS, 12);
        assert_eq!(rebuilt(&one_per_paragraph(2, 4)), 4);
        // Every cell line went into a row: none is left over after the table.
        let (out, _) = rebuild(lines(&one_per_paragraph(2, 4)), &g.common);
        let texts: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts.last(), Some(&"行3\t1\t2\t3"), "{texts:?}");
        let mut eleven = one_per_paragraph(2, 4);
        eleven.truncate(eleven.rfind("\n\n3").unwrap());
        assert_eq!(rebuilt(&eleven), 0);
        // The same with three line breaks per border.
        assert_eq!(rebuilt(&one_per_paragraph(3, 4)), 4);
        // A gap that is not a whole number of borders: not this layout.
        let mut odd = one_per_paragraph(2, 4);
        odd.push_str("\n\n\n9");
        assert_eq!(rebuilt(&odd), 0);
        // A page break ends a run of cells.
        let mut src = lines(&one_per_paragraph(2, 4));
        let n = src.len();
        for l in &mut src[n - 6..] {
            l.page = 2;
        }
        assert_eq!(rebuild(src, &g.common).1.len(), 0);
    }

    #[test]
    fn the_border_is_learnt_from_header_words() {
        // Blank lines are borders, numbers values, the rest header words.
        let kinds_of = |src: &[Line]| -> Vec<Option<CellKind>> {
            src.iter()
                .map(|l| match l.text.as_str() {
                    "" => None,
                    t if t.parse::<u32>().is_ok() => Some(CellKind::Value),
                    _ => Some(CellKind::Word),
                })
                .collect()
        };
        let src = lines("甲\n\n乙\n\n丙\n\n丁\n\n1\n\n\n\n2");
        let kinds = kinds_of(&src);
        let cells: Vec<usize> = (0..src.len()).filter(|&k| kinds[k].is_some()).collect();
        assert_eq!(separator(&src, &cells, &kinds), Some(2));
        // Seen fewer than MIN_HEADER_GAPS times: not trusted.
        assert_eq!(separator(&src, &cells[1..], &kinds), None);
        // A gap smaller than the border: no border.
        let tight = lines("甲\n\n乙\n\n丙\n\n丁\n1\n\n2");
        let kinds = kinds_of(&tight);
        let cells: Vec<usize> = (0..tight.len()).filter(|&k| kinds[k].is_some()).collect();
        assert_eq!(separator(&tight, &cells, &kinds), None);
    }

    #[test]
    fn html_tables_keep_the_text_around_them() {
        let src = lines("前言<table><tr><td>b</td><td>1</td></tr></table>后记\n正文");
        let out = crate::ingest::embedded::expand_tables(src);
        let got: Vec<(&str, usize)> = out.iter().map(|l| (l.text.as_str(), l.line)).collect();
        assert_eq!(got, [("前言", 1), ("b\t1", 1), ("后记", 1), ("正文", 2)]);
        // Over several lines, a nested table inside: rows point at their lines.
        let src = lines("<table><tr><td>a</td></tr>\n<tr><td><table><tr><td>x</td></tr></table></td></tr>\n<tr><td>c</td></tr></table>\n正文");
        let out = crate::ingest::embedded::expand_tables(src);
        assert_eq!(out.last().unwrap().text, "正文");
        assert_eq!(out.last().unwrap().line, 4);
        let c = out.iter().find(|l| l.text == "c").unwrap();
        assert_eq!(c.line, 3);
        // Never closed: left as it is.
        let src = lines("<table><tr><td>a</td></tr>\n正文");
        assert_eq!(crate::ingest::embedded::expand_tables(src.clone()), src);
    }
}
