//! `cargo xtask compare`: this generator against `cargo-progenitor` and `ploidy`, measured side by
//! side.
//!
//! The generators run as whole processes on the same specs, alternately (the side that goes first
//! rotates every round), and for each peer the medians, their ratio (ours / peer) and the median
//! of each round's own ratio (the sides of a round run back to back, so load that comes and goes
//! between rounds moves it less) are printed for: wall time, CPU time and peak memory of
//! generation (GNU `time`'s `%M`), lines and bytes of the generated Rust, and `cargo check` time of
//! the generated crate once its dependencies are built, both incremental (after `touch
//! src/lib.rs`) and from scratch (after `cargo clean -p` of the crate). With `--cold`, also a cold
//! `cargo check` with every dependency (a new target directory each round): wall time and the peak
//! memory of the largest process (GNU `time`'s `%M` of `cargo`, which counts its children).
//!
//! The peers are installed with `cargo install <crate> --locked --root target/compare/<crate>`,
//! which `cargo` itself skips when the newest version is already there. Our side is
//! `target/release/xtask generate`, built with `cargo build --release -p xtask`, so every side is
//! an optimized binary run directly. A side that fails on a spec is reported and left out of that
//! spec's measurements (progenitor refuses OpenAPI 3.1, so Auth0's whole document is compared with
//! Ploidy only). Generated crates go to a temporary directory outside the workspace; their `cargo
//! check` target directories stay in `target/compare/` for the next run.
//! Not part of CI: a first run takes many minutes on two cores.

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
    ("auth0-whole", "spec/reference/management-api-oas.json"),
];

/// GNU time, for the peak resident memory of a process.
const GNU_TIME: &str = "/usr/bin/time";

/// Which generator a side runs.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Ours,
    Progenitor,
    Ploidy,
}

/// One generator: how to run it on a spec.
struct Side {
    name: &'static str,
    kind: Kind,
    binary: PathBuf,
}

impl Side {
    fn command(&self, spec: &Path, out: &Path, crate_name: &str) -> Command {
        let mut command = Command::new(GNU_TIME);
        command.args(["-f", "%e %M %U %S", "-o"]);
        command.arg(out.with_extension("time"));
        command.arg(&self.binary);
        match self.kind {
            Kind::Ours => {
                command.arg("generate").arg("--spec").arg(spec).arg("--out");
                command.arg(out).arg("--name").arg(crate_name);
            }
            Kind::Progenitor => {
                command.args(["progenitor", "--interface", "positional", "-i"]);
                command
                    .arg(spec)
                    .arg("-o")
                    .arg(out)
                    .arg("-n")
                    .arg(crate_name);
                command.args(["-v", "0.1.0"]);
            }
            Kind::Ploidy => {
                command
                    .args(["generate", "rust"])
                    .arg(spec)
                    .arg("-o")
                    .arg(out);
                command.arg("--name").arg(crate_name);
            }
        }
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        command
    }
}

/// Samples of one measurement, one list per side.
struct Samples(Vec<Vec<f64>>);

impl Samples {
    fn new(sides: usize) -> Samples {
        Samples(vec![Vec::new(); sides])
    }

    fn push(&mut self, side: usize, value: f64) {
        self.0[side].push(value);
    }
}

/// The command line: `[--runs N] [--progenitor PATH] [--ploidy PATH] [--specs A,B] [--cold]`.
struct Options {
    runs: usize,
    progenitor: Option<PathBuf>,
    ploidy: Option<PathBuf>,
    specs: Option<Vec<String>>,
    cold: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            runs: 7,
            progenitor: None,
            ploidy: None,
            specs: None,
            cold: false,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |what: &str| args.next().cloned().ok_or(format!("{arg} needs {what}"));
            match arg.as_str() {
                "--runs" => {
                    options.runs = value("a positive number")?
                        .parse()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or("--runs needs a positive number")?
                }
                "--progenitor" => options.progenitor = Some(value("a path")?.into()),
                "--ploidy" => options.ploidy = Some(value("a path")?.into()),
                "--specs" => {
                    let labels: Vec<String> =
                        value("labels")?.split(',').map(str::to_owned).collect();
                    if let Some(unknown) = labels
                        .iter()
                        .find(|label| !SPECS.iter().any(|(known, _)| known == label))
                    {
                        let known: Vec<&str> = SPECS.iter().map(|(label, _)| *label).collect();
                        return Err(format!("unknown spec {unknown:?}; known: {known:?}"));
                    }
                    options.specs = Some(labels);
                }
                "--cold" => options.cold = true,
                other => return Err(format!("unknown argument {other:?}\n\n{}", crate::USAGE)),
            }
        }
        Ok(options)
    }
}

/// Runs the comparison.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    if !Path::new(GNU_TIME).exists() {
        return Err(format!(
            "{GNU_TIME} (GNU time) is needed for peak memory: apt-get install time"
        ));
    }
    let root = workspace_root();
    let base = root.join("target").join("compare");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());

    let (progenitor, progenitor_version) = match options.progenitor {
        Some(path) => (path, "given with --progenitor".to_owned()),
        None => install(&cargo, "cargo-progenitor", &base.join("progenitor"))?,
    };
    let (ploidy, ploidy_version) = match options.ploidy {
        Some(path) => (path, "given with --ploidy".to_owned()),
        None => install(&cargo, "ploidy", &base.join("ploidy"))?,
    };
    println!("{progenitor_version} ({})", progenitor.display());
    println!("{ploidy_version} ({})", ploidy.display());
    step(
        Command::new(&cargo)
            .args(["build", "--release", "--quiet", "-p", "xtask"])
            .current_dir(&root),
        "cargo build --release -p xtask",
    )?;
    let sides = [
        Side {
            name: "ours",
            kind: Kind::Ours,
            binary: root.join("target/release/xtask"),
        },
        Side {
            name: "progenitor",
            kind: Kind::Progenitor,
            binary: progenitor,
        },
        Side {
            name: "ploidy",
            kind: Kind::Ploidy,
            binary: ploidy,
        },
    ];

    let work = std::env::temp_dir().join(format!("xtask-compare-{}", std::process::id()));
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let runs = options.runs;
    println!(
        "{runs} runs per side, alternating; generated crates in {}",
        work.display()
    );
    let specs: Vec<(&str, &str)> = SPECS
        .iter()
        .copied()
        .filter(|(label, _)| {
            options
                .specs
                .as_ref()
                .is_none_or(|chosen| chosen.iter().any(|c| c == label))
        })
        .collect();
    let context = Context {
        sides: &sides,
        root: &root,
        base: &base,
        work: &work,
        cargo: &cargo,
        runs,
        cold: options.cold,
    };
    let result = specs
        .iter()
        .try_for_each(|&(label, spec)| context.compare_spec(label, spec));
    let _ = fs::remove_dir_all(&work);
    result?;
    if options.specs.is_some() {
        return Ok(());
    }

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

/// What every spec's comparison shares.
struct Context<'a> {
    sides: &'a [Side],
    root: &'a Path,
    base: &'a Path,
    work: &'a Path,
    cargo: &'a str,
    runs: usize,
    cold: bool,
}

/// The order in which the sides run in a round: the first rotates every round.
fn order(round: usize, sides: &[usize]) -> Vec<usize> {
    (0..sides.len())
        .map(|i| sides[(i + round) % sides.len()])
        .collect()
}

impl Context<'_> {
    fn compare_spec(&self, label: &str, spec: &str) -> Result<(), String> {
        let spec = self.root.join(spec);
        println!("\n## {label} ({})", spec.display());
        let n = self.sides.len();
        let (mut wall, mut memory, mut cpu) = (Samples::new(n), Samples::new(n), Samples::new(n));
        let mut failed: Vec<Option<String>> = vec![None; n];
        let all: Vec<usize> = (0..n).collect();
        for round in 0..self.runs {
            for index in order(round, &all) {
                if failed[index].is_some() {
                    continue;
                }
                let side = &self.sides[index];
                let out = self.out(side, label);
                let _ = fs::remove_dir_all(&out);
                let start = Instant::now();
                let output = side
                    .command(&spec, &out, &self.crate_name(side, label))
                    .output()
                    .map_err(|e| format!("cannot run {}: {e}", side.binary.display()))?;
                let elapsed = start.elapsed().as_secs_f64();
                if !output.status.success() {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    let first: Vec<&str> = stderr.lines().take(6).collect();
                    failed[index] = Some(first.join("\n    "));
                    continue;
                }
                let [_, peak_kb, user, system] = gnu_time(&out.with_extension("time"))?;
                wall.push(index, elapsed);
                memory.push(index, peak_kb / 1024.0);
                cpu.push(index, user + system);
            }
        }
        for (side, failure) in self.sides.iter().zip(&failed) {
            if let Some(message) = failure {
                println!(
                    "{} failed on this spec, left out:\n    {message}",
                    side.name
                );
            }
        }
        if failed[0].is_some() {
            return Ok(());
        }
        let live: Vec<usize> = (0..n).filter(|&i| failed[i].is_none()).collect();
        let sizes: Vec<(usize, usize, usize)> = (0..n)
            .map(|i| rust_size(&self.out(&self.sides[i], label)))
            .collect();

        let mut cold_wall = Samples::new(n);
        let mut cold_memory = Samples::new(n);
        if self.cold {
            for round in 0..self.runs {
                for index in order(round, &live) {
                    let side = &self.sides[index];
                    let target = self.base.join(format!("cold-{}", side.name));
                    let _ = fs::remove_dir_all(&target);
                    let time = target.with_extension("time");
                    let mut command = Command::new(GNU_TIME);
                    command.args(["-f", "%e %M %U %S", "-o"]).arg(&time);
                    command.arg(self.cargo).args(["check", "--quiet"]);
                    command.current_dir(self.out(side, label));
                    command.env("CARGO_TARGET_DIR", &target);
                    self.lock(side, label);
                    step(
                        &mut command,
                        &format!("cold cargo check of {}'s crate", side.name),
                    )?;
                    let [seconds, peak_kb, _, _] = gnu_time(&time)?;
                    cold_wall.push(index, seconds);
                    cold_memory.push(index, peak_kb / 1024.0 / 1024.0);
                }
            }
        }

        // `cargo check`: dependencies built once per generator, then the crate alone, alternately.
        for &index in &live {
            let side = &self.sides[index];
            self.lock(side, label);
            step(
                &mut check_command(self.cargo, &self.out(side, label), &self.target(side)),
                &format!("cargo check of {}'s crate", side.name),
            )?;
        }
        // Two ways: after `touch src/lib.rs` (incremental: what an edit-check loop costs), and
        // after `cargo clean -p` of the crate alone (from scratch, dependencies still built).
        let (mut check, mut fresh) = (Samples::new(n), Samples::new(n));
        for round in 0..self.runs {
            for index in order(round, &live) {
                let side = &self.sides[index];
                let out = self.out(side, label);
                let target = self.target(side);
                touch(&out.join("src/lib.rs"))?;
                let start = Instant::now();
                step(&mut check_command(self.cargo, &out, &target), "cargo check")?;
                check.push(index, start.elapsed().as_secs_f64());

                step(
                    Command::new(self.cargo)
                        .args(["clean", "--quiet", "-p", &self.crate_name(side, label)])
                        .current_dir(&out)
                        .env("CARGO_TARGET_DIR", &target),
                    "cargo clean -p",
                )?;
                let start = Instant::now();
                step(&mut check_command(self.cargo, &out, &target), "cargo check")?;
                fresh.push(index, start.elapsed().as_secs_f64());
            }
        }

        let table = Table {
            sides: self.sides,
            peers: live[1..].to_vec(),
        };
        table.header();
        table.row("generation wall time (s)", &wall, 3);
        table.row("generation CPU time, user + system (s)", &cpu, 2);
        table.row("generation peak memory (MiB)", &memory, 1);
        if self.cold {
            table.row("cold `cargo check` with dependencies (s)", &cold_wall, 1);
            table.row("cold `cargo check`, peak memory (GiB)", &cold_memory, 2);
        }
        table.row("`cargo check` after `touch`, deps built (s)", &check, 2);
        table.row(
            "`cargo check` after `cargo clean -p`, deps built (s)",
            &fresh,
            2,
        );
        let lines: Vec<f64> = sizes.iter().map(|size| size.0 as f64).collect();
        let bytes: Vec<f64> = sizes.iter().map(|size| size.1 as f64).collect();
        table.value("generated Rust, lines", &lines);
        table.value("generated Rust, bytes", &bytes);
        println!(
            "(ours without the runtime copied in verbatim: {} lines)",
            sizes[0].2
        );
        println!(
            "samples (s / MiB / s / GiB), in the order {:?}:",
            live.iter().map(|&i| self.sides[i].name).collect::<Vec<_>>()
        );
        let named = [
            ("wall", &wall),
            ("cpu", &cpu),
            ("memory", &memory),
            ("cold", &cold_wall),
            ("cold-mem", &cold_memory),
            ("check", &check),
            ("fresh", &fresh),
        ];
        for (name, samples) in named {
            if samples.0[0].is_empty() {
                continue;
            }
            let lists: Vec<Vec<f64>> = live.iter().map(|&i| rounded(&samples.0[i])).collect();
            println!("  {name:8} {lists:?}");
        }
        Ok(())
    }

    fn out(&self, side: &Side, label: &str) -> PathBuf {
        self.work.join(format!("{}-{label}", side.name))
    }

    fn crate_name(&self, side: &Side, label: &str) -> String {
        format!("{label}-{}", side.name)
    }

    fn target(&self, side: &Side) -> PathBuf {
        self.base.join(format!("check-{}", side.name))
    }

    /// Our crate gets the workspace's `Cargo.lock`, so its dependencies are the versions it is
    /// tested with; the peers resolve their own.
    fn lock(&self, side: &Side, label: &str) {
        if side.kind == Kind::Ours {
            let _ = fs::copy(
                self.root.join("Cargo.lock"),
                self.out(side, label).join("Cargo.lock"),
            );
        }
    }
}

/// The four fields GNU time wrote (`%e %M %U %S`), from its last line (a process killed by a
/// signal has a line before it).
fn gnu_time(path: &Path) -> Result<[f64; 4], String> {
    let time = fs::read_to_string(path).unwrap_or_default();
    let fields: Vec<f64> = time
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .map(|field| field.parse().unwrap_or(f64::NAN))
        .collect();
    fields
        .try_into()
        .map_err(|_| format!("cannot read GNU time's output {time:?}"))
}

/// The printed table: ours, then each peer that generated the spec, and ours / each peer.
struct Table<'a> {
    sides: &'a [Side],
    peers: Vec<usize>,
}

impl Table<'_> {
    fn header(&self) {
        let mut head = format!("| measure | {} (median) |", self.sides[0].name);
        let mut rule = "|---|---|".to_owned();
        for &peer in &self.peers {
            head += &format!(" {} (median) |", self.sides[peer].name);
            rule += "---|";
        }
        for &peer in &self.peers {
            let name = self.sides[peer].name;
            head +=
                &format!(" ours / {name}: ratio of the medians | median of the rounds' ratios |");
            rule += "---|---|";
        }
        println!("{head}\n{rule}");
    }

    fn row(&self, what: &str, samples: &Samples, decimals: usize) {
        let ours = median(&samples.0[0]);
        let mut line = format!("| {what} | {ours:.decimals$} |");
        for &peer in &self.peers {
            line += &format!(" {:.decimals$} |", median(&samples.0[peer]));
        }
        for &peer in &self.peers {
            let theirs = median(&samples.0[peer]);
            // Each round measures every side back to back: the median of the rounds' own ratios
            // is not moved by load that comes and goes between rounds.
            let paired: Vec<f64> = samples.0[0]
                .iter()
                .zip(&samples.0[peer])
                .map(|(ours, theirs)| ours / theirs)
                .collect();
            // GNU time counts CPU time in hundredths of a second: a ratio of such small numbers
            // is noise.
            if ours < 0.05 && what.contains("CPU") {
                line += " below GNU time's resolution | below GNU time's resolution |";
            } else {
                line += &format!(" {:.3} | {:.3} |", ours / theirs, median(&paired));
            }
        }
        println!("{line}");
    }

    /// A row measured once (sizes): the ratio of the values.
    fn value(&self, what: &str, values: &[f64]) {
        let mut line = format!("| {what} | {} |", values[0]);
        for &peer in &self.peers {
            line += &format!(" {} |", values[peer]);
        }
        for &peer in &self.peers {
            line += &format!(" {:.2} | one value |", values[0] / values[peer]);
        }
        println!("{line}");
    }
}

/// `cargo install`s the newest `package` under `root`; `cargo` does nothing when that version is
/// already installed there. Returns the binary and the installed version.
fn install(cargo: &str, package: &str, root: &Path) -> Result<(PathBuf, String), String> {
    println!("cargo install {package} --locked --root {}", root.display());
    step(
        Command::new(cargo)
            .args(["install", package, "--locked", "--root"])
            .arg(root),
        &format!("cargo install {package}"),
    )?;
    let listed = Command::new(cargo)
        .args(["install", "--list", "--root"])
        .arg(root)
        .output()
        .map_err(|e| format!("cannot run cargo install --list: {e}"))?;
    let version = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .find(|line| line.starts_with(&format!("{package} ")))
        .map(|line| line.trim_end_matches(':').to_owned())
        .unwrap_or_else(|| format!("{package} (version unknown)"));
    Ok((root.join("bin").join(package), version))
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
