//! Real documents, whole: Auth0's published Management API document, the corpus of other APIs'
//! documents in `generator/tests/fixtures/corpus/` (its README says where each comes from), and
//! the constructs of `generator/tests/fixtures/quirks/` generate crates that compile with
//! warnings denied. Auth0's is generated with tag features (all on by default).
//!
//! The crates are members of one throwaway workspace under `target/corpus/`, checked by one
//! `cargo check --workspace`: dependencies are built once, and the crates are checked side by
//! side on every core.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use generator::{generate, Config};
use xtask::codegen::workspace_root;

/// The documents, relative to the workspace root, other than the corpus folder's.
const OTHERS: &[&str] = &[
    "spec/reference/management-api-oas.json",
    "generator/tests/fixtures/quirks/quirks.yaml",
    "generator/tests/fixtures/quirks/quirks31.yaml",
    "generator/tests/fixtures/quirks/references.yaml",
    "generator/tests/fixtures/quirks/webhooks-only.yaml",
];

#[test]
fn auths_whole_document_gives_a_method_per_operation_and_two_warnings() {
    let root = workspace_root();
    let text = fs::read_to_string(root.join("spec/reference/management-api-oas.json")).unwrap();
    let output = generate(&text, &Config::new("auth0-management")).unwrap();
    assert_eq!(
        output.files["src/client.rs"]
            .matches("pub async fn ")
            .count(),
        452
    );
    // `allOf`s of a `$ref` and a constraint merge without a word, look-around patterns are
    // checked: only the two keywords the client does not check are worth a warning.
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "#/components/schemas/ConnectionScopesSupported/contains: `contains` is not checked by the client; it is ignored",
            "#/components/schemas/CreateImportUsersRequestContent/properties/users/contentMediaType: `contentMediaType` is not checked by the client; it is ignored",
        ]
    );
    // Look-around patterns need the backtracking engine.
    assert!(output.files["Cargo.toml"].contains("fancy-regex"));
}

#[test]
fn real_documents_generate_crates_that_compile() {
    let root = workspace_root();
    let mut specs: Vec<String> = fs::read_dir(root.join("generator/tests/fixtures/corpus"))
        .unwrap()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json") || name.ends_with(".yaml"))
        .map(|name| format!("generator/tests/fixtures/corpus/{name}"))
        .collect();
    specs.sort();
    // The corpus README promises at least this many documents of other APIs.
    assert!(specs.len() >= 20, "{specs:?}");
    specs.extend(OTHERS.iter().map(|s| (*s).to_owned()));

    let base = root.join("target").join("corpus");
    let mut members = Vec::new();
    for spec in &specs {
        let stem = Path::new(spec).file_stem().unwrap().to_string_lossy();
        let name = format!("corpus-{}", stem.replace(['.', '_'], "-"));
        let text = fs::read_to_string(root.join(spec)).unwrap();
        let mut config = Config::new(&name).spec_label(spec).own_workspace(false);
        if *spec == OTHERS[0] {
            // With a Cargo feature per tag, all on by default: every item is compiled as
            // without them, so this check is also that of the default features
            // (`tests/tag_features.rs` checks the others).
            config = config.tag_features(true);
        }
        let output = generate(&text, &config)
            .unwrap_or_else(|errors| panic!("{spec} does not generate:\n{errors}"));
        let out = base.join(&name);
        common::write_crate(&output.files, &out);
        members.push(format!("{name:?}"));
    }
    fs::write(
        base.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
            members.join(", ")
        ),
    )
    .unwrap();
    // Same dependency versions as the workspace, so nothing new is fetched.
    fs::copy(root.join("Cargo.lock"), base.join("Cargo.lock")).unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--workspace"])
        .current_dir(&base)
        // The target directory the other generated crates are checked in: dependencies built once.
        .env("CARGO_TARGET_DIR", root.join("target/generality/target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "a generated crate does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
