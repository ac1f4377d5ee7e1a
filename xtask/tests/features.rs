//! Every construct the generator supports, end to end: the crate generated from
//! `generator/tests/fixtures/features/features.yaml` compiles with warnings denied, and its own
//! tests (`roundtrip.rs` beside the spec: JSON round trips and calls against a loopback server)
//! pass.

mod common;

use std::fs;
use std::process::Command;

use generator::{generate, Config};
use xtask::codegen::workspace_root;

#[test]
fn the_features_spec_generates_a_crate_whose_tests_pass() {
    let root = workspace_root();
    let fixtures = root.join("generator/tests/fixtures/features");
    let spec = fs::read_to_string(fixtures.join("features.yaml")).unwrap();
    let config = Config::new("features")
        .spec_label("generator/tests/fixtures/features/features.yaml")
        .dev_dependency("wiremock", r#""0.6""#);
    let output = generate(&spec, &config).unwrap_or_else(|errors| panic!("{errors}"));
    // Every fallback in the features spec is deliberate (a cookie parameter, never sent);
    // anything else is a regression.
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            r#"#/paths/~1accounts~1{accountId}~1settings/put/parameters/1: cookie parameter "session" is not supported and is never sent"#
        ]
    );

    let base = root.join("target").join("generality");
    let out = base.join("features");
    common::write_crate(&output.files, &out);
    common::assert_matches_golden("features", &out);
    fs::create_dir_all(out.join("tests")).unwrap();
    fs::copy(
        fixtures.join("roundtrip.rs"),
        out.join("tests/roundtrip.rs"),
    )
    .unwrap();
    // Same dependency versions as the workspace, so nothing new is fetched.
    fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let result = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--features", "mock"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", base.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "the features crate's tests fail:\n{stdout}\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    // The round-trip tests really ran (a `cargo test` that finds no tests also succeeds).
    assert!(stdout.contains("test result: ok. 17 passed"), "{stdout}");
}
