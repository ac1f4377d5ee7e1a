//! `cargo xtask compare`: this generator against `cargo-progenitor`, measured side by side.
//!
//! Both generators run as whole processes on the same specs, alternately (the side that goes
//! first swaps every round), and the medians, their ratio (ours / progenitor) and the median of
//! each round's own ratio (the two sides of a round run back to back, so load that comes and goes
//! between rounds moves it less) are printed for:
//! wall time and peak memory of generation (GNU `time`'s `%M`), lines and bytes of the generated
//! Rust, and `cargo check` time of the generated crate once its dependencies are built, both
//! incremental (after `touch src/lib.rs`) and from scratch (after `cargo clean -p` of the crate).
//!
//! progenitor is installed with `cargo install cargo-progenitor --locked --root
//! target/compare/progenitor`, which `cargo` itself skips when the newest version is already there.
//! Our side is `target/release/xtask generate`, built with `cargo build --release -p xtask`, so
//! both are optimized binaries run directly. Generated crates go to a temporary directory outside
//! the workspace; their `cargo check` target directories stay in `target/compare/` for the next run.
//! Not part of CI: a first run takes several minutes on two cores.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use crate::codegen::workspace_root;

/// The specs compared: `(label, path relative to the workspace root)`.
const SPECS: &[(&str, &str)] = &[
    ("nexus", "generator/tests/fixtures/specs/nexus.json"),
    ("resource-servers", "spec/resource-servers.yaml"),
    ("buildomat", "generator/tests/fixtures/specs/buildomat.json"),
    ("keeper", "generator/tests/fixtures/specs/keeper.json"),
];

/// GNU time, for the peak resident memory of a process.
const GNU_TIME: &str = "/usr/bin/time";

/// One generator: how to run it on a spec.
struct Side {
    name: &'static str,
    binary: PathBuf,
}

impl Side {
    fn command(&self, spec: &Path, out: &Path, crate_name: &str) -> Command {
        let mut command = Command::new(GNU_TIME);
        command.args(["-f", "%e %M %U %S", "-o"]);
        command.arg(out.with_extension("time"));
        command.arg(&self.binary);
        if self.name == "ours" {
            command.arg("generate").arg("--spec").arg(spec).arg("--out");
            command.arg(out).arg("--name").arg(crate_name);
        } else {
            command.args(["progenitor", "--interface", "positional", "-i"]);
            command
                .arg(spec)
                .arg("-o")
                .arg(out)
                .arg("-n")
                .arg(crate_name);
            command.args(["-v", "0.1.0"]);
        }
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        command
    }
}

/// Samples of one measurement for both sides.
#[derive(Default)]
struct Samples {
    ours: Vec<f64>,
    theirs: Vec<f64>,
}

impl Samples {
    fn push(&mut self, side: usize, value: f64) {
        if side == 0 {
            self.ours.push(value);
        } else {
            self.theirs.push(value);
        }
    }
}

/// Runs the comparison: `[--runs N] [--progenitor PATH]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut runs = 7usize;
    let mut progenitor = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--runs needs a positive number")?
            }
            "--progenitor" => {
                progenitor = Some(PathBuf::from(
                    args.next().ok_or("--progenitor needs a path")?,
                ))
            }
            other => return Err(format!("unknown argument {other:?}\n\n{}", crate::USAGE)),
        }
    }
    if !Path::new(GNU_TIME).exists() {
        return Err(format!(
            "{GNU_TIME} (GNU time) is needed for peak memory: apt-get install time"
        ));
    }
    let root = workspace_root();
    let base = root.join("target").join("compare");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());

    let (progenitor, progenitor_version) = match progenitor {
        Some(path) => (path, "given with --progenitor".to_owned()),
        None => install_progenitor(&cargo, &base.join("progenitor"))?,
    };
    println!(
        "cargo-progenitor: {progenitor_version} ({})",
        progenitor.display()
    );
    step(
        Command::new(&cargo)
            .args(["build", "--release", "--quiet", "-p", "xtask"])
            .current_dir(&root),
        "cargo build --release -p xtask",
    )?;
    let sides = [
        Side {
            name: "ours",
            binary: root.join("target/release/xtask"),
        },
        Side {
            name: "progenitor",
            binary: progenitor,
        },
    ];

    let work = std::env::temp_dir().join(format!("xtask-compare-{}", std::process::id()));
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    println!(
        "{runs} runs per side, alternating; generated crates in {}",
        work.display()
    );
    let result = compare_specs(&sides, &root, &base, &work, &cargo, runs);
    let _ = fs::remove_dir_all(&work);
    result?;

    // `cargo xtask codegen` as typed, with the xtask already built and nothing to write.
    let mut codegen = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        step(
            Command::new(&cargo)
                .args(["xtask", "codegen"])
                .current_dir(&root)
                .stdout(Stdio::null()),
            "cargo xtask codegen",
        )?;
        codegen.push(start.elapsed().as_secs_f64());
    }
    println!(
        "\n`cargo xtask codegen` (spec/, xtask built): median {:.3} s over {runs} runs {:?}",
        median(&codegen),
        rounded(&codegen)
    );
    Ok(())
}

fn compare_specs(
    sides: &[Side; 2],
    root: &Path,
    base: &Path,
    work: &Path,
    cargo: &str,
    runs: usize,
) -> Result<(), String> {
    for (label, spec) in SPECS {
        let spec = root.join(spec);
        println!("\n## {label} ({})", spec.display());
        let mut wall = Samples::default();
        let mut memory = Samples::default();
        let mut cpu = Samples::default();
        let mut failed: [Option<String>; 2] = [None, None];
        for round in 0..runs {
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for index in order {
                if failed[index].is_some() {
                    continue;
                }
                let side = &sides[index];
                let out = work.join(format!("{}-{label}", side.name));
                let _ = fs::remove_dir_all(&out);
                let crate_name = format!("{label}-{}", side.name);
                let start = Instant::now();
                let output = side
                    .command(&spec, &out, &crate_name)
                    .output()
                    .map_err(|e| format!("cannot run {}: {e}", side.binary.display()))?;
                let elapsed = start.elapsed().as_secs_f64();
                if !output.status.success() {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    let first: Vec<&str> = stderr.lines().take(6).collect();
                    failed[index] = Some(first.join("\n    "));
                    continue;
                }
                let time = fs::read_to_string(out.with_extension("time")).unwrap_or_default();
                // The last line: a process killed by a signal has a line before it.
                let fields: Vec<f64> = time
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(|field| field.parse().unwrap_or(f64::NAN))
                    .collect();
                let [_, peak_kb, user, system] = fields[..] else {
                    return Err(format!("cannot read GNU time's output {time:?}"));
                };
                wall.push(index, elapsed);
                memory.push(index, peak_kb / 1024.0);
                cpu.push(index, user + system);
            }
        }
        for (side, failure) in sides.iter().zip(&failed) {
            if let Some(message) = failure {
                println!("{} failed on this spec:\n    {message}", side.name);
            }
        }
        if failed.iter().any(Option::is_some) {
            continue;
        }
        let outs: Vec<PathBuf> = sides
            .iter()
            .map(|side| work.join(format!("{}-{label}", side.name)))
            .collect();
        let (ours_lines, ours_bytes, ours_spec_lines) = rust_size(&outs[0]);
        let (their_lines, their_bytes, _) = rust_size(&outs[1]);

        // `cargo check`: dependencies built once per generator, then the crate alone, alternately.
        let mut check = Samples::default();
        for (side, out) in sides.iter().zip(&outs) {
            if side.name == "ours" {
                // The workspace's versions, so the client's dependencies are the ones it is tested with.
                let _ = fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"));
            }
            step(
                &mut check_command(cargo, out, &base.join(format!("check-{}", side.name))),
                &format!("cargo check of {}'s crate", side.name),
            )?;
        }
        // Two ways: after `touch src/lib.rs` (incremental: what an edit-check loop costs), and
        // after `cargo clean -p` of the crate alone (from scratch, dependencies still built).
        let mut fresh = Samples::default();
        for round in 0..runs {
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for index in order {
                let out = &outs[index];
                let target = base.join(format!("check-{}", sides[index].name));
                touch(&out.join("src/lib.rs"))?;
                let start = Instant::now();
                step(&mut check_command(cargo, out, &target), "cargo check")?;
                check.push(index, start.elapsed().as_secs_f64());

                let crate_name = format!("{label}-{}", sides[index].name);
                step(
                    Command::new(cargo)
                        .args(["clean", "--quiet", "-p", &crate_name])
                        .current_dir(out)
                        .env("CARGO_TARGET_DIR", &target),
                    "cargo clean -p",
                )?;
                let start = Instant::now();
                step(&mut check_command(cargo, out, &target), "cargo check")?;
                fresh.push(index, start.elapsed().as_secs_f64());
            }
        }

        println!(
            "| measure | ours (median) | progenitor (median) | ratio of the medians | median of the rounds' ratios |\n|---|---|---|---|---|"
        );
        row("generation wall time (s)", &wall, 3);
        row("generation CPU time, user + system (s)", &cpu, 2);
        row("generation peak memory (MiB)", &memory, 1);
        row("`cargo check` after `touch`, deps built (s)", &check, 2);
        row(
            "`cargo check` after `cargo clean -p`, deps built (s)",
            &fresh,
            2,
        );
        println!(
            "| generated Rust, lines | {ours_lines} | {their_lines} | {:.2} | one value |",
            ours_lines as f64 / their_lines as f64
        );
        println!(
            "| generated Rust, bytes | {ours_bytes} | {their_bytes} | {:.2} | one value |",
            ours_bytes as f64 / their_bytes as f64
        );
        println!(
            "| generated Rust from the spec, lines (ours without the copied runtime) | {ours_spec_lines} | {their_lines} | {:.2} | one value |",
            ours_spec_lines as f64 / their_lines as f64
        );
        println!("samples (s / MiB / s), ours then progenitor:");
        println!(
            "  wall   {:?} {:?}",
            rounded(&wall.ours),
            rounded(&wall.theirs)
        );
        println!(
            "  cpu    {:?} {:?}",
            rounded(&cpu.ours),
            rounded(&cpu.theirs)
        );
        println!(
            "  memory {:?} {:?}",
            rounded(&memory.ours),
            rounded(&memory.theirs)
        );
        println!(
            "  check  {:?} {:?}",
            rounded(&check.ours),
            rounded(&check.theirs)
        );
        println!(
            "  fresh  {:?} {:?}",
            rounded(&fresh.ours),
            rounded(&fresh.theirs)
        );
    }
    Ok(())
}

/// `cargo install`s the newest `cargo-progenitor` under `root`; `cargo` does nothing when that
/// version is already installed there.
fn install_progenitor(cargo: &str, root: &Path) -> Result<(PathBuf, String), String> {
    println!(
        "cargo install cargo-progenitor --locked --root {}",
        root.display()
    );
    step(
        Command::new(cargo)
            .args(["install", "cargo-progenitor", "--locked", "--root"])
            .arg(root),
        "cargo install cargo-progenitor",
    )?;
    let listed = Command::new(cargo)
        .args(["install", "--list", "--root"])
        .arg(root)
        .output()
        .map_err(|e| format!("cannot run cargo install --list: {e}"))?;
    let version = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .find(|line| line.starts_with("cargo-progenitor "))
        .map(|line| line.trim_end_matches(':').to_owned())
        .unwrap_or_else(|| "cargo-progenitor (version unknown)".to_owned());
    Ok((root.join("bin/cargo-progenitor"), version))
}

fn check_command(cargo: &str, crate_dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(cargo);
    command
        .args(["check", "--quiet"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target);
    command
}

/// Runs a command to completion; a failure names it and shows its stderr.
fn step(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn touch(path: &Path) -> Result<(), String> {
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}

/// Lines and bytes of every `.rs` file under `src/`, and the lines of `src/{lib,types,client}.rs`
/// (for our crate, what comes from the spec, without the runtime copied in verbatim).
fn rust_size(crate_dir: &Path) -> (usize, usize, usize) {
    let (mut lines, mut bytes, mut from_spec) = (0, 0, 0);
    let mut dirs = vec![crate_dir.join("src")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap_or_default();
                lines += text.lines().count();
                bytes += text.len();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if matches!(name, "lib.rs" | "types.rs" | "client.rs") {
                    from_spec += text.lines().count();
                }
            }
        }
    }
    (lines, bytes, from_spec)
}

fn row(what: &str, samples: &Samples, decimals: usize) {
    let (ours, theirs) = (median(&samples.ours), median(&samples.theirs));
    // Each round measures both sides back to back: the median of the rounds' own ratios is not
    // moved by load that comes and goes between rounds.
    let paired: Vec<f64> = samples
        .ours
        .iter()
        .zip(&samples.theirs)
        .map(|(ours, theirs)| ours / theirs)
        .collect();
    // GNU time counts CPU time in hundredths of a second: a ratio of such small numbers is noise.
    let (ratio, paired) = if ours < 0.05 && what.contains("CPU") {
        let noise = "below GNU time's resolution".to_owned();
        (noise.clone(), noise)
    } else {
        (
            format!("{:.3}", ours / theirs),
            format!("{:.3}", median(&paired)),
        )
    };
    println!("| {what} | {ours:.decimals$} | {theirs:.decimals$} | {ratio} | {paired} |");
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn rounded(values: &[f64]) -> Vec<f64> {
    values
        .iter()
        .map(|v| (v * 1000.0).round() / 1000.0)
        .collect()
}
