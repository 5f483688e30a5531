//! Map: parsed rows → canonical cells.
//!
//! Each row's tokens become exactly the template's columns. Runs of digits whose
//! cell borders were lost (glued web text) are split only when the table's own
//! identities, a sign, a unit, a space or the column count leave one reading; the
//! split is logged as a repair. Otherwise nothing is placed and a finding lists the
//! candidates. Surplus numbers are reported as `unplaced_value`, never dropped.

mod context;
mod digits;
pub mod evidence;
mod identities;
mod joint;
mod position;
mod prose;
mod rows;
mod subtotal;
mod tables;

pub use digits::{digit_splits, fits_kinds, Splits};
pub use prose::ProseLines;

use context::Ctx;
use tables::{map_active, map_applications, map_review};

use crate::grammar::{Common, Format, Shape};
use crate::model::{Cell, Finding, Line, Repair, Trail};
use crate::parse::tables::ParsedTable;
use rustc_hash::FxHashMap;

/// Output of mapping one table.
#[derive(Debug, Default)]
pub struct Mapped {
    pub cells: Vec<Cell>,
    pub findings: Vec<Finding>,
    pub repairs: Vec<Repair>,
}

/// Maps every table that was found, then sorts the cells into template order.
/// Each table's repairs and findings are pushed to `trail` in table order.
/// `prose` is every line of the report matched by the prose rules (the figures
/// it states decide some glued runs).
pub fn map_tables(
    tables: &[ParsedTable],
    f: &Format,
    lines: &[Line],
    common: &Common,
    prose: &ProseLines,
    trail: &mut Trail,
) -> Vec<Cell> {
    let mut cells = Vec::new();
    // One context for the three tables: the prose figures are read once a report.
    let ctx = Ctx {
        lines,
        char_starts: vec![std::cell::OnceCell::new(); lines.len()],
        separated: vec![std::cell::OnceCell::new(); lines.len()],
        units: &common.cells.units,
        figures: evidence::prose_figures(common, prose),
    };
    for t in tables.iter().filter(|t| t.found) {
        let m = match f.tables.shape_of(&t.table) {
            Some(Shape::Blocks) => map_active(t, f, &ctx),
            Some(Shape::Grid) => map_applications(t, f, &ctx),
            Some(Shape::SingleRow) | None => map_review(t, f, &ctx),
        };
        cells.extend(m.cells);
        trail.findings.extend(m.findings);
        trail.repairs.extend(m.repairs);
    }
    sort_cells(f, &mut cells);
    cells
}

/// Sorts cells into template order (table 3's group rows and added columns in
/// their places), for a deterministic `cells.csv`.
///
/// The order is looked up by borrowed ids with FxHash: building and SipHashing
/// three `String`s per template cell and per cell was a twentieth of the run.
/// The keys are the grammar's ids, so a non-keyed hasher is safe, and nothing
/// iterates the map.
fn sort_cells(f: &Format, cells: &mut [Cell]) {
    let ids = f.cell_ids();
    let mut order: FxHashMap<(&str, &str, &str), usize> = FxHashMap::default();
    order.reserve(ids.len());
    for id in ids {
        let n = order.len();
        order.entry(id).or_insert(n);
    }
    cells.sort_by_cached_key(|c| {
        order
            .get(&(&*c.table, &*c.row, &*c.column))
            .copied()
            .unwrap_or(usize::MAX)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammars;
    use crate::parse::tables::{parse_tables, TokenDoc};

    /// Cleaned lines (page 1) → parsed → mapped, with the f2021 template.
    fn mapped(text: &[&str]) -> Mapped {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let ls = Line::numbered(text);
        let doc = TokenDoc::new(&ls, &g.common);
        let mut trail = Trail::default();
        let tables = parse_tables(&doc, f, &ls, &mut trail);
        let prose = ProseLines::new(&g.common, &ls);
        let cells = map_tables(&tables, f, &ls, &g.common, &prose, &mut trail);
        Mapped {
            cells,
            findings: trail.findings,
            repairs: trail.repairs,
        }
    }

    const T4_HEAD: [&str; 3] = [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t行政诉讼",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉",
    ];

    fn checks(m: &Mapped) -> Vec<&str> {
        m.findings.iter().map(|f| f.check.as_str()).collect()
    }

    #[test]
    fn table_4_spread_over_lines_is_read_only_when_it_adds_up() {
        let t4 = |values: &[&str]| mapped(&[&T4_HEAD[..], values].concat());
        // Over four lines and the totals fail: the reading order may be lost.
        let m = t4(&["1\t2\t3", "4\t5\t6", "7\t8\t9", "10\t11\t12\t13\t14\t15"]);
        assert!(m.cells.is_empty());
        let c = checks(&m);
        assert_eq!(c[0], "table_layout_unclear");
        assert_eq!(c.iter().filter(|c| **c == "unplaced_value").count(), 15);
        assert_eq!(m.findings[0].line, Some(4));
        // The same spread, adding up: read.
        let m = t4(&["1\t2\t0", "0\t3\t0", "0\t0\t0", "0\t0\t0\t0\t0\t0"]);
        assert_eq!(m.cells.len(), 15);
        assert!(!checks(&m).contains(&"table_layout_unclear"));
        // Over three lines, or one number a line (a column emitted top to bottom):
        // not this finding.
        let m = t4(&["1\t2\t3\t4\t5", "6\t7\t8\t9\t10", "11\t12\t13\t14\t15"]);
        assert!(!checks(&m).contains(&"table_layout_unclear"));
        let column: Vec<String> = (1..=15).map(|n| n.to_string()).collect();
        let column: Vec<&str> = column.iter().map(String::as_str).collect();
        assert!(!checks(&t4(&column)).contains(&"table_layout_unclear"));
    }

    #[test]
    fn an_added_subtotal_column_needs_half_of_the_rows() {
        let head = [
            "三、收到和处理政府信息公开申请情况",
            "申请人情况",
            "自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t法人或其他组织小计\t总计",
        ];
        let wide_new = "一、本年新收政府信息公开申请数量\t2\t1\t0\t0\t0\t1\t2\t4";
        let wide_over = "二、上年结转政府信息公开申请数量\t1\t1\t0\t0\t0\t0\t1\t2";
        let over = "二、上年结转政府信息公开申请数量\t1\t1\t0\t0\t0\t0\t2";
        let granted = "（一）予以公开\t1\t0\t0\t0\t0\t0\t1";
        let subtotals = |rows: &[&str]| -> Vec<(String, String)> {
            mapped(&[&head[..], rows].concat())
                .cells
                .into_iter()
                .filter(|c| c.column == "legal_person_subtotal")
                .map(|c| (c.row.to_string(), c.value.to_string()))
                .collect()
        };
        let two = vec![
            ("new_received".to_string(), "2".to_string()),
            ("carried_over".to_string(), "1".to_string()),
        ];
        assert_eq!(subtotals(&[wide_new, wide_over, granted]), two);
        assert_eq!(subtotals(&[wide_new, over]), &two[..1]);
        assert!(subtotals(&[wide_new, over, granted]).is_empty());
    }

    #[test]
    fn cells_are_sorted_into_template_order() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let cell = |t: &str, r: &str, c: &str| Cell {
            table: t.into(),
            row: r.into(),
            column: c.into(),
            ..Default::default()
        };
        let mut cells = vec![
            cell("review_litigation", "cases", "review_total"),
            cell("applications", "carried_over", "total"),
            cell("applications", "new_received", "total"),
            cell("applications", "new_received", "natural_person"),
            cell("made_up", "x", "y"),
        ];
        sort_cells(f, &mut cells);
        let got: Vec<(&str, &str)> = cells
            .iter()
            .map(|c| (c.row.as_str(), c.column.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("new_received", "natural_person"),
                ("new_received", "total"),
                ("carried_over", "total"),
                ("cases", "review_total"),
                ("x", "y")
            ]
        );
    }
}
