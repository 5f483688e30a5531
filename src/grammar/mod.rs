//! Template grammars: the two official templates (and any later year) as data.
//!
//! `grammars/*.toml` are embedded at build time so the binary is self-contained;
//! [`Grammars::load_dir`] reads a directory instead, so a new template year is a
//! data change. `common.toml` holds what every year shares (table anchors, blank
//! tokens, prose figures, page furniture).

pub mod labels;

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
pub struct Format {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub detect_markers: Vec<String>,
    #[serde(default)]
    pub sections: Vec<Section>,
    pub tables: Tables,
    #[serde(default)]
    pub identities: Vec<Identity>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Section {
    pub id: String,
    pub number: u32,
    pub label: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tables {
    pub active_disclosure: BlockTable,
    pub applications: GridTable,
    pub review_litigation: RowTable,
}

/// Table 2: captioned blocks, each with its own columns.
#[derive(Debug, Clone, Deserialize)]
pub struct BlockTable {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Block {
    pub id: String,
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, Deserialize)]
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
}

#[derive(Debug, Clone, Deserialize)]
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
pub struct GridTable {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Columns some reports add (法人或其他组织小计); not in the template.
    #[serde(default)]
    pub optional_columns: Vec<Column>,
}

/// Table 4: one data row of grouped columns.
#[derive(Debug, Clone, Deserialize)]
pub struct RowTable {
    pub columns: Vec<Column>,
    #[serde(default)]
    pub column_groups: Vec<ColumnGroup>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ColumnGroup {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Identity {
    pub id: String,
    pub table: String,
    pub apply: String,
    #[serde(default)]
    pub lhs: Vec<String>,
    #[serde(default)]
    pub rhs: Vec<String>,
    #[serde(default)]
    pub expr: String,
    pub status: String,
    #[serde(default)]
    pub block: String,
}

/// `common.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Common {
    pub min_marker_hits: usize,
    pub cells: CellTokens,
    pub tables: BTreeMap<String, Vec<TableAnchor>>,
    #[serde(default)]
    pub prose: Vec<ProseRule>,
    pub furniture: Furniture,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CellTokens {
    pub empty_tokens: Vec<String>,
    pub units: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
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
pub struct ProseRule {
    pub id: String,
    /// Readings of the figure: `table.row.column` keys, or sums of them joined by `+`.
    pub cells: Vec<String>,
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Furniture {
    pub page_number: Vec<String>,
}

/// Every template known to this run plus the shared knowledge.
#[derive(Debug, Clone)]
pub struct Grammars {
    pub formats: Vec<Format>,
    pub common: Common,
}

const EMBEDDED: &[(&str, &str)] = &[
    ("f2019.toml", include_str!("../../grammars/f2019.toml")),
    ("f2021.toml", include_str!("../../grammars/f2021.toml")),
];
const EMBEDDED_COMMON: &str = include_str!("../../grammars/common.toml");

impl Grammars {
    /// The grammars compiled into the binary.
    pub fn embedded() -> Result<Self, GrammarError> {
        let files = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        Self::from_sources(files, ("common.toml".into(), EMBEDDED_COMMON.into()))
    }

    /// Every `*.toml` in `dir`; `common.toml` is required there.
    pub fn load_dir(dir: &Path) -> Result<Self, GrammarError> {
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
            if name == "common.toml" {
                common = Some((name, text));
            } else {
                files.push((name, text));
            }
        }
        let common = common.ok_or_else(|| GrammarError::Invalid {
            file: dir.join("common.toml").display().to_string(),
            msg: "missing".into(),
        })?;
        Self::from_sources(files, common)
    }

    fn from_sources(
        files: Vec<(String, String)>,
        common: (String, String),
    ) -> Result<Self, GrammarError> {
        let invalid = |file: &str, e: toml::de::Error| GrammarError::Invalid {
            file: file.to_string(),
            msg: e.to_string(),
        };
        let mut formats = Vec::new();
        for (name, text) in &files {
            let f: Format = toml::from_str(text).map_err(|e| invalid(name, e))?;
            formats.push(f);
        }
        formats.sort_by(|a, b| a.id.cmp(&b.id));
        let c: Common = toml::from_str(&common.1).map_err(|e| invalid(&common.0, e))?;
        Ok(Grammars { formats, common: c })
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

impl Format {
    /// Column ids of a grid table (`applications`, `review_litigation`).
    pub fn column_ids(&self, table: &str) -> Vec<String> {
        let cols = match table {
            "applications" => &self.tables.applications.columns,
            "review_litigation" => &self.tables.review_litigation.columns,
            _ => return Vec::new(),
        };
        cols.iter().map(|c| c.id.clone()).collect()
    }

    /// Ids of the rows that carry numbers, in template order (table 4's one row is `cases`).
    pub fn data_row_ids(&self, table: &str) -> Vec<String> {
        match table {
            "active_disclosure" => self
                .tables
                .active_disclosure
                .blocks
                .iter()
                .flat_map(|b| b.rows.iter().map(|r| r.id.clone()))
                .collect(),
            "applications" => self
                .tables
                .applications
                .rows
                .iter()
                .filter(|r| r.is_data())
                .map(|r| r.id.clone())
                .collect(),
            "review_litigation" => vec!["cases".to_string()],
            _ => Vec::new(),
        }
    }

    /// All cell keys of this template in table, row, column order.
    pub fn cell_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for b in &self.tables.active_disclosure.blocks {
            for r in &b.rows {
                for c in &b.columns {
                    keys.push(format!("active_disclosure.{}.{}", r.id, c.id));
                }
            }
        }
        // Every cell a report can carry: group rows (a report may print a subtotal
        // on （三）不予公开 or print （六）其他处理 as one row) and optional columns
        // (法人或其他组织小计), in the order of `cells.csv`.
        let t3 = &self.tables.applications;
        for r in &t3.rows {
            for c in t3.columns.iter().chain(&t3.optional_columns) {
                keys.push(format!("applications.{}.{}", r.id, c.id));
            }
        }
        for c in &self.tables.review_litigation.columns {
            keys.push(format!("review_litigation.cases.{}", c.id));
        }
        keys
    }

    /// Human header for a key, from the template's labels (`行政许可/本年增/减`).
    pub fn key_label(&self, table: &str, row: &str, column: &str) -> Option<String> {
        match table {
            "active_disclosure" => self.tables.active_disclosure.blocks.iter().find_map(|b| {
                let r = b.rows.iter().find(|r| r.id == row)?;
                let c = b.columns.iter().find(|c| c.id == column)?;
                Some(format!("{}/{}", r.label, c.label))
            }),
            "applications" => {
                let t = &self.tables.applications;
                let r = t.rows.iter().find(|r| r.id == row)?;
                let c = t
                    .columns
                    .iter()
                    .chain(&t.optional_columns)
                    .find(|c| c.id == column)?;
                Some(format!("{}/{}", r.label, c.label))
            }
            "review_litigation" => {
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
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn load_dir_matches_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars");
        let g = Grammars::load_dir(&dir).unwrap();
        assert_eq!(g.wide_keys(), Grammars::embedded().unwrap().wide_keys());
    }
}
