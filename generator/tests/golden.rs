//! Golden output: what the generator writes for each document of the corpus, checked in under
//! `tests/golden/<name>/`, so every change to the output shows as a diff in review.
//!
//! A test fails with a line diff when the output changes; `EXPECTORATE=overwrite cargo test -p
//! generator --test golden` rewrites the files (and removes those no longer generated). The
//! support modules copied into every crate unchanged ([`generator::emit::is_runtime_file`]) are
//! not repeated here: they are the files of `src/runtime/`. `xtask/tests/generality.rs` compiles
//! the crates these files come from and checks they are the same bytes.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use generator::Config;

/// The workspace root: the golden crates name their spec relative to it, as `cargo xtask codegen` does.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Generates `spec` (relative to the workspace root) as the crate `name`, as `cargo xtask codegen
/// --out <dir>/<name>` would, and compares each file with `tests/golden/<name>/`.
fn golden(name: &str, spec: &str) {
    let text = fs::read_to_string(root().join(spec)).unwrap();
    let mut config = Config::new(name).spec_label(spec);
    if name == "features" {
        // `xtask/tests/features.rs` runs the crate's own tests against a loopback server.
        config = config.dev_dependency("wiremock", r#""0.6""#);
    }
    if name == "tags" {
        // The tag features, on (`tests/tag_features.rs` has the details).
        config = config.tag_features(true);
    }
    let output = generator::generate(&text, &config)
        .unwrap_or_else(|errors| panic!("{spec} does not generate:\n{errors}"));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let overwrite = std::env::var("EXPECTORATE").as_deref() == Ok("overwrite");
    let mut written = BTreeSet::new();
    for (path, contents) in &output.files {
        if generator::emit::is_runtime_file(path) {
            continue;
        }
        let file = dir.join(path);
        if overwrite {
            fs::create_dir_all(file.parent().unwrap()).unwrap();
        }
        expectorate::assert_contents(&file, contents);
        written.insert(file);
    }
    let mut stale = Vec::new();
    for file in files_under(&dir) {
        if !written.contains(&file) {
            if overwrite {
                fs::remove_file(&file).unwrap();
            } else {
                stale.push(file.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "no longer generated (set EXPECTORATE=overwrite to remove): {stale:?}"
    );
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// One test per document, so a change shows every document it touches.
macro_rules! golden_tests {
    ($($test:ident: $name:literal <- $spec:literal,)*) => {
        $(
            #[test]
            fn $test() {
                golden($name, $spec);
            }
        )*
    };
}

golden_tests! {
    features: "features" <- "generator/tests/fixtures/features/features.yaml",
    keeper: "keeper" <- "generator/tests/fixtures/specs/keeper.json",
    buildomat: "buildomat" <- "generator/tests/fixtures/specs/buildomat.json",
    nexus: "nexus" <- "generator/tests/fixtures/specs/nexus.json",
    petstore: "petstore" <- "generator/tests/fixtures/specs/petstore.yaml",
    uspto: "uspto" <- "generator/tests/fixtures/specs/uspto.json",
    discriminators: "discriminators" <- "generator/tests/fixtures/specs/discriminators.yaml",
    auth0_subset: "auth0-subset" <- "spec/reference/auth0-resource-servers.oas3.1.json",
    quirks: "quirks" <- "generator/tests/fixtures/quirks/quirks.yaml",
    quirks31: "quirks31" <- "generator/tests/fixtures/quirks/quirks31.yaml",
    tags: "tags" <- "generator/tests/fixtures/tags/tags.yaml",
}

/// Every golden file reads like `rustfmt`ed Rust: no line over 100 columns but those holding a
/// string literal, a link or a doc line of one word (which cannot be broken), and no token
/// spacing of printed token streams (`crate ::x`, `& x`).
#[test]
fn golden_files_keep_to_100_columns_and_print_no_raw_tokens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let files: Vec<PathBuf> = files_under(&dir)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        .collect();
    assert!(files.len() >= 30, "{} golden Rust files", files.len());
    let mut bad = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let one_word = line
                .trim_start()
                .strip_prefix("/// ")
                .is_some_and(|doc| !doc.contains(' '));
            let unbreakable =
                line.contains('"') || line.contains("](") || line.contains("://") || one_word;
            let too_long = line.chars().count() > 100 && !unbreakable;
            let raw_tokens =
                line.contains("crate ::") || line.contains(":: ") || line.contains("(& ");
            if too_long || raw_tokens {
                bad.push(format!("{}:{}: {line}", file.display(), i + 1));
            }
        }
    }
    assert!(bad.is_empty(), "{} lines:\n{}", bad.len(), bad.join("\n"));
}
