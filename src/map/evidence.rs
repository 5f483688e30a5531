//! The report's own evidence for a glued digit run: figures the prose restates.
//!
//! A glued run with several readings (`693665` = 69/3/665 or 6/93/665 …) is not
//! guessed. But the report often says one of its cells in words (“现行有效行政
//! 规范性文件665件”, “本年新收政府信息公开申请81件”). The prose rules of
//! `common.toml` whose every reading is a single cell give such figures (a rule
//! whose figure may be a sum, 收到申请N件 = new or new + carried over, does not);
//! a reading is taken only when exactly one reading agrees with every figure
//! stated for the row.

use super::prose::ProseLines;
use crate::grammar::{CellKey, Common};

/// One figure the prose states for one cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub table: String,
    pub row: String,
    pub column: String,
    /// Canonical number as stated.
    pub value: String,
    /// The words that state it, for the audit trail.
    pub quote: String,
    pub page: usize,
    pub line: usize,
}

/// Figures stated for single cells by the prose rules, from every line (a table
/// row is never matched: the rules need the figure's unit word, 件/条, after it).
pub fn prose_figures(common: &Common, prose: &ProseLines) -> Vec<Figure> {
    let mut out = Vec::new();
    for (ri, rule) in common.prose.iter().enumerate() {
        // A rule whose figure may be a sum (收到…申请 N件 = new, or new plus
        // carried over) says nothing certain about one cell: not evidence.
        if rule.readings.iter().any(|r| r.len() > 1) {
            continue;
        }
        let keys: Vec<&CellKey> = rule.readings.iter().flatten().collect();
        if keys.is_empty() {
            continue;
        }
        for (pi, pat) in rule.patterns.iter().enumerate() {
            let Some((re, lines)) = prose.matching_regex(ri, pi, pat) else {
                continue;
            };
            for (l, text, offsets) in lines {
                for m in re.captures_iter(text) {
                    let Some(fig) = m.get(1) else { continue };
                    let value = fig.as_str().trim_start_matches('0');
                    let value = if value.is_empty() { "0" } else { value };
                    let (page, line) = l.place_at(offsets.get(fig.start()).copied().unwrap_or(0));
                    for k in &keys {
                        out.push(Figure {
                            table: k.table.clone(),
                            row: k.row.clone(),
                            column: k.column.clone(),
                            value: value.to_string(),
                            quote: m.get(0).map_or("", |g| g.as_str()).to_string(),
                            page,
                            line,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The one reading of a row that agrees with every figure stated for its cells,
/// with the figures used; `None` when no figure concerns the row, or when none or
/// several readings agree.
pub fn agreeing<'f>(
    figures: &'f [Figure],
    table: &str,
    row: &str,
    columns: &[String],
    readings: &[Vec<String>],
) -> Option<(usize, Vec<&'f Figure>)> {
    let used: Vec<(&Figure, usize)> = figures
        .iter()
        .filter(|f| f.table == table && f.row == row)
        .filter_map(|f| Some((f, columns.iter().position(|c| *c == f.column)?)))
        .collect();
    if used.is_empty() {
        return None;
    }
    let agree: Vec<usize> = readings
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            used.iter()
                .all(|(f, ci)| r.get(*ci).is_some_and(|v| *v == f.value))
        })
        .map(|(i, _)| i)
        .collect();
    match agree.as_slice() {
        [one] => Some((*one, used.into_iter().map(|(f, _)| f).collect())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammars;
    use crate::model::Line;

    #[test]
    fn one_agreeing_reading_is_taken_several_are_not() {
        let g = Grammars::embedded().unwrap();
        let lines = vec![
            Line::new(
                "我局现行有效行政规范性文件665件，本年新收政府信息公开申请81件。",
                1,
                3,
            ),
            Line::new("行政规范性文件693665", 1, 9),
        ];
        let figs = prose_figures(&g.common, &ProseLines::new(&g.common, &lines));
        let f = figs
            .iter()
            .find(|f| f.row == "normative_docs" && f.column == "in_force")
            .expect("in-force figure");
        assert_eq!((f.value.as_str(), f.line), ("665", 3));
        let cols: Vec<String> = ["issued", "repealed", "in_force"]
            .map(String::from)
            .to_vec();
        let readings: Vec<Vec<String>> =
            [["69", "3", "665"], ["6", "93", "665"], ["693", "66", "5"]]
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect();
        // Two readings end in 665: the figure does not decide.
        assert!(agreeing(
            &figs,
            "active_disclosure",
            "normative_docs",
            &cols,
            &readings
        )
        .is_none());
        let (i, used) = agreeing(
            &figs,
            "active_disclosure",
            "normative_docs",
            &cols,
            &readings[1..],
        )
        .unwrap();
        assert_eq!((i, used.len()), (0, 1));
    }
}
