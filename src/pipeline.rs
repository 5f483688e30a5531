//! One input through every stage: ingest → clean → parse → map → check.

use crate::check::{identity_findings, prose_findings, values_of};
use crate::clean::clean;
use crate::grammar::identity::evaluate;
use crate::grammar::{Format, Grammars};
use crate::ingest::{read_bytes, IngestOptions};
use crate::map::{map_active, map_applications, map_review, Mapped};
use crate::model::{Cell, Document, Finding, Line, Report, Severity, Status};
use crate::parse::outline::{headings, title_block};
use crate::parse::tables::{
    block_keys, grid_group_keys, grid_keys, parse_rows, parse_single_row, ParsedTable, TokenDoc,
};
use crate::text::compact;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Extracts one report from its bytes. Never panics: a panic anywhere below is
/// caught here and becomes `status=error`.
///
/// The whole extraction runs under one [`crate::budget`]: a report whose searches
/// run out of nodes ends with findings saying what was not enumerated; one that
/// runs past `opts.timeout_secs` becomes `status=error` ("timed out").
pub fn extract_bytes(id: &str, bytes: &[u8], grammars: &Grammars, opts: &IngestOptions) -> Report {
    let limit = std::time::Duration::from_secs(opts.timeout_secs);
    let (report, outcome) = crate::budget::run(opts.search_nodes, limit, || {
        extract_caught(id, bytes, grammars, opts)
    });
    if outcome.timed_out && report.status != Status::Error {
        let mut failed = Report::failed(
            id,
            &report.source,
            crate::ingest::IngestError::Timeout(opts.timeout_secs).to_string(),
        );
        failed.pages = report.pages;
        return failed;
    }
    report
}

fn extract_caught(id: &str, bytes: &[u8], grammars: &Grammars, opts: &IngestOptions) -> Report {
    let run = || -> Report {
        match read_bytes(bytes, opts) {
            Ok(doc) => extract_document(id, doc, grammars),
            Err(e) => {
                let src = if crate::ingest::looks_like_pdf(bytes) {
                    "pdf"
                } else {
                    ""
                };
                Report::failed(id, src, e.to_string())
            }
        }
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| p.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            Report::failed(id, "", format!("internal error: {msg}"))
        }
    }
}

/// Picks the template whose markers occur most often (at least `min` of them).
pub fn detect_format<'g>(lines: &[Line], grammars: &'g Grammars) -> Option<&'g Format> {
    let text: String = lines.iter().map(|l| compact(&l.text)).collect();
    let mut best: Option<(&Format, usize)> = None;
    for f in &grammars.formats {
        let hits = f
            .detect_markers
            .iter()
            .filter(|m| text.contains(&compact(m)))
            .count();
        if hits >= grammars.common.min_marker_hits && best.is_none_or(|(_, b)| hits > b) {
            best = Some((f, hits));
        }
    }
    best.map(|(f, _)| f)
}

/// Runs clean → parse → map → check on an ingested document.
pub fn extract_document(id: &str, doc: Document, grammars: &Grammars) -> Report {
    let mut report = Report::empty(id);
    report.source = doc.source.to_string();
    report.pages = doc.pages.len();
    report.repairs = doc.repairs;
    let cleaned = clean(&doc.pages, &grammars.common);
    report.repairs.extend(cleaned.repairs);
    report.findings.extend(cleaned.findings);
    // Tables whose rows a crawler lost (one cell per paragraph, ideographic spaces).
    let (lines, rebuilt) = crate::parse::crawled::rebuild(cleaned.lines, &grammars.common);
    report.repairs.extend(rebuilt);

    let tb = title_block(&lines, &grammars.common.title);
    let (agency, year, unclear) =
        crate::parse::meta::settle(&lines, tb.agency, tb.year, &grammars.common.body_meta);
    report.agency = agency;
    report.year = year;
    report.findings.extend(unclear);
    report.published = tb.published;

    let mut format = detect_format(&lines, grammars);
    let tdoc = TokenDoc::new(&lines, &grammars.common);
    let mut table_lines = Vec::new();
    let tables_read = format.map(|f| {
        let tables = parse_tables(&tdoc, f);
        let mapped = map_tables(&tables, f, &lines, grammars);
        (f, tables, mapped)
    });
    // The template's words without a single number in its tables: a text about
    // reports (a README, a notice quoting the template), not a report.
    let not_a_report = tables_read
        .as_ref()
        .filter(|(_, _, m)| m.cells.iter().all(|c| c.value.is_empty()))
        .map(|(f, _, _)| f.id.clone());
    if not_a_report.is_some() {
        format = None;
    }
    if let Some((f, tables, mapped)) = tables_read.filter(|_| format.is_some()) {
        report.format = f.id.clone();
        for t in &tables {
            if t.found {
                table_lines.push(t.lines);
            }
        }
        for t in &tables {
            report.repairs.extend(t.repairs.iter().cloned());
            report.repairs.extend(page_joins(t, &lines));
        }
        report.cells = mapped.cells;
        report.repairs.extend(mapped.repairs);
        report.findings.extend(mapped.findings);
        report
            .findings
            .extend(missing_rows(f, &tables, &report.cells, &report.findings));
        report.findings.extend(identity_findings(f, &report.cells));
        report.findings.extend(blank_cells(f, &report.cells));
        let prose: Vec<&Line> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| !table_lines.iter().any(|&(a, b)| a <= *i && *i <= b))
            .map(|(_, l)| l)
            .collect();
        report
            .findings
            .extend(prose_findings(&grammars.common, &prose, &report.cells));
    } else {
        let message = match not_a_report {
            Some(id) => format!(
                "words of the {id} template occur but its tables hold no number: not an annual report (e.g. a README or a notice), or its tables are images; no cells extracted — check the file is a report"
            ),
            None => "no template matched: not a 2019 or 2021 format report (pre-2019 free format or not an annual report); no cells extracted".to_string(),
        };
        report
            .findings
            .push(Finding::new("no_template", Severity::Warning, message));
    }
    report.headings = headings(&lines, &table_lines, format, &grammars.formats);
    place_findings(&mut report);
    report.status = status_of(&report);
    report
}

fn parse_tables(tdoc: &TokenDoc, f: &Format) -> Vec<ParsedTable> {
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
        out.push(match id {
            "active_disclosure" => parse_rows(tdoc, id, (s, e), &block_keys(f), &[], false),
            "applications" => {
                parse_rows(tdoc, id, (s, e), &grid_keys(f), &grid_group_keys(f), true)
            }
            _ => parse_single_row(tdoc, id, (s, e)),
        });
    }
    out
}

fn map_tables(tables: &[ParsedTable], f: &Format, lines: &[Line], g: &Grammars) -> Mapped {
    let mut all = Mapped::default();
    for t in tables.iter().filter(|t| t.found) {
        let m = match t.table.as_str() {
            "active_disclosure" => map_active(t, f, lines, &g.common),
            "applications" => map_applications(t, f, lines, &g.common),
            _ => map_review(t, f, lines, &g.common),
        };
        all.cells.extend(m.cells);
        all.findings.extend(m.findings);
        all.repairs.extend(m.repairs);
    }
    sort_cells(f, &mut all.cells);
    all
}

/// Cells of tables 3 and 4 printed blank or as a dash: not zero, so the identities
/// that use them are not evaluated; said once per cell so the gap is visible. A
/// blank an identity needed (reading it as a number would have let one more
/// identity be checked) is a warning and leaves the report `partial`: its
/// arithmetic could not be verified.
fn blank_cells(f: &Format, cells: &[Cell]) -> Vec<Finding> {
    let values = values_of(cells);
    let base = evaluate(f, &values);
    cells
        .iter()
        .filter(|c| c.value.is_empty() && c.table != "active_disclosure")
        .map(|c| {
            let shown = if c.raw.is_empty() {
                "blank".to_string()
            } else {
                format!("“{}”", c.raw)
            };
            let mut filled = values.clone();
            filled.insert((c.table.clone(), c.row.clone(), c.column.clone()), 0.0);
            let needed: Vec<String> = evaluate(f, &filled)
                .into_iter()
                .filter(|o| !base.contains(o))
                .map(|o| o.identity)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let (severity, message) = if !needed.is_empty() {
                (
                    Severity::Warning,
                    format!(
                        "row “{}”, column “{}” is printed {shown}, not a number: {} could not be checked; check whether the report means 0 there",
                        c.row_label,
                        c.column_label,
                        needed.join(", ")
                    ),
                )
            } else {
                (
                    Severity::Info,
                    format!(
                        "row “{}”, column “{}” is printed {shown}, not a number; kept blank (no identity needed it)",
                        c.row_label, c.column_label
                    ),
                )
            };
            Finding::new("blank_cell", severity, message)
                .at(&c.table, &c.row, &c.column)
                .values("", c.raw.clone())
                .place_opt(c.page, c.line)
        })
        .collect()
}

/// Gives a finding about a cell or a row without a place of its own the input place
/// of that cell (or of the row's first cell), so every finding about something
/// printed points at it.
fn place_findings(report: &mut Report) {
    for f in report.findings.iter_mut().filter(|f| f.line.is_none()) {
        if f.table.is_empty() || f.row.is_empty() {
            continue;
        }
        let in_row = || {
            report
                .cells
                .iter()
                .filter(|c| c.table == f.table && c.row == f.row)
        };
        let cell = in_row()
            .find(|c| c.column == f.column)
            .or_else(|| in_row().next());
        if let Some(c) = cell {
            f.page = c.page;
            f.line = c.line;
        }
    }
}

/// Logs each page break a table's rows run across: the rows after it were read as
/// a continuation of the same table.
fn page_joins(t: &ParsedTable, lines: &[Line]) -> Vec<crate::model::Repair> {
    let mut out = Vec::new();
    let mut prev: Option<(usize, &str)> = None;
    for row in &t.rows {
        let Some(first) = row.cells.first().and_then(|c| lines.get(c.line)) else {
            continue;
        };
        if let Some((page, prev_row)) = prev {
            if first.page > page {
                out.push(crate::model::Repair {
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

/// Sorts cells into template order (table 3's group rows and added columns in
/// their places), for a deterministic `cells.csv`.
fn sort_cells(f: &Format, cells: &mut [Cell]) {
    let t3 = &f.tables.applications;
    let mut order: HashMap<(String, String, String), usize> = HashMap::new();
    let mut push = |t: &str, r: &str, c: &str| {
        let n = order.len();
        order
            .entry((t.to_string(), r.to_string(), c.to_string()))
            .or_insert(n);
    };
    for b in &f.tables.active_disclosure.blocks {
        for r in &b.rows {
            for c in &b.columns {
                push("active_disclosure", &r.id, &c.id);
            }
        }
    }
    for r in &t3.rows {
        for c in t3.columns.iter().chain(&t3.optional_columns) {
            push("applications", &r.id, &c.id);
        }
    }
    for c in &f.tables.review_litigation.columns {
        push("review_litigation", "cases", &c.id);
    }
    cells.sort_by_cached_key(|c| {
        order
            .get(&(c.table.clone(), c.row.clone(), c.column.clone()))
            .copied()
            .unwrap_or(usize::MAX)
    });
}

/// `missing_table` / `missing_row` for template rows with no cells and no other finding.
fn missing_rows(
    f: &Format,
    tables: &[ParsedTable],
    cells: &[Cell],
    findings: &[Finding],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in tables {
        if !t.found {
            out.push(
                Finding::new(
                    "missing_table",
                    Severity::Error,
                    format!(
                        "table “{}” not found: neither its caption nor its header was recognised, so its cells are empty; check whether the report prints it as text (not an image) and under which heading",
                        section_label(f, &t.table)
                    ),
                )
                .at(&t.table, "", ""),
            );
            continue;
        }
        let rows = f.data_row_ids(&t.table);
        let has_cells = |row: &str| cells.iter().any(|c| c.table == t.table && c.row == row);
        for r in rows {
            // A report may print a group as one row (（六）其他处理 with its numbers
            // and no sub-rows): the sub-rows are then not missing, their numbers
            // are in the group's cells.
            let parent = f
                .tables
                .applications
                .rows
                .iter()
                .find(|x| t.table == "applications" && x.id == r)
                .map(|x| x.parent.as_str())
                .filter(|p| !p.is_empty());
            let printed_as_one_row = |p: &str| {
                has_cells(p)
                    && !f
                        .tables
                        .applications
                        .rows
                        .iter()
                        .any(|x| x.parent == p && has_cells(&x.id))
            };
            if parent.is_some_and(printed_as_one_row) {
                continue;
            }
            let has_cells = has_cells(&r);
            let explained = findings
                .iter()
                .any(|x| x.table == t.table && x.row == r && x.severity == Severity::Error);
            if !has_cells && !explained {
                out.push(
                    Finding::new(
                        "missing_row",
                        Severity::Error,
                        format!(
                            "row “{}” of table “{}” was not found with numbers, so its cells are empty; check whether the report prints it (perhaps renamed, merged with another row, or split across a page)",
                            f.rows(&t.table).find(|x| x.id == r).map_or(r.as_str(), |x| x.label.as_str()),
                            section_label(f, &t.table)
                        ),
                    )
                    .at(&t.table, &r, ""),
                );
            }
        }
    }
    out
}

/// A table named by its section heading in the template.
fn section_label<'a>(f: &'a Format, table: &'a str) -> &'a str {
    f.sections
        .iter()
        .find(|s| s.id == table)
        .map_or(table, |s| s.label.as_str())
}

fn status_of(r: &Report) -> Status {
    if r.format == "unknown" {
        return Status::Partial;
    }
    // An error, or a blank cell an identity needed: something could not be read
    // or verified.
    if r.findings.iter().any(|f| {
        f.severity == Severity::Error
            || (f.check == "blank_cell" && f.severity == Severity::Warning)
    }) {
        Status::Partial
    } else {
        Status::Ok
    }
}
