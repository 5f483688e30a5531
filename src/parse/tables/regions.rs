//! Table regions: where each table starts and ends, found by its caption and
//! header words (never by section numbers, which reports renumber), or — for a
//! table 4 whose header wrapped or glued — by its section heading and value line.

use super::TokenDoc;
use crate::grammar::{Format, Shape};
use crate::numbering;
use crate::parse::tokens::{Kind, MAX_LABEL_CHARS};
use crate::text::compact;

/// Where one table lies: token range `[start, end)` of the token document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The table's id.
    pub table: String,
    pub start: usize,
    pub end: usize,
}

/// Whether `needle` occurs in `hay` (an empty needle does), by the label
/// search's exact scan.
fn contains_chars(hay: &[char], needle: &[char]) -> bool {
    needle.is_empty() || crate::grammar::labels::find_exact(hay, needle).is_some()
}

impl TokenDoc<'_> {
    /// Token range `[start, end)` of each table of `format`, in document order:
    /// the regions found by the anchors of `common.toml` ([`TokenDoc::regions`]),
    /// the last one ended at the template's next section, and a table 4 found by
    /// its section heading when its header words were not found.
    pub fn regions_for(&self, format: &Format) -> Vec<Region> {
        let tables = &format.tables;
        let single = &tables.review_litigation.id;
        let mut out: Vec<Region> = self
            .regions(format)
            .into_iter()
            .filter(|r| match tables.shape_of(&r.table) {
                Some(Shape::Blocks) => !tables.active_disclosure.blocks.is_empty(),
                _ => true,
            })
            .collect();
        // When table 4 is missing, table 2 or 3 is the last one: it ends at the next
        // section of the template rather than at its own row labels (三、本年度办理结果).
        if let Some(last) = out.last_mut() {
            if last.table != *single {
                last.end = self.next_section(last.start, format, &last.table);
            }
        }
        // Table 4 whose header words wrapped or glued: found by its section heading,
        // its value line and loose header fragments.
        if out.iter().all(|r| r.table != *single) {
            let from = out.last().map_or(0, |r| r.start + 1);
            if let Some(s) = self.review_by_section(format, from) {
                if let Some(last) = out.last_mut() {
                    last.end = last.end.min(s);
                }
                out.push(Region {
                    table: single.clone(),
                    start: s,
                    end: self.end_of_last_table(s),
                });
            }
        }
        out
    }

    fn review_by_section(&self, format: &Format, from: usize) -> Option<usize> {
        let table = &format.tables.review_litigation;
        let id = &table.id;
        let keys: Vec<String> = format
            .sections
            .iter()
            .filter(|s| s.id == *id)
            .flat_map(|s| {
                std::iter::once(numbering::strip_enumerator(&compact(&s.label)).to_string())
                    .chain(s.aliases.iter().map(|a| compact(a)))
            })
            .collect();
        let labels: Vec<String> = table
            .columns
            .iter()
            .map(|c| c.label.clone())
            .chain(table.column_groups.iter().map(|g| g.label.clone()))
            .collect();
        crate::parse::loose::by_section(
            &self.tokens,
            (from, self.tokens.len()),
            &keys,
            &is_heading_like,
            table.columns.len(),
            &labels,
        )
    }

    /// First token after `start` that begins a section of `format` other than `own`.
    fn next_section(&self, start: usize, format: &Format, own: &str) -> usize {
        let keys: Vec<String> = format
            .sections
            .iter()
            .filter(|s| s.id != own && s.number > 1)
            .flat_map(|s| {
                std::iter::once(numbering::strip_enumerator(&compact(&s.label)).to_string())
                    .chain(s.aliases.iter().map(|a| compact(a)))
            })
            .collect();
        self.tokens
            .iter()
            .enumerate()
            .skip(start + 1)
            .find(|(_, t)| {
                t.kind == Kind::Text
                    && is_heading_like(t.raw)
                    && keys.iter().any(|k| compact(t.raw).contains(k.as_str()))
            })
            .map_or(self.tokens.len(), |(i, _)| i)
    }

    /// The first token at or after `from` where `marker` is found with one of
    /// `confirm` within `window` characters after it.
    fn confirmed_at(
        &self,
        marker: &str,
        confirm: &[Vec<char>],
        window: usize,
        mut from: usize,
    ) -> Option<usize> {
        let n = self.tokens.len();
        while let Some((s, _, sp)) = self.find_at(marker, from, n) {
            // The window starts at the caption, not at its token: in glued web
            // text the caption ends a long run of prose.
            let window_end = (sp + window).min(self.stream.len());
            let win = &self.stream[sp..window_end];
            if confirm.iter().any(|c| contains_chars(win, c)) {
                return Some(s);
            }
            from = s + 1;
        }
        None
    }

    /// Token range `[start, end)` of each table of `format` whose anchors (in
    /// `common.toml`, by table id) are found, in document order; each ends where
    /// the next begins, the last at the first heading-like text after its numbers.
    pub fn regions(&self, format: &Format) -> Vec<Region> {
        let mut starts: Vec<(String, usize)> = Vec::new();
        for (id, _) in format.tables.ids() {
            let Some(anchors) = self.common.tables.get(id) else {
                continue;
            };
            let after = starts.last().map(|(_, s)| *s).unwrap_or(0);
            let mut best: Option<usize> = None;
            for anchor in anchors {
                // Compared as characters in the stream: no string of the window
                // is built per caption found.
                let confirm: Vec<Vec<char>> = anchor
                    .confirm
                    .iter()
                    .map(|c| compact(c).chars().collect())
                    .collect();
                for marker in &anchor.start {
                    if let Some(s) = self.confirmed_at(marker, &confirm, anchor.window, after) {
                        best = Some(best.map_or(s, |b| b.min(s)));
                    }
                }
            }
            if let Some(s) = best {
                starts.push((id.to_string(), s));
            }
        }
        let mut out = Vec::new();
        for (i, (id, s)) in starts.iter().enumerate() {
            let end = match starts.get(i + 1) {
                Some((_, next)) => *next,
                None => self.end_of_last_table(*s),
            };
            out.push(Region {
                table: id.clone(),
                start: *s,
                end,
            });
        }
        out
    }

    /// The last table ends at the first heading-like text after its first numbers.
    fn end_of_last_table(&self, start: usize) -> usize {
        let mut seen_number = false;
        for (i, t) in self.tokens.iter().enumerate().skip(start) {
            match t.kind {
                Kind::Num => seen_number = true,
                Kind::Text if seen_number && is_heading_like(t.raw) => return i,
                _ => {}
            }
        }
        self.tokens.len()
    }
}

/// Text that starts the narrative again: `五、…`, `(一)…`, or a long sentence.
fn is_heading_like(raw: &str) -> bool {
    let c = compact(raw);
    if numbering::starts_section_number(&c) {
        return true;
    }
    !numbering::starts_like_enumerator(&c) && c.chars().count() > MAX_LABEL_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_contains_a_word_as_its_string_does() {
        let alphabet: Vec<char> = "甲乙a".chars().collect();
        let word = |mut k: usize, len: u32| -> Vec<char> {
            (0..len)
                .map(|_| {
                    let c = alphabet[k % 3];
                    k /= 3;
                    c
                })
                .collect()
        };
        for hay_len in 0..=6u32 {
            for h in 0..3usize.pow(hay_len) {
                let hay = word(h, hay_len);
                let hay_s: String = hay.iter().collect();
                for needle_len in 0..=3u32 {
                    for k in 0..3usize.pow(needle_len) {
                        let needle = word(k, needle_len);
                        let needle_s: String = needle.iter().collect();
                        assert_eq!(
                            contains_chars(&hay, &needle),
                            hay_s.contains(&needle_s),
                            "{hay_s} {needle_s}"
                        );
                    }
                }
            }
        }
    }
    use crate::grammar::Grammars;
    use crate::model::Line;

    /// (table, first line, line after the end) of each region.
    fn regions(text: &[&str]) -> Vec<(String, usize, Option<usize>)> {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let ls = Line::numbered(text);
        let doc = TokenDoc::new(&ls, &g.common);
        doc.regions_for(f)
            .into_iter()
            .map(|r| {
                (
                    r.table,
                    doc.tokens[r.start].line,
                    doc.tokens.get(r.end).map(|t| t.line),
                )
            })
            .collect()
    }

    const T2: [&str; 3] = [
        "第二十条第（一）项",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t3",
    ];
    const T3: [&str; 3] = [
        "申请人情况",
        "自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
        "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t1\t6",
    ];
    const T4: [&str; 3] = [
        "行政复议\t行政诉讼",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉",
        "0\t3\t0\t0\t3\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0",
    ];

    #[test]
    fn each_table_runs_to_the_next_and_the_last_to_a_heading() {
        let text = [
            &["一、总体情况", "本年度行政复议工作平稳。"][..],
            &T2,
            &T3,
            &T4,
            &["五、存在的主要问题及改进情况", "正文"],
        ]
        .concat();
        assert_eq!(
            regions(&text),
            [
                ("active_disclosure".to_string(), 2, Some(5)),
                ("applications".to_string(), 5, Some(8)),
                ("review_litigation".to_string(), 8, Some(11)),
            ]
        );
    }

    #[test]
    fn a_caption_needs_its_confirming_words_nearby() {
        // 行政复议 in the prose, with no 结果维持 after it: no table 4 there.
        let text = [
            &["一、总体情况", "本年度行政复议工作平稳。"][..],
            &T3,
            &["四、政府信息公开行政复议、行政诉讼情况", "本年度未发生。"],
        ]
        .concat();
        let r = regions(&text);
        assert_eq!(r.len(), 1, "{r:?}");
        // Table 3 is the last: it ends at the template's next section heading.
        assert_eq!(r[0], ("applications".to_string(), 2, Some(5)));
    }

    #[test]
    fn a_last_table_without_a_heading_after_it_runs_to_the_end() {
        let r = regions(&T3);
        assert_eq!(r, [("applications".to_string(), 0, None)]);
    }
}
