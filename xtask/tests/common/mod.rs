//! What the tests that generate standalone crates share.

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
