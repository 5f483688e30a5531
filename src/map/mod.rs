//! Map: parsed rows → canonical cells.
//!
//! Each row's tokens become exactly the template's columns. Runs of digits whose
//! cell borders were lost (glued web text) are split only when the table's own
//! identities, a sign, a unit, a space or the column count leave one reading; the
//! split is logged as a repair. Otherwise nothing is placed and a finding lists the
//! candidates. Surplus numbers are reported as `unplaced_value`, never dropped.

pub mod evidence;

use crate::grammar::identity::{evaluate, values_of, Relation};
use crate::grammar::{Apply, Common, Expr, Format, Status};
use crate::model::{Cell, Finding, Line, Repair, Severity};
use crate::parse::tables::{ParsedRow, ParsedTable};
use crate::parse::tokens::{parse_number, Kind, Token};

/// Work cap for enumerating the readings of one glued run: past it the run is
/// reported as ambiguous rather than read from a partial enumeration.
const MAX_NODES: usize = 2_000_000;
/// Readings kept for joint resolution and for the finding's candidate list.
const MAX_READINGS: usize = 500;
/// Longest value (digits and decimal point) a glued run is split into. The
/// largest figures of the three tables are table 2's money totals in yuan (up to
/// 10^12 with two decimals: 15 characters); allowing longer values only makes
/// hostile runs (a thousand glued digits) search forever.
const MAX_VALUE_CHARS: usize = 16;

/// Column spacing (characters) assumed when a table has one column: about the
/// width of a short header cell, so a value printed under it still fits.
const SINGLE_COLUMN_SPACING: f64 = 8.0;

/// A value placed by position must lie within this fraction of the column spacing
/// from a column's centre: under half, so it can never be as near to a neighbour.
const MAX_COLUMN_OFFSET: f64 = 0.45;

/// Joint resolution of glued rows tries every combination of their readings up to
/// this many; beyond it the identities are not searched and the rows stay ambiguous
/// (a finding), since enumeration time grows with the product.
const MAX_JOINT_COMBINATIONS: usize = 5_000;

/// A glued row with several readings: (row index, readings, raw digits, token,
/// whether the readings are all there are).
type Ambiguous = (usize, Vec<Vec<String>>, String, Token, bool);

/// Output of mapping one table.
#[derive(Debug, Default)]
pub struct Mapped {
    pub cells: Vec<Cell>,
    pub findings: Vec<Finding>,
    pub repairs: Vec<Repair>,
}

/// The readings of a glued run that pass the row's checks.
#[derive(Debug, Default, PartialEq)]
pub struct Splits {
    pub readings: Vec<Vec<String>>,
    /// False when the enumeration hit its cap: `readings` may miss the truth.
    pub complete: bool,
}

/// One space- or sign-separated part of a glued run.
struct Piece {
    sign: Option<char>,
    /// Digits and at most one decimal point.
    body: Vec<char>,
    unit: String,
}

fn pieces(raw: &str, units: &[String]) -> Vec<Piece> {
    let mut out = Vec::new();
    for p in raw.split(' ').filter(|p| !p.is_empty()) {
        let mut cur = String::new();
        let mut parts = Vec::new();
        for c in p.chars() {
            if matches!(c, '+' | '-') && !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            cur.push(c);
        }
        parts.push(cur);
        for part in parts {
            let (sign, body, unit) = crate::parse::tokens::split_sign_unit(&part, units);
            out.push(Piece {
                sign,
                body: body.chars().collect(),
                unit,
            });
        }
    }
    out
}

/// Every reading of a glued run as exactly `k` numbers that `check` accepts.
///
/// Spaces and signs are hard borders (a sign starts a number), a unit ends the
/// number it follows, a fraction runs to the end of its part, and no number but 0
/// starts with 0. `check` sees each prefix of a reading as it grows, so identities
/// whose operands are all read prune the search early.
pub fn digit_splits(
    raw: &str,
    k: usize,
    units: &[String],
    check: &dyn Fn(&[String]) -> bool,
) -> Splits {
    let ps = pieces(raw, units);
    let mut out = Splits {
        readings: Vec::new(),
        complete: true,
    };
    let mut acc = Vec::new();
    let mut nodes = 0usize;
    split_rec(&ps, 0, 0, k, check, &mut acc, &mut out, &mut nodes);
    out
}

#[allow(clippy::too_many_arguments)]
fn split_rec(
    ps: &[Piece],
    pi: usize,
    pos: usize,
    k: usize,
    check: &dyn Fn(&[String]) -> bool,
    acc: &mut Vec<String>,
    out: &mut Splits,
    nodes: &mut usize,
) {
    *nodes += 1;
    if *nodes > MAX_NODES || out.readings.len() >= MAX_READINGS || !crate::budget::spend(1) {
        out.complete = false;
        return;
    }
    let Some(piece) = ps.get(pi) else {
        if acc.len() == k && check(acc) {
            out.readings.push(acc.clone());
        }
        return;
    };
    // Every remaining part needs at least one number; every number one digit.
    let digits_left: usize =
        piece.body.len() - pos + ps[pi + 1..].iter().map(|p| p.body.len()).sum::<usize>();
    let values_left = k.saturating_sub(acc.len());
    if values_left < ps.len() - pi
        || values_left > digits_left
        || digits_left > values_left * MAX_VALUE_CHARS
    {
        return;
    }
    for end in pos + 1..=piece.body.len().min(pos + MAX_VALUE_CHARS) {
        let part: String = piece.body[pos..end].iter().collect();
        let last = end == piece.body.len();
        if !valid_number(&part) {
            if part.starts_with('0') && !part.starts_with("0.") && part.len() > 1 {
                break;
            }
            continue;
        }
        if part.contains('.') && !last {
            continue;
        }
        let mut value = part;
        if pos == 0 {
            if let Some(sg) = piece.sign {
                value.insert(0, sg);
            }
        }
        if last {
            value.push_str(&piece.unit);
        }
        acc.push(value);
        if check(acc) {
            if last {
                split_rec(ps, pi + 1, 0, k, check, acc, out, nodes);
            } else {
                split_rec(ps, pi, end, k, check, acc, out, nodes);
            }
        }
        acc.pop();
    }
}

/// No leading zeros (except `0` and `0.x`), digits on both sides of a point.
fn valid_number(p: &str) -> bool {
    if p.is_empty() || p.starts_with('.') || p.ends_with('.') {
        return false;
    }
    let int = p.split('.').next().unwrap_or("");
    !(int.len() > 1 && int.starts_with('0'))
}

/// Trims blank cells at the edges while the row is wider than the template.
fn trim_blanks(cells: &[Token], k: usize) -> Vec<Token> {
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
enum Reading {
    /// One token per column.
    Cells(Vec<Token>),
    /// Glued digits with several possible readings.
    Candidates {
        raw: String,
        options: Splits,
        token: Token,
    },
    /// Fewer numbers than columns and no way to place them.
    Short(Vec<Token>),
}

/// Whether a row's cells come from field-separated lines (tabs, markdown pipes):
/// there a cell's position on the line follows the label's length, not a column,
/// so only explicit (empty) fields place values, never positions.
fn is_separated(cells: &[Token], lines: &[Line]) -> bool {
    cells.iter().any(|t| {
        lines
            .get(t.line)
            .is_some_and(|l| l.text.contains('\t') || l.text.trim_start().starts_with('|'))
    })
}

/// A lone field of plain digits, at least one per column, in a separated row short
/// of fields: most likely a run whose cell borders were lost (`898989` for
/// 898/9/89), so it is read as a glued run rather than put in one column.
fn lone_digit_run(cells: &[Token], k: usize) -> bool {
    let nums: Vec<&Token> = cells.iter().filter(|t| t.kind == Kind::Num).collect();
    k > 1
        && nums.len() == 1
        && nums[0].raw.chars().all(|c| c.is_ascii_digit())
        && nums[0].raw.chars().count() >= k
}

fn read_row(
    row: &ParsedRow,
    k: usize,
    units: &[String],
    centers: &Option<(Vec<f64>, Measure)>,
    lines: &[Line],
    check: &dyn Fn(&[String]) -> bool,
) -> (Reading, Vec<Token>) {
    let cells = trim_blanks(&row.cells, k);
    let separated = is_separated(&cells, lines);
    let short_run = separated && cells.len() < k && lone_digit_run(&cells, k);
    if short_run
        || (cells.iter().any(|t| t.glued)
            && (cells.len() != k || cells.iter().any(|t| t.raw.contains(' '))))
    {
        let raw: String = cells
            .iter()
            .filter(|t| t.kind == Kind::Num)
            .map(|t| t.raw.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let options = digit_splits(&raw, k, units, check);
        let token = cells
            .iter()
            .find(|t| t.glued)
            .or_else(|| cells.iter().find(|t| t.kind == Kind::Num))
            .cloned()
            .unwrap_or_else(|| cells[0].clone());
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

/// Where a token sits on its line, by display width or by character count.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Measure {
    Display,
    Chars,
}

fn center(t: &Token, m: Measure) -> f64 {
    match m {
        Measure::Display => (t.col + t.col_end) as f64 / 2.0,
        Measure::Chars => (t.ccol + t.ccol_end) as f64 / 2.0,
    }
}

/// Column centres of the table's full rows (exactly `k` numbers), in whichever
/// measure lines them up more tightly: `pdftotext -layout` and the PDF engine align
/// by character count, hand-aligned text by display width.
fn column_centers(rows: &[ParsedRow], k: usize) -> Option<(Vec<f64>, Measure)> {
    let full: Vec<&Vec<Token>> = rows
        .iter()
        .map(|r| &r.cells)
        .filter(|c| c.len() == k && c.iter().all(|t| t.kind == Kind::Num && !t.glued))
        .collect();
    if full.len() < 2 {
        return None;
    }
    let fit = |m: Measure| -> (Vec<f64>, f64) {
        let mut centers = Vec::with_capacity(k);
        let mut spread = 0.0;
        for j in 0..k {
            let mut xs: Vec<f64> = full.iter().map(|c| center(&c[j], m)).collect();
            xs.sort_by(|a, b| a.total_cmp(b));
            let med = xs[xs.len() / 2];
            spread += xs.iter().map(|x| (x - med).abs()).sum::<f64>();
            centers.push(med);
        }
        (centers, spread)
    };
    let (d, ds) = fit(Measure::Display);
    let (c, cs) = fit(Measure::Chars);
    Some(if cs < ds {
        (c, Measure::Chars)
    } else {
        (d, Measure::Display)
    })
}

fn place_by_position(cells: &[Token], (centers, m): &(Vec<f64>, Measure)) -> Option<Vec<Token>> {
    let mut out: Vec<Option<Token>> = vec![None; centers.len()];
    let mut last: Option<usize> = None;
    // Too far from every column, or out of order: give up.
    let spacing = if centers.len() > 1 {
        (centers[centers.len() - 1] - centers[0]) / (centers.len() - 1) as f64
    } else {
        SINGLE_COLUMN_SPACING
    };
    for t in cells
        .iter()
        .filter(|t| t.kind == Kind::Num || !t.raw.is_empty())
    {
        let x = center(t, *m);
        let (j, d) = centers
            .iter()
            .enumerate()
            .map(|(j, c)| (j, (c - x).abs()))
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        if d > spacing * MAX_COLUMN_OFFSET || last.is_some_and(|l| j <= l) || out[j].is_some() {
            return None;
        }
        out[j] = Some(t.clone());
        last = Some(j);
    }
    Some(
        out.into_iter()
            .map(|t| {
                t.unwrap_or(Token {
                    kind: Kind::Blank,
                    raw: String::new(),
                    line: cells[0].line,
                    col: 0,
                    col_end: 0,
                    ccol: 0,
                    ccol_end: 0,
                    glued: false,
                })
            })
            .collect(),
    )
}

struct Ctx<'a> {
    lines: &'a [Line],
    units: &'a [String],
    /// Figures the prose states for single cells (evidence for glued runs).
    figures: Vec<evidence::Figure>,
}

impl Ctx<'_> {
    /// The input place of a token: its line's, or that of the piece of a joined
    /// line it sits in (a cell rebuilt from a crawled layout, a sentence joined
    /// across a page).
    fn loc(&self, t: &Token) -> (Option<usize>, Option<usize>) {
        self.lines.get(t.line).map_or((None, None), |l| {
            let at = l
                .text
                .char_indices()
                .nth(t.ccol)
                .map_or(l.text.len(), |(b, _)| b);
            let (page, line) = l.place_at(at);
            (Some(page), Some(line))
        })
    }

    fn cell(
        &self,
        table: &str,
        row: &ParsedRow,
        column: (&str, &str),
        raw: &str,
        at: &Token,
    ) -> Cell {
        let (page, line) = self.loc(at);
        let (value, unit) = match parse_number(raw, self.units) {
            Some(n) => (n.value, n.unit),
            None => (String::new(), String::new()),
        };
        Cell {
            table: table.to_string(),
            row: row.row.clone(),
            column: column.0.to_string(),
            value,
            raw: raw.to_string(),
            unit,
            row_label: row.label.clone(),
            column_label: column.1.to_string(),
            page,
            line,
        }
    }

    /// A number read in a table but put in no cell; `why` says why, for the reader.
    fn unplaced(&self, table: &str, row: (&str, &str), t: &Token, why: &str) -> Finding {
        let (page, line) = self.loc(t);
        let (id, label) = row;
        let of_row = if label.is_empty() {
            String::new()
        } else {
            format!(" of row “{label}”")
        };
        Finding::new(
            "unplaced_value",
            Severity::Warning,
            format!("number “{}”{of_row} was not put in any cell: {why}", t.raw),
        )
        .at(table, id, "")
        .values("", t.raw.clone())
        .place_opt(page, line)
    }

    /// The input place of the first token of `tokens`.
    fn first_loc(&self, tokens: &[Token]) -> (Option<usize>, Option<usize>) {
        tokens.first().map_or((None, None), |t| self.loc(t))
    }

    fn split_repair(&self, t: &Token, before: &str, after: &[String], rule: &str) -> Repair {
        let (page, line) = self.loc(t);
        Repair {
            kind: "digit_split".into(),
            page,
            line,
            before: before.into(),
            after: after.join("|"),
            rule: rule.into(),
        }
    }
}

/// Maps a table whose rows each carry the same `columns` (table 3) or, with
/// `columns_of`, per-row columns (table 2), or the single row of table 4.
fn map_rows(
    parsed: &ParsedTable,
    columns_of: &dyn Fn(&str) -> Vec<(String, String)>,
    row_check: &dyn Fn(&str, &[String]) -> bool,
    ctx: &Ctx,
) -> (Mapped, Vec<Ambiguous>) {
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
        let (mut reading, extra) = read_row(row, k, ctx.units, centers, ctx.lines, &check);
        // More numbers than columns: the first k are the row only if they satisfy
        // the row's own identity (a trailing stray value); otherwise the layout is
        // not the template's (an added subtotal column) and nothing is placed.
        if let (Reading::Cells(tokens), false) = (&reading, extra.is_empty()) {
            let values: Vec<String> = tokens
                .iter()
                .map(|t| {
                    parse_number(&t.raw, ctx.units)
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
                for (t, (cid, clabel)) in tokens.iter().zip(&cols) {
                    m.cells
                        .push(ctx.cell(&parsed.table, row, (cid, clabel), &t.raw, t));
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
                    for (v, (cid, clabel)) in fitting[0].iter().zip(&cols) {
                        m.cells
                            .push(ctx.cell(&parsed.table, row, (cid, clabel), v, &token));
                    }
                } else {
                    ambiguous.push((ri, fitting, raw, token, complete));
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

/// Resolves glued rows with several readings jointly, using the column identities
/// of the whole table; returns findings for what stays ambiguous.
fn resolve_jointly(
    parsed: &ParsedTable,
    format: &Format,
    columns_of: &dyn Fn(&str) -> Vec<(String, String)>,
    ambiguous: Vec<Ambiguous>,
    m: &mut Mapped,
    ctx: &Ctx,
    use_identities: bool,
) {
    // The report's own words first: a row whose prose figure agrees with exactly
    // one of its readings is decided by it.
    let mut ambiguous = ambiguous;
    ambiguous.retain(|(ri, opts, raw, tok, complete)| {
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
                .push(ctx.cell(&parsed.table, row, (&cid, &clabel), v, tok));
        }
        false
    });
    if ambiguous.is_empty() {
        return;
    }
    let product: usize = ambiguous.iter().map(|a| a.1.len().max(1)).product();
    let mut chosen: Option<Vec<usize>> = None;
    // Joint resolution needs every row's full list of readings.
    if use_identities
        && ambiguous.iter().all(|a| !a.1.is_empty() && a.4)
        && product <= MAX_JOINT_COMBINATIONS
    {
        let mut idx = vec![0usize; ambiguous.len()];
        let mut winners = Vec::new();
        loop {
            // One combination evaluated is one node of the report's budget; out of
            // budget, the rows stay ambiguous (no winner is taken from a partial search).
            if !crate::budget::spend(1) {
                winners.clear();
                break;
            }
            let mut cells = m.cells.clone();
            for (ai, (ri, opts, _, tok, _)) in ambiguous.iter().enumerate() {
                let row = &parsed.rows[*ri];
                for (v, (cid, clabel)) in opts[idx[ai]].iter().zip(columns_of(&row.row)) {
                    cells.push(ctx.cell(&parsed.table, row, (&cid, &clabel), v, tok));
                }
            }
            let vals = values_of(&cells);
            let outcomes = evaluate(format, &vals);
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
                if idx[i] < ambiguous[i].1.len() {
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
    for (ai, (ri, opts, raw, tok, complete)) in ambiguous.iter().enumerate() {
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
                    .push(ctx.cell(&parsed.table, row, (&cid, &clabel), v, tok));
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
            let shown: Vec<String> = opts.iter().take(8).map(|o| o.join("/")).collect();
            let more = if !complete {
                format!(
                    " and more: too many to enumerate, {} shown",
                    opts.len().min(8)
                )
            } else if opts.len() > 8 {
                format!(" and {} more", opts.len() - 8)
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

/// The template's within-row identities of `table` as column positions:
/// (total, parts) pairs, from `per_row` (table 3) and `single` (table 4) identities.
fn row_identities(
    format: &Format,
    table: &str,
    cols: &[(String, String)],
) -> Vec<(usize, Vec<usize>)> {
    let pos = |id: &String| cols.iter().position(|(c, _)| c == id);
    format
        .identities
        .iter()
        .filter(|i| {
            i.table == table
                && matches!(i.apply, Apply::PerRow | Apply::Single)
                && i.block.is_empty()
                && i.status != Status::Optional
        })
        .filter_map(|i| match &i.parsed {
            Expr::Compare {
                lhs,
                relation: Relation::Eq,
                rhs,
            } if lhs.len() == 1 && rhs.iter().all(|t| t.sign > 0.0) => Some((
                pos(&lhs[0].name)?,
                rhs.iter()
                    .map(|t| pos(&t.name))
                    .collect::<Option<Vec<_>>>()?,
            )),
            _ => None,
        })
        .collect()
}

/// Whether `v` satisfies every (total, parts) identity whose operands are numbers.
fn identities_hold(v: &[String], ids: &[(usize, Vec<usize>)]) -> bool {
    let num = |i: usize| v.get(i).and_then(|s| s.parse::<f64>().ok());
    ids.iter().all(|(l, parts)| {
        let Some(total) = num(*l) else { return true };
        let mut sum = 0.0;
        for &p in parts {
            match num(p) {
                Some(x) => sum += x,
                None => return true,
            }
        }
        (total - sum).abs() < crate::grammar::identity::EQ_TOLERANCE
    })
}

/// Table 3: seven applicant columns per row; a row must satisfy total = Σ applicants.
fn map_applications(parsed: &ParsedTable, format: &Format, ctx: &Ctx) -> Mapped {
    let t3 = &format.tables.applications;
    let cols: Vec<(String, String)> = t3
        .columns
        .iter()
        .map(|c| (c.id.clone(), c.label.clone()))
        .collect();
    let n = cols.len();
    let columns_of = |_: &str| cols.clone();
    let ids = row_identities(format, "applications", &cols);
    let row_check = |_: &str, v: &[String]| identities_hold(v, &ids);
    let (parsed, subtotals) = match t3.optional_columns.first() {
        Some(sub) => {
            // The columns the subtotal adds up, from the template's optional identity.
            let parts: Vec<usize> = format
                .identities
                .iter()
                .find(|i| i.parsed.lhs_names().first() == Some(&sub.id.as_str()))
                .map(|i| {
                    i.parsed
                        .rhs_names()
                        .iter()
                        .filter_map(|r| cols.iter().position(|(c, _)| c == r))
                        .collect()
                })
                .unwrap_or_default();
            split_subtotal(parsed, n, ctx.units, &ids, &parts).map_or(
                (parsed.clone(), Vec::new()),
                |(p, s)| {
                    let cells = s
                        .iter()
                        .map(|(ri, tok)| {
                            ctx.cell(&p.table, &p.rows[*ri], (&sub.id, &sub.label), &tok.raw, tok)
                        })
                        .collect();
                    (p, cells)
                },
            )
        }
        None => (parsed.clone(), Vec::new()),
    };
    let (mut m, amb) = map_rows(&parsed, &columns_of, &row_check, ctx);
    resolve_jointly(&parsed, format, &columns_of, amb, &mut m, ctx, true);
    m.cells.extend(subtotals);
    m
}

/// Table 3 printed with an added 法人或其他组织 subtotal column (k + 1 numbers a row).
/// The subtotal is the one position that, in every such row, equals the sum of the
/// five organisation columns while the remaining cells satisfy 总计 = Σ applicants.
/// Returns the table without that column and the subtotal tokens by row; `None`
/// when no position (or more than one reading) fits.
fn split_subtotal(
    parsed: &ParsedTable,
    k: usize,
    units: &[String],
    row_ids: &[(usize, Vec<usize>)],
    parts: &[usize],
) -> Option<(ParsedTable, Vec<(usize, Token)>)> {
    if parts.is_empty() {
        return None;
    }
    let num = |t: &Token| parse_number(&t.raw, units).and_then(|n| n.value.parse::<f64>().ok());
    let wide: Vec<usize> = parsed
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            let c = trim_blanks(&r.cells, k);
            c.len() == k + 1 && c.iter().all(|t| t.kind == Kind::Num && !t.glued)
        })
        .map(|(i, _)| i)
        .collect();
    if wide.len() * 2 < parsed.rows.len() || k < 3 {
        return None;
    }
    let fits = |p: usize| {
        wide.iter().all(|&ri| {
            let c = trim_blanks(&parsed.rows[ri].cells, k);
            let v: Option<Vec<f64>> = c.iter().map(num).collect();
            let Some(v) = v else { return false };
            let rest: Vec<String> = v
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != p)
                .map(|(_, x)| x.to_string())
                .collect();
            let sub: f64 = parts
                .iter()
                .filter_map(|&i| rest.get(i)?.parse::<f64>().ok())
                .sum();
            (v[p] - sub).abs() < crate::grammar::identity::EQ_TOLERANCE
                && identities_hold(&rest, row_ids)
        })
    };
    let candidates: Vec<usize> = (1..k).filter(|&p| fits(p)).collect();
    // Several positions fit only when they give the same cells (e.g. all zeros).
    let p = *candidates.first()?;
    let same = candidates.iter().all(|&q| {
        wide.iter().all(|&ri| {
            let c = trim_blanks(&parsed.rows[ri].cells, k);
            let drop = |x: usize| -> Vec<String> {
                c.iter()
                    .enumerate()
                    .filter(|(i, _)| *i != x)
                    .map(|(_, t)| t.raw.clone())
                    .collect()
            };
            drop(p) == drop(q)
        })
    });
    if !same {
        return None;
    }
    let mut out = parsed.clone();
    let mut subtotals = Vec::new();
    for &ri in &wide {
        let c = trim_blanks(&parsed.rows[ri].cells, k);
        subtotals.push((ri, c[p].clone()));
        out.rows[ri].cells = c
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != p)
            .map(|(_, t)| t.clone())
            .collect();
    }
    Some((out, subtotals))
}

/// Whether a reading fits the columns' value kinds: a sign only in a signed
/// column, a decimal point or a unit only in a money column.
pub fn fits_kinds(values: &[String], kinds: &[&str]) -> bool {
    values.iter().zip(kinds).all(|(v, k)| {
        let signed = v.starts_with(['+', '-']);
        let money_like = v.contains('.') || v.ends_with(|c: char| !c.is_ascii_digit());
        (!signed || *k == "signed_int") && (!money_like || *k == "money")
    })
}

/// Table 2: per-block columns; glued rows split only by column count, sign or unit.
fn map_active(parsed: &ParsedTable, format: &Format, ctx: &Ctx) -> Mapped {
    let blocks = &format.tables.active_disclosure.blocks;
    let columns_of = |row: &str| -> Vec<(String, String)> {
        blocks
            .iter()
            .find(|b| b.rows.iter().any(|r| r.id == row))
            .map(|b| {
                b.columns
                    .iter()
                    .map(|c| (c.id.clone(), c.label.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let row_check = |row: &str, v: &[String]| {
        let kinds: Vec<&str> = blocks
            .iter()
            .find(|b| b.rows.iter().any(|r| r.id == row))
            .map(|b| b.columns.iter().map(|c| c.value.as_str()).collect())
            .unwrap_or_default();
        fits_kinds(v, &kinds)
    };
    let (mut m, amb) = map_rows(parsed, &columns_of, &row_check, ctx);
    resolve_jointly(parsed, format, &columns_of, amb, &mut m, ctx, false);
    m
}

/// Table 4: fifteen columns in one row; each group of five sums to its total.
fn map_review(parsed: &ParsedTable, format: &Format, ctx: &Ctx) -> Mapped {
    let t = &format.tables.review_litigation;
    let cols: Vec<(String, String)> = t
        .columns
        .iter()
        .map(|c| {
            let g = t
                .column_groups
                .iter()
                .find(|g| g.id == c.group)
                .map_or("", |g| g.label.as_str());
            (c.id.clone(), format!("{g}/{}", c.label))
        })
        .collect();
    let columns_of = |_: &str| cols.clone();
    let ids = row_identities(format, "review_litigation", &cols);
    let row_check = |_: &str, v: &[String]| identities_hold(v, &ids);
    // Numbers gathered from many lines are one row only if they add up: text whose
    // reading order was lost (a column emitted top to bottom) must not be read.
    if let Some(row) = parsed.rows.first() {
        let mut lines_used: Vec<usize> = row.cells.iter().map(|t| t.line).collect();
        lines_used.dedup();
        let values: Vec<String> = row
            .cells
            .iter()
            .filter(|t| t.kind == Kind::Num)
            .map(|t| {
                parse_number(&t.raw, ctx.units)
                    .map(|n| n.value)
                    .unwrap_or_default()
            })
            .collect();
        if lines_used.len() > 3
            && !row.cells.iter().any(|t| t.glued)
            && !row_check("cases", &values)
            && !is_vertical_run(&row.cells)
        {
            let mut m = Mapped::default();
            m.findings.push(
                Finding::new("table_layout_unclear", Severity::Error, format!("table 4 numbers are spread over {} lines and do not add up; nothing placed — check the table in the report (its reading order may be lost)", lines_used.len()))
                    .at(&parsed.table, "cases", "")
                    .place_opt(ctx.first_loc(&row.cells).0, ctx.first_loc(&row.cells).1),
            );
            for t in row.cells.iter().filter(|t| t.kind == Kind::Num) {
                m.findings.push(ctx.unplaced(
                    &parsed.table,
                    ("cases", ""),
                    t,
                    "table 4's numbers are spread over several lines and do not add up (see table_layout_unclear); check the table in the report",
                ));
            }
            return m;
        }
    }
    let (mut m, amb) = map_rows(parsed, &columns_of, &row_check, ctx);
    resolve_jointly(parsed, format, &columns_of, amb, &mut m, ctx, true);
    m
}

/// One cell per line on consecutive lines (a deliberate layout, not lost order).
fn is_vertical_run(cells: &[Token]) -> bool {
    cells.windows(2).all(|w| w[1].line == w[0].line + 1)
}

/// Maps every table that was found, then sorts the cells into template order.
pub fn map_tables(tables: &[ParsedTable], f: &Format, lines: &[Line], common: &Common) -> Mapped {
    let mut all = Mapped::default();
    // One context for the three tables: the prose figures are read once a report.
    let ctx = Ctx {
        lines,
        units: &common.cells.units,
        figures: evidence::prose_figures(common, lines),
    };
    for t in tables.iter().filter(|t| t.found) {
        let m = match t.table.as_str() {
            "active_disclosure" => map_active(t, f, &ctx),
            "applications" => map_applications(t, f, &ctx),
            _ => map_review(t, f, &ctx),
        };
        all.cells.extend(m.cells);
        all.findings.extend(m.findings);
        all.repairs.extend(m.repairs);
    }
    sort_cells(f, &mut all.cells);
    all
}

/// Sorts cells into template order (table 3's group rows and added columns in
/// their places), for a deterministic `cells.csv`.
fn sort_cells(f: &Format, cells: &mut [Cell]) {
    let t3 = &f.tables.applications;
    let mut order: std::collections::HashMap<(String, String, String), usize> =
        std::collections::HashMap::new();
    let mut push = |t: &str, r: &str, c: &str| {
        let n = order.len();
        order
            .entry((t.to_string(), r.to_string(), c.to_string()))
            .or_insert(n);
    };
    for b in &f.tables.active_disclosure.blocks {
        for r in &b.rows {
            for c in &b.columns {
                push("active_disclosure", &r.id, &c.id);
            }
        }
    }
    for r in &t3.rows {
        for c in t3.columns.iter().chain(&t3.optional_columns) {
            push("applications", &r.id, &c.id);
        }
    }
    for c in &f.tables.review_litigation.columns {
        push("review_litigation", "cases", &c.id);
    }
    cells.sort_by_cached_key(|c| {
        order
            .get(&(c.table.clone(), c.row.clone(), c.column.clone()))
            .copied()
            .unwrap_or(usize::MAX)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(dead_code)]
    fn sum_ok(v: &[String], lhs: usize, rhs: std::ops::Range<usize>) -> bool {
        let num = |s: &String| s.parse::<f64>().ok();
        let Some(l) = v.get(lhs).and_then(num) else {
            return true;
        };
        let mut r = 0.0;
        for s in &v[rhs] {
            match num(s) {
                Some(x) => r += x,
                None => return true,
            }
        }
        (l - r).abs() < crate::grammar::identity::EQ_TOLERANCE
    }

    fn units() -> Vec<String> {
        vec!["万元".into(), "元".into()]
    }

    #[test]
    fn splits_respect_leading_zeros_and_count() {
        let s = digit_splits("000", 3, &units(), &|_| true).readings;
        assert_eq!(s, vec![vec!["0", "0", "0"]]);
        let t3 = |v: &[String]| identities_hold(v, &[(6, (0..6).collect())]);
        let s = digit_splits("230 000023", 7, &units(), &t3);
        assert_eq!(s.readings, vec![vec!["23", "0", "0", "0", "0", "0", "23"]]);
        assert!(s.complete);
        // Truly ambiguous: 89/89/89 or 8/98/989 …
        assert!(
            digit_splits("898989", 3, &units(), &|_| true)
                .readings
                .len()
                > 1
        );
    }

    #[test]
    fn signs_units_and_decimals_stay_whole() {
        let kinds = |v: &[String]| fits_kinds(v, &["int", "signed_int", "int"]);
        let s = digit_splits("176+700", 3, &units(), &kinds).readings;
        assert_eq!(s, vec![vec!["176", "+70", "0"]]);
        let s = digit_splits("24252.311082", 1, &units(), &|_| true).readings;
        assert_eq!(s, vec![vec!["24252.311082"]]);
        let money = |v: &[String]| fits_kinds(v, &["int", "money"]);
        let s = digit_splits("13575394432.52元", 2, &units(), &money).readings;
        assert!(s.iter().all(|v| v[1].ends_with('元') && v[1].contains('.')));
        assert!(s.contains(&vec!["135".to_string(), "75394432.52元".to_string()]));
        assert!(
            s.len() > 1,
            "the unit alone does not decide where the count ends"
        );
    }

    fn t4() -> Vec<(usize, Vec<usize>)> {
        (0..3)
            .map(|b| (b * 5 + 4, (b * 5..b * 5 + 4).collect()))
            .collect()
    }

    #[test]
    fn review_row_splits_by_block_totals() {
        let check = |v: &[String]| identities_hold(v, &t4());
        let s = digit_splits("10203120001200000", 15, &units(), &check);
        let want: Vec<String> = [
            "1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0",
        ]
        .map(String::from)
        .to_vec();
        assert!(s.complete);
        assert!(s.readings.contains(&want));
    }

    #[test]
    fn long_glued_rows_stay_bounded_and_never_guess() {
        // 26 digits for 15 cells: millions of cuts, pruned by the block totals.
        let check = |v: &[String]| identities_hold(v, &t4());
        let s = digit_splits("72641783735113481261211620", 15, &units(), &check);
        assert!(s.readings.len() <= MAX_READINGS);
        // Two readings fit the identities: 3,23,2,0,28 and 3,2,3,20,28 …
        let s = digit_splits("3232028233002682331246", 15, &units(), &check);
        assert!(!(s.complete && s.readings.len() == 1), "{:?}", s.readings);
    }
}
