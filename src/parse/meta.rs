//! Agency and year when the title is missing, cut short or yields prose.
//!
//! Crawlers cut titles (某局2021年度报...), and pages put the title outside the
//! saved text; then the title block finds nothing, or a fragment of the body
//! (…未收取信息处理费。附件:1、2022年). The body still says who wrote the report
//! and for which year: the cut title, the opening paragraph (根据…，现公布某局
//! 2020年度…报告; 本报告由某局编制) or the signature at the end. The patterns are
//! `[body_meta]` in `common.toml`. A field nothing settles stays empty and a
//! `meta_unclear` finding says so: never a fragment of prose.

use crate::grammar::BodyMeta;
use crate::model::{Finding, Line, Severity};
use crate::text::normalize;

/// Lines at the start searched for a cut title and the opening paragraph.
const HEAD_LINES: usize = 15;
/// Lines at the end searched for the signature (name, then date, then maybe a
/// note or a link).
const TAIL_LINES: usize = 5;

/// The shortest agency name (某局 has two characters); one character is a
/// fragment.
const MIN_AGENCY_CHARS: usize = 2;

/// A plausible agency name: no sentence punctuation or digits, not too long.
pub fn plausible_agency(s: &str, rules: &BodyMeta) -> bool {
    let n = s.chars().count();
    n >= MIN_AGENCY_CHARS
        && (rules.max_agency_chars == 0 || n <= rules.max_agency_chars)
        && !s.chars().any(|c| rules.not_agency_chars.contains(c))
}

fn flat(l: &Line) -> String {
    normalize(&l.text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn first_match(patterns: &[String], lines: &[&Line]) -> (Option<String>, Option<i32>) {
    let (mut agency, mut year) = (None, None);
    for pat in patterns {
        let Some(re) = crate::text::cached_regex(pat) else {
            continue;
        };
        for l in lines {
            let text = flat(l);
            let Some(c) = re.captures(&text) else {
                continue;
            };
            if agency.is_none() {
                agency = c.name("agency").map(|m| m.as_str().to_string());
            }
            if year.is_none() {
                year = c.name("year").and_then(|m| m.as_str().parse().ok());
            }
            if agency.is_some() && year.is_some() {
                return (agency, year);
            }
        }
    }
    (agency, year)
}

/// Settles agency and year: the title block's when plausible, else from the body;
/// findings for what stays unknown.
pub fn settle(
    lines: &[Line],
    agency: String,
    year: Option<i32>,
    rules: &BodyMeta,
) -> (String, Option<i32>, Vec<Finding>) {
    let mut agency = agency.trim().to_string();
    let mut year = year;
    let rejected =
        (!agency.is_empty() && !plausible_agency(&agency, rules)).then(|| agency.clone());
    if rejected.is_some() {
        agency.clear();
    }
    if !agency.is_empty() && year.is_some() {
        return (agency, year, Vec::new());
    }
    let nonempty: Vec<&Line> = lines.iter().filter(|l| !l.text.trim().is_empty()).collect();
    let head: Vec<&Line> = nonempty.iter().take(HEAD_LINES).copied().collect();
    let tail: Vec<&Line> = nonempty.iter().rev().take(TAIL_LINES).copied().collect();
    for (patterns, place) in [
        (&rules.cut_title, &head),
        (&rules.opening, &head),
        (&rules.signature, &tail),
    ] {
        let (a, y) = first_match(patterns, place);
        if agency.is_empty() {
            if let Some(a) = a.filter(|a| plausible_agency(a, rules)) {
                agency = a;
            }
        }
        if year.is_none() {
            year = y;
        }
    }
    let mut findings = Vec::new();
    let mut unclear = |field: &str, why: String| {
        findings.push(Finding::new(
            "meta_unclear",
            Severity::Warning,
            format!("{field} not found: {why}; left empty"),
        ));
    };
    if agency.is_empty() {
        unclear(
            "agency",
            match &rejected {
                Some(r) => format!("the title block gave “{r}”, which is prose, not a name, and the body names no agency"),
                None => "no title, opening paragraph or signature names it".into(),
            },
        );
    }
    if year.is_none() {
        unclear("year", "no title or opening paragraph states it".into());
    }
    (agency, year, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammars;

    fn lines(t: &[&str]) -> Vec<Line> {
        Line::numbered(t)
    }

    #[test]
    fn cut_title_opening_and_signature() {
        let g = Grammars::embedded().unwrap();
        let r = &g.common.body_meta;
        let (a, y, f) = settle(
            &lines(&["安平县市场监督管理局2021年度报...", "一、总体情况"]),
            String::new(),
            None,
            r,
        );
        assert_eq!(
            (a.as_str(), y, f.len()),
            ("安平县市场监督管理局", Some(2021), 0)
        );
        let (a, y, _) = settle(
            &lines(&[
                "根据《条例》要求，现公布沂源县自然资源局2020年政府信息公开工作年度报告。",
                "正文",
            ]),
            String::new(),
            None,
            r,
        );
        assert_eq!((a.as_str(), y), ("沂源县自然资源局", Some(2020)));
        let (a, _, _) = settle(
            &lines(&["正文", "某某县教育局", "2022年1月20日"]),
            String::new(),
            Some(2021),
            r,
        );
        assert_eq!(a, "某某县教育局");
    }

    #[test]
    fn prose_fragment_is_never_an_agency() {
        let g = Grammars::embedded().unwrap();
        let (a, y, f) = settle(
            &lines(&["正文很长。", "本年度未收取信息处理费。"]),
            "…未收取信息处理费。附件:1、".into(),
            Some(2022),
            &g.common.body_meta,
        );
        assert_eq!((a.as_str(), y), ("", Some(2022)));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check, "meta_unclear");
        assert!(f[0].message.contains("prose"), "{}", f[0].message);
    }

    #[test]
    fn an_agency_is_a_short_name_without_sentence_characters() {
        let g = Grammars::embedded().unwrap();
        let mut r = g.common.body_meta.clone();
        let max = r.max_agency_chars;
        assert!(plausible_agency("某局", &r));
        assert!(!plausible_agency("局", &r));
        assert!(plausible_agency(&"局".repeat(max), &r));
        assert!(!plausible_agency(&"局".repeat(max + 1), &r));
        assert!(!plausible_agency("某局，现公布", &r));
        assert!(!plausible_agency("某局2021", &r));
        // No length limit when the grammar sets none.
        r.max_agency_chars = 0;
        assert!(plausible_agency(&"局".repeat(max + 1), &r));
    }

    #[test]
    fn a_plausible_title_block_is_kept_and_the_body_fills_only_gaps() {
        let g = Grammars::embedded().unwrap();
        let r = &g.common.body_meta;
        let body = lines(&[
            "根据《条例》要求，现公布沂源县自然资源局2020年政府信息公开工作年度报告。",
            "正文",
        ]);
        let (a, y, f) = settle(&body, " 某某县教育局 ".into(), Some(2021), r);
        assert_eq!((a.as_str(), y, f.len()), ("某某县教育局", Some(2021), 0));
        // Only the year missing: the body's year, the title's agency.
        let (a, y, f) = settle(&body, "某某县教育局".into(), None, r);
        assert_eq!((a.as_str(), y, f.len()), ("某某县教育局", Some(2020), 0));
        // Only the agency missing: the body's agency, the title's year.
        let (a, y, _) = settle(&body, String::new(), Some(2021), r);
        assert_eq!((a.as_str(), y), ("沂源县自然资源局", Some(2021)));
        // Nothing anywhere: two findings, each naming its field.
        let (a, y, f) = settle(&lines(&["", "正文"]), String::new(), None, r);
        assert_eq!((a.as_str(), y), ("", None));
        let said: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            said,
            [
                "agency not found: no title, opening paragraph or signature names it; left empty",
                "year not found: no title or opening paragraph states it; left empty"
            ]
        );
    }

    #[test]
    fn the_body_is_searched_at_its_head_and_its_tail_only() {
        let g = Grammars::embedded().unwrap();
        let r = &g.common.body_meta;
        let opening = "根据《条例》要求，现公布沂源县自然资源局2020年政府信息公开工作年度报告。";
        let mut far: Vec<&str> = vec!["正文"; HEAD_LINES];
        far.push(opening);
        far.extend(["正文"; TAIL_LINES]);
        let (a, y, _) = settle(&lines(&far), String::new(), None, r);
        assert_eq!((a.as_str(), y), ("", None));
        // Blank lines do not count against the head.
        let mut padded: Vec<&str> = vec![""; HEAD_LINES];
        padded.push(opening);
        let (a, _, _) = settle(&lines(&padded), String::new(), None, r);
        assert_eq!(a, "沂源县自然资源局");
        // The signature is near the end.
        let mut signed = vec!["某某县教育局"];
        signed.extend(["正文"; TAIL_LINES]);
        let (a, _, _) = settle(&lines(&signed), String::new(), Some(2021), r);
        assert_eq!(a, "");
        let (a, _, _) = settle(&lines(&signed[..TAIL_LINES]), String::new(), Some(2021), r);
        assert_eq!(a, "某某县教育局");
    }
}
