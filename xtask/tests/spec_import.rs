//! `cargo xtask spec-import`: importing Auth0's reference document reproduces `spec/` byte for byte,
//! from the subset as from a whole document around it; a change in Auth0's document is a change of
//! the lines it touches only; the 3.1 reference with our additions generates the same Rust as the
//! 3.0 spec; and a failed import leaves the spec as it was.

use std::fs;
use std::process::Command;

use serde_json::{json, Value};
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
fn importing_a_whole_document_gives_the_same_spec() {
    let mut whole: Value = serde_json::from_str(&reference()).unwrap();
    let root = whole.as_object_mut().unwrap();
    // Unrelated paths before and after ours, one of them sharing our prefix as a string.
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/clients".into(),
        json!({ "get": {
            "operationId": "get_clients",
            "security": [{ "oAuth2ClientCredentials": ["read:clients"] }],
            "responses": { "200": { "description": "ok", "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/Client" } } } } }
        } }),
    );
    let mut resource_servers = None;
    for (path, item) in root["paths"].as_object().unwrap() {
        if path == "/resource-servers/{id}" {
            // Kept in components/pathItems and referred to, as 3.1 allows.
            resource_servers = Some(item.clone());
            paths.insert(
                path.clone(),
                json!({ "$ref": "#/components/pathItems/ResourceServer" }),
            );
        } else {
            paths.insert(path.clone(), item.clone());
        }
    }
    paths.insert(
        "/resource-servers-archive".into(),
        json!({ "$ref": "#/components/pathItems/Archive" }),
    );
    root.insert("paths".into(), Value::Object(paths));
    // Unrelated schemas (one with a construct the 3.0 rewrite refuses: it is never looked at),
    // path items, parameters, scopes, and top-level fields.
    let components = root["components"].as_object_mut().unwrap();
    let schemas = components["schemas"].as_object_mut().unwrap();
    schemas.insert(
        "Client".into(),
        json!({ "type": ["object", "null"], "properties": { "tuple": { "prefixItems": [true] } } }),
    );
    schemas.insert("Unused".into(), json!({ "const": 1 }));
    components.insert(
        "pathItems".into(),
        json!({
            "Archive": { "get": { "responses": { "204": { "description": "gone" } } } },
            "ResourceServer": resource_servers.unwrap()
        }),
    );
    components.insert(
        "parameters".into(),
        json!({ "Page": { "name": "page", "in": "query", "schema": { "type": "integer" } } }),
    );
    components["securitySchemes"]["oAuth2ClientCredentials"]["flows"]["clientCredentials"]
        ["scopes"]["read:clients"] = "Read Clients".into();
    root.insert(
        "tags".into(),
        json!([{ "name": "clients" }, { "name": "resource-servers" }]),
    );
    root.insert(
        "webhooks".into(),
        json!({ "x": { "post": { "responses": {} } } }),
    );
    root.insert("x-generator".into(), "somebody".into());

    let expected = read("spec/resource-servers.yaml");
    for text in [
        serde_json::to_string_pretty(&whole).unwrap(),
        serde_yaml::to_string(&whole).unwrap(),
    ] {
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
