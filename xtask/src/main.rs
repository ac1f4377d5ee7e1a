//! `cargo xtask <command>`: the command line of the project's commands (see the `xtask` library).

use std::process::ExitCode;

use xtask::{codegen, compare, spec_import, USAGE};

/// The generator builds and drops millions of small token and syntax-tree nodes; mimalloc serves
/// them much faster than the system allocator (`BENCHMARKS.md` has the numbers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => {
            codegen::Options::parse(&args[1..]).and_then(|options| codegen::run(&options))
        }
        Some("spec-import") => {
            spec_import::Options::parse(&args[1..]).and_then(|options| spec_import::run(&options))
        }
        Some("generate") => codegen::generate(&args[1..]),
        Some("compare") => compare::run(&args[1..]),
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
