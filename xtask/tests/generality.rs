//! The generator is not a one-spec template: other real-world specs give standalone crates that
//! compile with no edits (`cargo check` with warnings denied, every optional feature on).

mod common;

use std::fs;
use std::process::Command;

use xtask::codegen::workspace_root;

/// The documents of `generator/tests/fixtures/specs/` (its README says where each comes from) and
/// Auth0's resource-servers subset as Auth0 publishes it, as `(crate name, spec)`, the spec
/// relative to the workspace root. Each generates the crate of `generator/tests/golden/<name>/`,
/// which compiles.
const SPECS: &[(&str, &str)] = &[
    ("keeper", "generator/tests/fixtures/specs/keeper.json"),
    ("buildomat", "generator/tests/fixtures/specs/buildomat.json"),
    ("nexus", "generator/tests/fixtures/specs/nexus.json"),
    ("petstore", "generator/tests/fixtures/specs/petstore.yaml"),
    ("uspto", "generator/tests/fixtures/specs/uspto.json"),
    (
        "discriminators",
        "generator/tests/fixtures/specs/discriminators.yaml",
    ),
    (
        "auth0-subset",
        "spec/reference/auth0-resource-servers.oas3.1.json",
    ),
];

/// Documents the generator refuses today, each with the located error it gives: when one starts to
/// generate, move it to [`SPECS`].
const BLOCKED: &[(&str, &str)] = &[
    // blocked on: path item `$ref`s (`paths: { /x: { $ref: ... } }`), which the generator refuses.
    (
        "server-path-level.yaml",
        "#/paths/~1path-item-ref-server: path item `$ref`s are not supported",
    ),
];

#[test]
fn blocked_specs_fail_with_a_located_error_and_write_nothing() {
    let root = workspace_root();
    for (file, error) in BLOCKED {
        let out = root.join("target").join("generality").join("blocked");
        let _ = fs::remove_dir_all(&out);
        let spec = root.join("generator/tests/fixtures/specs").join(file);
        let output = common::codegen(&spec, &out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{file}: {stderr}");
        assert!(
            stderr.contains(&format!("error: {error}")),
            "{file}: {stderr}"
        );
        assert!(!out.exists(), "{file}: a refused spec wrote files");
    }
}

#[test]
fn real_world_specs_generate_standalone_crates_that_compile() {
    let root = workspace_root();
    let base = root.join("target").join("generality");
    let target_dir = base.join("target");
    for (name, spec) in SPECS {
        let out = base.join(name);
        let _ = fs::remove_dir_all(&out);
        let spec = root.join(spec);
        let status = common::codegen(&spec, &out).status;
        assert!(status.success(), "{name}: codegen failed");
        common::assert_matches_golden(name, &out);
        let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("[workspace]") && !manifest.contains(".workspace = true"),
            "{name}: not standalone"
        );
        // Same dependency versions as the workspace, so nothing new is fetched.
        fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
        // Every optional feature too (middleware, the typed mock, `private_key_jwt`).
        let output = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--all-targets", "--all-features"])
            .current_dir(&out)
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{name}: the generated crate does not compile:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
