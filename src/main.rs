use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nianbao::cli::{parse_shard, Cli, Command};
use nianbao::corpus::{discover_counted, run, shard};
use nianbao::grammar::Grammars;
use nianbao::ingest::IngestOptions;
use nianbao::model::Status;
use nianbao::worker::{run_isolated, WorkerConfig};
use nianbao::write::Writers;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
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
        Command::Extract {
            inputs,
            out,
            jobs,
            shard: sh,
            excel,
            xlsx,
            quiet,
            grammars,
            timeout,
            worker_memory,
            timings,
            in_process,
            html,
        } => {
            let grammar_dir = grammars.clone();
            let grammars = match load_grammars(grammars) {
                Ok(g) => g,
                Err(code) => return code,
            };
            let (mut list, skipped) = match discover_counted(&inputs) {
                Ok(l) => l,
                Err(e) => return usage(&format!("reading inputs: {e}")),
            };
            let mut shard_kn = None;
            if let Some(s) = sh {
                match parse_shard(&s) {
                    Ok((k, n)) => {
                        list = shard(list, k, n);
                        shard_kn = Some((k, n));
                    }
                    Err(e) => return usage(&e),
                }
            }
            if let Some(j) = jobs {
                let _ = rayon::ThreadPoolBuilder::new()
                    .num_threads(j.max(1))
                    .build_global();
            }
            let opts = IngestOptions {
                timeout_secs: timeout,
                ..IngestOptions::default()
            };
            let mut writers = match Writers::create(&out, &grammars, excel) {
                Ok(w) => w,
                Err(e) => {
                    eprintln!("nianbao: creating {}: {e}", out.display());
                    return ExitCode::from(EXIT_NOT_WRITTEN);
                }
            };
            let bar = ProgressBar::new(list.len() as u64);
            if quiet || !std::io::stderr().is_terminal() {
                bar.set_draw_target(ProgressDrawTarget::hidden());
            }
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} files  {rate}  ETA {eta}  errors: {msg}",
                )
                .map(|s| {
                    s.with_key(
                        "rate",
                        |st: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                            let _ = write!(w, "{:.1} files/s", st.per_sec());
                        },
                    )
                })
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message("0");
            let errors = AtomicUsize::new(0);
            let started = Instant::now();
            let on_done = |r: &nianbao::model::Report| {
                if r.status == Status::Error {
                    let n = errors.fetch_add(1, Ordering::Relaxed) + 1;
                    bar.set_message(n.to_string());
                    // Each unreadable file by name, even with -q: the summary
                    // alone would leave the user guessing which.
                    bar.suspend(|| eprintln!("nianbao: {}: {}", r.id, r.error));
                }
                bar.inc(1);
            };
            let ran = if in_process {
                run(&list, &grammars, &opts, &mut writers, &on_done)
            } else {
                let config = WorkerConfig {
                    grammars: grammar_dir,
                    opts: opts.clone(),
                    memory_mb: worker_memory,
                    timings,
                };
                run_isolated(&list, &config, &mut writers, &on_done)
            };
            let mut summary = match ran {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("nianbao: writing outputs: {e}");
                    return ExitCode::from(EXIT_NOT_WRITTEN);
                }
            };
            bar.finish_and_clear();
            match writers.finish() {
                Ok(cross_year) => summary.findings += cross_year,
                Err(e) => {
                    eprintln!("nianbao: writing outputs: {e}");
                    return ExitCode::from(EXIT_NOT_WRITTEN);
                }
            }
            if let Some(x) = xlsx {
                if let Err(e) = nianbao::xlsx::write_workbook(&out, &x, &grammars) {
                    eprintln!("nianbao: writing {}: {e}", x.display());
                    return ExitCode::from(EXIT_NOT_WRITTEN);
                }
            }
            if let Err(e) = nianbao::merge::record_shard(&out, shard_kn) {
                eprintln!("nianbao: writing {}: {e}", nianbao::merge::SHARD_MANIFEST);
                return ExitCode::from(EXIT_NOT_WRITTEN);
            }
            if let Err(e) = nianbao::audit::manifest::write_manifest(&out, &list) {
                eprintln!("nianbao: writing inputs.csv: {e}");
                return ExitCode::from(EXIT_NOT_WRITTEN);
            }
            if html {
                let aopts = nianbao::audit::AuditOptions {
                    ingest: opts.clone(),
                    ..Default::default()
                };
                if let Err(code) = audit(&out, &grammars, &aopts) {
                    return code;
                }
            }
            let skipped = if skipped > 0 {
                format!("; skipped {skipped} other files")
            } else {
                String::new()
            };
            let peak = nianbao::worker::peak_worker_memory();
            let peak = if in_process || peak == 0 {
                String::new()
            } else {
                format!("; peak worker memory {} MB", peak.div_ceil(1024 * 1024))
            };
            eprintln!(
                "{} reports: {} ok, {} partial, {} error; {} findings, {} repairs{skipped}{peak}; {:.1} s; outputs in {}",
                summary.reports,
                summary.ok,
                summary.partial,
                summary.error,
                summary.findings,
                summary.repairs,
                started.elapsed().as_secs_f64(),
                out.display()
            );
            ExitCode::from(if summary.error > 0 { 1 } else { 0 })
        }
        Command::Text {
            file,
            plain,
            timeout,
        } => {
            let opts = IngestOptions {
                timeout_secs: timeout,
                ..IngestOptions::default()
            };
            let input = nianbao::corpus::Input {
                id: file.display().to_string(),
                path: Some(file.clone()),
            };
            let pages = match nianbao::corpus::read_input(&input).and_then(|b| {
                nianbao::audit::input_text::read_numbered(&b, &opts).map_err(|e| e.to_string())
            }) {
                Ok((_, pages)) => pages,
                Err(e) => {
                    eprintln!("nianbao: {}: {e}", file.display());
                    return ExitCode::from(1);
                }
            };
            let text = if plain {
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
        Command::Audit {
            out,
            inputs,
            page_images,
            grammars,
        } => {
            let grammars = match load_grammars(grammars) {
                Ok(g) => g,
                Err(code) => return code,
            };
            let aopts = nianbao::audit::AuditOptions {
                inputs,
                page_images,
                ..Default::default()
            };
            match audit(&out, &grammars, &aopts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => code,
            }
        }
        Command::Worker {
            grammars,
            timeout,
            memory_mb,
            search_nodes,
        } => {
            let grammars = match load_grammars(grammars) {
                Ok(g) => g,
                Err(code) => return code,
            };
            let opts = IngestOptions {
                timeout_secs: timeout,
                search_nodes,
            };
            match nianbao::worker::serve(&grammars, &opts, memory_mb) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("nianbao worker: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Eval {
            out,
            expected,
            min_accuracy,
            strict,
            verbose,
        } => {
            let summary = match nianbao::eval::evaluate(&out, &expected) {
                Ok(s) => s,
                Err(e) => return usage(&e.to_string()),
            };
            if verbose {
                println!("{summary:#}");
            } else {
                println!("{summary}");
            }
            let opts = if strict {
                nianbao::eval::EvalOptions::strict(min_accuracy)
            } else {
                nianbao::eval::EvalOptions {
                    min_accuracy,
                    ..Default::default()
                }
            };
            let failures = summary.failures(&opts);
            for f in &failures {
                eprintln!("FAIL: {f}");
            }
            ExitCode::from(if failures.is_empty() { 0 } else { 1 })
        }
        Command::Merge {
            dirs,
            out,
            xlsx,
            grammars,
        } => {
            let grammars = match load_grammars(grammars) {
                Ok(g) => g,
                Err(code) => return code,
            };
            match nianbao::merge::merge(&dirs, &out, &grammars) {
                Ok(s) => {
                    if let Err(e) = nianbao::audit::manifest::merge_manifests(&dirs, &out) {
                        eprintln!("nianbao: merging inputs.csv: {e}");
                        return ExitCode::from(1);
                    }
                    eprintln!(
                        "merged {} folders: {} reports, {} cross-year findings",
                        s.inputs, s.reports, s.cross_year
                    );
                    if let Some(x) = xlsx {
                        if let Err(e) = nianbao::xlsx::write_workbook(&out, &x, &grammars) {
                            eprintln!("nianbao: writing {}: {e}", x.display());
                            return ExitCode::from(1);
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("nianbao: merge: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// Builds the audit site and says where it is.
fn audit(
    out: &std::path::Path,
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

/// Exit status when the outputs could not be written (nothing new was
/// published; the previous outputs, if any, are intact): distinct from 1 (some
/// inputs had errors, outputs written) and 2 (usage).
const EXIT_NOT_WRITTEN: u8 = 3;

/// The built-in grammars, or those of `--grammars DIR`; an invalid grammar is a usage
/// error (exit 2) before any input is read.
fn load_grammars(dir: Option<std::path::PathBuf>) -> Result<Grammars, ExitCode> {
    dir.map_or_else(Grammars::embedded, |d| Grammars::load_dir(&d))
        .map_err(|e| usage(&e.to_string()))
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("nianbao: {msg}");
    ExitCode::from(2)
}
