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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthStr;

use crate::csvfile::{
    field_names, CellRow, CsvRow, FindingRow, MissingColumn, RepairRow, ReportRow, RowReader, BOM,
};

/// Suffix that marks a file of expected values.
const EXPECTED_SUFFIX: &str = ".expected.csv";

/// The label used for the summed row.
const TOTAL_LABEL: &str = "TOTAL";

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

fn percent(part: usize, whole: usize) -> f64 {
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

/// A `(table, row, column)` cell key.
type Key = (String, String, String);

/// One row of `reports.csv`, reduced to what evaluation needs.
#[derive(Debug, Clone)]
struct ReportInfo {
    id: String,
    status: String,
    error: String,
    /// Every column by name, for comparing meta fields.
    fields: HashMap<String, String>,
    findings: Option<usize>,
    repairs: Option<usize>,
}

/// An extracted cell value and where it came from, for detail lines.
#[derive(Debug, Clone)]
struct Extracted {
    value: String,
    page: String,
    line: String,
}

impl Extracted {
    fn location(&self) -> String {
        match (self.page.is_empty(), self.line.is_empty()) {
            (true, true) => String::new(),
            (false, true) => format!(" (page {})", self.page),
            (true, false) => format!(" (line {})", self.line),
            (false, false) => format!(" (page {} line {})", self.page, self.line),
        }
    }
}

/// The contents of one expected file.
#[derive(Debug, Clone, Default)]
struct Expected {
    /// Cells in file order.
    cells: Vec<(Key, String)>,
    /// Meta fields (`agency`, `year`, …) in file order.
    meta: Vec<(String, String)>,
}

/// A `findings.csv` row, reduced to what explains a missing cell.
#[derive(Debug, Clone)]
struct FindingScope {
    table: String,
    row: String,
}

/// Compares one report's extracted cells with its expected file.
fn score_report(
    report: &ReportInfo,
    expected: &Expected,
    cells: &[(Key, Extracted)],
    findings: &[FindingScope],
) -> ReportScore {
    let mut score = ReportScore {
        report: report.id.clone(),
        status: report.status.clone(),
        ..ReportScore::default()
    };
    if !report.error.is_empty() {
        score
            .details
            .push(format!("extraction error: {}", report.error));
    }

    let mut extracted: HashMap<&Key, Vec<&Extracted>> = HashMap::new();
    for (key, cell) in cells {
        if !cell.value.is_empty() {
            extracted.entry(key).or_default().push(cell);
        }
    }

    let mut expected_keys = HashSet::new();
    for (key, want) in &expected.cells {
        expected_keys.insert(key);
        score.expected += 1;
        let got = extracted.get(key).map(Vec::as_slice).unwrap_or(&[]);
        let name = format!("{}.{}.{}", key.0, key.1, key.2);
        if got.is_empty() {
            if want.is_empty() {
                score.exact += 1;
            } else if is_explained(key, findings) {
                score.missing_explained += 1;
            } else {
                score.missing_unexplained += 1;
                score.details.push(format!(
                    "missing {name}: expected {want}, no finding explains it"
                ));
            }
        } else if got.iter().all(|cell| values_equal(want, &cell.value)) {
            score.exact += 1;
        } else {
            score.wrong += 1;
            let got_text = got
                .iter()
                .map(|cell| format!("{}{}", cell.value, cell.location()))
                .collect::<Vec<_>>()
                .join(", ");
            let want_text = if want.is_empty() { "no value" } else { want };
            score.details.push(format!(
                "wrong {name}: expected {want_text}, got {got_text}"
            ));
        }
    }

    for (key, cell) in cells {
        if !cell.value.is_empty() && !expected_keys.contains(key) {
            score.extra += 1;
            score.details.push(format!(
                "extra {}.{}.{}: got {}{}, the expected file has no value there",
                key.0,
                key.1,
                key.2,
                cell.value,
                cell.location()
            ));
        }
    }

    for (field, want) in &expected.meta {
        score.meta_expected += 1;
        match report.fields.get(field) {
            Some(got) if got.trim() == want => score.meta_matched += 1,
            Some(got) => score.details.push(format!(
                "meta {field}: expected {want:?}, got {:?}",
                got.trim()
            )),
            None => score
                .details
                .push(format!("meta {field}: reports.csv has no such column")),
        }
    }
    score
}

/// A missing cell is explained when a finding names its table and either its row
/// or no row at all (a finding about the whole table, e.g. `missing_table`).
fn is_explained(key: &Key, findings: &[FindingScope]) -> bool {
    findings
        .iter()
        .any(|f| f.table == key.0 && (f.row.is_empty() || f.row == key.1))
}

/// Compares two canonical values. Decimals compare numerically so that `7730.28`
/// equals `7730.280` and `070` equals `70`; anything else compares as trimmed text.
fn values_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    match (normalize_decimal(a), normalize_decimal(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// Reduces a plain decimal (`-?digits[.digits]`) to a unique form without leading
/// or trailing zeros, so equal numbers give equal strings without float rounding.
fn normalize_decimal(s: &str) -> Option<String> {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    if int.is_empty() && frac.is_empty() {
        return Some("0".to_string());
    }
    let sign = if negative { "-" } else { "" };
    Some(format!("{sign}{int}.{frac}"))
}

/// Collects `*.expected.csv` files under `root`, keyed by their path relative to
/// `root` with `/` separators, sorted for deterministic output.
fn find_expected_files(root: &Path) -> Result<Vec<(String, PathBuf)>, EvalError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| EvalError::Io { path, source }
    };
    let meta = std::fs::metadata(root).map_err(io_err(root))?;
    if meta.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![(name, root.to_path_buf())]);
    }
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io_err(&dir))? {
            let entry = entry.map_err(io_err(&dir))?;
            let path = entry.path();
            // `DirEntry::file_type` does not follow symlinks, so a link cycle
            // cannot make the walk loop forever.
            let file_type = entry.file_type().map_err(io_err(&path))?;
            if file_type.is_dir() {
                pending.push(path);
            } else if entry
                .file_name()
                .to_string_lossy()
                .ends_with(EXPECTED_SUFFIX)
            {
                if let Ok(rel) = path.strip_prefix(root) {
                    found.push((slash_path(rel), path.clone()));
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A relative path as a `/`-separated string, the form report ids use.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Pairs expected files with reports. Returns report id → expected file (relative
/// path), and the expected files that matched nothing.
///
/// A report `a/X.pdf` matches `a/X.expected.csv`. When no report has that relative
/// path, a unique report with the same file stem matches instead, so an output
/// made from a subdirectory can still be scored against the whole corpus.
fn match_expected(
    expected: &[(String, PathBuf)],
    reports: &[ReportInfo],
) -> (HashMap<String, String>, Vec<String>) {
    let mut by_path: HashMap<String, Vec<&str>> = HashMap::new();
    let mut by_stem: HashMap<String, Vec<&str>> = HashMap::new();
    for report in reports {
        let key = report_key(&report.id);
        by_stem
            .entry(stem(&key).to_string())
            .or_default()
            .push(&report.id);
        by_path.entry(key).or_default().push(&report.id);
    }
    let keys: Vec<(&String, &str)> = expected
        .iter()
        .map(|(rel, _)| (rel, rel.strip_suffix(EXPECTED_SUFFIX).unwrap_or(rel)))
        .collect();
    // Exact relative paths first, so a stem match never takes a report that
    // has its own expected file.
    let mut matches = HashMap::new();
    for (rel, key) in &keys {
        for id in by_path.get(*key).into_iter().flatten() {
            matches.insert(id.to_string(), rel.to_string());
        }
    }
    let mut not_found = Vec::new();
    for (rel, key) in &keys {
        if by_path.contains_key(*key) {
            continue;
        }
        match by_stem.get(stem(key)).map(Vec::as_slice) {
            Some([id]) if !matches.contains_key(*id) => {
                matches.insert(id.to_string(), rel.to_string());
            }
            _ => not_found.push(rel.to_string()),
        }
    }
    (matches, not_found)
}

/// A report id without its extension, with `/` separators and no leading `./`.
fn report_key(id: &str) -> String {
    let id = id.replace('\\', "/");
    let id = id.strip_prefix("./").unwrap_or(&id);
    let name_start = id.rfind('/').map_or(0, |i| i + 1);
    match id[name_start..].rfind('.') {
        Some(dot) if dot > 0 => id[..name_start + dot].to_string(),
        _ => id.to_string(),
    }
}

/// The last path component of a `/`-separated key.
fn stem(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// Opens an output file through its row struct (columns by name), for `evaluate`.
fn open_rows<T: CsvRow>(path: &Path) -> Result<RowReader<T>, EvalError> {
    RowReader::open(path).map_err(|e| row_error(path, e))
}

/// An error of the shared reader as an [`EvalError`]: a missing column by name.
fn row_error(path: &Path, source: io::Error) -> EvalError {
    match source
        .get_ref()
        .and_then(|e| e.downcast_ref::<MissingColumn>())
    {
        Some(m) => EvalError::MissingColumn {
            path: path.to_path_buf(),
            column: m.column.clone(),
        },
        None => EvalError::Io {
            path: path.to_path_buf(),
            source,
        },
    }
}

/// Streams every row of an output file into `each`; rows are never held at once.
fn for_each_row<T: CsvRow>(
    path: &Path,
    mut each: impl FnMut(T) -> Result<(), EvalError>,
) -> Result<(), EvalError> {
    let mut rows = open_rows::<T>(path)?;
    while let Some(row) = rows.next_row().map_err(|e| row_error(path, e))? {
        each(row)?;
    }
    Ok(())
}

fn read_reports(path: &Path) -> Result<Vec<ReportInfo>, EvalError> {
    let mut reports = Vec::new();
    for_each_row(path, |r: ReportRow| {
        let fields = r
            .fields()
            .map_err(|source| EvalError::Io {
                path: path.to_path_buf(),
                source,
            })?
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect();
        reports.push(ReportInfo {
            id: r.report.into_owned(),
            status: r.status.into_owned(),
            error: r.error.into_owned(),
            fields,
            findings: Some(r.findings),
            repairs: Some(r.repairs),
        });
        Ok(())
    })?;
    Ok(reports)
}

/// Reads `cells.csv`, keeping only the reports in `wanted`.
fn read_cells(
    path: &Path,
    wanted: &HashSet<&str>,
) -> Result<HashMap<String, Vec<(Key, Extracted)>>, EvalError> {
    let mut cells: HashMap<String, Vec<(Key, Extracted)>> = HashMap::new();
    for_each_row(path, |c: CellRow| {
        if !wanted.contains(c.report.as_ref()) {
            return Ok(());
        }
        let place = |n: Option<usize>| n.map(|v| v.to_string()).unwrap_or_default();
        let cell = Extracted {
            value: c.value.trim().to_string(),
            page: place(c.page),
            line: place(c.line),
        };
        let key = (
            c.table.into_owned(),
            c.row.into_owned(),
            c.column.into_owned(),
        );
        cells
            .entry(c.report.into_owned())
            .or_default()
            .push((key, cell));
        Ok(())
    })?;
    Ok(cells)
}

/// Reads `findings.csv` (absent means no findings), keeping only `wanted` reports.
fn read_findings(
    path: &Path,
    wanted: &HashSet<&str>,
) -> Result<HashMap<String, Vec<FindingScope>>, EvalError> {
    let mut findings: HashMap<String, Vec<FindingScope>> = HashMap::new();
    if !path.exists() {
        return Ok(findings);
    }
    for_each_row(path, |f: FindingRow| {
        if wanted.contains(f.report.as_ref()) {
            let scope = FindingScope {
                table: f.table.into_owned(),
                row: f.row.into_owned(),
            };
            findings
                .entry(f.report.into_owned())
                .or_default()
                .push(scope);
        }
        Ok(())
    })?;
    Ok(findings)
}

/// Counts `repairs.csv` rows per report; `None` when the file does not exist.
fn count_repairs(
    path: &Path,
    wanted: &HashSet<&str>,
) -> Result<Option<HashMap<String, usize>>, EvalError> {
    if !path.exists() {
        return Ok(None);
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for_each_row(path, |x: RepairRow| {
        if wanted.contains(x.report.as_ref()) {
            *counts.entry(x.report.into_owned()).or_default() += 1;
        }
        Ok(())
    })?;
    Ok(Some(counts))
}

/// Opens an expected file (hand-written: fields trimmed, a UTF-8 BOM skipped).
fn open_expected(path: &Path) -> Result<csv::Reader<Box<dyn Read>>, EvalError> {
    let io_err = |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut reader = BufReader::new(File::open(path).map_err(io_err)?);
    let starts_with_bom = reader.fill_buf().map_err(io_err)?.starts_with(BOM);
    if starts_with_bom {
        reader.consume(BOM.len());
    }
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(Box::new(reader) as Box<dyn Read>))
}

/// A row of an expected file (`table,row,column,value`; see the spec's "Expected
/// values"). Hand-written, so a short row reads its missing fields as empty.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ExpectedRow {
    table: String,
    row: String,
    column: String,
    value: String,
}

/// Reads one expected file. A key listed twice is an error: the file is
/// hand-written, and a duplicate would silently count twice.
fn read_expected(path: &Path) -> Result<Expected, EvalError> {
    let mut expected = Expected::default();
    let mut seen = HashSet::new();
    let mut rdr = open_expected(path)?;
    let csv_err = |source| EvalError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    if let Some(c) = field_names::<ExpectedRow>()
        .iter()
        .find(|c| !headers.iter().any(|h| h == **c))
    {
        return Err(EvalError::MissingColumn {
            path: path.to_path_buf(),
            column: c.to_string(),
        });
    }
    let mut record = csv::StringRecord::new();
    while rdr.read_record(&mut record).map_err(csv_err)? {
        let line = record.position().map_or(0, |p| p.line());
        let r: ExpectedRow = record.deserialize(Some(&headers)).map_err(csv_err)?;
        let key = (r.table, r.row, r.column);
        if key.0.is_empty() && key.1.is_empty() && key.2.is_empty() {
            continue;
        }
        if !seen.insert(key.clone()) {
            return Err(EvalError::Expected {
                path: path.to_path_buf(),
                line,
                message: format!("duplicate key {}.{}.{}", key.0, key.1, key.2),
            });
        }
        if key.0 == "meta" {
            expected.meta.push((key.2, r.value));
        } else {
            expected.cells.push((key, r.value));
        }
    }
    Ok(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const REPORTS_HEADER: &str =
        "report,source,format,agency,year,published,pages,status,error,cells,repairs,findings\n";
    const CELLS_HEADER: &str =
        "report,table,row,column,value,raw,unit,row_label,column_label,page,line\n";
    const FINDINGS_HEADER: &str =
        "report,check,severity,table,row,column,expected,actual,page,line,message\n";

    /// A temporary output directory and expected directory.
    struct Fixture {
        _dir: tempfile::TempDir,
        out: PathBuf,
        expected: PathBuf,
    }

    impl Fixture {
        fn new() -> Fixture {
            let dir = tempfile::tempdir().expect("tempdir");
            let out = dir.path().join("out");
            let expected = dir.path().join("expected");
            fs::create_dir_all(&out).expect("mkdir out");
            fs::create_dir_all(&expected).expect("mkdir expected");
            Fixture {
                _dir: dir,
                out,
                expected,
            }
        }

        fn out_file(&self, name: &str, contents: &str) -> &Self {
            fs::write(self.out.join(name), contents).expect("write out file");
            self
        }

        fn expected_file(&self, rel: &str, contents: &str) -> &Self {
            let path = self.expected.join(rel);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, contents).expect("write expected file");
            self
        }

        fn evaluate(&self) -> EvalSummary {
            evaluate(&self.out, &self.expected).expect("evaluate")
        }
    }

    fn report_line(id: &str) -> String {
        format!("{id},text:utf-8,f2019,某县人民政府,2020,2021-01-28,3,ok,,3,0,0\n")
    }

    fn cell_line(report: &str, table: &str, row: &str, column: &str, value: &str) -> String {
        format!("{report},{table},{row},{column},{value},{value},,,,1,10\n")
    }

    /// One report `r.txt` with two application cells extracted.
    fn simple_fixture(values: (&str, &str), findings: &str, expected: &str) -> Fixture {
        let fx = Fixture::new();
        fx.out_file(
            "reports.csv",
            &(REPORTS_HEADER.to_string() + &report_line("r.txt")),
        )
        .out_file(
            "cells.csv",
            &format!(
                "{CELLS_HEADER}{}{}",
                cell_line("r.txt", "applications", "granted", "total", values.0),
                cell_line("r.txt", "applications", "partial", "total", values.1),
            ),
        )
        .out_file("findings.csv", &format!("{FINDINGS_HEADER}{findings}"))
        .expected_file(
            "r.expected.csv",
            &format!("table,row,column,value\n{expected}"),
        );
        fx
    }

    fn only(summary: &EvalSummary) -> &ReportScore {
        assert_eq!(summary.reports.len(), 1, "{summary:?}");
        &summary.reports[0]
    }

    #[test]
    fn exact_values_score_full_accuracy() {
        let fx = simple_fixture(
            ("35", "7730.280"),
            "",
            "applications,granted,total,35\napplications,partial,total,7730.28\n",
        );
        let summary = fx.evaluate();
        let score = only(&summary);
        assert_eq!((score.expected, score.exact, score.wrong), (2, 2, 0));
        assert_eq!(score.extra, 0);
        assert!(score.details.is_empty(), "{:?}", score.details);
        assert_eq!(summary.accuracy(), 100.0);
        assert!(summary.failures(&EvalOptions::strict(100.0)).is_empty());
    }

    #[test]
    fn different_value_is_wrong_with_location() {
        let fx = simple_fixture(
            ("36", "0"),
            "",
            "applications,granted,total,35\napplications,partial,total,0\n",
        );
        let summary = fx.evaluate();
        let score = only(&summary);
        assert_eq!((score.exact, score.wrong), (1, 1));
        assert_eq!(
            score.details,
            vec!["wrong applications.granted.total: expected 35, got 36 (page 1 line 10)"]
        );
        assert!(summary.failures(&EvalOptions::default()).len() == 1);
        assert_eq!(summary.failures(&EvalOptions::strict(0.0)).len(), 1);
    }

    #[test]
    fn missing_is_explained_by_a_finding_for_the_row_or_table() {
        let expected = "applications,granted,total,35\n\
                        applications,carried_over,total,1\n\
                        active_disclosure,regulations,new_made,2\n\
                        review_litigation,cases,review_total,4\n";
        let findings = "r.txt,missing_row,warning,applications,carried_over,,,,,,row not found\n\
                        r.txt,missing_table,error,review_litigation,,,,,,,table not found\n\
                        other.txt,missing_table,error,active_disclosure,,,,,,,not this report\n";
        let fx = simple_fixture(("35", ""), findings, expected);
        let summary = fx.evaluate();
        let score = only(&summary);
        assert_eq!(score.exact, 1);
        assert_eq!(score.missing_explained, 2);
        assert_eq!(score.missing_unexplained, 1);
        assert_eq!(
            score.details,
            vec!["missing active_disclosure.regulations.new_made: expected 2, no finding explains it"]
        );
        assert_eq!(score.findings, 2);
        let strict = summary.failures(&EvalOptions::strict(0.0));
        assert_eq!(strict, vec!["r.txt: 1 missing value(s) without a finding"]);
    }

    #[test]
    fn empty_expected_value_matches_absence_and_rejects_a_value() {
        let fx = simple_fixture(
            ("", "5"),
            "",
            "applications,granted,total,\napplications,partial,total,\n",
        );
        let summary = fx.evaluate();
        let score = only(&summary);
        assert_eq!((score.exact, score.wrong), (1, 1));
        assert_eq!(
            score.details,
            vec!["wrong applications.partial.total: expected no value, got 5 (page 1 line 10)"]
        );
    }

    #[test]
    fn unexpected_values_count_as_extra() {
        let fx = simple_fixture(("35", "3"), "", "applications,granted,total,35\n");
        let summary = fx.evaluate();
        let score = only(&summary).clone();
        assert_eq!((score.exact, score.extra), (1, 1));
        // Listed (printed by `eval -v`) and failing under --strict.
        assert_eq!(score.details.len(), 1, "{:?}", score.details);
        assert!(
            score.details[0].starts_with("extra applications."),
            "{:?}",
            score.details
        );
        assert!(summary.failures(&EvalOptions::default()).is_empty());
        let strict = summary.failures(&EvalOptions::strict(0.0));
        assert!(
            strict.iter().any(|f| f.contains("1 extra value")),
            "{strict:?}"
        );
    }

    #[test]
    fn nothing_scored_fails() {
        let fx = Fixture::new();
        fx.out_file("reports.csv", REPORTS_HEADER)
            .out_file("cells.csv", CELLS_HEADER)
            .expected_file("other.expected.csv", "table,row,column,value\n");
        let summary = fx.evaluate();
        assert!(summary.reports.is_empty());
        let failures = summary.failures(&EvalOptions::default());
        assert!(
            failures.iter().any(|f| f.contains("nothing was scored")),
            "{failures:?}"
        );
    }

    #[test]
    fn meta_fields_are_compared_when_listed() {
        let expected = "meta,report,agency,某县人民政府\n\
                        meta,report,year,2019\n\
                        meta,report,format,f2019\n\
                        applications,granted,total,35\n";
        let fx = simple_fixture(("35", ""), "", expected);
        let summary = fx.evaluate();
        let score = only(&summary);
        assert_eq!((score.meta_expected, score.meta_matched), (3, 2));
        assert_eq!(
            score.details,
            vec![r#"meta year: expected "2019", got "2020""#]
        );
        assert!(summary.failures(&EvalOptions::default()).is_empty());
        assert_eq!(summary.failures(&EvalOptions::strict(0.0)).len(), 1);
    }

    #[test]
    fn byte_order_marks_are_ignored() {
        let bom = "\u{feff}";
        let fx = Fixture::new();
        fx.out_file(
            "reports.csv",
            &format!("{bom}{REPORTS_HEADER}{}", report_line("r.txt")),
        )
        .out_file(
            "cells.csv",
            &format!(
                "{bom}{CELLS_HEADER}{}",
                cell_line("r.txt", "applications", "granted", "total", "35")
            ),
        )
        .out_file("findings.csv", &format!("{bom}{FINDINGS_HEADER}"))
        .out_file(
            "repairs.csv",
            &format!("{bom}report,kind,page,line,before,after,rule\n"),
        )
        .expected_file(
            "r.expected.csv",
            &format!("{bom}table,row,column,value\napplications,granted,total,35\n"),
        );
        let summary = fx.evaluate();
        let score = only(&summary);
        assert_eq!((score.expected, score.exact), (1, 1));
    }

    #[test]
    fn expected_files_match_by_relative_path_then_by_stem() {
        let fx = Fixture::new();
        let reports = ["a/x.pdf", "b/x.txt", "c/y.txt", "z.txt"]
            .map(report_line)
            .concat();
        let cells = [
            cell_line("a/x.pdf", "applications", "granted", "total", "1"),
            cell_line("b/x.txt", "applications", "granted", "total", "2"),
            cell_line("c/y.txt", "applications", "granted", "total", "3"),
        ]
        .concat();
        fx.out_file("reports.csv", &(REPORTS_HEADER.to_string() + &reports))
            .out_file("cells.csv", &(CELLS_HEADER.to_string() + &cells))
            .expected_file(
                "a/x.expected.csv",
                "table,row,column,value\napplications,granted,total,1\n",
            )
            .expected_file(
                "b/x.expected.csv",
                "table,row,column,value\napplications,granted,total,2\n",
            )
            // Only the stem matches, and uniquely.
            .expected_file(
                "other/y.expected.csv",
                "table,row,column,value\napplications,granted,total,3\n",
            )
            // The stem `x` is ambiguous, so this one matches nothing.
            .expected_file(
                "d/x.expected.csv",
                "table,row,column,value\napplications,granted,total,9\n",
            )
            .expected_file("w.expected.csv", "table,row,column,value\n");
        let summary = fx.evaluate();
        let ids: Vec<&str> = summary.reports.iter().map(|s| s.report.as_str()).collect();
        assert_eq!(ids, ["a/x.pdf", "b/x.txt", "c/y.txt"]);
        assert!(summary.reports.iter().all(|s| s.exact == 1 && s.wrong == 0));
        assert_eq!(summary.not_found, ["d/x.expected.csv", "w.expected.csv"]);
        assert_eq!(summary.unscored, ["z.txt"]);
        let failures = summary.failures(&EvalOptions::default());
        assert_eq!(failures.len(), 2, "{failures:?}");
    }

    #[test]
    fn stem_match_never_takes_a_report_with_its_own_expected_file() {
        let fx = Fixture::new();
        fx.out_file(
            "reports.csv",
            &format!("{REPORTS_HEADER}{}", report_line("a/x.pdf")),
        )
        .out_file("cells.csv", CELLS_HEADER)
        .expected_file("a/x.expected.csv", "table,row,column,value\n")
        .expected_file("b/x.expected.csv", "table,row,column,value\n");
        let summary = fx.evaluate();
        assert_eq!(only(&summary).report, "a/x.pdf");
        assert_eq!(summary.not_found, ["b/x.expected.csv"]);
    }

    #[test]
    fn display_aligns_chinese_report_ids_by_display_width() {
        let fx = Fixture::new();
        let reports = ["沂源县.txt", "abc.txt"].map(report_line).concat();
        fx.out_file("reports.csv", &format!("{REPORTS_HEADER}{reports}"))
            .out_file("cells.csv", CELLS_HEADER)
            .expected_file("沂源县.expected.csv", "table,row,column,value\n")
            .expected_file("abc.expected.csv", "table,row,column,value\n");
        let text = fx.evaluate().to_string();
        let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
        assert_eq!(widths.len(), 4, "{text}");
        assert!(widths.iter().all(|&w| w == widths[0]), "{text}");
    }

    #[test]
    fn missing_findings_and_repairs_files_fall_back_to_report_counts() {
        let fx = Fixture::new();
        fx.out_file(
            "reports.csv",
            &format!("{REPORTS_HEADER}r.txt,pdf,f2021,某局,2022,,4,partial,,0,7,0\n"),
        )
        .out_file("cells.csv", CELLS_HEADER)
        .expected_file(
            "r.expected.csv",
            "table,row,column,value\napplications,granted,total,1\n",
        );
        let summary = fx.evaluate();
        let score = only(&summary);
        assert_eq!((score.repairs, score.findings), (7, 0));
        assert_eq!(score.missing_unexplained, 1);
        assert_eq!(score.status, "partial");
        assert_eq!(summary.accuracy(), 0.0);
        assert_eq!(summary.failures(&EvalOptions::default()).len(), 1);
    }

    #[test]
    fn duplicate_expected_key_is_an_error() {
        let fx = simple_fixture(
            ("1", "2"),
            "",
            "applications,granted,total,1\napplications,granted,total,1\n",
        );
        let err = evaluate(&fx.out, &fx.expected).unwrap_err();
        assert!(matches!(err, EvalError::Expected { line: 3, .. }), "{err}");
    }

    #[test]
    fn missing_required_column_is_an_error() {
        let fx = Fixture::new();
        fx.out_file("reports.csv", "id,status\n")
            .out_file("cells.csv", CELLS_HEADER);
        let err = evaluate(&fx.out, &fx.expected).unwrap_err();
        assert!(matches!(err, EvalError::MissingColumn { ref column, .. } if column == "report"));
    }

    #[test]
    fn decimals_compare_numerically() {
        assert!(values_equal("7730.28", "7730.280"));
        assert!(values_equal("70", "070"));
        assert!(values_equal("0", "-0.0"));
        assert!(values_equal(".5", "0.50"));
        assert!(!values_equal("70", "-70"));
        assert!(!values_equal("1.5", "15"));
        assert!(!values_equal("", "0"));
        assert!(values_equal("abc", " abc "));
        assert_eq!(normalize_decimal("1,000"), None);
        assert_eq!(normalize_decimal("-"), None);
        assert_eq!(normalize_decimal("."), None);
    }

    #[test]
    fn report_keys_drop_the_extension_only() {
        assert_eq!(report_key("sub/X.pdf"), "sub/X");
        assert_eq!(report_key("./sub\\X.2020.txt"), "sub/X.2020");
        assert_eq!(report_key("a.b/X"), "a.b/X");
        assert_eq!(report_key(".hidden"), ".hidden");
    }

    #[test]
    fn display_prints_an_aligned_table_with_totals() {
        let fx = simple_fixture(
            ("36", "0"),
            "",
            "applications,granted,total,35\napplications,partial,total,0\n",
        );
        let summary = fx.evaluate();
        let text = summary.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("report  status"), "{text}");
        assert!(lines[1].starts_with("r.txt   ok    "), "{text}");
        assert!(lines[2].starts_with("TOTAL   ok:1  "), "{text}");
        assert!(lines[2].ends_with("50.00"), "{text}");
        // Right-aligned columns end at the same position.
        assert_eq!(lines[0].len(), lines[1].len());
        let detailed = format!("{summary:#}");
        assert!(detailed.contains("r.txt: wrong applications.granted.total"));
    }
}
