//! Rows: each value group bound to a row label — on its line, inside a wrapped
//! label, by template order between bound rows, or adjacent to its label — and
//! whatever no row takes kept as stray numbers to report.

use super::groups::{group_len, groups, is_row, on_line, Group};
use super::labels::{find_label, LabelHit, LabelMatch};
use super::repairs::structure_repairs;
use super::{Binding, ParsedRow, ParsedTable, Released, TokenDoc};
use crate::grammar::labels::RowKeys;
use crate::model::Line;
use crate::parse::tokens::{Kind, Token};

/// A table-2 label with no numbers on its line takes a value line at most this
/// many lines below or above it: one blank or wrapped line between them is
/// common, further away the values are another row's.
const ADJACENT_MAX_LINES: usize = 2;

/// Parses one table with grid rows (table 3) or labelled rows (table 2).
///
/// `rows` are the template's data rows in order; `ordered` says whether labels
/// must appear in template order (table 3) or anywhere (table 2 blocks move).
pub fn parse_rows<'a>(
    doc: &TokenDoc<'a>,
    table: &str,
    (start, end): (usize, usize),
    rows: &[RowKeys],
    group_rows: &[RowKeys],
    ordered: bool,
) -> ParsedTable<'a> {
    let toks = &doc.tokens;
    let mut hits: Vec<Option<LabelHit>> = vec![None; rows.len() + group_rows.len()];
    let mut cursor = start;
    for (ri, keys) in rows.iter().enumerate() {
        let from = if ordered { cursor } else { start };
        if let Some(LabelMatch {
            first: f,
            last: l,
            words,
            ..
        }) = find_label(doc, keys, from, end)
        {
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
            if let Some(c) =
                crate::parse::wrapped::find_in_column(toks, &rows[ri], (start, end), (lo, hi))
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
        if let Some(LabelMatch {
            first: f,
            last: l,
            words,
            ends_token,
        }) = find_label(doc, keys, start, end)
        {
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
            doc.lines,
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
                doc.lines,
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
    let text_on_line = |line: usize| on_line(toks, line).iter().any(|t| t.kind == Kind::Text);
    for h in hits.iter().flatten() {
        if row_group[h.row].is_some() {
            continue;
        }
        let below = gs.iter().position(|g| {
            g.line > h.last_line
                && g.line <= h.last_line + ADJACENT_MAX_LINES
                && !text_on_line(g.line)
        });
        let above = gs.iter().position(|g| {
            g.line < h.first_line
                && g.line + ADJACENT_MAX_LINES >= h.first_line
                && !text_on_line(g.line)
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

/// Table 4: every number run after the header, in order, as its one row `row`.
pub fn parse_single_row<'a>(
    doc: &TokenDoc<'a>,
    table: &str,
    row: &str,
    (start, end): (usize, usize),
) -> ParsedTable<'a> {
    let toks = &doc.tokens;
    let gs = groups(toks, start, end);
    let mut cells = Vec::new();
    for g in &gs {
        cells.extend(toks[g.first..=g.last].iter().cloned());
    }
    let mut out = ParsedTable::found(table, toks, (start, end));
    if !cells.is_empty() {
        out.rows.push(ParsedRow {
            row: row.to_string(),
            label: String::new(),
            cells,
            binding: Binding::SameLine,
        });
    }
    out
}
