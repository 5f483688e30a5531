//! The aligned table `nianbao eval` prints: one row per report and a `TOTAL` row.

use std::fmt;

use unicode_width::UnicodeWidthStr;

use super::{EvalSummary, ReportScore};

/// Prints an aligned table with one row per report and a `TOTAL` row, followed by
/// the expected files that matched no report. The alternate form (`{:#}`) also
/// prints every report's detail lines.
impl fmt::Display for EvalSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = [
            "report",
            "status",
            "expected",
            "exact",
            "wrong",
            "missing(e/u)",
            "extra",
            "meta",
            "findings",
            "repairs",
            "accuracy%",
        ];
        let totals = self.totals();
        let rows: Vec<[String; 11]> = self
            .reports
            .iter()
            .chain(std::iter::once(&totals))
            .map(table_row)
            .collect();
        let mut widths = header.map(str::len);
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.width());
            }
        }
        let header = header.map(String::from);
        for row in std::iter::once(&header).chain(&rows) {
            write_aligned(f, row, &widths)?;
        }
        for path in &self.not_found {
            writeln!(f, "not found: {path}")?;
        }
        if f.alternate() {
            for score in &self.reports {
                for detail in &score.details {
                    writeln!(f, "{}: {detail}", score.report)?;
                }
            }
        }
        Ok(())
    }
}

/// Formats one score as the cells of a display row.
fn table_row(score: &ReportScore) -> [String; 11] {
    [
        score.report.clone(),
        score.status.clone(),
        score.expected.to_string(),
        score.exact.to_string(),
        score.wrong.to_string(),
        format!("{}/{}", score.missing_explained, score.missing_unexplained),
        score.extra.to_string(),
        format!("{}/{}", score.meta_matched, score.meta_expected),
        score.findings.to_string(),
        score.repairs.to_string(),
        format!("{:.2}", score.accuracy()),
    ]
}

/// Writes one display row: the first two columns left-aligned, numbers right-aligned.
/// Widths are display widths, since report ids are often Chinese file names.
fn write_aligned(
    f: &mut fmt::Formatter<'_>,
    row: &[String; 11],
    widths: &[usize; 11],
) -> fmt::Result {
    let mut line = String::new();
    for (i, (cell, &width)) in row.iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        let pad = " ".repeat(width.saturating_sub(cell.width()));
        if i < 2 {
            line.push_str(cell);
            line.push_str(&pad);
        } else {
            line.push_str(&pad);
            line.push_str(cell);
        }
    }
    writeln!(f, "{}", line.trim_end())
}
