//! Row-label matching: template labels and aliases against the report's words.
//!
//! Labels are compared in their compact form (see [`crate::text::compact`]) with the
//! enumerator (`一、`, `(三)`, `2.`) removed, because reports renumber, mix full- and
//! half-width forms and wrap labels over lines. Matching tolerates a few typos
//! (`其他法律行政止公开`) through an approximate substring search.

use crate::numbering::strip_enumerator;
use crate::text::compact;

/// The ways one template row may be written.
#[derive(Debug, Clone)]
pub struct RowKeys {
    pub id: String,
    /// Compact keys, longest first.
    pub keys: Vec<Vec<char>>,
    /// The group row this row belongs to (（五）不予处理 for 4.无正当理由…), if any.
    pub parent: String,
}

/// Builds the compact keys of a label and its aliases.
///
/// Every report asks for the keys of the same few dozen template rows, and
/// building them (compacting, reading the enumerator) cost more than reading a
/// table's rows: they are kept per thread, by label and aliases (the grammars'
/// words, never the input's, so the cache stays as small as the grammars).
pub fn row_keys(id: &str, label: &str, aliases: &[String]) -> RowKeys {
    use std::cell::RefCell;
    thread_local! {
        static KEYS: RefCell<rustc_hash::FxHashMap<String, Vec<Vec<char>>>> =
            RefCell::default();
    }
    // Each part with its length before it, so no two lists of words share a name.
    let mut name = String::new();
    for part in std::iter::once(label).chain(aliases.iter().map(String::as_str)) {
        name.push_str(&part.len().to_string());
        name.push(':');
        name.push_str(part);
    }
    let keys = KEYS.with(|k| {
        k.borrow_mut()
            .entry(name)
            .or_insert_with(|| compact_keys(label, aliases))
            .clone()
    });
    RowKeys {
        id: id.to_string(),
        keys,
        parent: String::new(),
    }
}

/// The compact keys of a label and its aliases, longest first.
fn compact_keys(label: &str, aliases: &[String]) -> Vec<Vec<char>> {
    let mut keys: Vec<Vec<char>> = Vec::new();
    for s in std::iter::once(label).chain(aliases.iter().map(String::as_str)) {
        let c = compact(s);
        let core = strip_enumerator(&c).to_string();
        // A parenthesised note inside a label (部分公开（区分处理的…）) is often
        // wrapped or cut; the part before it is the key.
        let head = core.split('(').next().unwrap_or(&core).to_string();
        for k in [core, head] {
            let k: Vec<char> = k.chars().collect();
            if !k.is_empty() && !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
    keys
}

/// Keys this short or shorter (`总计`, `其他`, `规章`) are common words: they are
/// matched exactly only, and count as a row label only where numbers follow.
pub const SHORT_KEY_CHARS: usize = 3;

/// One typo is tolerated per this many characters of a longer key: a misprint
/// or a lost character in a 4-character label, but not two, which would match
/// other labels of the same table (`不予公开` vs `部分公开`).
const CHARS_PER_ERROR: usize = 4;

/// Errors tolerated for a key of `len` characters.
pub fn max_errors(len: usize) -> usize {
    if len <= SHORT_KEY_CHARS {
        0
    } else {
        len / CHARS_PER_ERROR
    }
}

/// Start of the first exact occurrence of `key` (not empty) in `hay`.
///
/// Looks for the key's first character and compares the rest only there: the
/// caption and label searches scan a whole report's text for dozens of keys, and
/// comparing a full window at every position was most of their time.
pub(crate) fn find_exact(hay: &[char], key: &[char]) -> Option<usize> {
    let (&first, rest) = key.split_first()?;
    let last_start = hay.len().checked_sub(key.len())?;
    let mut at = 0;
    while at <= last_start {
        let p = at + position_of(&hay[at..=last_start], first)?;
        if hay[p + 1..p + key.len()] == *rest {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

/// Characters compared per block by [`position_of`]: sixteen `char`s are two
/// 256-bit vector compares, and a label's first character is rare in a report,
/// so most blocks are passed over whole.
const SCAN_BLOCK: usize = 16;

/// The first position of `c` in `hay` (what `iter().position` gives).
///
/// The label searches look for a key's first character over a whole report's
/// text, for every key: a compare per character with an early exit was most of
/// their time. Each block is tested without an early exit (which the compiler
/// vectorises), and only the block that holds `c` is searched one by one.
fn position_of(hay: &[char], c: char) -> Option<usize> {
    let mut blocks = hay.chunks_exact(SCAN_BLOCK);
    let mut base = 0;
    for block in &mut blocks {
        if block.iter().fold(false, |seen, &h| seen | (h == c)) {
            return block.iter().position(|&h| h == c).map(|p| base + p);
        }
        base += SCAN_BLOCK;
    }
    blocks
        .remainder()
        .iter()
        .position(|&h| h == c)
        .map(|p| base + p)
}

/// Finds `key` in `hay[from..]`, exactly or with at most `max_err` edits.
/// Returns `(start, end)` (end exclusive) of the earliest-ending best match.
pub fn find_approx(
    hay: &[char],
    from: usize,
    key: &[char],
    max_err: usize,
) -> Option<(usize, usize)> {
    if key.is_empty() || from >= hay.len() {
        return None;
    }
    if let Some(p) = find_exact(&hay[from..], key) {
        return Some((from + p, from + p + key.len()));
    }
    if max_err == 0 {
        return None;
    }
    // Sellers' algorithm: edit distance of key against any substring ending at j,
    // tracking where the best alignment started.
    let m = key.len();
    let mut cost: Vec<usize> = (0..=m).collect();
    let mut start: Vec<usize> = vec![from; m + 1];
    let mut best: Option<(usize, usize, usize)> = None; // (err, start, end)
    for (j, &h) in hay.iter().enumerate().skip(from) {
        let mut prev_cost = cost[0];
        let mut prev_start = start[0];
        cost[0] = 0;
        start[0] = j + 1;
        for i in 1..=m {
            let sub = prev_cost + usize::from(key[i - 1] != h);
            let del = cost[i] + 1; // skip hay char
            let ins = cost[i - 1] + 1; // skip key char
            let (c, s) = if sub <= del && sub <= ins {
                (sub, prev_start)
            } else if del <= ins {
                (del, start[i])
            } else {
                (ins, start[i - 1])
            };
            prev_cost = cost[i];
            prev_start = start[i];
            cost[i] = c;
            start[i] = s;
        }
        if cost[m] <= max_err {
            match best {
                Some((e, _, _)) if cost[m] >= e => {
                    // Keep extending only while the error improves.
                    return best.map(|(_, s, e)| (s, e));
                }
                _ => best = Some((cost[m], start[m], j + 1)),
            }
        } else if let Some((_, s, e)) = best {
            return Some((s, e));
        }
    }
    best.map(|(_, s, e)| (s, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn keys_strip_enumerators_and_notes() {
        let k = row_keys(
            "partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            &["部分公开".into()],
        );
        let ks: Vec<String> = k.keys.iter().map(|k| k.iter().collect()).collect();
        assert!(ks.contains(&"部分公开".to_string()));
        assert!(ks[0].starts_with("部分公开(区分处理的"));
        let k = row_keys("x", "1.属于国家秘密", &[]);
        assert_eq!(k.keys[0], chars("属于国家秘密"));
    }

    #[test]
    fn kept_keys_are_those_of_their_own_words() {
        let a = row_keys("a", "其他法律", &["行政法规".into()]);
        let again = row_keys("b", "其他法律", &["行政法规".into()]);
        assert_eq!((a.keys, again.id.as_str()), (again.keys.clone(), "b"));
        // The same characters split otherwise are other words.
        let joined = row_keys("c", "其他法律行政法规", &[]);
        assert_eq!(joined.keys, [chars("其他法律行政法规")]);
    }

    #[test]
    fn exact_search_agrees_with_a_window_scan() {
        let hay = chars("甲乙甲乙丙甲乙丙丁");
        for key in [
            "甲",
            "乙丙",
            "甲乙丙丁",
            "丁",
            "丙丁甲",
            "甲乙甲乙丙甲乙丙丁",
            "甲乙甲乙丙甲乙丙丁戊",
        ] {
            let key = chars(key);
            let windows = hay.windows(key.len()).position(|w| w == key);
            assert_eq!(find_exact(&hay, &key), windows, "{key:?}");
        }
        assert_eq!(find_exact(&hay, &[]), None);
        assert_eq!(find_exact(&[], &chars("甲")), None);
    }

    #[test]
    fn the_block_scan_finds_the_first_position() {
        // Lengths around the block size, the character at every place, twice.
        for len in 0..3 * SCAN_BLOCK + 3 {
            let mut hay = vec!['甲'; len];
            assert_eq!(position_of(&hay, '乙'), None);
            for at in 0..len {
                hay[at] = '乙';
                if at + 5 < len {
                    hay[at + 5] = '乙';
                }
                let want = hay.iter().position(|&c| c == '乙');
                assert_eq!(position_of(&hay, '乙'), want, "{len} {at}");
                hay.fill('甲');
            }
        }
    }

    #[test]
    fn approximate_search() {
        let hay = chars("1.属于国家秘密2.其他法律行政止公开3.危及");
        let key = chars("其他法律行政法规禁止公开");
        let (s, e) = find_approx(&hay, 0, &key, max_errors(key.len())).unwrap();
        let found: String = hay[s..e].iter().collect();
        assert!(found.starts_with("其他法律行政"), "{found}");
        assert!(found.ends_with("止公开"), "{found}");
        assert_eq!(find_approx(&hay, 0, &chars("保护第三方合法权益"), 2), None);
        let hay = chars("沐阳县本年新收政府信息公开申请数量");
        assert_eq!(
            find_approx(&hay, 0, &chars("本年新收政府信息公开申请数量"), 0),
            Some((3, 17))
        );
    }
}
