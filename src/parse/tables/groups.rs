//! Value groups: runs of number and blank tokens on a line (or down consecutive
//! one-cell lines), the candidates for a row's cells.

use crate::parse::tokens::{Kind, Token};

/// A value run counts as a row (for binding by template order) only when it is
/// wider than this share of the table's widest run: table 3's rows all print the
/// same number of cells, while a page number or a footnote mark is one number.
const MIN_ROW_WIDTH_SHARE: f64 = 0.5;

/// The tokens of line `line`. Tokens are in line order, so they are found by
/// binary search: scanning all of them for each row made a table's repairs and
/// groups quadratic in the report's length.
pub(super) fn on_line<'t, 'a>(tokens: &'t [Token<'a>], line: usize) -> &'t [Token<'a>] {
    let from = tokens.partition_point(|t| t.line < line);
    let to = from + tokens[from..].partition_point(|t| t.line == line);
    &tokens[from..to]
}

/// A run of number/blank tokens on one line.
#[derive(Debug, Clone)]
pub(super) struct Group {
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) line: usize,
    /// Last line of a vertical run of one-cell lines (else `line`).
    pub(super) last_line: usize,
}

pub(super) fn groups(tokens: &[Token], start: usize, end: usize) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut cur: Option<Group> = None;
    for (i, t) in tokens.iter().enumerate().take(end).skip(start) {
        let value_like = t.kind != Kind::Text;
        match (&mut cur, value_like) {
            (Some(g), true) if g.line == t.line && g.last + 1 == i => g.last = i,
            (_, true) => {
                if let Some(g) = cur.take() {
                    out.push(g);
                }
                cur = Some(Group {
                    first: i,
                    last: i,
                    line: t.line,
                    last_line: t.line,
                });
            }
            (_, false) => {
                if let Some(g) = cur.take() {
                    out.push(g);
                }
            }
        }
    }
    if let Some(g) = cur {
        out.push(g);
    }
    // Runs of blanks alone carry nothing.
    out.retain(|g| tokens[g.first..=g.last].iter().any(|t| t.kind == Kind::Num));
    merge_vertical(tokens, out)
}

/// One cell per line: consecutive lines that each hold a single number (and no
/// words between them) are one row.
pub(super) fn merge_vertical(tokens: &[Token], gs: Vec<Group>) -> Vec<Group> {
    let single = |g: &Group| g.first == g.last && g.line == g.last_line;
    let alone_on_line = |i: usize| on_line(tokens, tokens[i].line).len() == 1;
    let mut out: Vec<Group> = Vec::new();
    for g in gs {
        if let Some(prev) = out.last_mut() {
            let prev_single_lines = prev.last == prev.first || (prev.line != prev.last_line);
            if prev_single_lines
                && single(&g)
                && alone_on_line(g.first)
                && alone_on_line(prev.last)
                && g.first == prev.last + 1
                && g.line == prev.last_line + 1
            {
                prev.last = g.last;
                prev.last_line = g.line;
                continue;
            }
        }
        out.push(g);
    }
    out
}

/// Width of a group in cells (a glued run may hide several).
pub(super) fn group_len(toks: &[Token], g: &Group) -> usize {
    toks[g.first..=g.last]
        .iter()
        .filter(|t| t.kind == Kind::Num)
        .count()
}

/// Value runs much narrower than the widest row of the table are stray numbers
/// (a page number, a footnote mark), not rows.
/// `widest` is the widest group of the table (computed once: per group it would
/// make a long table quadratic).
pub(super) fn is_row(toks: &[Token], widest: usize, g: &Group) -> bool {
    toks[g.first..=g.last].iter().any(|t| t.glued)
        || group_len(toks, g) as f64 > widest as f64 * MIN_ROW_WIDTH_SHARE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tokens::test_tokens as tokens;

    fn spans(lines: &[&str]) -> Vec<(usize, usize, usize, usize)> {
        let t = tokens(lines);
        groups(&t, 0, t.len())
            .iter()
            .map(|g| (g.first, g.last, g.line, g.last_line))
            .collect()
    }

    #[test]
    fn the_tokens_of_a_line_are_found_among_all() {
        let t = tokens(&["甲\t1", "", "乙\t2\t3", "丙"]);
        let raws = |line| on_line(&t, line).iter().map(|t| t.raw).collect::<Vec<_>>();
        assert_eq!(raws(0), ["甲", "1"]);
        assert!(raws(1).is_empty());
        assert_eq!(raws(2), ["乙", "2", "3"]);
        assert_eq!(raws(3), ["丙"]);
        assert!(raws(9).is_empty());
    }

    #[test]
    fn a_group_is_a_run_of_values_on_one_line() {
        // Words part runs; so does a new line.
        assert_eq!(spans(&["甲\t1\t—\t乙\t3"]), [(1, 2, 0, 0), (4, 4, 0, 0)]);
        assert_eq!(spans(&["1\t2", "3\t4"]), [(0, 1, 0, 0), (2, 3, 1, 1)]);
        // Blanks alone carry nothing.
        assert_eq!(spans(&["甲\t—\t—\t乙\t3"]), [(4, 4, 0, 0)]);
        // The range is respected.
        let t = tokens(&["1\t2\t3"]);
        let g = groups(&t, 1, 2);
        assert_eq!((g[0].first, g[0].last), (1, 1));
    }

    #[test]
    fn one_number_a_line_down_consecutive_lines_is_one_group() {
        assert_eq!(spans(&["1", "2", "3"]), [(0, 2, 0, 2)]);
        // A gap line, a second number on a line or a word between: separate.
        assert_eq!(spans(&["1", "", "2"]), [(0, 0, 0, 0), (1, 1, 2, 2)]);
        assert_eq!(spans(&["1", "2\t3"]), [(0, 0, 0, 0), (1, 2, 1, 1)]);
        assert_eq!(spans(&["1", "甲", "2"]), [(0, 0, 0, 0), (2, 2, 2, 2)]);
        assert_eq!(spans(&["1\t2", "3"]), [(0, 1, 0, 0), (2, 2, 1, 1)]);
    }

    #[test]
    fn a_row_is_wider_than_half_the_widest_or_glued() {
        let t = tokens(&["1\t2", "1\t2\t3", "规章123"]);
        let gs = groups(&t, 0, t.len());
        assert_eq!(group_len(&t, &gs[1]), 3);
        assert!(!is_row(&t, 4, &gs[0]));
        assert!(is_row(&t, 4, &gs[1]));
        assert!(is_row(&t, 3, &gs[0]));
        assert!(t[gs[2].first].glued);
        assert!(is_row(&t, 9, &gs[2]));
    }
}
