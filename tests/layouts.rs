//! Each table layout the issue lists, rendered from one set of values by small
//! generators, must give back exactly those values.

use nianbao::grammar::Grammars;
use nianbao::ingest::IngestOptions;
use nianbao::model::{Report, Status};
use nianbao::pipeline::extract_bytes;
use std::collections::BTreeMap;

/// Table 3 rows (2021 labels) with applicant values; totals are consistent.
fn t3() -> Vec<(&'static str, &'static str, [u32; 6])> {
    vec![
        (
            "new_received",
            "一、本年新收政府信息公开申请数量",
            [64, 0, 0, 2, 0, 4],
        ),
        (
            "carried_over",
            "二、上年结转政府信息公开申请数量",
            [3, 0, 0, 0, 0, 0],
        ),
        ("granted", "（一）予以公开", [27, 0, 0, 2, 0, 1]),
        (
            "partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            [5, 0, 0, 0, 0, 0],
        ),
        ("denied_state_secret", "1.属于国家秘密", [0, 0, 0, 0, 0, 0]),
        (
            "denied_law_prohibited",
            "2.其他法律行政法规禁止公开",
            [0, 0, 0, 0, 0, 0],
        ),
        (
            "denied_three_safety_one_stability",
            "3.危及“三安全一稳定”",
            [0, 0, 0, 0, 0, 0],
        ),
        (
            "denied_third_party",
            "4.保护第三方合法权益",
            [0, 0, 0, 0, 0, 0],
        ),
        (
            "denied_internal_affairs",
            "5.属于三类内部事务信息",
            [1, 0, 0, 0, 0, 0],
        ),
        (
            "denied_process_info",
            "6.属于四类过程性信息",
            [0, 0, 0, 0, 0, 0],
        ),
        (
            "denied_enforcement_file",
            "7.属于行政执法案卷",
            [6, 0, 0, 0, 0, 0],
        ),
        (
            "denied_admin_query",
            "8.属于行政查询事项",
            [1, 0, 0, 0, 0, 0],
        ),
        (
            "unable_not_held",
            "1.本机关不掌握相关政府信息",
            [22, 0, 0, 0, 0, 3],
        ),
        (
            "unable_need_creation",
            "2.没有现成信息需要另行制作",
            [0, 0, 0, 0, 0, 0],
        ),
        (
            "unable_unclear",
            "3.补正后申请内容仍不明确",
            [0, 0, 0, 0, 0, 0],
        ),
        ("np_petition", "1.信访举报投诉类申请", [0, 0, 0, 0, 0, 0]),
        ("np_repeat", "2.重复申请", [0, 0, 0, 0, 0, 0]),
        ("np_publication", "3.要求提供公开出版物", [0, 0, 0, 0, 0, 0]),
        ("np_massive", "4.无正当理由大量反复申请", [0, 0, 0, 0, 0, 0]),
        (
            "np_confirm",
            "5.要求行政机关确认或重新出具已获取信息",
            [0, 0, 0, 0, 0, 0],
        ),
        (
            "other_overdue_correction",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            [0, 0, 0, 0, 0, 0],
        ),
        (
            "other_overdue_fee",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            [0, 0, 0, 0, 0, 0],
        ),
        ("other_other", "3.其他", [1, 0, 0, 0, 0, 0]),
        ("total_processed", "（七）总计", [63, 0, 0, 2, 0, 4]),
        (
            "carried_forward",
            "四、结转下年度继续办理",
            [4, 0, 0, 0, 0, 0],
        ),
    ]
}

const T4: [u32; 15] = [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0];
const COLS: [&str; 7] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
];
const T4_COLS: [&str; 15] = [
    "review_maintained",
    "review_corrected",
    "review_other",
    "review_pending",
    "review_total",
    "direct_maintained",
    "direct_corrected",
    "direct_other",
    "direct_pending",
    "direct_total",
    "after_maintained",
    "after_corrected",
    "after_other",
    "after_pending",
    "after_total",
];

fn row_values(v: &[u32; 6]) -> Vec<u32> {
    let mut r = v.to_vec();
    r.push(v.iter().sum());
    r
}

/// Expected cells of tables 3 and 4 and of table 2.
fn expected() -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (id, _, v) in t3() {
        for (c, x) in COLS.iter().zip(row_values(&v)) {
            m.insert(format!("applications.{id}.{c}"), x.to_string());
        }
    }
    for (c, x) in T4_COLS.iter().zip(T4) {
        m.insert(format!("review_litigation.cases.{c}"), x.to_string());
    }
    for (k, v) in [
        ("regulations.issued", "0"),
        ("regulations.repealed", "0"),
        ("regulations.in_force", "0"),
        ("normative_docs.issued", "69"),
        ("normative_docs.repealed", "3"),
        ("normative_docs.in_force", "665"),
        ("admin_license.decisions", "2293"),
        ("admin_penalty.decisions", "1282"),
        ("admin_coercion.decisions", "42"),
        ("admin_fees.fee_amount", "24252.31"),
    ] {
        m.insert(format!("active_disclosure.{k}"), v.to_string());
    }
    m
}

const T2_ROWS: [(&str, &[&str]); 6] = [
    ("规章", &["0", "0", "0"]),
    ("行政规范性文件", &["69", "3", "665"]),
    ("行政许可", &["2293"]),
    ("行政处罚", &["1282"]),
    ("行政强制", &["42"]),
    ("行政事业性收费", &["24252.31"]),
];

/// A report around three tables rendered by `cell_line` (label, values → line).
fn report(sep_heading: &str, cell_line: &dyn Fn(&str, &[String]) -> String) -> String {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut t = String::from("某某县人民政府\n\n2021年政府信息公开工作年度报告\n\n一、总体情况\n\n2021年，本机关收到政府信息公开申请70件。\n\n");
    t.push_str(&format!("{sep_heading}二、主动公开政府信息情况\n\n"));
    t.push_str(&cell_line("第二十条第（一）项", &[]));
    t.push_str(&cell_line(
        "信息内容",
        &s(&["本年制发件数", "本年废止件数", "现行有效件数"]),
    ));
    for (label, v) in &T2_ROWS[..2] {
        t.push_str(&cell_line(label, &s(v)));
    }
    t.push_str(&cell_line("第二十条第（五）项", &[]));
    t.push_str(&cell_line("信息内容", &s(&["本年处理决定数量"])));
    t.push_str(&cell_line(T2_ROWS[2].0, &s(T2_ROWS[2].1)));
    t.push_str(&cell_line("第二十条第（六）项", &[]));
    t.push_str(&cell_line("信息内容", &s(&["本年处理决定数量"])));
    t.push_str(&cell_line(T2_ROWS[3].0, &s(T2_ROWS[3].1)));
    t.push_str(&cell_line(T2_ROWS[4].0, &s(T2_ROWS[4].1)));
    t.push_str(&cell_line("第二十条第（八）项", &[]));
    t.push_str(&cell_line("信息内容", &s(&["本年收费金额（单位：万元）"])));
    t.push_str(&cell_line(T2_ROWS[5].0, &s(T2_ROWS[5].1)));
    t.push_str("\n三、收到和处理政府信息公开申请情况\n\n");
    t.push_str(&cell_line(
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        &s(&["申请人情况"]),
    ));
    t.push_str(&cell_line("自然人", &s(&["法人或其他组织", "总计"])));
    t.push_str(&cell_line(
        "商业企业",
        &s(&["科研机构", "社会公益组织", "法律服务机构", "其他"]),
    ));
    for (_, label, v) in t3() {
        let vals: Vec<String> = row_values(&v).iter().map(u32::to_string).collect();
        t.push_str(&cell_line(label, &vals));
    }
    t.push_str("\n四、政府信息公开行政复议、行政诉讼情况\n\n");
    t.push_str(&cell_line("行政复议", &s(&["行政诉讼"])));
    t.push_str(&cell_line(
        "结果维持",
        &s(&[
            "结果纠正",
            "其他结果",
            "尚未审结",
            "总计",
            "未经复议直接起诉",
            "复议后起诉",
        ]),
    ));
    let vals: Vec<String> = T4.iter().map(u32::to_string).collect();
    t.push_str(&cell_line("", &vals));
    t.push_str("\n五、存在的主要问题及改进情况\n\n无。\n\n六、其他需要报告的事项\n\n无。\n");
    t
}

fn run(text: &str) -> Report {
    let g = Grammars::embedded().unwrap();
    extract_bytes("test.txt", text.as_bytes(), &g, &IngestOptions::default())
}

fn cells(r: &Report) -> BTreeMap<String, String> {
    r.cells
        .iter()
        .filter(|c| !c.value.is_empty())
        .map(|c| {
            (
                format!("{}.{}.{}", c.table, c.row, c.column),
                c.value.to_string(),
            )
        })
        .collect()
}

fn assert_all_cells(r: &Report) {
    let got = cells(r);
    let exp = expected();
    let wrong: Vec<String> = exp
        .iter()
        .filter(|(k, v)| got.get(*k).is_some_and(|g| g != *v))
        .map(|(k, v)| format!("{k}: {v} ≠ {}", got[k]))
        .collect();
    let missing: Vec<&String> = exp.keys().filter(|k| !got.contains_key(*k)).collect();
    assert!(wrong.is_empty(), "wrong: {wrong:?}");
    assert!(
        missing.is_empty(),
        "missing {}: {:?}\nfindings: {:#?}",
        missing.len(),
        missing,
        r.findings
    );
    assert_eq!(r.format, "f2021");
    assert_eq!(r.year, Some(2021));
    assert_eq!(r.agency, "某某县人民政府");
}

#[test]
fn tab_separated() {
    let r = run(&report("", &|l, v| format!("{l}\t{}\n", v.join("\t"))));
    assert_all_cells(&r);
    assert_eq!(r.status, Status::Ok, "{:#?}", r.findings);
}

#[test]
fn space_aligned() {
    let r = run(&report("", &|l, v| {
        let cells: Vec<String> = v.iter().map(|x| format!("{x:>8}")).collect();
        format!("{l:<40}  {}\n", cells.join("  "))
    }));
    assert_all_cells(&r);
}

#[test]
fn markdown() {
    let r = run(&report("", &|l, v| {
        let mut s = format!("| {l} |");
        for x in v {
            s.push_str(&format!(" {x} |"));
        }
        s.push('\n');
        s
    }));
    assert_all_cells(&r);
}

#[test]
fn one_cell_per_line() {
    let r = run(&report("", &|l, v| {
        let mut s = format!("{l}\n");
        for x in v {
            s.push_str(&format!("{x}\n"));
        }
        s
    }));
    // Header words spread one per line are text; every value is back.
    assert_all_cells(&r);
}

#[test]
fn glued_web_text_splits_by_identities_and_keeps_ambiguous_rows_empty() {
    // Cell borders lost: the whole page is one line, numbers glued to labels.
    let r = run(&report("", &|l, v| format!("{l}{}", v.join(""))).replace('\n', ""));
    let got = cells(&r);
    let exp = expected();
    for (k, v) in exp
        .iter()
        .filter(|(k, _)| !k.starts_with("active_disclosure"))
    {
        assert_eq!(got.get(k), Some(v), "{k}");
    }
    // 行政规范性文件 693665 is truly ambiguous: no value, a finding with candidates.
    assert!(!got.contains_key("active_disclosure.normative_docs.issued"));
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "ambiguous_split" && f.row == "normative_docs")
        .expect("finding");
    assert!(f.message.contains("69/3/665"), "{}", f.message);
    // Single-value blocks are decided by the column count.
    assert_eq!(
        got.get("active_disclosure.admin_license.decisions")
            .map(String::as_str),
        Some("2293")
    );
    assert!(r
        .repairs
        .iter()
        .any(|x| x.kind == "digit_split" && x.rule.contains("identit")));
}

#[test]
fn renumbered_sections_find_tables_by_captions() {
    let text = report("", &|l, v| format!("{l}\t{}\n", v.join("\t")))
        .replace("二、主动公开政府信息情况", "一、主动公开政府信息情况")
        .replace(
            "三、收到和处理政府信息公开申请情况",
            "二、收到和处理政府信息公开申请情况",
        )
        .replace("四、政府信息公开行政复议", "三、政府信息公开行政复议")
        .replace(
            "一、总体情况",
            "一、工作机制\n\n二、平台建设\n\n三、制度建设\n\n四、监督\n\n五、总体情况",
        );
    assert_all_cells(&run(&text));
}

#[test]
fn ocr_typos_and_invented_headers() {
    let text = report("", &|l, v| {
        let l = l
            .replace("其他法律行政法规禁止公开", "其他法律行政止公开")
            .replace("保护第三方合法权益", "保护第三方合法权溢");
        format!("| {l} | {} |\n", v.join(" | "))
    })
    .replace(
        "| 自然人 |",
        "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 |\n| 自然人 |",
    );
    assert_all_cells(&run(&text));
}

#[test]
fn signed_values_and_units() {
    let text = "沂源县某局\n\n2020年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t176\t+70\t0\n其他对外管理服务事项\t155\t-18\t0\n第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t3\t2792220.8元\n\n三、收到和处理政府信息公开申请情况\n本年新制作数量\n";
    let r = run(text);
    let find = |row: &str, col: &str| {
        r.cells
            .iter()
            .find(|c| c.row == row && c.column == col)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("admin_license", "change").value, "70");
    assert_eq!(find("admin_license", "change").raw, "+70");
    assert_eq!(find("other_admin_services", "change").value, "-18");
    let amt = find("gov_procurement", "procurement_amount");
    assert_eq!(
        (amt.value.as_str(), amt.unit.as_str(), amt.raw.as_str()),
        ("2792220.8", "元", "2792220.8元")
    );
}

#[test]
fn pre_2019_report_is_unknown_and_partial() {
    let r = run("某某区2018年度政府信息公开工作年度报告\n\n一、概述\n\n二、主动公开政府信息情况\n全年主动公开政府信息2069条。\n\n三、政府信息依申请公开办理情况\n全年受理申请25件。\n");
    assert_eq!(r.format, "unknown");
    assert_eq!(r.status, Status::Partial);
    assert!(r.cells.is_empty());
    assert!(r.findings.iter().any(|f| f.check == "no_template"));
}

#[test]
fn prose_figures_are_checked_against_the_table() {
    let text = report("", &|l, v| format!("{l}\t{}\n", v.join("\t")))
        .replace("收到政府信息公开申请70件", "收到政府信息公开申请71件");
    let r = run(&text);
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "text_table_mismatch")
        .expect("mismatch finding");
    assert_eq!(
        (
            f.table.as_str(),
            f.row.as_str(),
            f.actual.as_str(),
            f.expected.as_str()
        ),
        ("applications", "new_received", "71", "70")
    );
    // The printed value is never changed by a failed check.
    assert_eq!(cells(&r)["applications.new_received.total"], "70");
}

#[test]
fn failed_identity_is_a_finding_not_a_change() {
    let text = report("", &|l, v| format!("{l}\t{}\n", v.join("\t")))
        .replace("\t1\t0\t2\t0\t3\t12", "\t1\t0\t2\t0\t0\t12");
    let r = run(&text);
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "t4_review_total")
        .expect("identity finding");
    assert_eq!((f.expected.as_str(), f.actual.as_str()), ("3", "0"));
    assert_eq!(cells(&r)["review_litigation.cases.review_total"], "0");
    assert_eq!(r.status, Status::Partial);
}

#[test]
fn added_subtotal_column_is_recognised_not_misread() {
    // Some reports add a 法人或其他组织 subtotal after 自然人: eight numbers a row.
    let text = report("", &|l, v| {
        let mut v = v.to_vec();
        if v.len() == 7 && l != "信息内容" {
            let orgs: u32 = v[1..6].iter().map(|x| x.parse::<u32>().unwrap()).sum();
            v.insert(1, orgs.to_string());
        }
        format!("{l}\t{}\n", v.join("\t"))
    });
    let r = run(&text);
    assert_all_cells(&r);
    let sub = r
        .cells
        .iter()
        .find(|c| c.row == "new_received" && c.column == "legal_person_subtotal")
        .expect("subtotal cell");
    assert_eq!(sub.value, "6");
    assert!(!r.findings.iter().any(|f| f.check == "t3_legal_subtotal"));
}

#[test]
fn missing_table_is_reported_and_the_others_stay_whole() {
    let text = report("", &|l, v| format!("{l}\t{}\n", v.join("\t")));
    let a = text.find("四、政府信息公开行政复议").unwrap();
    let b = text.find("五、存在的主要问题").unwrap();
    let r = run(&format!("{}{}", &text[..a], &text[b..]));
    let got = cells(&r);
    for (k, v) in expected()
        .iter()
        .filter(|(k, _)| k.starts_with("applications"))
    {
        assert_eq!(got.get(k), Some(v), "{k}");
    }
    assert!(r
        .findings
        .iter()
        .any(|f| f.check == "missing_table" && f.table == "review_litigation"));
    assert_eq!(r.status, Status::Partial);
}

#[test]
fn blank_cells_in_character_aligned_text_are_placed_by_column() {
    // pdftotext -layout aligns by character count (a CJK character is one column);
    // some rows print a zero as a blank cell.
    let odd = std::cell::Cell::new(false);
    let text = report("", &|l: &str, v: &[String]| {
        let pad = 40usize.saturating_sub(l.chars().count());
        let mut s = format!("{l}{}", " ".repeat(pad));
        odd.set(!odd.get());
        let odd = odd.get();
        for (i, x) in v.iter().enumerate() {
            let blank = v.len() == 7 && i == 2 && x == "0" && odd;
            s.push_str(&format!("{:>8}", if blank { "" } else { x.as_str() }));
        }
        s.push('\n');
        s
    });
    let r = run(&text);
    let got = cells(&r);
    for (k, v) in expected()
        .iter()
        .filter(|(k, _)| k.starts_with("applications"))
    {
        let g = got.get(k);
        assert!(
            g == Some(v) || (g.is_none() && k.ends_with("research_institution")),
            "{k}: {g:?}"
        );
    }
    let blanks = r
        .cells
        .iter()
        .filter(|c| c.column == "research_institution" && c.value.is_empty())
        .count();
    assert!(blanks >= 10, "blank cells kept as blank cells: {blanks}");
}

/// Table 3 with the group label （五）不予处理 printed in its own narrow column, the
/// sub-row label 4.无正当理由大量反复申请 wrapped around its numbers, and `sub_row`
/// rendering the np_massive row (label column, sub-label column, values).
fn grouped_report(sub_row: &dyn Fn(&str) -> String) -> String {
    report("", &|l, v| {
        let cells: Vec<String> = v.iter().map(|x| format!("{x:>6}")).collect();
        let values = cells.join("  ");
        if l == "4.无正当理由大量反复申请" {
            sub_row(&values)
        } else if l.starts_with("1.信访") {
            // The group label starts with the first sub-row in the other layouts.
            format!("{:<14}{l:<32}  {values}\n", "")
        } else {
            format!("{l:<46}  {values}\n")
        }
    })
}

#[test]
fn a_group_label_fragment_on_a_sub_rows_number_line_does_not_take_the_numbers() {
    // The number line carries 予处理 (the wrapped group label) inside the band of the
    // wrapped sub-row label: the numbers are the sub-row's.
    let text = grouped_report(&|values| {
        format!(
            "  （五）不    4.无正当理由大量反复申\n  予处理      {:<32}  {values}\n              请\n",
            ""
        )
    });
    let r = run(&text);
    assert_all_cells(&r);
    assert!(
        r.cells.iter().all(|c| c.row != "not_processed"),
        "{:?}",
        r.cells
            .iter()
            .filter(|c| c.row == "not_processed")
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_group_row_takes_numbers_only_on_its_own_row_with_its_sub_rows_accounted_for() {
    // Numbers right after the group label but none left for the sub-row whose label
    // sits above them: the numbers are the sub-row's, not a subtotal.
    let text = grouped_report(&|values| {
        format!(
            "              4.无正当理由大量反复申请\n  （五）不予处理{:<30}  {values}\n",
            ""
        )
    });
    let r = run(&text);
    assert_all_cells(&r);
    assert!(r.cells.iter().all(|c| c.row != "not_processed"));
    // A real subtotal row: printed on the group's own row, every sub-row present.
    let text = grouped_report(&|values| {
        let zero = "     0  ".repeat(7);
        format!(
            "  （五）不予处理{:<30}  {zero}\n{:<14}{:<32}  {values}\n",
            "", "", "4.无正当理由大量反复申请"
        )
    });
    let r = run(&text);
    assert_all_cells(&r);
    assert_eq!(
        r.cells.iter().filter(|c| c.row == "not_processed").count(),
        7
    );
}

/// A 2019 table 2 whose 规范性文件 row is `row` (tab-separated); the other rows
/// of its three-column blocks are full, so column positions exist.
fn t2_with_row(row: &str) -> Report {
    let text = format!("沂源县某局\n\n2020年政府信息公开工作年度报告\n\n二、主动公开政府信息情况\n\n第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n规章\t0\t0\t0\n{row}\n第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t176\t+70\t0\n其他对外管理服务事项\t155\t-18\t0\n\n三、收到和处理政府信息公开申请情况\n本年新制作数量\n");
    run(&text)
}

fn normative_values(r: &Report) -> Vec<(String, String)> {
    r.cells
        .iter()
        .filter(|c| c.row == "normative_docs" && !c.value.is_empty())
        .map(|c| (c.column.to_string(), c.value.to_string()))
        .collect()
}

#[test]
fn a_separated_row_short_of_fields_is_never_placed_by_position() {
    // One field of digits for three columns: a run whose borders were lost, read
    // as glued digits (several readings: a finding with candidates, no cell).
    let r = t2_with_row("规范性文件\t898989");
    assert_eq!(normative_values(&r), vec![], "{:#?}", r.cells);
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "ambiguous_split" && f.row == "normative_docs")
        .expect("ambiguous_split finding");
    assert_eq!(f.actual, "898989");
    assert!(f.message.contains("898/9/89"), "{}", f.message);
    assert!(f.line.is_some());
    assert_ne!(r.status, Status::Ok);
    // One short value: it cannot be a glued run; nothing placed, reported.
    let r = t2_with_row("规范性文件\t5");
    assert_eq!(normative_values(&r), vec![]);
    assert!(r
        .findings
        .iter()
        .any(|f| f.check == "row_incomplete" && f.row == "normative_docs"));
    assert!(r
        .findings
        .iter()
        .any(|f| f.check == "unplaced_value" && f.actual == "5"));
    // Explicit empty fields prove the columns: the value goes where it is printed.
    let r = t2_with_row("规范性文件\t\t5\t");
    assert_eq!(
        normative_values(&r),
        vec![("new_published".to_string(), "5".to_string())],
        "{:#?}",
        r.findings
    );
}

#[test]
fn numbers_a_group_row_gives_back_say_which_group_and_sub_rows_to_check() {
    // The group label prints numbers while two of its printed sub-rows have none:
    // the numbers are nobody's for sure, and the finding names what to check.
    let text = grouped_report(&|values| {
        format!(
            "  （五）不予处理{:<30}  {values}\n{:<14}4.无正当理由大量反复申请\n",
            "", ""
        )
    });
    let text: String = text
        .lines()
        .map(|l| {
            if l.starts_with("3.要求提供公开出版物") {
                "3.要求提供公开出版物".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let r = run(&text);
    let unplaced: Vec<&nianbao::model::Finding> = r
        .findings
        .iter()
        .filter(|f| f.check == "unplaced_value" && f.table == "applications")
        .collect();
    assert_eq!(unplaced.len(), 7, "{:#?}", r.findings);
    for f in unplaced {
        assert!(f.message.contains("（五）不予处理"), "{}", f.message);
        assert!(f.message.contains("3.要求提供公开出版物"), "{}", f.message);
        assert!(
            f.message.contains("4.无正当理由大量反复申请"),
            "{}",
            f.message
        );
        assert!(f.line.is_some());
    }
}
