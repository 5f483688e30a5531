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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammars;

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn row_identities_are_column_positions_of_required_sums() {
        let g = Grammars::embedded().unwrap();
        let f = g.format("f2021").unwrap();
        let t3 = &f.tables.applications;
        let cols: Vec<(String, String)> = t3
            .columns
            .iter()
            .map(|c| (c.id.clone(), c.label.clone()))
            .collect();
        // total == the six applicant columns; the optional subtotal identity is not one.
        let ids = row_identities(f, &t3.id, &cols);
        assert_eq!(ids, [(6, vec![0, 1, 2, 3, 4, 5])]);
        // An identity naming a column the row does not have is dropped.
        assert!(row_identities(f, &t3.id, &cols[..6]).is_empty());
        // Table 4: three single-row totals.
        let t4 = &f.tables.review_litigation;
        let cols: Vec<(String, String)> = t4
            .columns
            .iter()
            .map(|c| (c.id.clone(), c.label.clone()))
            .collect();
        let ids = row_identities(f, &t4.id, &cols);
        assert_eq!(ids.len(), 3);
        assert_eq!(ids[0], (4, vec![0, 1, 2, 3]));
        // Another table's identities are not this one's.
        assert!(row_identities(f, "active_disclosure", &cols).is_empty());
    }

    #[test]
    fn identities_hold_when_their_numbers_add_up_or_are_incomplete() {
        let ids = vec![(2, vec![0, 1])];
        assert!(identities_hold(&v(&["1", "2", "3"]), &ids));
        assert!(!identities_hold(&v(&["1", "2", "4"]), &ids));
        assert!(!identities_hold(&v(&["1", "2", "2"]), &ids));
        assert!(identities_hold(&v(&["1.5", "1.5", "3"]), &ids));
        // A blank operand or total: nothing to check.
        assert!(identities_hold(&v(&["", "2", "4"]), &ids));
        assert!(identities_hold(&v(&["1", "2", ""]), &ids));
        assert!(identities_hold(&v(&["1", "2"]), &ids));
        // Every identity must hold.
        let two = vec![(2, vec![0, 1]), (3, vec![0])];
        assert!(identities_hold(&v(&["1", "2", "3", "1"]), &two));
        assert!(!identities_hold(&v(&["1", "2", "3", "2"]), &two));
    }
}
