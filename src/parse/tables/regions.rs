//! Table regions: where each table starts and ends, found by its caption and
//! header words (never by section numbers, which reports renumber), or — for a
//! table 4 whose header wrapped or glued — by its section heading and value line.

use super::TokenDoc;
use crate::grammar::{Format, Shape};
use crate::numbering;
use crate::parse::tokens::{Kind, MAX_LABEL_CHARS};
use crate::text::compact;

/// Where one table lies: token range `[start, end)` of the token document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The table's id.
    pub table: String,
    pub start: usize,
    pub end: usize,
}

impl TokenDoc {
    /// Token range `[start, end)` of each table of `format`, in document order:
    /// the regions found by the anchors of `common.toml` ([`TokenDoc::regions`]),
    /// the last one ended at the template's next section, and a table 4 found by
    /// its section heading when its header words were not found.
    pub fn regions_for(&self, format: &Format) -> Vec<Region> {
        let tables = &format.tables;
        let single = &tables.review_litigation.id;
        let mut out: Vec<Region> = self
            .regions(format)
            .into_iter()
            .filter(|r| match tables.shape_of(&r.table) {
                Some(Shape::Blocks) => !tables.active_disclosure.blocks.is_empty(),
                _ => true,
            })
            .collect();
        // When table 4 is missing, table 2 or 3 is the last one: it ends at the next
        // section of the template rather than at its own row labels (三、本年度办理结果).
        if let Some(last) = out.last_mut() {
            if last.table != *single {
                last.end = self.next_section(last.start, format, &last.table);
            }
        }
        // Table 4 whose header words wrapped or glued: found by its section heading,
        // its value line and loose header fragments.
        if out.iter().all(|r| r.table != *single) {
            let from = out.last().map_or(0, |r| r.start + 1);
            if let Some(s) = self.review_by_section(format, from) {
                if let Some(last) = out.last_mut() {
                    last.end = last.end.min(s);
                }
                out.push(Region {
                    table: single.clone(),
                    start: s,
                    end: self.end_of_last_table(s),
                });
            }
        }
        out
    }

    fn review_by_section(&self, format: &Format, from: usize) -> Option<usize> {
        let table = &format.tables.review_litigation;
        let id = &table.id;
        let keys: Vec<String> = format
            .sections
            .iter()
            .filter(|s| s.id == *id)
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
        crate::parse::loose::by_section(
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

    /// Token range `[start, end)` of each table of `format` whose anchors (in
    /// `common.toml`, by table id) are found, in document order; each ends where
    /// the next begins, the last at the first heading-like text after its numbers.
    pub fn regions(&self, format: &Format) -> Vec<Region> {
        let n = self.tokens.len();
        let mut starts: Vec<(String, usize)> = Vec::new();
        for (id, _) in format.tables.ids() {
            let Some(anchors) = self.common.tables.get(id) else {
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
            out.push(Region {
                table: id.clone(),
                start: *s,
                end,
            });
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
    !numbering::starts_like_enumerator(&c) && c.chars().count() > MAX_LABEL_CHARS
}
