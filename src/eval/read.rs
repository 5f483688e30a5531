//! Reading for evaluation: the output files through their row structs
//! ([`crate::csvfile`]), the hand-written expected files, and which expected file
//! belongs to which report.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::score::{Expected, Extracted, FindingScope, Key, ReportInfo};
use super::{EvalError, EXPECTED_SUFFIX};
use crate::csvfile::{
    field_names, row_fields, CellRow, CsvRow, FindingRow, MissingColumn, RepairRow, ReportRow,
    RowReader, BOM,
};

/// Collects `*.expected.csv` files under `root`, keyed by their path relative to
/// `root` with `/` separators, sorted for deterministic output.
pub(super) fn find_expected_files(root: &Path) -> Result<Vec<(String, PathBuf)>, EvalError> {
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
pub(super) fn slash_path(path: &Path) -> String {
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
pub(super) fn match_expected(
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
pub(super) fn report_key(id: &str) -> String {
    let id = id.replace('\\', "/");
    let id = id.strip_prefix("./").unwrap_or(&id);
    let name_start = id.rfind('/').map_or(0, |i| i + 1);
    match id[name_start..].rfind('.') {
        Some(dot) if dot > 0 => id[..name_start + dot].to_string(),
        _ => id.to_string(),
    }
}

/// The last path component of a `/`-separated key.
pub(super) fn stem(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// Opens an output file through its row struct (columns by name), for `evaluate`.
pub(super) fn open_rows<T: CsvRow>(path: &Path) -> Result<RowReader<T>, EvalError> {
    RowReader::open(path).map_err(|e| row_error(path, e))
}

/// An error of the shared reader as an [`EvalError`]: a missing column by name.
pub(super) fn row_error(path: &Path, source: io::Error) -> EvalError {
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
pub(super) fn for_each_row<T: CsvRow>(
    path: &Path,
    mut each: impl FnMut(T) -> Result<(), EvalError>,
) -> Result<(), EvalError> {
    let mut rows = open_rows::<T>(path)?;
    while let Some(row) = rows.next_row().map_err(|e| row_error(path, e))? {
        each(row)?;
    }
    Ok(())
}

pub(super) fn read_reports(path: &Path) -> Result<Vec<ReportInfo>, EvalError> {
    let mut reports = Vec::new();
    for_each_row(path, |r: ReportRow| {
        let fields = row_fields::<ReportRow>(&r)
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
pub(super) fn read_cells(
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
pub(super) fn read_findings(
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
pub(super) fn count_repairs(
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
pub(super) fn open_expected(path: &Path) -> Result<csv::Reader<Box<dyn Read>>, EvalError> {
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
pub(super) struct ExpectedRow {
    table: String,
    row: String,
    column: String,
    value: String,
}

/// Reads one expected file. A key listed twice is an error: the file is
/// hand-written, and a duplicate would silently count twice.
pub(super) fn read_expected(path: &Path) -> Result<Expected, EvalError> {
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
