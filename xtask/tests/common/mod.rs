//! What the tests that generate standalone crates share.
//!
//! Each test binary includes this module and uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `cargo xtask codegen --spec <spec> --out <out>` (the built binary) and returns what it did.
pub fn codegen(spec: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "codegen",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap()
}

/// Checks that the crate written at `out` is, file for file, the golden crate
/// `generator/tests/golden/<name>/` (which `generator/tests/golden.rs` keeps current) plus the
/// support modules: what reviewers read in the golden files is what these tests compile.
pub fn assert_matches_golden(name: &str, out: &Path) {
    let golden = xtask::codegen::workspace_root()
        .join("generator/tests/golden")
        .join(name);
    for relative in ["Cargo.toml", "src/lib.rs", "src/types.rs", "src/client.rs"] {
        let expected = std::fs::read_to_string(golden.join(relative))
            .unwrap_or_else(|error| panic!("{name}: golden {relative}: {error}"));
        let actual = std::fs::read_to_string(out.join(relative)).unwrap();
        assert!(
            expected == actual,
            "{name}: {relative} differs from its golden file; run \
             `EXPECTORATE=overwrite cargo test -p generator --test golden` and review the diff"
        );
    }
}

/// Writes generated `files` (paths relative to the crate root) into `out`, emptied first.
pub fn write_crate(files: &std::collections::BTreeMap<String, String>, out: &Path) {
    let _ = std::fs::remove_dir_all(out);
    for (path, contents) in files {
        let path = out.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}
