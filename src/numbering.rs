//! The one grammar of heading numbers and enumerators (nom), shared by `clean`
//! (is this line a heading?), `parse` (outline, table rows, row words) and the
//! label keys of `grammar::labels`.
//!
//! Four forms, full- or half-width: `一、` / `一.` (Chinese numeral and a stop),
//! `（一）`, `1.` / `1、` (one or two digits and a stop — `1.5` is a number, not an
//! enumerator) and `（1）`. Headings additionally accept `一 ` (a numeral and a space),
//! which is how hard-wrapped PDF titles often lose their `、`.

use crate::text::{norm_char, normalized};
use nom::branch::alt;
use nom::bytes::complete::{take_while1, take_while_m_n};
use nom::character::complete::{one_of, space0};
use nom::sequence::{delimited, pair};
use nom::IResult;

/// Chinese numerals used in enumerators (reports never number past 十-something).
pub const NUMERALS: &str = "一二三四五六七八九十";

/// A heading whose text after the number is at most this many characters is a
/// title as a whole; a longer line is a run-in heading (`1.做好…公开。正文…`) whose
/// title ends at its first stop, and that title must also fit this length.
pub const MAX_HEADING_TITLE_CHARS: usize = 40;

/// The four enumerator forms, in heading-level order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `一、`, `一.` — level 1.
    Numeral,
    /// `（一）` — level 2.
    ParenNumeral,
    /// `1.`, `1、` — level 3.
    Arabic,
    /// `（1）` — level 4.
    ParenArabic,
}

impl Form {
    /// Heading level of the form (1 = `一、`).
    pub fn level(self) -> u8 {
        match self {
            Form::Numeral => 1,
            Form::ParenNumeral => 2,
            Form::Arabic => 3,
            Form::ParenArabic => 4,
        }
    }
}

/// One parsed enumerator: its form, the numerals or digits, and the stop after a
/// bare number (`、`, `.`, `．`, or a space for headings; `)` for bracketed forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enumerator<'a> {
    pub form: Form,
    pub digits: &'a str,
    pub stop: char,
}

fn is_numeral(c: char) -> bool {
    NUMERALS.contains(c)
}

fn cn_numeral(s: &str) -> IResult<&str, &str> {
    take_while1(is_numeral)(s)
}

fn ascii_num(s: &str) -> IResult<&str, &str> {
    take_while_m_n(1, 2, |c: char| c.is_ascii_digit())(s)
}

fn open(s: &str) -> IResult<&str, char> {
    one_of("(（")(s)
}

fn close(s: &str) -> IResult<&str, char> {
    one_of(")）")(s)
}

fn fail(s: &str) -> nom::Err<nom::error::Error<&str>> {
    nom::Err::Error(nom::error::Error::new(s, nom::error::ErrorKind::Verify))
}

/// An enumerator at the start of `s` (no leading space). `stops` are the
/// characters accepted after a bare Chinese numeral.
fn enumerator_with<'a>(s: &'a str, numeral_stops: &str) -> IResult<&'a str, Enumerator<'a>> {
    let numeral = |s: &'a str| {
        let (r, (d, stop)) = pair(cn_numeral, one_of(numeral_stops))(s)?;
        Ok((
            r,
            Enumerator {
                form: Form::Numeral,
                digits: d,
                stop,
            },
        ))
    };
    let paren_numeral = |s: &'a str| {
        let (r, d) = delimited(open, cn_numeral, close)(s)?;
        Ok((
            r,
            Enumerator {
                form: Form::ParenNumeral,
                digits: d,
                stop: ')',
            },
        ))
    };
    let arabic = |s: &'a str| {
        let (r, (d, stop)) = pair(ascii_num, one_of(".．、"))(s)?;
        // `1.5` is a number, not an enumerator.
        if r.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(fail(s));
        }
        Ok((
            r,
            Enumerator {
                form: Form::Arabic,
                digits: d,
                stop,
            },
        ))
    };
    let paren_arabic = |s: &'a str| {
        let (r, d) = delimited(open, ascii_num, close)(s)?;
        Ok((
            r,
            Enumerator {
                form: Form::ParenArabic,
                digits: d,
                stop: ')',
            },
        ))
    };
    alt((numeral, paren_numeral, arabic, paren_arabic))(s)
}

/// An enumerator at the start of `s`: `一、` `（一）` `1.` `（1）`.
pub fn enumerator(s: &str) -> IResult<&str, Enumerator<'_>> {
    enumerator_with(s, "、.．")
}

/// Removes a leading enumerator from a label.
pub fn strip_enumerator(s: &str) -> &str {
    match enumerator(s) {
        Ok((rest, _)) => rest,
        Err(_) => s,
    }
}

/// Byte offset where a trailing enumerator starts (`…数量 2.` → the `2.`), trailing
/// whitespace allowed; the leftmost such start wins.
pub fn trailing_enumerator(s: &str) -> Option<usize> {
    // Every character of an enumerator and of the whitespace after it is one of
    // `in_enumerator`'s, so the leftmost start lies in the longest tail of them: a
    // long line (crawled text holds a whole table) is not parsed at each character.
    let tail = s
        .char_indices()
        .rev()
        .take_while(|&(_, c)| in_enumerator(c))
        .last()
        .map_or(s.len(), |(i, _)| i);
    s[tail..].char_indices().map(|(i, _)| tail + i).find(|&i| {
        enumerator(&s[i..]).is_ok_and(|(rest, e)| {
            // A bracketed digit at the end is a footnote mark or a value, not a label's number.
            e.form != Form::ParenArabic && rest.trim().is_empty()
        })
    })
}

/// Whether `c` may be part of an [`enumerator`] or of the whitespace after it.
fn in_enumerator(c: char) -> bool {
    is_numeral(c)
        || c.is_ascii_digit()
        || c.is_whitespace()
        || matches!(c, '(' | '（' | ')' | '）' | '.' | '．' | '、')
}

/// Whether `c` starts with a section-style enumerator (`一、` or `（一）`), the two
/// forms that start narrative again after a table.
pub fn starts_section_number(c: &str) -> bool {
    matches!(
        enumerator(c),
        Ok((_, e)) if e.form == Form::ParenNumeral || (e.form == Form::Numeral && e.stop == '、')
    )
}

/// Whether `c` starts with a Chinese numeral or an opening bracket (a would-be
/// enumerator, whether or not it parses).
pub fn starts_like_enumerator(c: &str) -> bool {
    c.starts_with(|ch: char| is_numeral(ch) || ch == '(' || ch == '（')
}

/// Parses a heading number at the start of a normalised line: (level, number as
/// printed in `sections.csv`: `一`, `(一)`, `1.`, `(1)`), then skips spaces.
pub fn heading_number(s: &str) -> IResult<&str, (u8, String)> {
    let (rest, e) = enumerator_with(s, "、. ")?;
    let number = match e.form {
        Form::Numeral => e.digits.to_string(),
        Form::ParenNumeral | Form::ParenArabic => format!("({})", e.digits),
        Form::Arabic => format!("{}.", e.digits),
    };
    let (rest, _) = space0(rest)?;
    Ok((rest, (e.form.level(), number)))
}

/// Whether `text` may be a heading: its first character other than spaces and
/// `#` (normalised) may start a heading number. Most lines of a report are not
/// headings, and this rejects them without normalising the line. It accepts
/// every line [`heading_of`] accepts: that one skips spaces, `#`s and spaces in
/// this order, so its first character is this one, or a space or a `#`.
fn may_start_heading(text: &str) -> bool {
    text.chars()
        .map(norm_char)
        .find(|&c| !c.is_whitespace() && c != '#')
        .is_some_and(|c| is_numeral(c) || c == '(' || c.is_ascii_digit())
}

/// A line's heading `(level, number, title)`, or None for a paragraph.
pub fn heading_of(text: &str) -> Option<(u8, String, String)> {
    if !may_start_heading(text) {
        return None;
    }
    let t = normalized(text);
    let t = t.trim().trim_start_matches('#').trim_start();
    if t.contains('\t') || t.contains('|') {
        return None;
    }
    let (rest, (level, number)) = heading_number(t).ok()?;
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    // Short line: the whole is the title. Run-in heading: up to the first stop.
    let title = if rest.chars().count() <= MAX_HEADING_TITLE_CHARS {
        // A run-in heading on a short (wrapped) line ends at its full stop.
        rest.split('。')
            .next()
            .unwrap_or(rest)
            .trim_end_matches('.')
            .to_string()
    } else {
        let stop = rest.find(['。', ':', '：', ';', '；'])?;
        let t = &rest[..stop];
        if t.chars().count() > MAX_HEADING_TITLE_CHARS {
            return None;
        }
        t.to_string()
    };
    Some((level, number, title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_enumerator_searches_only_the_tail_it_can_lie_in() {
        // The definition: the leftmost start of an enumerator followed by
        // whitespace only, tried at every character.
        fn everywhere(s: &str) -> Option<usize> {
            s.char_indices().map(|(i, _)| i).find(|&i| {
                enumerator(&s[i..])
                    .is_ok_and(|(rest, e)| e.form != Form::ParenArabic && rest.trim().is_empty())
            })
        }
        let alphabet: Vec<char> = "一十2０0(（)）.．、 \u{3000}甲a,".chars().collect();
        let n = alphabet.len();
        // Every string of up to four characters of the alphabet…
        for len in 0..=4u32 {
            for mut k in 0..n.pow(len) {
                let mut s = String::new();
                for _ in 0..len {
                    s.push(alphabet[k % n]);
                    k /= n;
                }
                assert_eq!(trailing_enumerator(&s), everywhere(&s), "{s:?}");
            }
        }
        // …and longer ones, drawn by a fixed linear congruential sequence.
        let mut x: u64 = 1;
        for _ in 0..20_000 {
            let mut s = String::new();
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for _ in 0..(x >> 60) + 6 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push(alphabet[(x >> 33) as usize % n]);
            }
            assert_eq!(trailing_enumerator(&s), everywhere(&s), "{s:?}");
        }
        assert_eq!(trailing_enumerator("数量 2."), Some(7));
    }

    #[test]
    fn forms_and_levels() {
        assert_eq!(heading_number("一、总体").unwrap().1, (1, "一".into()));
        assert_eq!(heading_number("(二)依申请").unwrap().1, (2, "(二)".into()));
        assert_eq!(
            heading_number("3. 其他").unwrap(),
            ("其他", (3, "3.".into()))
        );
        assert_eq!(heading_number("(12)专项").unwrap().1, (4, "(12)".into()));
        assert_eq!(heading_number("一 总体").unwrap().1, (1, "一".into()));
        assert!(heading_number("1.5倍").is_err());
        assert!(heading_number("123.xx").is_err());
        assert!(heading_number("(一").is_err());
    }

    #[test]
    fn strips_and_finds_enumerators() {
        assert_eq!(strip_enumerator("1.属于国家秘密"), "属于国家秘密");
        assert_eq!(strip_enumerator("(三)不予公开"), "不予公开");
        assert_eq!(strip_enumerator("十一、其他"), "其他");
        assert_eq!(strip_enumerator("（三）不予公开"), "不予公开");
        assert_eq!(strip_enumerator("一 其他"), "一 其他");
        assert_eq!(strip_enumerator("规章"), "规章");
        assert_eq!(trailing_enumerator("数量 2. "), Some("数量 ".len()));
        assert_eq!(trailing_enumerator("数量（一）"), Some("数量".len()));
        assert_eq!(trailing_enumerator("数量(1)"), None);
        assert_eq!(trailing_enumerator("数量2.5"), None);
        assert!(starts_section_number("五、其他"));
        assert!(starts_section_number("(一)其他"));
        assert!(!starts_section_number("五.其他"));
        assert!(!starts_section_number("1.其他"));
    }

    #[test]
    fn headings() {
        assert_eq!(heading_of("一、总体情况").unwrap().2, "总体情况");
        assert_eq!(heading_of("## 一、总体情况").unwrap().0, 1);
        assert!(heading_of("一、").is_none());
        assert!(heading_of("一、a\tb").is_none());
        assert_eq!(heading_of("\u{3000}＃ （２）其他").unwrap().1, "(2)");
        assert!(heading_of("#一、").is_none());
        assert!(heading_of("总体情况").is_none());
        let long = format!("1.{}。正文", "字".repeat(MAX_HEADING_TITLE_CHARS + 1));
        assert!(heading_of(&long).is_none());
    }
}
