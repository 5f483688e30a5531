//! The mapping context of one report: its lines, units and prose figures, and
//! how cells, findings and repairs are built at their input places.

use super::evidence;
use crate::model::{Cell, CompactString, Finding, Line, Repair, Severity};
use crate::parse::tables::ParsedRow;
use crate::parse::tokens::{parse_number, Token};

pub(super) struct Ctx<'a> {
    pub(super) lines: &'a [Line],
    /// Byte offset of each character of a line with joins, built on first use:
    /// finding a token's character column by walking its line made every cell of a
    /// table crawled onto one long line cost the line's length.
    pub(super) char_starts: Vec<std::cell::OnceCell<Vec<usize>>>,
    /// Whether each line is field-separated ([`super::rows::line_is_separated`]),
    /// found on first use: a row asks it of its cells' lines, and a table
    /// crawled onto one 16,000-character line has hundreds of cells on it.
    pub(super) separated: Vec<std::cell::OnceCell<bool>>,
    pub(super) units: &'a [String],
    /// Figures the prose states for single cells (evidence for glued runs).
    pub(super) figures: Vec<evidence::Figure>,
}

impl Ctx<'_> {
    /// The input place of a token: its line's, or that of the piece of a joined
    /// line it sits in (a cell rebuilt from a crawled layout, a sentence joined
    /// across a page).
    pub(super) fn loc(&self, t: &Token) -> (Option<usize>, Option<usize>) {
        self.lines.get(t.line).map_or((None, None), |l| {
            if l.joins.is_empty() {
                return (Some(l.page), Some(l.line));
            }
            let starts = self.char_starts[t.line]
                .get_or_init(|| l.text.char_indices().map(|(b, _)| b).collect());
            let at = starts.get(t.ccol).copied().unwrap_or(l.text.len());
            let (page, line) = l.place_at(at);
            (Some(page), Some(line))
        })
    }

    /// Whether line `i` is field-separated (tabs or markdown pipes).
    pub(super) fn line_separated(&self, i: usize) -> bool {
        match (self.lines.get(i), self.separated.get(i)) {
            (Some(l), Some(s)) => *s.get_or_init(|| super::rows::line_is_separated(l)),
            _ => false,
        }
    }

    /// The number a cell made from `raw` by [`Ctx::cell`] holds for the
    /// identities (`values_of`): its canonical value read as a number.
    pub(super) fn cell_number(&self, raw: &str) -> Option<f64> {
        parse_number(raw, self.units).and_then(|n| n.value.parse().ok())
    }

    pub(super) fn cell(
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
            table: CompactString::from(table),
            row: CompactString::from(row.row.as_str()),
            column: CompactString::from(column.0),
            value: CompactString::from(value.as_str()),
            raw: CompactString::from(raw),
            unit: CompactString::from(unit.as_str()),
            row_label: CompactString::from(row.label.as_str()),
            column_label: CompactString::from(column.1),
            page,
            line,
        }
    }

    /// A number read in a table but put in no cell; `why` says why, for the reader.
    pub(super) fn unplaced(&self, table: &str, row: (&str, &str), t: &Token, why: &str) -> Finding {
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
        .values("", t.raw)
        .place_opt(page, line)
    }

    /// The input place of the first token of `tokens`.
    pub(super) fn first_loc(&self, tokens: &[Token]) -> (Option<usize>, Option<usize>) {
        tokens.first().map_or((None, None), |t| self.loc(t))
    }

    pub(super) fn split_repair(
        &self,
        t: &Token,
        before: &str,
        after: &[String],
        rule: &str,
    ) -> Repair {
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
