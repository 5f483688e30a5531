//! The characters a page-number pattern's match can start with, read from the
//! pattern's syntax: a line whose first character is none of them is not page
//! furniture, and clean does not normalise it to ask the patterns (most lines
//! of a report start with a Chinese character; the patterns start with a dash,
//! `第` or a digit).

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

/// The characters every match of some pattern in `patterns` starts with, when
/// each pattern is anchored at the start of the text (`^`, not multi-line) and
/// cannot match the empty text; `None` otherwise (no filter: every line is
/// tested), or when a pattern does not parse.
pub fn first_chars(patterns: &[&str]) -> Option<ClassUnicode> {
    let mut all = ClassUnicode::empty();
    for p in patterns {
        let hir = regex_syntax::Parser::new().parse(p).ok()?;
        if !hir.properties().look_set_prefix().contains(Look::Start) {
            return None;
        }
        let (class, nullable) = starts(&hir)?;
        if nullable {
            return None;
        }
        all.union(&class);
    }
    Some(all)
}

/// The first characters of the non-empty matches of `h`, and whether `h` can
/// match the empty text; `None` when they cannot be told (a byte class).
fn starts(h: &Hir) -> Option<(ClassUnicode, bool)> {
    Some(match h.kind() {
        HirKind::Empty | HirKind::Look(_) => (ClassUnicode::empty(), true),
        HirKind::Literal(lit) => {
            let c = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
            (ClassUnicode::new([ClassUnicodeRange::new(c, c)]), false)
        }
        HirKind::Class(Class::Unicode(class)) => (class.clone(), false),
        HirKind::Class(Class::Bytes(_)) => return None,
        HirKind::Repetition(r) => {
            let (class, nullable) = starts(&r.sub)?;
            (class, nullable || r.min == 0)
        }
        HirKind::Capture(c) => starts(&c.sub)?,
        HirKind::Concat(items) => {
            let mut all = ClassUnicode::empty();
            for item in items {
                let (class, nullable) = starts(item)?;
                all.union(&class);
                if !nullable {
                    return Some((all, false));
                }
            }
            (all, true)
        }
        HirKind::Alternation(items) => {
            let mut all = ClassUnicode::empty();
            let mut any_nullable = false;
            for item in items {
                let (class, nullable) = starts(item)?;
                all.union(&class);
                any_nullable |= nullable;
            }
            (all, any_nullable)
        }
    })
}

/// Whether `class` holds `c`.
pub fn contains(class: &ClassUnicode, c: char) -> bool {
    class
        .ranges()
        .binary_search_by(|r| {
            if r.end() < c {
                std::cmp::Ordering::Less
            } else if r.start() > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_patterns_give_their_first_characters() {
        let class = first_chars(&[r"^[-—]{1,2}\s*\d{1,4}$", r"^第\s*\d+\s*页$", r"^-?\s*\d+$"])
            .expect("anchored");
        for c in ['-', '—', '第', '3', '٣', ' '] {
            assert!(contains(&class, c), "{c:?}");
        }
        for c in ['一', 'a', '页', '（'] {
            assert!(!contains(&class, c), "{c:?}");
        }
    }

    #[test]
    fn no_filter_when_a_match_may_start_anywhere_or_be_empty() {
        assert!(first_chars(&[r"^\d+$", r"\d+页"]).is_none(), "unanchored");
        assert!(first_chars(&[r"(?m)^\d+$"]).is_none(), "multi-line anchor");
        assert!(first_chars(&[r"^\d*$"]).is_none(), "empty match");
        assert!(first_chars(&[r"^(?-u:\xFF)"]).is_none(), "byte class");
        assert!(first_chars(&[r"^("]).is_none(), "does not parse");
    }

    /// Every line a pattern matches starts with one of the characters found.
    #[test]
    fn the_class_holds_the_first_character_of_every_match() {
        let patterns = [
            r"^[-—–－‒―]{1,2}\s*\d{1,4}\s*[-—–－‒―]{1,2}$",
            r"^(?:第)?\s*\d{1,4}$",
        ];
        let class = first_chars(&patterns).expect("anchored");
        let set = regex::RegexSet::new(patterns).expect("valid");
        for t in ["— 3 —", "-12-", "第 2", "7", " 7", "٣", "一", "第"] {
            if set.is_match(t) {
                let c = t.chars().next().expect("non-empty");
                assert!(contains(&class, c), "{t}");
            }
        }
    }
}
