//! HTML pages → lines of text, tables → exact grids.
//!
//! Most reports are published as a page on a government portal, often pasted from
//! Word. The page is decoded (BOM, then the page's own `<meta charset>` /
//! `http-equiv` declaration, then detection), parsed with a real HTML5 parser
//! (html5ever through `scraper`), and the article — the part holding the report
//! title, the section headings and the data tables — is found, so portal
//! navigation, breadcrumbs and footers are not read. Scripts, styles, forms and
//! hidden elements are never read.
//!
//! Block elements become lines. A data table becomes one line per row with every
//! cell exactly one tab-separated field: `rowspan`/`colspan` are expanded so a
//! spanned value stays in its origin cell only (the other positions are empty
//! fields, never copies), `&nbsp;`/empty cells are empty fields, and the text of a
//! cell is joined across its `<p>`/`<br>` (Word puts `商业`/`企业` in two
//! paragraphs of one cell). The table stage reads tab-separated lines field by
//! field, so no digits can be glued and no cell can move. A table that holds
//! another table is a layout table: its cells are read as ordinary blocks.
//!
//! [`fragment_to_lines`] applies the same grid reader to `<table>` blocks in
//! markdown (how PDF-to-markdown converters write tables with merged cells; see
//! [`super::embedded`]).

use super::grid::{self, is_wide, Slot};
use super::IngestError;
use crate::model::{Document, Page, SourceKind};
use crate::numbering;
use ego_tree::NodeRef;
use encoding_rs::{Encoding, GB18030, UTF_8};
use scraper::{Html, Node};

type NodeR<'a> = NodeRef<'a, Node>;

/// Bytes scanned for a `<meta charset>` declaration. The HTML standard's prescan
/// reads 1024 bytes; pages saved from Word put the declaration after a long block
/// of XML properties, so a larger window is read.
const CHARSET_SCAN_BYTES: usize = 16 * 1024;

/// Bytes at the start of an input looked at to decide whether it is HTML.
const SNIFF_BYTES: usize = 4096;

/// Largest `colspan`/`rowspan` honoured; larger values (malformed or hostile
/// pages) are clamped so a grid stays small. A report table has fewer than 20
/// columns and 40 rows.
const MAX_SPAN: usize = 200;

/// Marks a whitespace run that held a line break in the page source: between two
/// CJK characters it is dropped (the CSS rule for segment breaks in Chinese text),
/// elsewhere it is a space.
const SEGMENT_BREAK: char = '\u{E000}';

/// True when the bytes are an HTML page rather than text or markdown.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(head);
    // Most inputs are text: their first character tells, without decoding
    // and lowercasing the whole head.
    if !starts_with_tag(head) {
        return false;
    }
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    ["<!doctype html", "<html", "<head", "<body", "<meta"]
        .iter()
        .any(|m| lower.contains(m))
}

/// Whether the first character of `head` (read as UTF-8, an invalid sequence
/// being U+FFFD as in `String::from_utf8_lossy`) other than whitespace is `<`:
/// `from_utf8_lossy(head).trim_start().starts_with('<')`, decoding only the
/// characters up to it.
fn starts_with_tag(head: &[u8]) -> bool {
    let mut i = 0;
    while i < head.len() {
        // A character has at most four bytes.
        let window = &head[i..head.len().min(i + 4)];
        let valid = match std::str::from_utf8(window) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&window[..e.valid_up_to()]).unwrap_or_default(),
        };
        // Nothing valid here: an invalid or cut sequence, U+FFFD.
        let Some(c) = valid.chars().next() else {
            return false;
        };
        if !c.is_whitespace() {
            return c == '<';
        }
        i += c.len_utf8();
    }
    false
}

/// The encoding a page declares in a `<meta>` element, if any and if known.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(CHARSET_SCAN_BYTES)];
    let re =
        crate::text::cached_regex(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)"#)?;
    let head = String::from_utf8_lossy(head);
    let label = re.captures(&head)?.get(1)?.as_str().to_string();
    let enc = Encoding::for_label(label.as_bytes())?;
    // GB18030 is a superset of GBK and GB2312, which pages often mislabel.
    if enc == encoding_rs::GBK || enc == GB18030 {
        return Some(GB18030);
    }
    // A page declaring UTF-16 in ASCII-compatible bytes is really UTF-8 (HTML standard).
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(UTF_8);
    }
    Some(enc)
}

/// Decodes a page: BOM first, then its declared charset, then detection.
pub fn decode_html(bytes: &[u8]) -> Result<(String, String), IngestError> {
    if Encoding::for_bom(bytes).is_none() {
        if let Some(enc) = declared_charset(bytes) {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if !had_errors {
                return Ok((text.into_owned(), enc.name().to_ascii_lowercase()));
            }
        }
    }
    super::decode_text(bytes)
}

/// Reads an HTML page into one page of lines; `report_words` name the report in
/// its title (`[title] report_words` of `common.toml`).
pub fn read_html(bytes: &[u8], report_words: &[String]) -> Result<Document, IngestError> {
    let (text, enc) = decode_html(bytes)?;
    let lines = html_to_lines(&text, report_words);
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Err(IngestError::Empty);
    }
    Ok(Document {
        source: SourceKind::Html(enc),
        pages: vec![Page {
            number: 1,
            lines,
            line_offset: 0,
        }],
        repairs: Vec::new(),
        findings: Vec::new(),
    })
}

/// The article of a page as lines: blocks one per line, tables one row per line
/// with tab-separated cells. A text holding one of `report_words` names the report
/// (its title anchors the article; the page's `<title>` stands in when the
/// article lacks one).
pub fn html_to_lines(html: &str, report_words: &[String]) -> Vec<String> {
    let doc = Html::parse_document(html);
    let root = doc.tree.root();
    let names_report = |t: &str| report_words.iter().any(|w| t.contains(w.as_str()));
    let article = find_article(root, &names_report);
    let mut out = Lines::default();
    if let Some(title) = page_title(root, &names_report) {
        if !names_report(&text_of(article)) {
            out.text(&title);
            out.flush();
        }
    }
    emit(article, &mut out);
    out.flush();
    out.lines
}

/// The lines of an HTML fragment (a `<table>` embedded in markdown).
pub fn fragment_to_lines(fragment: &str) -> Vec<String> {
    let doc = Html::parse_fragment(fragment);
    let mut out = Lines::default();
    emit(doc.tree.root(), &mut out);
    out.flush();
    out.lines
}

/// Accumulates text into lines.
#[derive(Default)]
struct Lines {
    lines: Vec<String>,
    cur: String,
}

impl Lines {
    /// Adds the text of a text node, with HTML whitespace collapsed.
    fn text(&mut self, s: &str) {
        let mut run: Option<bool> = None; // Some(had line break)
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0C}') {
                let br = matches!(c, '\n' | '\r');
                run = Some(run.unwrap_or(false) || br);
                continue;
            }
            if let Some(br) = run.take() {
                self.cur.push(if br { SEGMENT_BREAK } else { ' ' });
            }
            self.cur.push(c);
        }
        if let Some(br) = run {
            self.cur.push(if br { SEGMENT_BREAK } else { ' ' });
        }
    }

    /// Text kept as printed (inside `<pre>`): each source line is a line.
    fn pre(&mut self, s: &str) {
        let mut parts = s.split('\n');
        if let Some(first) = parts.next() {
            self.cur.push_str(first.trim_end_matches('\r'));
        }
        for p in parts {
            let line = std::mem::take(&mut self.cur);
            self.lines.push(line.trim_end().replace('\u{A0}', " "));
            self.cur.push_str(p.trim_end_matches('\r'));
        }
    }

    fn flush(&mut self) {
        let line = collapse(&std::mem::take(&mut self.cur));
        if !line.is_empty() {
            self.lines.push(line);
        }
    }
}

/// Collapses whitespace runs of a line to one space (a source line break between
/// wide characters to nothing) and trims it.
fn collapse(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let is_ws = |c: char| matches!(c, ' ' | '\u{A0}' | SEGMENT_BREAK);
    while i < chars.len() {
        if !is_ws(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_ws(chars[i]) {
            i += 1;
        }
        let only_breaks = chars[start..i].iter().all(|&c| c == SEGMENT_BREAK);
        let wide_both =
            start > 0 && i < chars.len() && is_wide(chars[start - 1]) && is_wide(chars[i]);
        if !(only_breaks && wide_both) {
            out.push(' ');
        }
    }
    out.trim_matches(|c: char| c.is_whitespace()).to_string()
}

fn element_name<'a>(n: &NodeR<'a>) -> Option<&'a str> {
    n.value().as_element().map(|e| e.name())
}

/// Elements never read: code, styling, forms and page furniture by their tag.
fn is_skipped(n: &NodeR) -> bool {
    let Some(el) = n.value().as_element() else {
        return false;
    };
    if matches!(
        el.name(),
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "iframe"
            | "object"
            | "embed"
            | "svg"
            | "canvas"
            | "select"
            | "option"
            | "button"
            | "input"
            | "textarea"
            | "map"
            | "xml"
    ) {
        return true;
    }
    if el.attr("hidden").is_some() {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

/// Elements that start and end a line.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hr"
            | "html"
            | "li"
            | "main"
            | "menu"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

fn emit(n: NodeR, out: &mut Lines) {
    match n.value() {
        Node::Text(t) => out.text(t),
        Node::Element(el) => {
            if is_skipped(&n) {
                return;
            }
            let name = el.name();
            match name {
                "br" => out.flush(),
                "table" if !has_nested_table(n) => {
                    out.flush();
                    emit_table(n, out);
                }
                "pre" => {
                    out.flush();
                    emit_pre(n, out);
                    out.flush();
                }
                _ => {
                    let block = is_block(name);
                    if block {
                        out.flush();
                    }
                    for c in n.children() {
                        emit(c, out);
                    }
                    if block {
                        out.flush();
                    }
                }
            }
        }
        Node::Document | Node::Fragment => {
            for c in n.children() {
                emit(c, out);
            }
        }
        _ => {}
    }
}

fn emit_pre(n: NodeR, out: &mut Lines) {
    for d in n.descendants() {
        if let Node::Text(t) = d.value() {
            if !d.ancestors().any(|a| is_skipped(&a)) {
                out.pre(t);
            }
        }
    }
}

fn has_nested_table(n: NodeR) -> bool {
    n.descendants()
        .skip(1)
        .any(|d| element_name(&d) == Some("table"))
}

/// Rows of a table (its own `<tr>`s, through `thead`/`tbody`/`tfoot`), each a
/// list of its `<td>`/`<th>` cells.
fn table_rows<'a>(table: NodeR<'a>) -> Vec<Vec<NodeR<'a>>> {
    let mut rows = Vec::new();
    let mut push_row = |tr: NodeR<'a>| {
        let cells: Vec<NodeR<'a>> = tr
            .children()
            .filter(|c| matches!(element_name(c), Some("td" | "th")))
            .filter(|c| !is_skipped(c))
            .collect();
        rows.push(cells);
    };
    for c in table.children() {
        match element_name(&c) {
            Some("tr") if !is_skipped(&c) => push_row(c),
            Some("thead" | "tbody" | "tfoot") if !is_skipped(&c) => {
                for tr in c.children() {
                    if element_name(&tr) == Some("tr") && !is_skipped(&tr) {
                        push_row(tr);
                    }
                }
            }
            _ => {}
        }
    }
    rows
}

fn span(n: NodeR, attr: &str, zero_means: usize) -> usize {
    let v = n
        .value()
        .as_element()
        .and_then(|e| e.attr(attr))
        .map(|s| s.trim().trim_end_matches(';').trim().to_string());
    match v.as_deref().map(str::parse::<usize>) {
        Some(Ok(0)) => zero_means.max(1),
        Some(Ok(k)) => k.clamp(1, MAX_SPAN),
        _ => 1,
    }
}

/// The grid of a table: rowspan/colspan expanded, a spanned value in its origin
/// cell only, logical columns only ([`grid::normalise`]).
pub(crate) fn table_grid(table: NodeR) -> Vec<Vec<String>> {
    let rows = table_rows(table);
    let n = rows.len();
    let mut slots: Vec<Vec<Option<Slot>>> = vec![Vec::new(); n];
    for (r, cells) in rows.iter().enumerate() {
        let mut c = 0;
        for &cell in cells {
            while slots[r].get(c).is_some_and(Option::is_some) {
                c += 1;
            }
            let cs = span(cell, "colspan", 1);
            let rs = span(cell, "rowspan", n - r).min(n - r);
            let text = cell_text(cell);
            for (dr, row) in slots.iter_mut().enumerate().skip(r).take(rs) {
                if row.len() < c + cs {
                    row.resize(c + cs, None);
                }
                for (k, slot) in row.iter_mut().enumerate().skip(c).take(cs) {
                    // Overlapping spans (malformed tables): the first cell keeps its place.
                    if slot.is_none() {
                        *slot = Some(if dr == r && k == c {
                            Slot::origin(text.clone())
                        } else {
                            Slot::covered(k == c)
                        });
                    }
                }
            }
            c += cs;
        }
    }
    let slots: Vec<Vec<Slot>> = slots
        .into_iter()
        .map(|row| row.into_iter().map(Option::unwrap_or_default).collect())
        .collect();
    grid::normalise(&slots)
}

fn emit_table(table: NodeR, out: &mut Lines) {
    for c in table.children() {
        if element_name(&c) == Some("caption") && !is_skipped(&c) {
            emit(c, out);
            out.flush();
        }
    }
    out.flush();
    for line in grid::lines(&table_grid(table)) {
        if line.contains('\t') {
            out.lines.push(line);
        } else {
            out.text(&line);
            out.flush();
        }
    }
}

/// The text of one cell on one line ([`grid::join_cell`], as for Word).
fn cell_text(cell: NodeR) -> String {
    let mut inner = Lines::default();
    for c in cell.children() {
        emit(c, &mut inner);
    }
    inner.flush();
    let lines: Vec<String> = inner.lines.iter().map(|l| collapse(l)).collect();
    grid::join_cell(lines.iter().map(String::as_str))
}

/// All readable text under a node, for locating the article.
fn text_of(n: NodeR) -> String {
    let mut s = String::new();
    collect_text(n, &mut s);
    s
}

fn collect_text(n: NodeR, s: &mut String) {
    match n.value() {
        Node::Text(t) => s.extend(t.chars().filter(|c| !c.is_whitespace())),
        Node::Element(_) if is_skipped(&n) => {}
        _ => {
            for c in n.children() {
                collect_text(c, s);
            }
        }
    }
}

/// A heading of the report's outline: it starts with a level-1 number of the one
/// numbering grammar (`一、`), the form of every template's sections. The number
/// alone counts (`<b>一、</b>总体情况` puts the title in another text node).
fn is_section_heading(text: &str) -> bool {
    matches!(
        numbering::enumerator(text),
        Ok((_, e)) if e.form == numbering::Form::Numeral && e.stop == '、'
    )
}

/// A table of figures: no nested table and at least a few number cells.
fn is_data_table(n: NodeR) -> bool {
    /// Fewer number cells than this is a layout or link table, not a report table.
    const MIN_NUMBER_CELLS: usize = 3;
    element_name(&n) == Some("table")
        && !has_nested_table(n)
        && n.descendants()
            .filter(|d| matches!(element_name(d), Some("td" | "th")))
            .filter(|d| {
                let t = text_of(*d);
                !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            })
            .count()
            >= MIN_NUMBER_CELLS
}

fn inside_link(n: NodeR) -> bool {
    n.ancestors().any(|a| element_name(&a) == Some("a"))
}

/// The part of the page holding the report: the lowest common ancestor of its
/// title (the first text naming the report before the first heading, not a link),
/// its section headings and its data tables. Without such anchors, the whole body.
fn find_article<'a>(root: NodeR<'a>, names_report: &dyn Fn(&str) -> bool) -> NodeR<'a> {
    let body = root
        .descendants()
        .find(|d| element_name(d) == Some("body"))
        .unwrap_or(root);
    let mut anchors: Vec<NodeR> = Vec::new();
    let mut title: Option<NodeR> = None;
    let mut first_heading_seen = false;
    for d in body.descendants() {
        if d.ancestors().any(|a| is_skipped(&a)) || is_skipped(&d) {
            continue;
        }
        match d.value() {
            Node::Text(t) => {
                let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                if t.is_empty() || inside_link(d) {
                    continue;
                }
                if is_section_heading(&t) && !d.ancestors().any(|a| is_data_table(a)) {
                    first_heading_seen = true;
                    anchors.push(d);
                } else if !first_heading_seen && title.is_none() && names_report(&t) {
                    title = Some(d);
                }
            }
            Node::Element(_) if is_data_table(d) => anchors.push(d),
            _ => {}
        }
    }
    if let Some(t) = title {
        anchors.push(t);
    }
    if anchors.len() < 2 {
        return body;
    }
    let mut lca = anchors[0];
    for a in &anchors[1..] {
        lca = common_ancestor(lca, *a).unwrap_or(body);
    }
    // A text node or inline element is widened to its block.
    while lca.value().is_text() || element_name(&lca).is_some_and(|n| !is_block(n)) {
        match lca.parent() {
            Some(p) => lca = p,
            None => break,
        }
    }
    lca
}

fn common_ancestor<'a>(a: NodeR<'a>, b: NodeR<'a>) -> Option<NodeR<'a>> {
    let chain: Vec<_> = a.ancestors().collect();
    let a_ids: Vec<_> = std::iter::once(a.id())
        .chain(chain.iter().map(|n| n.id()))
        .collect();
    std::iter::once(b)
        .chain(b.ancestors())
        .find(|n| a_ids.contains(&n.id()))
}

/// The page's `<title>` when it names the report (the site name after `_`, `-`
/// or `|` dropped), for pages whose article body lacks the title.
fn page_title(root: NodeR, names_report: &dyn Fn(&str) -> bool) -> Option<String> {
    let t = root
        .descendants()
        .find(|d| element_name(d) == Some("title"))?;
    let mut s = String::new();
    for d in t.descendants() {
        if let Node::Text(x) = d.value() {
            s.push_str(x);
        }
    }
    s.split(['_', '|', '－'])
        .flat_map(|p| p.split(" - "))
        .map(str::trim)
        .find(|p| names_report(p))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_test_reads_the_head_as_the_lossy_string_does() {
        let cases: [&[u8]; 12] = [
            b"",
            b"   ",
            b"<html>",
            b" \t\r\n<!DOCTYPE html>",
            "\u{3000}\u{A0}<p>".as_bytes(),
            "\u{3000}一、总体情况".as_bytes(),
            b"\xFF<html>",
            b" \xE3\x80",
            b"\xE3\x80\x80<",
            b"\xE3\x80<",
            "\u{85}\u{2028}<x".as_bytes(),
            b"x<html>",
        ];
        for head in cases {
            assert_eq!(
                starts_with_tag(head),
                String::from_utf8_lossy(head).trim_start().starts_with('<'),
                "{head:?}"
            );
        }
    }

    fn grid_of(html: &str) -> Vec<Vec<String>> {
        let doc = Html::parse_fragment(html);
        let t = doc
            .tree
            .root()
            .descendants()
            .find(|d| element_name(d) == Some("table"))
            .unwrap();
        table_grid(t)
    }

    #[test]
    fn spans_expand_with_value_in_origin_only() {
        let g = grid_of(
            "<table><tr><td rowspan=2 colspan=2>corner</td><td colspan=2>申请人情况</td></tr>\
             <tr><td>自然人</td><td>法人</td></tr>\
             <tr><td rowspan=2>三、结果</td><td>（一）予以公开</td><td>3</td><td>&nbsp;</td></tr>\
             <tr><td>（二）部分公开</td><td>1</td><td>0</td></tr></table>",
        );
        assert_eq!(
            g,
            vec![
                vec!["corner", "", "申请人情况", ""],
                vec!["", "", "自然人", "法人"],
                vec!["三、结果", "（一）予以公开", "3", ""],
                vec!["", "（二）部分公开", "1", "0"],
            ]
        );
    }

    #[test]
    fn cell_paragraphs_join_and_borders_are_escaped() {
        let g = grid_of(
            "<table><tr><td><p class=MsoNormal><span>商业<o:p></o:p></span></p><p>企业</p></td>\
             <td>a<br>b</td><td>x|y\tz</td><td>　1 </td></tr></table>",
        );
        assert_eq!(g, vec![vec!["商业企业", "a b", "x｜y z", "1"]]);
    }

    #[test]
    fn the_words_naming_the_report_come_from_the_grammar() {
        let page = "<html><head><title>X局2020年信息公开年报_X市政府</title></head><body>\
            <div class=art><p>一、总体情况</p><p>正文。</p><p>二、主动公开</p></div></body></html>";
        let with = |w: &str| html_to_lines(page, &[w.to_string()]);
        assert_eq!(with("年报")[0], "X局2020年信息公开年报");
        assert_eq!(with("年度报告")[0], "一、总体情况");
        // The built-in grammars' words are the default.
        assert_eq!(
            crate::ingest::IngestOptions::default().report_words,
            ["年度报告"]
        );
    }

    #[test]
    fn section_headings_are_the_numbering_grammars_level_one() {
        for t in ["一、总体情况", "一、", "七、存在的主要问题", "十、其他"] {
            assert!(is_section_heading(t), "{t}");
        }
        for t in [
            "一是加强领导",
            "（一）主动公开",
            "1.规章",
            "2020年",
            "一.总体",
        ] {
            assert!(!is_section_heading(t), "{t}");
        }
    }

    #[test]
    fn article_found_and_portal_dropped() {
        let page = "<html><head><title>X局2020年政府信息公开工作年度报告_X市政府</title>\
            <style>p{}</style><script>var a='一、总体情况';</script></head><body>\
            <div class=nav><a href=/>首页</a><a href=/x>政务公开</a></div>\
            <div class=main><div class=crumb>当前位置：<a>首页</a> &gt; 年报</div>\
            <div class=art><h1>X局2020年政府信息公开工作年度报告</h1>\
            <div class=content><p>一、总体情况</p><p>正文\n内容</p>\
            <table><tr><td>规章</td><td>1</td><td>2</td><td>3</td></tr></table>\
            <p style='display:none'>隐藏</p><p>二、其他</p></div></div>\
            <div class=related><a>2019年政府信息公开工作年度报告</a></div></div>\
            <div class=footer>主办单位：X市人民政府办公室</div></body></html>";
        let lines = html_to_lines(page, &["年度报告".to_string()]);
        assert_eq!(
            lines,
            vec![
                "X局2020年政府信息公开工作年度报告",
                "一、总体情况",
                "正文内容",
                "规章\t1\t2\t3",
                "二、其他"
            ]
        );
    }

    #[test]
    fn layout_table_reads_as_blocks_and_inner_table_as_grid() {
        let lines = fragment_to_lines(
            "<table><tr><td><p>标题</p><table><tr><td>a</td><td>1</td></tr></table></td></tr></table>",
        );
        assert_eq!(lines, vec!["标题", "a\t1"]);
    }

    #[test]
    fn charset_from_meta_and_detection() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>一、总体情况</p></body></html>";
        let (gbk, _, _) = encoding_rs::GBK.encode(page);
        assert!(looks_like_html(&gbk));
        let (text, enc) = decode_html(&gbk).unwrap();
        assert_eq!(enc, "gb18030");
        assert!(text.contains("一、总体情况"));
        assert!(!looks_like_html("一、总体情况\n<table>".as_bytes()));
    }
}
