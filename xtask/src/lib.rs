//! The project's commands, run as `cargo xtask <command>`.
//!
//! - `codegen [--spec PATH] [--out DIR] [--check]`: generates the client crate from the spec.
//! - `generate --spec FILE --out DIR [--name CRATE]`: writes a standalone crate for any spec.
//! - `compare [--runs N] [--progenitor PATH]`: this generator against `cargo-progenitor`, side by
//!   side (see `BENCHMARKS.md`).

pub mod codegen;
pub mod compare;

/// The help text.
pub const USAGE: &str = "\
usage: cargo xtask codegen [--spec PATH] [--out DIR] [--check]
       cargo xtask generate --spec FILE --out DIR [--name CRATE]
       cargo xtask compare [--runs N] [--progenitor PATH]

codegen: regenerates a crate, writing only the files that change
  --spec PATH  the OpenAPI 3.0 document (YAML or JSON); default spec/resource-servers.yaml
  --out DIR    where the crate goes; default generated-client
  --check      write nothing; fail, naming each file, when the crate on disk is stale

generate: writes every file of a standalone crate for FILE into DIR (crate name CRATE)

compare: this generator against the newest cargo-progenitor (installed with `cargo install` into
target/compare/progenitor, reused while it is the newest) on the same specs, alternately
  --runs N           runs of each side per measurement; default 7
  --progenitor PATH  a cargo-progenitor binary to use instead of installing one";

/// The README's Rust examples, compiled as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
