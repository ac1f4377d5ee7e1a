//! `cargo xtask codegen`: spec in, crate out; only changed files are written, and nothing at all
//! when the spec has an error.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use generator::{Config, DefaultFeatures};

/// Where the workspace is, whatever directory the command runs from.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The default spec, relative to the workspace root.
pub const DEFAULT_SPEC: &str = "spec/resource-servers.yaml";
/// The default output crate, relative to the workspace root.
pub const DEFAULT_OUT: &str = "generated-client";

/// The command line of `codegen` (and of `generate`, which is `codegen` with both paths given).
#[derive(Debug)]
pub struct Options {
    spec: PathBuf,
    out: PathBuf,
    check: bool,
    verbose: bool,
    name: Option<String>,
    tag_features: bool,
    default_features: Option<DefaultFeatures>,
}

impl Options {
    /// Parses `[--spec PATH] [--out DIR] [--name CRATE] [--tag-features [--default-features
    /// LIST]] [--check] [--verbose]`.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let root = workspace_root();
        let mut options = Options {
            spec: root.join(DEFAULT_SPEC),
            out: root.join(DEFAULT_OUT),
            check: false,
            verbose: false,
            name: None,
            tag_features: false,
            default_features: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--spec" => options.spec = args.next().ok_or("--spec needs a path")?.into(),
                "--out" => options.out = args.next().ok_or("--out needs a directory")?.into(),
                "--name" => {
                    options.name = Some(args.next().ok_or("--name needs a crate name")?.clone())
                }
                "--tag-features" => options.tag_features = true,
                "--default-features" => {
                    let list = args
                        .next()
                        .ok_or("--default-features needs `all`, `none` or a list: a,b")?;
                    options.default_features = Some(DefaultFeatures::parse(list));
                }
                "--check" => options.check = true,
                "--verbose" => options.verbose = true,
                other => return Err(format!("unknown argument {other:?}\n\n{}", crate::USAGE)),
            }
        }
        if options.default_features.is_some() && !options.tag_features {
            return Err(format!(
                "--default-features is for the tag features: add --tag-features\n\n{}",
                crate::USAGE
            ));
        }
        Ok(options)
    }
}

/// The configuration for a crate at `out`: the workspace's own client is a workspace member with
/// the dev-dependencies of its tests; any other directory gets a standalone crate.
pub fn config_for(spec: &Path, out: &Path) -> Config {
    let root = workspace_root();
    let label = match spec.canonicalize().ok().and_then(|s| {
        s.strip_prefix(root.canonicalize().ok()?)
            .ok()
            .map(Path::to_path_buf)
    }) {
        Some(relative) => relative.display().to_string(),
        None => spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    // The member crate only when both paths exist and are the same directory (two failures to
    // canonicalize are not a match).
    let member = match (out.canonicalize(), root.join(DEFAULT_OUT).canonicalize()) {
        (Ok(out), Ok(member)) => out == member,
        _ => false,
    };
    if member {
        Config::new(DEFAULT_OUT)
            .spec_label(label)
            .own_workspace(false)
            .dev_dependency(
                "tracing-subscriber",
                r#"{ version = "0.3", default-features = false, features = ["fmt"] }"#,
            )
            .dev_dependency("wiremock", r#""0.6""#)
            // tests/middleware.rs implements `reqwest_middleware::Middleware`, an `async_trait`
            // over `http::Extensions` (`http` renamed: the crate has a module of that name).
            // `reqwest-middleware` itself comes with the `middleware` feature the test requires;
            // as a dev-dependency it would be built for every test.
            .dev_dependency("async-trait", r#""0.1""#)
            .dev_dependency("http-crate", r#"{ package = "http", version = "1" }"#)
            .dev_dependency("futures", r#""0.3""#)
            .dev_dependency("jsonwebtoken", r#""9""#)
            .dev_dependency("url", r#""2""#)
            // tests/wire.rs: what the structs' `Serialize` tells a serializer, token by token.
            .dev_dependency("serde_test", r#""1""#)
            // benches/codec.rs compares the types' serde impls with serde's derives.
            .dev_dependency("serde", r#"{ version = "1", features = ["derive"] }"#)
            .dev_dependency(
                "criterion",
                r#"{ version = "0.7", default-features = false, features = ["cargo_bench_support"] }"#,
            )
            // benches/roundtrip.rs and benches/inflight.rs serve the API on loopback with hyper,
            // which reqwest and wiremock already build (with these features).
            .dev_dependency("hyper", r#"{ version = "1", features = ["server", "http1"] }"#)
            .dev_dependency("hyper-util", r#"{ version = "0.1", features = ["tokio"] }"#)
            .dev_dependency("http-body-util", r#""0.1""#)
            // benches/roundtrip.rs reads the thread's CPU clock (`clock_gettime`).
            .dev_dependency("libc", r#""0.2""#)
            .bench("codec")
            .bench("roundtrip")
            .bench("inflight")
            .feature_test("middleware", &["middleware"])
    } else {
        let name: String = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "client".to_owned())
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        Config::new(if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            name
        } else {
            format!("client-{name}")
        })
        .spec_label(label)
    }
}

/// Generates the crate in memory and returns its files and the files on disk it makes stale.
pub fn plan(spec: &Path, out: &Path) -> Result<Plan, String> {
    plan_with(spec, out, |config| config)
}

/// [`plan`], with the configuration for `out` changed by `adjust` (the command line's crate
/// name and tag features).
fn plan_with(
    spec: &Path,
    out: &Path,
    adjust: impl FnOnce(Config) -> Config,
) -> Result<Plan, String> {
    let text = fs::read_to_string(spec)
        .map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let config = adjust(config_for(spec, out));
    let output = generator::generate(&text, &config).map_err(|errors| {
        format!(
            "{}: the spec has errors; nothing was written\n{errors}",
            spec.display()
        )
    })?;
    let mut changed = BTreeMap::new();
    for (path, contents) in &output.files {
        let target = out.join(path);
        if fs::read_to_string(&target).ok().as_deref() != Some(contents.as_str()) {
            changed.insert(target, contents.clone());
        }
    }
    // Generated files the new output no longer has.
    let mut removed = Vec::new();
    if let Ok(entries) = fs::read_dir(out.join("src")) {
        for entry in entries.flatten() {
            let path = entry.path();
            let relative = format!("src/{}", entry.file_name().to_string_lossy());
            let generated =
                fs::read_to_string(&path).is_ok_and(|text| text.starts_with("// @generated"));
            if generated && !output.files.contains_key(&relative) {
                removed.push(path);
            }
        }
    }
    removed.sort();
    Ok(Plan {
        changed,
        removed,
        warnings: output.warnings,
    })
}

/// `cargo xtask generate --spec FILE --out DIR [--name CRATE] [--tag-features
/// [--default-features LIST]] [--verbose]`: `codegen` for any
/// spec into any directory (both must be given), the whole process `cargo xtask compare`
/// measures against progenitor. The same plan and the same writes: nothing at all when the spec
/// has an error, each file through a temporary file and a rename.
pub fn generate(args: &[String]) -> Result<(), String> {
    for flag in ["--spec", "--out"] {
        if !args.iter().any(|arg| arg == flag) {
            return Err(format!("generate needs {flag}\n\n{}", crate::USAGE));
        }
    }
    let options = Options::parse(args)?;
    if options.check {
        return Err(format!(
            "generate writes; `codegen --check` checks\n\n{}",
            crate::USAGE
        ));
    }
    run(&options)
}

/// What `codegen` would change on disk.
#[derive(Debug)]
pub struct Plan {
    /// Files to write, with their new contents.
    pub changed: BTreeMap<PathBuf, String>,
    /// Generated files to delete.
    pub removed: Vec<PathBuf>,
    /// What the generator handled by a documented fallback, each located.
    pub warnings: Vec<generator::Diagnostic>,
}

/// How many warnings are printed one by one without `--verbose`; past that, a summary.
const WARNINGS_IN_FULL: usize = 10;

/// Prints the warnings: each with its JSON pointer when there are few or `verbose` is set, else
/// how many there are of each kind (the message with quoted values left out), most first.
pub fn report_warnings(spec: &Path, warnings: &[generator::Diagnostic], verbose: bool) {
    if verbose || warnings.len() <= WARNINGS_IN_FULL {
        for warning in warnings {
            eprintln!("warning: {}: {warning}", spec.display());
        }
        return;
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for warning in warnings {
        *kinds.entry(warning_kind(&warning.message)).or_default() += 1;
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    eprintln!(
        "warning: {}: {} warnings, by kind (`--verbose` prints each with its JSON pointer):",
        spec.display(),
        warnings.len()
    );
    for (kind, count) in kinds {
        eprintln!("{count:>8}  {kind}");
    }
}

/// A warning's message with what is quoted in it (`"..."`) left out, so warnings of one kind
/// about different values count together.
pub fn warning_kind(message: &str) -> String {
    let mut kind = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match c {
            '"' if quoted => {
                quoted = false;
                kind.push_str("…\"");
            }
            '"' => {
                quoted = true;
                kind.push('"');
            }
            _ if quoted => {}
            _ => kind.push(c),
        }
    }
    kind
}

/// Runs `codegen`.
pub fn run(options: &Options) -> Result<(), String> {
    let plan = plan_with(&options.spec, &options.out, |mut config| {
        if let Some(name) = &options.name {
            config.crate_name = name.clone();
        }
        config = config.tag_features(options.tag_features);
        if let Some(default) = &options.default_features {
            config = config.default_features(default.clone());
        }
        config
    })?;
    report_warnings(&options.spec, &plan.warnings, options.verbose);
    if options.check {
        if plan.changed.is_empty() && plan.removed.is_empty() {
            return Ok(());
        }
        let mut message = String::from("the generated client is stale:\n");
        for path in plan.changed.keys() {
            message.push_str(&format!(
                "  {} differs from what the generator makes\n",
                path.display()
            ));
        }
        for path in &plan.removed {
            message.push_str(&format!("  {} is no longer generated\n", path.display()));
        }
        message.push_str("run `cargo xtask codegen` to regenerate it");
        return Err(message);
    }
    // Every file is complete in memory; write each through a temporary file and a rename, so a
    // file on disk is always either the old or the new version.
    for (path, contents) in &plan.changed {
        let dir = path.parent().expect("a file in the crate");
        fs::create_dir_all(dir)
            .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
        let temporary = path.with_extension("tmp-codegen");
        fs::write(&temporary, contents)
            .map_err(|error| format!("cannot write {}: {error}", temporary.display()))?;
        fs::rename(&temporary, path)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    for path in &plan.removed {
        fs::remove_file(path)
            .map_err(|error| format!("cannot remove {}: {error}", path.display()))?;
    }
    println!(
        "{}: {} file(s) written, {} removed, in {}",
        options.spec.display(),
        plan.changed.len(),
        plan.removed.len(),
        options.out.display()
    );
    Ok(())
}
