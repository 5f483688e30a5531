//! HTML escaping. Every piece of report text (file names, agencies, lines,
//! labels, messages) is untrusted input and goes through [`esc`] before it is
//! written into a page; ids built from it go through [`slug`].

/// Escapes text for an HTML text node or a quoted attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Controls other than tab would be invalid in HTML; show them visibly.
            c if c.is_control() && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An id or file-name fragment: ASCII letters, digits, `-` and `_` only, every
/// other character replaced by `_`, at most `max` characters.
pub fn slug(s: &str, max: usize) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(max)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            esc("<script>alert(1)</script> & \"x\" 'y'"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;"
        );
        assert_eq!(esc("社会公益信息16 ‖ 条"), "社会公益信息16 ‖ 条");
        assert_eq!(esc("a\u{0}b\tc"), "a\u{FFFD}b\tc");
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("pdf/报告 1.pdf", 40), "pdf____1_pdf");
        assert_eq!(slug("abcdef", 3), "abc");
    }
}
