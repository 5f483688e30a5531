//! One input through every stage: ingest → clean → parse → map → check.

use crate::check::check_report;
use crate::clean::clean;
use crate::grammar::Grammars;
use crate::ingest::{read_bytes, IngestOptions};
use crate::map::{map_tables, ProseLines};
use crate::model::{Document, Finding, Report, Severity, Status, Trail};
use crate::parse::outline::{headings, title_block};
use crate::parse::tables::{parse_tables, TokenDoc};
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

/// Runs clean → parse → map → check on an ingested document. Every stage pushes
/// its repairs and findings to the report's one [`Trail`].
pub fn extract_document(id: &str, doc: Document, grammars: &Grammars) -> Report {
    let mut report = Report::empty(id);
    report.source = doc.source.to_string();
    report.pages = doc.pages.len();
    let mut trail = Trail::new(doc.repairs, doc.findings);
    let cleaned = clean(doc.pages, &grammars.common, &mut trail);
    // Tables whose rows a crawler lost (one cell per paragraph, ideographic spaces).
    let lines = crate::parse::crawled::rebuild(cleaned, &grammars.common, &mut trail);

    let tb = title_block(&lines, &grammars.common.title);
    let (agency, year, unclear) =
        crate::parse::meta::settle(&lines, tb.agency, tb.year, &grammars.common.body_meta);
    report.agency = agency;
    report.year = year;
    report.published = tb.published;

    let mut format = grammars.detect(&lines);
    let tdoc = TokenDoc::new(&lines, &grammars.common);
    let mut table_lines = Vec::new();
    // Reading the tables is given up (and what it pushed dropped) when they turn
    // out to hold no number.
    let before_tables = trail.mark();
    let tables_read = format.map(|f| {
        // Unclear metadata is worth a finding only in a report; a file no template
        // matched gets the one `no_template` finding below.
        trail.findings.extend(unclear);
        let tables = parse_tables(&tdoc, f, &lines, &mut trail);
        // The prose rules' lines, compacted and matched once for map and check.
        let prose = ProseLines::new(&grammars.common, &lines);
        let cells = map_tables(&tables, f, &lines, &grammars.common, &prose, &mut trail);
        (f, tables, cells, prose)
    });
    // The template's words without a single number in its tables: a text about
    // reports (a README, a notice quoting the template), not a report.
    let not_a_report = tables_read
        .as_ref()
        .filter(|(_, _, cells, _)| cells.iter().all(|c| c.value.is_empty()))
        .map(|(f, _, _, _)| f.id.clone());
    if not_a_report.is_some() {
        format = None;
        trail.rollback(before_tables);
    }
    if let Some((f, tables, cells, mut prose)) = tables_read.filter(|_| format.is_some()) {
        report.format = f.id.clone();
        for t in &tables {
            if t.found {
                table_lines.push(t.lines);
            }
        }
        report.cells = cells;
        // Check reads the prose outside the tables.
        prose.retain_lines(|i| !table_lines.iter().any(|&(a, b)| a <= i && i <= b));
        check_report(
            f,
            &grammars.common,
            &tables,
            &report.cells,
            &prose,
            &mut trail,
        );
    } else {
        let message = match not_a_report {
            Some(id) => format!(
                "words of the {id} template occur but its tables hold no number: not an annual report (e.g. a README or a notice), or its tables are images; no cells extracted — check the file is a report"
            ),
            None => "no template matched: not a 2019 or 2021 format report (pre-2019 free format or not an annual report); no cells extracted".to_string(),
        };
        trail.finding(Finding::new("no_template", Severity::Warning, message));
    }
    report.repairs = trail.repairs;
    report.findings = trail.findings;
    report.headings = headings(&lines, &table_lines, format, &grammars.formats);
    place_findings(&mut report);
    report.status = status_of(&report);
    report
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
