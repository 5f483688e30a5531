//! Character normalisation used for matching only; outputs keep the report's own text.

/// Maps one character to its matching form: full-width ASCII to half-width,
/// ideographic and no-break spaces to a space, Chinese brackets and stops to ASCII.
pub fn norm_char(c: char) -> char {
    match c {
        '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200B}' | '\u{202F}' | '\u{FEFF}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '【' | '〔' => '[',
        '】' | '〕' => ']',
        '“' | '”' | '„' | '‟' | '″' => '"',
        '‘' | '’' | '′' => '\'',
        '‐' | '‑' | '‒' => '-',
        _ => c,
    }
}

/// Normalises a whole string with [`norm_char`].
pub fn normalize(s: &str) -> String {
    s.chars().map(norm_char).collect()
}

/// The compact matching key of a label: normalised, without whitespace, quotes
/// or table rules, with `、`/`.` after an enumerator unified to `.`.
pub fn compact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().map(norm_char) {
        if c.is_whitespace() || matches!(c, '"' | '\'' | '|' | '#' | '*') {
            continue;
        }
        out.push(c);
    }
    out
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Chinese numerals used in headings, 1..=99.
pub fn chinese_numeral(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".find(c).map(|i| (i / 3) as u32);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c).filter(|&d| d > 0),
        ['十', u] => digit(*u).map(|d| 10 + d),
        [t, '十'] => digit(*t).map(|d| d * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// Terminal punctuation: a line ending in one of these ends a sentence.
pub fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .chars()
        .last()
        .is_some_and(|c| "。；;：:！!？?」』）)】”\"".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_and_brackets() {
        assert_eq!(normalize("（四）１２３＋"), "(四)123+");
        assert_eq!(compact("1. 属于 国家秘密"), "1.属于国家秘密");
        assert_eq!(compact("危及“三安全一稳定”"), "危及三安全一稳定");
        assert_eq!(compact("|　行政许可 |"), "行政许可");
    }

    #[test]
    fn numerals() {
        assert_eq!(chinese_numeral("三"), Some(3));
        assert_eq!(chinese_numeral("十"), Some(10));
        assert_eq!(chinese_numeral("十二"), Some(12));
        assert_eq!(chinese_numeral("二十一"), Some(21));
        assert_eq!(chinese_numeral("甲"), None);
    }
}
