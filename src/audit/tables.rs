//! The three tables rebuilt in the template's shape (rows, columns and labels from
//! the grammar), each cell as `cells.csv` has it, linked to its source line and
//! coloured by what `cells.csv` and `findings.csv` say about it.

use super::data::{CellRec, FindingRec};
use super::escape::{esc, slug};
use crate::grammar::{Apply, Column, Format, Identity};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// `(table, row, column)` of a cell.
pub type Key = (String, String, String);

/// The id of a cell's element in the report page.
pub fn cell_id(table: &str, row: &str, column: &str) -> String {
    format!(
        "c-{}-{}-{}",
        slug(table, 40),
        slug(row, 60),
        slug(column, 60)
    )
}

/// What the page knows of one report's cells: the `cells.csv` rows by key and the
/// findings that name a cell, a row or an identity.
pub struct CellIndex<'a> {
    pub cells: HashMap<Key, &'a CellRec>,
    /// Cells that are terms of a failed identity (finding indices, 1-based).
    pub failed: HashMap<Key, Vec<usize>>,
    /// Rows `(table, row)` with an `ambiguous_split` finding: its index and message
    /// (which lists the candidate readings).
    pub ambiguous: HashMap<(String, String), (usize, String)>,
    /// Cells named by any other finding.
    pub flagged: HashMap<Key, Vec<usize>>,
}

fn key(t: &str, r: &str, c: &str) -> Key {
    (t.to_string(), r.to_string(), c.to_string())
}

/// The cells an identity finding is about: the terms of both sides at the
/// finding's row or column, as the grammar states them.
pub fn identity_terms(
    format: &Format,
    id: &Identity,
    row: &str,
    column: &str,
) -> (Vec<Key>, Vec<Key>) {
    let single_row = &format.tables.review_litigation.row;
    let side = |terms: Vec<&str>| -> Vec<Key> {
        terms
            .into_iter()
            .map(|t| match id.apply {
                Apply::PerColumn => key(&id.table, t, column),
                Apply::CrossYear if id.block.is_empty() => key(&id.table, t, column),
                Apply::PerRow | Apply::CrossYear => key(&id.table, row, t),
                // `single`: the one-row table 4.
                Apply::Single => key(&id.table, if row.is_empty() { single_row } else { row }, t),
            })
            .collect()
    };
    (side(id.parsed.lhs_names()), side(id.parsed.rhs_names()))
}

impl<'a> CellIndex<'a> {
    pub fn new(format: Option<&Format>, cells: &'a [CellRec], findings: &[FindingRec]) -> Self {
        let mut ix = CellIndex {
            cells: HashMap::new(),
            failed: HashMap::new(),
            ambiguous: HashMap::new(),
            flagged: HashMap::new(),
        };
        for c in cells {
            // The first cell of a key wins, as in `wide.csv`.
            ix.cells
                .entry(key(&c.table, &c.row, &c.column))
                .or_insert(c);
        }
        for (i, f) in findings.iter().enumerate() {
            let n = i + 1;
            let (t, r, c): (&str, &str, &str) = (&f.table, &f.row, &f.column);
            let identity = format.and_then(|fm| {
                fm.identities
                    .iter()
                    .find(|id| id.id == f.check && !id.parsed.lhs_names().is_empty())
                    .map(|id| (fm, id))
            });
            if let Some((fm, id)) = identity {
                let (l, mut rr) = identity_terms(fm, id, r, c);
                // A cross-year identity's right side is the previous year's report.
                if id.apply == Apply::CrossYear {
                    rr.clear();
                }
                for k in l.into_iter().chain(rr) {
                    ix.failed.entry(k).or_default().push(n);
                }
            } else if f.check == "ambiguous_split" && !r.is_empty() {
                ix.ambiguous
                    .insert((t.to_string(), r.to_string()), (n, f.message.to_string()));
            } else if !t.is_empty() && !r.is_empty() && !c.is_empty() {
                ix.flagged.entry(key(t, r, c)).or_default().push(n);
            }
        }
        ix
    }
}

/// Renders one cell: its class, its link to the source line, its tooltip.
fn cell_td(
    ix: &CellIndex,
    t: &str,
    r: &str,
    c: &str,
    line_href: &dyn Fn(Option<usize>, Option<usize>) -> Option<String>,
    placed: &mut HashSet<Key>,
) -> String {
    let k = key(t, r, c);
    placed.insert(k.clone());
    let id = cell_id(t, r, c);
    let Some(cell) = ix.cells.get(&k) else {
        if let Some((n, msg)) = ix.ambiguous.get(&(t.to_string(), r.to_string())) {
            return format!(
                "<td class=\"c-ambig\" id=\"{id}\"><a href=\"#finding-{n}\" title=\"finding {n}: {}\">?</a></td>",
                esc(msg)
            );
        }
        return format!("<td class=\"c-missing\" id=\"{id}\" title=\"no value in cells.csv\"><span>·</span></td>");
    };
    let value: &str = &cell.value;
    let raw: &str = &cell.raw;
    let mut class = if value.is_empty() {
        if ix.ambiguous.contains_key(&(t.to_string(), r.to_string())) {
            "c-ambig"
        } else {
            "c-blank"
        }
    } else {
        "c-ok"
    };
    let mut title = format!("{} / {}", cell.row_label, cell.column_label);
    if raw != value {
        let _ = write!(title, " · printed “{raw}”");
    }
    if let Some(u) = Some(&cell.unit).filter(|u| !u.is_empty()) {
        let _ = write!(title, " · unit {u}");
    }
    if let Some(ns) = ix.failed.get(&k) {
        class = "c-fail";
        let _ = write!(title, " · in failed identity (finding {})", join_nums(ns));
    }
    if let Some(ns) = ix.flagged.get(&k) {
        if class == "c-ok" {
            class = "c-ok c-flag";
        }
        let _ = write!(title, " · finding {}", join_nums(ns));
    }
    let shown = if value.is_empty() {
        if raw.is_empty() {
            "blank"
        } else {
            raw
        }
    } else {
        value
    };
    let (p, l) = (cell.page, cell.line);
    if let (Some(p), Some(l)) = (p, l) {
        let _ = write!(title, " · page {p} line {l}");
    }
    let inner = match line_href(p, l) {
        Some(h) => format!("<a href=\"{h}\">{}</a>", esc(shown)),
        None => format!("<span>{}</span>", esc(shown)),
    };
    format!(
        "<td class=\"{class}\" id=\"{id}\" title=\"{}\">{inner}</td>",
        esc(&title)
    )
}

fn join_nums(ns: &[usize]) -> String {
    ns.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn header_row(label: &str, cols: &[&Column]) -> String {
    let mut s = format!("<tr><th>{}</th>", esc(label));
    for c in cols {
        let _ = write!(s, "<th>{}</th>", esc(&c.label));
    }
    s.push_str("</tr>\n");
    s
}

/// The three tables of `format` with this report's cells, then any cell of
/// `cells.csv` the template has no place for (so nothing is hidden).
pub fn render_tables(
    format: &Format,
    ix: &CellIndex,
    line_href: &dyn Fn(Option<usize>, Option<usize>) -> Option<String>,
) -> String {
    let mut placed: HashSet<Key> = HashSet::new();
    let mut out = String::new();
    out.push_str("<p class=\"legend\"><span class=\"c-ok\" style=\"background:var(--ok)\">value</span><span style=\"background:var(--fail)\">in a failed identity</span><span style=\"background:var(--blank)\">printed blank / dash</span><span style=\"background:var(--missing)\">· no value</span><span style=\"background:var(--ambig)\">? ambiguous</span> Each value links to its line in the text below.</p>\n");

    // Table 2: captioned blocks.
    let t2 = &format.tables.active_disclosure;
    out.push_str(&format!(
        "<h3>{} <code>{}</code></h3>\n<table class=\"grid\">\n",
        esc(format.section_label(&t2.id)),
        esc(&t2.id)
    ));

    for b in &t2.blocks {
        let cols: Vec<&Column> = b.columns.iter().collect();
        out.push_str(&header_row(&b.caption, &cols));
        for r in &b.rows {
            let _ = write!(out, "<tr><th class=\"row\">{}</th>", esc(&r.label));
            for c in &cols {
                out.push_str(&cell_td(ix, &t2.id, &r.id, &c.id, line_href, &mut placed));
            }
            out.push_str("</tr>\n");
        }
    }
    out.push_str("</table>\n");

    // Table 3: rows × applicant columns; optional columns only when printed.
    let t3 = &format.tables.applications;
    let mut cols: Vec<&Column> = t3.columns.iter().collect();
    for oc in &t3.optional_columns {
        if ix.cells.keys().any(|(t, _, c)| *t == t3.id && *c == oc.id) {
            cols.push(oc);
        }
    }
    out.push_str(&format!(
        "<h3>{} <code>{}</code></h3>\n<table class=\"grid\">\n",
        esc(format.section_label(&t3.id)),
        esc(&t3.id)
    ));

    out.push_str(&header_row("", &cols));
    for r in &t3.rows {
        let indent = "\u{3000}".repeat(r.level.saturating_sub(1) as usize);
        let _ = write!(out, "<tr><th class=\"row\">{indent}{}</th>", esc(&r.label));
        for c in &cols {
            let printed = ix.cells.contains_key(&key(&t3.id, &r.id, &c.id));
            if r.is_data() || printed {
                out.push_str(&cell_td(ix, &t3.id, &r.id, &c.id, line_href, &mut placed));
            } else {
                out.push_str("<td class=\"grp\"></td>");
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");

    // Table 4: column groups over columns, one row.
    let t4 = &format.tables.review_litigation;
    out.push_str(&format!(
        "<h3>{} <code>{}</code></h3>\n<table class=\"grid\">\n",
        esc(format.section_label(&t4.id)),
        esc(&t4.id)
    ));
    out.push_str("<tr>");
    let mut i = 0;
    while i < t4.columns.len() {
        let g = &t4.columns[i].group;
        let span = t4.columns[i..].iter().take_while(|c| &c.group == g).count();
        let label = t4
            .column_groups
            .iter()
            .find(|cg| &cg.id == g)
            .map(|cg| cg.label.as_str())
            .unwrap_or(g);
        let _ = write!(out, "<th colspan=\"{span}\">{}</th>", esc(label));
        i += span;
    }
    out.push_str("</tr>\n<tr>");
    for c in &t4.columns {
        let _ = write!(out, "<th>{}</th>", esc(&c.label));
    }
    out.push_str("</tr>\n<tr>");
    for c in &t4.columns {
        out.push_str(&cell_td(ix, &t4.id, &t4.row, &c.id, line_href, &mut placed));
    }
    out.push_str("</tr>\n</table>\n");

    // Cells the template has no place for.
    let mut others: Vec<(&Key, &&CellRec)> = ix
        .cells
        .iter()
        .filter(|(k, _)| !placed.contains(*k))
        .collect();
    others.sort_by(|a, b| a.0.cmp(b.0));
    if !others.is_empty() {
        out.push_str("<h3>Other cells of cells.csv</h3>\n<table class=\"grid\"><tr><th>table.row.column</th><th>label</th><th>value</th></tr>\n");
        for (k, c) in others {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{} / {}</td>{}</tr>",
                esc(&format!("{}.{}.{}", k.0, k.1, k.2)),
                esc(&c.row_label),
                esc(&c.column_label),
                cell_td(ix, &k.0, &k.1, &k.2, line_href, &mut HashSet::new())
            );
        }
        out.push_str("</table>\n");
    }
    out
}
