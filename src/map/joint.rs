//! Joint resolution: glued rows left with several readings are decided together,
//! first by figures the prose states, then by the identities (勾稽关系) that span
//! rows of the whole table. Several winners, or a search cut short, leave the
//! rows ambiguous with a finding that lists the candidates.

use super::context::Ctx;
use super::evidence;
use super::rows::Ambiguous;
use super::Mapped;
use crate::grammar::identity::{evaluate_where, values_of, Relation};
use crate::grammar::Format;
use crate::model::{Finding, Severity};
use crate::parse::tables::ParsedTable;

/// Readings listed in an `ambiguous_split` message: enough to show how the
/// alternatives differ, few enough to keep the message readable (the rest are
/// counted).
const READINGS_SHOWN: usize = 8;

/// Joint resolution of glued rows tries every combination of their readings up to
/// this many; beyond it the identities are not searched and the rows stay ambiguous
/// (a finding), since enumeration time grows with the product.
pub(super) const MAX_JOINT_COMBINATIONS: usize = 5_000;

/// Resolves glued rows with several readings jointly, using the column identities
/// of the whole table; returns findings for what stays ambiguous.
pub(super) fn resolve_jointly<'c>(
    parsed: &ParsedTable,
    format: &Format,
    columns_of: &dyn Fn(&str) -> &'c [(String, String)],
    ambiguous: Vec<Ambiguous>,
    m: &mut Mapped,
    ctx: &Ctx,
    use_identities: bool,
) {
    // The report's own words first: a row whose prose figure agrees with exactly
    // one of its readings is decided by it.
    let mut ambiguous = ambiguous;
    ambiguous.retain(
        |Ambiguous {
             row: ri,
             readings: opts,
             raw,
             token: tok,
             complete,
         }| {
            let row = &parsed.rows[*ri];
            let cols = columns_of(&row.row);
            let ids: Vec<String> = cols.iter().map(|(id, _)| id.clone()).collect();
            if !*complete {
                return true;
            }
            let Some((pick, used)) =
                evidence::agreeing(&ctx.figures, &parsed.table, &row.row, &ids, opts)
            else {
                return true;
            };
            let said: Vec<String> = used
                .iter()
                .map(|f| format!("“{}” (page {} line {})", f.quote, f.page, f.line))
                .collect();
            m.repairs.push(ctx.split_repair(
                tok,
                raw,
                &opts[pick],
                &format!("the report's prose: {}", said.join(", ")),
            ));
            for (v, (cid, clabel)) in opts[pick].iter().zip(cols) {
                m.cells
                    .push(ctx.cell(&parsed.table, row, (cid, clabel), v, tok));
            }
            false
        },
    );
    if ambiguous.is_empty() {
        return;
    }
    let product: usize = ambiguous.iter().map(|a| a.readings.len().max(1)).product();
    let mut chosen: Option<Vec<usize>> = None;
    // Joint resolution needs every row's full list of readings.
    if use_identities
        && ambiguous
            .iter()
            .all(|a| !a.readings.is_empty() && a.complete)
        && product <= MAX_JOINT_COMBINATIONS
    {
        let mut idx = vec![0usize; ambiguous.len()];
        let mut winners = Vec::new();
        // Each row's column ids, and each reading's values as the cells would
        // hold them (what `ctx.cell` and `values_of` make of the raw text).
        let columns: Vec<&[(String, String)]> = ambiguous
            .iter()
            .map(|a| columns_of(&parsed.rows[a.row].row))
            .collect();
        let numbers: Vec<Vec<Vec<Option<f64>>>> = ambiguous
            .iter()
            .map(|a| {
                a.readings
                    .iter()
                    .map(|o| o.iter().map(|v| ctx.cell_number(v)).collect())
                    .collect()
            })
            .collect();
        // The placed cells' values, with each combination's values set on top
        // and taken off again (not a copy of every cell per combination).
        let mut vals = values_of(&m.cells);
        let mut undo = Vec::new();
        loop {
            // One combination evaluated is one node of the report's budget; out of
            // budget, the rows stay ambiguous (no winner is taken from a partial search).
            if !crate::budget::spend(1) {
                winners.clear();
                break;
            }
            for (ai, a) in ambiguous.iter().enumerate() {
                let row = parsed.rows[a.row].row.as_str();
                for (x, (cid, _)) in numbers[ai][idx[ai]].iter().zip(columns[ai]) {
                    if let Some(x) = *x {
                        let before = vals.insert(&parsed.table, row, cid, x);
                        undo.push((row, cid.as_str(), before));
                    }
                }
            }
            // Only this table's identities are read below.
            let outcomes = evaluate_where(format, &vals, |id| id.table == parsed.table);
            while let Some((row, cid, before)) = undo.pop() {
                match before {
                    Some(x) => vals.insert(&parsed.table, row, cid, x),
                    None => vals.remove(&parsed.table, row, cid),
                };
            }
            if outcomes
                .iter()
                .filter(|o| o.table == parsed.table && o.relation == Relation::Eq)
                .all(|o| o.holds())
            {
                winners.push(idx.clone());
                if winners.len() > 1 {
                    break;
                }
            }
            // Next combination.
            let mut i = 0;
            loop {
                if i == idx.len() {
                    break;
                }
                idx[i] += 1;
                if idx[i] < ambiguous[i].readings.len() {
                    break;
                }
                idx[i] = 0;
                i += 1;
            }
            if i == idx.len() {
                break;
            }
        }
        if winners.len() == 1 {
            chosen = winners.pop();
        }
    }
    for (ai, a) in ambiguous.iter().enumerate() {
        let (ri, opts, raw, tok, complete) = (&a.row, &a.readings, &a.raw, &a.token, &a.complete);
        let row = &parsed.rows[*ri];
        if let Some(ch) = &chosen {
            let pick = &opts[ch[ai]];
            m.repairs.push(ctx.split_repair(
                tok,
                raw,
                pick,
                "table identities (勾稽关系) across rows",
            ));
            for (v, (cid, clabel)) in pick.iter().zip(columns_of(&row.row)) {
                m.cells
                    .push(ctx.cell(&parsed.table, row, (cid, clabel), v, tok));
            }
        } else {
            let label = if row.label.is_empty() {
                &row.row
            } else {
                &row.label
            };
            if opts.is_empty() {
                let why = if *complete {
                    format!(
                        "cannot be read as {} numbers that satisfy the row's identities",
                        columns_of(&row.row).len()
                    )
                } else {
                    "were not split: the report's search budget ran out before a reading was found"
                        .to_string()
                };
                m.findings.push(
                    Finding::new(
                        "ambiguous_split",
                        Severity::Error,
                        format!("glued digits “{raw}” of row “{label}” {why}; cells left empty — read the row in the report and fill them by hand"),
                    )
                    .at(&parsed.table, &row.row, "")
                    .values("", raw.clone()),
                );
                continue;
            }
            let shown: Vec<String> = opts
                .iter()
                .take(READINGS_SHOWN)
                .map(|o| o.join("/"))
                .collect();
            let more = if !complete {
                format!(
                    " and more: too many to enumerate, {} shown",
                    opts.len().min(READINGS_SHOWN)
                )
            } else if opts.len() > READINGS_SHOWN {
                format!(" and {} more", opts.len() - READINGS_SHOWN)
            } else {
                String::new()
            };
            m.findings.push(
                Finding::new(
                    "ambiguous_split",
                    Severity::Error,
                    format!(
                        "glued digits “{raw}” of row “{label}” have {}{} readings ({}{more}); cells left empty — read the row in the report (or the original PDF) to choose",
                        if *complete { "" } else { "at least " },
                        opts.len(),
                        shown.join(", ")
                    ),
                )
                .at(&parsed.table, &row.row, "")
                .values("", raw.clone())
                .place_opt(ctx.loc(tok).0, ctx.loc(tok).1),
            );
        }
    }
}
