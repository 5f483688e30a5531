//! Word list numbering → the number Word prints before a paragraph.
//!
//! A heading typed as `一、总体情况` and one numbered by Word look the same on
//! screen, but the second stores only `总体情况` in `word/document.xml`: its `一、`
//! is drawn from `word/numbering.xml` (a level's format and text such as
//! `chineseCounting` and `%1、`) by a counter Word keeps while laying out the
//! document. Without it the heading grammar sees no number, so the section tree
//! and the captions found by their section lose the paragraph. This module keeps
//! those counters in document order and renders the same text.
//!
//! What is rendered: numbering set on the paragraph (`w:pPr/w:numPr`) or by its
//! paragraph style and the styles that style is based on; `w:lvlText` with
//! `%1`…`%9`; the formats reports use (decimal, Chinese counting, full-width and
//! enclosed digits, 甲乙丙, letters, roman numerals); `w:start` and
//! `w:startOverride`. Bullets and `none` print no number. Lists that share an
//! abstract definition continue one sequence, as Word's do. A numbering part that
//! is missing or damaged costs only the numbers, never the text.

use super::El;
use std::collections::HashMap;

/// Levels of a list (`w:ilvl` 0–8 in WordprocessingML).
const LEVELS: usize = 9;

/// Longest `w:basedOn` chain followed from a paragraph's style; real style sheets
/// nest a few levels, a longer (or circular) chain is malformed.
const MAX_STYLE_DEPTH: usize = 16;

/// One level of an abstract list definition.
#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

/// A concrete list (`w:num`): its abstract definition and restarts.
#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: String,
    start_overrides: [Option<u32>; LEVELS],
}

/// A paragraph style's numbering and the style it is based on.
#[derive(Debug, Clone, Default)]
struct Style {
    num_id: Option<String>,
    level: Option<usize>,
    based_on: Option<String>,
}

/// The list definitions of one document and the counters of its lists, advanced
/// paragraph by paragraph in document order.
#[derive(Debug, Default)]
pub(super) struct Numbering {
    abstracts: HashMap<String, [Level; LEVELS]>,
    nums: HashMap<String, Num>,
    styles: HashMap<String, Style>,
    /// Per abstract definition: the last number printed at each level (`None`:
    /// not printed since the level above it last advanced).
    counters: HashMap<String, [Option<u32>; LEVELS]>,
    /// Lists whose `w:startOverride` has been applied (it restarts a list once,
    /// at its first paragraph).
    restarted: Vec<String>,
}

impl Numbering {
    /// Reads the definitions from the parsed `word/numbering.xml` and
    /// `word/styles.xml` (either may be absent).
    pub(super) fn new(numbering: Option<&El>, styles: Option<&El>) -> Self {
        let mut n = Numbering::default();
        if let Some(root) = numbering {
            for a in root.elements().filter(|e| e.name == "w:abstractNum") {
                let Some(id) = a.attr("w:abstractNumId") else {
                    continue;
                };
                let mut levels: [Level; LEVELS] = Default::default();
                for l in a.elements().filter(|e| e.name == "w:lvl") {
                    let Some(i) = index(l.attr("w:ilvl")) else {
                        continue;
                    };
                    levels[i] = Level {
                        start: val(l.child("w:start"))
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1),
                        format: val(l.child("w:numFmt")).unwrap_or("decimal").to_string(),
                        text: val(l.child("w:lvlText")).unwrap_or("").to_string(),
                    };
                }
                n.abstracts.insert(id.to_string(), levels);
            }
            for num in root.elements().filter(|e| e.name == "w:num") {
                let (Some(id), Some(abstract_id)) =
                    (num.attr("w:numId"), val(num.child("w:abstractNumId")))
                else {
                    continue;
                };
                let mut def = Num {
                    abstract_id: abstract_id.to_string(),
                    ..Num::default()
                };
                for o in num.elements().filter(|e| e.name == "w:lvlOverride") {
                    if let Some(i) = index(o.attr("w:ilvl")) {
                        def.start_overrides[i] =
                            val(o.child("w:startOverride")).and_then(|v| v.parse().ok());
                    }
                }
                n.nums.insert(id.to_string(), def);
            }
        }
        if let Some(root) = styles {
            for s in root.elements().filter(|e| e.name == "w:style") {
                let Some(id) = s.attr("w:styleId") else {
                    continue;
                };
                let num_pr = s.child("w:pPr").and_then(|p| p.child("w:numPr"));
                n.styles.insert(
                    id.to_string(),
                    Style {
                        num_id: num_pr
                            .and_then(|p| val(p.child("w:numId")))
                            .map(String::from),
                        level: num_pr.and_then(|p| index(val(p.child("w:ilvl")))),
                        based_on: val(s.child("w:basedOn")).map(String::from),
                    },
                );
            }
        }
        n
    }

    /// The number Word prints before the paragraph whose properties are `p_pr`
    /// (advancing its list), or `None` for a paragraph outside any list.
    pub(super) fn label(&mut self, p_pr: Option<&El>) -> Option<String> {
        let (num_id, level) = self.list_of(p_pr)?;
        let num = self.nums.get(&num_id)?.clone();
        let levels = self.abstracts.get(&num.abstract_id)?.clone();
        let counters = self
            .counters
            .entry(num.abstract_id.clone())
            .or_insert([None; LEVELS]);
        if !self.restarted.contains(&num_id) {
            self.restarted.push(num_id.clone());
            for (i, o) in num.start_overrides.iter().enumerate() {
                if o.is_some() {
                    counters[i] = None;
                }
            }
        }
        let start = |i: usize| num.start_overrides[i].unwrap_or(levels[i].start);
        counters[level] = Some(match counters[level] {
            Some(c) => c.saturating_add(1),
            None => start(level),
        });
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        let l = &levels[level];
        if l.format == "bullet" || l.format == "none" {
            return None;
        }
        let mut out = String::new();
        let mut chars = l.text.chars().peekable();
        while let Some(c) = chars.next() {
            let placeholder = (c == '%')
                .then(|| chars.peek().and_then(|d| d.to_digit(10)))
                .flatten()
                .filter(|d| (1..=LEVELS as u32).contains(d));
            match placeholder {
                Some(d) => {
                    chars.next();
                    let i = d as usize - 1;
                    let value = counters[i].unwrap_or_else(|| start(i));
                    out.push_str(&format_number(value, &levels[i].format));
                }
                None => out.push(c),
            }
        }
        // A number that ends in a letter or digit (`%1` alone) is separated from
        // the text as Word's tab or space does; `一、` and `（一）` are not.
        if out.chars().last().is_some_and(char::is_alphanumeric) {
            out.push(' ');
        }
        (!out.trim().is_empty()).then_some(out)
    }

    /// The list and level of a paragraph: its own `w:numPr`, else its style's
    /// (following `w:basedOn`). `w:numId` 0 removes numbering.
    fn list_of(&self, p_pr: Option<&El>) -> Option<(String, usize)> {
        let own = p_pr.and_then(|p| p.child("w:numPr"));
        let mut num_id = own.and_then(|p| val(p.child("w:numId"))).map(String::from);
        let mut level = own.and_then(|p| index(val(p.child("w:ilvl"))));
        let mut style = p_pr
            .and_then(|p| val(p.child("w:pStyle")))
            .map(String::from);
        let mut depth = 0;
        while let (Some(id), true) = (&style, num_id.is_none() && depth < MAX_STYLE_DEPTH) {
            let Some(s) = self.styles.get(id) else { break };
            num_id = s.num_id.clone();
            level = level.or(s.level);
            style = s.based_on.clone();
            depth += 1;
        }
        let num_id = num_id.filter(|id| id.trim() != "0")?;
        Some((num_id, level.unwrap_or(0)))
    }
}

fn val(el: Option<&El>) -> Option<&str> {
    el?.attr("w:val")
}

fn index(v: Option<&str>) -> Option<usize> {
    v?.trim().parse().ok().filter(|&i: &usize| i < LEVELS)
}

/// `n` in a `w:numFmt`; a format not listed prints decimal digits.
fn format_number(n: u32, format: &str) -> String {
    const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";
    const STEMS: &str = "甲乙丙丁戊己庚辛壬癸";
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "ideographDigital" => chinese(n, "〇一二三四五六七八九", "十"),
        "chineseLegalSimplified" => chinese(n, "零壹贰叁肆伍陆柒捌玖", "拾"),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => nth(CIRCLED, n)
            .map(String::from)
            .unwrap_or_else(|| n.to_string()),
        "ideographTraditional" => nth(STEMS, n)
            .map(String::from)
            .unwrap_or_else(|| n.to_string()),
        "decimalZero" if n < 10 => format!("0{n}"),
        "lowerLetter" => letters(n).to_lowercase(),
        "upperLetter" => letters(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

/// The `n`-th (1-based) character of `chars`.
fn nth(chars: &str, n: u32) -> Option<char> {
    chars.chars().nth((n as usize).checked_sub(1)?)
}

/// Chinese counting as headings print it: 一 … 十, 十一 … 十九, 二十 … 九十九;
/// larger numbers (no report has 100 sections) in decimal digits.
fn chinese(n: u32, digits: &str, ten: &str) -> String {
    let d: Vec<char> = digits.chars().collect();
    let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
    let ones = if ones == 0 {
        String::new()
    } else {
        d[ones].to_string()
    };
    match n {
        0..=9 => d[n as usize].to_string(),
        10..=19 => format!("{ten}{ones}"),
        20..=99 => format!("{}{ten}{ones}", d[tens]),
        _ => n.to_string(),
    }
}

/// A, B, … Z, AA, BB, … as Word counts letters.
fn letters(n: u32) -> String {
    if n == 0 {
        return n.to_string();
    }
    let letter = char::from(b'A' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1).min(10) as usize).collect()
}

fn roman(mut n: u32) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    const PARTS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in PARTS {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse_xml;
    use super::*;

    const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn el(xml: &str) -> El {
        parse_xml(xml.as_bytes()).unwrap()
    }

    #[test]
    fn formats() {
        assert_eq!(format_number(1, "chineseCounting"), "一");
        assert_eq!(format_number(10, "chineseCounting"), "十");
        assert_eq!(format_number(14, "chineseCountingThousand"), "十四");
        assert_eq!(format_number(20, "chineseCounting"), "二十");
        assert_eq!(format_number(36, "chineseCounting"), "三十六");
        assert_eq!(format_number(3, "chineseLegalSimplified"), "叁");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "ideographTraditional"), "乙");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(14, "lowerRoman"), "xiv");
        assert_eq!(format_number(7, "someNewFormat"), "7");
    }

    /// Two levels (`%1、` in Chinese counting, `（%2）`), a style that numbers
    /// headings through `w:basedOn`, a bullet list and a restarted list.
    fn numbering() -> Numbering {
        let numbering = el(&format!(
            r#"<w:numbering {NS}>
              <w:abstractNum w:abstractNumId="0">
                <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
                <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
              </w:abstractNum>
              <w:abstractNum w:abstractNumId="1">
                <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
              </w:abstractNum>
              <w:abstractNum w:abstractNumId="2">
                <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
              </w:abstractNum>
              <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
              <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
              <w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
              <w:num w:numId="4"><w:abstractNumId w:val="2"/>
                <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
            </w:numbering>"#
        ));
        let styles = el(&format!(
            r#"<w:styles {NS}>
              <w:style w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
              <w:style w:styleId="Sub"><w:basedOn w:val="H1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
              <w:style w:styleId="Loop"><w:basedOn w:val="Loop"/></w:style>
            </w:styles>"#
        ));
        Numbering::new(Some(&numbering), Some(&styles))
    }

    fn p_pr(inner: &str) -> El {
        el(&format!("<w:pPr {NS}>{inner}</w:pPr>"))
    }

    fn own(num: &str, level: usize) -> El {
        p_pr(&format!(
            r#"<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>"#
        ))
    }

    fn style(id: &str) -> El {
        p_pr(&format!(r#"<w:pStyle w:val="{id}"/>"#))
    }

    #[test]
    fn counters_follow_the_document() {
        let mut n = numbering();
        let mut next = |p: &El| n.label(Some(p));
        assert_eq!(next(&style("H1")).as_deref(), Some("一、"));
        assert_eq!(next(&style("Sub")).as_deref(), Some("（一）"));
        assert_eq!(next(&own("1", 1)).as_deref(), Some("（二）"));
        assert_eq!(next(&style("H1")).as_deref(), Some("二、"));
        // The level below restarts after its parent advanced.
        assert_eq!(next(&style("Sub")).as_deref(), Some("（一）"));
        // Bullets, no list, numId 0 and a circular style print nothing.
        assert_eq!(next(&own("2", 0)), None);
        assert_eq!(next(&p_pr("")), None);
        assert_eq!(next(&own("0", 0)), None);
        assert_eq!(next(&style("Loop")), None);
        assert_eq!(next(&own("99", 0)), None);
        assert_eq!(next(&style("H1")).as_deref(), Some("三、"));
        // Two lists of one definition continue one sequence; an override restarts.
        assert_eq!(next(&own("3", 0)).as_deref(), Some("1."));
        assert_eq!(next(&own("3", 0)).as_deref(), Some("2."));
        assert_eq!(next(&own("4", 0)).as_deref(), Some("1."));
        assert_eq!(next(&own("4", 0)).as_deref(), Some("2."));
    }

    #[test]
    fn no_definitions_no_numbers() {
        let mut n = Numbering::new(None, None);
        assert_eq!(n.label(Some(&own("1", 0))), None);
        assert_eq!(n.label(None), None);
    }
}
