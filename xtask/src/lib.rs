//! The project's commands, run as `cargo xtask <command>`.
//!
//! - `codegen [--spec PATH] [--out DIR] [--check] [--verbose]`: generates the client crate from the spec.
//! - `spec-import --from FILE [--out PATH] [--additions PATH]`: writes `spec/resource-servers.yaml`
//!   from Auth0's published OpenAPI document.
//! - `generate --spec FILE --out DIR [--name CRATE] [--tag-features [--default-features LIST]]`:
//!   `codegen` for any spec into any directory, optionally with a Cargo feature per tag.
//! - `compare [--runs N] [--specs A,B] [--cold] [--progenitor PATH] [--ploidy PATH]`: this
//!   generator against `cargo-progenitor` and `ploidy`, side by side (see `BENCHMARKS.md`).

pub mod codegen;
pub mod compare;
pub mod spec_import;

/// The help text.
pub const USAGE: &str = "\
usage: cargo xtask codegen [--spec PATH] [--out DIR] [--name CRATE] [--check] [--verbose]
                     [--tag-features [--default-features LIST]]
       cargo xtask spec-import --from FILE [--out PATH] [--additions PATH]
       cargo xtask generate --spec FILE --out DIR [--name CRATE] [--verbose]
                     [--tag-features [--default-features LIST]]
       cargo xtask compare [--runs N] [--specs A,B] [--cold] [--progenitor PATH] [--ploidy PATH]

codegen: generates the client crate from an OpenAPI document
  --spec PATH  the OpenAPI 3.0 or 3.1 document (YAML or JSON); default spec/resource-servers.yaml
  --out DIR    where the crate goes; default generated-client
  --name CRATE the crate's name; default the directory's (generated-client for the default)
  --check      write nothing; fail, naming each file, when the crate on disk is stale
  --verbose    print every warning with its JSON pointer (past 10, only a count of each kind)
  --tag-features
               a Cargo feature per tag of the document: a tag's operations, and the types they
               use, are compiled only with its feature (untagged operations and unused types
               always are)
  --default-features LIST
               the tag features `default` turns on: `all` (the default), `none`, or tags or
               feature names separated by commas: users,resource-servers

spec-import: writes the spec from Auth0's published Management API document
  --from FILE       Auth0's document (OpenAPI 3.1 or 3.0, JSON or YAML; the whole file or a part
                    holding the resource-server paths)
  --out PATH        where the spec goes; default spec/resource-servers.yaml
  --additions PATH  our additions to Auth0's document; default spec/additions.yaml

generate: codegen with --spec and --out required (the command `compare` times)

compare: this generator against the newest cargo-progenitor and ploidy (each installed with
`cargo install` into target/compare/<name>, reused while it is the newest) on the same specs,
alternately
  --runs N           runs of each side per measurement; default 7
  --specs A,B        only these specs (nexus, resource-servers, buildomat, keeper, auth0-whole)
  --cold             also time a cold `cargo check` with every dependency, and its peak memory
  --progenitor PATH  a cargo-progenitor binary to use instead of installing one
  --ploidy PATH      a ploidy binary to use instead of installing one";

/// The README's Rust examples, compiled as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
