//! Subtotal columns: table 3 printed with an added column (法人或其他组织小计)
//! that the template does not have; the column is found by the identity it
//! satisfies and mapped to the template's optional column.

use super::identities::identities_hold;
use super::rows::trim_blanks;
use crate::parse::tables::ParsedTable;
use crate::parse::tokens::{parse_number, Kind, Token};

/// An added subtotal column is sought only when at least this share of the
/// table's rows print one plain number more than the template has columns: a few
/// wide rows are stray values or a neighbour's number, not a column of the table.
const MIN_WIDE_ROW_SHARE: f64 = 0.5;

/// With fewer columns than this a subtotal cannot be told apart from a copy of
/// a single part or of the total (it needs a total and at least two parts).
const MIN_COLUMNS_FOR_SUBTOTAL: usize = 3;

/// Table 3 printed with an added 法人或其他组织 subtotal column (k + 1 numbers a row).
/// The subtotal is the one position that, in every such row, equals the sum of the
/// five organisation columns while the remaining cells satisfy 总计 = Σ applicants.
/// Returns the table without that column and the subtotal tokens by row; `None`
/// when no position (or more than one reading) fits.
pub(super) fn split_subtotal<'a>(
    parsed: &ParsedTable<'a>,
    k: usize,
    units: &[String],
    row_ids: &[(usize, Vec<usize>)],
    parts: &[usize],
) -> Option<(ParsedTable<'a>, Vec<(usize, Token<'a>)>)> {
    if parts.is_empty() {
        return None;
    }
    let num = |t: &Token| parse_number(t.raw, units).and_then(|n| n.value.parse::<f64>().ok());
    let wide: Vec<usize> = parsed
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let c = trim_blanks(&r.cells, k);
            c.len() == k + 1 && c.iter().all(|t| t.kind == Kind::Num && !t.glued)
        })
        .map(|(i, _)| i)
        .collect();
    if (wide.len() as f64) < parsed.rows.len() as f64 * MIN_WIDE_ROW_SHARE
        || k < MIN_COLUMNS_FOR_SUBTOTAL
    {
        return None;
    }
    let fits = |p: usize| {
        wide.iter().all(|&ri| {
            let c = trim_blanks(&parsed.rows[ri].cells, k);
            let v: Option<Vec<f64>> = c.iter().map(num).collect();
            let Some(v) = v else { return false };
            let rest: Vec<String> = v
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != p)
                .map(|(_, x)| x.to_string())
                .collect();
            let sub: f64 = parts
                .iter()
                .filter_map(|&i| rest.get(i)?.parse::<f64>().ok())
                .sum();
            (v[p] - sub).abs() < crate::grammar::identity::EQ_TOLERANCE
                && identities_hold(&rest, row_ids)
        })
    };
    let candidates: Vec<usize> = (1..k).filter(|&p| fits(p)).collect();
    // Several positions fit only when they give the same cells (e.g. all zeros).
    let p = *candidates.first()?;
    let same = candidates.iter().all(|&q| {
        wide.iter().all(|&ri| {
            let c = trim_blanks(&parsed.rows[ri].cells, k);
            let drop = |x: usize| -> Vec<String> {
                c.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != x)
                    .map(|(_, t)| t.raw.to_string())
                    .collect()
            };
            drop(p) == drop(q)
        })
    });
    if !same {
        return None;
    }
    let mut out = parsed.clone();
    let mut subtotals = Vec::new();
    for &ri in &wide {
        let c = trim_blanks(&parsed.rows[ri].cells, k);
        subtotals.push((ri, c[p]));
        out.rows[ri].cells = c
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != p)
            .map(|(_, t)| *t)
            .collect();
    }
    Some((out, subtotals))
}
