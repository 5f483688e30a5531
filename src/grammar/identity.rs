//! Identities (勾稽关系) as data: each grammar `expr` is parsed once, at load, into a
//! small AST whose operands are checked against the template's ids; this module is
//! the one evaluator that `map` (choosing among digit splits), `check` (findings)
//! and `crossyear` use.
//!
//! The expression language (nom):
//!
//! ```text
//! expr      := side ("==" | ">=") side
//!            | "for" g "in" "[" id ("," id)* "]" ":" "value(g) == sum(children(g)) if value(g) present"
//! side      := ["+" | "-"] operand (("+" | "-") operand)*
//! operand   := id ["[year N]" | "[year N-1]"] | "sum(" prefix "*)"
//! ```
//!
//! What an `id` names depends on `apply`: the table's rows for `per_column` and
//! `cross_year` (evaluated in every column), its columns for `per_row` (in every data
//! row, or every row of `block` for table 2), table 4's columns for `single`.
//! `sum(denied_*)` expands to those ids that start with `denied_`, in template order.

use super::{Format, Shape};
use crate::model::Cell;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{char, multispace0, multispace1, one_of};
use nom::combinator::opt;
use nom::multi::separated_list1;
use nom::sequence::{delimited, pair, preceded, terminated, tuple};
use nom::IResult;
use serde::Deserialize;
use std::collections::HashMap;

/// Where an identity is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Apply {
    /// Operands are rows; holds in every column of the table.
    PerColumn,
    /// Operands are columns; holds in every data row (or every row of `block`).
    PerRow,
    /// Operands are table 4's columns on its one data row.
    Single,
    /// Operands are tagged `[year N]` / `[year N-1]`: the same agency's reports of
    /// consecutive years (evaluated by `crossyear` once a run has every report).
    CrossYear,
}

/// How binding an identity is: `soft` failures are warnings, the others errors;
/// `optional` identities are not used to choose among digit splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    TemplateStated,
    Implied,
    Optional,
    Soft,
}

/// One operand after expansion: `sign × name`, of year N or (cross-year) N−1.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub sign: f64,
    pub name: String,
    pub previous: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// `==`: the sides are equal.
    Eq,
    /// `>=`: the left side is at least the right side.
    Ge,
}

/// A parsed, validated identity expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Compare {
        lhs: Vec<Term>,
        relation: Relation,
        rhs: Vec<Term>,
    },
    /// A group row's printed value equals the sum of its data sub-rows, where a
    /// report prints one.
    GroupSums { groups: Vec<String> },
}

impl Default for Expr {
    /// Placeholder until [`compile`] runs at load; never evaluated.
    fn default() -> Self {
        Expr::GroupSums { groups: Vec::new() }
    }
}

impl Expr {
    /// The operand names of the left side.
    pub fn lhs_names(&self) -> Vec<&str> {
        match self {
            Expr::Compare { lhs, .. } => lhs.iter().map(|t| t.name.as_str()).collect(),
            Expr::GroupSums { .. } => Vec::new(),
        }
    }

    /// Whether an operand of either side is named `name`.
    pub fn names(&self, name: &str) -> bool {
        match self {
            Expr::Compare { lhs, rhs, .. } => lhs.iter().chain(rhs).any(|t| t.name == name),
            Expr::GroupSums { .. } => false,
        }
    }

    /// The operand names of the right side.
    pub fn rhs_names(&self) -> Vec<&str> {
        match self {
            Expr::Compare { rhs, .. } => rhs.iter().map(|t| t.name.as_str()).collect(),
            Expr::GroupSums { .. } => Vec::new(),
        }
    }
}

/// An operand before expansion.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Name(String, bool),
    Glob(String),
}

type Side = Vec<(f64, Operand)>;

#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Compare(Side, Relation, Side),
    GroupSums(Vec<String>),
}

fn ident(s: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_')(s)
}

fn year_tag(s: &str) -> IResult<&str, bool> {
    let (s, minus) = delimited(
        pair(char('['), multispace0),
        preceded(
            tuple((tag("year"), multispace0, char('N'), multispace0)),
            opt(tuple((char('-'), multispace0, char('1'), multispace0))),
        ),
        char(']'),
    )(s)?;
    Ok((s, minus.is_some()))
}

fn operand(s: &str) -> IResult<&str, Operand> {
    let glob = |s| {
        let (s, p) = delimited(
            pair(tag("sum("), multispace0),
            terminated(ident, char('*')),
            pair(multispace0, char(')')),
        )(s)?;
        Ok((s, Operand::Glob(p.to_string())))
    };
    let name = |s| {
        let (s, (n, prev)) = pair(ident, opt(preceded(multispace0, year_tag)))(s)?;
        Ok((s, Operand::Name(n.to_string(), prev.unwrap_or(false))))
    };
    alt((glob, name))(s)
}

fn sign(s: &str) -> IResult<&str, f64> {
    let (s, c) = one_of("+-")(s)?;
    Ok((s, if c == '-' { -1.0 } else { 1.0 }))
}

fn side(s: &str) -> IResult<&str, Side> {
    let (mut s, first_sign) = opt(terminated(sign, multispace0))(s)?;
    let (r, first) = operand(s)?;
    s = r;
    let mut out = vec![(first_sign.unwrap_or(1.0), first)];
    loop {
        let Ok((r, (sg, op))) = pair(delimited(multispace0, sign, multispace0), operand)(s) else {
            break;
        };
        out.push((sg, op));
        s = r;
    }
    Ok((s, out))
}

fn compare(s: &str) -> IResult<&str, Raw> {
    let (s, (l, _, rel, _, r)) = tuple((
        side,
        multispace0,
        alt((tag("=="), tag(">="))),
        multispace0,
        side,
    ))(s)?;
    let rel = if rel == "==" {
        Relation::Eq
    } else {
        Relation::Ge
    };
    Ok((s, Raw::Compare(l, rel, r)))
}

fn group_sums(s: &str) -> IResult<&str, Raw> {
    let (s, (_, _, var, _, _, _)) = tuple((
        tag("for"),
        multispace1,
        ident,
        multispace1,
        tag("in"),
        multispace0,
    ))(s)?;
    let (s, groups) = delimited(
        pair(char('['), multispace0),
        separated_list1(tuple((multispace0, char(','), multispace0)), ident),
        pair(multispace0, char(']')),
    )(s)?;
    let body: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let want = format!(":value({var})==sum(children({var}))ifvalue({var})present");
    if body != want {
        return Err(nom::Err::Error(nom::error::Error::new(
            s,
            nom::error::ErrorKind::Tag,
        )));
    }
    Ok((
        "",
        Raw::GroupSums(groups.into_iter().map(str::to_string).collect()),
    ))
}

fn parse_raw(s: &str) -> Result<Raw, String> {
    let parsed = delimited(multispace0, alt((group_sums, compare)), multispace0)(s);
    match parsed {
        Ok(("", raw)) => Ok(raw),
        Ok((rest, _)) => Err(format!("cannot parse `{s}`: unexpected `{rest}`")),
        Err(_) => Err(format!("cannot parse `{s}`")),
    }
}

/// The ids an identity's operands may name, in template order.
fn operand_ids(format: &Format, id: &super::Identity, groups: bool) -> Result<Vec<String>, String> {
    let t = &format.tables;
    let shape = t.shape_of(&id.table);
    if !id.block.is_empty() {
        if shape != Some(Shape::Blocks) {
            return Err(format!(
                "`block` needs table = \"{}\", not `{}`",
                t.active_disclosure.id, id.table
            ));
        }
        if !matches!(id.apply, Apply::PerRow | Apply::CrossYear) {
            return Err("`block` works with apply = \"per_row\" or \"cross_year\"".into());
        }
        let b = t
            .active_disclosure
            .blocks
            .iter()
            .find(|b| b.id == id.block)
            .ok_or_else(|| format!("unknown block `{}`", id.block))?;
        return Ok(b.columns.iter().map(|c| c.id.clone()).collect());
    }
    match (id.apply, shape) {
        (Apply::PerColumn | Apply::CrossYear, Some(Shape::Grid)) => Ok(t
            .applications
            .rows
            .iter()
            .filter(|r| r.is_data() != groups)
            .map(|r| r.id.clone())
            .collect()),
        (Apply::PerRow, Some(Shape::Grid)) => Ok(t
            .applications
            .columns
            .iter()
            .chain(&t.applications.optional_columns)
            .map(|c| c.id.clone())
            .collect()),
        (Apply::Single, Some(Shape::SingleRow)) => Ok(t
            .review_litigation
            .columns
            .iter()
            .map(|c| c.id.clone())
            .collect()),
        (apply, _) => Err(format!(
            "apply = {apply:?} cannot be evaluated on table `{}`",
            id.table
        )),
    }
}

/// Parses and validates one identity's `expr` against its template: every id must
/// exist where `apply` looks for it, globs must match, year tags only in
/// cross-year identities, and `lhs`/`rhs` (when given) must name the same operands.
pub fn compile(format: &Format, id: &super::Identity) -> Result<Expr, String> {
    let raw = parse_raw(&id.expr)?;
    let groups = matches!(raw, Raw::GroupSums(_));
    let ids = operand_ids(format, id, groups)?;
    match raw {
        Raw::GroupSums(gs) => {
            if id.apply != Apply::PerColumn {
                return Err("a group-sum expression needs apply = \"per_column\"".into());
            }
            for g in &gs {
                if !ids.contains(g) {
                    return Err(format!("unknown group row `{g}` (ids: {})", ids.join(", ")));
                }
            }
            Ok(Expr::GroupSums { groups: gs })
        }
        Raw::Compare(l, relation, r) => {
            let expand = |side: Side| -> Result<Vec<Term>, String> {
                let mut out = Vec::new();
                for (sign, op) in side {
                    match op {
                        Operand::Name(n, previous) => {
                            if !ids.contains(&n) {
                                return Err(format!(
                                    "unknown id `{n}` (known here: {})",
                                    ids.join(", ")
                                ));
                            }
                            if previous && id.apply != Apply::CrossYear {
                                return Err(format!(
                                    "`{n}[year N-1]` needs apply = \"cross_year\""
                                ));
                            }
                            out.push(Term {
                                sign,
                                name: n,
                                previous,
                            });
                        }
                        Operand::Glob(p) => {
                            let before = out.len();
                            out.extend(ids.iter().filter(|i| i.starts_with(&p)).map(|i| Term {
                                sign,
                                name: i.clone(),
                                previous: false,
                            }));
                            if out.len() == before {
                                return Err(format!("`sum({p}*)` matches no id"));
                            }
                        }
                    }
                }
                Ok(out)
            };
            let (lhs, rhs) = (expand(l)?, expand(r)?);
            for (key, given, side) in [("lhs", &id.lhs, &lhs), ("rhs", &id.rhs, &rhs)] {
                let names: Vec<&str> = side.iter().map(|t| t.name.as_str()).collect();
                if !given.is_empty() && given.iter().map(String::as_str).ne(names.iter().copied()) {
                    return Err(format!(
                        "`{key}` = {given:?} disagrees with expr, which reads {names:?}"
                    ));
                }
            }
            Ok(Expr::Compare { lhs, relation, rhs })
        }
    }
}

/// Cell values by `(table, row, column)`; only printed numbers.
///
/// Keys borrow the cells' own ids (building the map allocates no string) and are
/// hashed with FxHash: the identities read every cell several times per report,
/// and joint digit-split resolution once per combination tried. The keys are the
/// grammar's ids, not free input text, so a non-keyed hasher is safe; nothing
/// iterates the map, so its order never reaches an output.
#[derive(Debug, Clone, Default)]
pub struct Values<'a>(HashMap<(&'a str, &'a str, &'a str), f64, rustc_hash::FxBuildHasher>);

impl<'a> Values<'a> {
    pub fn get(&self, table: &str, row: &str, column: &str) -> Option<f64> {
        self.0.get(&(table, row, column)).copied()
    }

    /// Sets a cell's value; returns the one it replaces.
    pub fn insert(&mut self, table: &'a str, row: &'a str, column: &'a str, v: f64) -> Option<f64> {
        self.0.insert((table, row, column), v)
    }

    pub fn remove(&mut self, table: &'a str, row: &'a str, column: &'a str) -> Option<f64> {
        self.0.remove(&(table, row, column))
    }
}

pub fn values_of(cells: &[Cell]) -> Values<'_> {
    let mut v = Values::default();
    v.0.reserve(cells.len());
    for c in cells {
        if let Ok(x) = c.value.parse::<f64>() {
            v.insert(&c.table, &c.row, &c.column, x);
        }
    }
    v
}

/// Two sums within this distance are equal: values are integers or money with at
/// most a few decimals, so anything larger is a real difference.
pub const EQ_TOLERANCE: f64 = 1e-6;

/// One evaluated instance of an identity: where it applies and both sides.
///
/// The ids borrow the template's: the identities are evaluated once per
/// combination of readings in joint digit-split resolution and once per blank
/// cell in check, so owned ids were four `String`s per instance, each time.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<'f> {
    pub identity: &'f str,
    pub table: &'f str,
    /// The row (per_row / single) or column (per_column) it was evaluated for.
    pub row: &'f str,
    pub column: &'f str,
    pub lhs: f64,
    pub rhs: f64,
    pub relation: Relation,
}

impl Outcome<'_> {
    pub fn holds(&self) -> bool {
        match self.relation {
            Relation::Eq => (self.lhs - self.rhs).abs() < EQ_TOLERANCE,
            Relation::Ge => self.lhs >= self.rhs,
        }
    }
}

pub fn get(v: &Values, t: &str, r: &str, c: &str) -> Option<f64> {
    v.get(t, r, c)
}

/// Where an identity's operand names are read: as rows of one column, or as
/// columns of one row.
#[derive(Clone, Copy)]
enum At<'a> {
    Column(&'a str),
    Row(&'a str),
}

/// The signed sum of `terms` placed by `at`; None when an operand is missing.
fn side_sum(v: &Values, table: &str, terms: &[Term], at: At) -> Option<f64> {
    let mut s = 0.0;
    for t in terms {
        let x = match at {
            At::Column(c) => v.get(table, &t.name, c),
            At::Row(r) => v.get(table, r, &t.name),
        };
        s += t.sign * x?;
    }
    Some(s)
}

/// Evaluates every same-year comparison of `format` whose operands are all present,
/// in grammar order. Cross-year identities and group sums are not included.
pub fn evaluate<'f>(format: &'f Format, v: &Values) -> Vec<Outcome<'f>> {
    evaluate_where(format, v, |_| true)
}

/// [`evaluate`] of the identities `keep` accepts only.
///
/// The callers that evaluate again after setting a few cells (joint digit-split
/// resolution per combination, check per blank cell) need only the identities
/// those cells can change: evaluating all of them each time was most of both.
pub fn evaluate_where<'f>(
    format: &'f Format,
    v: &Values,
    keep: impl Fn(&super::Identity) -> bool,
) -> Vec<Outcome<'f>> {
    let mut out = Vec::new();
    for id in format.identities.iter().filter(|id| keep(id)) {
        let Expr::Compare { lhs, relation, rhs } = &id.parsed else {
            continue;
        };
        let mut push = |row: &'f str, column: &'f str, at: At| {
            if let (Some(l), Some(r)) = (
                side_sum(v, &id.table, lhs, at),
                side_sum(v, &id.table, rhs, at),
            ) {
                out.push(Outcome {
                    identity: &id.id,
                    table: &id.table,
                    row,
                    column,
                    lhs: l,
                    rhs: r,
                    relation: *relation,
                });
            }
        };
        match id.apply {
            Apply::PerColumn => {
                for c in format.column_ids(&id.table) {
                    push("", c, At::Column(c));
                }
            }
            Apply::PerRow if !id.block.is_empty() => {
                let first = lhs.first().map(|t| t.name.as_str()).unwrap_or("");
                for row in format.block_row_ids(&id.block) {
                    push(row, first, At::Row(row));
                }
            }
            Apply::PerRow => {
                for row in format.data_row_ids(&id.table) {
                    push(row, "", At::Row(row));
                }
            }
            Apply::Single => {
                let first = lhs.first().map(|t| t.name.as_str()).unwrap_or("");
                for row in format.data_row_ids(&id.table) {
                    push(row, first, At::Row(row));
                }
            }
            Apply::CrossYear => {}
        }
    }
    out
}

/// Group sums: for each group row of a `GroupSums` identity and each column where
/// the report printed a value on the group row and every data sub-row, the printed
/// value (`lhs`) and the sum of the sub-rows (`rhs`).
pub fn group_outcomes<'f>(format: &'f Format, v: &Values) -> Vec<Outcome<'f>> {
    let mut out = Vec::new();
    for id in &format.identities {
        let Expr::GroupSums { groups } = &id.parsed else {
            continue;
        };
        let t = &format.tables.applications;
        for g in groups {
            let children: Vec<String> = t
                .rows
                .iter()
                .filter(|r| &r.parent == g && r.is_data())
                .map(|r| r.id.clone())
                .collect();
            for c in &t.columns {
                let Some(printed) = get(v, &id.table, g, &c.id) else {
                    continue;
                };
                let terms: Vec<Term> = children
                    .iter()
                    .map(|r| Term {
                        sign: 1.0,
                        name: r.clone(),
                        previous: false,
                    })
                    .collect();
                let Some(sum) = side_sum(v, &id.table, &terms, At::Column(&c.id)) else {
                    continue;
                };
                out.push(Outcome {
                    identity: &id.id,
                    table: &id.table,
                    row: g,
                    column: &c.id,
                    lhs: printed,
                    rhs: sum,
                    relation: Relation::Eq,
                });
            }
        }
    }
    out
}

/// Formats a sum for a message: integers without a fraction, others with at most
/// six decimals; values beyond i64 are printed as floats rather than saturated.
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(side: &Side) -> Vec<String> {
        side.iter()
            .map(|(s, o)| match o {
                Operand::Name(n, p) => format!("{s}{n}{}", if *p { "'" } else { "" }),
                Operand::Glob(p) => format!("{s}{p}*"),
            })
            .collect()
    }

    #[test]
    fn parses_the_expression_forms() {
        let Raw::Compare(l, rel, r) = parse_raw("a + b == sum(c_*) + d").unwrap() else {
            panic!()
        };
        assert_eq!(rel, Relation::Eq);
        assert_eq!(names(&l), ["1a", "1b"]);
        assert_eq!(names(&r), ["1c_*", "1d"]);
        let Raw::Compare(l, _, r) =
            parse_raw("x[year N] == x[year N-1] + y[year N] - z[ year N ]").unwrap()
        else {
            panic!()
        };
        assert_eq!(names(&l), ["1x"]);
        assert_eq!(names(&r), ["1x'", "1y", "-1z"]);
        assert_eq!(
            parse_raw("p >= q").unwrap(),
            Raw::Compare(
                vec![(1.0, Operand::Name("p".into(), false))],
                Relation::Ge,
                vec![(1.0, Operand::Name("q".into(), false))]
            )
        );
        assert_eq!(
            parse_raw("for g in [a, b]: value(g) == sum(children(g)) if value(g) present").unwrap(),
            Raw::GroupSums(vec!["a".into(), "b".into()])
        );
        for bad in [
            "",
            "a ==",
            "a = b",
            "a == b +",
            "a == b c",
            "a[year M] == b",
            "for g in [a]: value(h) == sum(children(g)) if value(g) present",
            "sum(a) == b",
        ] {
            assert!(parse_raw(bad).is_err(), "{bad}");
        }
    }

    /// An identity that does not name a cell's row or column evaluates the same
    /// with or without that cell: what the filtered evaluations rely on.
    #[test]
    fn only_identities_naming_a_cell_change_with_it() {
        let g = crate::grammar::Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let t3 = &f.tables.applications;
        let mut cells = Vec::new();
        for (ri, r) in t3.rows.iter().enumerate() {
            for (ci, c) in t3.columns.iter().enumerate() {
                cells.push(Cell {
                    table: t3.id.as_str().into(),
                    row: r.id.as_str().into(),
                    column: c.id.as_str().into(),
                    value: ((ri * 7 + ci * 3) % 5).to_string().into(),
                    ..Default::default()
                });
            }
        }
        let all = evaluate(f, &values_of(&cells));
        assert!(all.len() > 10);
        let mut cells_changing = 0;
        for blank in 0..cells.len() {
            let mut v = values_of(&cells);
            let c = &cells[blank];
            v.insert(&c.table, &c.row, &c.column, 1000.0);
            let changed: Vec<Outcome> = evaluate(f, &v)
                .into_iter()
                .filter(|o| !all.contains(o))
                .collect();
            let named = evaluate_where(f, &v, |id| {
                id.table == c.table && (id.parsed.names(&c.row) || id.parsed.names(&c.column))
            });
            cells_changing += usize::from(!changed.is_empty());
            assert!(changed.iter().all(|o| named.contains(o)), "{c:?}");
        }
        assert!(cells_changing > cells.len() / 2, "{cells_changing}");
        // The table filter keeps its table's outcomes, in order.
        let v = values_of(&cells);
        let t3_only: Vec<Outcome> = all.iter().filter(|o| o.table == t3.id).cloned().collect();
        assert_eq!(evaluate_where(f, &v, |id| id.table == t3.id), t3_only);
    }

    #[test]
    fn fmt_num_guards_huge_values() {
        assert_eq!(fmt_num(12.0), "12");
        assert_eq!(fmt_num(-3.5), "-3.5");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(1e20), "100000000000000000000");
    }
}
