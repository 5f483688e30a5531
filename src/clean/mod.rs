//! Clean: pages → numbered lines, with every change logged as a [`Repair`].
//!
//! Page furniture (page numbers, running headers and footers) is removed; a
//! sentence broken by a page (`社会公益信息16` ‖ `条，…`) is joined. Two real
//! paragraphs are never joined: a join needs an unfinished sentence on a long prose
//! line and a continuation that is not a heading, a table row or a new item.
//! When only the length test fails, the text is left and a finding says so.

use crate::grammar::{Common, Furniture, TitleRules};
use crate::model::{Finding, Line, Page, Repair, Severity, Trail};
use crate::numbering::heading_of;
use crate::text::LineSet;
use crate::text::{ends_sentence, is_cjk, norm_char, normalized};
use std::collections::HashMap;

mod first_chars;

/// A prose line at least this long that stops mid-sentence was cut by a page.
const MIN_BROKEN_LINE: usize = 40;

/// A prose line from this length up to [`MIN_BROKEN_LINE`] that stops mid-sentence
/// may have been cut: too short to be sure, so it is reported, not joined.
const MIN_MAYBE_BROKEN_LINE: usize = 20;

/// At a page boundary a hard-wrapped line is short; below this many characters it
/// is a title or a label rather than a sentence.
const MIN_CROSS_PAGE_LINE: usize = 10;

/// A line with a heading number longer than this is a run-in heading followed by
/// its paragraph (`3.做好…公开。及时对…`): prose, which may be cut by a page.
const RUN_IN_HEADING_MIN_CHARS: usize = 60;

/// Non-empty lines at the top and at the bottom of a page searched for furniture.
/// The bottom takes one more: a page number often sits under a footer line.
const FURNITURE_TOP_LINES: usize = 2;
const FURNITURE_BOTTOM_LINES: usize = 3;

/// Non-empty lines at each edge of a page compared across pages for running
/// headers and footers.
const RUNNING_EDGE_LINES: usize = 2;

/// A running header must have at least this many characters (digits aside), so a
/// lone page number or a short word is not taken for one.
const MIN_RUNNING_KEY_CHARS: usize = 4;

/// A line is a running header when it repeats on at least this many pages (and on
/// half of them): two pages can share a line by chance.
const MIN_RUNNING_PAGES: usize = 3;

/// …and on at least one page in this many (half the pages, rounded up): a line
/// repeated on three pages of a forty-page report is text, not a header.
const RUNNING_PAGES_DIVISOR: usize = 2;

/// Blank lines a sentence may be cut by inside a page and still be joined (text
/// copied from a PDF gets one or two); more is a paragraph break.
const MAX_BLANK_LINES_IN_SENTENCE: usize = 2;

/// Characters of each side shown in a repair's `before`/`after`: enough to
/// recognise the sentence, short enough to keep `repairs.csv` readable.
const REPAIR_CONTEXT_CHARS: usize = 12;

/// The page-number patterns as one set, so a line is searched once rather than
/// once per pattern (every line of every report is tested; the search's set-up
/// costs more than matching these short anchored patterns), and compiled once:
/// the set also says which patterns match a bare number (compiling each pattern
/// to ask, and their alternations to search, cost a tenth of reading a small
/// PDF).
struct Patterns {
    set: Option<&'static LineSet>,
    /// Per pattern: it matches a bare number (`3`), so it is only trusted at
    /// the top or bottom of a page; the others are safe anywhere on a line of
    /// its own (`— 3 —`, `第 1 页 共 5 页`).
    edge_only: Vec<bool>,
    /// The characters a match can start with ([`first_chars`]); `None`: any.
    starts: Option<&'static regex_syntax::hir::ClassUnicode>,
}

impl Patterns {
    /// Whether a line whose first character (normalised, not a space) is `c`
    /// may be page furniture; the others are not normalised to ask.
    fn may_start(&self, c: char) -> bool {
        self.starts
            .is_none_or(|class| first_chars::contains(class, c))
    }

    /// Whether `t` (normalised, trimmed) is page furniture; `edge_of_several`:
    /// `t` is at the edge of a page of a document of several pages.
    fn page_number(&self, t: &str, edge_of_several: bool) -> bool {
        let Some(set) = self.set else {
            return false;
        };
        if !set.is_match(t) {
            return false;
        }
        edge_of_several || set.matches(t).into_iter().any(|i| !self.edge_only[i])
    }
}

fn patterns(f: &Furniture) -> Patterns {
    let all: Vec<&str> = f.page_number.iter().map(String::as_str).collect();
    // Never `None` for a loaded grammar (it compiles this set at load).
    let set = crate::text::cached_regex_set(&all).ok();
    let edge_only = match set {
        Some(set) => {
            let bare = set.matches("3");
            (0..all.len()).map(|i| bare.contains(&i)).collect()
        }
        None => Vec::new(),
    };
    static STARTS: crate::text::PatternsCache<Option<&'static regex_syntax::hir::ClassUnicode>> =
        std::sync::OnceLock::new();
    let starts = crate::text::once_per_patterns(&STARTS, &all, || {
        first_chars::first_chars(&all).map(|class| &*Box::leak(Box::new(class)))
    });
    Patterns {
        set,
        edge_only,
        starts,
    }
}

fn is_table_line(t: &str) -> bool {
    t.contains('\t') || t.contains('|') || t.contains("  ")
}

/// Runs the clean stage over a document's pages: the lines without furniture,
/// sentences cut by a page joined; every change and doubt pushed to `trail`.
///
/// Takes the pages by value: a kept line's text becomes its [`Line`]'s text
/// without a copy.
pub fn clean(mut pages: Vec<Page>, common: &Common, trail: &mut Trail) -> Vec<Line> {
    let pats = patterns(&common.furniture);
    let Trail { repairs, findings } = trail;
    let multi = pages.len() > 1;
    let running = running_lines(&pages);
    let first_page = pages.first().map_or(0, |p| p.number);
    // Work on lines with furniture removed; each keeps its input place.
    let mut kept: Vec<Vec<Line>> = Vec::with_capacity(pages.len());
    for p in pages.iter_mut() {
        let nonempty: Vec<usize> = (0..p.lines.len())
            .filter(|&i| !p.lines[i].trim().is_empty())
            .collect();
        let edges: Vec<usize> = nonempty
            .iter()
            .take(FURNITURE_TOP_LINES)
            .chain(nonempty.iter().rev().take(FURNITURE_BOTTOM_LINES))
            .copied()
            .collect();
        // Lines kept, by index; their texts are moved into `Line`s once the
        // page is decided (the title test reads the page's other lines).
        let mut keep: Vec<usize> = Vec::with_capacity(p.lines.len());
        // A running header is printed once per page: a second line with the same
        // text on one page is content (the title set under a header that repeats it).
        let mut removed_here: Vec<String> = Vec::new();
        for (i, raw) in p.lines.iter().enumerate() {
            let source_line = p.line_offset + i + 1;
            // The first character of the normalised, trimmed line.
            let Some(first) = raw.chars().map(norm_char).find(|c| !c.is_whitespace()) else {
                // A blank line is neither a page number nor a header.
                keep.push(i);
                continue;
            };
            let at_edge = edges.contains(&i);
            let may_be_number = pats.may_start(first);
            // Normalised only when a pattern or the running-header key reads it.
            let normal =
                (may_be_number || (at_edge && !running.is_empty())).then(|| normalized(raw));
            let t = normal.as_deref().map_or("", str::trim);
            let number = may_be_number && pats.page_number(t, multi && at_edge);
            // Only a line at a page edge can be a running header (and only
            // when some line repeats: a single page has none).
            let key = if at_edge && !running.is_empty() {
                furniture_key(t)
            } else {
                String::new()
            };
            let mut header = at_edge && running.contains_key(&key) && !removed_here.contains(&key);
            if header && !number && p.number == first_page && is_only_title(p, i, &common.title) {
                findings.push(
                    Finding::new(
                        "title_kept",
                        Severity::Info,
                        format!(
                            "“{t}” repeats as the running header of other pages but is the report's only title; kept as the title"
                        ),
                    )
                    .place(p.number, source_line),
                );
                header = false;
            }
            if header {
                removed_here.push(key);
            }
            if number || header {
                repairs.push(Repair {
                    kind: if number {
                        "page_number"
                    } else {
                        "running_header"
                    }
                    .into(),
                    page: Some(p.number),
                    line: Some(source_line),
                    before: raw.trim().to_string(),
                    after: String::new(),
                    rule: if number {
                        "page furniture pattern"
                    } else {
                        "same line at the edge of several pages"
                    }
                    .into(),
                });
                continue;
            }
            keep.push(i);
        }
        let lines = keep
            .into_iter()
            .map(|i| {
                let mut text = std::mem::take(&mut p.lines[i]);
                let end = text.trim_end_matches([' ', '\r', '\u{3000}']).len();
                text.truncate(end);
                Line::new(text, p.number, p.line_offset + i + 1)
            })
            .collect();
        kept.push(lines);
    }
    // Join sentences broken by a page break.
    for pi in 0..kept.len().saturating_sub(1) {
        let Some(a_idx) = kept[pi].iter().rposition(|l| !l.text.trim().is_empty()) else {
            continue;
        };
        let Some(b_idx) = kept[pi + 1].iter().position(|l| !l.text.trim().is_empty()) else {
            continue;
        };
        if continues_across_page(&kept[pi][a_idx].text, &kept[pi + 1][b_idx].text) {
            let b = kept[pi + 1].remove(b_idx);
            repairs.push(join(
                &mut kept[pi][a_idx],
                b,
                "unfinished sentence continued on the next page",
            ));
        }
    }
    // Join sentences broken inside a page by blank lines (text copied from a PDF).
    for lines in kept.iter_mut() {
        let mut i = 0;
        while i < lines.len() {
            let mut j = i + 1;
            while j < lines.len()
                && lines[j].text.trim().is_empty()
                && j - i <= MAX_BLANK_LINES_IN_SENTENCE
            {
                j += 1;
            }
            if j == i + 1 || j >= lines.len() || lines[j].text.trim().is_empty() {
                i += 1;
                continue;
            }
            let (a, b) = (&lines[i], &lines[j]);
            if continues(&a.text, &b.text) {
                let b = lines[j].clone();
                lines.drain(i + 1..=j);
                repairs.push(join(
                    &mut lines[i],
                    b,
                    "unfinished sentence continued after a blank line",
                ));
                continue;
            } else if maybe_continues(&a.text, &b.text) {
                findings.push(
                    Finding::new(
                        "possible_broken_sentence",
                        Severity::Info,
                        format!(
                            "“{}” stops mid-sentence before “{}” (line {}); left as two paragraphs — check whether the sentence was cut by a page",
                            tail(&a.text),
                            head(&b.text),
                            b.line
                        ),
                    )
                    .place(a.page, a.line),
                );
            }
            i += 1;
        }
    }
    kept.into_iter().flatten().collect()
}

/// Joins `b` onto `a` (which keeps `b`'s place for the joined part) and logs it
/// at `a`'s place.
fn join(a: &mut Line, b: Line, rule: &str) -> Repair {
    let before = format!("{} ‖ {}", tail(&a.text), head(&b.text));
    let kept = a.text.trim_end().len();
    a.text.truncate(kept);
    let b_text = b.text.trim_start();
    let start = a.text.len();
    a.joins.push((start, b.page, b.line));
    for (off, p, l) in b.joins {
        a.joins.push((
            (start + off).saturating_sub(b.text.len() - b_text.len()),
            p,
            l,
        ));
    }
    a.text.push_str(b_text);
    Repair {
        kind: "page_break_join".into(),
        page: Some(a.page),
        line: Some(a.line),
        before,
        after: around(&a.text, a.text[..start].chars().count()),
        rule: rule.into(),
    }
}

/// A paragraph line: not a table row, and not a heading unless it is a run-in
/// heading followed by a long paragraph (`3.做好…公开。及时对…`).
fn is_prose(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty()
        && !is_table_line(t)
        && (heading_of(t).is_none() || t.chars().count() > RUN_IN_HEADING_MIN_CHARS)
}

/// Sentence punctuation inside the line: titles and labels have none.
fn has_clause(t: &str) -> bool {
    t.contains(['，', '。', '；', ','])
}

fn starts_like_continuation(b: &str) -> bool {
    let b = normalized(b);
    let b = b.trim();
    let Some(c) = b.chars().next() else {
        return false;
    };
    (is_cjk(c) || c.is_ascii_digit() || "，,、。；）)”".contains(c))
        && !is_table_line(b)
        && heading_of(b).is_none()
        && !b.starts_with('#')
}

/// A long prose line cut mid-sentence, followed by its continuation.
fn continues(a: &str, b: &str) -> bool {
    let at = a.trim();
    // Cheapest tests first: `is_prose` parses a heading number.
    has_clause(at)
        && !ends_sentence(at)
        && at.chars().count() >= MIN_BROKEN_LINE
        && is_prose(at)
        && starts_like_continuation(b)
}

/// At a page boundary a line of a hard-wrapped paragraph (PDF text) is short, so
/// length proves nothing; an unfinished sentence with a clause continued by text
/// that is not a heading or table row is enough.
fn continues_across_page(a: &str, b: &str) -> bool {
    let at = a.trim();
    is_prose(at)
        && at.chars().count() >= MIN_CROSS_PAGE_LINE
        && !ends_sentence(at)
        && at
            .chars()
            .last()
            .is_some_and(|c| is_cjk(c) || c.is_ascii_digit() || "“\"（(，,、".contains(c))
        && starts_like_continuation(b)
}

/// Like [`continues`] but for a line too short to be sure.
fn maybe_continues(a: &str, b: &str) -> bool {
    let at = a.trim();
    let n = at.chars().count();
    (MIN_MAYBE_BROKEN_LINE..MIN_BROKEN_LINE).contains(&n)
        && has_clause(at)
        && !ends_sentence(at)
        && at.chars().last().is_some_and(is_cjk)
        && is_prose(at)
        && starts_like_continuation(b)
}

/// Lines of the first page searched for the report's title.
const TITLE_HEAD_LINES: usize = 15;

/// Whether line `i` of the first page is the report's title and no other line near
/// the top is: removing it as a running header would lose agency and year.
fn is_only_title(p: &Page, i: usize, title: &TitleRules) -> bool {
    if !title.matches(&p.lines[i]) {
        return false;
    }
    let key = furniture_key(&normalized(p.lines[i].trim()));
    let head: Vec<usize> = (0..p.lines.len())
        .filter(|&j| !p.lines[j].trim().is_empty())
        .take(TITLE_HEAD_LINES)
        .collect();
    // Printed twice (header, then the title under it): the first copy is the header,
    // and the once-per-page rule keeps the second.
    let copies = head
        .iter()
        .filter(|&&j| furniture_key(&normalized(p.lines[j].trim())) == key)
        .count();
    if copies > 1 {
        return false;
    }
    // Another title: a line, or a line joined with the next one (a wrapped title),
    // that does not lean on line `i` or a copy of it.
    // Titles carry no clause punctuation; prose that restates the title does.
    let other = |k: usize| {
        k != i && furniture_key(&normalized(p.lines[k].trim())) != key && !has_clause(&p.lines[k])
    };
    !head.iter().enumerate().any(|(n, &j)| {
        other(j)
            && (title.matches(&p.lines[j])
                || head.get(n + 1).is_some_and(|&k| {
                    other(k)
                        && title.matches(&format!("{}{}", p.lines[j].trim(), p.lines[k].trim()))
                }))
    })
}

/// Lines repeated at the top or bottom of at least three pages (and half of them).
fn running_lines(pages: &[Page]) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    // Too few pages for any line to repeat on enough of them.
    if pages.len() < MIN_RUNNING_PAGES {
        return counts;
    }
    for p in pages {
        let nonempty: Vec<&String> = p.lines.iter().filter(|l| !l.trim().is_empty()).collect();
        let mut seen = std::collections::HashSet::new();
        let edges = nonempty.iter().take(RUNNING_EDGE_LINES);
        for l in edges.chain(nonempty.iter().rev().take(RUNNING_EDGE_LINES)) {
            if ends_sentence(l) {
                continue;
            }
            let k = furniture_key(&normalized(l));
            if k.chars().count() >= MIN_RUNNING_KEY_CHARS && seen.insert(k.clone()) {
                *counts.entry(k).or_default() += 1;
            }
        }
    }
    let need = MIN_RUNNING_PAGES.max(pages.len().div_ceil(RUNNING_PAGES_DIVISOR));
    counts.retain(|_, n| *n >= need);
    counts
}

/// A line's identity for header detection: digits (page numbers) and spaces ignored.
fn furniture_key(t: &str) -> String {
    let mut key = String::with_capacity(t.len());
    key.extend(t.chars().filter(|c| !c.is_whitespace()).map(|c| {
        if c.is_ascii_digit() {
            '#'
        } else {
            c
        }
    }));
    key
}

fn tail(s: &str) -> String {
    let c: Vec<char> = s.trim_end().chars().collect();
    c[c.len().saturating_sub(REPAIR_CONTEXT_CHARS)..]
        .iter()
        .collect()
}

fn head(s: &str) -> String {
    s.trim_start().chars().take(REPAIR_CONTEXT_CHARS).collect()
}

fn around(s: &str, at: usize) -> String {
    let c: Vec<char> = s.chars().collect();
    let a = at.saturating_sub(REPAIR_CONTEXT_CHARS);
    let b = (at + REPAIR_CONTEXT_CHARS).min(c.len());
    c[a..b].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stage's lines and what it logged, for assertions.
    struct Cleaned {
        lines: Vec<Line>,
        repairs: Vec<Repair>,
        findings: Vec<Finding>,
    }

    /// [`super::clean`] with a trail of its own.
    fn clean(pages: &[Page], common: &Common) -> Cleaned {
        let mut trail = Trail::default();
        let lines = super::clean(pages.to_vec(), common, &mut trail);
        Cleaned {
            lines,
            repairs: trail.repairs,
            findings: trail.findings,
        }
    }

    fn furniture() -> Common {
        crate::grammar::Grammars::embedded().unwrap().common
    }

    fn page(n: usize, lines: &[&str]) -> Page {
        Page {
            number: n,
            lines: lines.iter().map(|s| s.to_string()).collect(),
            line_offset: 0,
        }
    }

    /// The built-in patterns are anchored: a line starting with a Chinese
    /// character is not normalised to be tested, one starting with a digit is.
    #[test]
    fn lines_that_cannot_be_page_numbers_are_told_by_their_first_character() {
        let p = patterns(&furniture().furniture);
        assert!(p.starts.is_some());
        assert!(p.may_start('3') && p.may_start('第') && p.may_start('—'));
        assert!(!p.may_start('一') && !p.may_start('本'));
    }

    /// A pattern that matches a bare number counts only at a page edge; the
    /// others anywhere on a line of their own; other lines never.
    #[test]
    fn page_numbers_by_the_set_and_where_they_stand() {
        let p = patterns(&furniture().furniture);
        assert!(p.edge_only.iter().any(|&e| e) && p.edge_only.iter().any(|&e| !e));
        for (t, mid, edge) in [
            ("— 3 —", true, true),
            ("第 2 页 共 5 页", true, true),
            ("3 / 12", true, true),
            ("3", false, true),
            ("- 12", false, true),
            ("三、依申请公开情况", false, false),
            ("收到申请 3 件", false, false),
        ] {
            assert_eq!(p.page_number(t, false), mid, "{t} mid-page");
            assert_eq!(p.page_number(t, true), edge, "{t} at an edge");
        }
    }

    #[test]
    fn joins_sentence_broken_by_blank_lines_and_logs_it() {
        let long = "2020年，我单位主动公开政府信息253条。其中，部门职能6条，政府文件解读4条，社会公益信息16";
        let c = clean(
            &[page(
                1,
                &[
                    long,
                    "",
                    "条，重要部署执行公开16条。",
                    "",
                    "二、主动公开政府信息情况",
                ],
            )],
            &furniture(),
        );
        assert!(c.lines[0]
            .text
            .ends_with("社会公益信息16条，重要部署执行公开16条。"));
        assert_eq!(c.repairs.len(), 1);
        assert_eq!(c.repairs[0].kind, "page_break_join");
        assert!(c.repairs[0].before.contains("16 ‖ 条"));
    }

    #[test]
    fn never_joins_paragraphs_or_headings() {
        let long = "充分发挥沂源县人民政府网站的平台作用，在县政府的指导下完成了栏目调整和数据迁移工作，并且及时发布";
        // A heading after the cut line is not a continuation.
        let c = clean(&[page(1, &[long, "", "（五）监督保障情况"])], &furniture());
        assert_eq!(c.lines.iter().filter(|l| !l.text.is_empty()).count(), 2);
        // A finished sentence is not joined.
        let c = clean(
            &[page(1, &["一、总体情况", "", "2020年，我局认真贯彻落实。"])],
            &furniture(),
        );
        assert!(c.repairs.is_empty());
        // A short title line is not joined to the text under it.
        let c = clean(
            &[page(
                1,
                &[
                    "2020年政府信息公开工作年度报告",
                    "",
                    "按照《通知》要求编制本报告。",
                ],
            )],
            &furniture(),
        );
        assert!(c.repairs.is_empty());
    }

    #[test]
    fn removes_page_numbers_and_joins_across_pages() {
        let long = "加强政府网站和政务新媒体日常管理，运用第三方检测平台实行常态化监测，执行信息审核发布制度。严格执行“分";
        let pages = [
            page(1, &["一、总体情况", long, "", "-1-"]),
            page(2, &["级审核、先审后发”程序。", "— 2 —"]),
        ];
        let c = clean(&pages, &furniture());
        let kinds: Vec<&str> = c.repairs.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(kinds, vec!["page_number", "page_number", "page_break_join"]);
        assert!(c.lines[1].text.ends_with("“分级审核、先审后发”程序。"));
        assert_eq!(c.lines[1].page, 1);
    }

    #[test]
    fn lines_keep_their_input_place_through_removals_and_joins() {
        let long = "加强政府网站和政务新媒体日常管理，运用第三方检测平台实行常态化监测，执行信息审核发布制度。严格执行“分";
        let mut p2 = page(2, &["", "级审核、先审后发”程序。", "二、主动公开", "— 2 —"]);
        // Page 2 starts on input line 5 (a text file numbers lines through its pages).
        p2.line_offset = 4;
        let pages = [page(1, &["一、总体情况", "— 1 —", long, ""]), p2];
        let c = clean(&pages, &furniture());
        let placed: Vec<(usize, usize)> = c
            .lines
            .iter()
            .filter(|l| !l.text.is_empty())
            .map(|l| (l.page, l.line))
            .collect();
        // The page number on line 2 is gone; the lines after it keep their numbers.
        assert_eq!(placed, vec![(1, 1), (1, 3), (2, 7)]);
        let places: Vec<(&str, Option<usize>)> = c
            .repairs
            .iter()
            .map(|r| (r.kind.as_str(), r.line))
            .collect();
        assert_eq!(
            places,
            vec![
                ("page_number", Some(2)),
                ("page_number", Some(8)),
                ("page_break_join", Some(3))
            ]
        );
        // The joined text still points at page 2 line 6.
        let joined = &c.lines[1];
        let at = joined.text.find("先审后发").unwrap();
        assert_eq!(joined.place_at(at), (2, 6));
        assert_eq!(joined.place_at(0), (1, 3));
    }

    #[test]
    fn removes_running_headers() {
        let pages: Vec<Page> = (1..=4)
            .map(|n| {
                page(
                    n,
                    &[
                        "某某县人民政府公报",
                        "正文内容。",
                        "正文内容。",
                        "正文内容。",
                        &format!("第 {n} 页 共 4 页"),
                    ],
                )
            })
            .collect();
        let c = clean(&pages, &furniture());
        assert!(c.lines.iter().all(|l| l.text == "正文内容。"));
        assert_eq!(
            c.repairs
                .iter()
                .filter(|r| r.kind == "running_header")
                .count(),
            4
        );
    }

    /// Pages whose top line is the running header `h` (from page `from` on).
    fn headed(title: &[&str], h: &str, from: usize) -> Vec<Page> {
        (1..=4)
            .map(|n| {
                let mut lines: Vec<&str> = Vec::new();
                if n >= from {
                    lines.push(h);
                }
                if n == 1 {
                    lines.extend(title);
                }
                lines.extend(["正文内容。", "正文内容。", "正文内容。"]);
                page(n, &lines)
            })
            .collect()
    }

    const TITLE: &str = "沂源县自然资源局2020年政府信息公开工作年度报告";

    #[test]
    fn a_header_that_repeats_the_title_leaves_the_title() {
        // The header on every page, the same text as the title under it on page 1:
        // one repair per page, and the title stays.
        let c = clean(&headed(&[TITLE], TITLE, 1), &furniture());
        let removed: Vec<(Option<usize>, Option<usize>)> = c
            .repairs
            .iter()
            .filter(|r| r.kind == "running_header")
            .map(|r| (r.page, r.line))
            .collect();
        assert_eq!(
            removed,
            vec![
                (Some(1), Some(1)),
                (Some(2), Some(1)),
                (Some(3), Some(1)),
                (Some(4), Some(1))
            ]
        );
        assert_eq!(c.lines[0].text, TITLE);
        assert!(c.findings.is_empty());
    }

    #[test]
    fn the_title_is_never_a_running_header() {
        // Different first page: the header starts on page 2 and page 1's title is
        // the same text. It is kept, and the decision is logged.
        let c = clean(&headed(&[TITLE], TITLE, 2), &furniture());
        assert_eq!(c.lines[0].text, TITLE);
        assert_eq!(c.repairs.iter().filter(|r| r.page == Some(1)).count(), 0);
        assert_eq!(c.repairs.len(), 3);
        assert_eq!(c.findings.len(), 1);
        assert_eq!(c.findings[0].check, "title_kept");
        // A header on page 1 above a title of its own is removed there too.
        let c = clean(
            &headed(
                &["沂源县自然资源局", "2020年政府信息公开工作年度报告"],
                TITLE,
                1,
            ),
            &furniture(),
        );
        assert_eq!(c.lines[0].text, "沂源县自然资源局");
        assert_eq!(c.repairs.len(), 4);
        assert!(c.findings.is_empty());
    }

    /// A prose line of `n` characters with a clause, stopping mid-sentence on a
    /// CJK character.
    fn prose(n: usize) -> String {
        format!("我局，{}", "办".repeat(n - 3))
    }

    #[test]
    fn table_lines_are_separated_by_tabs_bars_or_double_spaces() {
        assert!(is_table_line("规章\t5"));
        assert!(is_table_line("规章|5"));
        assert!(is_table_line("规章  5"));
        assert!(!is_table_line("规章 5"));
    }

    #[test]
    fn prose_is_neither_a_table_row_nor_a_short_heading() {
        assert!(is_prose("我局认真贯彻落实"));
        assert!(!is_prose("  "));
        assert!(!is_prose("规章\t5"));
        assert!(!is_prose("一、总体情况"));
        // A run-in heading counts as prose only past its length limit.
        let run_in = |n: usize| format!("3.做好公开。{}", "及".repeat(n - 7));
        assert!(!is_prose(&run_in(RUN_IN_HEADING_MIN_CHARS)));
        assert!(is_prose(&run_in(RUN_IN_HEADING_MIN_CHARS + 1)));
    }

    #[test]
    fn clauses_are_marked_by_sentence_punctuation() {
        for t in ["甲，乙", "甲。乙", "甲；乙", "甲,乙"] {
            assert!(has_clause(t), "{t}");
        }
        assert!(!has_clause("政府信息公开工作年度报告"));
    }

    #[test]
    fn a_continuation_starts_like_the_middle_of_a_sentence() {
        for b in ["条，重要部署", "16条", "１６条", "，以及", "）等", "  条"] {
            assert!(starts_like_continuation(b), "{b}");
        }
        for b in [
            "",
            "   ",
            "abc",
            "二、主动公开",
            "（一）规章",
            "条\t5",
            "# 标题",
        ] {
            assert!(!starts_like_continuation(b), "{b}");
        }
    }

    #[test]
    fn a_join_needs_a_long_unfinished_prose_line() {
        assert!(continues(&prose(MIN_BROKEN_LINE), "条，以及"));
        assert!(!continues(&prose(MIN_BROKEN_LINE - 1), "条，以及"));
        // Finished, without a clause, a heading or a table row: never.
        assert!(!continues(&format!("{}。", prose(MIN_BROKEN_LINE)), "条"));
        assert!(!continues(&"办".repeat(MIN_BROKEN_LINE), "条"));
        assert!(!continues(&format!("一、{}", prose(MIN_BROKEN_LINE)), "条"));
        assert!(!continues(&format!("{}\t5", prose(MIN_BROKEN_LINE)), "条"));
        assert!(!continues(&prose(MIN_BROKEN_LINE), "二、主动公开"));
    }

    #[test]
    fn across_a_page_a_short_unfinished_line_is_enough() {
        let a = "办".repeat(MIN_CROSS_PAGE_LINE);
        assert!(continues_across_page(&a, "条"));
        assert!(!continues_across_page(&a[3..], "条"));
        assert!(!continues_across_page(&format!("{a}。"), "条"));
        assert!(!continues_across_page(&a, "二、主动公开"));
        assert!(!continues_across_page(&format!("一、{a}"), "条"));
        for end in ["16", "“", "（", "，", "、"] {
            assert!(continues_across_page(&format!("{a}{end}"), "条"), "{end}");
        }
        assert!(!continues_across_page(&format!("{a}x"), "条"));
    }

    #[test]
    fn a_shorter_unfinished_line_may_continue() {
        let lo = MIN_MAYBE_BROKEN_LINE;
        assert!(maybe_continues(&prose(lo), "条"));
        assert!(maybe_continues(&prose(MIN_BROKEN_LINE - 1), "条"));
        assert!(!maybe_continues(&prose(lo - 1), "条"));
        assert!(!maybe_continues(&prose(MIN_BROKEN_LINE), "条"));
        assert!(!maybe_continues(&format!("{}16", prose(lo)), "条"));
        assert!(!maybe_continues(&"办".repeat(lo), "条"));
        assert!(!maybe_continues(&format!("{}。", prose(lo)), "条"));
        assert!(!maybe_continues(&prose(lo), "二、主动公开"));
        assert!(!maybe_continues(&format!("一、{}", prose(lo)), "条"));
    }

    #[test]
    fn blank_lines_between_the_parts_of_a_sentence() {
        let long = prose(MIN_BROKEN_LINE);
        let joined = |lines: &[&str]| clean(&[page(1, lines)], &furniture()).repairs.len();
        assert_eq!(joined(&[&long, "条。"]), 0, "adjacent lines are not joined");
        assert_eq!(joined(&[&long, "", "条。"]), 1);
        assert_eq!(joined(&[&long, "", "", "条。"]), 1);
        assert_eq!(joined(&[&long, "", "", "", "条。"]), 0);
        assert_eq!(joined(&[&long, "", ""]), 0);
        // Two cuts on one page: both joined, into one line.
        let c = clean(
            &[page(1, &["一、总体情况", "", &long, "", &long, "", "条。"])],
            &furniture(),
        );
        assert_eq!(c.repairs.len(), 2);
        assert_eq!(c.lines[2].text, format!("{long}{long}条。"));
        assert_eq!(
            c.repairs[1].after,
            format!("{}{}", &"办".repeat(12), "条。")
        );
    }

    #[test]
    fn a_possibly_cut_sentence_is_reported_not_joined() {
        let short = prose(MIN_MAYBE_BROKEN_LINE);
        let c = clean(
            &[page(1, &["一、总体情况", &short, "", "条，以及其他。"])],
            &furniture(),
        );
        assert!(c.repairs.is_empty());
        assert_eq!(c.findings.len(), 1);
        let f = &c.findings[0];
        assert_eq!(f.check, "possible_broken_sentence");
        assert_eq!((f.page, f.line), (Some(1), Some(2)));
        assert!(
            f.message.starts_with(
                "“办办办办办办办办办办办办” stops mid-sentence before “条，以及其他。” (line 4)"
            ),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_bare_number_is_page_furniture_only_at_the_edge_of_one_of_several_pages() {
        let removed = |pages: &[Page]| -> Vec<(usize, usize)> {
            clean(pages, &furniture())
                .repairs
                .iter()
                .map(|r| (r.page.unwrap(), r.line.unwrap()))
                .collect()
        };
        // One page: a bare number may be content.
        assert!(removed(&[page(1, &["正文。", "3"])]).is_empty());
        // Several: at the bottom edge (blank lines aside), not in the middle.
        let body = [
            "正文。",
            "正文。",
            "12",
            "正文。",
            "正文。",
            "正文。",
            "1",
            "",
            "",
        ];
        assert_eq!(removed(&[page(1, &body), page(2, &["正文。"])]), [(1, 7)]);
        // A dashed page number is safe anywhere.
        assert_eq!(
            removed(&[page(1, &["正文。", "— 3 —", "正文。"])]),
            [(1, 2)]
        );
    }

    #[test]
    fn running_headers_need_enough_pages_and_characters() {
        // Every other line differs from page to page.
        let pages = |n: usize, with: usize, header: &str| -> Vec<Page> {
            (1..=n)
                .map(|i| {
                    let own =
                        |s: &str| format!("{s}{}", "甲乙丙丁戊己庚辛".chars().nth(i - 1).unwrap());
                    let top = if i <= with {
                        header.to_string()
                    } else {
                        own("正文开始")
                    };
                    let lines = [
                        top,
                        own("正文一"),
                        own("正文二"),
                        own("正文三"),
                        own("正文四"),
                    ];
                    page(i, &lines.iter().map(String::as_str).collect::<Vec<_>>())
                })
                .collect()
        };
        let headers = |p: &[Page]| running_lines(p).into_keys().collect::<Vec<_>>();
        assert_eq!(headers(&pages(4, 3, "某县公报")), ["某县公报"]);
        assert!(headers(&pages(4, 2, "某县公报")).is_empty());
        // Half of the pages at least.
        assert!(headers(&pages(8, 3, "某县公报")).is_empty());
        assert_eq!(headers(&pages(8, 4, "某县公报")), ["某县公报"]);
        // Digits stand for a page number; a short line is no header.
        assert_eq!(headers(&pages(4, 4, "第12页 公报")), ["第##页公报"]);
        assert!(headers(&pages(4, 4, "县公报")).is_empty());
        // A finished sentence is content.
        assert!(headers(&pages(4, 4, "某县公报。")).is_empty());
        // Counted once per page even when it is at both edges.
        let two_lines: Vec<Page> = (1..=4)
            .map(|i| page(i, &["某县公报", if i < 3 { "某县公报" } else { "正文" }]))
            .collect();
        assert_eq!(running_lines(&two_lines).get("某县公报"), Some(&4));
    }

    #[test]
    fn excerpts_for_messages() {
        assert_eq!(furniture_key(" 第 12 页\t共 3 页 "), "第##页共#页");
        let s = "一二三四五六七八九十甲乙丙丁戊";
        assert_eq!(tail(&format!("{s}  ")), "四五六七八九十甲乙丙丁戊");
        assert_eq!(tail("甲乙"), "甲乙");
        assert_eq!(head(&format!("  {s}")), "一二三四五六七八九十甲乙");
        assert_eq!(around(s, 13), "二三四五六七八九十甲乙丙丁戊");
        assert_eq!(around(s, 1), "一二三四五六七八九十甲乙丙");
    }

    #[test]
    fn a_title_wrapped_over_two_lines_is_another_title() {
        // Neither half is a title on its own; together they are, so the header
        // above them on page 1 is a header, removed like the others.
        let c = clean(
            &headed(
                &["沂源县自然资源局2020年政府信息", "公开工作年度报告"],
                TITLE,
                1,
            ),
            &furniture(),
        );
        assert_eq!(c.lines[0].text, "沂源县自然资源局2020年政府信息");
        assert_eq!(c.repairs.len(), 4);
        assert!(c.findings.is_empty());
    }
}
