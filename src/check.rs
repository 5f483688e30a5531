//! Check: the arithmetic the template implies (勾稽关系) and the figures the prose
//! restates. Every failure becomes a [`Finding`]; nothing here changes a value.

use crate::grammar::{Common, Format, Identity};
use crate::model::{Cell, Finding, Line, Severity};
use std::collections::{BTreeMap, HashMap};

/// Cell values by `(table, row, column)`; only printed numbers.
pub type Values = HashMap<(String, String, String), f64>;

pub fn values_of(cells: &[Cell]) -> Values {
    cells
        .iter()
        .filter_map(|c| {
            let v: f64 = c.value.parse().ok()?;
            Some(((c.table.clone(), c.row.clone(), c.column.clone()), v))
        })
        .collect()
}

/// One evaluated instance of an identity: where it applies and both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub identity: String,
    pub table: String,
    /// The row (per_row / single) or column (per_column) it was evaluated for.
    pub row: String,
    pub column: String,
    pub lhs: f64,
    pub rhs: f64,
}

impl Outcome {
    pub fn holds(&self) -> bool {
        (self.lhs - self.rhs).abs() < 1e-6
    }
}

fn get(v: &Values, t: &str, r: &str, c: &str) -> Option<f64> {
    v.get(&(t.to_string(), r.to_string(), c.to_string()))
        .copied()
}

fn sum<'a>(v: &Values, keys: impl Iterator<Item = (&'a str, &'a str)>, t: &str) -> Option<f64> {
    let mut s = 0.0;
    for (r, c) in keys {
        s += get(v, t, r, c)?;
    }
    Some(s)
}

/// Evaluates the identities of `format` whose operands are all present.
/// Identities with `apply = "cross_year"` or an `optional`/free-form `expr` only are skipped.
pub fn evaluate(format: &Format, v: &Values) -> Vec<Outcome> {
    let mut out = Vec::new();
    for id in &format.identities {
        if id.lhs.is_empty() || id.rhs.is_empty() {
            continue;
        }
        match id.apply.as_str() {
            "per_column" => {
                let cols = format.column_ids(&id.table);
                for c in cols {
                    let l = sum(
                        v,
                        id.lhs.iter().map(|r| (r.as_str(), c.as_str())),
                        &id.table,
                    );
                    let r = sum(
                        v,
                        id.rhs.iter().map(|r| (r.as_str(), c.as_str())),
                        &id.table,
                    );
                    if let (Some(l), Some(r)) = (l, r) {
                        out.push(outcome(id, "", &c, l, r));
                    }
                }
            }
            "per_row" => {
                for row in format.data_row_ids(&id.table) {
                    let l = sum(
                        v,
                        id.lhs.iter().map(|c| (row.as_str(), c.as_str())),
                        &id.table,
                    );
                    let r = sum(
                        v,
                        id.rhs.iter().map(|c| (row.as_str(), c.as_str())),
                        &id.table,
                    );
                    if let (Some(l), Some(r)) = (l, r) {
                        out.push(outcome(id, &row, "", l, r));
                    }
                }
            }
            "single" => {
                let l = sum(v, id.lhs.iter().map(|c| ("cases", c.as_str())), &id.table);
                let r = sum(v, id.rhs.iter().map(|c| ("cases", c.as_str())), &id.table);
                if let (Some(l), Some(r)) = (l, r) {
                    let col = id.lhs.first().map(String::as_str).unwrap_or("");
                    out.push(outcome(id, "cases", col, l, r));
                }
            }
            _ => {}
        }
    }
    out
}

fn outcome(id: &Identity, row: &str, column: &str, lhs: f64, rhs: f64) -> Outcome {
    Outcome {
        identity: id.id.clone(),
        table: id.table.clone(),
        row: row.to_string(),
        column: column.to_string(),
        lhs,
        rhs,
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Findings for every failed identity of the report's template.
pub fn identity_findings(format: &Format, cells: &[Cell]) -> Vec<Finding> {
    let v = values_of(cells);
    let status: BTreeMap<&str, &str> = format
        .identities
        .iter()
        .map(|i| (i.id.as_str(), i.status.as_str()))
        .collect();
    let exprs: BTreeMap<&str, &str> = format
        .identities
        .iter()
        .map(|i| (i.id.as_str(), i.expr.as_str()))
        .collect();
    let mut out = Vec::new();
    for o in evaluate(format, &v).into_iter().filter(|o| !o.holds()) {
        let sev = if status.get(o.identity.as_str()) == Some(&"soft") {
            Severity::Warning
        } else {
            Severity::Error
        };
        let expr = exprs.get(o.identity.as_str()).copied().unwrap_or("");
        let at = if o.column.is_empty() || o.row == "cases" {
            o.row.clone()
        } else {
            format!("column {}", o.column)
        };
        out.push(
            Finding::new(
                &o.identity,
                sev,
                format!(
                    "{expr} fails for {at}: {} ≠ {}",
                    fmt_num(o.lhs),
                    fmt_num(o.rhs)
                ),
            )
            .at(&o.table, &o.row, &o.column)
            .values(fmt_num(o.rhs), fmt_num(o.lhs)),
        );
    }
    out.extend(soft_row_checks(format, &v));
    out.extend(group_subtotals(format, &v));
    out
}

/// `t3_group_subtotals`: a number printed on a group row (（三）不予公开 …) equals
/// the sum of its sub-rows. Only evaluated where a report prints one.
fn group_subtotals(format: &Format, v: &Values) -> Vec<Finding> {
    let t = &format.tables.applications;
    let Some(id) = format
        .identities
        .iter()
        .find(|i| i.id == "t3_group_subtotals")
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for g in t.rows.iter().filter(|r| !r.is_data()) {
        let children: Vec<&str> = t
            .rows
            .iter()
            .filter(|r| r.parent == g.id && r.is_data())
            .map(|r| r.id.as_str())
            .collect();
        for c in &t.columns {
            let Some(printed) = get(v, "applications", &g.id, &c.id) else {
                continue;
            };
            let Some(sum) = sum(
                v,
                children.iter().map(|r| (*r, c.id.as_str())),
                "applications",
            ) else {
                continue;
            };
            if (printed - sum).abs() > 1e-6 {
                out.push(
                    Finding::new(
                        &id.id,
                        Severity::Warning,
                        format!(
                            "{} {}: printed subtotal {} ≠ sum of sub-rows {}",
                            g.label,
                            c.label,
                            fmt_num(printed),
                            fmt_num(sum)
                        ),
                    )
                    .at("applications", &g.id, &c.id)
                    .values(fmt_num(sum), fmt_num(printed)),
                );
            }
        }
    }
    out
}

/// Soft per-row comparisons written as `a >= b` in a block of table 2.
fn soft_row_checks(format: &Format, v: &Values) -> Vec<Finding> {
    let mut out = Vec::new();
    for id in format
        .identities
        .iter()
        .filter(|i| i.apply == "per_row" && !i.block.is_empty())
    {
        let Some((a, b)) = id.expr.split_once(">=") else {
            continue;
        };
        let (a, b) = (a.trim(), b.trim());
        let Some(block) = format
            .tables
            .active_disclosure
            .blocks
            .iter()
            .find(|bl| bl.id == id.block)
        else {
            continue;
        };
        for row in &block.rows {
            if let (Some(x), Some(y)) =
                (get(v, &id.table, &row.id, a), get(v, &id.table, &row.id, b))
            {
                if x < y {
                    out.push(
                        Finding::new(
                            &id.id,
                            Severity::Warning,
                            format!("{}: {a} {} < {b} {}", row.label, fmt_num(x), fmt_num(y)),
                        )
                        .at(&id.table, &row.id, a)
                        .values(format!(">= {}", fmt_num(y)), fmt_num(x)),
                    );
                }
            }
        }
    }
    out
}

/// The value of `a.b.c+d.e.f` (every operand present), or None.
fn reading(v: &Values, expr: &str) -> Option<f64> {
    let mut total = 0.0;
    for key in expr.split('+') {
        let parts: Vec<&str> = key.trim().split('.').collect();
        let [t, r, c] = parts.as_slice() else {
            return None;
        };
        total += get(v, t, r, c)?;
    }
    Some(total)
}

/// [`crate::text::compact`] of `s`, with the byte offset in `s` of each byte of the result.
fn compact_mapped(s: &str) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut offsets = Vec::new();
    for (i, c) in s.char_indices() {
        if let Some(k) = crate::text::compact_char(c) {
            out.push(k);
            offsets.resize(out.len(), i);
        }
    }
    (out, offsets)
}

/// Compares figures the prose states with the table cells they restate.
/// `prose` is the report's paragraphs outside tables.
pub fn prose_findings(common: &Common, prose: &[&Line], cells: &[Cell]) -> Vec<Finding> {
    let v = values_of(cells);
    let mut out = Vec::new();
    let compacted: Vec<(String, Vec<usize>)> =
        prose.iter().map(|l| compact_mapped(&l.text)).collect();
    for rule in &common.prose {
        let readings: Vec<(String, f64)> = rule
            .cells
            .iter()
            .filter_map(|e| Some((e.clone(), reading(&v, e)?)))
            .collect();
        let Some((first_key, first_value)) = readings.first().cloned() else {
            continue;
        };
        let parts: Vec<&str> = first_key
            .split('+')
            .next()
            .unwrap_or("")
            .split('.')
            .collect();
        let [t, r, c] = parts.as_slice() else {
            continue;
        };
        'patterns: for pat in &rule.patterns {
            let Some(re) = crate::text::cached_regex(pat) else {
                continue;
            };
            for (line, (text, offsets)) in prose.iter().zip(&compacted) {
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
                if !readings.iter().any(|(_, x)| (n - x).abs() < 1e-9) {
                    let shown: Vec<String> = readings
                        .iter()
                        .map(|(k, x)| format!("{k} = {}", fmt_num(*x)))
                        .collect();
                    out.push(
                        Finding::new(
                            "text_table_mismatch",
                            Severity::Warning,
                            format!(
                                "prose on page {page} line {line_no} says “{}” but the table has {}",
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
