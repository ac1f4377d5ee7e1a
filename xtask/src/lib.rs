//! The project's commands, run as `cargo xtask <command>`.
//!
//! - `codegen [--spec PATH] [--out DIR] [--check]`: generates the client crate from the spec.

pub mod codegen;

/// The help text.
pub const USAGE: &str = "\
usage: cargo xtask codegen [--spec PATH] [--out DIR] [--check]

  --spec PATH  the OpenAPI 3.0 document (YAML or JSON); default spec/resource-servers.yaml
  --out DIR    where the crate goes; default generated-client
  --check      write nothing; fail, naming each file, when the crate on disk is stale";

/// The README's Rust examples, compiled as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
