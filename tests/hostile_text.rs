//! Hostile text reports, generated from the bundled sample: every one must end
//! with a report (a finding or `status=error`), within the report's work budget.
//! Timing is measured by `scripts/fuzz.sh`, not here; these tests would hang
//! (and the suite time out) if a search were unbounded again.

use nianbao::grammar::Grammars;
use nianbao::ingest::IngestOptions;
use nianbao::model::{CompactString, Report, Severity, Status};
use nianbao::pipeline::extract_bytes;
use std::path::Path;

fn sample() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/000_yiyuan_zrzyj_2020.txt");
    std::fs::read_to_string(p).expect("sample report")
}

fn run(text: &str) -> Report {
    let g = Grammars::embedded().expect("grammars");
    // A tenth of the default budget: the same mechanism, quicker in a debug build.
    let opts = IngestOptions {
        search_nodes: nianbao::budget::NODES_PER_REPORT / 10,
        ..IngestOptions::default()
    };
    extract_bytes("hostile.txt", text.as_bytes(), &g, &opts)
}

/// The sample with every table-3 data row's numbers replaced by `digits`, glued to
/// the label.
fn glued_t3(digits: &str) -> String {
    let text = sample();
    let lines: Vec<&str> = text.split('\n').collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("一、本年新收"))
        .expect("table 3");
    let end = lines
        .iter()
        .position(|l| l.starts_with("四、结转下年度"))
        .expect("table 3 end");
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if (start..=end).contains(&i) && l.ends_with(|c: char| c.is_ascii_digit()) {
                let label: String = l
                    .trim_end_matches(|c: char| c.is_ascii_digit() || c == '\t')
                    .replace('\t', "");
                format!("{label}{digits}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ambiguous(r: &Report) -> Vec<&str> {
    r.findings
        .iter()
        .filter(|f| f.check == "ambiguous_split")
        .map(|f| f.message.as_str())
        .collect()
}

#[test]
fn glued_digit_storm_ends_with_findings_within_the_report_budget() {
    // 40 nines per row: every row has an astronomical number of readings.
    let r = run(&glued_t3(&"9".repeat(40)));
    assert_eq!(r.status, Status::Partial);
    let amb = ambiguous(&r);
    assert!(amb.len() >= 10, "{amb:#?}");
    // One budget for the whole report: once it is spent, later rows are not
    // searched at all and say so.
    assert!(
        amb.iter().any(|m| m.contains("search budget ran out")),
        "{amb:#?}"
    );
    for m in &amb {
        assert!(!m.contains("0 readings"), "{m}");
        assert!(!m.contains("()"), "{m}");
    }
    // Nothing guessed from a glued run.
    assert!(
        r.cells.iter().all(|c| !c.value.contains("99")),
        "{:?}",
        r.cells
    );
}

#[test]
fn thousand_digit_run_is_refused_without_searching() {
    let r = run(&glued_t3(&"1234567890".repeat(100)));
    let amb = ambiguous(&r);
    assert!(!amb.is_empty());
    assert!(
        amb.iter()
            .all(|m| m.contains("cannot be read as 7 numbers")),
        "{amb:#?}"
    );
    assert!(r.findings.iter().all(|f| f.severity != Severity::Info
        || f.check == "blank_cell"
        || f.check == "possible_broken_sentence"));
}

#[test]
fn table_repeated_many_times_reads_the_first_and_reports_the_rest() {
    let text = sample();
    let lines: Vec<&str> = text.split('\n').collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("一、本年新收"))
        .unwrap();
    let end = lines
        .iter()
        .position(|l| l.starts_with("四、结转下年度"))
        .unwrap();
    let mut big: Vec<&str> = lines[..start].to_vec();
    for _ in 0..300 {
        big.extend(&lines[start..=end]);
    }
    big.extend(&lines[end + 1..]);
    let once = run(&text);
    let many = run(&big.join("\n"));
    let t3 = |r: &Report| -> Vec<(CompactString, CompactString, CompactString)> {
        r.cells
            .iter()
            .filter(|c| c.table == "applications")
            .map(|c| (c.row.clone(), c.column.clone(), c.value.clone()))
            .collect()
    };
    assert_eq!(t3(&once), t3(&many));
    // The repeats are numbers inside the table with no cell: reported, not dropped.
    assert!(many.findings.iter().any(|f| f.check == "unplaced_value"));
}
