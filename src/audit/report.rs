//! One report's page: what `reports.csv` says of it, its findings and repairs, the
//! three tables rebuilt from `cells.csv`, and the text the tool read with every
//! repair and finding shown at its line.

use super::data::{CellRec, FindingRec, RepairRec, ReportRec};
use super::escape::esc;
use super::input_text::NumberedPage;
use super::page::page;
use super::tables::{cell_id, identity_terms, render_tables, CellIndex, Key};
use crate::grammar::{Apply, Format};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// Everything one report page shows.
pub struct ReportPage<'a> {
    pub report: &'a ReportRec,
    pub cells: &'a [CellRec],
    pub repairs: &'a [RepairRec],
    pub findings: &'a [FindingRec],
    pub format: Option<&'a Format>,
    /// The text as `nianbao text` numbers it, or why it is not shown.
    pub text: Result<Vec<NumberedPage>, String>,
    /// Page number → image file, relative to the page.
    pub images: HashMap<usize, String>,
    /// Where the input file was read from, if known.
    pub input_path: Option<String>,
}

/// The id of a line's element: `L{page}-{line}`.
pub fn line_id(page: usize, line: usize) -> String {
    format!("L{page}-{line}")
}

/// Marks the `‖` of a page-break join in an escaped text.
fn mark_cut(escaped: &str) -> String {
    escaped.replace('‖', "<span class=\"cut\">‖</span>")
}

fn place_text(p: Option<usize>, l: Option<usize>) -> String {
    match (p, l) {
        (Some(p), Some(l)) => format!("p{p}:{l}"),
        (Some(p), None) => format!("page {p}"),
        (None, Some(l)) => format!("line {l}"),
        (None, None) => String::new(),
    }
}

/// `20 ≠ 6 + 14 + …` for a failed identity with terms in the grammar: the printed
/// values of both sides from `cells.csv`, the totals from the finding.
fn arithmetic(
    format: Option<&Format>,
    f: &FindingRec,
    ix: &CellIndex,
    rendered: &HashSet<String>,
) -> Option<String> {
    let format = format?;
    let id = format
        .identities
        .iter()
        .find(|i| i.id == f.check && i.apply != Apply::CrossYear)?;
    let (lhs, rhs) = identity_terms(format, id, &f.row, &f.column);
    if lhs.is_empty() || rhs.is_empty() {
        return None;
    }
    let term = |k: &Key| -> String {
        let (v, label) = match ix.cells.get(k) {
            Some(c) if !c.value.is_empty() => (
                c.value.to_string(),
                format!("{} / {}", c.row_label, c.column_label),
            ),
            Some(c) => (
                "∅".to_string(),
                format!("{} / {} (blank)", c.row_label, c.column_label),
            ),
            None => (
                "∅".to_string(),
                format!("{}.{}.{} (no value)", k.0, k.1, k.2),
            ),
        };
        let cid = cell_id(&k.0, &k.1, &k.2);
        if rendered.contains(&cid) {
            format!(
                "<a href=\"#{cid}\" title=\"{}\">{}</a>",
                esc(&label),
                esc(&v)
            )
        } else {
            format!("<span title=\"{}\">{}</span>", esc(&label), esc(&v))
        }
    };
    let side = |terms: &[Key], total: &str| -> String {
        let parts: Vec<String> = terms.iter().map(&term).collect();
        if parts.len() == 1 {
            parts[0].clone()
        } else {
            format!("{} (= {})", parts.join(" + "), esc(total))
        }
    };
    Some(format!(
        "<span class=\"arith\">{} ≠ {}</span>",
        side(&lhs, &f.actual),
        side(&rhs, &f.expected)
    ))
}

impl ReportPage<'_> {
    pub fn render(&self, index_href: &str) -> String {
        let r = &self.report;
        let id: &str = &r.report;
        let ix = CellIndex::new(self.format, self.cells, self.findings);
        let anchors: HashSet<(usize, usize)> = self
            .text
            .as_ref()
            .map(|pages| {
                pages
                    .iter()
                    .flat_map(|p| p.lines.iter().map(move |(n, _)| (p.page, *n)))
                    .collect()
            })
            .unwrap_or_default();
        let line_href = |p: Option<usize>, l: Option<usize>| -> Option<String> {
            let (p, l) = (p?, l?);
            anchors
                .contains(&(p, l))
                .then(|| format!("#{}", line_id(p, l)))
        };
        let place_link = |p: Option<usize>, l: Option<usize>| -> String {
            let t = place_text(p, l);
            match line_href(p, l) {
                Some(h) => format!("<a class=\"goto\" href=\"{h}\">{t}</a>"),
                None if t.is_empty() => "<span class=\"muted\">no place</span>".to_string(),
                None => format!(
                    "<span class=\"muted\" title=\"not a line of the text shown\">{t}</span>"
                ),
            }
        };

        let mut body = String::new();
        // Summary: one line of what `reports.csv` says.
        body.push_str("<p class=\"summary\">");
        for (k, v) in [
            ("source", r.source.to_string()),
            ("format", r.format.to_string()),
            ("published", r.published.to_string()),
            ("pages", r.pages.to_string()),
            ("cells", r.cells.to_string()),
            ("repairs", r.repairs.to_string()),
            ("findings", r.findings.to_string()),
            ("input file", self.input_path.clone().unwrap_or_default()),
        ] {
            if !v.is_empty() {
                let _ = write!(body, "<span><b>{k}</b> {}</span> ", esc(&v));
            }
        }
        body.push_str("</p>\n");
        if !r.error.is_empty() {
            let _ = writeln!(
                body,
                "<p class=\"note sev-error-note\"><b>error</b> {}</p>",
                esc(&r.error)
            );
        }
        // The tables are rendered first so findings can link only to cells that exist.
        let tables_html = self.format.map(|f| render_tables(f, &ix, &line_href));
        let rendered: HashSet<String> = ix
            .cells
            .keys()
            .map(|k| cell_id(&k.0, &k.1, &k.2))
            .filter(|cid| {
                tables_html
                    .as_ref()
                    .is_some_and(|h| h.contains(&format!("id=\"{cid}\"")))
            })
            .collect();

        // Findings.
        let _ = writeln!(
            body,
            "<h2 id=\"findings\">Findings ({})</h2>",
            self.findings.len()
        );
        if self.findings.is_empty() {
            body.push_str("<p class=\"muted\">none</p>\n");
        } else {
            body.push_str("<table class=\"list\"><tr><th>#</th><th>severity</th><th>check</th><th>where</th><th>place</th><th>message</th></tr>\n");
            for (i, f) in self.findings.iter().enumerate() {
                let n = i + 1;
                let sev: &str = &f.severity;
                let whr = [f.table.as_ref(), &f.row, &f.column]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(".");
                let cid = cell_id(&f.table, &f.row, &f.column);
                let whr = if rendered.contains(&cid) {
                    format!("<a href=\"#{cid}\"><code>{}</code></a>", esc(&whr))
                } else if whr.is_empty() {
                    String::new()
                } else {
                    format!("<code>{}</code>", esc(&whr))
                };
                let arith = arithmetic(self.format, f, &ix, &rendered)
                    .map(|a| format!("<br>{a}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    body,
                    "<tr class=\"finding\" id=\"finding-{n}\"><td>{n}</td><td><span class=\"badge sev-{}\">{}</span></td><td><code>{}</code></td><td>{whr}</td><td>{}</td><td>{}{arith}</td></tr>",
                    esc(sev),
                    esc(sev),
                    esc(&f.check),
                    place_link(f.page, f.line),
                    esc(&f.message),
                );
            }
            body.push_str("</table>\n");
        }

        // Repairs.
        let _ = writeln!(
            body,
            "<h2 id=\"repairs\">Repairs ({})</h2>",
            self.repairs.len()
        );
        if self.repairs.is_empty() {
            body.push_str("<p class=\"muted\">none</p>\n");
        } else {
            body.push_str("<table class=\"list\"><tr><th>#</th><th>kind</th><th>place</th><th>before</th><th>after</th><th>rule</th></tr>\n");
            for (i, x) in self.repairs.iter().enumerate() {
                let n = i + 1;
                let _ = writeln!(
                    body,
                    "<tr class=\"repair\" id=\"repair-{n}\"><td>{n}</td><td><span class=\"badge kind\">{}</span></td><td>{}</td><td><span class=\"before\">{}</span></td><td><span class=\"after\">{}</span></td><td>{}</td></tr>",
                    esc(&x.kind),
                    place_link(x.page, x.line),
                    mark_cut(&esc(&x.before)),
                    esc(&x.after),
                    esc(&x.rule),
                );
            }
            body.push_str("</table>\n");
        }

        // Tables.
        body.push_str("<h2 id=\"tables\">Tables</h2>\n");
        match &tables_html {
            Some(h) => body.push_str(h),
            None => {
                let _ = writeln!(
                    body,
                    "<p class=\"muted\">format “{}”: no template, no tables.</p>",
                    esc(&r.format)
                );
            }
        }

        // Text.
        body.push_str("<h2 id=\"text\">Text the tool read</h2>\n");
        match &self.text {
            Err(why) => {
                let _ = writeln!(body, "<p class=\"muted\">{}</p>", esc(why));
            }
            Ok(pages) => body.push_str(&self.render_text(pages)),
        }

        let year = r.year.map(|y| y.to_string()).unwrap_or_default();
        let title = format!("{} {} — {}", r.agency, year, id);
        let status: &str = &r.status;
        let header = format!(
            "<a href=\"{}\">← all reports</a> · <a href=\"#findings\">findings</a> · <a href=\"#repairs\">repairs</a> · <a href=\"#tables\">tables</a> · <a href=\"#text\">text</a><h1>{} {} <span class=\"badge s-{}\">{}</span></h1><div>{}</div>",
            esc(index_href),
            esc(&r.agency),
            esc(&year),
            esc(status),
            esc(status),
            esc(id)
        );
        page(&title, &header, &body, None)
    }

    /// The numbered text with each repair and finding as a note under its line.
    fn render_text(&self, pages: &[NumberedPage]) -> String {
        let mut notes: HashMap<(usize, usize), Vec<String>> = HashMap::new();
        let mut marks: HashMap<(usize, usize), (&str, Option<&str>)> = HashMap::new();
        for (i, x) in self.repairs.iter().enumerate() {
            let (Some(p), Some(l)) = (x.page, x.line) else {
                continue;
            };
            let n = i + 1;
            notes.entry((p, l)).or_default().push(format!(
                "<div class=\"note repair\" id=\"repair-{n}-at\"><a href=\"#repair-{n}\">repair {n}</a> <span class=\"badge kind\">{}</span> <span class=\"before\">{}</span> → <span class=\"after\">{}</span> <span class=\"muted\">{}</span></div>",
                esc(&x.kind),
                mark_cut(&esc(&x.before)),
                esc(&x.after),
                esc(&x.rule)
            ));
            let cut = x
                .before
                .split_once('‖')
                .map(|(left, _)| left.trim())
                .filter(|l| !l.is_empty());
            let e = marks.entry((p, l)).or_insert(("has-rep", None));
            if cut.is_some() {
                e.1 = cut;
            }
        }
        for (i, f) in self.findings.iter().enumerate() {
            let (Some(p), Some(l)) = (f.page, f.line) else {
                continue;
            };
            let n = i + 1;
            let sev: &str = &f.severity;
            notes.entry((p, l)).or_default().push(format!(
                "<div class=\"note finding {}\" id=\"finding-{n}-at\"><a href=\"#finding-{n}\">finding {n}</a> <span class=\"badge sev-{}\">{}</span> <code>{}</code> {}</div>",
                if sev == "error" { "sev-error-note" } else { "" },
                esc(sev),
                esc(sev),
                esc(&f.check),
                esc(&f.message)
            ));
            let e = marks.entry((p, l)).or_insert(("", None));
            if sev == "error" || (sev == "warning" && e.0 != "has-error") {
                e.0 = if sev == "error" {
                    "has-error"
                } else {
                    "has-warning"
                };
            }
        }
        let mut out = String::new();
        for p in pages {
            let _ = write!(
                out,
                "<h3 id=\"P{}\">page {}</h3>\n<div class=\"text\"><div class=\"lines\">",
                p.page, p.page
            );
            for (n, t) in &p.lines {
                let lid = line_id(p.page, *n);
                let (class, cut) = marks.get(&(p.page, *n)).copied().unwrap_or(("", None));
                let text = match cut {
                    Some(left) if t.trim_end().ends_with(left) => {
                        format!(
                            "{}<span class=\"cut\" title=\"page-break join\">‖</span>",
                            esc(t.trim_end())
                        )
                    }
                    _ => esc(t),
                };
                let _ = write!(
                    out,
                    "<div class=\"ln {class}\" id=\"{lid}\"><a class=\"no\" href=\"#{lid}\">{n}</a><span class=\"tx\">{text}</span></div>"
                );
                if let Some(ns) = notes.get(&(p.page, *n)) {
                    for note in ns {
                        out.push_str(note);
                    }
                }
            }
            out.push_str("</div>");
            if let Some(img) = self.images.get(&p.page) {
                let _ = write!(
                    out,
                    "<div class=\"pageimg\"><img src=\"{}\" alt=\"page {}\" loading=\"lazy\"></div>",
                    esc(img),
                    p.page
                );
            }
            out.push_str("</div>\n");
        }
        // Places that are no line of the text: said, not dropped.
        let known: HashSet<(usize, usize)> = pages
            .iter()
            .flat_map(|p| p.lines.iter().map(move |(n, _)| (p.page, *n)))
            .collect();
        let mut stray: Vec<&(usize, usize)> = notes.keys().filter(|k| !known.contains(k)).collect();
        stray.sort();
        if !stray.is_empty() {
            out.push_str(
                "<h3>At places that are not lines of this text</h3>\n<div class=\"lines\">",
            );
            for k in stray {
                for note in &notes[k] {
                    let _ = write!(
                        out,
                        "<div class=\"ln\"><span class=\"no\">p{}:{}</span></div>{note}",
                        k.0, k.1
                    );
                }
            }
            out.push_str("</div>\n");
        }
        out
    }
}
