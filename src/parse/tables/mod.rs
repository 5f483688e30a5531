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
pub struct ParsedRow {
    pub row: String,
    /// The report's own words for the label (empty when it was not found).
    pub label: String,
    /// Number and blank tokens of the row, in order.
    pub cells: Vec<Token>,
    pub binding: Binding,
}

#[derive(Debug, Clone, Default)]
pub struct ParsedTable {
    pub table: String,
    pub found: bool,
    pub rows: Vec<ParsedRow>,
    /// Number tokens inside the region that no row took.
    pub stray: Vec<Token>,
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

impl ParsedTable {
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
pub fn parse_tables(
    tdoc: &TokenDoc,
    f: &Format,
    lines: &[Line],
    trail: &mut Trail,
) -> Vec<ParsedTable> {
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
