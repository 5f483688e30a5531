//! Scores the CSV output of `nianbao extract` against hand-checked expected values.
//!
//! The scoring rules are the ones in the project spec ("Expected values"): every
//! expected cell is *exact*, *wrong* or *missing*, and a missing cell is *explained*
//! only when `findings.csv` admits the gap for that table (and row). Wrong values are
//! the worst outcome because nothing downstream can tell them apart from good ones,
//! so they are listed one per line in [`ReportScore::details`].
//!
//! Inputs are read by column name, never by position, so the extractor may add
//! columns without breaking evaluation. Every CSV may start with a UTF-8 BOM (the
//! `--excel` output mode writes one).
//!
//! Three parts: `read` (the output files through their row structs, the expected
//! files, pairing them), `score` (one report against its expected file) and
//! `display` (the aligned table `nianbao eval` prints).

mod display;
mod read;
mod score;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};

use read::{
    count_repairs, find_expected_files, match_expected, read_cells, read_expected, read_findings,
    read_reports,
};
use score::score_report;

/// Suffix that marks a file of expected values.
pub(super) const EXPECTED_SUFFIX: &str = ".expected.csv";

/// The label used for the summed row.
pub(super) const TOTAL_LABEL: &str = "TOTAL";

/// Why evaluation could not run at all. Scoring problems (wrong values and the like)
/// are never errors; they are counted in the [`EvalSummary`].
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: missing column `{column}`")]
    MissingColumn { path: PathBuf, column: String },
    #[error("{path}:{line}: {message}")]
    Expected {
        path: PathBuf,
        line: u64,
        message: String,
    },
}

/// When an evaluation counts as failed; see [`EvalSummary::failures`].
#[derive(Debug, Clone, PartialEq)]
pub struct EvalOptions {
    /// Minimum overall accuracy, in percent (exact / expected × 100).
    pub min_accuracy: f64,
    /// Fail on any wrong cell value or meta field (`--strict`).
    pub fail_on_wrong: bool,
    /// Fail on any missing cell that no finding explains (`--strict`).
    pub fail_on_unexplained: bool,
    /// Fail on any extra cell: a value where the report prints none, i.e. a
    /// misplaced value, as silent as a wrong one (`--strict`).
    pub fail_on_extra: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            min_accuracy: 97.0,
            fail_on_wrong: false,
            fail_on_unexplained: false,
            fail_on_extra: false,
        }
    }
}

impl EvalOptions {
    /// The options behind `--strict`: any wrong, extra or unexplained missing value fails.
    pub fn strict(min_accuracy: f64) -> Self {
        EvalOptions {
            min_accuracy,
            fail_on_wrong: true,
            fail_on_unexplained: true,
            fail_on_extra: true,
        }
    }
}

/// The score of one report against its expected file (or, from
/// [`EvalSummary::totals`], of all reports together).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportScore {
    /// Report id as written in `reports.csv`, or `TOTAL`.
    pub report: String,
    /// Expected cells (meta rows are counted separately).
    pub expected: usize,
    pub exact: usize,
    pub wrong: usize,
    pub missing_explained: usize,
    pub missing_unexplained: usize,
    /// Extracted cells with a value whose key is not in the expected file.
    pub extra: usize,
    pub meta_expected: usize,
    pub meta_matched: usize,
    /// Rows in `findings.csv` for this report.
    pub findings: usize,
    /// Rows in `repairs.csv` for this report.
    pub repairs: usize,
    /// The extraction status from `reports.csv` (`ok`, `partial`, `error`).
    pub status: String,
    /// One line per wrong cell, unexplained missing cell and meta mismatch.
    pub details: Vec<String>,
}

impl ReportScore {
    /// Exact cells as a percentage of expected cells; 100 when nothing was expected.
    pub fn accuracy(&self) -> f64 {
        percent(self.exact, self.expected)
    }

    /// Adds the counts of `other` to `self` (details are not merged).
    fn add(&mut self, other: &ReportScore) {
        self.expected += other.expected;
        self.exact += other.exact;
        self.wrong += other.wrong;
        self.missing_explained += other.missing_explained;
        self.missing_unexplained += other.missing_unexplained;
        self.extra += other.extra;
        self.meta_expected += other.meta_expected;
        self.meta_matched += other.meta_matched;
        self.findings += other.findings;
        self.repairs += other.repairs;
    }
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvalSummary {
    /// One score per report that has an expected file, ordered by report id.
    pub reports: Vec<ReportScore>,
    /// Expected files (relative to the expected directory) that match no report.
    pub not_found: Vec<String>,
    /// Reports in `reports.csv` without an expected file; listed, not scored.
    pub unscored: Vec<String>,
}

impl EvalSummary {
    /// The sum over all scored reports. Its status tallies the report statuses
    /// (e.g. `ok:5 partial:1`).
    pub fn totals(&self) -> ReportScore {
        let mut total = ReportScore {
            report: TOTAL_LABEL.to_string(),
            ..ReportScore::default()
        };
        let mut statuses: BTreeMap<&str, usize> = BTreeMap::new();
        for score in &self.reports {
            total.add(score);
            *statuses.entry(score.status.as_str()).or_default() += 1;
        }
        total.status = statuses
            .iter()
            .map(|(status, n)| format!("{}:{n}", if status.is_empty() { "?" } else { status }))
            .collect::<Vec<_>>()
            .join(" ");
        total
    }

    /// Overall accuracy in percent: exact / expected over all scored reports.
    pub fn accuracy(&self) -> f64 {
        self.totals().accuracy()
    }

    /// Why this evaluation fails under `opts`, one message per reason; empty means
    /// it passes. An expected file without a report always fails, since otherwise a
    /// report the extractor silently dropped would not lower the accuracy.
    pub fn failures(&self, opts: &EvalOptions) -> Vec<String> {
        let mut failures = Vec::new();
        let accuracy = self.accuracy();
        if accuracy < opts.min_accuracy {
            failures.push(format!(
                "accuracy {accuracy:.2}% is below the minimum {}%",
                opts.min_accuracy
            ));
        }
        for path in &self.not_found {
            failures.push(format!("{path}: no matching report in the output"));
        }
        // Nothing scored is not a pass: the wrong folder was given, or every
        // report was dropped.
        if self.reports.is_empty() {
            failures.push(
                "no expected file matches any report of the output: nothing was scored".to_string(),
            );
        }
        for score in &self.reports {
            let meta_wrong = score.meta_expected - score.meta_matched;
            if opts.fail_on_wrong && (score.wrong > 0 || meta_wrong > 0) {
                failures.push(format!(
                    "{}: {} wrong value(s), {} wrong meta field(s)",
                    score.report, score.wrong, meta_wrong
                ));
            }
            if opts.fail_on_extra && score.extra > 0 {
                failures.push(format!(
                    "{}: {} extra value(s) where the report prints none",
                    score.report, score.extra
                ));
            }
            if opts.fail_on_unexplained && score.missing_unexplained > 0 {
                failures.push(format!(
                    "{}: {} missing value(s) without a finding",
                    score.report, score.missing_unexplained
                ));
            }
        }
        failures
    }
}

pub(super) fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Scores the extractor output in `out_dir` against every `*.expected.csv` found
/// recursively under `expected_dir` (which may also be a single expected file).
///
/// `reports.csv` and `cells.csv` must exist; a missing `findings.csv` or
/// `repairs.csv` is read as empty, which leaves every missing cell unexplained.
pub fn evaluate(out_dir: &Path, expected_dir: &Path) -> Result<EvalSummary, EvalError> {
    let reports = read_reports(&out_dir.join("reports.csv"))?;
    let expected_files = find_expected_files(expected_dir)?;
    let (matches, not_found) = match_expected(&expected_files, &reports);

    let mut expectations = HashMap::new();
    for (rel, path) in &expected_files {
        if matches.values().any(|r| r == rel) {
            expectations.insert(rel.clone(), read_expected(path)?);
        }
    }
    let wanted: HashSet<&str> = matches.keys().map(String::as_str).collect();
    let cells = read_cells(&out_dir.join("cells.csv"), &wanted)?;
    let findings = read_findings(&out_dir.join("findings.csv"), &wanted)?;
    let repairs = count_repairs(&out_dir.join("repairs.csv"), &wanted)?;

    let mut scored = Vec::new();
    let mut unscored = Vec::new();
    for report in &reports {
        let Some(rel) = matches.get(&report.id) else {
            unscored.push(report.id.clone());
            continue;
        };
        let expected = &expectations[rel];
        let empty = Vec::new();
        let mut score = score_report(
            report,
            expected,
            cells.get(&report.id).unwrap_or(&empty),
            findings
                .get(&report.id)
                .map(|f| f.as_slice())
                .unwrap_or(&[]),
        );
        score.findings = findings
            .get(&report.id)
            .map(Vec::len)
            .or(report.findings)
            .unwrap_or(0);
        score.repairs = match &repairs {
            Some(counts) => counts.get(&report.id).copied().unwrap_or(0),
            None => report.repairs.unwrap_or(0),
        };
        scored.push(score);
    }
    scored.sort_by(|a, b| a.report.cmp(&b.report));
    Ok(EvalSummary {
        reports: scored,
        not_found,
        unscored,
    })
}
