//! Link options for the optimised server binary (see `link/README.md`).
//!
//! - The functions the server runs (start-up, requests, jobs) are placed together, in the
//!   order `link/hot-code.order` lists, because the kernel maps executable code in large
//!   blocks around each first touch and scattered hot code keeps far more of it resident.
//! - Relative relocations are packed (DT_RELR), so the relocation table a position-
//!   independent static executable reads at start-up shrinks to a few kilobytes.
//!
//! Both are options of LLD, the linker Rust uses on x86_64 Linux since 1.90.

const ORDER: &str = "link/hot-code.order";

fn main() {
    println!("cargo::rerun-if-changed={ORDER}");
    println!("cargo::rerun-if-changed=build.rs");
    let is = |var: &str, value: &str| std::env::var(var).is_ok_and(|v| v == value);
    // LLD is the default linker only on x86_64 Linux (GNU); elsewhere these flags could fail.
    let lld = is("CARGO_CFG_TARGET_ARCH", "x86_64")
        && is("CARGO_CFG_TARGET_OS", "linux")
        && is("CARGO_CFG_TARGET_ENV", "gnu");
    if !(lld && is("PROFILE", "release")) {
        return;
    }
    // The linker reads a copy in OUT_DIR: cargo reuses this script's output while ORDER is
    // unchanged, also for a checkout at another path sharing the target directory, and a
    // path into the checkout that ran it had gone with that checkout.
    let out = std::env::var("OUT_DIR").unwrap_or_default();
    let order = std::path::Path::new(&out).join("hot-code.order");
    if let Err(err) = std::fs::read(ORDER).and_then(|list| std::fs::write(&order, list)) {
        println!("cargo::warning=functions not ordered: copying {ORDER}: {err}");
        return;
    }
    for arg in [
        format!("-Wl,--symbol-ordering-file={}", order.display()),
        // Names of functions since renamed or inlined are skipped, not errors.
        "-Wl,--no-warn-symbol-ordering".to_owned(),
        "-Wl,-z,pack-relative-relocs".to_owned(),
    ] {
        println!("cargo::rustc-link-arg-bin=synaptiq={arg}");
    }
}
