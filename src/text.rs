//! Character normalisation used for matching only; outputs keep the report's own text.

use std::borrow::Cow;

/// Maps one character to its matching form: full-width ASCII to half-width,
/// ideographic and no-break spaces to a space, Chinese brackets and stops to ASCII.
#[inline]
pub fn norm_char(c: char) -> char {
    match c {
        '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200B}' | '\u{202F}' | '\u{FEFF}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '【' | '〔' => '[',
        '】' | '〕' => ']',
        '“' | '”' | '„' | '‟' | '″' => '"',
        '‘' | '’' | '′' => '\'',
        '‐' | '‑' | '‒' => '-',
        _ => c,
    }
}

/// Whether a character starting with this UTF-8 byte may be changed by
/// [`norm_char`]: every character it maps starts with one of these (U+00A0;
/// U+2000–U+2FFF; U+3000–U+3FFF; U+F000–U+FFFF), so ASCII and the Chinese
/// characters of a text (lead bytes E4–E9) are skipped without decoding.
/// `tests::lead_bytes_cover_every_changed_character` checks every character.
const fn may_normalize(lead: u8) -> bool {
    matches!(lead, 0xC2 | 0xE2 | 0xE3 | 0xEF)
}

/// Whether a character starting with this byte may be changed or dropped by
/// [`compact_char`]: those of [`may_normalize`], ASCII whitespace and the
/// dropped marks, and the lead bytes of Unicode whitespace (U+0085 and U+00A0:
/// C2; U+1680: E1; U+2000–U+205F: E2; U+3000: E3). Chinese characters and
/// ASCII letters, digits and most punctuation are kept as they are.
/// `tests::lead_bytes_cover_every_changed_character` checks every character.
const fn may_compact(lead: u8) -> bool {
    matches!(
        lead,
        b'\t'..=b'\r' | b' ' | b'"' | b'\'' | b'|' | b'#' | b'*' | 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF
    )
}

/// A lead-byte predicate as a table of steps, one load a character: 0 for a
/// lead byte in the set (the character is looked at), else the length of the
/// character it starts, so the scan skips a Chinese character's three bytes
/// at once. (Continuation bytes never start a character: 1, unused.)
type LeadSteps = [u8; 256];

/// The table of a `const fn(u8) -> bool`.
macro_rules! lead_steps {
    ($may_change:ident) => {{
        let mut steps = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            steps[b] = if $may_change(b as u8) {
                0
            } else {
                utf8_width(b as u8)
            };
            b += 1;
        }
        steps
    }};
}

/// The length of the UTF-8 character a lead byte starts (1 for ASCII and,
/// unused, for continuation bytes).
const fn utf8_width(lead: u8) -> u8 {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// [`may_normalize`] and [`may_compact`] as tables.
static NORMALIZE_LEADS: LeadSteps = lead_steps!(may_normalize);
static COMPACT_LEADS: LeadSteps = lead_steps!(may_compact);

/// Calls `f(i, c)` for each character `c` at byte `i` of `s` whose lead byte
/// is in `leads`, in order; the others are skipped a character at a time,
/// not decoded. Nearly every byte of a Chinese report is a CJK character or
/// plain ASCII, so this visits a few characters a line instead of decoding
/// all of them. (A plain loop: scanning blocks of bytes at once was slower,
/// candidates being frequent.)
#[inline]
fn for_each_candidate(s: &str, leads: &LeadSteps, mut f: impl FnMut(usize, char)) {
    let bytes = s.as_bytes();
    let mut i = 0;
    // `i` is always at the start of a character: it moves by whole characters.
    while let Some(&b) = bytes.get(i) {
        let step = leads[usize::from(b)];
        if step != 0 {
            i += usize::from(step);
            continue;
        }
        let Some((c, width)) = decode_at(bytes, i, b) else {
            break;
        };
        f(i, c);
        i += width;
    }
}

/// The character that byte `b` starts at `bytes[i]` (valid UTF-8, `i` at a
/// character's start) and its length, decoded from its bytes (without the
/// slicing and checks of `s[i..].chars().next()`).
#[inline]
fn decode_at(bytes: &[u8], i: usize, b: u8) -> Option<(char, usize)> {
    let cont = |k: usize| bytes.get(i + k).map(|&x| u32::from(x & 0x3F));
    let (v, width) = match b {
        0x00..=0x7F => (u32::from(b), 1),
        0xC0..=0xDF => ((u32::from(b & 0x1F) << 6) | cont(1)?, 2),
        0xE0..=0xEF => ((u32::from(b & 0x0F) << 12) | (cont(1)? << 6) | cont(2)?, 3),
        _ => (
            (u32::from(b & 0x07) << 18) | (cont(1)? << 12) | (cont(2)? << 6) | cont(3)?,
            4,
        ),
    };
    char::from_u32(v).map(|c| (c, width))
}

/// `s` with each character replaced by `map` (dropped on `None`), borrowed when
/// nothing changes. `leads` must hold the lead byte of every character that
/// `map` does not keep as it is.
#[inline]
fn rewrite<'a>(s: &'a str, leads: &LeadSteps, map: impl Fn(char) -> Option<char>) -> Cow<'a, str> {
    let mut out: Option<String> = None;
    let rest = rewrite_runs(s, leads, map, |run, k| {
        // Normalising never lengthens a character's UTF-8 form: `s.len()` is enough.
        let out = out.get_or_insert_with(|| String::with_capacity(s.len()));
        out.push_str(run);
        out.extend(k);
    });
    match out {
        None => Cow::Borrowed(s),
        Some(mut out) => {
            out.push_str(&s[rest..]);
            Cow::Owned(out)
        }
    }
}

/// The walk of [`rewrite`]: for each character `map` changes, `emit` gets the
/// run of unchanged text before it (copied as a slice) and its replacement
/// (`None`: dropped). Returns where the unchanged rest of `s` starts.
#[inline]
fn rewrite_runs<'a>(
    s: &'a str,
    leads: &LeadSteps,
    map: impl Fn(char) -> Option<char>,
    mut emit: impl FnMut(&'a str, Option<char>),
) -> usize {
    let mut from = 0;
    for_each_candidate(s, leads, |i, c| {
        let k = map(c);
        if k != Some(c) {
            emit(&s[from..i], k);
            from = i + c.len_utf8();
        }
    });
    from
}

/// Normalises a whole string with [`norm_char`], borrowing it when it is
/// already normal (no full-width form, special space, bracket or quote): the
/// stages that only read the normal form need no copy of such a line.
pub fn normalized(s: &str) -> Cow<'_, str> {
    rewrite(s, &NORMALIZE_LEADS, |c| Some(norm_char(c)))
}

/// Normalises a whole string with [`norm_char`].
pub fn normalize(s: &str) -> String {
    normalized(s).into_owned()
}

/// The compact matching key of a label: normalised, without whitespace, quotes
/// or table rules. Enumerators are kept (`crate::numbering` strips them).
pub fn compact(s: &str) -> String {
    rewrite(s, &COMPACT_LEADS, compact_char).into_owned()
}

/// Appends [`compact`] of `s` to `out`: a whole document's compact form is
/// built in one buffer rather than a `String` per line.
pub fn compact_into(out: &mut String, s: &str) {
    let rest = rewrite_runs(s, &COMPACT_LEADS, compact_char, |run, k| {
        out.push_str(run);
        out.extend(k);
    });
    out.push_str(&s[rest..]);
}

/// [`compact`] of `s`, with the byte offset in `s` of each byte of the result, so a
/// match in the compact form can be traced back to its place in the line.
pub fn compact_mapped(s: &str) -> (String, Vec<usize>) {
    // Normalising never lengthens a character's UTF-8 form: `s.len()` is enough.
    let mut out = String::with_capacity(s.len());
    let mut offsets = Vec::with_capacity(s.len());
    // Each byte of a kept run maps to the start of its character.
    let copy_run = |out: &mut String, offsets: &mut Vec<usize>, from: usize, to: usize| {
        out.push_str(&s[from..to]);
        let mut start = from;
        offsets.extend(s.as_bytes()[from..to].iter().enumerate().map(|(k, &b)| {
            if !is_continuation(b) {
                start = from + k;
            }
            start
        }));
    };
    let mut from = 0;
    for_each_candidate(s, &COMPACT_LEADS, |i, c| {
        let k = compact_char(c);
        if k != Some(c) {
            copy_run(&mut out, &mut offsets, from, i);
            if let Some(k) = k {
                out.push(k);
                offsets.resize(out.len(), i);
            }
            from = i + c.len_utf8();
        }
    });
    copy_run(&mut out, &mut offsets, from, s.len());
    (out, offsets)
}

/// Whether a UTF-8 byte continues a character (`10xxxxxx`) rather than starting one.
#[inline]
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// One character of [`compact`]: normalised, or `None` when compact drops it.
#[inline]
pub fn compact_char(c: char) -> Option<char> {
    // Chinese characters, most of a report, are kept as they are.
    if ('\u{3400}'..='\u{9FFF}').contains(&c) {
        return Some(c);
    }
    let c = norm_char(c);
    (!c.is_whitespace() && !matches!(c, '"' | '\'' | '|' | '#' | '*')).then_some(c)
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Compiles a pattern from the grammars once per process and shares it by
/// reference; `None` if it is invalid (never for a loaded grammar: `Grammars`
/// checks every pattern at load and rejects the file with its line otherwise).
///
/// Shared, not cloned: a cloned `Regex` starts with an empty search cache, so a
/// clone per use rebuilt the lazy DFA of every rule for every report. Each
/// distinct pattern is compiled once and kept for the life of the process (the
/// grammars hold a few dozen).
pub fn cached_regex(pattern: &str) -> Option<&'static regex::Regex> {
    compile_regex(pattern).ok()
}

/// [`cached_regex`] with the compiler's error. The grammar loader validates
/// its patterns through this, so the regexes it compiles to check them are
/// the ones the stages use: compiling them was half of the start-up of a
/// process (a worker compiled every pattern twice).
pub fn compile_regex(pattern: &str) -> Result<&'static regex::Regex, regex::Error> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Cache = HashMap<String, Result<&'static regex::Regex, regex::Error>>;
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(re) = map.get(pattern) {
        return re.clone();
    }
    let re = regex::Regex::new(pattern).map(|r| &*Box::leak(Box::new(r)));
    map.insert(pattern.to_string(), re.clone());
    re
}

/// The [`LineSet`] of `patterns`, compiled once per process and shared (as
/// [`cached_regex`] shares each pattern); the compiler's error if they do not
/// compile as a [`regex::RegexSet`]. The prose rules are matched through their
/// set first (only the lines it matches run a rule's own regex), and the grammar
/// loader compiles the set at load to check the patterns, so each rule's own
/// regex is compiled only when some line needs its captures.
pub fn cached_regex_set(patterns: &[&str]) -> Result<&'static LineSet, regex::Error> {
    static CACHE: PatternsCache<Result<&'static LineSet, regex::Error>> =
        std::sync::OnceLock::new();
    once_per_patterns(&CACHE, patterns, || {
        LineSet::new(patterns).map(|s| &*Box::leak(Box::new(s)))
    })
}

/// Patterns matched together against many lines: whether any matches, and which
/// — what [`regex::RegexSet`] answers, for less than half its compile time.
///
/// A `RegexSet` builds its forward NFA and a reverse one (for the start of a
/// match, which a set never reports), a one-pass DFA and literal prefilters; a
/// set is compiled in every process, and those were a tenth of a small PDF's
/// run. Here the set is one forward lazy DFA
/// ([`regex_automata::hybrid::dfa::DFA`], the engine a `RegexSet` searches
/// with), built with the same syntax and NFA size limit, so it answers as the
/// `RegexSet` would. Where it cannot (a pattern it cannot build, such as a
/// Unicode word boundary, or a search it gives up) the `RegexSet` itself is
/// compiled and answers.
pub struct LineSet {
    /// `None` when the lazy DFA could not be built: `fallback` answers.
    dfa: Option<regex_automata::hybrid::dfa::DFA>,
    patterns: Vec<String>,
    fallback: std::sync::OnceLock<Result<regex::RegexSet, regex::Error>>,
    /// Names this set's search caches (each thread keeps one per set).
    id: u64,
}

/// The NFA size limit of [`regex::RegexSet::new`] (`RegexSetBuilder::size_limit`'s
/// default), so a set compiles here exactly when it would there.
const SET_NFA_SIZE_LIMIT: usize = 10 * (1 << 20);

/// The lazy DFA gives up after this many cache clears, when it also searched
/// fewer than [`GIVE_UP_BYTES_PER_STATE`] bytes per state built since: the
/// settings of the `regex` crate's own engine (`regex-automata`'s meta
/// wrappers), so a search costs what it costs with a `RegexSet`.
const GIVE_UP_CACHE_CLEARS: usize = 3;
/// See [`GIVE_UP_CACHE_CLEARS`].
const GIVE_UP_BYTES_PER_STATE: usize = 10;

impl LineSet {
    /// Compiles `patterns`; the error is [`regex::RegexSet::new`]'s.
    pub fn new(patterns: &[&str]) -> Result<LineSet, regex::Error> {
        use regex_automata::{hybrid::dfa::DFA, nfa::thompson, MatchKind};
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    // Give up (and let the RegexSet answer) where the cache
                    // thrashes, as the RegexSet's own lazy DFA does: a long
                    // crawled line can otherwise rebuild states every few bytes.
                    .minimum_cache_clear_count(Some(GIVE_UP_CACHE_CLEARS))
                    .minimum_bytes_per_state(Some(GIVE_UP_BYTES_PER_STATE)),
            )
            .thompson(
                thompson::Config::new()
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(SET_NFA_SIZE_LIMIT)),
            )
            .build_many(patterns)
            .ok();
        let set = LineSet {
            dfa,
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            fallback: std::sync::OnceLock::new(),
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        };
        if set.dfa.is_none() {
            // The RegexSet decides: its error, or it answers every search.
            set.regex_set().map_err(Clone::clone)?;
        }
        Ok(set)
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether the set has no pattern.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether some pattern matches somewhere in `hay`.
    pub fn is_match(&self, hay: &str) -> bool {
        let input = regex_automata::Input::new(hay).earliest(true);
        match self.with_dfa(|dfa, cache| dfa.try_search_fwd(cache, &input)) {
            Some(Ok(m)) => m.is_some(),
            _ => self.regex_set().is_ok_and(|s| s.is_match(hay)),
        }
    }

    /// Which patterns match somewhere in `hay`, ascending.
    pub fn matches(&self, hay: &str) -> Vec<usize> {
        let input = regex_automata::Input::new(hay);
        let mut found = regex_automata::PatternSet::new(self.len());
        match self
            .with_dfa(|dfa, cache| dfa.try_which_overlapping_matches(cache, &input, &mut found))
        {
            Some(Ok(())) => found.iter().map(|p| p.as_usize()).collect(),
            _ => self
                .regex_set()
                .map_or_else(|_| Vec::new(), |s| s.matches(hay).into_iter().collect()),
        }
    }

    /// `search` with the lazy DFA and this thread's cache for it; `None` without
    /// a DFA.
    fn with_dfa<T>(
        &self,
        search: impl FnOnce(
            &regex_automata::hybrid::dfa::DFA,
            &mut regex_automata::hybrid::dfa::Cache,
        ) -> T,
    ) -> Option<T> {
        use regex_automata::hybrid::dfa::Cache;
        use std::cell::RefCell;
        thread_local! {
            /// Each set's search cache, by the set's id (a handful of sets a
            /// process: those of its grammars).
            static CACHES: RefCell<Vec<(u64, Cache)>> = const { RefCell::new(Vec::new()) };
        }
        let dfa = self.dfa.as_ref()?;
        let key = self.id;
        CACHES.with(|c| {
            let mut caches = c.borrow_mut();
            let i = match caches.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    caches.push((key, dfa.create_cache()));
                    caches.len() - 1
                }
            };
            Some(search(dfa, &mut caches[i].1))
        })
    }

    /// The patterns as a [`regex::RegexSet`], compiled at first need.
    fn regex_set(&self) -> Result<&regex::RegexSet, &regex::Error> {
        self.fallback
            .get_or_init(|| regex::RegexSet::new(&self.patterns))
            .as_ref()
    }
}

/// FNV-1a, fed piece by piece: a hash that is the same on every machine and
/// release (shards choose reports by it; workers and their parent compare
/// output layouts by it).
#[derive(Debug, Clone, Copy)]
pub struct StableHash(u64);

impl Default for StableHash {
    fn default() -> Self {
        StableHash(0xcbf29ce484222325)
    }
}

impl StableHash {
    pub fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

/// [`StableHash`] of one string.
pub fn stable_hash(s: &str) -> u64 {
    let mut h = StableHash::default();
    h.add(s.as_bytes());
    h.finish()
}

/// A process-wide cache of values built from a list of patterns (see
/// [`once_per_patterns`]).
pub type PatternsCache<T> = std::sync::OnceLock<std::sync::Mutex<Vec<(Vec<String>, T)>>>;

/// The value `build` makes for `patterns`, built once per process and kept in
/// `cache` for its life (values are cheap to clone: leaked references).
pub fn once_per_patterns<T: Clone>(
    cache: &PatternsCache<T>,
    patterns: &[&str],
    build: impl FnOnce() -> T,
) -> T {
    let mut cache = cache
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    // One entry per distinct grammar (one in practice): a linear search.
    if let Some((_, value)) = cache
        .iter()
        .find(|(k, _)| k.iter().map(String::as_str).eq(patterns.iter().copied()))
    {
        return value.clone();
    }
    let value = build();
    cache.push((
        patterns.iter().map(|p| p.to_string()).collect(),
        value.clone(),
    ));
    value
}

/// Terminal punctuation: a line ending in one of these ends a sentence.
pub fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .chars()
        .last()
        .is_some_and(|c| "。；;：:！!？?」』）)】”\"".contains(c))
}

/// Rewrites dates in Chinese numerals (二〇二二年一月二十日, 二〇二一年度) with digits,
/// as official documents often sign them.
pub fn arabic_dates(s: &str) -> String {
    use regex::Regex;
    use std::sync::OnceLock;
    /// The characters of a year in Chinese numerals.
    const YEAR_DIGITS: &str = "〇○零一二三四五六七八九";
    // A match needs such a digit right before 年; most texts have none (years
    // in Arabic digits), and then the regex is neither compiled (a tenth of a
    // millisecond, in every process) nor run.
    let possible = s.match_indices('年').any(|(i, _)| {
        s[..i]
            .chars()
            .next_back()
            .is_some_and(|c| YEAR_DIGITS.contains(c))
    });
    if !possible {
        return s.to_string();
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(&format!(
            r"([{YEAR_DIGITS}]{{4}})年(?:([一二三四五六七八九十]{{1,2}})月(?:([一二三四五六七八九十]{{1,3}})日)?)?"
        ))
        .expect("static regex")
    });
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .find(c)
            .map(|i| i / 3)
            .or_else(|| "○零".contains(c).then_some(0))
    };
    let small = |t: &str| -> Option<usize> {
        let c: Vec<char> = t.chars().collect();
        match c.as_slice() {
            ['十'] => Some(10),
            ['十', u] => Some(10 + digit(*u)?),
            [t, '十'] => Some(digit(*t)? * 10),
            [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
            [u] => digit(*u),
            _ => None,
        }
    };
    re.replace_all(s, |c: &regex::Captures| {
        let year: Option<String> = c[1]
            .chars()
            .map(|ch| digit(ch).map(|d| char::from(b'0' + d as u8)))
            .collect();
        let Some(year) = year else {
            return c[0].to_string();
        };
        let mut out = format!("{year}年");
        if let Some(m) = c.get(2) {
            match small(m.as_str()) {
                Some(m) => out.push_str(&format!("{m}月")),
                None => return c[0].to_string(),
            }
        }
        if let Some(d) = c.get(3) {
            match small(d.as_str()) {
                Some(d) => out.push_str(&format!("{d}日")),
                None => return c[0].to_string(),
            }
        }
        out
    })
    .into_owned()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Texts without a Chinese-numeral digit right before 年 come back as they
    /// are (the regex is skipped); the others are rewritten.
    #[test]
    fn arabic_dates_only_where_a_year_can_be() {
        for same in [
            "2023年1月",
            "",
            "年",
            "十年",
            "一二三年",
            "年二〇二二",
            "今年一月",
        ] {
            assert_eq!(arabic_dates(same), same);
        }
        assert_eq!(
            arabic_dates("于二〇二二年一月二十日发布"),
            "于2022年1月20日发布"
        );
        assert_eq!(arabic_dates("2021年与二○二一年"), "2021年与2021年");
    }

    /// Haystacks for comparing a [`LineSet`] with the `RegexSet` of its patterns.
    pub(crate) const SET_PROBES: &[&str] = &[
        "",
        "3",
        "— 3 —",
        "第 2 页 共 5 页",
        "3 / 12",
        "x\nx",
        "本年新收政府信息公开申请81件",
        "上年结转申请3件",
        "行政复议案件2件，行政诉讼1件",
        "结转下年度继续办理5件",
        "é",
        "e\u{301}",
        "现行有效规范性文件665件",
        "a word",
        "١٢",
        "，。件",
    ];

    /// Whether `set` answers every probe as the `RegexSet` of `patterns`.
    pub(crate) fn assert_set_agrees(set: &LineSet, patterns: &[&str]) {
        assert_set_agrees_on(set, patterns, SET_PROBES);
    }

    /// [`assert_set_agrees`] on the texts `hays`.
    pub(crate) fn assert_set_agrees_on<S: AsRef<str>>(
        set: &LineSet,
        patterns: &[&str],
        hays: &[S],
    ) {
        let theirs = regex::RegexSet::new(patterns).unwrap();
        assert_eq!(set.len(), patterns.len());
        for h in hays.iter().map(AsRef::as_ref) {
            assert_eq!(set.is_match(h), theirs.is_match(h), "{patterns:?} on {h:?}");
            let want: Vec<usize> = theirs.matches(h).into_iter().collect();
            assert_eq!(set.matches(h), want, "{patterns:?} on {h:?}");
        }
    }

    /// A LineSet answers as the RegexSet of its patterns, on the lazy DFA and
    /// on the fallback (a Unicode word boundary, which the lazy DFA cannot
    /// build); the grammar's own sets are compared in `grammar`.
    #[test]
    fn line_sets_answer_as_regex_sets() {
        let on_dfa = [
            r"^$",
            r"a*",
            r"(?m)^x$",
            r"[^，。]{0,3}件",
            r"\d+",
            r"é",
            r"^[-—–－]?\s*\d{1,3}\s*[-—–－]?$",
            r"(?:^|[^0-9.])([0-9]+)件[^。；，,]{0,16}?诉讼",
        ];
        let with_boundary = [r"\bword\b", r"件"];
        let set = LineSet::new(&on_dfa).unwrap();
        assert!(set.dfa.is_some());
        assert_set_agrees(&set, &on_dfa);
        let set = LineSet::new(&with_boundary).unwrap();
        assert!(set.dfa.is_none());
        assert_set_agrees(&set, &with_boundary);
        // The RegexSet's error, for a pattern that does not compile.
        let err = LineSet::new(&["a(", "b"]).err().unwrap();
        assert_eq!(
            err.to_string(),
            regex::RegexSet::new(["a(", "b"]).err().unwrap().to_string()
        );
    }

    #[test]
    fn width_and_brackets() {
        assert_eq!(normalize("（四）１２３＋"), "(四)123+");
        assert_eq!(compact("1. 属于 国家秘密"), "1.属于国家秘密");
        assert_eq!(compact("危及“三安全一稳定”"), "危及三安全一稳定");
        assert_eq!(compact("|　行政许可 |"), "行政许可");
    }

    #[test]
    fn lead_bytes_cover_every_changed_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut b = [0u8; 4];
            c.encode_utf8(&mut b);
            // Decoded from its bytes as std decodes it.
            assert_eq!(decode_at(&b, 0, b[0]), Some((c, c.len_utf8())), "{c:?}");
            // A skipped character is skipped whole.
            for steps in [&NORMALIZE_LEADS, &COMPACT_LEADS] {
                let step = usize::from(steps[usize::from(b[0])]);
                assert!(step == 0 || step == c.len_utf8(), "{c:?}");
            }
            if norm_char(c) != c {
                assert!(
                    NORMALIZE_LEADS[usize::from(b[0])] == 0,
                    "{c:?} changes but its lead byte is skipped"
                );
            }
            // The definition `compact_char` shortcuts for Chinese characters.
            let n = norm_char(c);
            let compacted =
                (!n.is_whitespace() && !matches!(n, '"' | '\'' | '|' | '#' | '*')).then_some(n);
            assert_eq!(compact_char(c), compacted, "{c:?}");
            if compacted != Some(c) {
                assert!(
                    COMPACT_LEADS[usize::from(b[0])] == 0,
                    "{c:?} is compacted but its lead byte is skipped"
                );
            }
        }
    }

    #[test]
    fn slice_copies_equal_the_character_maps() {
        for s in [
            "",
            "（四）１２３＋ 行政许可\u{3000}“三安全”|#*x",
            "一、总体情况。2020年，本局收到申请１６件",
            "　\t 【】〔〕‘’′‐‑‒\u{FEFF}",
            "plain ascii only",
            "１６条，“三安全”\u{85}\u{1680}\u{205F}x",
        ] {
            assert_eq!(normalize(s), s.chars().map(norm_char).collect::<String>());
            assert_eq!(
                compact(s),
                s.chars().filter_map(compact_char).collect::<String>()
            );
            let mut appended = String::from("前");
            compact_into(&mut appended, s);
            assert_eq!(appended, format!("前{}", compact(s)));
            // Each byte of the compact form maps to the start of its character.
            let mut offsets = Vec::new();
            let mut out = String::new();
            for (i, c) in s.char_indices() {
                if let Some(k) = compact_char(c) {
                    out.push(k);
                    offsets.resize(out.len(), i);
                }
            }
            assert_eq!(compact_mapped(s), (out, offsets), "{s}");
            assert_eq!(
                matches!(normalized(s), Cow::Borrowed(_)),
                normalize(s) == s,
                "{s}"
            );
        }
    }
}
