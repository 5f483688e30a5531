//! The three table shapes: table 2 (blocks of labelled rows with their own
//! columns), table 3 (a grid of rows × applicant columns) and table 4 (one row of
//! column groups). Each builds its row checks from the template and calls the
//! shared row mapping and joint resolution.

use super::context::Ctx;
use super::digits::fits_kinds;
use super::identities::{identities_hold, row_identities};
use super::joint::resolve_jointly;
use super::rows::map_rows;
use super::subtotal::split_subtotal;
use super::Mapped;
use crate::grammar::Format;
use crate::model::{Finding, Severity};
use crate::parse::tables::ParsedTable;
use crate::parse::tokens::{parse_number, Kind, Token};

/// Table 4's single row may wrap over a few lines (fifteen columns on a narrow
/// page print as two or three lines, a wrapped value line as one more). Numbers
/// gathered from more lines than this are read as the row only if they add up:
/// beyond it the likelier cause is text whose reading order was lost.
const MAX_ROW_LINES_UNCHECKED: usize = 3;

/// Table 3: seven applicant columns per row; a row must satisfy total = Σ applicants.
pub(super) fn map_applications(parsed: &ParsedTable, format: &Format, ctx: &Ctx) -> Mapped {
    let t3 = &format.tables.applications;
    let cols: Vec<(String, String)> = t3
        .columns
        .iter()
        .map(|c| (c.id.clone(), c.label.clone()))
        .collect();
    let n = cols.len();
    let columns_of = |_: &str| cols.as_slice();
    let ids = row_identities(format, &t3.id, &cols);
    let row_check = |_: &str, v: &[String]| identities_hold(v, &ids);
    let (parsed, subtotals) = match t3.optional_columns.first() {
        Some(sub) => {
            // The columns the subtotal adds up, from the template's optional identity.
            let parts: Vec<usize> = format
                .identities
                .iter()
                .find(|i| i.parsed.lhs_names().first() == Some(&sub.id.as_str()))
                .map(|i| {
                    i.parsed
                        .rhs_names()
                        .iter()
                        .filter_map(|r| cols.iter().position(|(c, _)| c == r))
                        .collect()
                })
                .unwrap_or_default();
            split_subtotal(parsed, n, ctx.units, &ids, &parts).map_or(
                (parsed.clone(), Vec::new()),
                |(p, s)| {
                    let cells = s
                        .iter()
                        .map(|(ri, tok)| {
                            ctx.cell(&p.table, &p.rows[*ri], (&sub.id, &sub.label), tok.raw, tok)
                        })
                        .collect();
                    (p, cells)
                },
            )
        }
        None => (parsed.clone(), Vec::new()),
    };
    let (mut m, amb) = map_rows(&parsed, &columns_of, &row_check, ctx);
    resolve_jointly(&parsed, format, &columns_of, amb, &mut m, ctx, true);
    m.cells.extend(subtotals);
    m
}

/// Table 2: per-block columns; glued rows split only by column count, sign or unit.
pub(super) fn map_active(parsed: &ParsedTable, format: &Format, ctx: &Ctx) -> Mapped {
    let blocks = &format.tables.active_disclosure.blocks;
    // Each block's columns and value kinds, built once: the row check runs for
    // every prefix the digit search tries.
    let cols: Vec<Vec<(String, String)>> = blocks
        .iter()
        .map(|b| {
            b.columns
                .iter()
                .map(|c| (c.id.clone(), c.label.clone()))
                .collect()
        })
        .collect();
    let kinds: Vec<Vec<&str>> = blocks
        .iter()
        .map(|b| b.columns.iter().map(|c| c.value.as_str()).collect())
        .collect();
    let block_of = |row: &str| {
        blocks
            .iter()
            .position(|b| b.rows.iter().any(|r| r.id == row))
    };
    let columns_of = |row: &str| block_of(row).map_or(&[][..], |b| cols[b].as_slice());
    let row_check =
        |row: &str, v: &[String]| fits_kinds(v, block_of(row).map_or(&[][..], |b| &kinds[b]));
    let (mut m, amb) = map_rows(parsed, &columns_of, &row_check, ctx);
    resolve_jointly(parsed, format, &columns_of, amb, &mut m, ctx, false);
    m
}

/// Table 4: fifteen columns in one row; each group of five sums to its total.
pub(super) fn map_review(parsed: &ParsedTable, format: &Format, ctx: &Ctx) -> Mapped {
    let t = &format.tables.review_litigation;
    let cols: Vec<(String, String)> = t
        .columns
        .iter()
        .map(|c| {
            let g = t
                .column_groups
                .iter()
                .find(|g| g.id == c.group)
                .map_or("", |g| g.label.as_str());
            (c.id.clone(), format!("{g}/{}", c.label))
        })
        .collect();
    let columns_of = |_: &str| cols.as_slice();
    let ids = row_identities(format, &t.id, &cols);
    let row_check = |_: &str, v: &[String]| identities_hold(v, &ids);
    // Numbers gathered from many lines are one row only if they add up: text whose
    // reading order was lost (a column emitted top to bottom) must not be read.
    if let Some(row) = parsed.rows.first() {
        let mut lines_used: Vec<usize> = row.cells.iter().map(|t| t.line).collect();
        lines_used.dedup();
        let values: Vec<String> = row
            .cells
            .iter()
            .filter(|t| t.kind == Kind::Num)
            .map(|t| {
                parse_number(t.raw, ctx.units)
                    .map(|n| n.value)
                    .unwrap_or_default()
            })
            .collect();
        if lines_used.len() > MAX_ROW_LINES_UNCHECKED
            && !row.cells.iter().any(|t| t.glued)
            && !row_check(&t.row, &values)
            && !is_vertical_run(&row.cells)
        {
            let mut m = Mapped::default();
            m.findings.push(
                Finding::new("table_layout_unclear", Severity::Error, format!("table 4 numbers are spread over {} lines and do not add up; nothing placed — check the table in the report (its reading order may be lost)", lines_used.len()))
                    .at(&parsed.table, &t.row, "")
                    .place_opt(ctx.first_loc(&row.cells).0, ctx.first_loc(&row.cells).1),
            );
            for tok in row.cells.iter().filter(|t| t.kind == Kind::Num) {
                m.findings.push(ctx.unplaced(
                    &parsed.table,
                    (&t.row, ""),
                    tok,
                    "table 4's numbers are spread over several lines and do not add up (see table_layout_unclear); check the table in the report",
                ));
            }
            return m;
        }
    }
    let (mut m, amb) = map_rows(parsed, &columns_of, &row_check, ctx);
    resolve_jointly(parsed, format, &columns_of, amb, &mut m, ctx, true);
    m
}

/// One cell per line on consecutive lines (a deliberate layout, not lost order).
pub(super) fn is_vertical_run(cells: &[Token]) -> bool {
    cells.windows(2).all(|w| w[1].line == w[0].line + 1)
}
