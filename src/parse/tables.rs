//! Table regions and rows.
//!
//! Tables are found by their own captions and header words, not by section numbers
//! (reports renumber sections). Inside a region, row labels are matched in template
//! order; each run of numbers is bound to the label on its line (or to a label that
//! wraps around it), and runs whose label was detached or lost fill the unmatched
//! template rows between two bound rows when the counts agree. Anything else is
//! reported, never guessed.

use super::tokens::{tokenize_line, Kind, Token};
use crate::grammar::labels::{find_approx, max_errors, row_keys, RowKeys};
use crate::grammar::{Common, Format};
use crate::model::{Line, Repair};
use crate::numbering;
use crate::text::compact;

/// A text token longer than this (compact characters) after a table's numbers is a
/// sentence of the narrative, not a row label: the longest row label of either
/// official template is 37 characters (2021's 申请人逾期未按收费通知…).
const NARRATIVE_MIN_CHARS: usize = 40;

/// How a row found its numbers; kept for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// On the label's line, after it.
    SameLine,
    /// On a line inside a label wrapped over several lines.
    Wrapped,
    /// A value line between two bound rows, placed by template order.
    Order,
    /// The value line right above or below a label that has none on its line.
    Adjacent,
}

#[derive(Debug, Clone)]
pub struct ParsedRow {
    pub row: String,
    /// The report's own words for the label (empty when it was not found).
    pub label: String,
    /// Number and blank tokens of the row, in order.
    pub cells: Vec<Token>,
    pub binding: Binding,
}

#[derive(Debug, Clone, Default)]
pub struct ParsedTable {
    pub table: String,
    pub found: bool,
    pub rows: Vec<ParsedRow>,
    /// Number tokens inside the region that no row took.
    pub stray: Vec<Token>,
    /// Indices of the first and last cleaned line of the region.
    pub lines: (usize, usize),
    /// Structural repairs: rows re-aligned after a page break, blank lines dropped.
    pub repairs: Vec<Repair>,
    /// Numbers a group row gave back because printed sub-rows lacked theirs, so an
    /// unplaced one can say what to check.
    pub released: Vec<Released>,
}

/// A group row's numbers given back (its printed sub-rows were not all accounted for).
#[derive(Debug, Clone, Default)]
pub struct Released {
    /// The group label as printed.
    pub group: String,
    /// The printed sub-row labels that had no numbers of their own.
    pub lacking: Vec<String>,
    /// (line, character column) of each number given back.
    pub at: Vec<(usize, usize)>,
}

impl ParsedTable {
    /// An empty table found at token range `[start, end)`.
    fn found(table: &str, toks: &[Token], (start, end): (usize, usize)) -> Self {
        ParsedTable {
            table: table.to_string(),
            found: true,
            lines: (
                toks.get(start).map_or(0, |t| t.line),
                toks.get(end.saturating_sub(1)).map_or(0, |t| t.line),
            ),
            ..Default::default()
        }
    }
}

/// All tokens of the document plus a compact label stream over its text tokens.
pub struct TokenDoc {
    pub tokens: Vec<Token>,
    /// The cleaned lines the tokens index into.
    lines: Vec<Line>,
    common: Common,
    /// Compact characters of text tokens…
    stream: Vec<char>,
    /// …the token each character came from…
    owner: Vec<usize>,
    /// …and its character offset in that token's raw text.
    offset: Vec<usize>,
}

impl TokenDoc {
    pub fn new(lines: &[Line], common: &Common) -> Self {
        let mut tokens = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            tokens.extend(tokenize_line(
                &l.text,
                i,
                &common.cells.empty_tokens,
                &common.cells.units,
            ));
        }
        let mut stream = Vec::new();
        let mut owner = Vec::new();
        let mut offset = Vec::new();
        for (ti, t) in tokens.iter().enumerate() {
            if t.kind == Kind::Text {
                for (ci, c) in t.raw.chars().enumerate() {
                    if let Some(k) = crate::text::compact_char(c) {
                        stream.push(k);
                        owner.push(ti);
                        offset.push(ci);
                    }
                }
            }
        }
        TokenDoc {
            tokens,
            lines: lines.to_vec(),
            common: common.clone(),
            stream,
            owner,
            offset,
        }
    }

    /// Stream position of the first character of token `ti` or later.
    fn stream_pos_of_token(&self, ti: usize) -> usize {
        self.owner.partition_point(|&o| o < ti)
    }

    /// The first and last token of the first match of `key` in tokens
    /// `[from_tok, to_tok)`, and the stream position where the match starts (a
    /// caption may sit at the end of a long token of glued prose).
    fn find_at(&self, key: &str, from_tok: usize, to_tok: usize) -> Option<(usize, usize, usize)> {
        let key: Vec<char> = compact(key).chars().collect();
        let from = self.stream_pos_of_token(from_tok);
        let to = self.stream_pos_of_token(to_tok);
        let (s, e) = find_approx(&self.stream[..to], from, &key, 0)?;
        Some((self.owner[s], self.owner[e - 1], s))
    }

    /// Token range `[start, end)` of each table, in document order.
    /// Regions of the tables of `format` (anchors from `common.toml` are passed in
    /// through [`TokenDoc::regions`]).
    pub fn regions_for(&self, format: &Format) -> Vec<(String, usize, usize)> {
        let mut out: Vec<(String, usize, usize)> = self
            .regions(&self.common)
            .into_iter()
            .filter(|(id, _, _)| match id.as_str() {
                "active_disclosure" => !format.tables.active_disclosure.blocks.is_empty(),
                _ => true,
            })
            .collect();
        // When table 4 is missing, table 2 or 3 is the last one: it ends at the next
        // section of the template rather than at its own row labels (三、本年度办理结果).
        if let Some(last) = out.last_mut() {
            if last.0 != "review_litigation" {
                last.2 = self.next_section(last.1, format, &last.0);
            }
        }
        // Table 4 whose header words wrapped or glued: found by its section heading,
        // its value line and loose header fragments.
        if out.iter().all(|r| r.0 != "review_litigation") {
            let from = out.last().map_or(0, |r| r.1 + 1);
            if let Some(s) = self.review_by_section(format, from) {
                if let Some(last) = out.last_mut() {
                    last.2 = last.2.min(s);
                }
                out.push(("review_litigation".into(), s, self.end_of_last_table(s)));
            }
        }
        out
    }

    fn review_by_section(&self, format: &Format, from: usize) -> Option<usize> {
        let id = "review_litigation";
        let table = &format.tables.review_litigation;
        let keys: Vec<String> = format
            .sections
            .iter()
            .filter(|s| s.id == id)
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
        super::loose::by_section(
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
                    && is_heading_like(&t.raw)
                    && keys.iter().any(|k| compact(&t.raw).contains(k.as_str()))
            })
            .map_or(self.tokens.len(), |(i, _)| i)
    }

    pub fn regions(&self, common: &Common) -> Vec<(String, usize, usize)> {
        let n = self.tokens.len();
        let mut starts: Vec<(String, usize)> = Vec::new();
        for id in ["active_disclosure", "applications", "review_litigation"] {
            let Some(anchors) = common.tables.get(id) else {
                continue;
            };
            let after = starts.last().map(|(_, s)| *s).unwrap_or(0);
            let mut best: Option<usize> = None;
            for (anchor, marker) in anchors
                .iter()
                .flat_map(|a| a.start.iter().map(move |m| (a, m)))
            {
                let mut from = after;
                while let Some((s, _, sp)) = self.find_at(marker, from, n) {
                    // The window starts at the caption, not at its token: in glued
                    // web text the caption ends a long run of prose.
                    let window_end = (sp + anchor.window).min(self.stream.len());
                    let win: String = self.stream[sp..window_end].iter().collect();
                    if anchor.confirm.iter().any(|c| win.contains(&compact(c))) {
                        best = Some(best.map_or(s, |b| b.min(s)));
                        break;
                    }
                    from = s + 1;
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
            out.push((id.clone(), *s, end));
        }
        out
    }

    /// The last table ends at the first heading-like text after its first numbers.
    fn end_of_last_table(&self, start: usize) -> usize {
        let mut seen_number = false;
        for (i, t) in self.tokens.iter().enumerate().skip(start) {
            match t.kind {
                Kind::Num => seen_number = true,
                Kind::Text if seen_number && is_heading_like(&t.raw) => return i,
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
    !numbering::starts_like_enumerator(&c) && c.chars().count() > NARRATIVE_MIN_CHARS
}

impl TokenDoc {
    /// The report's own words for stream range `[s, e)`, with the enumerator that
    /// precedes it in the same token (`2.`, `（一）`, `一、`).
    fn words(&self, s: usize, e: usize) -> String {
        let (ts, te) = (self.owner[s], self.owner[e - 1]);
        let mut out = String::new();
        for ti in ts..=te {
            let t = &self.tokens[ti];
            if t.kind != Kind::Text {
                continue;
            }
            let chars: Vec<char> = t.raw.chars().collect();
            let from = if ti == ts { self.offset[s] } else { 0 };
            let to = if ti == te {
                self.offset[e - 1] + 1
            } else {
                chars.len()
            };
            let mut from = from;
            if ti == ts {
                let before: String = chars[..from].iter().collect();
                if let Some(at) = numbering::trailing_enumerator(&before) {
                    from = before[..at].chars().count();
                }
            }
            out.extend(&chars[from..to.min(chars.len())]);
        }
        out.trim().to_string()
    }
}

/// A run of number/blank tokens on one line.
#[derive(Debug, Clone)]
struct Group {
    first: usize,
    last: usize,
    line: usize,
    /// Last line of a vertical run of one-cell lines (else `line`).
    last_line: usize,
}

fn groups(tokens: &[Token], start: usize, end: usize) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut cur: Option<Group> = None;
    for (i, t) in tokens.iter().enumerate().take(end).skip(start) {
        let value_like = t.kind != Kind::Text;
        match (&mut cur, value_like) {
            (Some(g), true) if g.line == t.line && g.last + 1 == i => g.last = i,
            (_, true) => {
                if let Some(g) = cur.take() {
                    out.push(g);
                }
                cur = Some(Group {
                    first: i,
                    last: i,
                    line: t.line,
                    last_line: t.line,
                });
            }
            (_, false) => {
                if let Some(g) = cur.take() {
                    out.push(g);
                }
            }
        }
    }
    if let Some(g) = cur {
        out.push(g);
    }
    // Runs of blanks alone carry nothing.
    out.retain(|g| tokens[g.first..=g.last].iter().any(|t| t.kind == Kind::Num));
    merge_vertical(tokens, out)
}

/// One cell per line: consecutive lines that each hold a single number (and no
/// words between them) are one row.
fn merge_vertical(tokens: &[Token], gs: Vec<Group>) -> Vec<Group> {
    let single = |g: &Group| g.first == g.last && g.line == g.last_line;
    let alone_on_line = |i: usize| tokens.iter().filter(|t| t.line == tokens[i].line).count() == 1;
    let mut out: Vec<Group> = Vec::new();
    for g in gs {
        if let Some(prev) = out.last_mut() {
            let prev_single_lines = prev.last == prev.first || (prev.line != prev.last_line);
            if prev_single_lines
                && single(&g)
                && alone_on_line(g.first)
                && alone_on_line(prev.last)
                && g.first == prev.last + 1
                && g.line == prev.last_line + 1
            {
                prev.last = g.last;
                prev.last_line = g.line;
                continue;
            }
        }
        out.push(g);
    }
    out
}

#[derive(Debug, Clone)]
struct LabelHit {
    row: usize,
    words: String,
    last: usize,
    first_line: usize,
    last_line: usize,
}

/// A label found: first and last token, the report's words, and whether the match
/// ends where its token ends (nothing else glued after it).
type LabelMatch = (usize, usize, String, bool);

/// Finds the label of `keys` in the region, from token `from`; a key of three or
/// fewer characters (`总计`, `其他`, `规章`) counts only when numbers follow it.
/// How far (in characters of the table's text) a row label is searched from
/// where its search starts. A whole table 3 prints in about 2,500 characters; a
/// label further away than several tables is not this table's, and an unbounded
/// search makes a hostile file (a table repeated thousands of times) take time
/// quadratic in its size.
const LABEL_SEARCH_CHARS: usize = 20_000;

fn find_label(doc: &TokenDoc, keys: &RowKeys, from: usize, end: usize) -> Option<LabelMatch> {
    let from_pos = doc.stream_pos_of_token(from);
    let end_pos = doc
        .stream_pos_of_token(end)
        .min(from_pos.saturating_add(LABEL_SEARCH_CHARS));
    let hay = &doc.stream[..end_pos];
    let mut best: Option<(usize, usize, String, bool)> = None;
    for key in &keys.keys {
        let mut pos = from_pos;
        while let Some((s, e)) = find_approx(hay, pos, key, max_errors(key.len())) {
            let (ts, te) = (doc.owner[s], doc.owner[e - 1]);
            // Numbers after the label on its line, or opening the next line (one
            // cell per line).
            let line = doc.tokens[te].line;
            let numbers_follow = doc.tokens.get(te + 1).is_some_and(|t| {
                t.kind != Kind::Text
                    && (t.line == line
                        || (t.line == line + 1
                            && doc.tokens.get(te + 2).is_some_and(|u| u.line != t.line)))
            });
            // An approximate match must start a label (after an enumerator or at the
            // start of a cell): `反复申请` inside `无正当理由大量反复申请` is not
            // a misprint of `重复申请`.
            let exact = hay[s..e] == key[..];
            let starts_label = s == 0
                || doc.owner[s - 1] != ts
                || matches!(hay[s - 1], '.' | '、' | ')' | ',' | ':');
            if !exact && !starts_label {
                pos = s + 1;
                continue;
            }
            if key.len() > 3 || numbers_follow {
                // Earliest start wins; keys are tried longest first, so a tie keeps the longer.
                if best.as_ref().is_none_or(|(b, _, _, _)| ts < *b) {
                    best = Some((ts, te, doc.words(s, e), doc.owner.get(e) != Some(&te)));
                }
                break;
            }
            pos = s + 1;
        }
    }
    best
}

/// Parses one table with grid rows (table 3) or labelled rows (table 2).
///
/// `rows` are the template's data rows in order; `ordered` says whether labels
/// must appear in template order (table 3) or anywhere (table 2 blocks move).
pub fn parse_rows(
    doc: &TokenDoc,
    table: &str,
    (start, end): (usize, usize),
    rows: &[RowKeys],
    group_rows: &[RowKeys],
    ordered: bool,
) -> ParsedTable {
    let toks = &doc.tokens;
    let mut hits: Vec<Option<LabelHit>> = vec![None; rows.len() + group_rows.len()];
    let mut cursor = start;
    for (ri, keys) in rows.iter().enumerate() {
        let from = if ordered { cursor } else { start };
        if let Some((f, l, words, _)) = find_label(doc, keys, from, end) {
            hits[ri] = Some(LabelHit {
                row: ri,
                words,
                last: l,
                first_line: toks[f].line,
                last_line: toks[l].line,
            });
            if ordered {
                cursor = l + 1;
            }
        }
    }
    // Labels wrapped in a narrow column whose lines interleave with another column's
    // (a group label beside its sub-rows), read down the column between the rows
    // found around them.
    if ordered {
        for ri in 0..rows.len() {
            if hits[ri].is_some() {
                continue;
            }
            let lo = hits[..ri]
                .iter()
                .flatten()
                .last()
                .map_or(0, |h| h.first_line + 1);
            let hi = hits[ri + 1..rows.len()]
                .iter()
                .flatten()
                .next()
                .map_or(usize::MAX, |h| h.first_line.saturating_sub(1));
            if let Some(c) = super::wrapped::find_in_column(toks, &rows[ri], (start, end), (lo, hi))
            {
                hits[ri] = Some(LabelHit {
                    row: ri,
                    words: c.words,
                    last: c.last,
                    first_line: c.first_line,
                    last_line: c.last_line,
                });
            }
        }
    }
    // Group rows (（三）不予公开 …) carry numbers only when a report prints a subtotal
    // right after the label; they never move the cursor (their labels float).
    let n_data = rows.len();
    for (gi, keys) in group_rows.iter().enumerate() {
        if let Some((f, l, words, ends_token)) = find_label(doc, keys, start, end) {
            let followed = ends_token
                && toks
                    .get(l + 1)
                    .is_some_and(|t| t.kind != Kind::Text && t.line == toks[l].line);
            // Numbers inside the band of a wrapped row label (its first to last line)
            // are that row's, even when a fragment of a group label shares their line.
            let in_band = hits[..n_data].iter().flatten().any(|h| {
                h.first_line < h.last_line && (h.first_line..=h.last_line).contains(&toks[l].line)
            });
            if followed && !in_band {
                hits[n_data + gi] = Some(LabelHit {
                    row: n_data + gi,
                    words,
                    last: l,
                    first_line: toks[f].line,
                    last_line: toks[l].line,
                });
            }
        }
    }
    let all: Vec<&RowKeys> = rows.iter().chain(group_rows).collect();
    let gs = groups(toks, start, end);
    let mut bound: Vec<Option<(usize, Binding)>> = vec![None; gs.len()]; // group -> row
    let mut row_group: Vec<Option<usize>> = vec![None; all.len()];
    let mut given_back: Vec<Released> = Vec::new();
    // 1. Same line, right after the label.
    for (gi, g) in gs.iter().enumerate() {
        let owner = hits
            .iter()
            .flatten()
            .filter(|h| h.last < g.first && h.last_line == g.line)
            .max_by_key(|h| h.last);
        if let Some(h) = owner {
            let between_text = toks[h.last + 1..g.first]
                .iter()
                .any(|t| t.kind == Kind::Text);
            if !between_text && row_group[h.row].is_none() {
                bound[gi] = Some((h.row, Binding::SameLine));
                row_group[h.row] = Some(gi);
            }
        }
    }
    // 2. Inside a label wrapped over lines around its numbers.
    for (gi, g) in gs.iter().enumerate() {
        if bound[gi].is_some() {
            continue;
        }
        let inside = hits.iter().flatten().find(|h| {
            h.first_line < h.last_line
                && h.first_line <= g.line
                && g.line <= h.last_line
                && row_group[h.row].is_none()
        });
        if let Some(h) = inside {
            bound[gi] = Some((h.row, Binding::Wrapped));
            row_group[h.row] = Some(gi);
        }
    }
    // 3. Template order between bound rows.
    if ordered {
        fill_by_order(
            &gs,
            &doc.lines,
            &hits[..n_data],
            &mut bound,
            &mut row_group[..n_data],
            toks,
        );
        // 4. A group row keeps numbers only when its sub-rows are all accounted for:
        // each has its numbers or is not printed at all (a report printing
        // （六）其他处理 as one row). Otherwise the numbers were a printed sub-row's
        // (placed again by order) or nobody's (stray, reported).
        let mut released = false;
        for (gi, keys) in group_rows.iter().enumerate() {
            let Some(g) = row_group[n_data + gi] else {
                continue;
            };
            // A sub-row key found inside the group's own label (其他 in 其他处理) is
            // not a printed sub-row.
            let own = hits[n_data + gi].as_ref().map(|h| h.last);
            let lacking: Vec<String> = rows
                .iter()
                .zip(&row_group[..n_data])
                .zip(&hits[..n_data])
                .filter_map(|((r, b), h)| {
                    h.as_ref()
                        .filter(|h| r.parent == keys.id && b.is_none() && Some(h.last) != own)
                        .map(|h| h.words.clone())
                })
                .collect();
            if !lacking.is_empty() {
                given_back.push(Released {
                    group: hits[n_data + gi]
                        .as_ref()
                        .map(|h| h.words.clone())
                        .unwrap_or_default(),
                    lacking,
                    at: toks[gs[g].first..=gs[g].last]
                        .iter()
                        .filter(|t| t.kind == Kind::Num)
                        .map(|t| (t.line, t.ccol))
                        .collect(),
                });
                bound[g] = None;
                row_group[n_data + gi] = None;
                released = true;
            }
        }
        if released {
            fill_by_order(
                &gs,
                &doc.lines,
                &hits[..n_data],
                &mut bound,
                &mut row_group[..n_data],
                toks,
            );
        }
    } else {
        bind_adjacent(&gs, &hits, &mut bound, &mut row_group, toks);
    }
    let mut out = ParsedTable::found(table, toks, (start, end));
    for (ri, keys) in all.iter().enumerate() {
        let Some(gi) = row_group[ri] else { continue };
        let g = &gs[gi];
        let label = hits[ri]
            .as_ref()
            .map(|h| h.words.clone())
            .unwrap_or_default();
        out.rows.push(ParsedRow {
            row: keys.id.clone(),
            label,
            cells: toks[g.first..=g.last].to_vec(),
            binding: bound[gi].map_or(Binding::Order, |b| b.1),
        });
    }
    out.repairs = structure_repairs(doc, &gs, &row_group);
    out.released = given_back;
    for (gi, g) in gs.iter().enumerate() {
        if bound[gi].is_none() {
            out.stray.extend(
                toks[g.first..=g.last]
                    .iter()
                    .filter(|t| t.kind == Kind::Num)
                    .cloned(),
            );
        }
    }
    out
}

fn show_tabs(s: &str) -> String {
    s.replace('\t', "⇥")
}

/// Logs what a page break did to a separated table: a row that lost its leading
/// empty cells and gained trailing ones (re-aligned by reading it from its label),
/// and blank lines between rows that are otherwise adjacent (ignored).
fn structure_repairs(doc: &TokenDoc, gs: &[Group], row_group: &[Option<usize>]) -> Vec<Repair> {
    let toks = &doc.tokens;
    let mut out = Vec::new();
    let line_toks = |line: usize| toks.iter().filter(move |t| t.line == line);
    let lead = |line: usize| {
        line_toks(line)
            .take_while(|t| t.kind == Kind::Blank)
            .count()
    };
    let trail = |line: usize| {
        let v: Vec<&Token> = line_toks(line).collect();
        v.iter().rev().take_while(|t| t.kind == Kind::Blank).count()
    };
    let rows: Vec<usize> = row_group.iter().flatten().map(|&g| gs[g].line).collect();
    let tabbed = |line: usize| doc.lines.get(line).is_some_and(|l| l.text.contains('\t'));
    for (i, &line) in rows.iter().enumerate() {
        if !tabbed(line) {
            continue;
        }
        let neighbours: Vec<usize> = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| rows.get(j).copied())
            .filter(|&l| tabbed(l))
            .collect();
        let (l, t) = (lead(line), trail(line));
        let expected = neighbours.iter().map(|&n| lead(n)).filter(|&n| n > l).min();
        if let Some(e) = expected {
            if t > 0 && l + t.min(e - l) == e && neighbours.iter().all(|&n| trail(n) < t) {
                let text = &doc.lines[line].text;
                let after = format!("{}{}", "\t".repeat(e - l), text.trim_end_matches('\t'));
                out.push(Repair {
                    kind: "table_row_realign".into(),
                    page: Some(doc.lines[line].page),
                    line: Some(doc.lines[line].line),
                    before: show_tabs(text),
                    after: show_tabs(&after),
                    rule: format!(
                        "row lost {} leading cell(s) at a page break; read from its label",
                        e - l
                    ),
                });
            }
        }
    }
    // Blank lines between consecutive rows of a table whose rows are otherwise adjacent.
    let pairs: Vec<(usize, usize)> = rows
        .windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|(a, b)| b > a)
        .collect();
    let adjacent = pairs.iter().filter(|(a, b)| b - a == 1).count();
    if adjacent * 3 >= pairs.len() * 2 {
        for (a, b) in pairs {
            if b - a > 1 && (a + 1..b).all(|k| doc.lines[k].text.trim().is_empty()) {
                for k in a + 1..b {
                    out.push(Repair {
                        kind: "table_blank_line".into(),
                        page: Some(doc.lines[k].page),
                        line: Some(doc.lines[k].line),
                        before: String::new(),
                        after: String::new(),
                        rule: "blank line inside a table (page break) ignored".into(),
                    });
                }
            }
        }
    }
    out
}

/// Width of a group in cells (a glued run may hide several).
fn group_len(toks: &[Token], g: &Group) -> usize {
    toks[g.first..=g.last]
        .iter()
        .filter(|t| t.kind == Kind::Num)
        .count()
}

/// Value runs much narrower than the widest row of the table are stray numbers
/// (a page number, a footnote mark), not rows.
/// `widest` is the widest group of the table (computed once: per group it would
/// make a long table quadratic).
fn is_row(toks: &[Token], widest: usize, g: &Group) -> bool {
    toks[g.first..=g.last].iter().any(|t| t.glued) || group_len(toks, g) * 2 > widest
}

fn fill_by_order(
    gs: &[Group],
    lines: &[Line],
    hits: &[Option<LabelHit>],
    bound: &mut [Option<(usize, Binding)>],
    row_group: &mut [Option<usize>],
    toks: &[Token],
) {
    let widest = gs.iter().map(|g| group_len(toks, g)).max().unwrap_or(0);
    let is_row = |g: &Group| is_row(toks, widest, g);
    let n_rows = row_group.len();
    // Anchors: (row, group) pairs already bound, in row order; plus sentinels.
    let mut anchors: Vec<(isize, isize)> = row_group
        .iter()
        .enumerate()
        .filter_map(|(r, g)| g.map(|g| (r as isize, g as isize)))
        .collect();
    anchors.insert(0, (-1, -1));
    anchors.push((n_rows as isize, gs.len() as isize));
    for w in anchors.windows(2) {
        let ((r0, g0), (r1, g1)) = (w[0], w[1]);
        if g1 <= g0 {
            continue;
        }
        let free_rows: Vec<usize> = ((r0 + 1)..r1)
            .map(|r| r as usize)
            .filter(|&r| row_group[r].is_none())
            .collect();
        let free_groups: Vec<usize> = ((g0 + 1)..g1)
            .map(|g| g as usize)
            .filter(|&g| bound[g].is_none() && is_row(&gs[g]))
            .collect();
        let (mut free_rows, mut free_groups) = (free_rows, free_groups);
        if free_rows.len() != free_groups.len() {
            // Counts disagree (a row printed as one, a lost line): bind only the
            // value lines that directly follow their own label, then retry.
            for &r in &free_rows {
                let Some(h) = &hits[r] else { continue };
                // A markdown row after a loose text line is a detached value row,
                // not the continuation of that label.
                let pipe = |line: usize| {
                    lines
                        .get(line)
                        .is_some_and(|l| l.text.trim_start().starts_with('|'))
                };
                let next = free_groups.iter().copied().find(|&g| {
                    gs[g].first == h.last + 1
                        && gs[g].line == h.last_line + 1
                        && pipe(gs[g].line) == pipe(h.last_line)
                });
                if let Some(g) = next {
                    bound[g] = Some((r, Binding::Adjacent));
                    row_group[r] = Some(g);
                }
            }
            free_rows.retain(|&r| row_group[r].is_none());
            free_groups.retain(|&g| bound[g].is_none());
        }
        if !free_rows.is_empty() && free_rows.len() == free_groups.len() {
            for (r, g) in free_rows.into_iter().zip(free_groups) {
                bound[g] = Some((r, Binding::Order));
                row_group[r] = Some(g);
            }
        }
    }
}

/// Table 2: a label without numbers on its line takes the value line just below it,
/// or just above it (values printed a little higher than their label).
fn bind_adjacent(
    gs: &[Group],
    hits: &[Option<LabelHit>],
    bound: &mut [Option<(usize, Binding)>],
    row_group: &mut [Option<usize>],
    toks: &[Token],
) {
    let text_on_line = |line: usize| toks.iter().any(|t| t.line == line && t.kind == Kind::Text);
    for h in hits.iter().flatten() {
        if row_group[h.row].is_some() {
            continue;
        }
        let below = gs.iter().position(|g| {
            g.line > h.last_line && g.line <= h.last_line + 2 && !text_on_line(g.line)
        });
        let above = gs.iter().position(|g| {
            g.line < h.first_line && g.line + 2 >= h.first_line && !text_on_line(g.line)
        });
        for gi in [below, above].into_iter().flatten() {
            if bound[gi].is_none() {
                bound[gi] = Some((h.row, Binding::Adjacent));
                row_group[h.row] = Some(gi);
                break;
            }
        }
    }
}

/// Table 4: every number run after the header, in order.
pub fn parse_single_row(doc: &TokenDoc, table: &str, (start, end): (usize, usize)) -> ParsedTable {
    let toks = &doc.tokens;
    let gs = groups(toks, start, end);
    let mut cells = Vec::new();
    for g in &gs {
        cells.extend(toks[g.first..=g.last].iter().cloned());
    }
    let mut out = ParsedTable::found(table, toks, (start, end));
    if !cells.is_empty() {
        out.rows.push(ParsedRow {
            row: "cases".into(),
            label: String::new(),
            cells,
            binding: Binding::SameLine,
        });
    }
    out
}

/// Row keys of table 3's data rows, in template order.
pub fn grid_keys(format: &Format) -> Vec<RowKeys> {
    format
        .tables
        .applications
        .rows
        .iter()
        .filter(|r| r.is_data())
        .map(|r| RowKeys {
            parent: r.parent.clone(),
            ..row_keys(&r.id, &r.label, &r.aliases)
        })
        .collect()
}

/// Row keys of table 3's group rows (subtotals when a report prints them).
pub fn grid_group_keys(format: &Format) -> Vec<RowKeys> {
    format
        .tables
        .applications
        .rows
        .iter()
        .filter(|r| !r.is_data() && !r.parent.is_empty())
        .map(|r| row_keys(&r.id, &r.label, &r.aliases))
        .collect()
}

/// Row keys of table 2 (all blocks), in template order.
pub fn block_keys(format: &Format) -> Vec<RowKeys> {
    format
        .tables
        .active_disclosure
        .blocks
        .iter()
        .flat_map(|b| b.rows.iter())
        .map(|r| row_keys(&r.id, &r.label, &r.aliases))
        .collect()
}
/// Reads every table of template `f`: its region, then its rows; a table not
/// found is a `ParsedTable` with `found = false`. Each table's repairs end with
/// the page breaks its rows run across.
pub fn parse_tables(tdoc: &TokenDoc, f: &Format, lines: &[Line]) -> Vec<ParsedTable> {
    let regions = tdoc.regions_for(f);
    let mut out = Vec::new();
    for id in ["active_disclosure", "applications", "review_litigation"] {
        let Some(&(_, s, e)) = regions.iter().find(|r| r.0 == id) else {
            out.push(ParsedTable {
                table: id.to_string(),
                found: false,
                ..Default::default()
            });
            continue;
        };
        let mut t = match id {
            "active_disclosure" => parse_rows(tdoc, id, (s, e), &block_keys(f), &[], false),
            "applications" => {
                parse_rows(tdoc, id, (s, e), &grid_keys(f), &grid_group_keys(f), true)
            }
            _ => parse_single_row(tdoc, id, (s, e)),
        };
        let joins = page_joins(&t, lines);
        t.repairs.extend(joins);
        out.push(t);
    }
    out
}

/// Logs each page break a table's rows run across: the rows after it were read as
/// a continuation of the same table.
fn page_joins(t: &ParsedTable, lines: &[Line]) -> Vec<Repair> {
    let mut out = Vec::new();
    let mut prev: Option<(usize, &str)> = None;
    for row in &t.rows {
        let Some(first) = row.cells.first().and_then(|c| lines.get(c.line)) else {
            continue;
        };
        if let Some((page, prev_row)) = prev {
            if first.page > page {
                out.push(Repair {
                    kind: "table_page_join".into(),
                    page: Some(first.page),
                    line: Some(first.line),
                    before: format!("{} ‖ {}", prev_row, row.row),
                    after: String::new(),
                    rule: format!(
                        "table {} continues from page {page}; rows read across the page break",
                        t.table
                    ),
                });
            }
        }
        prev = Some((first.page, row.row.as_str()));
    }
    out
}
