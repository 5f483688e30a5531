//! A table found when its header words did not survive intact.
//!
//! Narrow header cells wrap words over lines (`结果维` / `持`) and, without rules,
//! neighbouring cells glue on one line (`结果纠其他结尚未审`), so the captions and
//! header words that normally confirm a table are not in the text. What survives is
//! structural: the section heading, a value line with exactly the table's column
//! count under it, and the header's characters in reading order. All three are
//! required.

use super::tokens::{Kind, Token};
use crate::text::compact;

/// Share of the table's header labels (columns and column groups, distinct) whose
/// characters must appear in order in the text between the heading and the value
/// line. Half tolerates labels lost entirely, while a section whose text merely
/// happens to hold one or two label words (prose about 行政复议) does not pass.
const LOOSE_HEADER_SHARE: f64 = 0.5;

/// Whether the characters of `label` occur in `hay` in order (gaps allowed).
fn subsequence(label: &str, hay: &[char]) -> bool {
    let mut it = hay.iter();
    label.chars().all(|c| it.any(|&h| h == c))
}

/// Start token of a table whose section heading (one of `heading_keys`, compact)
/// lies in tokens `[from, end)`, followed by a line of exactly `columns` numbers
/// before the next heading-like line, with enough `labels` loosely in between.
pub fn by_section(
    tokens: &[Token],
    (from, end): (usize, usize),
    heading_keys: &[String],
    is_heading: &dyn Fn(&str) -> bool,
    columns: usize,
    labels: &[String],
) -> Option<usize> {
    let end = end.min(tokens.len());
    let heading = (from..end).find(|&i| {
        let t = &tokens[i];
        t.kind == Kind::Text
            && is_heading(t.raw)
            && heading_keys
                .iter()
                .any(|k| !k.is_empty() && compact(t.raw).contains(k.as_str()))
    })?;
    let mut header: Vec<char> = Vec::new();
    let mut i = heading + 1;
    while i < end {
        let line = tokens[i].line;
        let on_line: Vec<&Token> = tokens[i..end]
            .iter()
            .take_while(|t| t.line == line)
            .collect();
        let texts: Vec<&&Token> = on_line.iter().filter(|t| t.kind == Kind::Text).collect();
        if texts.iter().any(|t| is_heading(t.raw)) {
            return None;
        }
        let numbers = on_line.iter().filter(|t| t.kind == Kind::Num).count();
        if texts.is_empty() && numbers == columns && on_line.iter().all(|t| !t.glued) {
            let mut distinct: Vec<String> = labels.iter().map(|l| compact(l)).collect();
            distinct.sort();
            distinct.dedup();
            let found = distinct.iter().filter(|l| subsequence(l, &header)).count();
            return (found as f64 >= LOOSE_HEADER_SHARE * distinct.len() as f64).then_some(heading);
        }
        for t in texts {
            header.extend(compact(t.raw).chars());
        }
        i += on_line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tokens::test_tokens as tokens;

    fn heading(raw: &str) -> bool {
        raw.trim_start().starts_with("四、") || raw.trim_start().starts_with("五、")
    }

    fn labels() -> Vec<String> {
        [
            "行政复议",
            "行政诉讼",
            "未经复议直接起诉",
            "复议后起诉",
            "结果维持",
            "结果纠正",
            "其他结果",
            "尚未审结",
            "总计",
        ]
        .map(String::from)
        .to_vec()
    }

    const WRAPPED: &[&str] = &[
        "四、政府信息公开行政复议、行政诉讼情况",
        "      行政复议                      行政诉讼",
        "                          未经复议直接起诉          复议后起诉",
        "  结果维  结果纠其他结尚未审",
        "   持      正     果    结   总计   结果维  结果纠  其他结  尚未审  总计",
        "0  3  0  0  3  0  0  0  0  0  0  0  0  0  0",
        "五、存在的主要问题及改进情况",
    ];

    #[test]
    fn wrapped_and_glued_header_is_found_by_heading_and_column_count() {
        let t = tokens(WRAPPED);
        let keys = vec!["政府信息公开行政复议、行政诉讼情况".to_string()];
        let found = by_section(&t, (0, t.len()), &keys, &heading, 15, &labels());
        assert_eq!(found, Some(0));
    }

    #[test]
    fn each_part_is_required() {
        let t = tokens(WRAPPED);
        let keys = vec!["政府信息公开行政复议、行政诉讼情况".to_string()];
        // Another column count.
        assert_eq!(
            by_section(&t, (0, t.len()), &keys, &heading, 14, &labels()),
            None
        );
        // No heading.
        let other = vec!["收到和处理政府信息公开申请情况".to_string()];
        assert_eq!(
            by_section(&t, (0, t.len()), &other, &heading, 15, &labels()),
            None
        );
        // Prose instead of a header.
        let t = tokens(&[
            "四、政府信息公开行政复议、行政诉讼情况",
            "本年度未发生行政复议、行政诉讼案件。",
            "0  3  0  0  3  0  0  0  0  0  0  0  0  0  0",
        ]);
        assert_eq!(
            by_section(&t, (0, t.len()), &keys, &heading, 15, &labels()),
            None
        );
    }

    #[test]
    fn half_of_the_header_labels_is_enough() {
        let keys = vec!["行政复议、行政诉讼情况".to_string()];
        let labels: Vec<String> = ["行政复议", "行政诉讼", "结果维持", "总计"]
            .map(String::from)
            .to_vec();
        let find = |header: &str| {
            let t = tokens(&["四、行政复议、行政诉讼情况", header, "1  2  3"]);
            by_section(&t, (0, t.len()), &keys, &heading, 3, &labels)
        };
        // Two of four (characters in order, gaps allowed), a repeated label once.
        assert_eq!(find("行政复  议  行政诉讼"), Some(0));
        assert_eq!(find("行政复议"), None);
        let twice = [labels.clone(), labels.clone()].concat();
        let t = tokens(&["四、行政复议、行政诉讼情况", "行政复议", "1  2  3"]);
        assert_eq!(
            by_section(&t, (0, t.len()), &keys, &heading, 3, &twice),
            None
        );
        // Out of order is not in order.
        assert_eq!(find("议复政行  讼诉政行"), None);
    }

    #[test]
    fn the_value_line_is_whole_and_before_the_next_heading() {
        let keys = vec!["行政复议、行政诉讼情况".to_string()];
        let labels: Vec<String> = ["行政复议", "行政诉讼"].map(String::from).to_vec();
        let find = |lines: &[&str], range: Option<(usize, usize)>| {
            let t = tokens(lines);
            by_section(
                &t,
                range.unwrap_or((0, t.len())),
                &keys,
                &heading,
                3,
                &labels,
            )
        };
        let head = "四、行政复议、行政诉讼情况";
        assert_eq!(
            find(&[head, "行政复议  行政诉讼", "1  2  3"], None),
            Some(0)
        );
        // The heading found after other lines: its own index.
        assert_eq!(
            find(&["正文", head, "行政复议  行政诉讼", "1  2  3"], None),
            Some(1)
        );
        // A line with a word among the numbers, a glued run, a heading first.
        assert_eq!(
            find(&[head, "行政复议  行政诉讼", "合计  1  2  3"], None),
            None
        );
        assert_eq!(find(&[head, "行政复议  行政诉讼", "行政123"], None), None);
        assert_eq!(
            find(&[head, "行政复议  行政诉讼", "五、其他", "1  2  3"], None),
            None
        );
        // The search stays inside its range.
        assert_eq!(
            find(&[head, "行政复议  行政诉讼", "1  2  3"], Some((1, 9))),
            None
        );
        // An empty key matches nothing.
        let t = tokens(&[head, "行政复议  行政诉讼", "1  2  3"]);
        let empty = vec![String::new()];
        assert_eq!(
            by_section(&t, (0, t.len()), &empty, &heading, 3, &labels),
            None
        );
    }
}
