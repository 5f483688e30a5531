//! Row labels: where a template row's label (or an alias, or a near miss) is
//! printed in a table's region.

use super::TokenDoc;
use crate::grammar::labels::{find_approx, max_errors, RowKeys, SHORT_KEY_CHARS};
use crate::parse::tokens::Kind;

#[derive(Debug, Clone)]
pub(super) struct LabelHit {
    pub(super) row: usize,
    pub(super) words: String,
    pub(super) last: usize,
    pub(super) first_line: usize,
    pub(super) last_line: usize,
}

/// A label found in the token document.
pub(super) struct LabelMatch {
    /// First and last token the label spans.
    pub(super) first: usize,
    pub(super) last: usize,
    /// The report's own words for it.
    pub(super) words: String,
    /// Whether the match ends where its token ends (nothing else glued after it).
    pub(super) ends_token: bool,
}

/// How far (in characters of the table's text) a row label is searched from
/// where its search starts. A whole table 3 prints in about 2,500 characters; a
/// label further away than several tables is not this table's, and an unbounded
/// search makes a hostile file (a table repeated thousands of times) take time
/// quadratic in its size.
pub(super) const LABEL_SEARCH_CHARS: usize = 20_000;

/// Finds the label of `keys` in the region, from token `from`; a key of three or
/// fewer characters (`总计`, `其他`, `规章`) counts only when numbers follow it.
pub(super) fn find_label(
    doc: &TokenDoc,
    keys: &RowKeys,
    from: usize,
    end: usize,
) -> Option<LabelMatch> {
    let from_pos = doc.stream_pos_of_token(from);
    let end_pos = doc
        .stream_pos_of_token(end)
        .min(from_pos.saturating_add(LABEL_SEARCH_CHARS));
    let hay = &doc.stream[..end_pos];
    let mut best: Option<LabelMatch> = None;
    for key in &keys.keys {
        let mut pos = from_pos;
        while let Some((s, e)) = find_approx(hay, pos, key, max_errors(key.len())) {
            let (ts, te) = (doc.owner[s], doc.owner[e - 1]);
            // Numbers after the label on its line, or opening the next line (one
            // cell per line).
            let line = doc.tokens[te].line;
            let numbers_follow = doc.tokens.get(te + 1).is_some_and(|t| {
                t.kind != Kind::Text
                    && (t.line == line
                        || (t.line == line + 1
                            && doc.tokens.get(te + 2).is_some_and(|u| u.line != t.line)))
            });
            // An approximate match must start a label (after an enumerator or at the
            // start of a cell): `反复申请` inside `无正当理由大量反复申请` is not
            // a misprint of `重复申请`.
            let exact = hay[s..e] == key[..];
            let starts_label = s == 0
                || doc.owner[s - 1] != ts
                || matches!(hay[s - 1], '.' | '、' | ')' | ',' | ':');
            if !exact && !starts_label {
                pos = s + 1;
                continue;
            }
            if key.len() > SHORT_KEY_CHARS || numbers_follow {
                // Earliest start wins; keys are tried longest first, so a tie keeps the longer.
                if best.as_ref().is_none_or(|b| ts < b.first) {
                    best = Some(LabelMatch {
                        first: ts,
                        last: te,
                        words: doc.words(s, e),
                        ends_token: doc.owner.get(e) != Some(&te),
                    });
                }
                break;
            }
            pos = s + 1;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::labels::row_keys;
    use crate::grammar::Grammars;
    use crate::model::Line;

    /// The label of `label` found in `lines`: (first token, last token, words).
    fn found(lines: &[&str], label: &str) -> Option<(usize, usize, String, bool)> {
        let g = Grammars::embedded().unwrap();
        let ls = Line::numbered(lines);
        let doc = TokenDoc::new(&ls, &g.common);
        let keys = row_keys("r", label, &[]);
        find_label(&doc, &keys, 0, doc.tokens.len())
            .map(|m| (m.first, m.last, m.words, m.ends_token))
    }

    #[test]
    fn a_short_label_counts_only_with_numbers_after_it() {
        assert_eq!(found(&["总计\t5"], "总计").map(|m| m.0), Some(0));
        // One cell per line: a lone number opening the next line.
        assert_eq!(found(&["总计", "5", "其他"], "总计").map(|m| m.0), Some(0));
        assert_eq!(found(&["总计", "5\t6"], "总计"), None);
        assert_eq!(found(&["总计为本表之和"], "总计"), None);
        assert_eq!(found(&["总计\t说明", "5"], "总计"), None);
        // A longer label needs no numbers.
        assert_eq!(found(&["行政许可"], "行政许可").map(|m| m.0), Some(0));
    }

    #[test]
    fn a_near_miss_must_start_a_label() {
        assert!(found(&["2.重复申请\t1"], "重复申请").is_some());
        assert!(found(&["2.重复申情\t1"], "重复申请").is_some());
        assert!(found(&["4.无正当理由大量反复申请\t1"], "重复申请").is_none());
        // An exact match counts anywhere.
        assert!(found(&["某某重复申请\t1"], "重复申请").is_some());
    }

    #[test]
    fn the_earliest_label_wins_and_says_where_it_ends() {
        let m = found(&["甲\t行政许可\t1", "行政许可\t2"], "行政许可").unwrap();
        assert_eq!((m.0, m.1, m.2.as_str(), m.3), (1, 1, "行政许可", true));
        // Glued to more text: the match does not end its token.
        let m = found(&["行政许可证明\t1"], "行政许可").unwrap();
        assert!(!m.3);
    }

    #[test]
    fn the_search_is_bounded() {
        let filler = "甲".repeat(LABEL_SEARCH_CHARS + 10);
        assert!(found(&[&filler, "行政许可\t1"], "行政许可").is_none());
        let filler = "甲".repeat(LABEL_SEARCH_CHARS - 10);
        assert!(found(&[&filler, "行政许可\t1"], "行政许可").is_some());
    }
}
