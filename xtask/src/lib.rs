//! The project's commands, run as `cargo xtask <command>`.
//!
//! - `codegen [--spec PATH] [--out DIR] [--check]`: generates the client crate from the spec.
//! - `spec-import --from FILE [--out PATH] [--additions PATH]`: writes `spec/resource-servers.yaml`
//!   from Auth0's published OpenAPI document.

pub mod codegen;
pub mod spec_import;

/// The help text.
pub const USAGE: &str = "\
usage: cargo xtask codegen [--spec PATH] [--out DIR] [--check]
       cargo xtask spec-import --from FILE [--out PATH] [--additions PATH]

codegen: generates the client crate from an OpenAPI document
  --spec PATH  the OpenAPI 3.0 or 3.1 document (YAML or JSON); default spec/resource-servers.yaml
  --out DIR    where the crate goes; default generated-client
  --check      write nothing; fail, naming each file, when the crate on disk is stale

spec-import: writes the spec from Auth0's published Management API document
  --from FILE       Auth0's document (OpenAPI 3.1 or 3.0, JSON or YAML; the whole file or a part
                    holding the resource-server paths)
  --out PATH        where the spec goes; default spec/resource-servers.yaml
  --additions PATH  our additions to Auth0's document; default spec/additions.yaml";

/// The README's Rust examples, compiled as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
