//! HTML tables embedded in text: PDF-to-markdown converters write a table with
//! merged cells as HTML (`<table>…</table>`, often a whole table on one line).
//! Such a block is read by the HTML reader's exact grid
//! ([`super::html::fragment_to_lines`]), one tab-separated line per row.
//!
//! This is reading a format, so it lives in ingest; it runs on the cleaned
//! [`Line`]s (called by `parse::crawled::rebuild`), not on the [`crate::model::Page`]s
//! ingest returns, because every row must keep the input place of the line that
//! holds its first cell, and only a `Line` carries its place: a page numbers its
//! lines by position, so rows inserted there would shift every later line.

use crate::model::Line;

/// Whether `text` holds `<table` in any case (`text.to_ascii_lowercase()
/// .contains("<table")` without lowercasing a copy of every line).
fn has_table_tag(text: &str) -> bool {
    const TAG: &[u8] = b"<table";
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'<')
        .any(|(i, _)| {
            bytes[i..]
                .get(..TAG.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(TAG))
        })
}

/// `<table>` blocks in markdown (PDF-to-markdown converters write tables with
/// merged cells as HTML, often a whole table on one line) → the HTML reader's
/// exact grid, one tab-separated line per row. Each row keeps the input place of
/// the line holding its first cell, so a one-line table's rows all point at it
/// and the lines after it keep their numbers.
pub fn expand_tables(lines: Vec<Line>) -> Vec<Line> {
    if !lines.iter().any(|l| has_table_tag(&l.text)) {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let lower = lines[i].text.to_ascii_lowercase();
        let Some(start) = lower.find("<table") else {
            out.push(lines[i].clone());
            i += 1;
            continue;
        };
        // The line where every table opened here is closed again.
        let mut depth = 0i64;
        let mut end = None;
        for (j, l) in lines.iter().enumerate().skip(i) {
            let lw = l.text.to_ascii_lowercase();
            let from = if j == i { start } else { 0 };
            depth += lw[from..].matches("<table").count() as i64;
            depth -= lw[from..].matches("</table>").count() as i64;
            if depth <= 0 {
                end = Some(j);
                break;
            }
        }
        let Some(j) = end else {
            out.push(lines[i].clone());
            i += 1;
            continue;
        };
        let mut block: String = lines[i].text[start..].to_string();
        for l in &lines[i + 1..=j] {
            block.push('\n');
            block.push_str(&l.text);
        }
        let close = block
            .to_ascii_lowercase()
            .rfind("</table>")
            .map_or(block.len(), |p| p + 8);
        let before = lines[i].text[..start].trim();
        if !before.is_empty() {
            out.push(Line::new(before, lines[i].page, lines[i].line));
        }
        let mut cursor = i;
        for row in super::html::fragment_to_lines(&block[..close]) {
            let first = row
                .split('\t')
                .find(|f| !f.is_empty())
                .unwrap_or_default()
                .to_string();
            if let Some(k) = (cursor..=j).find(|&k| lines[k].text.contains(first.as_str())) {
                cursor = k;
            }
            out.push(Line::new(row, lines[cursor].page, lines[cursor].line));
        }
        let after = block[close..].trim();
        if !after.is_empty() {
            out.push(Line::new(after, lines[j].page, lines[j].line));
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_on_one_line_becomes_rows_at_that_line_with_text_around_kept() {
        let src = vec![
            Line::new("前文<table><tr><td>a</td><td>b</td></tr>", 1, 4),
            Line::new("<tr><td>c</td><td>2</td></tr></table>后文", 1, 5),
            Line::new("正文", 1, 6),
        ];
        let got: Vec<(String, usize)> = expand_tables(src)
            .into_iter()
            .map(|l| (l.text, l.line))
            .collect();
        let want = [
            ("前文", 4),
            ("a\tb", 4),
            ("c\t2", 5),
            ("后文", 5),
            ("正文", 6),
        ];
        assert_eq!(
            got,
            want.map(|(t, l)| (t.to_string(), l)).to_vec(),
            "each row at the line of its first cell"
        );
    }

    #[test]
    fn the_tag_is_found_in_any_case_as_lowercasing_finds_it() {
        for t in [
            "",
            "<",
            "<tabl",
            "<table",
            "x<TaBlE>",
            "<<table",
            "< table",
            "表<表<Table",
            "<tablé",
        ] {
            assert_eq!(
                has_table_tag(t),
                t.to_ascii_lowercase().contains("<table"),
                "{t}"
            );
        }
    }

    #[test]
    fn an_unclosed_table_is_left_as_text() {
        let src = vec![Line::new("<table><tr><td>1</td>", 1, 1)];
        let out = expand_tables(src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].text, "<table><tr><td>1</td>");
    }
}
