//! Two start-up costs paid at build time instead:
//!
//! 1. The embedded grammars (every `grammars/*.toml`) converted to JSON in `OUT_DIR`,
//!    which `src/grammar` reads instead of their TOML (every process reads them
//!    at its start; JSON is several times cheaper to read). A file that does not
//!    parse here becomes an empty JSON string and is read from its TOML at run
//!    time, which reports the error with its line.
//!
//! 2. The `nianbao` executable linked at a fixed address (`-no-pie`) on Linux
//!    with the GNU toolchain.
//!
//! A position-independent executable has its pointer tables (Unicode and
//! other static tables of the dependencies: 37,000 relocations, 0.8 MB) patched
//! by the dynamic loader at every start, which touches and copies every page of
//! them; at a fixed address they are resolved at link time. That is 0.6 ms of
//! the ~2 ms a start costs, and `extract` starts twice (the worker is the same
//! binary): 5–8 % of one small PDF per invocation. The objects stay
//! position-independent (only the final link changes); the libraries, heap,
//! stacks and `mmap`s stay randomised. Only the executable links this way:
//! tests, examples and the library are unaffected.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    grammars_as_json();
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bin=nianbao=-no-pie");
    }
}

/// Writes `OUT_DIR/grammars/embedded.rs`, which `src/grammar` includes: every
/// `grammars/*.toml` (so a new template year is a new file there, picked up by the
/// next build with no code change), each as its TOML text and its JSON.
fn grammars_as_json() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("grammars");
    std::fs::create_dir_all(&out).expect("creating OUT_DIR/grammars");
    println!("cargo:rerun-if-changed=grammars");
    let mut names: Vec<String> = std::fs::read_dir("grammars")
        .expect("reading grammars/")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut formats = String::new();
    let mut json_list = String::new();
    for name in &names {
        let src = std::path::Path::new("grammars").join(name);
        println!("cargo:rerun-if-changed={}", src.display());
        let json = std::fs::read_to_string(&src)
            .ok()
            .and_then(|t| toml::from_str::<toml::Value>(&t).ok())
            .and_then(|v| serde_json::to_string(&v).ok())
            .unwrap_or_default();
        let json_file = out.join(format!("{name}.json"));
        std::fs::write(&json_file, json).expect("writing grammar JSON");
        let toml_file = std::fs::canonicalize(&src).expect("grammar path");
        json_list.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            json_file.display().to_string()
        ));
        if name != "common.toml" {
            formats.push_str(&format!(
                "    ({name:?}, include_str!({:?})),\n",
                toml_file.display().to_string()
            ));
        }
    }
    let common = std::fs::canonicalize("grammars/common.toml").expect("grammars/common.toml");
    let code = format!(
        "/// The template grammars compiled into the binary (every `grammars/*.toml` but\n\
         /// `common.toml`), by file name.\n\
         const EMBEDDED: &[(&str, &str)] = &[\n{formats}];\n\
         const EMBEDDED_COMMON: &str = include_str!({:?});\n\
         /// The embedded grammars as JSON (see `build.rs`), by file name.\n\
         const EMBEDDED_JSON: &[(&str, &str)] = &[\n{json_list}];\n",
        common.display().to_string()
    );
    std::fs::write(out.join("embedded.rs"), code).expect("writing embedded.rs");
}
