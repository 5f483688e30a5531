//! The sample report as office producers lay it out (`corpus/pdf/variety_*.pdf`,
//! made by `scripts/make_pdf_fixtures.py --variety`): every cell exact with no extra
//! cell, plus what each layout tests.

use nianbao::grammar::Grammars;
use nianbao::ingest::IngestOptions;
use nianbao::model::Report;
use nianbao::pipeline::extract_bytes;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn pdf(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/pdf")
        .join(name)
}

fn extract(name: &str) -> Report {
    let g = Grammars::embedded().unwrap();
    let bytes = std::fs::read(pdf(&format!("{name}.pdf"))).unwrap();
    extract_bytes(name, &bytes, &g, &IngestOptions::default())
}

/// The layout text (as `nianbao text` prints it), pages joined.
fn layout_text(name: &str) -> String {
    let bytes = std::fs::read(pdf(&format!("{name}.pdf"))).unwrap();
    let doc = nianbao::ingest::pdf::read_pdf(&bytes, &IngestOptions::default()).unwrap();
    doc.pages
        .iter()
        .map(|p| p.lines.join("\n"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks every expected cell and meta field, and that no other cell was made.
fn assert_exact(name: &str, r: &Report) {
    let csv = std::fs::read_to_string(pdf(&format!("{name}.expected.csv"))).unwrap();
    let mut want = BTreeMap::new();
    for l in csv.lines().skip(1) {
        let f: Vec<&str> = l.splitn(4, ',').collect();
        if f[0] == "meta" {
            let got = match f[2] {
                "agency" => r.agency.clone(),
                "year" => r.year.map(|y| y.to_string()).unwrap_or_default(),
                "format" => r.format.clone(),
                "published" => r.published.clone().unwrap_or_default(),
                _ => continue,
            };
            assert_eq!(got, f[3], "{name}: meta {}", f[2]);
        } else {
            want.insert(format!("{}.{}.{}", f[0], f[1], f[2]), f[3].to_string());
        }
    }
    let got: BTreeMap<String, String> = r
        .cells
        .iter()
        .map(|c| {
            (
                format!("{}.{}.{}", c.table, c.row, c.column),
                c.value.to_string(),
            )
        })
        .collect();
    let diff: Vec<String> = want
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}: want {v}, got {:?}", got.get(k)))
        .chain(
            got.keys()
                .filter(|k| !want.contains_key(*k))
                .map(|k| format!("extra {k}")),
        )
        .collect();
    assert!(diff.is_empty(), "{name}: {diff:#?}\n{:#?}", r.findings);
}

fn running_headers(r: &Report) -> Vec<(Option<usize>, Option<usize>)> {
    r.repairs
        .iter()
        .filter(|x| x.kind == "running_header")
        .map(|x| (x.page, x.line))
        .collect()
}

#[test]
fn narrow_ruled_typst_serif_with_the_title_as_running_header_on_every_page() {
    let name = "variety_typst_serif_narrow";
    let text = layout_text(name);
    // Narrow cells wrap header and label words.
    assert!(
        !text.contains("结果维持") && !text.contains("不予处理"),
        "{text}"
    );
    assert!(text.contains("4.无正当理由大量反复申") && !text.contains("反复申请"));
    let r = extract(name);
    assert_exact(name, &r);
    // Page 1 prints the header and the same text as the title: one repair a page
    // (no duplicate for the title line), and the title stays.
    let removed = running_headers(&r);
    assert_eq!(removed.len(), r.pages, "{removed:?}");
    let mut pages: Vec<Option<usize>> = removed.iter().map(|x| x.0).collect();
    pages.dedup();
    assert_eq!(
        pages.len(),
        r.pages,
        "one running header a page: {removed:?}"
    );
}

#[test]
fn borderless_typst_sans_with_a_landscape_table_and_a_different_first_page() {
    let name = "variety_typst_sans_borderless_landscape";
    let text = layout_text(name);
    // Without rules neighbouring header cells glue on one line.
    assert!(text.contains("结果结果其他尚未"), "{text}");
    let r = extract(name);
    assert_exact(name, &r);
    // The header starts on page 2; page 1's title has the same text and is kept.
    assert!(running_headers(&r).iter().all(|x| x.0 != Some(1)));
    assert!(r.findings.iter().any(|f| f.check == "title_kept"));
}

#[test]
fn borderless_libreoffice_sans_table_split_over_pages_with_repeated_header() {
    let name = "variety_lo_sans_borderless_split";
    let text = layout_text(name);
    assert!(
        text.matches("申请人情况").count() >= 2,
        "header rows repeated on the next page"
    );
    let r = extract(name);
    assert_exact(name, &r);
    assert!(r
        .repairs
        .iter()
        .any(|x| x.kind == "table_page_join" && x.rule.contains("applications")));
    // A header above a two-line title of its own is removed on page 1 too.
    assert!(running_headers(&r).iter().any(|x| x.0 == Some(1)));
}

#[test]
fn ruled_libreoffice_serif_landscape_table_4_with_wrapped_header_words() {
    let name = "variety_lo_serif_landscape";
    let text = layout_text(name);
    // 结果维持 wraps as 结果维 / 持: table 4 is found by its section heading, the
    // column count of its value line and loose header fragments.
    assert!(
        text.contains("结果维") && !text.contains("结果维持"),
        "{text}"
    );
    let r = extract(name);
    assert_exact(name, &r);
    assert_eq!(
        r.cells
            .iter()
            .filter(|c| c.table == "review_litigation")
            .count(),
        15
    );
}

#[test]
fn interleaved_group_and_sub_row_labels_in_narrow_columns() {
    let name = "variety_typst_serif_interleaved";
    let text = layout_text(name);
    // （三）不予公 sits on the number line of 2.其他法律行政 / 法规禁止公开.
    let at = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap();
    assert_eq!(at("（三）不予公"), at("2.其他法律行政") + 1, "{text}");
    assert_eq!(at("法规禁止公开"), at("（三）不予公") + 1);
    let r = extract(name);
    assert_exact(name, &r);
    let row = |id: &str| r.cells.iter().filter(|c| c.row == id).count();
    assert_eq!(row("denied_law_prohibited"), 7);
    assert_eq!(
        row("denied"),
        0,
        "a group label never takes a sub-row's numbers"
    );
}
