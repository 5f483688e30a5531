//! Types shared by every stage of the pipeline.
//!
//! The flow is one-directional: `ingest` turns bytes into [`Page`]s, `clean` turns
//! pages into numbered [`Line`]s (logging every [`Repair`]), `parse` finds headings
//! and tables, `map` maps table content to canonical [`Cell`]s, `check` turns
//! failed identities into [`Finding`]s, and `write` serialises a [`Report`].

use std::fmt;

pub use compact_str::CompactString;

/// One page of extracted text, before cleaning. Lines keep their original
/// whitespace because column alignment carries table structure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// 1-based page number (PDF page, or form-feed page for text).
    pub number: usize,
    pub lines: Vec<String>,
    /// How many input lines precede this page's first line, so that `lines[i]` is
    /// input line `line_offset + i + 1`. A text file numbers its lines through all
    /// its form-feed pages, as an editor does (a form feed is not a line break, so
    /// a page that starts after `\f` mid-line starts on that same line); a PDF page
    /// numbers its layout lines from 1, so this is 0.
    pub line_offset: usize,
}

/// Where the text came from; written to `reports.csv` as `source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    Pdf,
    /// Text with the detected encoding's canonical name (`utf-8`, `gb18030`, `utf-16le`, …).
    Text(String),
    /// An HTML page, with the encoding it was decoded from.
    Html(String),
    /// A Word document: `docx`, or the legacy type converted by LibreOffice (`doc`, `rtf`).
    Word(String),
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceKind::Pdf => write!(f, "pdf"),
            SourceKind::Text(enc) => write!(f, "text:{enc}"),
            SourceKind::Html(enc) => write!(f, "html:{enc}"),
            SourceKind::Word(kind) => write!(f, "word:{kind}"),
        }
    }
}

/// The result of ingesting one input: pages of text plus what ingest itself repaired
/// (e.g. removed page furniture found by position) and what it found about the
/// input as a whole (e.g. invalid bytes replaced).
#[derive(Debug, Clone)]
pub struct Document {
    pub source: SourceKind,
    pub pages: Vec<Page>,
    pub repairs: Vec<Repair>,
    pub findings: Vec<Finding>,
}

/// A cleaned line with its location in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub page: usize,
    /// 1-based line of the input as the user sees it (before cleaning): for text
    /// the input file's own line, for a PDF the line of the page's layout text
    /// (what `nianbao text` prints). See [`Page::line_offset`].
    pub line: usize,
    /// Text joined onto this line by the cleaner (a sentence cut by a page break or a
    /// blank line): `(byte offset in text where it starts, page, line)` of each piece,
    /// in order, so a place inside the joined text still points into the input.
    pub joins: Vec<(usize, usize, usize)>,
}

impl Line {
    pub fn new(text: impl Into<String>, page: usize, line: usize) -> Self {
        Line {
            text: text.into(),
            page,
            line,
            joins: Vec::new(),
        }
    }

    /// Test input: one line per text, all on page 1, numbered from 1.
    #[cfg(test)]
    pub fn numbered(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Line::new(*t, 1, i + 1))
            .collect()
    }

    /// The input place `(page, line)` of the text at byte offset `at` of [`Line::text`].
    pub fn place_at(&self, at: usize) -> (usize, usize) {
        self.joins
            .iter()
            .rev()
            .find(|(start, _, _)| *start <= at)
            .map_or((self.page, self.line), |&(_, p, l)| (p, l))
    }
}

/// A change made to the extracted text or table structure, kept for audit.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Repair {
    pub kind: String,
    pub page: Option<usize>,
    pub line: Option<usize>,
    pub before: String,
    pub after: String,
    pub rule: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// The name written to `findings.csv`, without building a `String` per row.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed check or an anomaly. Never changes a printed value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    pub check: String,
    pub severity: Severity,
    pub table: String,
    pub row: String,
    pub column: String,
    pub expected: String,
    pub actual: String,
    /// Where in the input (see [`Line::line`]); `None` only where no single place exists.
    pub page: Option<usize>,
    pub line: Option<usize>,
    pub message: String,
}

impl Finding {
    pub fn new(check: &str, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            check: check.to_string(),
            severity,
            table: String::new(),
            row: String::new(),
            column: String::new(),
            expected: String::new(),
            actual: String::new(),
            page: None,
            line: None,
            message: message.into(),
        }
    }
    /// The input place the finding concerns.
    pub fn place(mut self, page: usize, line: usize) -> Self {
        self.page = Some(page);
        self.line = Some(line);
        self
    }
    /// Like [`Finding::place`], for a place that may be unknown.
    pub fn place_opt(mut self, page: Option<usize>, line: Option<usize>) -> Self {
        self.page = page;
        self.line = line;
        self
    }
    pub fn at(mut self, table: &str, row: &str, column: &str) -> Self {
        self.table = table.to_string();
        self.row = row.to_string();
        self.column = column.to_string();
        self
    }
    pub fn values(mut self, expected: impl Into<String>, actual: impl Into<String>) -> Self {
        self.expected = expected.into();
        self.actual = actual.into();
        self
    }
}

/// One extracted table cell keyed by canonical ids.
///
/// The text fields are `CompactString`s (they deref to `&str`): a report has
/// thousands of cells and nearly all their texts are short (canonical ids of
/// ≤ 24 bytes, numbers and units of a few bytes), which a `CompactString`
/// keeps inline instead of allocating; building and freeing eight `String`s
/// per cell cost ~7 % of a text run.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub table: CompactString,
    pub row: CompactString,
    pub column: CompactString,
    /// Canonical number (ASCII digits, optional `-`, optional `.`), or empty.
    pub value: CompactString,
    /// The cell as printed.
    pub raw: CompactString,
    pub unit: CompactString,
    pub row_label: CompactString,
    pub column_label: CompactString,
    pub page: Option<usize>,
    pub line: Option<usize>,
}

/// A heading of the report's outline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    /// The numbering as printed (`一`, `（二）`, `3.`), normalised to half-width punctuation.
    pub number: String,
    pub title: String,
    /// Canonical section id (`overview`, `applications`, …) when recognised.
    pub section: String,
    pub page: usize,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Ok,
    Partial,
    Error,
}

impl Status {
    /// The name written to `reports.csv`, without building a `String` per row.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::Error => "error",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the stages say about one report while they run: every repair made to its
/// text and every finding, in the order the stages push them (that order is the
/// order of the rows in `repairs.csv` and `findings.csv`). One per report, passed
/// as `&mut` from stage to stage, so no stage returns vectors for the
/// orchestrator to concatenate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trail {
    pub repairs: Vec<Repair>,
    pub findings: Vec<Finding>,
}

/// A point in a [`Trail`] to go back to ([`Trail::rollback`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrailMark {
    repairs: usize,
    findings: usize,
}

impl Trail {
    /// A trail that starts with the repairs and findings made while reading the input.
    pub fn new(repairs: Vec<Repair>, findings: Vec<Finding>) -> Self {
        Trail { repairs, findings }
    }

    pub fn repair(&mut self, r: Repair) {
        self.repairs.push(r);
    }

    pub fn finding(&mut self, f: Finding) {
        self.findings.push(f);
    }

    /// The current end of both lists.
    pub fn mark(&self) -> TrailMark {
        TrailMark {
            repairs: self.repairs.len(),
            findings: self.findings.len(),
        }
    }

    /// Drops what was pushed since `mark`: the work of a reading that was then
    /// given up (a template's tables that hold no number are not a report).
    pub fn rollback(&mut self, mark: TrailMark) {
        self.repairs.truncate(mark.repairs);
        self.findings.truncate(mark.findings);
    }
}

/// Everything extracted from one input file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// Input path relative to the input root, with `/` separators.
    pub id: String,
    /// `pdf` or `text:<encoding>`; empty when the file could not be read at all.
    pub source: String,
    /// `f2019`, `f2021` or `unknown`.
    pub format: String,
    pub agency: String,
    pub year: Option<i32>,
    /// `YYYY-MM-DD`.
    pub published: Option<String>,
    pub pages: usize,
    pub status: Status,
    pub error: String,
    pub cells: Vec<Cell>,
    pub headings: Vec<Heading>,
    pub repairs: Vec<Repair>,
    pub findings: Vec<Finding>,
}

impl Report {
    /// A report for a file that could not be read; `reason` is one line.
    pub fn failed(id: &str, source: &str, reason: impl Into<String>) -> Self {
        let mut r = Report::empty(id);
        r.source = source.to_string();
        r.status = Status::Error;
        r.error = reason.into().replace(['\n', '\r'], " ");
        r
    }

    pub fn empty(id: &str) -> Self {
        Report {
            id: id.to_string(),
            source: String::new(),
            format: "unknown".to_string(),
            agency: String::new(),
            year: None,
            published: None,
            pages: 0,
            status: Status::Ok,
            error: String::new(),
            cells: Vec::new(),
            headings: Vec::new(),
            repairs: Vec::new(),
            findings: Vec::new(),
        }
    }
}
