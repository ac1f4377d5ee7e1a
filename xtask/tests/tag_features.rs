//! Tag features (`Config::tag_features`, issue 17) compiled, with warnings denied, in the target
//! directory the other generated crates are checked in (`target/generality/target`: dependencies
//! built once):
//!
//! - the crate of `generator/tests/fixtures/tags/tags.yaml` (byte for byte its golden files) with
//!   each tag's feature alone (and `mock`), with none, with the defaults and with every feature;
//!   with one tag, its fake's collections are those compiled (`one_tag.rs` beside the spec);
//! - Auth0's whole document with only the `resource-servers` feature (and `mock`), and with no
//!   feature. With the default features (every tag) it is checked by `tests/corpus.rs`, which
//!   generates it with tag features on.
//!
//! Ignored, as they take minutes on two cores: Auth0's whole crate with `--all-features`, and
//! each of its tags alone (`cargo test -p xtask --test tag_features -- --ignored`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::{generate, Config, DefaultFeatures};
use xtask::codegen::workspace_root;

/// Auth0's whole published document, relative to the workspace root.
const AUTH0: &str = "spec/reference/management-api-oas.json";

/// Runs `cargo <args>` in the crate at `dir` with warnings denied, in the shared target
/// directory, and fails the test with cargo's output when it fails.
fn cargo(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .arg("--quiet")
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/generality/target"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "`cargo {}` fails in {}:\n{stdout}\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Generates `spec` (relative to the workspace root) with tag features into
/// `target/generality/<name>/` and returns where.
fn generate_tagged(spec: &str, name: &str) -> PathBuf {
    let root = workspace_root();
    let text = fs::read_to_string(root.join(spec)).unwrap();
    let config = Config::new(name)
        .spec_label(spec)
        .tag_features(true)
        .default_features(DefaultFeatures::All);
    let output = generate(&text, &config).unwrap_or_else(|errors| panic!("{errors}"));
    let out = root.join("target/generality").join(name);
    common::write_crate(&output.files, &out);
    // Same dependency versions as the workspace, so nothing new is fetched.
    fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    out
}

/// The tag features `Cargo.toml` declares (those whose value is `[]`).
fn tag_features(crate_dir: &Path) -> Vec<String> {
    let toml = fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    toml.lines()
        .filter_map(|line| line.strip_suffix(" = []"))
        .filter(|name| *name != "default")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_tags_fixture_compiles_with_each_feature_alone_and_all_together() {
    let out = generate_tagged("generator/tests/fixtures/tags/tags.yaml", "tags");
    common::assert_matches_golden("tags", &out);
    let features = tag_features(&out);
    assert_eq!(
        features,
        [
            "mock-2",
            "pet-stores",
            "pet-stores-2",
            "pets",
            "unused-types"
        ]
    );
    for feature in &features {
        let features = format!("{feature},mock");
        cargo(
            &out,
            &["check", "--no-default-features", "--features", &features],
        );
    }
    cargo(&out, &["check", "--no-default-features"]);
    cargo(&out, &["check"]);
    cargo(&out, &["check", "--all-features"]);
    // With one tag, the fake's first collection (`/pets`) is compiled out: `/stores` must be
    // found at the index it has among those compiled.
    fs::create_dir_all(out.join("tests")).unwrap();
    fs::copy(
        workspace_root().join("generator/tests/fixtures/tags/one_tag.rs"),
        out.join("tests/one_tag.rs"),
    )
    .unwrap();
    let stdout = cargo(
        &out,
        &[
            "test",
            "--no-default-features",
            "--features",
            "pet-stores-2,mock",
            "--test",
            "one_tag",
        ],
    );
    // The test really ran.
    assert!(stdout.contains("test result: ok. 1 passed"), "{stdout}");
}

/// `cargo xtask generate` with `args` after `--spec` and `--out`.
fn xtask_generate(spec: &str, out: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec"])
        .arg(workspace_root().join(spec))
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_command_line_turns_tag_features_on_and_chooses_the_default_ones() {
    let spec = "generator/tests/fixtures/tags/tags.yaml";
    let out = workspace_root().join("target/generality/tags-command-line");
    let _ = fs::remove_dir_all(&out);
    let run = xtask_generate(
        spec,
        &out,
        &["--tag-features", "--default-features", "Pets,mock-2"],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let toml = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        toml.contains("default = [\n    \"pets\",\n    \"mock-2\",\n]\n"),
        "{toml}"
    );
    // Without `--tag-features`, none.
    let run = xtask_generate(spec, &out, &[]);
    assert!(run.status.success());
    let toml = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(!toml.contains("default = ["), "{toml}");
    // `--default-features` alone is a mistake, and so is a name that is no tag: nothing written.
    let run = xtask_generate(spec, &out, &["--default-features", "all"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("add --tag-features"));
    let run = xtask_generate(
        spec,
        &out,
        &["--tag-features", "--default-features", "cats"],
    );
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("\"cats\" is neither a tag"));
    assert_eq!(fs::read_to_string(out.join("Cargo.toml")).unwrap(), toml);
}

#[test]
fn one_tag_of_auths_whole_document_compiles_alone() {
    let out = generate_tagged(AUTH0, "auth0-tags");
    let features = tag_features(&out);
    assert_eq!(features.len(), 50, "{features:?}");
    assert!(features.iter().any(|f| f == "resource-servers"));
    assert_eq!(features.last().map(String::as_str), Some("unused-types"));
    cargo(
        &out,
        &[
            "check",
            "--no-default-features",
            "--features",
            "resource-servers,mock",
        ],
    );
    cargo(&out, &["check", "--no-default-features"]);
}

#[test]
#[ignore = "a minute or more on two cores: the whole Auth0 crate, mock server included"]
fn auths_whole_document_compiles_with_every_feature() {
    let out = generate_tagged(AUTH0, "auth0-tags-all");
    cargo(&out, &["check", "--all-features"]);
}

#[test]
#[ignore = "about ten minutes on two cores: 50 checks of the Auth0 crate"]
fn each_tag_of_auths_whole_document_compiles_alone() {
    let out = generate_tagged(AUTH0, "auth0-tags-each");
    for feature in tag_features(&out) {
        let features = format!("{feature},mock");
        cargo(
            &out,
            &["check", "--no-default-features", "--features", &features],
        );
    }
}
