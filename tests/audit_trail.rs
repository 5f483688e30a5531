//! Regression tests for the audit trail, each from a generated input: nothing lost
//! or misplaced, every finding at its place, no false alarms.

use nianbao::grammar::Grammars;
use nianbao::ingest::IngestOptions;
use nianbao::model::{Report, Severity};
use nianbao::pipeline::extract_bytes;

fn extract(id: &str, text: &str) -> Report {
    let g = Grammars::embedded().unwrap();
    extract_bytes(id, text.as_bytes(), &g, &IngestOptions::default())
}

fn value(r: &Report, table: &str, row: &str, column: &str) -> Option<String> {
    r.cells
        .iter()
        .find(|c| c.table == table && c.row == row && c.column == column)
        .map(|c| c.value.clone())
}

fn checks(r: &Report, check: &str) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.check == check)
        .map(|f| format!("{} {} {}: {}", f.table, f.row, f.column, f.message))
        .collect()
}

/// Web text with its line breaks lost: the table-2 caption ends a paragraph longer
/// than the anchor window on the same line.
#[test]
fn caption_after_long_glued_prose_still_starts_table_two() {
    let prose = "（五）监督保障方面。常态化开展督查检查，组织4次季度政务公开检查，并将检查发现的问题通报全区。".repeat(4);
    let text = format!(
        "某某区2021年度政府信息公开工作年度报告\n一、总体情况\n{prose}二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章 000行政规范性文件1201第二十条第（五）项信息内容本年处理决定数量行政许可2293三、收到和处理政府信息公开申请情况\n"
    );
    let r = extract("glued.txt", &text);
    for c in ["issued", "repealed", "in_force"] {
        assert_eq!(
            value(&r, "active_disclosure", "regulations", c).as_deref(),
            Some("0"),
            "{:?}",
            r.findings
        );
    }
    let missing = checks(&r, "missing_row");
    assert!(
        !missing.iter().any(|m| m.contains("regulations")),
        "{missing:?}"
    );
    assert_eq!(
        value(&r, "active_disclosure", "admin_license", "decisions").as_deref(),
        Some("2293")
    );
}

fn sample() -> String {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/000_yiyuan_zrzyj_2020.txt"
    );
    std::fs::read_to_string(p).unwrap()
}

/// A report printing a group (（四）无法提供) as one row with its numbers: the
/// values are in the group's cells, its sub-rows are not "missing".
#[test]
fn group_printed_as_one_row_is_not_missing() {
    let text = sample();
    let mut out = Vec::new();
    for l in text.lines() {
        if l.contains("无法提供") {
            out.push("\t(四) 无法提供\t\t0\t0\t0\t0\t0\t0\t0".to_string());
        } else if l.contains("没有现成信息需要另行制作") || l.contains("补正后申请内容仍不明确")
        {
            continue;
        } else {
            out.push(l.to_string());
        }
    }
    let r = extract("group_row.txt", &out.join("\n"));
    assert_eq!(
        value(&r, "applications", "unable", "total").as_deref(),
        Some("0"),
        "{:?}",
        r.findings
    );
    let missing = checks(&r, "missing_row");
    assert!(missing.is_empty(), "{missing:?}");
    let errors: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}
