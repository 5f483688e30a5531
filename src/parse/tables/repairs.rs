//! Structure repairs: what page breaks did to a table, logged as repairs — rows
//! re-aligned after losing leading cells, blank lines ignored, rows read across a
//! page break.

use super::groups::{on_line, Group};
use super::{ParsedTable, TokenDoc};
use crate::model::{Line, Repair};
use crate::parse::tokens::Kind;

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
    let lead = |line: usize| {
        on_line(toks, line)
            .iter()
            .take_while(|t| t.kind == Kind::Blank)
            .count()
    };
    let trail = |line: usize| {
        on_line(toks, line)
            .iter()
            .rev()
            .take_while(|t| t.kind == Kind::Blank)
            .count()
    };
    let rows: Vec<usize> = row_group.iter().flatten().map(|&g| gs[g].line).collect();
    // Whether each line has a tab, looked up once: rows of glued web text share
    // one long line, which was searched again for each row and its neighbours.
    let has_tab: Vec<bool> = doc.lines.iter().map(|l| l.text.contains('\t')).collect();
    let tabbed = |line: usize| has_tab.get(line).copied().unwrap_or(false);
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

#[cfg(test)]
mod tests {
    use super::super::{parse_tables, ParsedRow, ParsedTable, TokenDoc};
    use super::*;
    use crate::grammar::Grammars;
    use crate::parse::tables::Binding;
    use crate::parse::tokens::tokenize_line;

    fn lines(text: &[(&str, usize)]) -> Vec<Line> {
        text.iter()
            .enumerate()
            .map(|(i, (t, page))| Line::new(*t, *page, i + 1))
            .collect()
    }

    /// Table 3 read from `text`: its repairs and its stray numbers.
    fn applications(text: &[(&str, usize)]) -> (Vec<Repair>, Vec<String>) {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let ls = lines(text);
        let doc = TokenDoc::new(&ls, &g.common);
        let t = parse_tables(&doc, f, &ls, &mut crate::model::Trail::default())
            .into_iter()
            .find(|t| t.table == "applications")
            .unwrap();
        let stray = t.stray.iter().map(|s| s.raw.to_string()).collect();
        (t.repairs, stray)
    }

    const HEAD: &[(&str, usize)] = &[
        ("三、收到和处理政府信息公开申请情况", 1),
        ("申请人情况", 1),
        (
            "自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
            1,
        ),
    ];

    fn row(id: &str, line: Option<usize>) -> ParsedRow<'static> {
        ParsedRow {
            row: id.into(),
            label: String::new(),
            cells: line
                .map(|l| tokenize_line("5", l, &crate::parse::tokens::test_cells(&[], &[])))
                .unwrap_or_default(),
            binding: Binding::SameLine,
        }
    }

    #[test]
    fn each_page_break_between_rows_is_one_join() {
        let ls = lines(&[("a", 1), ("b", 2), ("c", 2), ("d", 3)]);
        let t = ParsedTable {
            table: "applications".into(),
            found: true,
            rows: vec![
                row("r1", Some(0)),
                row("r2", None),
                row("r3", Some(1)),
                row("r4", Some(2)),
                row("r5", Some(3)),
                row("r6", Some(9)),
            ],
            ..Default::default()
        };
        let joins = page_joins(&t, &ls);
        let got: Vec<(Option<usize>, Option<usize>, &str)> = joins
            .iter()
            .map(|r| (r.page, r.line, r.before.as_str()))
            .collect();
        assert_eq!(
            got,
            [(Some(2), Some(2), "r1 ‖ r3"), (Some(3), Some(4), "r4 ‖ r5")]
        );
        assert_eq!(joins[0].kind, "table_page_join");
        assert_eq!(
            joins[0].rule,
            "table applications continues from page 1; rows read across the page break"
        );
    }

    #[test]
    fn blank_lines_inside_a_tight_table_are_logged() {
        let new = "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t1\t6";
        let over = "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0";
        let granted = "（一）予以公开\t1\t0\t0\t0\t0\t0\t1";
        let partial =
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t1\t0\t0\t0\t0\t0\t1";
        let blanks = |text: &[(&str, usize)]| -> Vec<Option<usize>> {
            applications(&[HEAD, text].concat())
                .0
                .iter()
                .filter(|r| r.kind == "table_blank_line")
                .map(|r| r.line)
                .collect()
        };
        // Three pairs of rows, two adjacent: the gap is a page break's.
        assert_eq!(
            blanks(&[
                (new, 1),
                ("", 1),
                ("", 1),
                (over, 1),
                (granted, 1),
                (partial, 1)
            ]),
            [Some(5), Some(6)]
        );
        // Spaced by design: a blank line after every row.
        assert!(blanks(&[(new, 1), ("", 1), (over, 1), ("", 1), (granted, 1)]).is_empty());
        // One gap in three pairs of rows: still tight (two of three adjacent).
        assert_eq!(
            blanks(&[(new, 1), (over, 1), ("", 1), (granted, 1), (partial, 1)]),
            [Some(6)]
        );
    }

    #[test]
    fn numbers_no_row_took_are_kept_as_stray() {
        let (_, stray) = applications(
            &[
                HEAD,
                &[
                    ("一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t1\t6", 1),
                    ("某某说明文字", 1),
                    ("7\t—\t8", 1),
                ],
            ]
            .concat(),
        );
        assert_eq!(stray, ["7", "8"]);
    }
}
