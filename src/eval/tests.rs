//! Tests of evaluation, end to end through output folders written here.

use super::read::report_key;
use super::score::{normalize_decimal, values_equal};
use super::*;
use std::fs;
use unicode_width::UnicodeWidthStr;

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
