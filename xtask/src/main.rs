//! The project's commands, run as `cargo xtask <command>`.
//!
//! - `codegen [--spec PATH] [--out DIR] [--check]`: generates the client crate from the spec.

mod codegen;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask codegen [--spec PATH] [--out DIR] [--check]

  --spec PATH  the OpenAPI 3.0 document (YAML or JSON); default spec/resource-servers.yaml
  --out DIR    where the crate goes; default generated-client
  --check      write nothing; fail, naming each file, when the crate on disk is stale";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => {
            codegen::Options::parse(&args[1..]).and_then(|options| codegen::run(&options))
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
