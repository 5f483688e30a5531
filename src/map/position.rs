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

pub(super) fn place_by_position<'a>(
    cells: &[Token<'a>],
    (centers, m): &(Vec<f64>, Measure),
) -> Option<Vec<Token<'a>>> {
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
        out[j] = Some(*t);
        last = Some(j);
    }
    Some(
        out.into_iter()
            .map(|t| {
                t.unwrap_or(Token {
                    kind: Kind::Blank,
                    raw: "",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tables::Binding;

    /// A number token over display columns `[a, b)` and character columns `[ca, cb)`.
    fn num(a: usize, b: usize, ca: usize, cb: usize) -> Token<'static> {
        Token {
            kind: Kind::Num,
            raw: "1",
            line: 0,
            col: a,
            col_end: b,
            ccol: ca,
            ccol_end: cb,
            glued: false,
        }
    }

    /// A number centred at display column `x` (character column the same).
    fn at(x: usize) -> Token<'static> {
        num(x - 1, x + 1, x - 1, x + 1)
    }

    fn row(cells: Vec<Token>) -> ParsedRow {
        ParsedRow {
            row: "r".into(),
            label: String::new(),
            cells,
            binding: Binding::SameLine,
        }
    }

    #[test]
    fn a_centre_in_either_measure() {
        let t = num(4, 10, 2, 5);
        assert_eq!(center(&t, Measure::Display), 7.0);
        assert_eq!(center(&t, Measure::Chars), 3.5);
    }

    #[test]
    fn centres_are_medians_of_full_rows_in_the_tighter_measure() {
        let full = |xs: [usize; 3]| row(xs.map(at).to_vec());
        // One full row is not enough.
        assert!(column_centers(&[full([10, 20, 30])], 3).is_none());
        let rows = [full([10, 20, 30]), full([12, 20, 30]), full([10, 40, 30])];
        let (c, _) = column_centers(&rows, 3).unwrap();
        assert_eq!(c, [10.0, 20.0, 30.0]);
        // Rows with fewer numbers, a blank or a glued run are not full rows.
        let mut glued = full([10, 20, 30]);
        glued.cells[1].glued = true;
        let mut blank = full([10, 20, 30]);
        blank.cells[1].kind = Kind::Blank;
        let partial = row(vec![at(10), at(20)]);
        assert!(column_centers(&[full([10, 20, 30]), glued, blank, partial], 3).is_none());
        // CJK labels push display columns apart, characters line up.
        let wide = |shift: usize| {
            row(vec![
                num(10 + shift, 12 + shift, 5, 7),
                num(20 + shift, 22 + shift, 15, 17),
            ])
        };
        let (c, m) = column_centers(&[wide(0), wide(4), wide(8)], 2).unwrap();
        assert_eq!((c, m), (vec![6.0, 16.0], Measure::Chars));
        let narrow = |shift: usize| {
            row(vec![
                num(10, 12, 5 + shift, 7 + shift),
                num(20, 22, 15 + shift, 17 + shift),
            ])
        };
        let (c, m) = column_centers(&[narrow(0), narrow(4), narrow(8)], 2).unwrap();
        assert_eq!((c, m), (vec![11.0, 21.0], Measure::Display));
    }

    #[test]
    fn a_value_is_placed_under_the_nearest_column_or_not_at_all() {
        let cols = (vec![10.0, 20.0, 30.0], Measure::Display);
        let placed = |cells: Vec<Token>| {
            place_by_position(&cells, &cols).map(|out| {
                out.iter()
                    .map(|t| (t.kind, center(t, Measure::Display) as usize))
                    .collect::<Vec<_>>()
            })
        };
        use Kind::*;
        assert_eq!(
            placed(vec![at(10), at(30)]),
            Some(vec![(Num, 10), (Blank, 0), (Num, 30)])
        );
        // Within MAX_COLUMN_OFFSET of the spacing (10): 4 off is near, 5 off is not.
        assert_eq!(
            placed(vec![at(24)]),
            Some(vec![(Blank, 0), (Num, 24), (Blank, 0)])
        );
        assert_eq!(placed(vec![at(15)]), None);
        // Two values under one column, or out of order: no placement.
        assert_eq!(placed(vec![at(20), at(21)]), None);
        assert_eq!(placed(vec![at(30), at(10)]), None);
        // A blank token with no text is no value.
        let mut gap = at(20);
        gap.kind = Blank;
        gap.raw = "";
        assert_eq!(
            placed(vec![at(10), gap]),
            Some(vec![(Num, 10), (Blank, 0), (Blank, 0)])
        );
        // One column: an assumed spacing.
        let one = (vec![10.0], Measure::Display);
        let off = (SINGLE_COLUMN_SPACING * MAX_COLUMN_OFFSET) as usize;
        assert!(place_by_position(&[at(10 + off)], &one).is_some());
        assert!(place_by_position(&[at(10 + off + 1)], &one).is_none());
        // Blanks keep the row's line.
        let mut t = at(10);
        t.line = 7;
        let out = place_by_position(&[t], &cols).unwrap();
        assert_eq!(out[2].line, 7);
    }
}
