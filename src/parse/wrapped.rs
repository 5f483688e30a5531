//! Labels wrapped inside a narrow table column, read down the column.
//!
//! When a group label (（三）不予公开) and a sub-row label (2.其他法律行政法规禁止公开)
//! both wrap, their fragments interleave line by line, so in reading order neither
//! label is contiguous. A wrapped cell's lines share its column: this module joins a
//! text token with the text tokens below it whose character columns overlap it (the
//! layout text keeps x positions as columns), skipping lines that have nothing in
//! that column (the number line between a label's lines).

use super::tokens::{Kind, Token};
use crate::grammar::labels::{find_approx, max_errors, RowKeys, SHORT_KEY_CHARS};
use crate::numbering::strip_enumerator;
use crate::text::compact;

/// Lines a wrapped cell may span: narrow label columns wrap long labels (5.要求行政
/// 机关确认或重新出具已获取信息) over up to four lines.
const MAX_CELL_LINES: usize = 4;

/// Lines between two fragments of one cell with nothing in that column (the
/// number line of a vertically centred row sits between a label's lines).
const MAX_LINE_GAP: usize = 2;

/// A label found down a column: first and last token, first and last line, words.
pub struct ColumnLabel {
    pub first: usize,
    pub last: usize,
    pub first_line: usize,
    pub last_line: usize,
    pub words: String,
}

fn overlaps(a: &Token, b: &Token) -> bool {
    a.ccol < b.ccol_end && b.ccol < a.ccol_end
}

/// Token `ti` and the text tokens below it in its column, in line order.
fn column_chain(toks: &[Token], ti: usize, end: usize) -> Vec<usize> {
    let mut chain = vec![ti];
    let mut cur = ti;
    while chain.len() < MAX_CELL_LINES {
        let line = toks[cur].line;
        let next = (cur + 1..end).find(|&j| {
            let t = &toks[j];
            t.line > line
                && t.line <= line + 1 + MAX_LINE_GAP
                && t.kind == Kind::Text
                && overlaps(t, &toks[cur])
        });
        // `next` is the first text token below in the column, so no text of another
        // cell sits in the column between the two fragments (a number line may).
        let Some(j) = next else { break };
        chain.push(j);
        cur = j;
    }
    chain
}

/// The label of `keys` wrapped over at least two lines of one column, starting on a
/// line in `lines` (inclusive), among tokens `[start, end)`. Keys of three characters
/// or fewer are not looked for (too short to be told from a fragment).
pub fn find_in_column(
    toks: &[Token],
    keys: &RowKeys,
    (start, end): (usize, usize),
    lines: (usize, usize),
) -> Option<ColumnLabel> {
    for ti in start..end.min(toks.len()) {
        let t = &toks[ti];
        if t.kind != Kind::Text || t.line < lines.0 || t.line > lines.1 {
            continue;
        }
        let chain = column_chain(toks, ti, end);
        // The column runs on into the next row's label: try each length of the chain.
        for n in 2..=chain.len() {
            let joined: String = chain[..n].iter().map(|&k| toks[k].raw.trim()).collect();
            let flat = compact(&joined);
            let core: Vec<char> = strip_enumerator(&flat).chars().collect();
            for key in keys.keys.iter().filter(|k| k.len() > SHORT_KEY_CHARS) {
                // The label must fill the cell: it starts the cell and leaves little over.
                let slack = max_errors(key.len());
                let Some((s, e)) = find_approx(&core, 0, key, slack) else {
                    continue;
                };
                if s <= slack && core.len() - e <= slack {
                    let last = chain[n - 1];
                    return Some(ColumnLabel {
                        first: ti,
                        last,
                        first_line: t.line,
                        last_line: toks[last].line,
                        words: joined,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::labels::row_keys;
    use crate::parse::tokens::{test_cells, tokenize_line};

    #[test]
    fn interleaved_group_and_sub_row_labels_are_read_down_their_columns() {
        let lines = [
            "  三、本年度                  1.属于国家秘密          0      0       0",
            "   办理结果                 2.其他法律行政",
            "            （三）不予公                         0      0       0",
            "                          法规禁止公开",
            "                 开",
            "                        3.危及“三安全",
        ];
        let toks: Vec<Token> = lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| tokenize_line(l, i, &test_cells(&[], &[])))
            .collect();
        let keys = row_keys(
            "denied_law_prohibited",
            "2.其他法律行政法规禁止公开",
            &["其他法律行政法规禁止公开".to_string()],
        );
        let hit = find_in_column(&toks, &keys, (0, toks.len()), (0, 4)).expect("found");
        assert_eq!((hit.first_line, hit.last_line), (1, 3));
        assert_eq!(hit.words, "2.其他法律行政法规禁止公开");
        let group = row_keys("withheld", "（三）不予公开", &["不予公开".to_string()]);
        let hit = find_in_column(&toks, &group, (0, toks.len()), (0, 4)).expect("found");
        assert_eq!((hit.first_line, hit.last_line), (2, 4));
    }

    /// A token on `line` spanning character columns `[a, b)`.
    fn at(kind: Kind, line: usize, a: usize, b: usize) -> Token<'static> {
        Token {
            kind,
            raw: "字",
            line,
            col: 2 * a,
            col_end: 2 * b,
            ccol: a,
            ccol_end: b,
            glued: false,
        }
    }

    #[test]
    fn a_column_chain_follows_overlapping_text_below() {
        use Kind::*;
        let chain = |toks: &[Token]| column_chain(toks, 0, toks.len());
        // Overlap by one column is enough; touching is not overlapping.
        assert_eq!(chain(&[at(Text, 0, 4, 8), at(Text, 1, 7, 9)]), [0, 1]);
        assert_eq!(chain(&[at(Text, 0, 4, 8), at(Text, 1, 8, 9)]), [0]);
        assert_eq!(chain(&[at(Text, 0, 4, 8), at(Text, 1, 0, 4)]), [0]);
        // Numbers are not part of a label; the same line is not below.
        assert_eq!(chain(&[at(Text, 0, 4, 8), at(Num, 1, 4, 8)]), [0]);
        assert_eq!(chain(&[at(Text, 0, 4, 8), at(Text, 0, 4, 8)]), [0]);
        // Up to MAX_LINE_GAP lines with nothing in the column may come between.
        let gap = |n: usize| chain(&[at(Text, 0, 4, 8), at(Text, 1 + n, 4, 8)]).len();
        assert_eq!(gap(MAX_LINE_GAP), 2);
        assert_eq!(gap(MAX_LINE_GAP + 1), 1);
        // Another cell's text in the column between them ends the chain.
        assert_eq!(
            chain(&[at(Text, 0, 4, 8), at(Text, 1, 5, 6), at(Text, 2, 4, 8)]),
            [0, 1, 2]
        );
        assert_eq!(
            chain(&[at(Text, 0, 4, 8), at(Text, 1, 0, 5), at(Text, 2, 7, 9)]),
            [0, 1]
        );
        // Cells to its right on the same lines do not interrupt it.
        let beside = [
            at(Text, 0, 4, 8),
            at(Text, 0, 10, 12),
            at(Num, 1, 10, 12),
            at(Text, 1, 4, 8),
        ];
        assert_eq!(column_chain(&beside, 0, 4), [0, 3]);
        // The number line of a row between a label's lines does not part them.
        let around = [at(Text, 0, 4, 8), at(Num, 1, 4, 8), at(Text, 2, 4, 8)];
        assert_eq!(column_chain(&around, 0, 3), [0, 2]);
        // At most MAX_CELL_LINES lines.
        let tall: Vec<Token> = (0..MAX_CELL_LINES + 2).map(|l| at(Text, l, 4, 8)).collect();
        assert_eq!(chain(&tall).len(), MAX_CELL_LINES);
        // Tokens past `end` are not looked at.
        assert_eq!(column_chain(&tall, 0, 2), [0, 1]);
    }
}
