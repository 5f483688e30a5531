//! Regression tests for the audit trail, each from a generated input: nothing lost
//! or misplaced, every finding at its place, no false alarms.

use nianbao::grammar::Grammars;
use nianbao::ingest::IngestOptions;
use nianbao::model::{Report, Severity, Status};
use nianbao::pipeline::extract_bytes;

fn extract(id: &str, text: &str) -> Report {
    let g = Grammars::embedded().unwrap();
    extract_bytes(id, text.as_bytes(), &g, &IngestOptions::default())
}

fn value(r: &Report, table: &str, row: &str, column: &str) -> Option<String> {
    r.cells
        .iter()
        .find(|c| c.table == table && c.row == row && c.column == column)
        .map(|c| c.value.to_string())
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

/// The sample with its last section's text replaced by `sentence`.
fn with_prose(sentence: &str) -> Report {
    let text = sample().replace("\n无。\n", &format!("\n{sentence}\n"));
    assert!(text.contains(sentence));
    extract("prose.txt", &text)
}

/// Figures the prose states are bound to the noun they count. The sample's table 4
/// has 3 reviews and 0 lawsuits; table 3 has 35 new applications.
#[test]
fn prose_figures_bind_the_right_noun() {
    for sentence in [
        "全年发生行政诉讼案件0件、行政复议案件3件。",
        "因政府信息公开申请提起行政复议3件、行政诉讼0件。",
        "因政府信息公开被申请复议3件、诉讼0件。",
        "全年受理政府信息公开申请35件未发生行政诉讼，办结35件无行政复议以外的争议。",
        "本年共收到政府信息公开申请35件未引起行政复议和行政诉讼以外的纠纷。",
        "发生3件因政府信息公开申请引发的行政复议。",
    ] {
        let r = with_prose(sentence);
        let m = checks(&r, "text_table_mismatch");
        assert!(m.is_empty(), "{sentence}: {m:?}");
    }
    // A figure that really differs is still reported, at its line.
    let sentence = "因政府信息公开申请提起行政复议5件、行政诉讼0件。";
    let r = with_prose(sentence);
    let m: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check == "text_table_mismatch")
        .collect();
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!((m[0].expected.as_str(), m[0].actual.as_str()), ("3", "5"));
    assert_eq!(m[0].row, "cases");
    assert_eq!(m[0].column, "review_total");
    let line = sample().lines().position(|l| l == "无。").unwrap() + 1;
    assert_eq!((m[0].page, m[0].line), (Some(1), Some(line)));
}

/// A README among the reports uses the template's words (it describes them) but
/// is not a report: `format=unknown` with one `no_template` finding.
#[test]
fn readme_among_reports_is_not_a_report() {
    let readme = "# 年报语料说明\n\n本目录收录2019年以来的政府信息公开工作年度报告，用于测试抽取工具。\n\n## 表二：主动公开政府信息情况\n\n| 列 | 含义 |\n|---|---|\n| 本年新制作数量 | 本年制作的规章、规范性文件 |\n| 本年新公开数量 | 本年公开的数量 |\n| 对外公开总数量 | 现行有效的数量 |\n| 本年增/减 | 行政许可等事项的增减 |\n| 政府集中采购 | 采购总金额（单位：万元） |\n\n## 表三：收到和处理政府信息公开申请情况\n\n申请人情况分为自然人、法人或其他组织；行数为一、本年新收政府信息公开申请数量，二、上年结转政府信息公开申请数量，三、本年度办理结果，四、结转下年度继续办理。\n\n## 表四\n\n行政复议与行政诉讼，各列为结果维持、结果纠正、其他结果、尚未审结、总计。共15列。\n";
    let r = extract("README.md", readme);
    assert_eq!(r.format, "unknown", "{:?}", r.findings);
    assert!(r.cells.is_empty());
    let all: Vec<&str> = r.findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(all, vec!["no_template"], "{:?}", r.findings);
    // Without a title or year at all (a plain README), still the one finding:
    // unclear metadata is not reported for what is not a report.
    let plain = readme.replace("# 年报语料说明\n\n本目录收录2019年以来的", "本目录收录");
    let r = extract("README.md", &plain);
    let all: Vec<&str> = r.findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(all, vec!["no_template"], "{:?}", r.findings);
    // The sample beside it is still a report.
    assert_eq!(extract("sample.txt", &sample()).format, "f2019");
}

/// The sample's line `(七) 总计` (1-based) and the sample with it replaced.
fn with_total_row(row: &str) -> (usize, Report) {
    let text = sample();
    let line = text.lines().position(|l| l.contains("(七) 总计")).unwrap() + 1;
    let changed: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                row.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    (line, extract("changed.txt", &changed.join("\n")))
}

/// A blank cell an identity needed leaves the report `partial`, with a finding at
/// the cell naming the identity it blocked.
#[test]
fn blank_cell_an_identity_needed_makes_the_report_partial() {
    assert_eq!(extract("sample.txt", &sample()).status, Status::Ok);
    let (line, r) = with_total_row("\t(七) 总计\t\t—\t0\t0\t0\t0\t0\t35");
    assert_eq!(r.status, Status::Partial, "{:?}", r.findings);
    let b: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check == "blank_cell" && f.severity == Severity::Warning)
        .collect();
    assert_eq!(b.len(), 1, "{:?}", r.findings);
    assert_eq!(
        (b[0].row.as_str(), b[0].column.as_str()),
        ("total_processed", "natural_person")
    );
    assert_eq!(b[0].line, Some(line));
    assert!(b[0].message.contains("t3_"), "{}", b[0].message);
}

/// A failed identity speaks in the report's row labels and the template's column
/// labels, points at the printed total and says what to check.
#[test]
fn identity_findings_name_labels_and_place() {
    let (line, r) = with_total_row("\t(七) 总计\t\t35\t0\t0\t0\t0\t0\t36");
    let f: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(!f.is_empty());
    for x in &f {
        assert!(x.message.contains("check"), "{}", x.message);
        assert!(x.line.is_some(), "{x:?}");
    }
    let row = f
        .iter()
        .find(|x| x.row == "total_processed" && x.column.is_empty())
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(row.message.contains("(七) 总计"), "{}", row.message);
    assert!(row.message.contains("“自然人”"), "{}", row.message);
    assert_eq!(row.line, Some(line));
}
