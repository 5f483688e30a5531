//! The command line: a thin face over the library.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "nianbao",
    version,
    about = "Chinese government information-disclosure annual reports (政府信息公开工作年度报告) → audited CSV"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract reports (PDF or text, any Chinese encoding) into CSV files.
    #[command(
        after_help = "Example:\n  nianbao extract corpus/ --out out/\n  cat report.txt | nianbao extract - --out out/\n\nWrites reports.csv, cells.csv, wide.csv, sections.csv, repairs.csv and findings.csv.\nExit status: 0 all files read, 1 some files had errors (outputs still written), 2 usage error,\n3 outputs could not be written (previous outputs left intact)."
    )]
    Extract(ExtractArgs),
    /// Print the text the tool reads from a file, numbered as `page,line` in the CSV files.
    #[command(
        after_help = "Text inputs keep the file's own line numbers; PDF pages number their layout lines from 1.\n--plain prints the bare text with form feeds between pages (as pdftotext does)."
    )]
    Text(TextArgs),
    /// Write the audit view of an output folder: OUT/audit/index.html and a page per report.
    #[command(
        after_help = "The input files are found through OUT/inputs.csv (written by extract) or --inputs."
    )]
    Audit(AuditArgs),
    /// Internal: a worker process of `extract` (reads requests on stdin).
    #[command(hide = true)]
    Worker(WorkerArgs),
    /// Score extracted CSVs against *.expected.csv files.
    Eval(EvalArgs),
    /// Combine the output folders of several shards into the files one run writes.
    Merge(MergeArgs),
}

// The arguments of `nianbao extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files, folders (searched recursively for .pdf .txt .md) or - for stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, short)]
    pub out: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Process only shard K of N (1-based), chosen by a stable hash of the report id.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Write a UTF-8 byte-order mark so Excel and WPS show Chinese correctly.
    #[arg(long)]
    pub excel: bool,
    /// Also write an Excel workbook.
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Read template grammars from this folder instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub grammars: Option<PathBuf>,
    /// Time limit for one file of any kind, in seconds (0: none); a file over it
    /// gets a `timed out` error row and the batch goes on.
    #[arg(long, alias = "pdf-timeout", default_value_t = 60)]
    pub timeout: u64,
    /// Address-space limit of each worker process, in MiB (0: none).
    #[arg(long, value_name = "MB", default_value_t = crate::worker::DEFAULT_MEMORY_MB)]
    pub worker_memory: u64,
    /// Append `report,seconds` per file to this file (scripts/fuzz.sh: slowest file).
    #[arg(long, value_name = "FILE", hide = true)]
    pub timings: Option<PathBuf>,
    /// Run every file in this process instead of in worker processes (faster
    /// to start, but an abort or out-of-memory in one file ends the batch).
    #[arg(long)]
    pub in_process: bool,
    /// Also write the audit view (DIR/audit/index.html), as `nianbao audit DIR` does.
    #[arg(long)]
    pub html: bool,
}

// The arguments of `nianbao text`.
#[derive(Debug, Args)]
pub struct TextArgs {
    pub file: PathBuf,
    /// No numbers or page lines: the text only, pages separated by form feeds.
    #[arg(long)]
    pub plain: bool,
    /// Time limit for the file, in seconds (0: none).
    #[arg(long, alias = "pdf-timeout", default_value_t = 60)]
    pub timeout: u64,
}

// The arguments of `nianbao audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Output folder of `nianbao extract` (or `merge`).
    pub out: PathBuf,
    /// Input files or folders, as given to extract (when inputs.csv is missing or stale).
    #[arg(long, num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// Show each PDF page as an image beside its text (needs pdftoppm).
    #[arg(long)]
    pub page_images: bool,
    /// Read template grammars from this folder instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub grammars: Option<PathBuf>,
}

// The arguments of `nianbao worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[arg(long, value_name = "DIR")]
    pub grammars: Option<PathBuf>,
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    #[arg(long, default_value_t = crate::worker::DEFAULT_MEMORY_MB)]
    pub memory_mb: u64,
    #[arg(long, default_value_t = crate::budget::NODES_PER_REPORT)]
    pub search_nodes: u64,
    /// Send each report rendered to its CSV rows instead of whole.
    #[arg(long)]
    pub render: bool,
}

// The arguments of `nianbao eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Output folder of `nianbao extract`.
    pub out: PathBuf,
    /// Folder holding X.expected.csv files (searched recursively).
    pub expected: PathBuf,
    /// Fail below this accuracy (percent of expected cells exact).
    #[arg(long, default_value_t = 97.0)]
    pub min_accuracy: f64,
    /// Also fail on any wrong value, unexplained missing cell or wrong meta field.
    #[arg(long)]
    pub strict: bool,
    /// Print one line per wrong or missing cell.
    #[arg(long, short)]
    pub verbose: bool,
}

// The arguments of `nianbao merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard output folders.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    #[arg(long, short)]
    pub out: PathBuf,
    /// Also write an Excel workbook of the merged output.
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Read template grammars from this folder instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub grammars: Option<PathBuf>,
}
/// Parses `K/N`.
pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 1/4")?;
    let k: usize = k.trim().parse().map_err(|_| "K is not a number")?;
    let n: usize = n.trim().parse().map_err(|_| "N is not a number")?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: need 1 <= K <= N"));
    }
    Ok((k, n))
}
