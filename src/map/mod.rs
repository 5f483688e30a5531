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
mod rows;
mod subtotal;
mod tables;

pub use digits::{digit_splits, fits_kinds, Splits};

use context::Ctx;
use tables::{map_active, map_applications, map_review};

use crate::grammar::{Common, Format, Shape};
use crate::model::{Cell, Finding, Line, Repair};
use crate::parse::tables::ParsedTable;

/// Output of mapping one table.
#[derive(Debug, Default)]
pub struct Mapped {
    pub cells: Vec<Cell>,
    pub findings: Vec<Finding>,
    pub repairs: Vec<Repair>,
}

/// Maps every table that was found, then sorts the cells into template order.
pub fn map_tables(tables: &[ParsedTable], f: &Format, lines: &[Line], common: &Common) -> Mapped {
    let mut all = Mapped::default();
    // One context for the three tables: the prose figures are read once a report.
    let ctx = Ctx {
        lines,
        char_starts: vec![std::cell::OnceCell::new(); lines.len()],
        units: &common.cells.units,
        figures: evidence::prose_figures(common, lines),
    };
    for t in tables.iter().filter(|t| t.found) {
        let m = match f.tables.shape_of(&t.table) {
            Some(Shape::Blocks) => map_active(t, f, &ctx),
            Some(Shape::Grid) => map_applications(t, f, &ctx),
            Some(Shape::SingleRow) | None => map_review(t, f, &ctx),
        };
        all.cells.extend(m.cells);
        all.findings.extend(m.findings);
        all.repairs.extend(m.repairs);
    }
    sort_cells(f, &mut all.cells);
    all
}

/// Sorts cells into template order (table 3's group rows and added columns in
/// their places), for a deterministic `cells.csv`.
fn sort_cells(f: &Format, cells: &mut [Cell]) {
    let mut order: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    for (t, r, c) in f.cell_ids() {
        let n = order.len();
        order
            .entry((t.to_string(), r.to_string(), c.to_string()))
            .or_insert(n);
    }
    cells.sort_by_cached_key(|c| {
        order
            .get(&(c.table.clone(), c.row.clone(), c.column.clone()))
            .copied()
            .unwrap_or(usize::MAX)
    });
}
