//! Two start-up costs paid at build time instead:
//!
//! 1. The embedded grammars (`grammars/*.toml`) converted to JSON in `OUT_DIR`,
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

fn grammars_as_json() {
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("grammars");
    std::fs::create_dir_all(&out).expect("creating OUT_DIR/grammars");
    for name in ["common.toml", "f2019.toml", "f2021.toml"] {
        let src = std::path::Path::new("grammars").join(name);
        println!("cargo:rerun-if-changed={}", src.display());
        let json = std::fs::read_to_string(&src)
            .ok()
            .and_then(|t| toml::from_str::<toml::Value>(&t).ok())
            .and_then(|v| serde_json::to_string(&v).ok())
            .unwrap_or_default();
        std::fs::write(out.join(format!("{name}.json")), json).expect("writing grammar JSON");
    }
}
