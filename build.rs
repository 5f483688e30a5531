//! Links the `nianbao` executable at a fixed address (`-no-pie`) on Linux with
//! the GNU toolchain.
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
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    if var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu" {
        println!("cargo:rustc-link-arg-bin=nianbao=-no-pie");
    }
}
