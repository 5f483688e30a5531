//! Template grammars: the two official templates (and any later year) as data.
//!
//! `grammars/*.toml` are embedded at build time so the binary is self-contained;
//! [`Grammars::load_dir`] reads a directory instead, so a new template year is a
//! data change. `common.toml` holds what every year shares (table anchors, blank
//! tokens, prose figures, page furniture).

pub mod identity;
pub mod labels;

pub use identity::{Apply, Expr, Status};

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum GrammarError {
    #[error("grammar {file}: {msg}")]
    Invalid { file: String, msg: String },
    #[error("reading grammar directory {0}: {1}")]
    Io(String, String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The circular that issued the template (documentation only).
    #[serde(default)]
    pub issued_by: String,
    /// When it was issued (documentation only).
    #[serde(default)]
    pub issued_date: String,
    /// Report years the template was meant for (documentation only: detection is
    /// by `detect_markers`, since offices keep using an old template).
    #[serde(default)]
    pub report_years: Vec<i32>,
    /// First report year of the template (documentation only, as `report_years`).
    #[serde(default)]
    pub report_years_from: Option<i32>,
    #[serde(default)]
    pub detect_markers: Vec<String>,
    #[serde(default)]
    pub sections: Vec<Section>,
    pub tables: Tables,
    #[serde(default)]
    pub identities: Vec<Identity>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub number: u32,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// A remark for readers of the grammar.
    #[serde(default)]
    pub note: String,
}

/// The three tables, one of each shape. A table's id (the `table` column of
/// `cells.csv`) is its key under `[tables.*]` in the grammar file; stages read it
/// from [`Tables::ids`] or the table's `id`, and dispatch on [`Shape`], never on
/// an id written in code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    pub active_disclosure: BlockTable,
    pub applications: GridTable,
    pub review_litigation: RowTable,
}

/// How a table is laid out, which decides how it is found, parsed and mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Captioned blocks of labelled rows, each block with its own columns (table 2).
    Blocks,
    /// Rows × the same columns, with group rows (table 3).
    Grid,
    /// One data row of grouped columns (table 4).
    SingleRow,
}

/// The keys of `[tables.*]`: serde's field names of [`Tables`], set as each
/// table's `id` when a grammar is loaded.
const TABLE_KEYS: [&str; 3] = ["active_disclosure", "applications", "review_litigation"];

impl Tables {
    /// Each table's id and shape, in document order.
    pub fn ids(&self) -> [(&str, Shape); 3] {
        [
            (&self.active_disclosure.id, Shape::Blocks),
            (&self.applications.id, Shape::Grid),
            (&self.review_litigation.id, Shape::SingleRow),
        ]
    }

    /// The shape of table `id`; `None` for an id that is not a table of this template.
    pub fn shape_of(&self, id: &str) -> Option<Shape> {
        self.ids()
            .into_iter()
            .find(|(t, _)| *t == id)
            .map(|(_, s)| s)
    }

    /// Sets each table's id from its key (see [`TABLE_KEYS`]).
    fn set_ids(&mut self) {
        let [a, g, r] = TABLE_KEYS;
        self.active_disclosure.id = a.to_string();
        self.applications.id = g.to_string();
        self.review_litigation.id = r.to_string();
    }
}

/// Table 2: captioned blocks, each with its own columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockTable {
    /// The table's id: its key in the grammar file (set at load).
    #[serde(skip)]
    pub id: String,
    /// The outline section the table sits in (documentation only: tables are found
    /// by their captions, never by section numbers).
    #[serde(default)]
    pub section: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Block {
    pub id: String,
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// How many grid cells one value spans in the official layout (documentation only).
    #[serde(default)]
    pub value_cell_colspan: Option<u32>,
    /// Other words some reports use for a row of this block (documentation only).
    #[serde(default)]
    pub extra_row_aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub group: String,
    /// The column group (header above the column), when it has one.
    #[serde(default)]
    pub parent: String,
    /// A remark for readers of the grammar.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default = "one")]
    pub level: u8,
    #[serde(default = "data_kind")]
    pub kind: String,
    #[serde(default)]
    pub parent: String,
}

fn one() -> u8 {
    1
}
fn data_kind() -> String {
    "data".to_string()
}

impl Row {
    pub fn is_data(&self) -> bool {
        self.kind == "data"
    }
}

/// Table 3: rows × applicant columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridTable {
    /// The table's id: its key in the grammar file (set at load).
    #[serde(skip)]
    pub id: String,
    /// See [`BlockTable::section`].
    #[serde(default)]
    pub section: String,
    /// The printed note in the table's top-left cell (documentation only).
    #[serde(default)]
    pub corner_note: String,
    /// The header above the applicant columns (documentation only).
    #[serde(default)]
    pub column_group_label: String,
    #[serde(default)]
    pub column_groups: Vec<ColumnGroup>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Columns some reports add (法人或其他组织小计); not in the template.
    #[serde(default)]
    pub optional_columns: Vec<Column>,
}

/// Table 4: one data row of grouped columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowTable {
    /// The table's id: its key in the grammar file (set at load).
    #[serde(skip)]
    pub id: String,
    /// See [`BlockTable::section`].
    #[serde(default)]
    pub section: String,
    /// The id of the table's one data row (the `row` column of its cells).
    pub row: String,
    pub columns: Vec<Column>,
    #[serde(default)]
    pub column_groups: Vec<ColumnGroup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnGroup {
    pub id: String,
    pub label: String,
    /// An enclosing group (documentation only: none is nested today).
    #[serde(default)]
    pub parent: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    pub id: String,
    pub table: String,
    pub apply: Apply,
    /// The operands of the left side, as in `../shared/spec` (optional; when given
    /// they must agree with `expr`, which is what is evaluated).
    #[serde(default)]
    pub lhs: Vec<String>,
    /// The operands of the right side (see `lhs`).
    #[serde(default)]
    pub rhs: Vec<String>,
    /// The identity itself; see [`identity`] for the language.
    pub expr: String,
    pub status: Status,
    /// For table 2: the block whose rows the identity holds in.
    #[serde(default)]
    pub block: String,
    /// `"all"`: the identity holds in every column (the only choice; documentation).
    #[serde(default)]
    pub columns: Option<String>,
    /// `expr` parsed and checked against the template at load.
    #[serde(skip)]
    pub parsed: Expr,
}

/// `common.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Common {
    pub min_marker_hits: usize,
    pub cells: CellTokens,
    pub tables: BTreeMap<String, Vec<TableAnchor>>,
    #[serde(default)]
    pub prose: Vec<ProseRule>,
    pub furniture: Furniture,
    pub title: TitleRules,
    #[serde(default)]
    pub body_meta: BodyMeta,
    #[serde(default)]
    pub workbook: WorkbookNames,
}

/// The names the Excel workbook (`--xlsx`) shows (`[workbook]` in `common.toml`):
/// presentation words, kept with the grammar so code holds none and a workbook
/// in another language is a data change.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkbookNames {
    /// The sheet copying `reports.csv`.
    pub reports_sheet: String,
    /// The sheet copying `findings.csv`.
    pub findings_sheet: String,
    /// Sheet name per table id; a table not named here gets its id.
    #[serde(default)]
    pub tables: BTreeMap<String, String>,
    /// Label over a leading column of the table sheets (`report`, `agency`,
    /// `year`, `format`); a column not named here shows its own name.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl Default for WorkbookNames {
    fn default() -> Self {
        WorkbookNames {
            reports_sheet: "reports".into(),
            findings_sheet: "findings".into(),
            tables: BTreeMap::new(),
            labels: BTreeMap::new(),
        }
    }
}

impl WorkbookNames {
    /// The sheet name of table `id`.
    pub fn table_sheet<'a>(&'a self, id: &'a str) -> &'a str {
        self.tables.get(id).map_or(id, String::as_str)
    }

    /// Excel's rules for sheet names (1–31 characters, none of `[]:*?/\`,
    /// unique ignoring case), checked at load so a bad name is a grammar error
    /// with its line, not a failed workbook after a long run.
    fn check(&self) -> Result<(), Problem> {
        for id in self.tables.keys() {
            if !TABLE_KEYS.contains(&id.as_str()) {
                return Err((
                    "workbook tables".into(),
                    "[workbook]".into(),
                    format!("`{id}` is not a table (one of {})", TABLE_KEYS.join(", ")),
                ));
            }
        }
        let problem = |msg: String| ("workbook sheet".into(), "[workbook]".into(), msg);
        let mut seen: Vec<String> = Vec::new();
        let tables = TABLE_KEYS.iter().map(|id| self.table_sheet(id));
        for name in [self.reports_sheet.as_str(), self.findings_sheet.as_str()]
            .into_iter()
            .chain(tables)
        {
            let chars = name.chars().count();
            if chars == 0 || chars > MAX_SHEET_NAME_CHARS {
                return Err(problem(format!(
                    "`{name}`: a sheet name has 1 to {MAX_SHEET_NAME_CHARS} characters"
                )));
            }
            if let Some(c) = name.chars().find(|c| "[]:*?/\\".contains(*c)) {
                return Err(problem(format!("`{name}`: a sheet name cannot hold `{c}`")));
            }
            let folded = name.to_lowercase();
            if seen.contains(&folded) {
                return Err(problem(format!("`{name}`: two sheets have this name")));
            }
            seen.push(folded);
        }
        Ok(())
    }
}

/// Excel's limit on the length of a sheet name.
const MAX_SHEET_NAME_CHARS: usize = 31;

/// Where agency and year stand in the body when the title is missing or cut
/// (`[body_meta]` in `common.toml`). Patterns are matched against lines with
/// spaces removed; named groups `agency` and `year`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyMeta {
    /// A title cut short by a crawler (某局2021年度报...), among the first lines.
    #[serde(default)]
    pub cut_title: Vec<String>,
    /// The opening paragraph (根据…，现公布某局2020年度…报告; 本报告由某局编制).
    #[serde(default)]
    pub opening: Vec<String>,
    /// The signature, among the last lines (a line that is only an agency's name).
    #[serde(default)]
    pub signature: Vec<String>,
    /// An agency candidate holding one of these characters is prose, not a name.
    #[serde(default)]
    pub not_agency_chars: String,
    /// Longest plausible agency name, in characters: `[title] max_agency_chars`,
    /// copied here at load so the title and the body use one limit.
    #[serde(skip)]
    pub max_agency_chars: usize,
}

/// How a report's title reads and what around it is not the agency (`[title]` in
/// `common.toml`): genre knowledge, the same for every template year.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleRules {
    /// The title, matched against a line (or two joined) with spaces removed and
    /// Chinese-numeral years in digits. Named groups: `year` or `year2` (required),
    /// `pre` and `mid` (where the agency may stand).
    pub pattern: String,
    /// Removed from the start of an agency candidate (关于2020年…).
    #[serde(default)]
    pub agency_prefixes: Vec<String>,
    /// Removed from its end, first match wins (某局关于印发…的通知).
    #[serde(default)]
    pub agency_suffixes: Vec<String>,
    /// A web page's breadcrumb trail (首页 > 政务公开 > 某局): the agency is
    /// after the last separator.
    #[serde(default)]
    pub breadcrumb_separators: Vec<char>,
    /// A candidate containing one of these is page chrome, not an agency.
    #[serde(default)]
    pub not_agency_words: Vec<String>,
    /// Labels of publication-date metadata at the top of saved web pages.
    #[serde(default)]
    pub date_labels: Vec<String>,
    /// Words that name the report in its title (年度报告): a web page's text
    /// holding one, before the first section heading, is the report's title.
    #[serde(default)]
    pub report_words: Vec<String>,
    /// Longest plausible agency name, in characters, wherever it is read (title,
    /// opening paragraph, signature); 0 for no limit. Longer is a sentence or
    /// page chrome.
    #[serde(default)]
    pub max_agency_chars: usize,
    /// `pattern`, compiled at load ([`Regexes::Compile`]) or at first use.
    #[serde(skip)]
    compiled: std::sync::OnceLock<regex::Regex>,
}

impl TitleRules {
    /// The compiled title pattern. A load that only checked it
    /// ([`Regexes::Check`]) compiles it here, once; its syntax was checked then,
    /// so only the compiler's size limit could refuse it, and then no line is a
    /// title (a process that extracts compiled it at load, where that is an error).
    pub fn regex(&self) -> &regex::Regex {
        self.compiled.get_or_init(|| {
            regex::Regex::new(&self.pattern)
                .unwrap_or_else(|_| regex::Regex::new(r"[^\s\S]").expect("static regex"))
        })
    }

    /// Whether `text` (one line, or two joined) reads as a report title
    /// (某局2020年政府信息公开工作年度报告).
    pub fn matches(&self, text: &str) -> bool {
        let flat: String = crate::text::arabic_dates(&crate::text::normalize(text))
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        self.regex().is_match(&flat)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellTokens {
    pub empty_tokens: Vec<String>,
    pub units: Vec<String>,
    /// In glued web text (no cell separators), a number followed — after its
    /// unit, if any — by one of these characters is part of a sentence (`2019年`,
    /// `1000余条`, `3个月`, `50%`), not a table value.
    pub text_after_number: Vec<char>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableAnchor {
    pub start: Vec<String>,
    #[serde(default)]
    pub confirm: Vec<String>,
    #[serde(default = "default_window")]
    pub window: usize,
}

fn default_window() -> usize {
    200
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProseRule {
    pub id: String,
    /// Readings of the figure: `table.row.column` keys, or sums of them joined by `+`.
    pub cells: Vec<String>,
    pub patterns: Vec<String>,
    /// `cells` parsed at load: each reading is the sum of one or more cells (one
    /// cell: the figure restates it; several: it may be their sum).
    #[serde(skip)]
    pub readings: Vec<Vec<CellKey>>,
}

/// One cell named in a grammar: `table.row.column`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellKey {
    pub table: String,
    pub row: String,
    pub column: String,
}

impl CellKey {
    /// Parses `table.row.column` (surrounding spaces ignored); `None` unless it
    /// has exactly three non-empty parts.
    pub fn parse(key: &str) -> Option<Self> {
        let parts: Vec<&str> = key.trim().split('.').collect();
        match parts.as_slice() {
            [t, r, c] if !t.is_empty() && !r.is_empty() && !c.is_empty() => Some(CellKey {
                table: t.to_string(),
                row: r.to_string(),
                column: c.to_string(),
            }),
            _ => None,
        }
    }
}

impl std::fmt::Display for CellKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.table, self.row, self.column)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Furniture {
    pub page_number: Vec<String>,
}

/// Every template known to this run plus the shared knowledge.
#[derive(Debug, Clone)]
pub struct Grammars {
    pub formats: Vec<Format>,
    pub common: Common,
}

// `EMBEDDED` (the template grammars), `EMBEDDED_COMMON` and `EMBEDDED_JSON`,
// written by `build.rs` from every `grammars/*.toml`: a new template year is a new
// file there, embedded by the next build.
//
// The JSON is each file converted from its TOML at build time (empty if a file did
// not parse there: it is then read from its TOML, which reports the error). Reading
// JSON is several times cheaper than TOML, and every process reads the grammars at
// its start (`extract` starts two); the result is the same structs
// (`embedded_json_reads_as_the_toml`).
include!(concat!(env!("OUT_DIR"), "/grammars/embedded.rs"));

/// What loading does with the grammars' regexes (prose figures, page furniture,
/// the title, body metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regexes {
    /// Parsed and compiled (into the process-wide cache the stages read them
    /// from), so any pattern the regex compiler refuses is an error at load: a
    /// process that extracts.
    Compile,
    /// Only parsed (syntax, the title's named groups), which finds every error
    /// but the compiler's size limit at a hundredth of the cost: a process that
    /// never matches them (the parent of worker processes only writes CSV).
    /// Compiling them was most of that process's start-up; each worker compiles
    /// them at its own load, where an oversized pattern still stops the run.
    Check,
}

impl Grammars {
    /// The grammars compiled into the binary.
    pub fn embedded() -> Result<Self, GrammarError> {
        Self::load(None, Regexes::Compile)
    }

    /// Every `*.toml` in `dir`; `common.toml` is required there.
    pub fn load_dir(dir: &Path) -> Result<Self, GrammarError> {
        Self::load(Some(dir), Regexes::Compile)
    }

    /// The grammars of `dir` (`None`: the built-in ones), with their regexes
    /// compiled or only checked.
    pub fn load(dir: Option<&Path>, regexes: Regexes) -> Result<Self, GrammarError> {
        match dir {
            Some(d) => Self::read_dir(d, regexes),
            None => {
                let files = EMBEDDED
                    .iter()
                    .map(|(n, t)| (n.to_string(), t.to_string()))
                    .collect();
                Self::from_sources(
                    files,
                    ("common.toml".into(), EMBEDDED_COMMON.into()),
                    regexes,
                    EMBEDDED_JSON,
                )
            }
        }
    }

    fn read_dir(dir: &Path, regexes: Regexes) -> Result<Self, GrammarError> {
        let io = |e: std::io::Error| GrammarError::Io(dir.display().to_string(), e.to_string());
        let mut files = Vec::new();
        let mut common = None;
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        entries.sort();
        for p in entries {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let text = std::fs::read_to_string(&p).map_err(io)?;
            let shown = p.display().to_string();
            if name == "common.toml" {
                common = Some((shown, text));
            } else {
                files.push((shown, text));
            }
        }
        let common = common.ok_or_else(|| GrammarError::Invalid {
            file: dir.join("common.toml").display().to_string(),
            msg: "missing".into(),
        })?;
        Self::from_sources(files, common, regexes, &[])
    }

    /// Reads and validates grammar sources `(name, TOML text)`; `json` holds a
    /// JSON form of some of them by name, read instead of their TOML.
    fn from_sources(
        files: Vec<(String, String)>,
        common: (String, String),
        regexes: Regexes,
        json: &[(&str, &str)],
    ) -> Result<Self, GrammarError> {
        fn parse<T: serde::de::DeserializeOwned>(
            name: &str,
            text: &str,
            json: &[(&str, &str)],
        ) -> Result<T, GrammarError> {
            let converted = json.iter().find(|(n, j)| *n == name && !j.is_empty());
            if let Some(Ok(t)) = converted.map(|(_, j)| serde_json::from_str(j)) {
                return Ok(t);
            }
            toml::from_str(text).map_err(|e| GrammarError::Invalid {
                file: name.to_string(),
                msg: e.to_string(),
            })
        }
        let mut formats = Vec::new();
        for (name, text) in &files {
            let mut f: Format = parse(name, text, json)?;
            validate_format(&mut f).map_err(|(key, anchor, msg)| GrammarError::Invalid {
                file: name.clone(),
                msg: format!("line {}, {key}: {msg}", line_of(text, &anchor)),
            })?;
            if formats.iter().any(|g: &Format| g.id == f.id) {
                return Err(GrammarError::Invalid {
                    file: name.clone(),
                    msg: format!("template id `{}` is defined twice", f.id),
                });
            }
            formats.push(f);
        }
        formats.sort_by(|a, b| a.id.cmp(&b.id));
        let mut c: Common = parse(&common.0, &common.1, json)?;
        validate_common(&mut c, regexes).map_err(|(key, anchor, msg)| GrammarError::Invalid {
            file: common.0.clone(),
            msg: format!("line {}, {key}: {msg}", line_of(&common.1, &anchor)),
        })?;
        Ok(Grammars { formats, common: c })
    }

    /// Picks the template whose markers occur most often (at least `min` of them).
    pub fn detect(&self, lines: &[crate::model::Line]) -> Option<&Format> {
        // The whole document's compact form, in one buffer (a marker may
        // span lines).
        let mut text = String::with_capacity(lines.iter().map(|l| l.text.len()).sum());
        for l in lines {
            crate::text::compact_into(&mut text, &l.text);
        }
        let mut best: Option<(&Format, usize)> = None;
        for f in &self.formats {
            let hits = f
                .detect_markers
                .iter()
                .filter(|m| {
                    memchr::memmem::find(text.as_bytes(), crate::text::compact(m).as_bytes())
                        .is_some()
                })
                .count();
            if hits >= self.common.min_marker_hits && best.is_none_or(|(_, b)| hits > b) {
                best = Some((f, hits));
            }
        }
        best.map(|(f, _)| f)
    }

    pub fn format(&self, id: &str) -> Option<&Format> {
        self.formats.iter().find(|f| f.id == id)
    }

    /// Every canonical key `table.row.column` of every format, in template order,
    /// without duplicates: the columns of `wide.csv`.
    pub fn wide_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for f in &self.formats {
            for k in f.cell_keys() {
                if seen.insert(k.clone()) {
                    keys.push(k);
                }
            }
        }
        keys
    }
}

/// A validation failure: the key path, a text to find its line by, and the message.
type Problem = (String, String, String);

/// The 1-based line of the first occurrence of `anchor` in `text` (0 if absent).
fn line_of(text: &str, anchor: &str) -> usize {
    text.find(anchor)
        .map_or(0, |at| text[..at].matches('\n').count() + 1)
}

/// The cell value kinds a column may declare (`map` uses them to choose among
/// glued-digit readings of table 2).
const VALUE_KINDS: &[&str] = &["", "int", "signed_int", "money"];
/// The row kinds: rows that carry numbers and group headings.
const ROW_KINDS: &[&str] = &["data", "group"];

/// Checks what serde cannot: enumerated strings, and each identity's `expr`
/// (compiled into [`Identity::parsed`]).
fn validate_format(f: &mut Format) -> Result<(), Problem> {
    f.tables.set_ids();
    let columns = f
        .tables
        .active_disclosure
        .blocks
        .iter()
        .flat_map(|b| &b.columns)
        .chain(&f.tables.applications.columns)
        .chain(&f.tables.applications.optional_columns)
        .chain(&f.tables.review_litigation.columns);
    for c in columns {
        if !VALUE_KINDS.contains(&c.value.as_str()) {
            return Err((
                format!("column `{}` value", c.id),
                format!("\"{}\"", c.value),
                format!("`{}` is not one of {VALUE_KINDS:?}", c.value),
            ));
        }
    }
    let rows = f
        .tables
        .active_disclosure
        .blocks
        .iter()
        .flat_map(|b| &b.rows)
        .chain(&f.tables.applications.rows);
    for r in rows {
        if !ROW_KINDS.contains(&r.kind.as_str()) {
            return Err((
                format!("row `{}` kind", r.id),
                format!("\"{}\"", r.id),
                format!("`{}` is not one of {ROW_KINDS:?}", r.kind),
            ));
        }
    }
    let mut parsed = Vec::new();
    for id in &f.identities {
        let problem = |msg: String| {
            (
                format!("identity `{}` expr", id.id),
                format!("\"{}\"", id.expr),
                msg,
            )
        };
        if id.columns.as_deref().is_some_and(|c| c != "all") {
            return Err(problem("`columns` can only be \"all\"".into()));
        }
        parsed.push(identity::compile(f, id).map_err(problem)?);
    }
    for (id, p) in f.identities.iter_mut().zip(parsed) {
        id.parsed = p;
    }
    Ok(())
}

/// Checks every regex of `common.toml` (compiling it, with [`Regexes::Compile`],
/// into the caches of [`crate::text`], where the stages find them), so an
/// invalid pattern is an error at load rather than a rule silently skipped.
fn validate_common(c: &mut Common, regexes: Regexes) -> Result<(), Problem> {
    c.workbook.check()?;
    c.body_meta.max_agency_chars = c.title.max_agency_chars;
    for rule in &mut c.prose {
        rule.readings = rule
            .cells
            .iter()
            .map(|expr| {
                expr.split('+')
                    .map(CellKey::parse)
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| {
                        (
                            format!("prose `{}` cells", rule.id),
                            format!("\"{expr}\""),
                            format!("`{expr}` is not `table.row.column` keys joined by `+`"),
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
    }
    let title = &mut c.title;
    let title_problem = |msg: String| ("title pattern".into(), "[title]".into(), msg);
    let names = capture_names(&title.pattern).map_err(title_problem)?;
    if !names.iter().any(|n| n == "year" || n == "year2") {
        return Err(title_problem(
            "needs a named group `year` or `year2`".into(),
        ));
    }
    if regexes == Regexes::Compile {
        let re = regex::Regex::new(&title.pattern).map_err(|e| title_problem(e.to_string()))?;
        title.compiled = re.into();
    }
    let prose = c.prose.iter().flat_map(|p| {
        p.patterns
            .iter()
            .map(move |x| (format!("prose `{}` patterns", p.id), x))
    });
    let furniture = c
        .furniture
        .page_number
        .iter()
        .map(|x| ("furniture page_number".to_string(), x));
    let located = |key: String, pat: &str, e: String| {
        let first = pat.lines().next().unwrap_or("").to_string();
        (key, first, e)
    };
    if regexes == Regexes::Check {
        // Each pattern parsed: its own syntax error, with its key and line.
        for (key, pat) in prose.chain(furniture) {
            capture_names(pat).map_err(|e| located(key, pat, e))?;
        }
        return Ok(());
    }
    // Compiled where the stages read them, each list as the one set its stage
    // scans the lines with: the prose patterns (map and check; a rule's own
    // regex is compiled when a line needs its captures), the furniture
    // patterns (clean). A pattern that does not compile is named with its key
    // and line, and its syntax error is the one parsing gives (not parsed
    // first as well: that was a tenth of a worker's grammar load).
    compile_set(prose, ("prose patterns", "[[prose]]"), &located)?;
    compile_set(
        furniture,
        ("furniture page_number", "[furniture]"),
        &located,
    )
}

/// Compiles `patterns` (each with its grammar key) as one cached
/// [`crate::text::LineSet`]; when the set is refused (the compiler's size limit),
/// names the pattern refused alone, if one is.
fn compile_set<'a>(
    patterns: impl Iterator<Item = (String, &'a String)> + Clone,
    (key, place): (&str, &str),
    located: &impl Fn(String, &str, String) -> Problem,
) -> Result<(), Problem> {
    let all: Vec<&str> = patterns.clone().map(|(_, p)| p.as_str()).collect();
    if let Err(e) = crate::text::cached_regex_set(&all) {
        for (key, pat) in patterns {
            crate::text::compile_regex(pat).map_err(|e| located(key, pat, e.to_string()))?;
        }
        return Err((key.into(), place.into(), e.to_string()));
    }
    Ok(())
}

/// The named groups of `pattern`, or its syntax error, read by the regex
/// crate's own parser (the same syntax options as `regex::Regex::new`) without
/// compiling it.
fn capture_names(pattern: &str) -> Result<Vec<String>, String> {
    fn walk(h: &regex_syntax::hir::Hir, out: &mut Vec<String>) {
        use regex_syntax::hir::HirKind;
        match h.kind() {
            HirKind::Capture(c) => {
                if let Some(n) = &c.name {
                    out.push(n.to_string());
                }
                walk(&c.sub, out);
            }
            HirKind::Repetition(r) => walk(&r.sub, out),
            HirKind::Concat(hs) | HirKind::Alternation(hs) => {
                hs.iter().for_each(|h| walk(h, out));
            }
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
        }
    }
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .map_err(|e| e.to_string())?;
    let mut names = Vec::new();
    walk(&hir, &mut names);
    Ok(names)
}

impl Format {
    /// A table named by its section heading in the template (the id when the
    /// template has no such section).
    pub fn section_label<'a>(&'a self, table: &'a str) -> &'a str {
        self.sections
            .iter()
            .find(|s| s.id == table)
            .map_or(table, |s| s.label.as_str())
    }

    /// Every row of a table (table 2: of all its blocks), template order.
    pub fn rows(&self, table: &str) -> Box<dyn Iterator<Item = &Row> + '_> {
        let t = &self.tables;
        match t.shape_of(table) {
            Some(Shape::Blocks) => {
                Box::new(t.active_disclosure.blocks.iter().flat_map(|b| &b.rows))
            }
            Some(Shape::Grid) => Box::new(t.applications.rows.iter()),
            Some(Shape::SingleRow) | None => Box::new(std::iter::empty()),
        }
    }

    /// Every column of a table (table 2: of all its blocks; table 3 with its
    /// optional columns), template order.
    pub fn columns(&self, table: &str) -> Box<dyn Iterator<Item = &Column> + '_> {
        let t = &self.tables;
        match t.shape_of(table) {
            Some(Shape::Blocks) => {
                Box::new(t.active_disclosure.blocks.iter().flat_map(|b| &b.columns))
            }
            Some(Shape::Grid) => Box::new(
                t.applications
                    .columns
                    .iter()
                    .chain(&t.applications.optional_columns),
            ),
            Some(Shape::SingleRow) => Box::new(t.review_litigation.columns.iter()),
            None => Box::new(std::iter::empty()),
        }
    }

    /// Ids of the rows of table 2's block `block`, in template order.
    pub fn block_row_ids(&self, block: &str) -> Vec<&str> {
        self.tables
            .active_disclosure
            .blocks
            .iter()
            .filter(|b| b.id == block)
            .flat_map(|b| b.rows.iter().filter(|r| r.is_data()).map(|r| r.id.as_str()))
            .collect()
    }

    /// Column ids of a table with one set of columns (table 3, table 4).
    pub fn column_ids(&self, table: &str) -> Vec<&str> {
        let cols = match self.tables.shape_of(table) {
            Some(Shape::Grid) => &self.tables.applications.columns,
            Some(Shape::SingleRow) => &self.tables.review_litigation.columns,
            Some(Shape::Blocks) | None => return Vec::new(),
        };
        cols.iter().map(|c| c.id.as_str()).collect()
    }

    /// Ids of the rows that carry numbers, in template order (table 4's one row
    /// is its `row`).
    pub fn data_row_ids(&self, table: &str) -> Vec<&str> {
        let t = &self.tables;
        match t.shape_of(table) {
            Some(Shape::Blocks) => t
                .active_disclosure
                .blocks
                .iter()
                .flat_map(|b| b.rows.iter().map(|r| r.id.as_str()))
                .collect(),
            Some(Shape::Grid) => t
                .applications
                .rows
                .iter()
                .filter(|r| r.is_data())
                .map(|r| r.id.as_str())
                .collect(),
            Some(Shape::SingleRow) => vec![t.review_litigation.row.as_str()],
            None => Vec::new(),
        }
    }

    /// Every cell of this template as (table, row, column) ids, in the order of
    /// `cells.csv`: group rows (a report may print a subtotal on （三）不予公开 or
    /// print （六）其他处理 as one row) and optional columns (法人或其他组织小计)
    /// in their places.
    pub fn cell_ids(&self) -> Vec<(&str, &str, &str)> {
        let t = &self.tables;
        let mut out = Vec::new();
        let blocks = &t.active_disclosure;
        for b in &blocks.blocks {
            for r in &b.rows {
                for c in &b.columns {
                    out.push((blocks.id.as_str(), r.id.as_str(), c.id.as_str()));
                }
            }
        }
        let t3 = &t.applications;
        for r in &t3.rows {
            for c in t3.columns.iter().chain(&t3.optional_columns) {
                out.push((t3.id.as_str(), r.id.as_str(), c.id.as_str()));
            }
        }
        let t4 = &t.review_litigation;
        for c in &t4.columns {
            out.push((t4.id.as_str(), t4.row.as_str(), c.id.as_str()));
        }
        out
    }

    /// All cell keys of this template in table, row, column order.
    pub fn cell_keys(&self) -> Vec<String> {
        self.cell_ids()
            .into_iter()
            .map(|(t, r, c)| format!("{t}.{r}.{c}"))
            .collect()
    }

    /// Human header for a key, from the template's labels (`行政许可/本年增/减`).
    pub fn key_label(&self, table: &str, row: &str, column: &str) -> Option<String> {
        match self.tables.shape_of(table)? {
            Shape::Blocks => self.tables.active_disclosure.blocks.iter().find_map(|b| {
                let r = b.rows.iter().find(|r| r.id == row)?;
                let c = b.columns.iter().find(|c| c.id == column)?;
                Some(format!("{}/{}", r.label, c.label))
            }),
            Shape::Grid => {
                let t = &self.tables.applications;
                let r = t.rows.iter().find(|r| r.id == row)?;
                let c = t
                    .columns
                    .iter()
                    .chain(&t.optional_columns)
                    .find(|c| c.id == column)?;
                Some(format!("{}/{}", r.label, c.label))
            }
            Shape::SingleRow => {
                let t = &self.tables.review_litigation;
                let c = t.columns.iter().find(|c| c.id == column)?;
                let g = t
                    .column_groups
                    .iter()
                    .find(|g| g.id == c.group)
                    .map(|g| g.label.as_str())
                    .unwrap_or("");
                Some(format!("{}/{}", g, c.label))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sets the stages scan lines with (furniture, prose) answer as the
    /// `RegexSet`s of the embedded grammar's patterns.
    #[test]
    fn pattern_sets_answer_as_regex_sets() {
        let g = Grammars::embedded().unwrap();
        let prose: Vec<&str> = g
            .common
            .prose
            .iter()
            .flat_map(|r| &r.patterns)
            .map(String::as_str)
            .collect();
        let furniture: Vec<&str> = g
            .common
            .furniture
            .page_number
            .iter()
            .map(String::as_str)
            .collect();
        // Every line of the bundled text reports, as read and as clean and
        // prose see it (normalised, compacted): crawled lines of a whole table
        // included.
        let mut lines = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "txt" || x == "md") {
                    let Ok(text) = std::fs::read_to_string(&p) else {
                        continue;
                    };
                    for l in text.lines() {
                        lines.push(l.to_string());
                        lines.push(crate::text::normalized(l).into_owned());
                        lines.push(crate::text::compact(l));
                    }
                }
            }
        }
        assert!(lines.len() > 1000, "{}", lines.len());
        for pats in [prose, furniture] {
            let set = crate::text::cached_regex_set(&pats).unwrap();
            crate::text::tests::assert_set_agrees(set, &pats);
            crate::text::tests::assert_set_agrees_on(set, &pats, &lines);
        }
    }

    #[test]
    fn embedded_grammars_load() {
        let g = Grammars::embedded().unwrap();
        assert_eq!(g.formats.len(), 2);
        let f19 = g.format("f2019").unwrap();
        let f21 = g.format("f2021").unwrap();
        assert_eq!(
            f19.tables
                .applications
                .rows
                .iter()
                .filter(|r| r.is_data())
                .count(),
            23
        );
        assert_eq!(
            f21.tables
                .applications
                .rows
                .iter()
                .filter(|r| r.is_data())
                .count(),
            25
        );
        assert_eq!(f19.tables.review_litigation.columns.len(), 15);
        // 2019: 24 table-2 cells, 23 data rows and 3 group rows of 7 (+1 optional
        // subtotal) columns in table 3, 15 table-4 cells.
        let groups = f19.tables.applications.rows.len() - 23;
        let t3_cols = 7 + f19.tables.applications.optional_columns.len();
        assert_eq!(
            f19.cell_keys().len(),
            2 * 3 + 2 * 3 + 2 * 3 + 2 + 2 + (23 + groups) * t3_cols + 15
        );
        assert!(f19
            .cell_keys()
            .contains(&"applications.denied.natural_person".to_string()));
        let wide = g.wide_keys();
        assert!(wide.contains(&"active_disclosure.regulations.issued".to_string()));
        assert!(wide.contains(&"active_disclosure.regulations.new_made".to_string()));
    }

    /// Loads the embedded grammars with `edit` applied to `file`'s text; the error.
    fn broken(file: &str, edit: impl Fn(&str) -> String) -> String {
        let mut files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut common = ("common.toml".to_string(), EMBEDDED_COMMON.to_string());
        if file == "common.toml" {
            common.1 = edit(&common.1);
        } else {
            let f = files.iter_mut().find(|(n, _)| n == file).unwrap();
            f.1 = edit(&f.1);
        }
        let load =
            |regexes| match Grammars::from_sources(files.clone(), common.clone(), regexes, &[]) {
                Ok(_) => panic!("{file}: the broken grammar was accepted ({regexes:?})"),
                Err(e) => e.to_string(),
            };
        // Checking without compiling finds the same error, in the same words.
        let e = load(Regexes::Compile);
        assert_eq!(load(Regexes::Check), e);
        e
    }

    #[test]
    fn only_compiling_finds_an_oversized_pattern() {
        let common = EMBEDDED_COMMON.replacen("上年结转(?:", "(?:\\w{400}){400}上年结转(?:", 1);
        let files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let load = |regexes| {
            Grammars::from_sources(
                files.clone(),
                ("common.toml".into(), common.clone()),
                regexes,
                &[],
            )
        };
        let e = load(Regexes::Compile).expect_err("refused").to_string();
        assert!(
            e.contains("carried_over_total") && e.contains("size limit"),
            "{e}"
        );
        assert!(load(Regexes::Check).is_ok());
    }

    #[test]
    fn a_checked_title_compiles_at_first_use() {
        let g = Grammars::load(None, Regexes::Check).unwrap();
        assert!(g.common.title.compiled.get().is_none());
        assert!(g.common.title.matches("某局2020年政府信息公开工作年度报告"));
        assert!(!g.common.title.matches("某局工作总结"));
    }

    fn line_with(file: &str, needle: &str) -> usize {
        let text = if file == "common.toml" {
            EMBEDDED_COMMON
        } else {
            EMBEDDED.iter().find(|(n, _)| *n == file).unwrap().1
        };
        line_of(text, needle)
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let e = broken("f2019.toml", |t| {
            t.replacen(
                "status = \"implied\"",
                "status = \"implied\"\nstatuss = 1",
                1,
            )
        });
        assert!(e.contains("f2019.toml") && e.contains("statuss"), "{e}");
        let line = line_with("f2019.toml", "status = \"implied\"") + 1;
        assert!(e.contains(&format!("line {line}")), "{e}");
    }

    #[test]
    fn misspelt_apply_is_an_error() {
        let e = broken("f2021.toml", |t| {
            t.replacen("\"per_row\"", "\"per-row\"", 1)
        });
        assert!(e.contains("f2021.toml") && e.contains("per-row"), "{e}");
        assert!(e.contains("apply") || e.contains("variant"), "{e}");
        let line = line_with("f2021.toml", "apply = \"per_row\"");
        assert!(e.contains(&format!("line {line}")), "{e}");
    }

    #[test]
    fn bad_kind_and_value_are_errors() {
        let e = broken("f2019.toml", |t| {
            t.replacen("kind = \"group\"", "kind = \"grup\"", 1)
        });
        assert!(e.contains("grup") && e.contains("kind"), "{e}");
        let e = broken("f2019.toml", |t| {
            t.replacen("value = \"money\"", "value = \"mony\"", 1)
        });
        assert!(e.contains("mony"), "{e}");
    }

    #[test]
    fn invalid_regex_is_an_error() {
        let e = broken("common.toml", |t| {
            t.replacen("上年结转(?:", "上年结转(?", 1)
        });
        assert!(
            e.contains("common.toml") && e.contains("carried_over_total"),
            "{e}"
        );
        let line = line_with("common.toml", "上年结转(?:");
        assert!(e.contains(&format!("line {line}")), "{e}");
    }

    #[test]
    fn malformed_prose_cells_are_an_error() {
        let e = broken("common.toml", |t| {
            t.replacen(
                "cells = [\"applications.carried_over.total\"]",
                "cells = [\"applications.carried_over\"]",
                1,
            )
        });
        assert!(
            e.contains("carried_over_total") && e.contains("applications.carried_over`"),
            "{e}"
        );
        let line = line_with(
            "common.toml",
            "cells = [\"applications.carried_over.total\"]",
        );
        assert!(e.contains(&format!("line {line}")), "{e}");
    }

    #[test]
    fn prose_cells_are_parsed_once_at_load() {
        let g = Grammars::embedded().unwrap();
        let rule = g
            .common
            .prose
            .iter()
            .find(|r| r.id == "new_received_total")
            .unwrap();
        let keys: Vec<Vec<String>> = rule
            .readings
            .iter()
            .map(|r| r.iter().map(|k| k.to_string()).collect())
            .collect();
        assert_eq!(
            keys,
            [
                vec!["applications.new_received.total"],
                vec![
                    "applications.new_received.total",
                    "applications.carried_over.total"
                ],
            ]
        );
    }

    #[test]
    fn title_pattern_without_a_year_is_an_error() {
        let e = broken("common.toml", |t| {
            t.replace("(?P<year2>", "(?:").replace("(?P<year>", "(?:")
        });
        assert!(e.contains("title pattern") && e.contains("year"), "{e}");
        let line = line_with("common.toml", "[title]");
        assert!(e.contains(&format!("line {line}")), "{e}");
    }

    #[test]
    fn workbook_names_excel_refuses_are_errors() {
        let line = line_with("common.toml", "[workbook]");
        for (from, to, says) in [
            ("申请", "申请/处理", "cannot hold `/`"),
            ("申请", "主动公开", "two sheets"),
            ("\"检查\"", "\"报告\"", "two sheets"),
            ("申请", &"申".repeat(32), "1 to 31"),
            (
                "applications =",
                "application =",
                "`application` is not a table",
            ),
        ] {
            let e = broken("common.toml", |t| {
                let at = t.find("[workbook]").unwrap();
                format!("{}{}", &t[..at], t[at..].replacen(from, to, 1))
            });
            assert!(
                e.contains(says) && e.contains(&format!("line {line}")),
                "{from}: {e}"
            );
        }
        let g = Grammars::embedded().unwrap();
        assert_eq!(g.common.workbook.table_sheet("applications"), "申请");
        assert_eq!(
            WorkbookNames::default().table_sheet("applications"),
            "applications"
        );
    }

    #[test]
    fn unknown_id_in_expr_is_an_error() {
        let e = broken("f2019.toml", |t| {
            t.replacen(
                "review_total == review_maintained",
                "review_total == review_maintaned",
                1,
            )
        });
        assert!(
            e.contains("f2019.toml")
                && e.contains("t4_review_total")
                && e.contains("review_maintaned"),
            "{e}"
        );
        let line = line_with("f2019.toml", "expr = \"review_total ==");
        assert!(e.contains(&format!("line {line}")), "{e}");
    }

    #[test]
    fn unparsable_expr_is_an_error() {
        for typo in [
            "total == natural_person +",
            "total = natural_person",
            "total == natural_person other_org",
        ] {
            let e = broken("f2021.toml", |t| {
                t.replacen(
                    "total == natural_person + commercial_enterprise + research_institution + social_welfare_org + legal_service_org + other_org",
                    typo,
                    1,
                )
            });
            assert!(e.contains("t3_col_total") && e.contains("expr"), "{e}");
        }
    }

    #[test]
    fn lhs_disagreeing_with_expr_is_an_error() {
        let e = broken("f2019.toml", |t| {
            t.replacen("lhs = [\"review_total\"]", "lhs = [\"direct_total\"]", 1)
        });
        assert!(
            e.contains("t4_review_total") && e.contains("disagrees"),
            "{e}"
        );
    }

    #[test]
    fn expressions_compile_to_the_operand_lists() {
        let g = Grammars::embedded().unwrap();
        for f in &g.formats {
            for id in &f.identities {
                if !id.lhs.is_empty() {
                    assert_eq!(id.parsed.lhs_names(), id.lhs, "{}", id.id);
                    assert_eq!(id.parsed.rhs_names(), id.rhs, "{}", id.id);
                }
            }
        }
    }

    #[test]
    fn embedded_json_reads_as_the_toml() {
        assert!(EMBEDDED_JSON.iter().all(|(_, j)| !j.is_empty()));
        // Every grammar file of the repository is embedded, as TOML and as JSON.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let json: Vec<&str> = EMBEDDED_JSON.iter().map(|(n, _)| *n).collect();
        assert_eq!(json, on_disk);
        let mut toml: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
        toml.push("common.toml");
        toml.sort();
        assert_eq!(toml, on_disk);
        let files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let common = ("common.toml".to_string(), EMBEDDED_COMMON.to_string());
        let from_toml = Grammars::from_sources(files, common, Regexes::Compile, &[]).unwrap();
        let from_json = Grammars::embedded().unwrap();
        assert_eq!(format!("{from_json:?}"), format!("{from_toml:?}"));
    }

    #[test]
    fn load_dir_matches_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars");
        let g = Grammars::load_dir(&dir).unwrap();
        assert_eq!(g.wide_keys(), Grammars::embedded().unwrap().wide_keys());
    }
}
