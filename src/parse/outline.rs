//! The report's outline: title block (agency, year, publication date) and headings.
//!
//! Heading numbering is parsed with nom: `一、` (level 1), `（一）` (2), `1.` `1、` (3),
//! `(1)` (4), full- or half-width. A line is a heading when its title is short or
//! ends at the first full stop (run-in headings such as `1.做好常规类信息公开。…`).

use crate::grammar::{Format, TitleRules};
use crate::model::{Heading, Line};
use crate::numbering::{heading_of, strip_enumerator};
use crate::text::{arabic_dates, compact, normalize};
use regex::Regex;
use std::sync::OnceLock;

/// The titles a section is known by: its compact label without the enumerator,
/// then its compact aliases.
struct SectionTitles<'f> {
    id: &'f str,
    titles: Vec<String>,
    /// A substring searcher for each title, built at the first long line.
    finders: std::cell::OnceCell<Vec<memchr::memmem::Finder<'static>>>,
    /// A searcher for the longest run of Chinese characters of each title (none
    /// when a title has none), built at the first long line.
    anchors: std::cell::OnceCell<Vec<Option<memchr::memmem::Finder<'static>>>>,
}

impl SectionTitles<'_> {
    /// Byte offsets of the occurrences of title `k` in `text`, left to right and
    /// not overlapping (as `str::match_indices`). A long line is searched for
    /// every section title: `memmem` with searchers built once per report finds
    /// them several times faster than `str`'s search.
    fn occurrences<'t>(&'t self, k: usize, text: &'t str) -> Box<dyn Iterator<Item = usize> + 't> {
        let title = &self.titles[k];
        if title.is_empty() {
            // An empty title matches at every character boundary.
            return Box::new(text.match_indices("").map(|(p, _)| p));
        }
        let finders = self.finders.get_or_init(|| {
            self.titles
                .iter()
                .map(|t| memchr::memmem::Finder::new(t.as_bytes()).into_owned())
                .collect()
        });
        Box::new(finders[k].find_iter(text.as_bytes()))
    }

    /// Whether a title may occur in the normalised form of `raw`. Normalising
    /// ([`crate::text::norm_char`]) keeps each Chinese character (U+3400–U+9FFF)
    /// and makes none, so a title's run of them is printed as it is wherever the
    /// title is: a long line without any such run needs no normalised copy.
    fn may_occur_in(&self, raw: &str) -> bool {
        let anchors = self.anchors.get_or_init(|| {
            self.titles
                .iter()
                .map(|t| {
                    let longest = t
                        .split(|c: char| !('\u{3400}'..='\u{9FFF}').contains(&c))
                        .max_by_key(|run| run.len())
                        .filter(|run| !run.is_empty())?;
                    Some(memchr::memmem::Finder::new(longest.as_bytes()).into_owned())
                })
                .collect()
        });
        anchors
            .iter()
            .any(|a| a.as_ref().is_none_or(|f| f.find(raw.as_bytes()).is_some()))
    }
}

/// Every section's titles of `format`, or of all `formats` when no template
/// matched; built once per report (per heading and per long line they were a
/// good part of the outline's time).
fn section_titles<'f>(format: Option<&'f Format>, formats: &'f [Format]) -> Vec<SectionTitles<'f>> {
    let candidates = format.map(std::slice::from_ref).unwrap_or(formats);
    candidates
        .iter()
        .flat_map(|f| &f.sections)
        .map(|s| SectionTitles {
            id: &s.id,
            titles: std::iter::once(strip_enumerator(&compact(&s.label)).to_string())
                .chain(s.aliases.iter().map(|a| compact(a)))
                .collect(),
            finders: std::cell::OnceCell::new(),
            anchors: std::cell::OnceCell::new(),
        })
        .collect()
}

/// The canonical section id of a level-1 title (by its words, not its number).
fn section_of(sections: &[SectionTitles], title: &str) -> String {
    let c = compact(title);
    sections
        .iter()
        .find(|s| {
            s.titles.iter().any(|k| {
                *k == c || (k.chars().count() >= MIN_CONTAINED_KEY_CHARS && c.contains(k.as_str()))
            })
        })
        .map_or_else(String::new, |s| s.id.to_string())
}

/// Headings of the report outside the given table line ranges.
pub fn headings(
    lines: &[Line],
    skip: &[(usize, usize)],
    format: Option<&Format>,
    formats: &[Format],
) -> Vec<Heading> {
    let sections = section_titles(format, formats);
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        // Web text that lost its line breaks carries its section headings inline.
        if l.text.chars().count() > INLINE_SECTIONS_MIN_CHARS {
            out.extend(inline_sections(l, &sections));
            continue;
        }
        let Some((level, number, title)) = heading_of(&l.text) else {
            continue;
        };
        let section = if level == 1 {
            section_of(&sections, &title)
        } else {
            String::new()
        };
        // Inside a table only a real section heading counts (table 3's own row
        // labels 一、本年新收… are not headings).
        if skip.iter().any(|&(a, b)| a <= i && i <= b) && section.is_empty() {
            continue;
        }
        out.push(Heading {
            level,
            number,
            title,
            section,
            page: l.page,
            line: l.line,
        });
    }
    out
}

/// Level-1 headings found inside one long line by their template titles.
fn inline_sections(l: &Line, sections: &[SectionTitles]) -> Vec<Heading> {
    // Most long lines are prose paragraphs holding no title.
    if !sections.iter().any(|s| s.may_occur_in(&l.text)) {
        return Vec::new();
    }
    let text = normalize(&l.text);
    let mut found: Vec<(usize, Heading)> = Vec::new();
    for s in sections {
        'titles: for (k, title) in s.titles.iter().enumerate() {
            for pos in s.occurrences(k, &text) {
                // Preceded by its number: 二、 or 二.
                let before: String = text[..pos]
                    .chars()
                    .rev()
                    .take_while(|c| crate::numbering::NUMERALS.contains(*c) || "、. ".contains(*c))
                    .collect();
                let number: String = before
                    .chars()
                    .rev()
                    .filter(|c| crate::numbering::NUMERALS.contains(*c))
                    .collect();
                if number.is_empty() || found.iter().any(|(p, _)| *p == pos) {
                    continue;
                }
                found.push((
                    pos,
                    Heading {
                        level: 1,
                        number,
                        title: title.clone(),
                        section: s.id.to_string(),
                        page: l.page,
                        line: l.line,
                    },
                ));
                break 'titles;
            }
        }
    }
    found.sort_by_key(|(p, _)| *p);
    found.into_iter().map(|(_, h)| h).collect()
}

/// Agency, report year and publication date from the title block and the end.
#[derive(Debug, Default, PartialEq)]
pub struct TitleBlock {
    pub agency: String,
    pub year: Option<i32>,
    pub published: Option<String>,
}

fn date_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
            .expect("static regex")
    })
}

/// Longest `标签:` prefix (标题:, 名称:) dropped before an agency: a longer text
/// before a colon is part of the title itself.
const LABEL_PREFIX_MAX_CHARS: usize = 4;

/// A line longer than this is web text that lost its line breaks: its section
/// headings are found inside it by their template titles.
const INLINE_SECTIONS_MIN_CHARS: usize = 200;

/// Lines at the top of a saved web page searched for date metadata (发布时间: …).
const DATE_METADATA_LINES: usize = 20;

/// Non-empty lines at the end (where the signature date stands), then at the top,
/// searched for a line that is only a date.
const DATE_LINE_SEARCH: usize = 8;

/// A report for year N is published in N + 1 (by 31 January, often later); a date
/// more than this many years after the report year is another date (a law's, a
/// cited document's), not the publication date.
const MAX_PUBLICATION_DELAY_YEARS: i32 = 2;

/// A section key found inside a longer heading must have at least this many
/// characters to name the section; a shorter one must be the whole title, since
/// short words occur inside other headings.
const MIN_CONTAINED_KEY_CHARS: usize = 4;

/// Non-empty lines at the top searched for the title.
const TITLE_SEARCH_LINES: usize = 15;

fn clean_agency(s: &str, rules: &TitleRules) -> String {
    let s = s.trim().trim_start_matches('#').trim();
    let s = s
        .split_once([':', '：'])
        .map(|(k, v)| {
            if k.chars().count() <= LABEL_PREFIX_MAX_CHARS {
                v
            } else {
                s
            }
        })
        .unwrap_or(s);
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !"《》\"“”".contains(*c))
        .collect();
    let s = rules
        .agency_prefixes
        .iter()
        .fold(s.as_str(), |s, p| s.trim_start_matches(p.as_str()));
    // 某局关于印发…的通知: the agency is what precedes 关于.
    let s = rules
        .agency_suffixes
        .iter()
        .find_map(|k| s.strip_suffix(k.as_str()))
        .unwrap_or(s);
    // Leading page chrome such as 当前位置：首页 > 政务公开 > … is not an agency.
    let s = s
        .rsplit(rules.breadcrumb_separators.as_slice())
        .next()
        .unwrap_or(s);
    if (rules.max_agency_chars > 0 && s.chars().count() > rules.max_agency_chars)
        || rules
            .not_agency_words
            .iter()
            .any(|w| s.contains(w.as_str()))
    {
        return String::new();
    }
    s.to_string()
}

/// Reads the title block from the first lines, the date from metadata or the end.
pub fn title_block(lines: &[Line], rules: &TitleRules) -> TitleBlock {
    let mut tb = TitleBlock::default();
    let head: Vec<&Line> = lines
        .iter()
        .filter(|l| !l.text.trim().is_empty())
        .take(TITLE_SEARCH_LINES)
        .collect();
    // Titles wrap: try each line joined with the next one. Markdown heading
    // marks (`# 某局`) are not part of the title.
    let plain = |l: &Line| {
        normalize(&l.text)
            .trim_start_matches(['#', ' '])
            .to_string()
    };
    for (i, l) in head.iter().enumerate() {
        let mut candidates = vec![plain(l)];
        if let Some(n) = head.get(i + 1) {
            candidates.push(format!("{}{}", plain(l).trim_end(), plain(n)));
        }
        for text in candidates {
            let flat: String = arabic_dates(&text).chars().filter(|c| *c != ' ').collect();
            if let Some(c) = rules.regex().captures(&flat) {
                tb.year = c
                    .name("year")
                    .or_else(|| c.name("year2"))
                    .and_then(|y| y.as_str().parse().ok());
                let mid = clean_agency(c.name("mid").map_or("", |m| m.as_str()), rules);
                let pre = clean_agency(c.name("pre").map_or("", |m| m.as_str()), rules);
                tb.agency = if !pre.is_empty() {
                    pre
                } else if !mid.is_empty() {
                    mid
                } else if i > 0 {
                    clean_agency(&head[i - 1].text, rules)
                } else {
                    String::new()
                };
                break;
            }
        }
        if tb.year.is_some() {
            break;
        }
    }
    tb.published = published_date(lines, tb.year, &rules.date_labels);
    tb
}

fn published_date(lines: &[Line], year: Option<i32>, labels: &[String]) -> Option<String> {
    let as_date = |c: regex::Captures| -> Option<String> {
        let y: i32 = c[1].parse().ok()?;
        let m: u32 = c[2].parse().ok()?;
        let d: u32 = c[3].parse().ok()?;
        if !(1..=12).contains(&m)
            || !(1..=31).contains(&d)
            || year.is_some_and(|ry| y < ry || y > ry + MAX_PUBLICATION_DELAY_YEARS)
        {
            return None;
        }
        Some(format!("{y:04}-{m:02}-{d:02}"))
    };
    // Metadata of a saved web page: 发布时间: 2020-01-20 15:22.
    for l in lines.iter().take(DATE_METADATA_LINES) {
        let t = normalize(&l.text);
        let t = t.trim();
        if labels.iter().any(|k| t.starts_with(k.as_str())) {
            if let Some(d) = date_re().captures(t).and_then(as_date) {
                return Some(d);
            }
        }
    }
    // A line that is only a date (possibly in parentheses), near the end or the top.
    let is_date_line = |l: &Line| {
        let t = arabic_dates(&normalize(&l.text));
        let t = t.trim().trim_matches(['(', ')', ' ']);
        let m = date_re().find(t)?;
        (m.start() == 0 && m.end() == t.len())
            .then(|| date_re().captures(t).and_then(as_date))
            .flatten()
    };
    let nonempty: Vec<&Line> = lines.iter().filter(|l| !l.text.trim().is_empty()).collect();
    for l in nonempty.iter().rev().take(DATE_LINE_SEARCH) {
        if let Some(d) = is_date_line(l) {
            return Some(d);
        }
    }
    nonempty
        .iter()
        .take(DATE_LINE_SEARCH)
        .find_map(|l| is_date_line(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_searched_for_titles_only_where_one_may_be() {
        // The premise: normalising keeps every Chinese character and makes none.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let cjk = |c: char| ('\u{3400}'..='\u{9FFF}').contains(&c);
            let n = crate::text::norm_char(c);
            assert!(cjk(c) == cjk(n) && (!cjk(c) || n == c), "{c:?}");
        }
        let g = crate::grammar::Grammars::embedded().unwrap();
        let sections = section_titles(g.format("f2021"), &g.formats);
        let may = |raw: &str| sections.iter().any(|s| s.may_occur_in(raw));
        assert!(may("前文。二、主动公开政府信息情况（一）规章"));
        assert!(may("前文。二．主动公开政府信息情况"));
        assert!(!may(&"本机关依法依规做好政府信息公开工作。".repeat(20)));
        // A line that may hold a title still finds it; one that cannot, nothing.
        let line = |text: String| Line {
            text,
            ..Line::numbered(&["x"])[0].clone()
        };
        let found = inline_sections(
            &line(format!("{}二、主动公开政府信息情况", "甲".repeat(300))),
            &sections,
        );
        assert_eq!(found.len(), 1);
        assert!(inline_sections(&line("乙".repeat(300)), &sections).is_empty());
    }

    fn title_block_of(lines: &[Line]) -> TitleBlock {
        let g = crate::grammar::Grammars::embedded().unwrap();
        title_block(lines, &g.common.title)
    }

    fn line(t: &str) -> Line {
        Line::new(t, 1, 1)
    }

    #[test]
    fn heading_levels() {
        assert_eq!(
            heading_of("一、总体情况").unwrap(),
            (1, "一".into(), "总体情况".into())
        );
        assert_eq!(heading_of("（二）依申请公开信息情况").unwrap().0, 2);
        assert_eq!(heading_of("(四) 平台建设情况").unwrap().1, "(四)");
        assert_eq!(heading_of("1.做好常规类信息公开。按照要求，对机构职能、部门文件会议、相关解读、规划计划、财务等信息进行公开，并根据变化随时调整更新。").unwrap().2, "做好常规类信息公开");
        assert_eq!(
            heading_of("4. 人大代表、政协委员建议提案办理结果公开。2020年")
                .unwrap()
                .0,
            3
        );
        assert_eq!(heading_of("（１）专项").unwrap().0, 4);
        assert_eq!(heading_of("## 一、总体情况").unwrap().0, 1);
        assert!(heading_of("2020年，我局认真贯彻落实").is_none());
        assert!(heading_of("1.5倍").is_none());
    }

    #[test]
    fn agency_from_title_forms() {
        for (title, agency, year) in [
            (
                "淮安市人民政府办公室关于2020年度政府信息公开工作的报告",
                "淮安市人民政府办公室",
                2020,
            ),
            (
                "沂源县自然资源局关于印发2020年政府信息公开工作年度报告的通知",
                "沂源县自然资源局",
                2020,
            ),
            (
                "沂源县自然资源局政府信息公开工作2020年度报告",
                "沂源县自然资源局",
                2020,
            ),
            (
                "2021年度某某区司法局政府信息公开工作年度报告",
                "某某区司法局",
                2021,
            ),
        ] {
            let tb = title_block_of(&[line(title), line("正文。")]);
            assert_eq!(
                (tb.agency.as_str(), tb.year),
                (agency, Some(year)),
                "{title}"
            );
        }
    }

    #[test]
    fn chinese_numeral_dates() {
        assert_eq!(arabic_dates("二〇二二年一月二十日"), "2022年1月20日");
        assert_eq!(arabic_dates("二○二一年十二月三十一日"), "2021年12月31日");
        assert_eq!(
            arabic_dates("二〇二一年度政府信息公开"),
            "2021年度政府信息公开"
        );
        let tb = title_block_of(&[
            line("某某县人民政府"),
            line("二〇二一年度政府信息公开工作年度报告"),
            line("二〇二二年一月二十日"),
        ]);
        assert_eq!(tb.year, Some(2021));
        assert_eq!(tb.published.as_deref(), Some("2022-01-20"));
    }

    #[test]
    fn agency_length_limit_is_the_grammars() {
        let g = crate::grammar::Grammars::embedded().unwrap();
        let title = [
            line("安平县市场监督管理局2021年政府信息公开工作年度报告"),
            line("正文。"),
        ];
        assert_eq!(
            title_block(&title, &g.common.title).agency,
            "安平县市场监督管理局"
        );
        let mut rules = g.common.title.clone();
        rules.max_agency_chars = 9;
        assert_eq!(title_block(&title, &rules).agency, "");
        // One limit: the body's candidates are held to the title's.
        assert_eq!(
            g.common.body_meta.max_agency_chars,
            g.common.title.max_agency_chars
        );
    }

    #[test]
    fn breadcrumb_trail_is_not_the_agency() {
        let tb = title_block_of(&[
            line("当前位置：首页 > 政务公开 > 某某县财政局2020年政府信息公开工作年度报告"),
            line("正文。"),
        ]);
        assert_eq!(tb.agency, "某某县财政局");
        let tb = title_block_of(&[
            line("首页 政务公开"),
            line("首页政务公开2020年政府信息公开工作年度报告"),
        ]);
        assert_eq!(tb.agency, "");
        assert_eq!(tb.year, Some(2020));
    }

    #[test]
    fn title_block_variants() {
        let tb = title_block_of(&[
            line(""),
            line("沂源县自然资源局"),
            line("2020年政府信息公开工作年度报告"),
            line("2021年1月28日"),
        ]);
        assert_eq!(
            tb,
            TitleBlock {
                agency: "沂源县自然资源局".into(),
                year: Some(2020),
                published: Some("2021-01-28".into())
            }
        );
        let tb = title_block_of(&[
            line("标题: 平潭综合实验区2019年度政府信息公开工作年度报告"),
            line("发布时间: 2020-01-20 15:22"),
        ]);
        assert_eq!(tb.agency, "平潭综合实验区");
        assert_eq!(tb.published.as_deref(), Some("2020-01-20"));
        let tb = title_block_of(&[
            line("正文"),
            line("2024 年上海市科委政府信息公开工作"),
            line("年度报告"),
        ]);
        assert_eq!((tb.agency.as_str(), tb.year), ("上海市科委", Some(2024)));
        let tb = title_block_of(&[
            line("# 沐阳县人民政府 2025 年 政府信息公开工作年度报告"),
            line("(2026年1月23日)"),
        ]);
        assert_eq!(
            (tb.agency.as_str(), tb.published.as_deref()),
            ("沐阳县人民政府", Some("2026-01-23"))
        );
    }

    #[test]
    fn a_publication_date_is_a_valid_date_near_the_report_year() {
        let labels = vec!["发布时间".to_string()];
        let at = |texts: &[&str], year: Option<i32>| {
            let lines: Vec<Line> = texts.iter().map(|t| line(t)).collect();
            published_date(&lines, year, &labels)
        };
        // A labelled date in the page metadata.
        assert_eq!(
            at(&["发布时间: 2021-01-28 10:00", "正文"], Some(2020)).as_deref(),
            Some("2021-01-28")
        );
        // The report's year up to two years on; never before it.
        for (date, ok) in [
            ("2020年1月5日", true),
            ("2022年1月5日", true),
            ("2023年1月5日", false),
            ("2019年12月5日", false),
            ("2021年13月5日", false),
            ("2021年0月5日", false),
            ("2021年1月32日", false),
            ("2021年1月0日", false),
            ("2021年12月31日", true),
        ] {
            assert_eq!(at(&["正文", date], Some(2020)).is_some(), ok, "{date}");
        }
        assert_eq!(
            at(&["正文", "2030年1月5日"], None).as_deref(),
            Some("2030-01-05")
        );
        // Only a line that is nothing but a date, in parentheses or Chinese numerals.
        assert_eq!(at(&["正文", "落款于2021年1月5日"], None), None);
        assert_eq!(
            at(&["正文", "（2021年1月5日）"], None).as_deref(),
            Some("2021-01-05")
        );
        assert_eq!(
            at(&["正文", "二〇二一年一月五日"], None).as_deref(),
            Some("2021-01-05")
        );
        // The last date near the end wins over one at the top.
        assert_eq!(
            at(&["2021年1月1日", "正文", "2021年2月2日"], None).as_deref(),
            Some("2021-02-02")
        );
        // Searched within DATE_LINE_SEARCH lines of either end.
        let mut far = vec!["正文"; DATE_LINE_SEARCH];
        far.push("2021年1月5日");
        far.extend(["正文"; DATE_LINE_SEARCH]);
        assert_eq!(at(&far, None), None);
        let mut top = vec!["2021年1月5日"];
        top.extend(["正文"; DATE_LINE_SEARCH]);
        assert_eq!(at(&top, None).as_deref(), Some("2021-01-05"));
        // A label far down the page is no metadata.
        let mut late = vec!["正文"; DATE_METADATA_LINES];
        late.push("发布时间: 2021-01-28");
        late.extend(["正文"; DATE_LINE_SEARCH]);
        assert_eq!(at(&late, None), None);
    }
}
