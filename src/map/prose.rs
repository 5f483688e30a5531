//! The report's lines as the prose rules of `common.toml` read them, matched once.
//!
//! Map (figures the prose states: evidence for glued runs) and check (figures
//! that differ from the table) both run every prose pattern over the report's
//! compacted lines. Done rule by rule, each stage compacted every line again and
//! scanned it once per pattern, most of it over lines no pattern matches. Here
//! each line is compacted once and scanned once by a [`LineSet`] of every
//! pattern; only the lines some pattern matches keep their compacted text, with
//! the patterns that match, and a rule runs its own regex (for the captures) on
//! those lines alone. Which lines a rule sees, and in which order, is unchanged.
//!
//! Most lines are not even compacted: every prose pattern needs its figure's
//! unit word (件), and a line without a character that every match of every
//! pattern contains cannot match (see [`Patterns::gate`]).

use crate::grammar::Common;
use crate::model::Line;
use crate::text::LineSet;
use crate::text::{cached_regex, compact, compact_mapped, once_per_patterns, PatternsCache};
use regex_syntax::hir::{Hir, HirKind, Literal};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The lines of a report that at least one prose pattern matches.
pub struct ProseLines<'l> {
    lines: &'l [Line],
    /// Flat index (rules in grammar order, each rule's patterns in order) of
    /// each rule's first pattern.
    first_pattern: Vec<usize>,
    hits: Vec<Hit>,
}

/// One line some prose pattern matches.
struct Hit {
    /// Index of the line in the report.
    line: usize,
    /// The compacted line, and the byte offset in the line of each of its bytes.
    text: String,
    offsets: Vec<usize>,
    /// Flat indexes of the patterns that match it, ascending.
    patterns: Vec<usize>,
}

impl<'l> ProseLines<'l> {
    /// Compacts and scans every line of `lines` once.
    pub fn new(common: &Common, lines: &'l [Line]) -> Self {
        let mut first_pattern = Vec::with_capacity(common.prose.len());
        let mut patterns: Vec<&str> = Vec::new();
        for rule in &common.prose {
            first_pattern.push(patterns.len());
            patterns.extend(rule.patterns.iter().map(String::as_str));
        }
        let compiled = compiled(&patterns);
        let mut hits = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if !compiled.gate.iter().all(|&c| l.text.contains(c)) {
                continue;
            }
            let text = compact(&l.text);
            let matched: Vec<usize> = match compiled.set {
                Some(set) if !set.is_match(&text) => continue,
                Some(set) => set.matches(&text),
                // Never for a loaded grammar (its patterns compile, and so does
                // their set); kept so an odd grammar still reads its prose.
                None => (0..patterns.len())
                    .filter(|&p| cached_regex(patterns[p]).is_some_and(|re| re.is_match(&text)))
                    .collect(),
            };
            if matched.is_empty() {
                continue;
            }
            let (text, offsets) = compact_mapped(&l.text);
            hits.push(Hit {
                line: i,
                text,
                offsets,
                patterns: matched,
            });
        }
        ProseLines {
            lines,
            first_pattern,
            hits,
        }
    }

    /// Keeps only the lines whose index `keep` accepts (check reads the prose
    /// outside the tables).
    pub fn retain_lines(&mut self, keep: impl Fn(usize) -> bool) {
        self.hits.retain(|h| keep(h.line));
    }

    /// The lines that pattern `pattern` of rule `rule` (grammar order) matches, in
    /// line order: the line, its compacted text, and the byte offset in the line
    /// of each byte of that text.
    pub fn matching(
        &self,
        rule: usize,
        pattern: usize,
    ) -> impl Iterator<Item = ProseHit<'l, '_>> + '_ {
        let flat = self.first_pattern.get(rule).map(|f| f + pattern);
        self.hits
            .iter()
            .filter(move |h| flat.is_some_and(|p| h.patterns.binary_search(&p).is_ok()))
            .filter_map(|h| {
                let line = self.lines.get(h.line)?;
                Some((line, h.text.as_str(), h.offsets.as_slice()))
            })
    }

    /// [`ProseLines::matching`] with the pattern's own regex `pattern` (for
    /// its captures), or `None` when no line matches it (or it does not
    /// compile). The regex is compiled only when a line needs it: most patterns
    /// match no line of a report, and compiling one costs more than a small
    /// report's prose.
    pub fn matching_regex(
        &self,
        rule: usize,
        index: usize,
        pattern: &str,
    ) -> Option<(
        &'static regex::Regex,
        impl Iterator<Item = ProseHit<'l, '_>> + '_,
    )> {
        let mut lines = self.matching(rule, index).peekable();
        lines.peek()?;
        Some((crate::text::cached_regex(pattern)?, lines))
    }
}

/// A line a prose pattern matches: the line, its compacted text, and the byte
/// offset in the line of each byte of that text.
pub type ProseHit<'l, 's> = (&'l Line, &'s str, &'s [usize]);

/// The prose patterns compiled for [`ProseLines::new`].
struct Patterns {
    /// Every pattern in one set ([`crate::text::cached_regex_set`], where the
    /// grammar loader compiled it); `None` if it does not compile.
    set: Option<&'static LineSet>,
    /// Characters every match of every pattern contains, and which compacting
    /// a line cannot create from another character (non-ASCII ones: `norm_char`
    /// maps characters only to ASCII), so a line that lacks one of them in its
    /// own text cannot match any pattern.
    gate: Vec<char>,
}

/// The prose patterns compiled, and their gate found, once per process.
fn compiled(patterns: &[&str]) -> &'static Patterns {
    static CACHE: PatternsCache<&'static Patterns> = OnceLock::new();
    once_per_patterns(&CACHE, patterns, || {
        let gate = patterns
            .iter()
            .map(|p| {
                regex_syntax::Parser::new()
                    .parse(p)
                    .map(|h| required_chars(&h))
                    .unwrap_or_default()
            })
            .reduce(|a, b| a.intersection(&b).copied().collect())
            .unwrap_or_default()
            .into_iter()
            .filter(|c| !c.is_ascii())
            .collect();
        &*Box::leak(Box::new(Patterns {
            set: crate::text::cached_regex_set(patterns).ok(),
            gate,
        }))
    })
}

/// The characters every match of `h` contains: a concatenation's parts' all,
/// the ones common to every branch of an alternation, a repetition's if it
/// repeats at least once; classes and assertions promise none.
fn required_chars(h: &Hir) -> BTreeSet<char> {
    match h.kind() {
        HirKind::Literal(Literal(bytes)) => std::str::from_utf8(bytes)
            .map(|s| s.chars().collect())
            .unwrap_or_default(),
        HirKind::Capture(c) => required_chars(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required_chars(&r.sub),
        HirKind::Concat(hs) => hs.iter().flat_map(required_chars).collect(),
        HirKind::Alternation(hs) => hs
            .iter()
            .map(required_chars)
            .reduce(|a, b| a.intersection(&b).copied().collect())
            .unwrap_or_default(),
        HirKind::Repetition(_) | HirKind::Empty | HirKind::Class(_) | HirKind::Look(_) => {
            BTreeSet::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Grammars;

    /// The index of the rule that reads 上年结转 N件.
    fn carried_over(common: &Common) -> usize {
        common
            .prose
            .iter()
            .position(|r| r.id == "carried_over_total")
            .unwrap()
    }

    /// Every rule's pattern is reported on exactly the lines its own regex matches.
    #[test]
    fn the_set_finds_the_lines_each_pattern_matches() {
        let g = Grammars::embedded().unwrap();
        let lines = Line::numbered(&[
            "本年新收政府信息公开申请 81 件，上年结转申请３件。",
            "表格 1 2 3",
            "行政复议案件2件，现行有效规范性文件665件。",
            "",
            "结转下年度继续办理5件",
        ]);
        let prose = ProseLines::new(&g.common, &lines);
        let mut seen = 0;
        for (ri, rule) in g.common.prose.iter().enumerate() {
            for (pi, pat) in rule.patterns.iter().enumerate() {
                let re = cached_regex(pat).unwrap();
                let want: Vec<usize> = lines
                    .iter()
                    .filter(|l| re.is_match(&compact(&l.text)))
                    .map(|l| l.line)
                    .collect();
                let got: Vec<usize> = prose.matching(ri, pi).map(|(l, ..)| l.line).collect();
                assert_eq!(got, want, "{}", rule.id);
                seen += got.len();
            }
        }
        assert!(seen >= 5);
        // Only matched lines are kept, with their text compacted and mapped back.
        assert_eq!(prose.hits.len(), 3);
        let carried = carried_over(&g.common);
        let (l, text, offsets) = prose.matching(carried, 0).next().unwrap();
        assert_eq!(&l.text[offsets[text.find('3').unwrap()]..], "３件。");
        // Out of range: nothing.
        assert_eq!(prose.matching(g.common.prose.len(), 0).count(), 0);
    }

    #[test]
    fn required_characters_are_those_every_match_contains() {
        let req = |p: &str| -> String {
            required_chars(&regex_syntax::Parser::new().parse(p).unwrap())
                .into_iter()
                .collect()
        };
        assert_eq!(req(r"(?:行政)?复议(?:案件)?(\d+)件"), "件复议");
        assert_eq!(req(r"(?:收到|受理)申请(\d+)件"), "件申请");
        assert_eq!(req(r"(?:收到|收取)x+"), "x收");
        assert_eq!(req(r"[件条](\d+)|a*b{0,2}"), "");
        // The embedded grammar's prose patterns all need 件.
        let g = Grammars::embedded().unwrap();
        let patterns: Vec<&str> = g
            .common
            .prose
            .iter()
            .flat_map(|r| r.patterns.iter().map(String::as_str))
            .collect();
        assert_eq!(compiled(&patterns).gate, ['件']);
    }

    /// The gate's premise: compacting maps a character only to ASCII, so a
    /// non-ASCII character of a compacted line is in the line itself.
    #[test]
    fn normalising_creates_no_non_ascii_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let n = crate::text::norm_char(c);
            assert!(n == c || n.is_ascii(), "{c:?} -> {n:?}");
        }
    }

    #[test]
    fn retained_lines_are_the_only_ones_read() {
        let g = Grammars::embedded().unwrap();
        let lines = Line::numbered(&["上年结转申请3件", "上年结转申请4件"]);
        let mut prose = ProseLines::new(&g.common, &lines);
        let carried = carried_over(&g.common);
        assert_eq!(prose.matching(carried, 0).count(), 2);
        prose.retain_lines(|i| i != 0);
        let got: Vec<usize> = prose.matching(carried, 0).map(|(l, ..)| l.line).collect();
        assert_eq!(got, [2]);
    }
}
