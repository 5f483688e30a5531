//! Cross-year checks: identities that link a report to the same agency's report of
//! the previous year (`apply = "cross_year"` in `grammars/*.toml`), e.g. what one
//! year carries forward the next year must carry over.
//!
//! A report's cross-year findings depend on other reports, so they cannot be
//! written while the report streams out. Instead the run keeps a few numbers per
//! report ([`CrossYear::add_report`], [`CrossYear::add_value`]: only the keys the
//! identities read, never whole reports) and, once every report is written,
//! [`CrossYear::apply`] streams `findings.csv` and `reports.csv` once more, appending
//! each report's cross-year findings to the end of its block of findings and adding
//! them to its `findings` count.
//!
//! `nianbao merge` feeds the same state from the merged `reports.csv` and
//! `cells.csv` and calls `apply` with `drop_stale`, which first removes the
//! cross-year findings each shard computed on its own (they miss pairs that span
//! shards). Both paths therefore end with byte-identical files.

use crate::csvfile::{cell_key_into, CsvRow, FindingRow, ReportRow, RowReader, RowWriter};
use crate::grammar::identity::{fmt_num, Term as ExprTerm};
use crate::grammar::{Apply, Expr, Format, Grammars, Identity, Status};
use crate::model::{Cell, Finding, Severity};
use crate::sink::Rendered;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;

/// One operand: `sign × key`, read from year N or year N−1.
#[derive(Debug, Clone)]
struct Term {
    sign: f64,
    key: u16,
    previous: bool,
}

/// One evaluation of an identity: where its finding points and both sides.
#[derive(Debug, Clone)]
struct Instance {
    row: String,
    column: String,
    lhs: Vec<Term>,
    rhs: Vec<Term>,
}

/// A cross-year identity instantiated for one template.
#[derive(Debug, Clone)]
struct Rule {
    id: String,
    table: String,
    severity: Severity,
    expr: String,
    instances: Vec<Instance>,
}

/// The numbers one report contributes: its identity and the values of the keys the
/// rules read. Deliberately tiny, so a corpus of any size fits in memory.
#[derive(Debug, Clone)]
struct Facts {
    agency: String,
    year: i32,
    format: String,
    /// `(key index, value)`; a handful per report, so a list beats a map.
    values: Vec<(u16, f64)>,
    /// `(key index, page, line)` of the values with a place, for the findings.
    places: Vec<(u16, usize, usize)>,
}

impl Facts {
    fn get(&self, key: u16) -> Option<f64> {
        self.values.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// Records `value` under `key` if it is a number and the key has none yet
    /// (the first value of a key wins, as in document order).
    fn record(&mut self, key: u16, value: &str, place: Option<(usize, usize)>) {
        let Ok(v) = value.parse::<f64>() else { return };
        if self.get(key).is_none() {
            self.values.push((key, v));
            if let Some((p, l)) = place {
                self.places.push((key, p, l));
            }
        }
    }

    fn place(&self, key: u16) -> Option<(usize, usize)> {
        self.places
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|&(_, p, l)| (p, l))
    }
}

/// Collects per-report facts during a run and turns them into findings at the end.
#[derive(Debug, Clone, Default)]
pub struct CrossYear {
    /// Rules by template id.
    rules: BTreeMap<String, Vec<Rule>>,
    /// Every `table.row.column` some rule reads, to its index (looked up once
    /// per cell of every report, hence the fast hash).
    keys: FxHashMap<String, u16>,
    /// Check ids of every cross-year identity (to drop stale ones when merging).
    ids: BTreeSet<String>,
    /// Facts by report id (sorted, which makes every choice below deterministic).
    facts: BTreeMap<String, Facts>,
}

impl CrossYear {
    /// Reads the cross-year identities of every template in `grammars`.
    pub fn new(grammars: &Grammars) -> Self {
        let mut cy = CrossYear::default();
        for f in &grammars.formats {
            let rules: Vec<Rule> = f
                .identities
                .iter()
                .filter(|i| i.apply == Apply::CrossYear)
                .filter_map(|i| cy.rule(f, i))
                .collect();
            for r in &rules {
                cy.ids.insert(r.id.clone());
            }
            cy.rules.insert(f.id.clone(), rules);
        }
        cy
    }

    /// The check ids this module writes.
    pub fn check_ids(&self) -> &BTreeSet<String> {
        &self.ids
    }

    /// The index of a key (a grammar names far fewer than 65,536).
    fn key(&mut self, key: String) -> u16 {
        let n = u16::try_from(self.keys.len()).unwrap_or(u16::MAX);
        *self.keys.entry(key).or_insert(n)
    }

    /// Instantiates one identity (its `expr` parsed and checked at load). With a
    /// `block`, the names are table-2 columns and the identity holds for every row
    /// of the block; otherwise they are rows and it holds for every column.
    fn rule(&mut self, format: &Format, id: &Identity) -> Option<Rule> {
        let Expr::Compare { lhs, rhs, .. } = &id.parsed else {
            return None;
        };
        let mut instances = Vec::new();
        let terms = |cy: &mut Self, side: &[ExprTerm], at: &dyn Fn(&str) -> String| {
            side.iter()
                .map(|t| Term {
                    sign: t.sign,
                    key: cy.key(at(&t.name)),
                    previous: t.previous,
                })
                .collect()
        };
        if !id.block.is_empty() {
            let block = format
                .tables
                .active_disclosure
                .blocks
                .iter()
                .find(|b| b.id == id.block)?;
            for row in block.rows.iter().filter(|r| r.is_data()) {
                let at = |col: &str| format!("{}.{}.{}", id.table, row.id, col);
                instances.push(Instance {
                    row: row.id.clone(),
                    column: lhs.first().map(|t| t.name.clone()).unwrap_or_default(),
                    lhs: terms(self, lhs, &at),
                    rhs: terms(self, rhs, &at),
                });
            }
        } else {
            let columns = format.column_ids(&id.table);
            if columns.is_empty() {
                return None;
            }
            for col in columns {
                let at = |row: &str| format!("{}.{}.{}", id.table, row, col);
                instances.push(Instance {
                    row: lhs.first().map(|t| t.name.clone()).unwrap_or_default(),
                    column: col.to_string(),
                    lhs: terms(self, lhs, &at),
                    rhs: terms(self, rhs, &at),
                });
            }
        }
        let severity = if id.status == Status::Soft {
            Severity::Warning
        } else {
            Severity::Error
        };
        Some(Rule {
            id: id.id.clone(),
            table: id.table.clone(),
            severity,
            expr: id.expr.clone(),
            instances,
        })
    }

    /// Registers a report. Reports without an agency or a year take no part.
    pub fn add_report(&mut self, report: &str, agency: &str, year: Option<i32>, format: &str) {
        if let (false, Some(year)) = (agency.is_empty(), year) {
            let facts = Facts {
                agency: agency.to_string(),
                year,
                format: format.to_string(),
                values: Vec::new(),
                places: Vec::new(),
            };
            self.facts.insert(report.to_string(), facts);
        }
    }

    /// Records a cell of a registered report if some rule reads it. The first
    /// value of a key wins, as in document order.
    pub fn add_value(&mut self, report: &str, table: &str, row: &str, column: &str, value: &str) {
        self.add_placed(report, (table, row, column), value, None);
    }

    /// [`CrossYear::add_value`] with the cell's input place `(page, line)`, which
    /// the findings about it carry.
    pub fn add_placed(
        &mut self,
        report: &str,
        (table, row, column): (&str, &str, &str),
        value: &str,
        place: Option<(usize, usize)>,
    ) {
        let mut key = String::new();
        cell_key_into(&mut key, table, row, column);
        let Some(&key) = self.keys.get(key.as_str()) else {
            return;
        };
        if let Some(facts) = self.facts.get_mut(report) {
            facts.record(key, value, place);
        }
    }

    /// Registers a whole report; one without any value the rules read is dropped
    /// at once, since it can be neither side of a comparison. Its facts are
    /// gathered before they are filed under its id, so each cell costs one key
    /// lookup (in a reused buffer), not a search of every report's facts.
    pub fn add(&mut self, r: &crate::model::Report) {
        self.add_cells(&r.id, &r.agency, r.year, &r.format, &r.cells);
    }

    /// [`CrossYear::add`] for a report rendered by a worker process: its
    /// [`Rendered::facts`] are the cells of the report a rule reads (see
    /// [`CrossYear::add_read`]).
    pub fn add_rendered(&mut self, r: &Rendered) {
        self.add_cells(&r.id, &r.agency, r.year, &r.format, &r.facts);
    }

    /// [`CrossYear::add`] given the cells of `r` with a value under a key some
    /// rule reads, in document order (the writer finds them while it looks up
    /// each cell's `wide.csv` column): the others would be skipped anyway.
    pub fn add_read<'a>(
        &mut self,
        r: &crate::model::Report,
        cells: impl IntoIterator<Item = &'a Cell>,
    ) {
        self.add_cells(&r.id, &r.agency, r.year, &r.format, cells);
    }

    fn add_cells<'a>(
        &mut self,
        id: &str,
        agency: &str,
        year: Option<i32>,
        format: &str,
        cells: impl IntoIterator<Item = &'a Cell>,
    ) {
        let (false, Some(year)) = (agency.is_empty(), year) else {
            return;
        };
        let mut facts = Facts {
            agency: agency.to_string(),
            year,
            format: format.to_string(),
            values: Vec::new(),
            places: Vec::new(),
        };
        let mut key = String::new();
        for c in cells.into_iter().filter(|c| !c.value.is_empty()) {
            cell_key_into(&mut key, &c.table, &c.row, &c.column);
            if let Some(&k) = self.keys.get(key.as_str()) {
                facts.record(k, &c.value, c.page.zip(c.line));
            }
        }
        if facts.values.is_empty() {
            self.facts.remove(id);
        } else {
            facts.values.shrink_to_fit();
            facts.places.shrink_to_fit();
            self.facts.insert(id.to_string(), facts);
        }
    }

    /// Whether a report takes part (it has an agency and a year).
    pub fn takes_part(r: &crate::model::Report) -> bool {
        !r.agency.is_empty() && r.year.is_some()
    }

    /// Every key some rule reads, in the order of their indices: with the
    /// `wide.csv` columns, what rows rendered elsewhere must agree on.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<(&str, u16)> = self.keys.iter().map(|(k, &i)| (k.as_str(), i)).collect();
        keys.sort_by_key(|&(_, i)| i);
        keys.into_iter().map(|(k, _)| k).collect()
    }

    /// Cross-year findings by report id. For each report of year N, the previous
    /// report is the first (by report id) of the same agency for year N−1 that has
    /// any value; duplicates of a report therefore never multiply findings.
    pub fn findings(&self) -> BTreeMap<String, Vec<Finding>> {
        let mut by_year: BTreeMap<(&str, i32), Vec<(&str, &Facts)>> = BTreeMap::new();
        for (id, f) in &self.facts {
            by_year
                .entry((f.agency.as_str(), f.year))
                .or_default()
                .push((id.as_str(), f));
        }
        let mut out: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
        for (id, cur) in &self.facts {
            let Some(rules) = self.rules.get(&cur.format) else {
                continue;
            };
            let Some(prev_year) = cur.year.checked_sub(1) else {
                continue;
            };
            let Some(candidates) = by_year.get(&(cur.agency.as_str(), prev_year)) else {
                continue;
            };
            let Some(&(prev_id, prev)) = candidates.iter().find(|(_, f)| !f.values.is_empty())
            else {
                continue;
            };
            for rule in rules {
                for inst in &rule.instances {
                    let side = |terms: &[Term]| -> Option<f64> {
                        let mut sum = 0.0;
                        for t in terms {
                            sum += t.sign * (if t.previous { prev } else { cur }).get(t.key)?;
                        }
                        Some(sum)
                    };
                    let (Some(l), Some(r)) = (side(&inst.lhs), side(&inst.rhs)) else {
                        continue;
                    };
                    if (l - r).abs() < crate::grammar::identity::EQ_TOLERANCE {
                        continue;
                    }
                    let (expected, actual) = (fmt_num(r), fmt_num(l));
                    let at = if rule.instances.iter().all(|x| x.row == inst.row) {
                        format!("column {}", inst.column)
                    } else {
                        format!("row {}", inst.row)
                    };
                    let message = format!(
                        "{} fails for {at}: {actual} in {id} ({}) but {expected} expected from {prev_id} ({}); check this cell and the previous year's report (a restated figure, or a misread one)",
                        rule.expr, cur.year, prev.year
                    );
                    // The finding points at this year's first printed operand.
                    let place = inst
                        .lhs
                        .iter()
                        .chain(&inst.rhs)
                        .filter(|t| !t.previous)
                        .find_map(|t| cur.place(t.key));
                    let finding = Finding::new(&rule.id, rule.severity, message)
                        .at(&rule.table, &inst.row, &inst.column)
                        .values(expected, actual)
                        .place_opt(place.map(|p| p.0), place.map(|p| p.1));
                    out.entry(id.clone()).or_default().push(finding);
                }
            }
        }
        out
    }

    /// Adds the cross-year findings to `findings.csv` and the `findings` counts of
    /// `reports.csv` in `dir` (the temporary names of a run or merge, given as
    /// `findings` and `reports`), streaming both files. With `drop_stale`, findings
    /// rows whose check is a cross-year id are removed first. Returns the number of
    /// findings added.
    pub fn apply(&self, findings: &Path, reports: &Path, drop_stale: bool) -> io::Result<usize> {
        let new = self.findings();
        let added: usize = new.values().map(Vec::len).sum();
        if new.is_empty() && !drop_stale {
            return Ok(0);
        }
        let delta = rewrite_findings(
            findings,
            &new,
            if drop_stale { Some(&self.ids) } else { None },
        )?;
        if !delta.is_empty() {
            rewrite_counts(reports, &delta)?;
        }
        Ok(added)
    }
}

/// The facts sink: keeps what the cross-year identities read from every report
/// ([`CrossYear::add`]; order does not matter, the facts are keyed by report id),
/// so [`CrossYear::findings`] can be asked once all have arrived. The CSV sink
/// feeds one; a caller that wants only the findings can use it alone.
impl crate::sink::ReportSink for CrossYear {
    fn report(&mut self, _seq: usize, report: crate::model::Report) -> io::Result<()> {
        self.add(&report);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Streams `path` into a sibling temporary file, inserting each report's new
/// findings after its existing rows (rows are grouped by report id in sorted order)
/// and optionally dropping stale rows; then renames it over `path`. Returns the
/// change of each report's findings count.
fn rewrite_findings(
    path: &Path,
    new: &BTreeMap<String, Vec<Finding>>,
    stale: Option<&BTreeSet<String>>,
) -> io::Result<BTreeMap<String, i64>> {
    rewrite(path, |rd: &mut RowReader<FindingRow<'static>>, wr| {
        let mut delta: BTreeMap<String, i64> = new
            .iter()
            .map(|(k, v)| (k.clone(), v.len() as i64))
            .collect();
        let mut pending = new.iter().peekable();
        while let Some(row) = rd.next_row()? {
            // Everything pending for ids before this one belongs after their rows.
            write_pending(wr, &mut pending, Some(&row.report))?;
            if stale.is_some_and(|d| d.contains(row.check.as_ref())) {
                *delta.entry(row.report.to_string()).or_default() -= 1;
                continue;
            }
            wr.write(&row)?;
        }
        write_pending(wr, &mut pending, None)?;
        delta.retain(|_, d| *d != 0);
        Ok(delta)
    })
}

type Pending<'a> = std::iter::Peekable<std::collections::btree_map::Iter<'a, String, Vec<Finding>>>;

/// Writes the pending findings of every report id before `bound` (all when `None`).
fn write_pending(
    wr: &mut RowWriter<FindingRow<'static>>,
    pending: &mut Pending,
    bound: Option<&str>,
) -> io::Result<()> {
    while let Some((id, fs)) = pending.peek() {
        if bound.is_some_and(|b| id.as_str() >= b) {
            break;
        }
        for f in fs.iter() {
            wr.write(&FindingRow::of(id, f))?;
        }
        pending.next();
    }
    Ok(())
}

/// Streams `reports.csv`, adding `delta` to the `findings` column.
fn rewrite_counts(path: &Path, delta: &BTreeMap<String, i64>) -> io::Result<()> {
    rewrite(path, |rd: &mut RowReader<ReportRow<'static>>, wr| {
        while let Some(mut row) = rd.next_row()? {
            if let Some(d) = delta.get(row.report.as_ref()) {
                row.findings = usize::try_from(row.findings as i64 + d).unwrap_or(0);
            }
            wr.write(&row)?;
        }
        Ok(())
    })
}

/// Streams the rows of `path` through `body` into a sibling temporary file (keeping
/// its byte-order mark), then renames that over `path`; on error removes it instead.
fn rewrite<R: CsvRow, T>(
    path: &Path,
    body: impl FnOnce(&mut RowReader<R>, &mut RowWriter<R>) -> io::Result<T>,
) -> io::Result<T> {
    let mut rd = RowReader::<R>::open(path)?;
    let tmp = sibling(path);
    let result = RowWriter::<R>::create(&tmp, rd.bom()).and_then(|mut wr| {
        let t = body(&mut rd, &mut wr)?;
        wr.close()?;
        Ok(t)
    });
    match result.and_then(|t| std::fs::rename(&tmp, path).map(|()| t)) {
        Ok(t) => Ok(t),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn sibling(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    path.with_file_name(format!("{name}.cross"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_rules_are_read() {
        let g = Grammars::embedded().unwrap();
        let cy = CrossYear::new(&g);
        assert!(cy.check_ids().contains("t3_carry_cross_year"));
        assert!(cy.check_ids().contains("t2_art20_1_stock_cross_year"));
        let f21 = &cy.rules["f2021"];
        let stock = f21
            .iter()
            .find(|r| r.id == "t2_art20_1_stock_cross_year")
            .unwrap();
        assert_eq!(stock.instances.len(), 2);
        let carry = f21.iter().find(|r| r.id == "t3_carry_cross_year").unwrap();
        assert_eq!(carry.instances.len(), 7);
    }

    #[test]
    fn carry_mismatch_is_found_once() {
        let g = Grammars::embedded().unwrap();
        let mut cy = CrossYear::new(&g);
        cy.add_report("a2020", "某局", Some(2020), "f2019");
        cy.add_value("a2020", "applications", "carried_forward", "total", "5");
        cy.add_report("b2021", "某局", Some(2021), "f2021");
        cy.add_value("b2021", "applications", "carried_over", "total", "3");
        cy.add_value("b2021", "active_disclosure", "regulations", "in_force", "3");
        cy.add_report("c2021", "别的局", Some(2021), "f2021");
        cy.add_value("c2021", "applications", "carried_over", "total", "3");
        let f = cy.findings();
        assert_eq!(f.len(), 1);
        let b = &f["b2021"];
        assert_eq!(b.len(), 1);
        assert_eq!((b[0].expected.as_str(), b[0].actual.as_str()), ("5", "3"));
        assert!(b[0].message.contains("a2020") && b[0].message.contains("b2021"));
    }

    #[test]
    fn as_a_sink_the_facts_do_not_depend_on_arrival_order() {
        use crate::model::{Cell, Report};
        use crate::sink::ReportSink;
        let g = Grammars::embedded().unwrap();
        let report = |id: &str, year: i32, format: &str, row: &str, v: &str| {
            let mut r = Report::empty(id);
            r.agency = "某局".into();
            r.year = Some(year);
            r.format = format.into();
            r.cells.push(Cell {
                table: "applications".into(),
                row: row.into(),
                column: "total".into(),
                value: v.into(),
                page: Some(1),
                line: Some(9),
                ..Default::default()
            });
            r
        };
        let reports = [
            report("a2020", 2020, "f2019", "carried_forward", "5"),
            report("b2021", 2021, "f2021", "carried_over", "3"),
        ];
        let mut forward = CrossYear::new(&g);
        let mut backward = CrossYear::new(&g);
        for (seq, r) in reports.iter().enumerate() {
            forward.report(seq, r.clone()).unwrap();
        }
        for (seq, r) in reports.iter().enumerate().rev() {
            backward.report(seq, r.clone()).unwrap();
        }
        forward.finish().unwrap();
        backward.finish().unwrap();
        let f = forward.findings();
        assert_eq!(f, backward.findings());
        assert_eq!(f["b2021"].len(), 1);
        assert_eq!(f["b2021"][0].line, Some(9), "points at this year's cell");
    }

    #[test]
    fn stock_identity_sums_operands() {
        let g = Grammars::embedded().unwrap();
        let mut cy = CrossYear::new(&g);
        cy.add_report("x2021", "某局", Some(2021), "f2021");
        cy.add_value(
            "x2021",
            "active_disclosure",
            "regulations",
            "in_force",
            "10",
        );
        cy.add_report("x2022", "某局", Some(2022), "f2021");
        for (col, v) in [("issued", "2"), ("repealed", "1"), ("in_force", "12")] {
            cy.add_value("x2022", "active_disclosure", "regulations", col, v);
        }
        let f = &cy.findings()["x2022"];
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check, "t2_art20_1_stock_cross_year");
        assert_eq!(
            (f[0].row.as_str(), f[0].column.as_str()),
            ("regulations", "in_force")
        );
        assert_eq!((f[0].expected.as_str(), f[0].actual.as_str()), ("11", "12"));
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn rewrite_keeps_report_blocks_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        let (fp, rp) = (
            dir.path().join("findings.csv"),
            dir.path().join("reports.csv"),
        );
        std::fs::write(&fp, "\u{feff}report,check,severity,table,row,column,expected,actual,page,line,message\na,x,info,,,,,,,,m\nc,x,info,,,,,,,,m\nc,old_cross,warning,,,,,,,,stale\n").unwrap();
        let header = ReportRow::header().join(",");
        let reports = |counts: [usize; 4]| {
            let rows: String = ["a", "b", "c", "d"]
                .iter()
                .zip(counts)
                .map(|(id, n)| format!("{id},text:utf-8,f2019,,,,1,ok,,0,0,{n}\n"))
                .collect();
            format!("\u{feff}{header}\n{rows}")
        };
        std::fs::write(&rp, reports([1, 0, 2, 0])).unwrap();
        let new: BTreeMap<String, Vec<Finding>> = ["b", "c", "d"]
            .iter()
            .map(|id| {
                (
                    id.to_string(),
                    vec![Finding::new("cross", Severity::Warning, "n")],
                )
            })
            .collect();
        let stale: BTreeSet<String> = ["old_cross".to_string()].into();
        let delta = rewrite_findings(&fp, &new, Some(&stale)).unwrap();
        rewrite_counts(&rp, &delta).unwrap();
        let f = std::fs::read_to_string(&fp).unwrap();
        let ids: Vec<&str> = f
            .lines()
            .skip(1)
            .map(|l| &l[..l.find(',').unwrap()])
            .collect();
        assert_eq!(ids, ["a", "b", "c", "c", "d"]);
        assert!(f.starts_with('\u{feff}') && !f.contains("stale"));
        let r = std::fs::read_to_string(&rp).unwrap();
        assert_eq!(r, reports([1, 1, 2, 1]));
    }
}
