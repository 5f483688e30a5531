//! The import graph of `src/` matches the pipeline: every top-level module imports
//! only modules of a lower layer, and no imports form a circle. Read from the
//! source (`crate::module` paths outside comments), so a new upward import fails
//! here rather than in review. The layers are drawn in the README's architecture
//! section.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first. A module may import only modules of
/// a lower layer.
const LAYERS: &[&[&str]] = &[
    // Plain data and character tables.
    &["model", "text", "budget"],
    // The one numbering grammar; the output files' names, headers and CSV helpers.
    &["numbering", "csvfile"],
    // Templates as data: schema, validation, labels, identities (the evaluator).
    &["grammar"],
    // The stages, in pipeline order.
    &["ingest"],
    &["clean"],
    &["parse"],
    &["map"],
    &["check"],
    // Where finished reports go: the sink contract, progress, in-memory.
    &["sink"],
    // Findings that need other reports.
    &["crossyear"],
    // One input through every stage; the six output files.
    &["pipeline", "write"],
    // Many inputs, and the tools that read the outputs.
    &["corpus", "merge", "eval", "xlsx"],
    &["audit", "worker"],
    &["cli"],
];

fn layer_of(m: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&m))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Module → the top-level modules its code names as `crate::x`.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let path_re = regex::Regex::new(r"crate::([a-z_][a-z0-9_]*)").unwrap();
    let group_re = regex::Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let deps = graph.entry(module.clone()).or_default();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            let mut names: Vec<String> = path_re
                .captures_iter(code)
                .map(|c| c[1].to_string())
                .collect();
            for g in group_re.captures_iter(code) {
                names.extend(
                    g[1].split(',')
                        .filter_map(|p| p.trim().split("::").next())
                        .map(str::to_string),
                );
            }
            for n in names {
                if n != module && !n.is_empty() {
                    deps.insert(n);
                }
            }
        }
    }
    graph
}

#[test]
fn stages_import_only_downward() {
    let graph = imports();
    let mut wrong = Vec::new();
    for (m, deps) in &graph {
        let Some(lm) = layer_of(m) else {
            eprintln!("note: module `{m}` has no layer in tests/architecture.rs; only checked for circles");
            continue;
        };
        for d in deps {
            match layer_of(d) {
                Some(ld) if ld < lm => {}
                Some(_) => wrong.push(format!("{m} → {d}")),
                None => {}
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers: {wrong:?}");
}

#[test]
fn no_import_circles() {
    let graph = imports();
    // Depth-first search for a back edge.
    fn visit<'a>(
        m: &'a str,
        g: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        path: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(2) => return None,
            Some(1) => {
                let at = path.iter().position(|x| *x == m).unwrap_or(0);
                let mut c: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                c.push(m.to_string());
                return Some(c);
            }
            _ => {}
        }
        state.insert(m, 1);
        path.push(m);
        for d in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, g, state, path) {
                return Some(c);
            }
        }
        path.pop();
        state.insert(m, 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        let mut path = Vec::new();
        if let Some(c) = visit(m, &graph, &mut state, &mut path) {
            panic!("import circle: {}", c.join(" → "));
        }
    }
}

#[test]
fn the_checker_sees_imports() {
    // Guards the test itself: known edges are found.
    let g = imports();
    assert!(g["map"].contains("parse"));
    assert!(g["pipeline"].contains("check"));
    assert!(g["write"].contains("crossyear"));
}
