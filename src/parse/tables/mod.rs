//! Table regions and rows.
//!
//! Tables are found by their own captions and header words, not by section numbers
//! (reports renumber sections). Inside a region, row labels are matched in template
//! order; each run of numbers is bound to the label on its line (or to a label that
//! wraps around it), and runs whose label was detached or lost fill the unmatched
//! template rows between two bound rows when the counts agree. Anything else is
//! reported, never guessed.

mod doc;
mod groups;
mod labels;
mod regions;
mod repairs;
mod rows;

pub use doc::TokenDoc;
pub use regions::Region;
pub use rows::{parse_rows, parse_single_row};

use super::tokens::Token;
use crate::grammar::labels::{row_keys, RowKeys};
use crate::grammar::{Format, Shape};
use crate::model::{Line, Repair, Trail};
use repairs::page_joins;

/// How a row found its numbers; kept for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// On the label's line, after it.
    SameLine,
    /// On a line inside a label wrapped over several lines.
    Wrapped,
    /// A value line between two bound rows, placed by template order.
    Order,
    /// The value line right above or below a label that has none on its line.
    Adjacent,
}

#[derive(Debug, Clone)]
pub struct ParsedRow<'a> {
    pub row: String,
    /// The report's own words for the label (empty when it was not found).
    pub label: String,
    /// Number and blank tokens of the row, in order.
    pub cells: Vec<Token<'a>>,
    pub binding: Binding,
}

#[derive(Debug, Clone, Default)]
pub struct ParsedTable<'a> {
    pub table: String,
    pub found: bool,
    pub rows: Vec<ParsedRow<'a>>,
    /// Number tokens inside the region that no row took.
    pub stray: Vec<Token<'a>>,
    /// Indices of the first and last cleaned line of the region.
    pub lines: (usize, usize),
    /// Structural repairs: rows re-aligned after a page break, blank lines dropped.
    pub repairs: Vec<Repair>,
    /// Numbers a group row gave back because printed sub-rows lacked theirs, so an
    /// unplaced one can say what to check.
    pub released: Vec<Released>,
}

/// A group row's numbers given back (its printed sub-rows were not all accounted for).
#[derive(Debug, Clone, Default)]
pub struct Released {
    /// The group label as printed.
    pub group: String,
    /// The printed sub-row labels that had no numbers of their own.
    pub lacking: Vec<String>,
    /// (line, character column) of each number given back.
    pub at: Vec<(usize, usize)>,
}

impl ParsedTable<'_> {
    /// An empty table found at token range `[start, end)`.
    fn found(table: &str, toks: &[Token], (start, end): (usize, usize)) -> Self {
        ParsedTable {
            table: table.to_string(),
            found: true,
            lines: (
                toks.get(start).map_or(0, |t| t.line),
                toks.get(end.saturating_sub(1)).map_or(0, |t| t.line),
            ),
            ..Default::default()
        }
    }
}

/// Row keys of table 3's data rows, in template order.
pub fn grid_keys(format: &Format) -> Vec<RowKeys> {
    format
        .tables
        .applications
        .rows
        .iter()
        .filter(|r| r.is_data())
        .map(|r| RowKeys {
            parent: r.parent.clone(),
            ..row_keys(&r.id, &r.label, &r.aliases)
        })
        .collect()
}

/// Row keys of table 3's group rows (subtotals when a report prints them).
pub fn grid_group_keys(format: &Format) -> Vec<RowKeys> {
    format
        .tables
        .applications
        .rows
        .iter()
        .filter(|r| !r.is_data() && !r.parent.is_empty())
        .map(|r| row_keys(&r.id, &r.label, &r.aliases))
        .collect()
}

/// Row keys of table 2 (all blocks), in template order.
pub fn block_keys(format: &Format) -> Vec<RowKeys> {
    format
        .tables
        .active_disclosure
        .blocks
        .iter()
        .flat_map(|b| b.rows.iter())
        .map(|r| row_keys(&r.id, &r.label, &r.aliases))
        .collect()
}

/// Reads every table of template `f`: its region, then its rows; a table not
/// found is a `ParsedTable` with `found = false`. Each table's repairs, ending
/// with the page breaks its rows run across, are pushed to `trail` in table order.
pub fn parse_tables<'a>(
    tdoc: &TokenDoc<'a>,
    f: &Format,
    lines: &[Line],
    trail: &mut Trail,
) -> Vec<ParsedTable<'a>> {
    let regions = tdoc.regions_for(f);
    let mut out = Vec::new();
    for (id, shape) in f.tables.ids() {
        let Some((s, e)) = regions
            .iter()
            .find(|r| r.table == id)
            .map(|r| (r.start, r.end))
        else {
            out.push(ParsedTable {
                table: id.to_string(),
                found: false,
                ..Default::default()
            });
            continue;
        };
        let mut t = match shape {
            Shape::Blocks => parse_rows(tdoc, id, (s, e), &block_keys(f), &[], false),
            Shape::Grid => parse_rows(tdoc, id, (s, e), &grid_keys(f), &grid_group_keys(f), true),
            Shape::SingleRow => parse_single_row(tdoc, id, &f.tables.review_litigation.row, (s, e)),
        };
        let joins = page_joins(&t, lines);
        t.repairs.extend(joins);
        // The table keeps its own record (tests and tools read it per table).
        trail.repairs.extend(t.repairs.iter().cloned());
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammars;
    use crate::model::Trail;

    #[test]
    fn every_table_is_returned_found_or_not_with_its_region() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let text = [
            "一、总体情况",
            "三、收到和处理政府信息公开申请情况",
            "申请人情况",
            "自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
            "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t1\t6",
            "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0",
            "五、存在的主要问题及改进情况",
        ];
        let ls = Line::numbered(&text);
        let doc = TokenDoc::new(&ls, &g.common);
        let ts = parse_tables(&doc, f, &ls, &mut Trail::default());
        let ids: Vec<(&str, bool)> = ts.iter().map(|t| (t.table.as_str(), t.found)).collect();
        let expected: Vec<(&str, bool)> = f
            .tables
            .ids()
            .iter()
            .map(|(id, _)| (*id, *id == "applications"))
            .collect();
        assert_eq!(ids, expected);
        let t3 = ts.iter().find(|t| t.found).unwrap();
        // The region's first and last lines (indices into the cleaned lines): from
        // its header words to its last row, not the next section's heading.
        assert_eq!(t3.lines, (2, 5));
    }

    #[test]
    fn table_3_data_rows_know_their_group() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let keys = grid_keys(f);
        let parent = |id: &str| keys.iter().find(|k| k.id == id).unwrap().parent.clone();
        assert_eq!(parent("denied_state_secret"), "denied");
        assert_eq!(parent("granted"), "results");
        assert_eq!(parent("new_received"), "");
        // Group rows are keyed apart, data rows never among them.
        let groups: Vec<String> = grid_group_keys(f).into_iter().map(|k| k.id).collect();
        assert!(groups.contains(&"denied".to_string()));
        assert!(!groups.contains(&"granted".to_string()));
        assert!(!keys.iter().any(|k| k.id == "denied"));
    }

    #[test]
    fn group_rows_printed_with_numbers_keep_their_labels() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let text = [
            "三、收到和处理政府信息公开申请情况",
            "申请人情况",
            "自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
            "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t1\t6",
            "（三）不予公开\t2\t0\t0\t0\t0\t0\t2",
            "1.属于国家秘密\t2\t0\t0\t0\t0\t0\t2",
            "（四）无法提供\t3\t0\t0\t0\t0\t0\t3",
            "1.本机关不掌握相关政府信息\t3\t0\t0\t0\t0\t0\t3",
            "四、结转下年度继续办理\t1\t0\t0\t0\t0\t0\t1",
        ];
        let ls = Line::numbered(&text);
        let doc = TokenDoc::new(&ls, &g.common);
        let ts = parse_tables(&doc, f, &ls, &mut Trail::default());
        let t3 = ts.iter().find(|t| t.table == "applications").unwrap();
        let rows: Vec<(&str, &str, usize)> = t3
            .rows
            .iter()
            .map(|r| (r.row.as_str(), r.label.as_str(), r.cells.len()))
            .collect();
        assert_eq!(
            rows,
            [
                ("new_received", "一、本年新收政府信息公开申请数量", 7),
                ("denied_state_secret", "1.属于国家秘密", 7),
                ("unable_not_held", "1.本机关不掌握相关政府信息", 7),
                ("carried_forward", "四、结转下年度继续办理", 7),
                ("denied", "（三）不予公开", 7),
                ("unable", "（四）无法提供", 7),
            ]
        );
    }

    #[test]
    fn a_table_2_label_takes_the_value_line_next_to_it() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let text = [
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
            "规范性文件",
            "1\t2\t30",
        ];
        let ls = Line::numbered(&text);
        let doc = TokenDoc::new(&ls, &g.common);
        let ts = parse_tables(&doc, f, &ls, &mut Trail::default());
        let t2 = ts.iter().find(|t| t.table == "active_disclosure").unwrap();
        let rows: Vec<(&str, Vec<&str>, Binding)> = t2
            .rows
            .iter()
            .map(|r| {
                (
                    r.row.as_str(),
                    r.cells.iter().map(|c| c.raw).collect(),
                    r.binding,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [("normative_docs", vec!["1", "2", "30"], Binding::Adjacent)]
        );
        // Values printed a line above their label.
        let above = [
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
            "1\t2\t30",
            "规范性文件",
        ];
        let ls = Line::numbered(&above);
        let doc = TokenDoc::new(&ls, &g.common);
        let ts = parse_tables(&doc, f, &ls, &mut Trail::default());
        let t2 = ts.iter().find(|t| t.table == "active_disclosure").unwrap();
        let bound: Vec<(&str, usize)> = t2
            .rows
            .iter()
            .map(|r| (r.row.as_str(), r.cells.len()))
            .collect();
        assert_eq!(bound, [("normative_docs", 3)]);
    }
}
