//! Corpus-scale behaviour through the binary: determinism across thread counts,
//! shard + merge identity, `--excel`, `--xlsx`, cross-year checks, exit codes.
//! Uses only files in the repository, so it runs on a fresh clone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nianbao::write::FILES;
const SAMPLE: &str = "000_yiyuan_zrzyj_2020.txt";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn nianbao(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .output()
        .expect("running nianbao");
    assert!(out.status.code().is_some(), "killed by a signal: {out:?}");
    out
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

fn extract(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["extract", "-q", "--out", s(out)];
    args.extend(extra);
    args.extend(inputs.iter().map(|p| s(p)));
    nianbao(&args)
}

/// The six files of an output folder.
fn files(dir: &Path) -> BTreeMap<&'static str, Vec<u8>> {
    FILES
        .iter()
        .map(|n| {
            (
                *n,
                std::fs::read(dir.join(n)).unwrap_or_else(|e| panic!("{}/{n}: {e}", dir.display())),
            )
        })
        .collect()
}

fn assert_same(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    for n in FILES {
        assert!(
            fa[n] == fb[n],
            "{n} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let t = tempfile::tempdir().unwrap();
    let (j1, j2, again) = (
        t.path().join("j1"),
        t.path().join("j2"),
        t.path().join("again"),
    );
    extract(&[&corpus()], &j1, &["-j", "1"]);
    extract(&[&corpus()], &j2, &["-j", "2"]);
    extract(&[&corpus()], &again, &["-j", "2"]);
    assert_same(&j1, &j2);
    assert_same(&j2, &again);
    // Rows come in report-id order.
    let reports = String::from_utf8(files(&j1)["reports.csv"].clone()).unwrap();
    let ids: Vec<&str> = reports
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert!(ids.len() >= 10);
}

#[test]
fn shards_merge_into_the_single_run() {
    let t = tempfile::tempdir().unwrap();
    for excel in [false, true] {
        let flag: &[&str] = if excel { &["--excel"] } else { &[] };
        let base = t.path().join(format!("excel{excel}"));
        let single = base.join("single");
        extract(&[&corpus()], &single, flag);
        let mut shards = Vec::new();
        for k in 1..=3 {
            let dir = base.join(format!("shard{k}"));
            let spec = format!("{k}/3");
            let mut args = flag.to_vec();
            args.extend(["--shard", spec.as_str()]);
            extract(&[&corpus()], &dir, &args);
            shards.push(dir);
        }
        let merged = base.join("merged");
        let mut args = vec!["merge", "--out", s(&merged)];
        args.extend(shards.iter().map(|p| s(p)));
        let out = nianbao(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_same(&single, &merged);
    }
    // Mixing --excel and plain outputs is refused.
    let mixed = t.path().join("mixed");
    let out = nianbao(&[
        "merge",
        "--out",
        s(&mixed),
        s(&t.path().join("excelfalse/shard1")),
        s(&t.path().join("exceltrue/shard2")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("byte-order mark"));
}

/// Shard outputs record `K/N`: a merge of an incomplete set, of a shard given
/// twice, or of shards of different splits is refused, naming what is wrong.
#[test]
fn merge_refuses_an_incomplete_shard_set() {
    let t = tempfile::tempdir().unwrap();
    let shard = |spec: &str, name: &str| {
        let dir = t.path().join(name);
        let out = extract(&[&corpus()], &dir, &["--shard", spec]);
        assert_eq!(out.status.code(), Some(0));
        dir
    };
    let (a, b, c) = (shard("1/3", "a"), shard("2/3", "b"), shard("3/3", "c"));
    let b2 = shard("2/3", "b2");
    let other = shard("1/2", "other");
    let m = t.path().join("m");
    let merge = |dirs: &[&PathBuf]| {
        let mut args = vec!["merge", "--out", s(&m)];
        args.extend(dirs.iter().map(|d| s(d)));
        let out = nianbao(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, err) = merge(&[&a, &c]);
    assert_eq!(code, Some(1));
    assert!(err.contains("shard 2/3 is missing"), "{err}");
    let (code, err) = merge(&[&a, &b, &b2, &c]);
    assert_eq!(code, Some(1));
    assert!(err.contains("shard 2/3 is given twice"), "{err}");
    let (code, err) = merge(&[&a, &b, &other]);
    assert_eq!(code, Some(1));
    assert!(err.contains("split into 3"), "{err}");
    let (code, err) = merge(&[&a, &b, &c]);
    assert_eq!(code, Some(0), "{err}");
    // A whole run over a folder that held a shard drops the stale manifest.
    assert_eq!(extract(&[&corpus()], &a, &[]).status.code(), Some(0));
    assert!(!a.join("shard.csv").exists());
}

#[test]
fn merging_the_same_shard_twice_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let a = t.path().join("a");
    extract(&[&corpus().join(SAMPLE)], &a, &[]);
    let out = nianbao(&["merge", "--out", s(&t.path().join("m")), s(&a), s(&a)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is in both"));
}

#[test]
fn excel_flag_writes_a_bom() {
    let t = tempfile::tempdir().unwrap();
    let (plain, excel) = (t.path().join("plain"), t.path().join("excel"));
    extract(&[&corpus().join(SAMPLE)], &plain, &[]);
    extract(&[&corpus().join(SAMPLE)], &excel, &["--excel"]);
    let (p, e) = (files(&plain), files(&excel));
    for n in FILES {
        assert!(e[n].starts_with(b"\xEF\xBB\xBF"), "{n} has no BOM");
        assert!(
            !p[n].starts_with(b"\xEF\xBB\xBF"),
            "{n} has a BOM without --excel"
        );
        assert_eq!(&e[n][3..], &p[n][..], "{n}: only the BOM differs");
    }
}

/// Two reports of one agency for 2020 and 2021, the second carrying over 3
/// applications the first did not carry forward.
fn consecutive_years(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let text = std::fs::read_to_string(corpus().join(SAMPLE)).unwrap();
    std::fs::write(dir.join("a_2020.txt"), &text).unwrap();
    let row = "二、上年结转政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0";
    assert!(
        text.contains(row),
        "sample report changed; update this test"
    );
    let next = text
        .replacen(
            "2020年政府信息公开工作年度报告",
            "2021年政府信息公开工作年度报告",
            1,
        )
        .replacen(
            row,
            "二、上年结转政府信息公开申请数量\t\t3\t0\t0\t0\t0\t0\t3",
            1,
        );
    std::fs::write(dir.join("b_2021.txt"), next).unwrap();
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    rd.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn cross_year_carry_mismatch_is_reported_and_survives_merge() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in");
    consecutive_years(&input);
    let out = t.path().join("out");
    extract(&[&input], &out, &[]);
    let f = files(&out);
    let findings = csv_rows(&f["findings.csv"]);
    let cross: Vec<&Vec<String>> = findings
        .iter()
        .filter(|r| r[1] == "t3_carry_cross_year")
        .collect();
    assert_eq!(cross.len(), 2, "{findings:?}");
    for r in &cross {
        assert_eq!(r[0], "b_2021.txt");
        assert_eq!(
            (r[2].as_str(), r[3].as_str(), r[4].as_str()),
            ("warning", "applications", "carried_over")
        );
        assert_eq!((r[6].as_str(), r[7].as_str()), ("0", "3"));
        // At the cell of this year's report.
        assert!(!r[8].is_empty() && !r[9].is_empty(), "{r:?}");
        assert!(
            r[10].contains("a_2020.txt") && r[10].contains("b_2021.txt"),
            "{}",
            r[10]
        );
    }
    assert_eq!(cross[0][5], "natural_person");
    assert_eq!(cross[1][5], "total");
    // The rows of a report stay together.
    let ids: Vec<&str> = findings.iter().skip(1).map(|r| r[0].as_str()).collect();
    let mut grouped = ids.clone();
    grouped.dedup();
    let mut sorted = grouped.clone();
    sorted.dedup();
    sorted.sort();
    assert_eq!(grouped, sorted);
    // Counted in reports.csv.
    let reports = csv_rows(&f["reports.csv"]);
    let col = reports[0].iter().position(|h| h == "findings").unwrap();
    let b = reports.iter().find(|r| r[0] == "b_2021.txt").unwrap();
    let own = findings.iter().filter(|r| r[0] == "b_2021.txt").count();
    assert_eq!(b[col], own.to_string());

    // Each report in its own "shard": the merge must find the pair again.
    let (sa, sb) = (t.path().join("sa"), t.path().join("sb"));
    extract(&[&input.join("a_2020.txt")], &sa, &[]);
    extract(&[&input.join("b_2021.txt")], &sb, &[]);
    assert!(!String::from_utf8_lossy(&files(&sb)["findings.csv"]).contains("cross_year"));
    let merged = t.path().join("merged");
    let res = nianbao(&["merge", "--out", s(&merged), s(&sb), s(&sa)]);
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert_same(&out, &merged);
    // Merging the merged output again drops the old cross-year rows first.
    let twice = t.path().join("twice");
    let res = nianbao(&["merge", "--out", s(&twice), s(&merged)]);
    assert_eq!(res.status.code(), Some(0));
    assert_same(&out, &twice);
}

#[test]
fn workbook_reads_back() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in");
    consecutive_years(&input);
    let out = t.path().join("out");
    let book = t.path().join("book.xlsx");
    let res = extract(&[&input], &out, &["--xlsx", s(&book)]);
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let mut wb: Xlsx<_> = open_workbook(&book).expect("open xlsx");
    assert_eq!(
        wb.sheet_names(),
        ["报告", "主动公开", "申请", "复议诉讼", "检查"]
    );

    let reports = wb.worksheet_range("报告").unwrap();
    assert_eq!(reports.height(), 3);
    assert_eq!(reports.get((0, 0)), Some(&Data::String("report".into())));
    assert_eq!(
        reports.get((1, 0)),
        Some(&Data::String("a_2020.txt".into()))
    );
    assert_eq!(reports.get((1, 4)), Some(&Data::Float(2020.0)));

    let apps = wb.worksheet_range("申请").unwrap();
    assert_eq!(apps.height(), 4, "two header rows and two reports");
    let keys: Vec<String> = (0..apps.width())
        .map(|c| apps.get((1, c)).map(|d| d.to_string()).unwrap_or_default())
        .collect();
    let c = keys
        .iter()
        .position(|k| k == "applications.carried_over.total")
        .expect("key row");
    assert_eq!(
        apps.get((0, c)),
        Some(&Data::String(
            "二、上年结转政府信息公开申请数量/总计".into()
        ))
    );
    assert_eq!(apps.get((2, c)), Some(&Data::Float(0.0)));
    assert_eq!(apps.get((3, c)), Some(&Data::Float(3.0)));
    assert!(keys[4..].iter().all(|k| k.starts_with("applications.")));
    // Group rows have their columns (a report may print （四）无法提供 as one row),
    // headed by the template's labels.
    let g = keys
        .iter()
        .position(|k| k == "applications.unable.total")
        .expect("group row column");
    assert!(
        apps.get((0, g))
            .is_some_and(|d| d.to_string().contains("无法提供")),
        "{:?}",
        apps.get((0, g))
    );

    let findings = wb.worksheet_range("检查").unwrap();
    let checks: Vec<String> = (1..findings.height())
        .map(|r| findings.get((r, 1)).unwrap().to_string())
        .collect();
    assert!(
        checks
            .iter()
            .filter(|c| *c == "t3_carry_cross_year")
            .count()
            == 2,
        "{checks:?}"
    );
}

#[test]
fn workbook_builds_after_merge_with_bom() {
    use calamine::{open_workbook, Reader, Xlsx};
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    extract(&[&corpus()], &out, &["--excel"]);
    let book = t.path().join("book.xlsx");
    nianbao::xlsx::write_workbook(
        &out,
        &book,
        &nianbao::grammar::Grammars::embedded().unwrap(),
    )
    .unwrap();
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let reports = wb.worksheet_range("报告").unwrap();
    let lines = String::from_utf8_lossy(&files(&out)["reports.csv"])
        .lines()
        .count();
    assert_eq!(reports.height(), lines);
    assert_eq!(
        reports.get((0, 0)).unwrap().to_string(),
        "report",
        "the BOM is not part of the header"
    );
}

#[test]
fn exit_codes() {
    let t = tempfile::tempdir().unwrap();
    let ok = extract(&[&corpus().join(SAMPLE)], &t.path().join("ok"), &[]);
    assert_eq!(ok.status.code(), Some(0));
    let bad = extract(
        &[&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad")],
        &t.path().join("bad"),
        &[],
    );
    assert_eq!(bad.status.code(), Some(1), "unreadable files give 1");
    assert!(
        t.path().join("bad/reports.csv").exists(),
        "outputs are still written"
    );
    let summary = String::from_utf8_lossy(&bad.stderr);
    for word in [
        "reports", "ok", "partial", "error", "findings", "repairs", " s",
    ] {
        assert!(summary.contains(word), "summary lacks {word}: {summary}");
    }
    // Each unreadable file by name and reason on stderr (even with -q), and the
    // summary names the output folder.
    assert!(summary.contains("empty.txt: empty file"), "{summary}");
    assert!(summary.contains("encrypted.pdf: "), "{summary}");
    assert!(
        summary.contains(&format!("outputs in {}", t.path().join("bad").display())),
        "{summary}"
    );
    let usage = extract(&[&corpus()], &t.path().join("u"), &["--shard", "4/3"]);
    assert_eq!(usage.status.code(), Some(2));
    let no_out = nianbao(&["extract", s(&corpus())]);
    assert_eq!(no_out.status.code(), Some(2));
}
