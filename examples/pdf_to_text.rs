//! Prints the layout text of a PDF, pages separated by form feeds.
//!
//! Usage: `pdf_to_text FILE.pdf` (for debugging and benchmarking the PDF ingest).

use nianbao::ingest::{pdf::read_pdf, IngestOptions};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: pdf_to_text FILE.pdf");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    let doc = match read_pdf(&bytes, &IngestOptions::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for page in &doc.pages {
        for line in &page.lines {
            let _ = writeln!(out, "{line}");
        }
        let _ = write!(out, "\u{0C}");
    }
    for r in &doc.repairs {
        eprintln!(
            "repair: {} page {:?}: {} -> {} ({})",
            r.kind, r.page, r.before, r.after, r.rule
        );
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
