//! Digit splitting: every reading of a glued run of digits (cell borders lost in
//! web text, `640020470`) as exactly the row's number of values.
//!
//! The enumeration is exhaustive within a work cap, so a run is either read from
//! all its readings or reported as ambiguous — never from a partial search.

/// Work cap for enumerating the readings of one glued run: past it the run is
/// reported as ambiguous rather than read from a partial enumeration. One run
/// may spend what a whole report may ([`crate::budget::NODES_PER_REPORT`], the
/// one figure for both); the report's budget usually stops a hostile report
/// first, and this cap still bounds a search when no budget is installed (a
/// caller of [`digit_splits`] outside the pipeline).
pub(super) const MAX_NODES: u64 = crate::budget::NODES_PER_REPORT;

/// Readings kept for joint resolution and for the finding's candidate list.
pub(super) const MAX_READINGS: usize = 500;

/// Longest value (digits and decimal point) a glued run is split into. The
/// largest figures of the three tables are table 2's money totals in yuan (up to
/// 10^12 with two decimals: 15 characters); allowing longer values only makes
/// hostile runs (a thousand glued digits) search forever.
pub(super) const MAX_VALUE_CHARS: usize = 16;

/// The readings of a glued run that pass the row's checks.
#[derive(Debug, Default, PartialEq)]
pub struct Splits {
    pub readings: Vec<Vec<String>>,
    /// False when the enumeration hit its cap: `readings` may miss the truth.
    pub complete: bool,
}

/// One space- or sign-separated part of a glued run.
pub(super) struct Piece {
    sign: Option<char>,
    /// Digits and at most one decimal point.
    body: String,
    /// Byte offset in `body` of each character, and `body.len()` last: the
    /// search cuts the body by characters and reads each cut as a slice.
    starts: Vec<usize>,
    unit: String,
}

impl Piece {
    /// Number of characters of the body.
    fn chars(&self) -> usize {
        self.starts.len() - 1
    }

    /// Characters `from..to` of the body.
    fn cut(&self, from: usize, to: usize) -> &str {
        &self.body[self.starts[from]..self.starts[to]]
    }
}

pub(super) fn pieces(raw: &str, units: &[String]) -> Vec<Piece> {
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
            let starts = body
                .char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(body.len()))
                .collect();
            out.push(Piece {
                sign,
                body: body.to_string(),
                starts,
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
    let mut search = Search {
        acc: Vec::new(),
        spare: Vec::new(),
        nodes: 0,
    };
    split_rec(&ps, 0, 0, k, check, &mut search, &mut out);
    out
}

/// The state of one digit search: the reading growing, the strings of values
/// taken off it (reused, so a search node allocates nothing), the nodes visited.
pub(super) struct Search {
    acc: Vec<String>,
    spare: Vec<String>,
    nodes: u64,
}

pub(super) fn split_rec(
    ps: &[Piece],
    pi: usize,
    pos: usize,
    k: usize,
    check: &dyn Fn(&[String]) -> bool,
    search: &mut Search,
    out: &mut Splits,
) {
    search.nodes += 1;
    if search.nodes > MAX_NODES || out.readings.len() >= MAX_READINGS || !crate::budget::spend(1) {
        out.complete = false;
        return;
    }
    let acc = &search.acc;
    let Some(piece) = ps.get(pi) else {
        if acc.len() == k && check(acc) {
            out.readings.push(acc.clone());
        }
        return;
    };
    // Every remaining part needs at least one number; every number one digit.
    let digits_left: usize =
        piece.chars() - pos + ps[pi + 1..].iter().map(Piece::chars).sum::<usize>();
    let values_left = k.saturating_sub(acc.len());
    if values_left < ps.len() - pi
        || values_left > digits_left
        || digits_left > values_left * MAX_VALUE_CHARS
    {
        return;
    }
    for end in pos + 1..=piece.chars().min(pos + MAX_VALUE_CHARS) {
        let part = piece.cut(pos, end);
        let last = end == piece.chars();
        if !valid_number(part) {
            if part.starts_with('0') && !part.starts_with("0.") && part.len() > 1 {
                break;
            }
            continue;
        }
        if part.contains('.') && !last {
            continue;
        }
        let mut value = search.spare.pop().unwrap_or_default();
        value.clear();
        if pos == 0 {
            if let Some(sg) = piece.sign {
                value.push(sg);
            }
        }
        value.push_str(part);
        if last {
            value.push_str(&piece.unit);
        }
        search.acc.push(value);
        if check(&search.acc) {
            if last {
                split_rec(ps, pi + 1, 0, k, check, search, out);
            } else {
                split_rec(ps, pi, end, k, check, search, out);
            }
        }
        if let Some(v) = search.acc.pop() {
            search.spare.push(v);
        }
    }
}

/// No leading zeros (except `0` and `0.x`), digits on both sides of a point.
pub(super) fn valid_number(p: &str) -> bool {
    if p.is_empty() || p.starts_with('.') || p.ends_with('.') {
        return false;
    }
    let int = p.split('.').next().unwrap_or("");
    !(int.len() > 1 && int.starts_with('0'))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::identities::identities_hold;

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

    #[test]
    fn the_search_stops_at_its_node_cap() {
        let run = |start: u64| {
            let ps = pieces("1234567890", &units());
            let mut out = Splits {
                readings: Vec::new(),
                complete: true,
            };
            let mut search = Search {
                acc: Vec::new(),
                spare: Vec::new(),
                nodes: start,
            };
            split_rec(&ps, 0, 0, 4, &|_| true, &mut search, &mut out);
            (out.complete, search.nodes)
        };
        let (complete, used) = run(0);
        assert!(complete);
        assert!(used > 10);
        // The same search with fewer nodes left than it needs is cut short.
        let (complete, _) = run(MAX_NODES - 10);
        assert!(!complete);
    }
}
