//! `cargo xtask spec-import`: importing Auth0's reference document reproduces `spec/` byte for byte,
//! from the subset as from Auth0's whole document; a change in Auth0's document is a change of
//! the lines it touches only; the 3.1 reference with our additions generates the same Rust as the
//! 3.0 spec; and a failed import leaves the spec as it was.

use std::fs;
use std::process::Command;

use serde_json::Value;
use xtask::codegen::workspace_root;
use xtask::spec_import::{extract, import, Additions};

fn read(path: &str) -> String {
    fs::read_to_string(workspace_root().join(path)).unwrap()
}

fn reference() -> String {
    read("spec/reference/auth0-resource-servers.oas3.1.json")
}

/// The lines where two texts differ, as `(line number, old, new)`.
fn differing_lines<'a>(old: &'a str, new: &'a str) -> Vec<(usize, &'a str, &'a str)> {
    let (old, new): (Vec<_>, Vec<_>) = (old.lines().collect(), new.lines().collect());
    (0..old.len().max(new.len()))
        .filter_map(|i| {
            let (o, n) = (
                old.get(i).copied().unwrap_or(""),
                new.get(i).copied().unwrap_or(""),
            );
            (o != n).then_some((i + 1, o, n))
        })
        .collect()
}

#[track_caller]
fn assert_same_text(expected: &str, got: &str, what: &str) {
    let differences = differing_lines(expected, got);
    assert!(
        expected == got,
        "{what}: spec/resource-servers.yaml differs from the import ({} lines), first: {:?}\n\
         run `cargo xtask spec-import --from spec/reference/auth0-resource-servers.oas3.1.json`",
        differences.len(),
        differences.first()
    );
}

#[test]
fn importing_the_reference_reproduces_the_spec_byte_for_byte() {
    let imported = import(&reference(), &read("spec/additions.yaml")).unwrap();
    assert_same_text(
        &read("spec/resource-servers.yaml"),
        &imported.yaml,
        "reference",
    );
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    // Same input, same bytes.
    let again = import(&reference(), &read("spec/additions.yaml")).unwrap();
    assert_eq!(imported.yaml, again.yaml);
}

#[test]
fn importing_auth0s_whole_document_gives_the_same_spec() {
    // Auth0's whole published document (245 paths, 2,698 schemas), as published and as YAML: the
    // import cuts out the resource-server paths and what they use, whatever is around them.
    let whole = read("spec/reference/management-api-oas.json");
    let value: Value = serde_json::from_str(&whole).unwrap();
    let expected = read("spec/resource-servers.yaml");
    for text in [whole, serde_yaml::to_string(&value).unwrap()] {
        let imported = import(&text, &read("spec/additions.yaml")).unwrap();
        assert_same_text(&expected, &imported.yaml, "whole document");
    }
}

#[test]
fn a_change_in_auth0s_document_changes_only_its_lines() {
    let mut changed: Value = serde_json::from_str(&reference()).unwrap();
    changed["components"]["schemas"]["CreateResourceServerRequestContent"]["properties"]
        ["identifier"]["maxLength"] = 700.into();
    let imported = import(&changed.to_string(), &read("spec/additions.yaml")).unwrap();
    let spec = read("spec/resource-servers.yaml");
    let differences = differing_lines(&spec, &imported.yaml);
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert_eq!(
        (differences[0].1.trim(), differences[0].2.trim()),
        ("maxLength: 600", "maxLength: 700")
    );
}

#[test]
fn the_31_reference_with_our_additions_generates_the_same_rust_as_the_spec() {
    // The same cut and additions as the import, but no 3.1 → 3.0 rewrite: the generator reads 3.1.
    let additions = Additions::parse(&read("spec/additions.yaml")).unwrap();
    let reference: Value = serde_json::from_str(&reference()).unwrap();
    let mut v31 = extract(&reference, &additions).unwrap();
    additions.apply(&mut v31).unwrap();
    assert_eq!(v31["openapi"], "3.1.0");
    let config = generator::Config::new("generated-client").spec_label("spec");
    let from_31 = generator::generate(&v31.to_string(), &config).unwrap();
    let from_30 = generator::generate(&read("spec/resource-servers.yaml"), &config).unwrap();
    assert_eq!(
        from_31.files.keys().collect::<Vec<_>>(),
        from_30.files.keys().collect::<Vec<_>>()
    );
    for (path, contents) in &from_30.files {
        assert!(&from_31.files[path] == contents, "{path} differs");
    }
    assert!(from_30.files["src/client.rs"].contains("pub async fn list_resource_servers"));
}

#[test]
fn additions_naming_a_missing_operation_or_an_unknown_key_are_errors() {
    let additions = read("spec/additions.yaml");
    let renamed = additions.replace("delete_resource-servers_by_id:", "delete_gone:");
    let error = import(&reference(), &renamed).unwrap_err();
    assert!(error.contains("`delete_gone`"), "{error}");
    let error = import(&reference(), &format!("{additions}\nsurprise: 1\n")).unwrap_err();
    assert!(error.contains("unknown key `surprise`"), "{error}");
    let error = import("swagger: '2.0'\n", &additions).unwrap_err();
    assert!(error.contains("Swagger \"2.0\""), "{error}");
    let error = import(
        &reference().replace("/resource-servers", "/apis"),
        &additions,
    )
    .unwrap_err();
    assert!(error.contains("no path /resource-servers"), "{error}");
}

#[test]
fn the_command_writes_the_spec_and_a_failure_leaves_it_untouched() {
    let dir = workspace_root().join("target/xtask-tests/spec-import");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let out = dir.join("resource-servers.yaml");
    let run = |from: &str| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args([
                "spec-import",
                "--from",
                from,
                "--out",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap()
    };
    let reference = workspace_root().join("spec/reference/auth0-resource-servers.oas3.1.json");
    let written = run(reference.to_str().unwrap());
    assert!(written.status.success(), "{written:?}");
    assert_eq!(
        fs::read_to_string(&out).unwrap(),
        read("spec/resource-servers.yaml")
    );

    fs::write(&out, "old contents\n").unwrap();
    let broken = dir.join("broken.json");
    fs::write(&broken, "{\"openapi\": \"3.1.0\", \"paths\": {").unwrap();
    let failed = run(broken.to_str().unwrap());
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "old contents\n");
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
