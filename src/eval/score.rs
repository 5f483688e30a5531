//! One report's extracted cells against its expected file: exact, wrong, missing
//! (explained or not), extra, and the meta fields.

use std::collections::{HashMap, HashSet};

use super::ReportScore;

/// A `(table, row, column)` cell key.
pub(super) type Key = (String, String, String);

/// One row of `reports.csv`, reduced to what evaluation needs.
#[derive(Debug, Clone)]
pub(super) struct ReportInfo {
    pub(super) id: String,
    pub(super) status: String,
    pub(super) error: String,
    /// Every column by name, for comparing meta fields.
    pub(super) fields: HashMap<String, String>,
    pub(super) findings: Option<usize>,
    pub(super) repairs: Option<usize>,
}

/// An extracted cell value and where it came from, for detail lines.
#[derive(Debug, Clone)]
pub(super) struct Extracted {
    pub(super) value: String,
    pub(super) page: String,
    pub(super) line: String,
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
pub(super) struct Expected {
    /// Cells in file order.
    pub(super) cells: Vec<(Key, String)>,
    /// Meta fields (`agency`, `year`, …) in file order.
    pub(super) meta: Vec<(String, String)>,
}

/// A `findings.csv` row, reduced to what explains a missing cell.
#[derive(Debug, Clone)]
pub(super) struct FindingScope {
    pub(super) table: String,
    pub(super) row: String,
}

/// Compares one report's extracted cells with its expected file.
pub(super) fn score_report(
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
pub(super) fn is_explained(key: &Key, findings: &[FindingScope]) -> bool {
    findings
        .iter()
        .any(|f| f.table == key.0 && (f.row.is_empty() || f.row == key.1))
}

/// Compares two canonical values. Decimals compare numerically so that `7730.28`
/// equals `7730.280` and `070` equals `70`; anything else compares as trimmed text.
pub(super) fn values_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    match (normalize_decimal(a), normalize_decimal(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// Reduces a plain decimal (`-?digits[.digits]`) to a unique form without leading
/// or trailing zeros, so equal numbers give equal strings without float rounding.
pub(super) fn normalize_decimal(s: &str) -> Option<String> {
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
