//! Row reading: one parsed row's tokens → the template's columns, a set of
//! candidate digit splits, or a finding (too few or too many numbers).

use super::context::Ctx;
use super::digits::{digit_splits, Splits};
use super::position::{column_centers, place_by_position, Measure};
use super::Mapped;
use crate::model::{Finding, Line, Severity};
use crate::parse::tables::{ParsedRow, ParsedTable};
use crate::parse::tokens::{parse_number, Kind, Token};

/// A glued row left with several readings (or none), for joint resolution.
pub(super) struct Ambiguous<'a> {
    /// Index of the row in its parsed table.
    pub(super) row: usize,
    /// The readings that pass the row's own checks.
    pub(super) readings: Vec<Vec<String>>,
    /// The glued digits as printed.
    pub(super) raw: String,
    /// The token whose place the cells and findings point at.
    pub(super) token: Token<'a>,
    /// Whether `readings` are all there are (the enumeration was not cut short).
    pub(super) complete: bool,
}

/// Trims blank cells at the edges while the row is wider than the template.
pub(super) fn trim_blanks<'a>(cells: &[Token<'a>], k: usize) -> Vec<Token<'a>> {
    let mut v: Vec<Token> = cells.to_vec();
    while v.len() > k && v.last().is_some_and(|t| t.kind == Kind::Blank) {
        v.pop();
    }
    while v.len() > k && v.first().is_some_and(|t| t.kind == Kind::Blank) {
        v.remove(0);
    }
    v
}

/// What one row's tokens say before identities are applied.
pub(super) enum Reading<'a> {
    /// One token per column.
    Cells(Vec<Token<'a>>),
    /// Glued digits with several possible readings.
    Candidates {
        raw: String,
        options: Splits,
        token: Token<'a>,
    },
    /// Fewer numbers than columns and no way to place them.
    Short(Vec<Token<'a>>),
}

/// Whether a row's cells come from field-separated lines (tabs, markdown pipes):
/// there a cell's position on the line follows the label's length, not a column,
/// so only explicit (empty) fields place values, never positions.
///
/// `separated_line` answers for one line ([`line_is_separated`]; the mapping
/// context keeps each line's answer, as a table crawled onto one long line asked
/// it of that whole line for every cell).
pub(super) fn is_separated(cells: &[Token], separated_line: &dyn Fn(usize) -> bool) -> bool {
    cells.iter().any(|t| separated_line(t.line))
}

/// Whether a line's fields are separated by tabs or markdown pipes.
pub(super) fn line_is_separated(l: &Line) -> bool {
    l.text.contains('\t') || l.text.trim_start().starts_with('|')
}

/// A lone field of plain digits, at least one per column, in a separated row short
/// of fields: most likely a run whose cell borders were lost (`898989` for
/// 898/9/89), so it is read as a glued run rather than put in one column.
pub(super) fn lone_digit_run(cells: &[Token], k: usize) -> bool {
    let nums: Vec<&Token> = cells.iter().filter(|t| t.kind == Kind::Num).collect();
    k > 1
        && nums.len() == 1
        && nums[0].raw.chars().all(|c| c.is_ascii_digit())
        && nums[0].raw.chars().count() >= k
}

pub(super) fn read_row<'a>(
    row: &ParsedRow<'a>,
    k: usize,
    units: &[String],
    centers: &Option<(Vec<f64>, Measure)>,
    separated_line: &dyn Fn(usize) -> bool,
    check: &dyn Fn(&[String]) -> bool,
) -> (Reading<'a>, Vec<Token<'a>>) {
    let cells = trim_blanks(&row.cells, k);
    let separated = is_separated(&cells, separated_line);
    let short_run = separated && cells.len() < k && lone_digit_run(&cells, k);
    if short_run
        || (cells.iter().any(|t| t.glued)
            && (cells.len() != k || cells.iter().any(|t| t.raw.contains(' '))))
    {
        let raw: String = cells
            .iter()
            .filter(|t| t.kind == Kind::Num)
            .map(|t| t.raw)
            .collect::<Vec<_>>()
            .join(" ");
        let options = digit_splits(&raw, k, units, check);
        let token = cells
            .iter()
            .find(|t| t.glued)
            .or_else(|| cells.iter().find(|t| t.kind == Kind::Num))
            .cloned()
            .unwrap_or_else(|| cells[0]);
        return (
            Reading::Candidates {
                raw,
                options,
                token,
            },
            Vec::new(),
        );
    }
    if cells.len() >= k {
        let extra = cells[k..]
            .iter()
            .filter(|t| t.kind == Kind::Num)
            .cloned()
            .collect();
        return (Reading::Cells(cells[..k].to_vec()), extra);
    }
    // Space-aligned text with blank cells: place numbers by column position.
    if let (Some(c), false) = (centers, separated) {
        if let Some(placed) = place_by_position(&cells, c) {
            return (Reading::Cells(placed), Vec::new());
        }
    }
    (Reading::Short(cells), Vec::new())
}

/// Maps a table whose rows each carry the same `columns` (table 3) or, with
/// `columns_of`, per-row columns (table 2), or the single row of table 4.
pub(super) fn map_rows<'a, 'c>(
    parsed: &ParsedTable<'a>,
    columns_of: &dyn Fn(&str) -> &'c [(String, String)],
    row_check: &dyn Fn(&str, &[String]) -> bool,
    ctx: &Ctx,
) -> (Mapped, Vec<Ambiguous<'a>>) {
    let mut m = Mapped::default();
    let mut ambiguous = Vec::new();
    let k_of = |row: &str| columns_of(row).len();
    let k0 = parsed.rows.first().map_or(0, |r| k_of(&r.row));
    let centers = column_centers(&parsed.rows, k0);
    for (ri, row) in parsed.rows.iter().enumerate() {
        let cols = columns_of(&row.row);
        let k = cols.len();
        if k == 0 {
            continue;
        }
        let centers = if k == k0 { &centers } else { &None };
        let check = |v: &[String]| row_check(&row.row, v);
        let (mut reading, extra) = read_row(
            row,
            k,
            ctx.units,
            centers,
            &|i| ctx.line_separated(i),
            &check,
        );
        // More numbers than columns: the first k are the row only if they satisfy
        // the row's own identity (a trailing stray value); otherwise the layout is
        // not the template's (an added subtotal column) and nothing is placed.
        if let (Reading::Cells(tokens), false) = (&reading, extra.is_empty()) {
            let values: Vec<String> = tokens
                .iter()
                .map(|t| {
                    parse_number(t.raw, ctx.units)
                        .map(|n| n.value)
                        .unwrap_or_default()
                })
                .collect();
            if !row_check(&row.row, &values) {
                let mut all = tokens.clone();
                all.extend(extra.iter().cloned());
                m.findings.push(
                    Finding::new(
                        "row_too_wide",
                        Severity::Error,
                        format!("row “{}” has {} numbers for {} columns and the first {k} do not add up; nothing placed — check the row in the report (an added column, or a number of the next row)", row.label, all.len(), k),
                    )
                    .at(&parsed.table, &row.row, "")
                    .values(k.to_string(), all.len().to_string())
                    .place_opt(ctx.first_loc(&all).0, ctx.first_loc(&all).1),
                );
                reading = Reading::Short(Vec::new());
                for t in all.iter().filter(|t| t.kind == Kind::Num) {
                    m.findings.push(ctx.unplaced(
                        &parsed.table,
                        (&row.row, &row.label),
                        t,
                        "the row has more numbers than columns and the first ones do not add up (see row_too_wide); check the row in the report",
                    ));
                }
            }
        }
        if matches!(reading, Reading::Cells(_)) {
            for t in &extra {
                m.findings.push(ctx.unplaced(
                    &parsed.table,
                    (&row.row, &row.label),
                    t,
                    &format!("it follows the row's {k} cells and the template has no column for it; check whether the report added a column or the number belongs to another row"),
                ));
            }
        }
        match reading {
            Reading::Cells(tokens) => {
                for (t, (cid, clabel)) in tokens.iter().zip(cols) {
                    m.cells
                        .push(ctx.cell(&parsed.table, row, (cid, clabel), t.raw, t));
                }
            }
            Reading::Candidates {
                raw,
                options,
                token,
            } => {
                let complete = options.complete;
                let fitting = options.readings;
                if complete && fitting.len() == 1 {
                    let rule = if k == 1 {
                        "column count"
                    } else {
                        "row identity and column count"
                    };
                    m.repairs
                        .push(ctx.split_repair(&token, &raw, &fitting[0], rule));
                    for (v, (cid, clabel)) in fitting[0].iter().zip(cols) {
                        m.cells
                            .push(ctx.cell(&parsed.table, row, (cid, clabel), v, &token));
                    }
                } else {
                    ambiguous.push(Ambiguous {
                        row: ri,
                        readings: fitting,
                        raw,
                        token,
                        complete,
                    });
                }
            }
            Reading::Short(tokens) if tokens.is_empty() => {}
            Reading::Short(tokens) => {
                m.findings.push(
                    Finding::new(
                        "row_incomplete",
                        Severity::Error,
                        format!(
                            "row “{}” has {} cells for {} columns; its numbers are not placed — check the row in the report (cells lost in conversion, or a row wrapped over lines)",
                            row.label,
                            tokens.len(),
                            k
                        ),
                    )
                    .at(&parsed.table, &row.row, "")
                    .values(k.to_string(), tokens.len().to_string())
                    .place_opt(ctx.first_loc(&tokens).0, ctx.first_loc(&tokens).1),
                );
                for t in tokens.iter().filter(|t| t.kind == Kind::Num) {
                    m.findings.push(ctx.unplaced(
                        &parsed.table,
                        (&row.row, &row.label),
                        t,
                        "the row has too few numbers to tell which column each belongs to (see row_incomplete); check the row in the report",
                    ));
                }
            }
        }
    }
    for t in &parsed.stray {
        let given_back = parsed
            .released
            .iter()
            .find(|r| r.at.contains(&(t.line, t.ccol)));
        let why = match given_back {
            Some(r) => format!(
                "it follows the group label “{}”, which takes numbers only when its printed sub-rows have theirs, and {} printed without numbers; check whether it is the group's subtotal or a sub-row's values",
                r.group,
                r.lacking
                    .iter()
                    .map(|l| format!("“{l}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + if r.lacking.len() == 1 { " is" } else { " are" }
            ),
            None => "it sits inside the table but belongs to no recognised row; check which row the report prints it on".to_string(),
        };
        m.findings
            .push(ctx.unplaced(&parsed.table, ("", ""), t, &why));
    }
    (m, ambiguous)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tokens::tokenize_line;

    fn toks(line: &str) -> Vec<Token<'_>> {
        tokenize_line(line, 0, &crate::parse::tokens::test_cells(&["—"], &[]))
            .into_iter()
            .filter(|t| t.kind != Kind::Text)
            .collect()
    }

    fn kinds<'a>(ts: &[Token<'a>]) -> Vec<(Kind, &'a str)> {
        ts.iter().map(|t| (t.kind, t.raw)).collect()
    }

    #[test]
    fn blanks_at_the_edges_go_only_while_the_row_is_too_wide() {
        use Kind::*;
        let row = toks("a\t\t1\t2\t");
        assert_eq!(
            kinds(&row),
            [(Blank, ""), (Num, "1"), (Num, "2"), (Blank, "")]
        );
        assert_eq!(kinds(&trim_blanks(&row, 2)), [(Num, "1"), (Num, "2")]);
        // The trailing blank goes first.
        assert_eq!(
            kinds(&trim_blanks(&row, 3)),
            [(Blank, ""), (Num, "1"), (Num, "2")]
        );
        assert_eq!(kinds(&trim_blanks(&row, 4)), kinds(&row));
        // Numbers are never trimmed.
        assert_eq!(kinds(&trim_blanks(&toks("a\t1\t2\t3"), 2)).len(), 3);
    }

    #[test]
    fn a_lone_field_of_digits_is_a_glued_run() {
        assert!(lone_digit_run(&toks("a\t898989"), 3));
        assert!(lone_digit_run(&toks("a\t898"), 3));
        assert!(!lone_digit_run(&toks("a\t89"), 3));
        assert!(!lone_digit_run(&toks("a\t898989"), 1));
        assert!(!lone_digit_run(&toks("a\t8,989"), 3));
        assert!(!lone_digit_run(&toks("a\t898\t9"), 3));
        assert!(lone_digit_run(&toks("a\t\t898"), 3));
    }

    #[test]
    fn separated_rows_are_those_on_tab_or_pipe_lines() {
        let sep = |t: &[Token], text: Option<&str>| {
            let lines: Vec<Line> = text.map(|t| Line::new(t, 1, 1)).into_iter().collect();
            is_separated(t, &|i| lines.get(i).is_some_and(line_is_separated))
        };
        let t = toks("a  1");
        assert!(!sep(&t, Some("a  1")));
        assert!(sep(&t, Some("a\t1")));
        assert!(sep(&t, Some("  | a | 1 |")));
        assert!(!sep(&t, Some("a 1 | 2")));
        assert!(!sep(&t, None));
    }
}
