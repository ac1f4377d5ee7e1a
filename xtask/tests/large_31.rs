//! A whole OpenAPI 3.1 document of Auth0's size (the synthetic one of `cargo xtask fixture-31`: 452
//! operations, 2,698 schemas) generates a standalone crate that compiles (`cargo check`, warnings
//! denied), with one method per operation.

mod common;

use std::fs;
use std::process::Command;
use std::time::Instant;

use serde_json::Value;
use xtask::codegen::workspace_root;
use xtask::fixture31;

#[test]
fn the_fixture_is_of_auth0s_size_and_the_same_every_time() {
    let text = fixture31::synthesize();
    assert_eq!(text, fixture31::synthesize());
    let document: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let methods = ["get", "put", "post", "delete", "patch"];
    let count = |items: &Value| -> usize {
        items
            .as_object()
            .unwrap()
            .values()
            .map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count())
            .sum()
    };
    let operations = count(&document["paths"]) + count(&document["components"]["pathItems"]);
    assert_eq!(operations, 452);
    assert_eq!(operations, fixture31::OPERATIONS);
    assert_eq!(
        document["paths"].as_object().unwrap().len(),
        fixture31::PATHS
    );
    assert_eq!(
        document["components"]["schemas"].as_object().unwrap().len(),
        2698
    );
    assert_eq!(fixture31::SCHEMAS, 2698);
    assert!(text.len() > 3_000_000, "{} bytes", text.len());
    // The 3.1 constructs are there.
    for construct in [
        "\"jsonSchemaDialect\"",
        "\"webhooks\"",
        "\"pathItems\"",
        "\"null\"",
        "\"const\"",
        "\"examples\"",
        "\"exclusiveMinimum\": 0",
        "The mode, described beside the reference.",
    ] {
        assert!(text.contains(construct), "{construct}");
    }
}

#[test]
fn a_31_document_of_auth0s_size_generates_a_crate_that_compiles() {
    let root = workspace_root();
    let base = root.join("target").join("generality");
    let out = base.join("auth0-size");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&base).unwrap();
    let spec = base.join("auth0-size.oas3.1.json");
    fs::write(&spec, fixture31::synthesize()).unwrap();

    let started = Instant::now();
    let generated = common::codegen(&spec, &out);
    eprintln!(
        "generated the crate in {:?} (this build's profile)",
        started.elapsed()
    );
    assert!(
        generated.status.success(),
        "codegen failed:\n{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let client = fs::read_to_string(out.join("src/client.rs")).unwrap();
    assert_eq!(client.matches("pub async fn ").count(), 452);
    // The one warning that is not about `oneOf`: the webhooks are ignored.
    let stderr = String::from_utf8_lossy(&generated.stderr);
    assert!(stderr.contains("#/webhooks"), "{stderr}");

    // Same dependency versions as the workspace, so nothing new is fetched.
    fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let started = Instant::now();
    let checked = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--lib"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", base.join("target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    eprintln!("cargo check took {:?}", started.elapsed());
    assert!(
        checked.status.success(),
        "the generated crate does not compile:\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}
