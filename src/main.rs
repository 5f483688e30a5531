//! The `nianbao` command: one function per subcommand, each a thin layer over the
//! library that turns its results into messages and an exit status.

use clap::Parser;
use nianbao::cli::{
    parse_shard, AuditArgs, Cli, Command, EvalArgs, ExtractArgs, MergeArgs, TextArgs, WorkerArgs,
};
use nianbao::corpus::{discover_counted, run, shard};
use nianbao::grammar::{Grammars, Regexes};
use nianbao::ingest::IngestOptions;
use nianbao::sink::Progress;
use nianbao::worker::{run_isolated, WorkerConfig};
use nianbao::write::CsvSink;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Extract(a) => extract(a),
        Command::Text(a) => text(a),
        Command::Audit(a) => audit_command(a),
        Command::Worker(a) => worker(a),
        Command::Eval(a) => eval(a),
        Command::Merge(a) => merge(a),
    }
}

/// Exit status when the outputs could not be written (nothing new was
/// published; the previous outputs, if any, are intact): distinct from 1 (some
/// inputs had errors, outputs written) and 2 (usage).
const EXIT_NOT_WRITTEN: u8 = 3;

/// `nianbao extract`: every input through the pipeline into the CSV sink, then
/// the workbook, the shard and input manifests and the audit view when asked.
fn extract(a: ExtractArgs) -> ExitCode {
    // With worker processes this process only writes CSV: the workers compile
    // the regexes (and stop the run if one is refused), this one checks them.
    let regexes = if a.in_process {
        Regexes::Compile
    } else {
        Regexes::Check
    };
    let grammars = match load_grammars(a.grammars.clone(), regexes) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let (mut list, skipped) = match discover_counted(&a.inputs) {
        Ok(l) => l,
        Err(e) => return usage(&format!("reading inputs: {e}")),
    };
    let mut shard_kn = None;
    if let Some(s) = &a.shard {
        match parse_shard(s) {
            Ok((k, n)) => {
                list = shard(list, k, n);
                shard_kn = Some((k, n));
            }
            Err(e) => return usage(&e),
        }
    }
    if let Some(j) = a.jobs {
        nianbao::corpus::set_threads(j);
        // Only the audit view uses the rayon pool: started for it alone.
        if a.html {
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(j.max(1))
                .build_global();
        }
    }
    let opts = IngestOptions {
        timeout_secs: a.timeout,
        ..IngestOptions::for_grammars(&grammars)
    };
    let csv = match CsvSink::create(&a.out, &grammars, a.excel) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("nianbao: creating {}: {e}", a.out.display());
            return ExitCode::from(EXIT_NOT_WRITTEN);
        }
    };
    let mut sink = Progress::new(csv, list.len(), !a.quiet);
    let started = Instant::now();
    let ran = if a.in_process {
        run(&list, &grammars, &opts, &mut sink)
    } else {
        let config = WorkerConfig {
            grammars: a.grammars.clone(),
            opts: opts.clone(),
            memory_mb: a.worker_memory,
            timings: a.timings.clone(),
        };
        run_isolated(&list, &config, &mut sink)
    };
    let mut summary = match ran {
        Ok(s) => s,
        Err(e) => {
            eprintln!("nianbao: writing outputs: {e}");
            return ExitCode::from(EXIT_NOT_WRITTEN);
        }
    };
    summary.findings += sink.into_inner().cross_year_findings();
    if let Some(x) = &a.xlsx {
        if let Err(e) = nianbao::xlsx::write_workbook(&a.out, x, &grammars) {
            eprintln!("nianbao: writing {}: {e}", x.display());
            return ExitCode::from(EXIT_NOT_WRITTEN);
        }
    }
    if let Err(e) = nianbao::merge::record_shard(&a.out, shard_kn) {
        eprintln!("nianbao: writing {}: {e}", nianbao::merge::SHARD_MANIFEST);
        return ExitCode::from(EXIT_NOT_WRITTEN);
    }
    if let Err(e) = nianbao::audit::manifest::write_manifest(&a.out, &list) {
        eprintln!("nianbao: writing inputs.csv: {e}");
        return ExitCode::from(EXIT_NOT_WRITTEN);
    }
    if a.html {
        let aopts = nianbao::audit::AuditOptions {
            ingest: opts.clone(),
            ..Default::default()
        };
        if let Err(code) = audit(&a.out, &grammars, &aopts) {
            return code;
        }
    }
    let skipped = if skipped > 0 {
        format!("; skipped {skipped} other files")
    } else {
        String::new()
    };
    let peak = nianbao::worker::peak_worker_memory();
    let peak = if a.in_process || peak == 0 {
        String::new()
    } else {
        format!("; peak worker memory {} MB", peak.div_ceil(1024 * 1024))
    };
    // Formatted first: standard error is unbuffered, and `eprintln!` of the
    // parts is a write per part (twenty system calls).
    let line = format!(
        "{} reports: {} ok, {} partial, {} error; {} findings, {} repairs{skipped}{peak}; {:.1} s; outputs in {}\n",
        summary.reports,
        summary.ok,
        summary.partial,
        summary.error,
        summary.findings,
        summary.repairs,
        started.elapsed().as_secs_f64(),
        a.out.display()
    );
    eprint!("{line}");
    ExitCode::from(if summary.error > 0 { 1 } else { 0 })
}

/// `nianbao text`: the text the tool reads from one file, numbered.
fn text(a: TextArgs) -> ExitCode {
    let opts = IngestOptions {
        timeout_secs: a.timeout,
        ..IngestOptions::default()
    };
    let input = nianbao::corpus::Input {
        id: a.file.display().to_string(),
        path: Some(a.file.clone()),
    };
    let pages = match nianbao::corpus::read_input(&input).and_then(|b| {
        nianbao::audit::input_text::read_numbered(&b, &opts).map_err(|e| e.to_string())
    }) {
        Ok((_, pages)) => pages,
        Err(e) => {
            eprintln!("nianbao: {}: {e}", a.file.display());
            return ExitCode::from(1);
        }
    };
    let text = if a.plain {
        nianbao::audit::input_text::render_plain(&pages)
    } else {
        nianbao::audit::input_text::render_listing(&pages)
    };
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(1),
    }
}

/// `nianbao audit`: the audit view of an output folder.
fn audit_command(a: AuditArgs) -> ExitCode {
    let grammars = match load_grammars(a.grammars, Regexes::Compile) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let aopts = nianbao::audit::AuditOptions {
        inputs: a.inputs,
        page_images: a.page_images,
        ingest: IngestOptions::for_grammars(&grammars),
    };
    match audit(&a.out, &grammars, &aopts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// `nianbao worker` (internal): serves extraction requests on standard input.
fn worker(a: WorkerArgs) -> ExitCode {
    let grammars = match load_grammars(a.grammars, Regexes::Compile) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let opts = IngestOptions {
        timeout_secs: a.timeout,
        search_nodes: a.search_nodes,
        ..IngestOptions::for_grammars(&grammars)
    };
    match nianbao::worker::serve(&grammars, &opts, a.memory_mb, a.render) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nianbao worker: {e}");
            ExitCode::from(1)
        }
    }
}

/// `nianbao eval`: scores an output folder against expected files.
fn eval(a: EvalArgs) -> ExitCode {
    let summary = match nianbao::eval::evaluate(&a.out, &a.expected) {
        Ok(s) => s,
        Err(e) => return usage(&e.to_string()),
    };
    if a.verbose {
        println!("{summary:#}");
    } else {
        println!("{summary}");
    }
    let opts = if a.strict {
        nianbao::eval::EvalOptions::strict(a.min_accuracy)
    } else {
        nianbao::eval::EvalOptions {
            min_accuracy: a.min_accuracy,
            ..Default::default()
        }
    };
    let failures = summary.failures(&opts);
    for f in &failures {
        eprintln!("FAIL: {f}");
    }
    ExitCode::from(if failures.is_empty() { 0 } else { 1 })
}

/// `nianbao merge`: shard output folders into the files one run writes.
fn merge(a: MergeArgs) -> ExitCode {
    // Merging matches no text: the regexes are only checked.
    let grammars = match load_grammars(a.grammars, Regexes::Check) {
        Ok(g) => g,
        Err(code) => return code,
    };
    let s = match nianbao::merge::merge(&a.dirs, &a.out, &grammars) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("nianbao: merge: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = nianbao::audit::manifest::merge_manifests(&a.dirs, &a.out) {
        eprintln!("nianbao: merging inputs.csv: {e}");
        return ExitCode::from(1);
    }
    eprintln!(
        "merged {} folders: {} reports, {} cross-year findings",
        s.inputs, s.reports, s.cross_year
    );
    if let Some(x) = a.xlsx {
        if let Err(e) = nianbao::xlsx::write_workbook(&a.out, &x, &grammars) {
            eprintln!("nianbao: writing {}: {e}", x.display());
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}

/// Builds the audit site and says where it is.
fn audit(
    out: &Path,
    grammars: &Grammars,
    opts: &nianbao::audit::AuditOptions,
) -> Result<(), ExitCode> {
    let started = Instant::now();
    match nianbao::audit::build(out, grammars, opts) {
        Ok(s) => {
            eprintln!(
                "audit: {} ({} reports, {} without their text, {} page images; {} files, {:.1} MB; {:.2} s)",
                out.join(nianbao::audit::SITE_DIR).join("index.html").display(),
                s.reports,
                s.without_text,
                s.page_images,
                s.files,
                s.bytes as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(e) => {
            eprintln!("nianbao: audit {}: {e}", out.display());
            Err(ExitCode::from(1))
        }
    }
}

/// The built-in grammars, or those of `--grammars DIR`; an invalid grammar is a usage
/// error (exit 2) before any input is read.
fn load_grammars(dir: Option<PathBuf>, regexes: Regexes) -> Result<Grammars, ExitCode> {
    Grammars::load(dir.as_deref(), regexes).map_err(|e| usage(&e.to_string()))
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("nianbao: {msg}");
    ExitCode::from(2)
}
