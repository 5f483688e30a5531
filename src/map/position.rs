//! Positional placement: a space-aligned row with blank cells (fewer numbers than
//! columns) is placed by where its numbers sit under the columns of the table's
//! full rows.
//!
//! Only text aligned with spaces is placed this way: in tab- or `|`-separated
//! rows a value's position follows the label's length, not a column.

use crate::parse::tables::ParsedRow;
use crate::parse::tokens::{Kind, Token};

/// Column spacing (characters) assumed when a table has one column: about the
/// width of a short header cell, so a value printed under it still fits.
pub(super) const SINGLE_COLUMN_SPACING: f64 = 8.0;

/// A value placed by position must lie within this fraction of the column spacing
/// from a column's centre: under half, so it can never be as near to a neighbour.
pub(super) const MAX_COLUMN_OFFSET: f64 = 0.45;

/// Column centres are the median position over the table's full rows; with fewer
/// full rows than this a centre would be one row's own, possibly misaligned, cell.
const MIN_FULL_ROWS: usize = 2;

/// Where a token sits on its line, by display width or by character count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Measure {
    Display,
    Chars,
}

pub(super) fn center(t: &Token, m: Measure) -> f64 {
    match m {
        Measure::Display => (t.col + t.col_end) as f64 / 2.0,
        Measure::Chars => (t.ccol + t.ccol_end) as f64 / 2.0,
    }
}

/// Column centres of the table's full rows (exactly `k` numbers), in whichever
/// measure lines them up more tightly: `pdftotext -layout` and the PDF engine align
/// by character count, hand-aligned text by display width.
pub(super) fn column_centers(rows: &[ParsedRow], k: usize) -> Option<(Vec<f64>, Measure)> {
    let full: Vec<&Vec<Token>> = rows
        .iter()
        .map(|r| &r.cells)
        .filter(|c| c.len() == k && c.iter().all(|t| t.kind == Kind::Num && !t.glued))
        .collect();
    if full.len() < MIN_FULL_ROWS {
        return None;
    }
    let fit = |m: Measure| -> (Vec<f64>, f64) {
        let mut centers = Vec::with_capacity(k);
        let mut spread = 0.0;
        for j in 0..k {
            let mut xs: Vec<f64> = full.iter().map(|c| center(&c[j], m)).collect();
            xs.sort_by(|a, b| a.total_cmp(b));
            let med = xs[xs.len() / 2];
            spread += xs.iter().map(|x| (x - med).abs()).sum::<f64>();
            centers.push(med);
        }
        (centers, spread)
    };
    let (d, ds) = fit(Measure::Display);
    let (c, cs) = fit(Measure::Chars);
    Some(if cs < ds {
        (c, Measure::Chars)
    } else {
        (d, Measure::Display)
    })
}

pub(super) fn place_by_position(
    cells: &[Token],
    (centers, m): &(Vec<f64>, Measure),
) -> Option<Vec<Token>> {
    let mut out: Vec<Option<Token>> = vec![None; centers.len()];
    let mut last: Option<usize> = None;
    // Too far from every column, or out of order: give up.
    let spacing = if centers.len() > 1 {
        (centers[centers.len() - 1] - centers[0]) / (centers.len() - 1) as f64
    } else {
        SINGLE_COLUMN_SPACING
    };
    for t in cells
        .iter()
        .filter(|t| t.kind == Kind::Num || !t.raw.is_empty())
    {
        let x = center(t, *m);
        let (j, d) = centers
            .iter()
            .enumerate()
            .map(|(j, c)| (j, (c - x).abs()))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        if d > spacing * MAX_COLUMN_OFFSET || last.is_some_and(|l| j <= l) || out[j].is_some() {
            return None;
        }
        out[j] = Some(t.clone());
        last = Some(j);
    }
    Some(
        out.into_iter()
            .map(|t| {
                t.unwrap_or(Token {
                    kind: Kind::Blank,
                    raw: String::new(),
                    line: cells[0].line,
                    col: 0,
                    col_end: 0,
                    ccol: 0,
                    ccol_end: 0,
                    glued: false,
                })
            })
            .collect(),
    )
}
