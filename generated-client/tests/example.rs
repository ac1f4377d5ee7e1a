//! The example program, run as a user runs it, against a loopback server.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::json;
use wiremock::matchers::{body_json, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `target/<profile>/examples/<name>`, which `cargo test` builds with the tests.
fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let binary = deps
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: run `cargo test -p generated-client`, which builds the examples",
        binary.display()
    );
    binary
}

/// Runs the update example with `env` (and nothing from the outer environment's AUTH0_*), feeding `stdin`.
async fn run(args: &[&str], env: &[(&str, String)], stdin: &str) -> Output {
    run_example("update_resource_server", args, env, stdin).await
}

/// Runs the example `name` with `env` (and nothing from the outer environment's AUTH0_*), feeding `stdin`.
async fn run_example(name: &str, args: &[&str], env: &[(&str, String)], stdin: &str) -> Output {
    let mut command = Command::new(example(name));
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in [
        "AUTH0_TOKEN",
        "AUTH0_DOMAIN",
        "AUTH0_BASE_URL",
        "AUTH0_CLIENT_ID",
        "AUTH0_CLIENT_SECRET",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn answer() -> serde_json::Value {
    json!({ "id": "rs_1", "identifier": "https://api.example.com/", "name": "Payments", "consent_policy": null, "future_field": 1 })
}

#[tokio::test(flavor = "multi_thread")]
async fn updates_with_a_token_and_prints_the_typed_answer() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(
            "/api/v2/resource-servers/https%3A%2F%2Fapi.example.com%2F",
        ))
        .and(header("authorization", "Bearer example-token"))
        .and(body_json(
            json!({ "name": "Payments", "token_encryption": null }),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer()))
        .expect(1)
        .mount(&server)
        .await;
    let body = std::env::temp_dir().join(format!("update-body-{}.json", std::process::id()));
    std::fs::write(&body, r#"{ "name": "Payments", "token_encryption": null }"#).unwrap();
    let env = [
        ("AUTH0_TOKEN", "example-token".to_owned()),
        ("AUTH0_BASE_URL", format!("{}/api/v2", server.uri())),
    ];
    let output = run(
        &["https://api.example.com/", body.to_str().unwrap()],
        &env,
        "",
    )
    .await;
    std::fs::remove_file(&body).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // Serialized from the typed value: known fields kept (the explicit null too), unknown ones dropped.
    assert_eq!(
        printed,
        json!({ "id": "rs_1", "identifier": "https://api.example.com/", "name": "Payments", "consent_policy": null })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn gets_a_token_with_client_credentials_and_reads_the_body_from_stdin() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=the-id"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "access_token": "fetched", "expires_in": 86400 })),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v2/resource-servers/rs_1"))
        .and(header("authorization", "Bearer fetched"))
        .and(body_json(json!({ "consent_policy": null })))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer()))
        .expect(1)
        .mount(&server)
        .await;
    let env = [
        ("AUTH0_CLIENT_ID", "the-id".to_owned()),
        ("AUTH0_CLIENT_SECRET", "the-secret".to_owned()),
        ("AUTH0_BASE_URL", format!("{}/api/v2", server.uri())),
    ];
    let output = run(&["rs_1", "-"], &env, r#"{ "consent_policy": null }"#).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fails_with_a_message_and_sends_nothing_for_an_invalid_body() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let env = [
        ("AUTH0_TOKEN", "t".to_owned()),
        ("AUTH0_BASE_URL", format!("{}/api/v2", server.uri())),
    ];
    let output = run(
        &["rs_1", "-"],
        &env,
        r#"{ "name": "<b>", "token_lifetime": -1 }"#,
    )
    .await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("request not sent")
            && stderr.contains("`name`")
            && stderr.contains("`token_lifetime`"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_a_misspelt_field_naming_it_and_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let env = [
        ("AUTH0_TOKEN", "t".to_owned()),
        ("AUTH0_BASE_URL", format!("{}/api/v2", server.uri())),
    ];
    // The update body's schema allows no other property (`additionalProperties: false`): the
    // server would answer 400, so the client refuses it when reading it.
    let output = run(&["rs_1", "-"], &env, r#"{ "name": "x", "nmae": "y" }"#).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown field `nmae`"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn reports_an_api_error_on_stderr_with_a_failing_exit_code() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({ "statusCode": 404, "error": "Not Found", "message": "The resource server does not exist" })))
        .mount(&server)
        .await;
    let env = [
        ("AUTH0_TOKEN", "t".to_owned()),
        ("AUTH0_BASE_URL", format!("{}/api/v2", server.uri())),
    ];
    let output = run(&["missing", "-"], &env, "{}").await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("404") && stderr.contains("does not exist"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn add_scope_gets_modifies_and_updates_only_the_scopes() {
    let server = MockServer::start().await;
    let id_path = "/api/v2/resource-servers/https%3A%2F%2Fapi.example.com%2F";
    let existing = json!([{ "value": "read:pay", "description": "Read payments" }]);
    Mock::given(method("GET"))
        .and(path(id_path))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "id": "rs_1", "name": "Payments", "scopes": existing })),
        )
        .expect(2)
        .mount(&server)
        .await;
    // Only `scopes` is sent: the old scope kept, the new one added; nothing else is touched.
    let both = json!([{ "value": "read:pay", "description": "Read payments" }, { "value": "write:pay", "description": "Make payments" }]);
    Mock::given(method("PATCH"))
        .and(path(id_path))
        .and(body_json(json!({ "scopes": both })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "id": "rs_1", "scopes": both })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let env = [
        ("AUTH0_TOKEN", "example-token".to_owned()),
        ("AUTH0_BASE_URL", format!("{}/api/v2", server.uri())),
    ];
    let args = ["https://api.example.com/", "write:pay", "Make payments"];
    let output = run_example("add_scope", &args, &env, "").await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, both);
    // A scope already there: read, and nothing sent (the PATCH mock expects exactly one call).
    let args = ["https://api.example.com/", "read:pay"];
    let output = run_example("add_scope", &args, &env, "").await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, existing);
}
