//! The table parser (`parse::tables`) on small hand-made lines: regions found by
//! their captions and header words (not by a word in the prose), rows bound to
//! template labels (wrapped, renumbered, typo'd), and page breaks inside a table
//! logged as repairs.

use nianbao::grammar::Grammars;
use nianbao::model::{Line, Trail};
use nianbao::parse::tables::{parse_tables, TokenDoc};
use nianbao::parse::tokens::Token;

fn lines(text: &[(&str, usize)]) -> Vec<Line> {
    text.iter()
        .enumerate()
        .map(|(i, (t, page))| Line::new(*t, *page, i + 1))
        .collect()
}

/// What these tests read of a parsed table (which borrows the lines it was read from).
#[derive(Debug)]
struct Table {
    id: String,
    found: bool,
    /// Row id → the raw number tokens bound to it.
    rows: Vec<(String, Vec<String>)>,
    stray: Vec<String>,
}

fn tables(text: &[(&str, usize)], format: &str) -> Vec<Table> {
    let g = Grammars::embedded().unwrap();
    let f = g.format(format).unwrap();
    let ls = lines(text);
    let doc = TokenDoc::new(&ls, &g.common);
    let raws = |ts: &[Token]| ts.iter().map(|t| t.raw.to_string()).collect();
    parse_tables(&doc, f, &ls, &mut Trail::default())
        .into_iter()
        .map(|t| Table {
            id: t.table,
            found: t.found,
            rows: t
                .rows
                .iter()
                .map(|r| (r.row.clone(), raws(&r.cells)))
                .collect(),
            stray: raws(&t.stray),
        })
        .collect()
}

fn table<'a>(ts: &'a [Table], id: &str) -> &'a Table {
    ts.iter().find(|t| t.id == id).unwrap()
}

fn rows(t: &Table) -> Vec<(String, Vec<String>)> {
    t.rows.clone()
}

const T3_HEAD: &[(&str, usize)] = &[
    ("三、收到和处理政府信息公开申请情况", 1),
    (
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
        1,
    ),
    (
        "自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
        1,
    ),
];

#[test]
fn a_word_in_the_prose_does_not_start_a_table() {
    let ts = tables(
        &[
            ("一、总体情况", 1),
            ("本年度行政复议工作平稳，未发生案件。", 1),
            ("二、其他", 1),
        ],
        "f2021",
    );
    assert!(ts.iter().all(|t| !t.found), "{ts:?}");
}

#[test]
fn table_3_rows_bind_to_their_labels() {
    let mut text = T3_HEAD.to_vec();
    text.extend([
        ("一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t1\t6", 1),
        // Renumbered and with a typo (其他法律行政止公开).
        ("2. 其他法律行政止公开\t1\t0\t0\t0\t0\t0\t1", 1),
    ]);
    let ts = tables(&text, "f2021");
    let t3 = table(&ts, "applications");
    assert!(t3.found);
    let got = rows(t3);
    assert!(got.contains(&(
        "new_received".into(),
        ["5", "0", "0", "0", "0", "1", "6"]
            .map(String::from)
            .to_vec()
    )));
    assert!(
        got.iter()
            .any(|(r, c)| r == "denied_law_prohibited" && c.len() == 7),
        "{got:?}"
    );
}

#[test]
fn a_label_wrapped_over_two_lines_is_one_row() {
    let mut text = T3_HEAD.to_vec();
    text.extend([
        ("一、本年新收政府信息公开", 1),
        ("申请数量\t3\t0\t0\t0\t0\t0\t3", 1),
    ]);
    let ts = tables(&text, "f2021");
    let got = rows(table(&ts, "applications"));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "new_received");
    assert_eq!(got[0].1.len(), 7);
}

#[test]
fn rows_across_a_page_break_are_logged() {
    let mut text = T3_HEAD.to_vec();
    text.extend([
        ("一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t1\t6", 1),
        ("二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0", 2),
    ]);
    let g = Grammars::embedded().unwrap();
    let ls = lines(&text);
    let mut trail = Trail::default();
    parse_tables(
        &TokenDoc::new(&ls, &g.common),
        g.format("f2021").unwrap(),
        &ls,
        &mut trail,
    );
    let joins: Vec<_> = trail
        .repairs
        .iter()
        .filter(|r| r.kind == "table_page_join")
        .collect();
    assert_eq!(joins.len(), 1, "{:?}", trail.repairs);
    assert_eq!(joins[0].page, Some(2));
    assert!(joins[0].before.contains("new_received ‖ carried_over"));
}

#[test]
fn table_4_is_one_row_of_numbers() {
    let ts = tables(
        &[
            ("四、政府信息公开行政复议、行政诉讼情况", 1),
            ("行政复议\t行政诉讼", 1),
            (
                "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉",
                1,
            ),
            ("0\t3\t0\t0\t3\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", 1),
        ],
        "f2021",
    );
    let t4 = table(&ts, "review_litigation");
    assert!(t4.found);
    let nums: usize = t4.rows.iter().map(|r| r.1.len()).sum::<usize>() + t4.stray.len();
    assert_eq!(nums, 15, "{:?}", rows(t4));
}
