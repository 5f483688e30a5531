//! Within-row identities as column positions (total = Σ parts), used to prune
//! digit splits while they are enumerated and to check a row's first k numbers.

use crate::grammar::identity::Relation;
use crate::grammar::{Apply, Expr, Format, Status};

/// The template's within-row identities of `table` as column positions:
/// (total, parts) pairs, from `per_row` (table 3) and `single` (table 4) identities.
pub(super) fn row_identities(
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
pub(super) fn identities_hold(v: &[String], ids: &[(usize, Vec<usize>)]) -> bool {
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
