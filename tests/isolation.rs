//! Worker-process isolation through the binary: a file that aborts, overflows
//! the stack, exhausts memory or hangs in its worker, or whose worker answers
//! with damaged rows, gets one error row, and the other files come out exactly
//! as in a run without it.
//!
//! The failures are triggered by a test-only hook that a worker obeys only when
//! `NIANBAO_TEST_CRASH_HOOK=1` is set in its environment (never in normal runs).

use std::path::Path;
use std::process::Command;

use nianbao::write::FILES;

const SAMPLE: &str = "000_yiyuan_zrzyj_2020.txt";

fn extract(inputs: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .env(nianbao::worker::CRASH_HOOK_ENV, "1")
        .args(["extract", "-q", "--out"])
        .arg(out)
        .args(extra)
        .arg(inputs)
        .output()
        .expect("running nianbao");
    assert!(out.status.code().is_some(), "killed by a signal: {out:?}");
    out
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("output file")
}

#[test]
fn abort_overflow_oom_and_hang_cost_only_their_own_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sample = std::fs::read(root.join("corpus").join(SAMPLE)).unwrap();
    let t = tempfile::tempdir().unwrap();
    let (good, bad) = (t.path().join("good"), t.path().join("mixed"));
    std::fs::create_dir_all(&good).unwrap();
    std::fs::create_dir_all(&bad).unwrap();
    for n in ["a.txt", "m.txt", "z.txt"] {
        std::fs::write(good.join(n), &sample).unwrap();
        std::fs::write(bad.join(n), &sample).unwrap();
    }
    for c in ["abort", "overflow", "oom", "hang", "open-quote"] {
        std::fs::write(
            bad.join(format!("{c}.txt")),
            format!("NIANBAO-TEST-CRASH:{c}"),
        )
        .unwrap();
    }
    // The limit must leave a good file's run room on a loaded machine (the first
    // file of a debug-built worker includes its start-up), yet bound the hang.
    let limits = ["--timeout", "5", "--worker-memory", "256", "-j", "2"];
    let out_good = t.path().join("out_good");
    let out_bad = t.path().join("out_bad");
    let r = extract(&good, &out_good, &limits);
    assert_eq!(r.status.code(), Some(0), "{r:?}");
    let r = extract(&bad, &out_bad, &limits);
    assert_eq!(r.status.code(), Some(1), "{r:?}");

    let reports = read(&out_bad, "reports.csv");
    let row = |id: &str| {
        reports
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("no row for {id}: {reports}"))
            .to_string()
    };
    assert!(
        row("abort.txt").contains("worker process aborted"),
        "{reports}"
    );
    assert!(row("overflow.txt").contains("stack overflow"), "{reports}");
    assert!(row("oom.txt").contains("out of memory"), "{reports}");
    assert!(
        row("hang.txt").contains("timed out after 5 s (worker stopped)"),
        "{reports}"
    );
    assert!(
        row("open-quote.txt").contains(",error,the worker's rows of findings.csv"),
        "{reports}"
    );
    assert_eq!(reports.lines().count(), 1 + 8);

    // The good files' rows are what a run without the bad files writes.
    for f in FILES {
        let only_good = |text: String| -> Vec<String> {
            text.lines()
                .filter(|l| {
                    ["a.txt,", "m.txt,", "z.txt,"]
                        .iter()
                        .any(|p| l.starts_with(p))
                })
                .map(str::to_string)
                .collect()
        };
        assert_eq!(
            only_good(read(&out_bad, f)),
            only_good(read(&out_good, f)),
            "{f}"
        );
    }
}

/// Workers send each report rendered to its rows (the CSV sink takes them), the
/// in-process run renders whole reports: the same bytes either way.
#[test]
fn worker_and_in_process_outputs_are_byte_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = tempfile::tempdir().unwrap();
    let (a, b) = (t.path().join("workers"), t.path().join("in_process"));
    assert_eq!(
        extract(&root.join("corpus"), &a, &["-j", "2"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        extract(&root.join("corpus"), &b, &["--in-process"])
            .status
            .code(),
        Some(0)
    );
    for f in FILES {
        assert_eq!(read(&a, f), read(&b, f), "{f}");
    }
}

#[test]
fn outputs_that_cannot_be_written_exit_3() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = tempfile::tempdir().unwrap();
    // The output folder's place is taken by a file.
    let out = t.path().join("out");
    std::fs::write(&out, "not a folder").unwrap();
    let r = extract(&root.join("corpus"), &out, &[]);
    assert_eq!(r.status.code(), Some(3), "{r:?}");
}
