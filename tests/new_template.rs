//! A new template year needs only a new grammar file: `tests/data/synthetic/`
//! holds a made-up template (`s2031.toml`) whose tables have shapes neither
//! official template has — two table-2 blocks of two columns, a 3 × 5 table 3 with
//! one group, a table 4 of two groups of three whose one row has its own id — and a
//! report printed in it. The binary reads it end to end with `--grammars` and
//! nothing else.

use std::path::{Path, PathBuf};
use std::process::Command;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/synthetic")
}

fn extract(out: &Path, grammars: Option<&Path>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    cmd.arg("extract")
        .arg(data().join("report.txt"))
        .arg("--out")
        .arg(out)
        .arg("--quiet");
    if let Some(g) = grammars {
        cmd.arg("--grammars").arg(g);
    }
    let status = cmd.status().unwrap();
    assert_eq!(status.code(), Some(0));
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    rd.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn synthetic_template_is_read_from_its_grammar_file_alone() {
    let tmp = tempfile::tempdir().unwrap();
    extract(tmp.path(), Some(&data().join("grammars")));

    let reports = rows(&tmp.path().join("reports.csv"));
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    // report,source,format,agency,year,published,pages,status,…
    assert_eq!(r[2], "s2031");
    assert_eq!(r[3], "某某市试验局");
    assert_eq!(r[4], "2031");
    assert_eq!(r[5], "2032-01-20");

    // Every printed number in its cell: (table, row, column, value).
    let cells: Vec<(String, String, String, String)> = rows(&tmp.path().join("cells.csv"))
        .into_iter()
        .map(|c| (c[1].clone(), c[2].clone(), c[3].clone(), c[4].clone()))
        .collect();
    let want = [
        ("active_disclosure", "regulations", "made", "1"),
        ("active_disclosure", "regulations", "in_force", "4"),
        ("active_disclosure", "normative_docs", "made", "3"),
        ("active_disclosure", "normative_docs", "in_force", "2"),
        ("active_disclosure", "admin_fees", "items", "2"),
        ("active_disclosure", "admin_fees", "amount", "12.5"),
        ("applications", "received", "person", "5"),
        ("applications", "received", "org", "2"),
        ("applications", "received", "total", "7"),
        ("applications", "carried_over", "person", "1"),
        ("applications", "carried_over", "org", "0"),
        ("applications", "carried_over", "total", "1"),
        ("applications", "granted", "person", "4"),
        ("applications", "granted", "org", "1"),
        ("applications", "granted", "total", "5"),
        ("applications", "refused", "person", "1"),
        ("applications", "refused", "org", "1"),
        ("applications", "refused", "total", "2"),
        ("applications", "carried_forward", "person", "1"),
        ("applications", "carried_forward", "org", "0"),
        ("applications", "carried_forward", "total", "1"),
        ("review_litigation", "decided", "review_upheld", "1"),
        ("review_litigation", "decided", "review_corrected", "0"),
        ("review_litigation", "decided", "review_total", "1"),
        ("review_litigation", "decided", "suit_upheld", "0"),
        ("review_litigation", "decided", "suit_corrected", "2"),
        ("review_litigation", "decided", "suit_total", "3"),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(t, r, c, v)| (t.to_string(), r.to_string(), c.to_string(), v.to_string()))
        .collect();
    assert_eq!(cells, want);

    // The template's own identities ran: the report's table 4 does not add up
    // (0 + 2 ≠ 3) and its soft table-2 rule fails (2 in force < 3 made); the
    // balanced table 3 passes, and no table or row is reported missing.
    let findings: Vec<(String, String, String)> = rows(&tmp.path().join("findings.csv"))
        .into_iter()
        .map(|f| (f[1].clone(), f[4].clone(), f[5].clone()))
        .collect();
    assert_eq!(
        findings,
        [
            ("s_suit_total".into(), "decided".into(), "suit_total".into()),
            (
                "s_in_force_ge_made".into(),
                "normative_docs".into(),
                "in_force".into()
            ),
        ]
    );

    // wide.csv has the synthetic template's keys as columns.
    let wide = std::fs::read_to_string(tmp.path().join("wide.csv")).unwrap();
    let header = wide.lines().next().unwrap();
    assert!(
        header.contains("review_litigation.decided.suit_total"),
        "{header}"
    );
    assert!(!header.contains("new_received"), "{header}");
    // Table 4's one row is named by the grammar (`row = "decided"`), not by the
    // official templates' `cases`: no output names a row the template lacks.
    for file in ["cells.csv", "findings.csv", "wide.csv"] {
        let text = std::fs::read_to_string(tmp.path().join(file)).unwrap();
        assert!(!text.contains("cases"), "{file}: {text}");
    }
}

#[test]
fn built_in_grammars_do_not_know_the_synthetic_template() {
    let tmp = tempfile::tempdir().unwrap();
    extract(tmp.path(), None);
    let reports = rows(&tmp.path().join("reports.csv"));
    assert_eq!(reports[0][2], "unknown");
    assert_eq!(rows(&tmp.path().join("cells.csv")).len(), 0);
}

/// The parent of worker processes only checks the grammars' regex syntax (it
/// never matches them); a pattern that parses but is over the regex compiler's
/// size limit is refused where it is compiled: in process, a usage error before
/// any input is read; with workers, every file's error row says why.
#[test]
fn a_pattern_over_the_compilers_size_limit_is_named() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let grammars = tmp.path().join("grammars");
    std::fs::create_dir_all(&grammars).unwrap();
    for e in std::fs::read_dir(root.join("grammars")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let text = text.replacen("上年结转(?:", "(?:\\w{400}){400}上年结转(?:", 1);
        std::fs::write(grammars.join(p.file_name().unwrap()), text).unwrap();
    }
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .arg("extract")
            .arg(data().join("report.txt"))
            .arg("--out")
            .arg(tmp.path().join("out"))
            .arg("--quiet")
            .arg("--grammars")
            .arg(&grammars)
            .args(extra)
            .output()
            .unwrap()
    };
    let r = run(&["--in-process"]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("size limit"), "{err}");
    let r = run(&[]);
    assert_eq!(r.status.code(), Some(1), "{r:?}");
    let reports = rows(&tmp.path().join("out").join("reports.csv"));
    assert_eq!(reports.len(), 1);
    let row = reports[0].join(",");
    assert!(
        row.contains("carried_over_total") && row.contains("size limit"),
        "{row}"
    );
}
