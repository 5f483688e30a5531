//! Check: the arithmetic the template implies (勾稽关系) and the figures the prose
//! restates. Every failure becomes a [`Finding`]; nothing here changes a value.

use crate::grammar::identity::{
    evaluate, evaluate_where, fmt_num, get, group_outcomes, Apply, Outcome, Relation, EQ_TOLERANCE,
};
use crate::grammar::{CellKey, Common, Format, Shape, Status};
use crate::map::ProseLines;
use crate::model::{Cell, Finding, Severity, Trail};
use crate::parse::tables::ParsedTable;
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;

pub use crate::grammar::identity::{values_of, Values};

/// Findings for every failed identity of the report's template: equalities first,
/// then `>=` comparisons, then printed group subtotals, each in grammar order.
pub fn identity_findings(format: &Format, cells: &[Cell]) -> Vec<Finding> {
    failed_identities(format, cells, &values_of(cells))
}

/// [`identity_findings`] with the cells' values read once for the whole stage.
fn failed_identities(format: &Format, cells: &[Cell], v: &Values) -> Vec<Finding> {
    let by_id: BTreeMap<&str, &crate::grammar::Identity> = format
        .identities
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let severity = |o: &Outcome| match by_id.get(o.identity) {
        Some(i) if i.status == Status::Soft => Severity::Warning,
        _ => Severity::Error,
    };
    let outcomes = evaluate(format, v);
    let failed = |rel: Relation| {
        outcomes
            .iter()
            .filter(move |o| o.relation == rel && !o.holds())
    };
    let mut out = Vec::new();
    let labels = Labels { format, cells };
    for o in failed(Relation::Eq) {
        let Some(id) = by_id.get(o.identity) else {
            continue;
        };
        let (lhs, rhs) = (id.parsed.lhs_names(), id.parsed.rhs_names());
        // Where it was evaluated, how its operands are named, and the printed total's cell.
        let (place, term, total): (String, Namer, (&str, &str)) = match id.apply {
            Apply::PerColumn => (
                format!("column “{}”", labels.column(o.table, o.column)),
                Box::new(|r: &str| format!("“{}”", labels.row(o.table, r))),
                (lhs.first().unwrap_or(&""), o.column),
            ),
            _ => (
                if id.apply == Apply::Single {
                    format!("table “{}”", labels.table(o.table))
                } else {
                    format!("row “{}”", labels.row(o.table, o.row))
                },
                Box::new(|c: &str| format!("“{}”", labels.column(o.table, c))),
                (o.row, lhs.first().unwrap_or(&"")),
            ),
        };
        let at = labels.cell(o.table, total.0, total.1);
        out.push(
            Finding::new(
                o.identity,
                severity(o),
                format!(
                    "{place}: {} is {} but {} {} {} (off by {}); check these cells against the report — a misread digit, a value in the wrong row or column, or the report's own arithmetic ({})",
                    terms(&lhs, &term),
                    fmt_num(o.lhs),
                    terms(&rhs, &term),
                    if rhs.len() > 1 { "add up to" } else { "is" },
                    fmt_num(o.rhs),
                    fmt_num(o.lhs - o.rhs),
                    id.expr
                ),
            )
            .at(o.table, o.row, o.column)
            .values(fmt_num(o.rhs), fmt_num(o.lhs))
            .place_opt(at.and_then(|c| c.page), at.and_then(|c| c.line)),
        );
    }
    for o in failed(Relation::Ge) {
        let Some(id) = by_id.get(o.identity) else {
            continue;
        };
        let (a, b) = (
            id.parsed.lhs_names().first().copied().unwrap_or(""),
            id.parsed.rhs_names().first().copied().unwrap_or(""),
        );
        let at = labels.cell(o.table, o.row, a);
        out.push(
            Finding::new(
                o.identity,
                severity(o),
                format!(
                    "row “{}”: “{}” {} is less than “{}” {}, which the template expects it to include; check both cells against the report",
                    labels.row(o.table, o.row),
                    labels.column(o.table, a),
                    fmt_num(o.lhs),
                    labels.column(o.table, b),
                    fmt_num(o.rhs)
                ),
            )
            .at(o.table, o.row, o.column)
            .values(format!(">= {}", fmt_num(o.rhs)), fmt_num(o.lhs))
            .place_opt(at.and_then(|c| c.page), at.and_then(|c| c.line)),
        );
    }
    for o in group_outcomes(format, v).iter().filter(|o| !o.holds()) {
        let at = labels.cell(o.table, o.row, o.column);
        out.push(
            Finding::new(
                o.identity,
                Severity::Warning,
                format!(
                    "row “{}”, column “{}”: the printed subtotal {} differs from the sum of its sub-rows {}; check the subtotal and the sub-rows against the report",
                    labels.row(o.table, o.row),
                    labels.column(o.table, o.column),
                    fmt_num(o.lhs),
                    fmt_num(o.rhs)
                ),
            )
            .at(o.table, o.row, o.column)
            .values(fmt_num(o.rhs), fmt_num(o.lhs))
            .place_opt(at.and_then(|c| c.page), at.and_then(|c| c.line)),
        );
    }
    out
}

/// Names an identity operand for a reader.
type Namer<'a> = Box<dyn Fn(&str) -> String + 'a>;

/// An identity side longer than this is shown by its first and last operand.
const MAX_TERMS_SHOWN: usize = 4;

/// The operands of one side of an identity, named for a reader.
fn terms(names: &[&str], label: &dyn Fn(&str) -> String) -> String {
    match names {
        [] => String::new(),
        [one] => label(one),
        _ if names.len() <= MAX_TERMS_SHOWN => names
            .iter()
            .map(|n| label(n))
            .collect::<Vec<_>>()
            .join(" + "),
        [first, .., last] => format!(
            "the {} cells {} … {}",
            names.len(),
            label(first),
            label(last)
        ),
    }
}

/// Labels for messages: a row as the report prints it (its template label when the
/// report has no cell there), a cell with its place.
struct Labels<'a> {
    format: &'a Format,
    cells: &'a [Cell],
}

impl<'a> Labels<'a> {
    fn row(&self, table: &str, row: &'a str) -> String {
        self.cells
            .iter()
            .find(|c| c.table == table && c.row == row && !c.row_label.is_empty())
            .map_or_else(
                || row_label(self.format, table, row).to_string(),
                |c| c.row_label.to_string(),
            )
    }

    /// A column as the cells name it (table 4's `行政复议/总计`), else the template's label.
    fn column(&self, table: &str, column: &'a str) -> String {
        self.cells
            .iter()
            .find(|c| c.table == table && c.column == column && !c.column_label.is_empty())
            .map_or_else(
                || column_label(self.format, table, column).to_string(),
                |c| c.column_label.to_string(),
            )
    }

    /// A table by its section's heading in the template.
    fn table(&self, table: &str) -> String {
        self.format.section_label(table).to_string()
    }

    fn cell(&self, table: &str, row: &str, column: &str) -> Option<&'a Cell> {
        self.cells
            .iter()
            .find(|c| c.table == table && c.row == row && c.column == column)
    }
}

/// The template label of a row (its id when the template has none).
fn row_label<'a>(format: &'a Format, table: &str, row: &'a str) -> &'a str {
    format
        .rows(table)
        .find(|r| r.id == row)
        .map_or(row, |r| r.label.as_str())
}

/// The template label of a column (its id when the template has none).
fn column_label<'a>(format: &'a Format, table: &str, column: &'a str) -> &'a str {
    format
        .columns(table)
        .find(|c| c.id == column)
        .map_or(column, |c| c.label.as_str())
}

/// The sum of the cells of a reading (every operand present), or None.
fn reading(v: &Values, keys: &[CellKey]) -> Option<f64> {
    let mut total = 0.0;
    for k in keys {
        total += get(v, &k.table, &k.row, &k.column)?;
    }
    Some(total)
}

/// Compares figures the prose states with the table cells they restate.
/// `prose` is the report's paragraphs outside tables.
pub fn prose_findings(common: &Common, prose: &ProseLines, cells: &[Cell]) -> Vec<Finding> {
    prose_mismatches(common, prose, cells, &values_of(cells))
}

/// [`prose_findings`] with the cells' values read once for the whole stage.
fn prose_mismatches(
    common: &Common,
    prose: &ProseLines,
    cells: &[Cell],
    v: &Values,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (ri, rule) in common.prose.iter().enumerate() {
        let readings: Vec<(&[CellKey], f64)> = rule
            .readings
            .iter()
            .filter_map(|keys| Some((keys.as_slice(), reading(v, keys)?)))
            .collect();
        let Some(&(first_keys, first_value)) = readings.first() else {
            continue;
        };
        let Some(CellKey {
            table: t,
            row: r,
            column: c,
        }) = first_keys.first()
        else {
            continue;
        };
        'patterns: for (pi, pat) in rule.patterns.iter().enumerate() {
            let Some((re, lines)) = prose.matching_regex(ri, pi, pat) else {
                continue;
            };
            for (line, text, offsets) in lines {
                let Some(m) = re.captures(text) else {
                    continue;
                };
                let Some(figure) = m.get(1) else {
                    continue;
                };
                let Some(n) = figure.as_str().parse::<f64>().ok() else {
                    continue;
                };
                let (page, line_no) =
                    line.place_at(offsets.get(figure.start()).copied().unwrap_or(0));
                if !readings.iter().any(|(_, x)| (n - x).abs() < EQ_TOLERANCE) {
                    // Each reading by the cells' own labels (`“（七）总计” / “总计”`).
                    let named = |keys: &[CellKey]| {
                        keys.iter()
                            .map(|k| {
                                cells
                                    .iter()
                                    .find(|c| {
                                        c.table == k.table && c.row == k.row && c.column == k.column
                                    })
                                    .map_or(k.to_string(), |c| {
                                        if c.row_label.is_empty() {
                                            format!("“{}”", c.column_label)
                                        } else {
                                            format!("“{}” / “{}”", c.row_label, c.column_label)
                                        }
                                    })
                            })
                            .collect::<Vec<_>>()
                            .join(" + ")
                    };
                    let shown: Vec<String> = readings
                        .iter()
                        .map(|(k, x)| format!("{} = {}", named(k), fmt_num(*x)))
                        .collect();
                    out.push(
                        Finding::new(
                            "text_table_mismatch",
                            Severity::Warning,
                            format!(
                                "prose on page {page} line {line_no} says “{}” but the table has {}; check whether the sentence restates that cell (then one of the two is wrong) or counts something else",
                                m.get(0).map_or("", |g| g.as_str()),
                                shown.join(" / ")
                            ),
                        )
                        .at(t, r, c)
                        .place(page, line_no)
                        .values(fmt_num(first_value), fmt_num(n)),
                    );
                }
                break 'patterns;
            }
        }
    }
    out
}

/// Cells of tables 3 and 4 printed blank or as a dash: not zero, so the identities
/// that use them are not evaluated; said once per cell so the gap is visible. A
/// blank an identity needed (reading it as a number would have let one more
/// identity be checked) is a warning and leaves the report `partial`: its
/// arithmetic could not be verified.
pub fn blank_cells(f: &Format, cells: &[Cell]) -> Vec<Finding> {
    blanks(f, cells, &mut values_of(cells))
}

/// [`blank_cells`] with the cells' values read once for the whole stage; each
/// blank is set on `values` for a moment and taken off again.
fn blanks<'c>(f: &Format, cells: &'c [Cell], values: &mut Values<'c>) -> Vec<Finding> {
    let base = evaluate(f, values);
    cells
        .iter()
        .filter(|c| {
            c.value.is_empty() && f.tables.shape_of(&c.table) != Some(Shape::Blocks)
        })
        .map(|c| {
            let shown = if c.raw.is_empty() {
                "blank".to_string()
            } else {
                format!("“{}”", c.raw)
            };
            // The blank read as 0 for a moment (not a copy of every value per blank).
            let before = values.insert(&c.table, &c.row, &c.column, 0.0);
            // Only identities naming the cell's row or column can change:
            // the others' outcomes are the base's and are dropped below.
            let filled = evaluate_where(f, values, |id| {
                id.table == c.table && (id.parsed.names(&c.row) || id.parsed.names(&c.column))
            });
            match before {
                Some(x) => values.insert(&c.table, &c.row, &c.column, x),
                None => values.remove(&c.table, &c.row, &c.column),
            };
            let needed: Vec<&str> = filled
                .into_iter()
                .filter(|o| !base.contains(o))
                .map(|o| o.identity)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let (severity, message) = if !needed.is_empty() {
                (
                    Severity::Warning,
                    format!(
                        "row “{}”, column “{}” is printed {shown}, not a number: {} could not be checked; check whether the report means 0 there",
                        c.row_label,
                        c.column_label,
                        needed.join(", ")
                    ),
                )
            } else {
                (
                    Severity::Info,
                    format!(
                        "row “{}”, column “{}” is printed {shown}, not a number; kept blank (no identity needed it)",
                        c.row_label, c.column_label
                    ),
                )
            };
            Finding::new("blank_cell", severity, message)
                .at(&c.table, &c.row, &c.column)
                .values("", c.raw.clone())
                .place_opt(c.page, c.line)
        })
        .collect()
}

/// The check stage of one report: pushes to `trail`, in this order, the missing
/// tables and rows (rows another error already explains are not missing), the
/// failed identities, the blank cells, and the prose figures that differ from the
/// cells they restate (read only from `prose`, the lines outside the tables).
/// A failed check never changes a value.
pub fn check_report(
    f: &Format,
    common: &Common,
    tables: &[ParsedTable],
    cells: &[Cell],
    prose: &ProseLines,
    trail: &mut Trail,
) {
    let missing = missing_rows(f, tables, cells, &trail.findings);
    trail.findings.extend(missing);
    let mut values = values_of(cells);
    trail.findings.extend(failed_identities(f, cells, &values));
    trail.findings.extend(blanks(f, cells, &mut values));
    trail
        .findings
        .extend(prose_mismatches(common, prose, cells, &values));
}

/// `missing_table` / `missing_row` for template rows with no cells and no other finding.
pub fn missing_rows(
    f: &Format,
    tables: &[ParsedTable],
    cells: &[Cell],
    findings: &[Finding],
) -> Vec<Finding> {
    // The rows with cells, and those an error explains, looked up by borrowed
    // ids: scanning every cell and finding for every template row was a tenth
    // of the check stage.
    let with_cells: FxHashSet<(&str, &str)> = cells.iter().map(|c| (&*c.table, &*c.row)).collect();
    let explained: FxHashSet<(&str, &str)> = findings
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .map(|x| (&*x.table, &*x.row))
        .collect();
    let mut out = Vec::new();
    for t in tables {
        if !t.found {
            out.push(
                Finding::new(
                    "missing_table",
                    Severity::Error,
                    format!(
                        "table “{}” not found: neither its caption nor its header was recognised, so its cells are empty; check whether the report prints it as text (not an image) and under which heading",
                        f.section_label(&t.table)
                    ),
                )
                .at(&t.table, "", ""),
            );
            continue;
        }
        let rows = f.data_row_ids(&t.table);
        let has_cells = |row: &str| with_cells.contains(&(&*t.table, row));
        for r in rows {
            // A report may print a group as one row (（六）其他处理 with its numbers
            // and no sub-rows): the sub-rows are then not missing, their numbers
            // are in the group's cells.
            let parent = f
                .tables
                .applications
                .rows
                .iter()
                .find(|x| t.table == f.tables.applications.id && x.id == r)
                .map(|x| x.parent.as_str())
                .filter(|p| !p.is_empty());
            let printed_as_one_row = |p: &str| {
                has_cells(p)
                    && !f
                        .tables
                        .applications
                        .rows
                        .iter()
                        .any(|x| x.parent == p && has_cells(&x.id))
            };
            if parent.is_some_and(printed_as_one_row) {
                continue;
            }
            if !has_cells(r) && !explained.contains(&(&*t.table, r)) {
                out.push(
                    Finding::new(
                        "missing_row",
                        Severity::Error,
                        format!(
                            "row “{}” of table “{}” was not found with numbers, so its cells are empty; check whether the report prints it (perhaps renamed, merged with another row, or split across a page)",
                            f.rows(&t.table).find(|x| x.id == r).map_or(r, |x| x.label.as_str()),
                            f.section_label(&t.table)
                        ),
                    )
                    .at(&t.table, r, ""),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammars;
    use crate::model::Line;

    fn cell(t: &str, r: &str, c: &str, v: &str) -> Cell {
        Cell {
            table: t.into(),
            row: r.into(),
            column: c.into(),
            value: v.into(),
            raw: v.into(),
            ..Default::default()
        }
    }

    /// [`prose_findings`] on one line of prose.
    fn prose_of(g: &Grammars, line: Line, cells: &[Cell]) -> Vec<Finding> {
        let lines = [line];
        prose_findings(&g.common, &ProseLines::new(&g.common, &lines), cells)
    }

    fn checks(f: &[Finding]) -> Vec<(&str, &str, &str)> {
        f.iter()
            .map(|f| (f.check.as_str(), f.row.as_str(), f.column.as_str()))
            .collect()
    }

    /// Table 4 of f2019 with the review group as given and every other group zero.
    fn t4(review: [&str; 5]) -> Vec<Cell> {
        let ids = ["maintained", "corrected", "other", "pending", "total"];
        let mut cells = Vec::new();
        for g in ["review", "direct", "after"] {
            for (i, id) in ids.iter().enumerate() {
                let v = if g == "review" { review[i] } else { "0" };
                cells.push(cell("review_litigation", "cases", &format!("{g}_{id}"), v));
            }
        }
        cells
    }

    #[test]
    fn a_failed_sum_is_one_error_with_both_sides() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2019").unwrap();
        assert!(identity_findings(f, &t4(["1", "2", "0", "0", "3"])).is_empty());
        let out = identity_findings(f, &t4(["1", "2", "0", "0", "4"]));
        assert_eq!(checks(&out), [("t4_review_total", "cases", "review_total")]);
        assert_eq!(out[0].severity, Severity::Error);
        assert_eq!(
            (out[0].expected.as_str(), out[0].actual.as_str()),
            ("3", "4")
        );
        // A blank operand: the identity is not evaluated, never failed.
        assert!(identity_findings(f, &t4(["1", "", "0", "0", "4"])).is_empty());
    }

    #[test]
    fn soft_table_2_rule_fails_only_when_smaller() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2019").unwrap();
        let t2 = |public: &str, new: &str| {
            vec![
                cell("active_disclosure", "regulations", "public_total", public),
                cell("active_disclosure", "regulations", "new_published", new),
            ]
        };
        assert!(identity_findings(f, &t2("5", "5")).is_empty());
        assert!(identity_findings(f, &t2("6", "5")).is_empty());
        let out = identity_findings(f, &t2("4", "5"));
        assert_eq!(
            checks(&out),
            [("t2_art20_1_public_ge_new", "regulations", "public_total")]
        );
        assert_eq!(out[0].severity, Severity::Warning);
        assert_eq!(out[0].expected, ">= 5");
    }

    #[test]
    fn printed_group_subtotal_is_compared_with_its_sub_rows() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2019").unwrap();
        let denied: Vec<String> = f
            .tables
            .applications
            .rows
            .iter()
            .filter(|r| r.parent == "denied")
            .map(|r| r.id.clone())
            .collect();
        assert_eq!(denied.len(), 8);
        let mut cells: Vec<Cell> = denied
            .iter()
            .map(|r| cell("applications", r, "natural_person", "1"))
            .collect();
        cells.push(cell("applications", "denied", "natural_person", "8"));
        assert!(identity_findings(f, &cells).is_empty());
        cells.last_mut().unwrap().value = "7".into();
        let out = identity_findings(f, &cells);
        assert_eq!(
            checks(&out),
            [("t3_group_subtotals", "denied", "natural_person")]
        );
        assert_eq!(
            (out[0].expected.as_str(), out[0].actual.as_str()),
            ("8", "7")
        );
        // A sub-row missing: nothing to compare.
        cells.remove(0);
        assert!(identity_findings(f, &cells).is_empty());
    }

    #[test]
    fn balance_holds_per_column() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let t3 = |new: &str| {
            vec![
                cell("applications", "new_received", "total", new),
                cell("applications", "carried_over", "total", "1"),
                cell("applications", "total_processed", "total", "4"),
                cell("applications", "carried_forward", "total", "2"),
            ]
        };
        assert!(identity_findings(f, &t3("5")).is_empty());
        let out = identity_findings(f, &t3("6"));
        assert_eq!(checks(&out), [("t3_balance", "", "total")]);
        assert!(out[0].message.contains("off by 1"), "{}", out[0].message);
    }

    #[test]
    fn prose_figure_that_differs_from_the_table_is_a_warning() {
        let g = Grammars::embedded().unwrap();
        let cells = vec![cell("applications", "new_received", "total", "35")];
        let same = Line::new("2020年，共收到政府信息公开申请35件。", 1, 3);
        let other = Line::new("2020年，共收到政府信息公开申请36件。", 1, 3);
        assert!(prose_of(&g, same, &cells).is_empty());
        let out = prose_of(&g, other, &cells);
        assert_eq!(
            checks(&out),
            [("text_table_mismatch", "new_received", "total")]
        );
        assert_eq!(
            (out[0].expected.as_str(), out[0].actual.as_str()),
            ("35", "36")
        );
    }

    #[test]
    fn blank_cells_of_tables_3_and_4_are_reported() {
        let mut blank = cell("applications", "granted", "total", "");
        blank.raw = "—".into();
        let cells = vec![
            blank,
            cell("active_disclosure", "regulations", "issued", ""),
            cell("applications", "partial", "total", "0"),
        ];
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let out = blank_cells(f, &cells);
        assert_eq!(checks(&out), [("blank_cell", "granted", "total")]);
        assert!(out[0].message.contains("“—”"));
        // No identity could have used it (its operands are absent): info only.
        assert_eq!(out[0].severity, Severity::Info);
    }

    #[test]
    fn missing_tables_and_rows() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2019").unwrap();
        let absent = ParsedTable {
            table: "review_litigation".into(),
            ..Default::default()
        };
        let out = missing_rows(f, &[absent], &[], &[]);
        assert_eq!(checks(&out), [("missing_table", "", "")]);
        let found = ParsedTable {
            table: "review_litigation".into(),
            found: true,
            ..Default::default()
        };
        let out = missing_rows(f, std::slice::from_ref(&found), &[], &[]);
        assert_eq!(checks(&out), [("missing_row", "cases", "")]);
        let out = missing_rows(f, &[found], &t4(["0", "0", "0", "0", "0"]), &[]);
        assert!(out.is_empty());
    }

    /// A cell with the report's own labels and its place in the input.
    fn placed(t: &str, r: &str, c: &str, v: &str, labels: (&str, &str), at: usize) -> Cell {
        Cell {
            row_label: labels.0.into(),
            column_label: labels.1.into(),
            page: Some(at),
            line: Some(at * 10),
            ..cell(t, r, c, v)
        }
    }

    fn template_row<'a>(f: &'a Format, t: &str, r: &str) -> &'a str {
        &f.rows(t).find(|x| x.id == r).unwrap().label
    }

    fn template_column<'a>(f: &'a Format, t: &str, c: &str) -> &'a str {
        &f.columns(t).find(|x| x.id == c).unwrap().label
    }

    #[test]
    fn a_per_column_failure_names_rows_as_printed_and_points_at_the_total() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let a = "applications";
        let cells = vec![
            // Decoys first: an empty label, a label of another column or row, a
            // cell of another table with the same ids.
            placed(a, "new_received", "natural_person", "0", ("", ""), 7),
            placed(a, "carried_over", "natural_person", "0", ("", "自然人X"), 8),
            placed(
                "active_disclosure",
                "new_received",
                "total",
                "0",
                ("别表行", "别表列"),
                9,
            ),
            placed(a, "new_received", "total", "6", ("", ""), 2),
            placed(a, "new_received", "total", "6", ("本年新收", "合计"), 3),
            placed(a, "carried_over", "total", "1", ("", ""), 4),
            placed(a, "total_processed", "total", "4", ("", ""), 5),
            placed(a, "carried_forward", "total", "2", ("", ""), 6),
        ];
        let out: Vec<Finding> = identity_findings(f, &cells)
            .into_iter()
            .filter(|x| x.check == "t3_balance")
            .collect();
        assert_eq!(checks(&out), [("t3_balance", "", "total")]);
        let m = &out[0].message;
        let expected = format!(
            "column “合计”: “本年新收” + “{}” is 7 but “{}” + “{}” add up to 6 (off by 1)",
            template_row(f, a, "carried_over"),
            template_row(f, a, "total_processed"),
            template_row(f, a, "carried_forward"),
        );
        assert!(m.starts_with(&expected), "{m}");
        // The first cell of the printed left-hand side, this column.
        assert_eq!((out[0].page, out[0].line), (Some(2), Some(20)));
        assert_eq!(
            (out[0].expected.as_str(), out[0].actual.as_str()),
            ("6", "7")
        );
    }

    #[test]
    fn a_single_failure_names_its_table_and_columns_by_the_template() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2019").unwrap();
        let t = "review_litigation";
        let out = identity_findings(f, &t4(["1", "2", "0", "0", "4"]));
        let col = |c: &str| format!("“{}”", template_column(f, t, c));
        let expected = format!(
            "table “{}”: {} is 4 but {} + {} + {} + {} add up to 3 (off by 1)",
            f.section_label(t),
            col("review_total"),
            col("review_maintained"),
            col("review_corrected"),
            col("review_other"),
            col("review_pending"),
        );
        assert!(out[0].message.starts_with(&expected), "{}", out[0].message);
        // No cell carries a place: none is invented.
        assert_eq!((out[0].page, out[0].line), (None, None));
    }

    #[test]
    fn a_per_row_failure_names_its_row_and_a_long_side_by_its_ends() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let a = "applications";
        let row = |r: &str, total: &str, first: &str| {
            let mut cells: Vec<Cell> = f.columns(a).map(|c| cell(a, r, &c.id, "0")).collect();
            for c in cells.iter_mut() {
                if c.column == "total" {
                    c.value = total.into();
                    c.page = Some(4);
                    c.line = Some(40);
                } else if c.column == "natural_person" {
                    c.value = first.into();
                }
            }
            cells
        };
        assert!(identity_findings(f, &row("granted", "3", "3")).is_empty());
        let out = identity_findings(f, &row("granted", "3", "1"));
        assert_eq!(checks(&out), [("t3_col_total", "granted", "")]);
        let m = &out[0].message;
        assert!(
            m.starts_with(&format!(
                "row “{}”: “{}” is 3 but the 6 cells “{}” … “{}” add up to 1 (off by 2);",
                template_row(f, a, "granted"),
                template_column(f, a, "total"),
                template_column(f, a, "natural_person"),
                template_column(f, a, "other_org"),
            )),
            "{m}"
        );
        assert_eq!((out[0].page, out[0].line), (Some(4), Some(40)));
    }

    #[test]
    fn operands_are_listed_by_count() {
        let name = |n: &str| format!("<{n}>");
        assert_eq!(terms(&[], &name), "");
        assert_eq!(terms(&["a"], &name), "<a>");
        assert_eq!(terms(&["a", "b", "c", "d"], &name), "<a> + <b> + <c> + <d>");
        assert_eq!(
            terms(&["a", "b", "c", "d", "e"], &name),
            "the 5 cells <a> … <e>"
        );
    }

    #[test]
    fn a_comparison_and_a_subtotal_point_at_their_cells() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2019").unwrap();
        let t = "active_disclosure";
        let cells = vec![
            placed(t, "regulations", "new_published", "5", ("", ""), 2),
            placed(t, "regulations", "public_total", "4", ("规章", ""), 3),
        ];
        let out = identity_findings(f, &cells);
        let m = &out[0].message;
        assert!(
            m.starts_with(&format!(
                "row “规章”: “{}” 4 is less than “{}” 5,",
                template_column(f, t, "public_total"),
                template_column(f, t, "new_published"),
            )),
            "{m}"
        );
        assert_eq!((out[0].page, out[0].line), (Some(3), Some(30)));

        let a = "applications";
        let mut cells: Vec<Cell> = f
            .tables
            .applications
            .rows
            .iter()
            .filter(|r| r.parent == "unable")
            .map(|r| cell(a, &r.id, "total", "1"))
            .collect();
        cells.push(placed(
            a,
            "unable",
            "total",
            "2",
            ("（四）无法提供", "总计"),
            5,
        ));
        let out = identity_findings(f, &cells);
        assert_eq!(checks(&out), [("t3_group_subtotals", "unable", "total")]);
        assert!(out[0]
            .message
            .starts_with("row “（四）无法提供”, column “总计”: the printed subtotal 2 differs from the sum of its sub-rows 3;"));
        assert_eq!((out[0].page, out[0].line), (Some(5), Some(50)));
    }

    #[test]
    fn a_prose_figure_may_restate_a_sum_of_cells() {
        let g = Grammars::embedded().unwrap();
        let a = "applications";
        let cells = vec![
            placed(
                a,
                "new_received",
                "natural_person",
                "9",
                ("别行", "别列"),
                1,
            ),
            placed(a, "new_received", "total", "30", ("本年新收", "总计"), 1),
            placed(a, "carried_over", "total", "5", ("", "总计"), 1),
        ];
        let says = |n: usize| Line::new(format!("2020年，共收到政府信息公开申请{n}件。"), 2, 7);
        // New applications, or new plus carried over: both readings hold.
        for n in [30, 35] {
            assert!(prose_of(&g, says(n), &cells).is_empty());
        }
        let out = prose_of(&g, says(36), &cells);
        assert_eq!(
            checks(&out),
            [("text_table_mismatch", "new_received", "total")]
        );
        assert_eq!((out[0].page, out[0].line), (Some(2), Some(7)));
        assert_eq!(
            (out[0].expected.as_str(), out[0].actual.as_str()),
            ("30", "36")
        );
        assert!(
            out[0].message.contains(
                "but the table has “本年新收” / “总计” = 30 / “本年新收” / “总计” + “总计” = 35;"
            ),
            "{}",
            out[0].message
        );
        // A reading whose cell is absent is no reading: nothing to compare.
        assert!(prose_of(&g, says(36), &cells[2..]).is_empty());
    }

    #[test]
    fn a_blank_an_identity_needed_is_a_warning_naming_it() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2019").unwrap();
        let mut cells = t4(["1", "", "0", "0", "3"]);
        cells[1].page = Some(6);
        cells[1].line = Some(60);
        let out = blank_cells(f, &cells);
        assert_eq!(checks(&out), [("blank_cell", "cases", "review_corrected")]);
        assert_eq!(out[0].severity, Severity::Warning);
        assert!(
            out[0]
                .message
                .contains("is printed blank, not a number: t4_review_total could not be checked"),
            "{}",
            out[0].message
        );
        assert_eq!((out[0].page, out[0].line), (Some(6), Some(60)));
        assert_eq!(out[0].actual, "");
    }

    #[test]
    fn a_group_printed_as_one_row_has_no_missing_sub_rows() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2019").unwrap();
        let a = "applications";
        let table = ParsedTable {
            table: a.into(),
            found: true,
            ..Default::default()
        };
        let sub_rows: Vec<&str> = f
            .tables
            .applications
            .rows
            .iter()
            .filter(|r| r.parent == "not_processed")
            .map(|r| r.id.as_str())
            .collect();
        let missing = |cells: &[Cell], findings: &[Finding]| -> Vec<String> {
            missing_rows(f, std::slice::from_ref(&table), cells, findings)
                .into_iter()
                .map(|x| x.row)
                .collect()
        };
        // Every data row but the group's sub-rows has cells.
        let mut cells: Vec<Cell> = f
            .data_row_ids(a)
            .iter()
            .filter(|r| !sub_rows.contains(r))
            .map(|r| cell(a, r, "total", "0"))
            .collect();
        assert_eq!(missing(&cells, &[]), sub_rows);
        cells.push(cell(a, "not_processed", "total", "0"));
        assert!(missing(&cells, &[]).is_empty());
        // One sub-row printed: the group was not printed as one row.
        cells.push(cell(a, sub_rows[0], "total", "0"));
        assert_eq!(missing(&cells, &[]), &sub_rows[1..]);
        // Another table's cells do not count for this one.
        cells.pop();
        cells.pop();
        cells.push(cell("review_litigation", "not_processed", "total", "0"));
        assert_eq!(missing(&cells, &[]), sub_rows);
        // A row an error already explains is not reported again; a warning does not
        // explain it, nor an error about another table.
        let at = |t: &str, severity| Finding::new("x", severity, "").at(t, sub_rows[0], "");
        assert_eq!(missing(&cells, &[at(a, Severity::Error)]), &sub_rows[1..]);
        assert_eq!(missing(&cells, &[at(a, Severity::Warning)]), sub_rows);
        assert_eq!(
            missing(&cells, &[at("review_litigation", Severity::Error)]),
            sub_rows
        );
        let out = missing_rows(f, std::slice::from_ref(&table), &cells, &[]);
        assert!(out[0].message.starts_with(&format!(
            "row “{}” of table “{}” was not found",
            template_row(f, a, sub_rows[0]),
            f.section_label(a)
        )));
    }
}
