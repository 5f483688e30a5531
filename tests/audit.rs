//! The audit view (`extract --html`, `nianbao audit`) and `nianbao text`, through
//! the binary on generated reports: every repair and finding of the corpus is on
//! its report's page and linked to its line, report text is escaped, a failed
//! identity shows its arithmetic. Checks the HTML without a browser
//! (`scripts/audit_check.sh` checks the same in headless Chromium).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = "000_yiyuan_zrzyj_2020.txt";
const XSS: &str = "<script>alert(1)</script>";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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

/// A small corpus: the sample, the sample with a script in its title and prose,
/// the sample with a wrong total (failed identities), and one PDF.
fn fixture_corpus(dir: &Path) {
    let sample = std::fs::read_to_string(repo().join("corpus").join(SAMPLE)).unwrap();
    std::fs::write(dir.join("sample.txt"), &sample).unwrap();
    let xss = sample
        .replacen("沂源县自然资源局", &format!("沂源县{XSS}自然资源局"), 1)
        .replacen(
            "一、总体情况",
            &format!("一、总体情况\n{XSS} & <b>不是标记</b>"),
            1,
        );
    std::fs::write(dir.join("xss.txt"), xss).unwrap();
    let row = "一、本年新收政府信息公开申请数量\t\t35\t0\t0\t0\t0\t0\t35";
    assert!(sample.contains(row), "the sample's table-3 row changed");
    let failed = sample.replacen(
        row,
        "一、本年新收政府信息公开申请数量\t\t35\t0\t0\t0\t0\t0\t36",
        1,
    );
    std::fs::write(dir.join("failed.txt"), failed).unwrap();
    let row = "规范性文件\t2\t2\t2";
    assert!(sample.contains(row), "the sample's table-2 row changed");
    let glued = sample.replacen(row, "规范性文件898989", 1);
    std::fs::write(dir.join("ambiguous.txt"), glued).unwrap();
    std::fs::create_dir_all(dir.join("pdf")).unwrap();
    std::fs::copy(
        repo().join("corpus/pdf/report_typst.pdf"),
        dir.join("pdf/report_typst.pdf"),
    )
    .unwrap();
}

struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(p: &Path) -> Csv {
        let mut rd = csv::Reader::from_path(p).unwrap();
        let header = rd.headers().unwrap().iter().map(str::to_string).collect();
        let rows = rd
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        Csv { header, rows }
    }
    fn col(&self, row: &[String], name: &str) -> String {
        self.header
            .iter()
            .position(|h| h == name)
            .map(|i| row[i].clone())
            .unwrap_or_default()
    }
    fn of(&self, report: &str) -> Vec<&Vec<String>> {
        self.rows
            .iter()
            .filter(|r| self.col(r, "report") == report)
            .collect()
    }
}

fn ids(html: &str) -> HashSet<String> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The element that starts with `id="{id}"`, up to the end of its table row or note.
fn element<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element {id}"));
    let rest = &html[at..];
    let end = rest
        .find("</tr>")
        .into_iter()
        .chain(rest.find("</div>"))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Every repair and finding of every report is on its page; those with a place
/// are shown at that line and their list row links to it; every in-page link resolves.
fn check_site(out: &Path) -> usize {
    let reports = Csv::read(&out.join("reports.csv"));
    let repairs = Csv::read(&out.join("repairs.csv"));
    let findings = Csv::read(&out.join("findings.csv"));
    let index = std::fs::read_to_string(out.join("audit/index.html")).unwrap();
    let mut placed = 0;
    for (i, r) in reports.rows.iter().enumerate() {
        let id = reports.col(r, "report");
        let href = nianbao::audit::report_href(i, &id);
        assert!(
            index.contains(&format!("href=\"{href}\"")),
            "index links {id}"
        );
        let html = std::fs::read_to_string(out.join("audit").join(&href)).unwrap();
        let known = ids(&html);
        for link in html.split("href=\"#").skip(1) {
            let target = link.split('"').next().unwrap();
            assert!(known.contains(target), "{id}: link #{target} has no target");
        }
        for (kind, file) in [("repair", &repairs), ("finding", &findings)] {
            let rows = file.of(&id);
            for (n, row) in rows.iter().enumerate() {
                let n = n + 1;
                let el = element(&html, &format!("{kind}-{n}"));
                let (p, l) = (file.col(row, "page"), file.col(row, "line"));
                if !p.is_empty() && !l.is_empty() {
                    let anchor = format!("L{p}-{l}");
                    assert!(
                        known.contains(&anchor),
                        "{id} {kind} {n}: line {anchor} not in the text"
                    );
                    assert!(
                        el.contains(&format!("href=\"#{anchor}\"")),
                        "{id} {kind} {n}: {el}"
                    );
                    let note = element(&html, &format!("{kind}-{n}-at"));
                    assert!(note.contains(&format!("href=\"#{kind}-{n}\"")));
                    // The note follows its line.
                    let line_at = html.find(&format!(" id=\"{anchor}\"")).unwrap();
                    let note_at = html.find(&format!(" id=\"{kind}-{n}-at\"")).unwrap();
                    assert!(line_at < note_at, "{id} {kind} {n} note before its line");
                    placed += 1;
                }
            }
            assert!(
                !known.contains(&format!("{kind}-{}", rows.len() + 1)),
                "{id}: more {kind}s on the page than in the CSV"
            );
        }
    }
    placed
}

#[test]
fn extract_html_writes_a_site_with_every_repair_and_finding_linked() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    fixture_corpus(&input);
    let out = dir.path().join("out");
    let r = nianbao(&["extract", "-q", "--html", "--out", s(&out), s(&input)]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(out.join("inputs.csv").exists());
    let placed = check_site(&out);
    // The sample's page-break joins alone have places in the text.
    assert!(placed >= 3 * 4, "only {placed} repairs and findings placed");

    // Report text is text: no script element from a report anywhere.
    let reports = Csv::read(&out.join("reports.csv"));
    let mut escaped_seen = 0;
    for (i, r) in reports.rows.iter().enumerate() {
        let id = reports.col(r, "report");
        let html =
            std::fs::read_to_string(out.join("audit").join(nianbao::audit::report_href(i, &id)))
                .unwrap();
        assert!(!html.contains(XSS) && !html.contains("<b>不是标记"), "{id}");
        escaped_seen += html
            .matches("&lt;script&gt;alert(1)&lt;/script&gt;")
            .count();
        assert!(
            html.contains("script-src 'none'"),
            "report pages allow no script"
        );
    }
    assert!(escaped_seen >= 2, "the script shows as text in the page");
    let index = std::fs::read_to_string(out.join("audit/index.html")).unwrap();
    assert!(!index.contains(XSS));
    assert_eq!(
        index.matches("<script>").count(),
        1,
        "only the index's own script"
    );

    // The failed identity: shown as arithmetic, its cells coloured, worst report first.
    let i = reports
        .rows
        .iter()
        .position(|r| reports.col(r, "report") == "failed.txt")
        .unwrap();
    assert_eq!(reports.col(&reports.rows[i], "status"), "partial");
    let html = std::fs::read_to_string(
        out.join("audit")
            .join(nianbao::audit::report_href(i, "failed.txt")),
    )
    .unwrap();
    let findings = Csv::read(&out.join("findings.csv"));
    let n = findings
        .of("failed.txt")
        .iter()
        .position(|f| findings.col(f, "check") == "t3_col_total")
        .expect("a t3_col_total finding")
        + 1;
    let arith = element(&html, &format!("finding-{n}"));
    assert!(arith.contains("class=\"arith\""), "{arith}");
    assert!(
        html.contains("36</a> ≠ <a"),
        "lhs 36 ≠ the sum of the applicant columns"
    );
    assert!(html.contains("(= 35)"));
    assert!(html.contains("class=\"c-fail\" id=\"c-applications-new_received-total\""));
    let first_row = index.find("<tbody").unwrap();
    let failed_at = index[first_row..].find("failed.txt").unwrap();
    let sample_at = index[first_row..].find("sample.txt").unwrap();
    assert!(failed_at < sample_at, "worst reports first");

    // Glued digits with several readings: the row's cells are `?`, with the candidates.
    let i = reports
        .rows
        .iter()
        .position(|r| reports.col(r, "report") == "ambiguous.txt")
        .unwrap();
    let html = std::fs::read_to_string(
        out.join("audit")
            .join(nianbao::audit::report_href(i, "ambiguous.txt")),
    )
    .unwrap();
    let cell = element(&html, "c-active_disclosure-normative_docs-new_made");
    assert!(
        cell.contains("?</a>") && cell.contains("href=\"#finding-"),
        "{cell}"
    );
    assert!(
        html.contains("class=\"c-ambig\" id=\"c-active_disclosure-normative_docs-public_total\"")
    );
    assert!(
        cell.contains("89/89/89"),
        "the candidates in the cell's title: {cell}"
    );

    // A PDF page shows the PDF's layout text with its page joins marked.
    let i = reports
        .rows
        .iter()
        .position(|r| reports.col(r, "report") == "pdf/report_typst.pdf")
        .unwrap();
    let html = std::fs::read_to_string(
        out.join("audit")
            .join(nianbao::audit::report_href(i, "pdf/report_typst.pdf")),
    )
    .unwrap();
    assert!(html.contains(" id=\"P2\""), "page sections");
    assert!(html.contains("title=\"page-break join\">‖</span>"));

    // Reruns are byte-identical.
    let before = std::fs::read(out.join("audit/index.html")).unwrap();
    let r = nianbao(&["audit", s(&out)]);
    assert_eq!(r.status.code(), Some(0));
    assert_eq!(std::fs::read(out.join("audit/index.html")).unwrap(), before);
}

#[test]
fn audit_finds_inputs_again_or_says_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(repo().join("corpus").join(SAMPLE), input.join(SAMPLE)).unwrap();
    let out = dir.path().join("out");
    nianbao(&["extract", "-q", "--out", s(&out), s(&input)]);
    std::fs::remove_file(out.join("inputs.csv")).unwrap();
    let page = out
        .join("audit")
        .join(nianbao::audit::report_href(0, SAMPLE));

    let r = nianbao(&["audit", s(&out)]);
    assert_eq!(r.status.code(), Some(0));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("is not known"), "no text without a manifest");
    assert!(String::from_utf8_lossy(&r.stderr).contains("1 without their text"));

    let r = nianbao(&["audit", s(&out), "--inputs", s(&input)]);
    assert_eq!(r.status.code(), Some(0));
    assert!(check_site(&out) > 0);
    assert!(std::fs::read_to_string(&page)
        .unwrap()
        .contains(" id=\"L1-15\""));

    let r = nianbao(&["audit", s(&dir.path().join("nothing"))]);
    assert_eq!(r.status.code(), Some(1));
}

#[test]
fn text_prints_the_lines_the_csv_files_number() {
    let path = repo().join("corpus").join(SAMPLE);
    let r = nianbao(&["text", s(&path)]);
    assert_eq!(r.status.code(), Some(0));
    let listing = String::from_utf8(r.stdout).unwrap();
    let file = std::fs::read_to_string(&path).unwrap();
    let mut n = 0;
    for (i, l) in listing.lines().skip(1).enumerate() {
        let (num, text) = l.split_once('\t').unwrap();
        assert_eq!(num, (i + 1).to_string());
        assert_eq!(Some(text), file.lines().nth(i));
        n += 1;
    }
    assert_eq!(n, file.lines().count());

    let pdf = repo().join("corpus/pdf/report_typst.pdf");
    let r = nianbao(&["text", s(&pdf)]);
    let listing = String::from_utf8(r.stdout).unwrap();
    assert!(listing.contains("--- page 2 ---\n1\t"));
    let r = nianbao(&["text", "--plain", s(&pdf)]);
    let plain = String::from_utf8(r.stdout).unwrap();
    assert_eq!(plain.matches('\u{0C}').count(), 6);
    assert!(!plain.contains("--- page"));

    let r = nianbao(&["text", s(&repo().join("tests/data/bad/empty.txt"))]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("empty"));
}

#[test]
fn page_images_beside_the_pdf_text_when_pdftoppm_is_installed() {
    if Command::new("pdftoppm").arg("-v").output().is_err() {
        eprintln!("SKIP page images: pdftoppm not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = repo().join("corpus/pdf/report_typst.pdf");
    let out = dir.path().join("out");
    nianbao(&["extract", "-q", "--out", s(&out), s(&pdf)]);
    let r = nianbao(&["audit", s(&out), "--page-images"]);
    assert_eq!(r.status.code(), Some(0));
    let page = out
        .join("audit")
        .join(nianbao::audit::report_href(0, "report_typst.pdf"));
    let html = std::fs::read_to_string(&page).unwrap();
    let imgs: Vec<&str> = html
        .split("<img src=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(imgs.len(), 6, "one image per page");
    for img in imgs {
        let f = page.parent().unwrap().join(img);
        assert!(
            std::fs::metadata(&f).unwrap().len() > 1000,
            "{}",
            f.display()
        );
    }
    // Without the option the page works without images.
    nianbao(&["audit", s(&out)]);
    assert!(!std::fs::read_to_string(&page).unwrap().contains("<img"));
}
