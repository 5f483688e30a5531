//! Structure repairs: what page breaks did to a table, logged as repairs — rows
//! re-aligned after losing leading cells, blank lines ignored, rows read across a
//! page break.

use super::groups::Group;
use super::{ParsedTable, TokenDoc};
use crate::model::{Line, Repair};
use crate::parse::tokens::{Kind, Token};

/// Blank lines between rows are logged as page-break artefacts only when at
/// least this share (numerator, denominator) of consecutive rows sit on adjacent
/// lines: a table printed with a blank line after every row is spaced by design.
const MIN_ADJACENT_ROW_SHARE: (usize, usize) = (2, 3);

pub(super) fn show_tabs(s: &str) -> String {
    s.replace('\t', "⇥")
}

/// Logs what a page break did to a separated table: a row that lost its leading
/// empty cells and gained trailing ones (re-aligned by reading it from its label),
/// and blank lines between rows that are otherwise adjacent (ignored).
pub(super) fn structure_repairs(
    doc: &TokenDoc,
    gs: &[Group],
    row_group: &[Option<usize>],
) -> Vec<Repair> {
    let toks = &doc.tokens;
    let mut out = Vec::new();
    let line_toks = |line: usize| toks.iter().filter(move |t| t.line == line);
    let lead = |line: usize| {
        line_toks(line)
            .take_while(|t| t.kind == Kind::Blank)
            .count()
    };
    let trail = |line: usize| {
        let v: Vec<&Token> = line_toks(line).collect();
        v.iter().rev().take_while(|t| t.kind == Kind::Blank).count()
    };
    let rows: Vec<usize> = row_group.iter().flatten().map(|&g| gs[g].line).collect();
    let tabbed = |line: usize| doc.lines.get(line).is_some_and(|l| l.text.contains('\t'));
    for (i, &line) in rows.iter().enumerate() {
        if !tabbed(line) {
            continue;
        }
        let neighbours: Vec<usize> = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| rows.get(j).copied())
            .filter(|&l| tabbed(l))
            .collect();
        let (l, t) = (lead(line), trail(line));
        let expected = neighbours.iter().map(|&n| lead(n)).filter(|&n| n > l).min();
        if let Some(e) = expected {
            if t > 0 && l + t.min(e - l) == e && neighbours.iter().all(|&n| trail(n) < t) {
                let text = &doc.lines[line].text;
                let after = format!("{}{}", "\t".repeat(e - l), text.trim_end_matches('\t'));
                out.push(Repair {
                    kind: "table_row_realign".into(),
                    page: Some(doc.lines[line].page),
                    line: Some(doc.lines[line].line),
                    before: show_tabs(text),
                    after: show_tabs(&after),
                    rule: format!(
                        "row lost {} leading cell(s) at a page break; read from its label",
                        e - l
                    ),
                });
            }
        }
    }
    // Blank lines between consecutive rows of a table whose rows are otherwise adjacent.
    let pairs: Vec<(usize, usize)> = rows
        .windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|(a, b)| b > a)
        .collect();
    let adjacent = pairs.iter().filter(|(a, b)| b - a == 1).count();
    let (num, den) = MIN_ADJACENT_ROW_SHARE;
    if adjacent * den >= pairs.len() * num {
        for (a, b) in pairs {
            if b - a > 1 && (a + 1..b).all(|k| doc.lines[k].text.trim().is_empty()) {
                for k in a + 1..b {
                    out.push(Repair {
                        kind: "table_blank_line".into(),
                        page: Some(doc.lines[k].page),
                        line: Some(doc.lines[k].line),
                        before: String::new(),
                        after: String::new(),
                        rule: "blank line inside a table (page break) ignored".into(),
                    });
                }
            }
        }
    }
    out
}

/// Logs each page break a table's rows run across: the rows after it were read as
/// a continuation of the same table.
pub(super) fn page_joins(t: &ParsedTable, lines: &[Line]) -> Vec<Repair> {
    let mut out = Vec::new();
    let mut prev: Option<(usize, &str)> = None;
    for row in &t.rows {
        let Some(first) = row.cells.first().and_then(|c| lines.get(c.line)) else {
            continue;
        };
        if let Some((page, prev_row)) = prev {
            if first.page > page {
                out.push(Repair {
                    kind: "table_page_join".into(),
                    page: Some(first.page),
                    line: Some(first.line),
                    before: format!("{} ‖ {}", prev_row, row.row),
                    after: String::new(),
                    rule: format!(
                        "table {} continues from page {page}; rows read across the page break",
                        t.table
                    ),
                });
            }
        }
        prev = Some((first.page, row.row.as_str()));
    }
    out
}
