//! The typed mock server (the `mock` feature): expectations built with the generated types,
//! typed answers, call counts, and the message for a request no expectation matched. Also the
//! user-style `ensure_resource_server` tested against it. The feature is on in
//! `cargo test --workspace`.
#![cfg(feature = "mock")]

mod common {
    pub mod ensure;
}

use std::time::{Duration, Instant};

use common::ensure::{ensure_resource_server, Ensured};
use generated_client::mock::MockServer;
use generated_client::types::*;
use generated_client::Error;

fn scope(value: &str) -> ResourceServerScope {
    ResourceServerScope::new(value)
}

fn not_found() -> GetResourceServerError {
    GetResourceServerError::NotFound(Some(ErrorResponseContent {
        status_code: 404,
        error: "Not Found".to_owned(),
        message: "The resource server does not exist".to_owned(),
        error_code: Some("inexistent_resource_server".to_owned()),
    }))
}

#[tokio::test]
async fn ensure_creates_a_missing_resource_server_with_its_scopes() {
    let server = MockServer::start().await;
    server
        .get_resource_server()
        .with_id("https://payments.example.com/")
        .respond_error(&not_found())
        .times(1)
        .mount()
        .await;
    let expected = CreateResourceServerRequestContent {
        name: Some("Payments".to_owned()),
        scopes: Some(vec![scope("pay")]),
        ..CreateResourceServerRequestContent::new("https://payments.example.com/")
    };
    server
        .create_resource_server()
        .body(&expected)
        .respond_with(&CreateResourceServerResponseContent {
            id: Some("rs_1".to_owned()),
            ..Default::default()
        })
        .times(1)
        .mount()
        .await;
    let outcome = ensure_resource_server(
        &server.client(),
        "https://payments.example.com/",
        "Payments",
        vec![scope("pay")],
    )
    .await
    .unwrap();
    assert_eq!(outcome, Ensured::Created);
    server.verify().await;
}

#[tokio::test]
async fn ensure_updates_only_the_scopes_of_an_existing_one() {
    let server = MockServer::start().await;
    server
        .get_resource_server()
        .with_id("urn:payments")
        .respond_with(&GetResourceServerResponseContent {
            id: Some("rs_1".to_owned()),
            name: Some("Payments".to_owned()),
            scopes: Some(vec![scope("read")]),
            ..Default::default()
        })
        .times(1)
        .mount()
        .await;
    server
        .update_resource_server()
        .with_id("urn:payments")
        .body_matches(|body| {
            // Only `scopes`: nothing else is sent.
            serde_json::to_value(body).unwrap()
                == serde_json::json!({ "scopes": [{ "value": "read" }, { "value": "pay" }] })
        })
        .respond_with(&UpdateResourceServerResponseContent::default())
        .times(1)
        .mount()
        .await;
    let outcome = ensure_resource_server(
        &server.client(),
        "urn:payments",
        "Payments",
        vec![scope("read"), scope("pay")],
    )
    .await
    .unwrap();
    assert_eq!(outcome, Ensured::UpdatedScopes);
    server.verify().await;
}

#[tokio::test]
async fn ensure_falls_back_to_the_update_when_a_concurrent_creation_wins() {
    let server = MockServer::start().await;
    server
        .get_resource_server()
        .respond_error(&not_found())
        .times(1)
        .mount()
        .await;
    server
        .create_resource_server()
        .respond_error(&CreateResourceServerError::Conflict(None))
        .times(1)
        .mount()
        .await;
    server
        .update_resource_server()
        .with_id("urn:payments")
        .respond_with(&UpdateResourceServerResponseContent::default())
        .times(1)
        .mount()
        .await;
    let outcome = ensure_resource_server(
        &server.client(),
        "urn:payments",
        "Payments",
        vec![scope("pay")],
    )
    .await
    .unwrap();
    assert_eq!(outcome, Ensured::UpdatedScopes);
    server.verify().await;
}

#[tokio::test]
async fn typed_errors_and_delays_reach_the_client_as_the_server_would_send_them() {
    let server = MockServer::start().await;
    server
        .delete_resource_server()
        .with_id("rs_1")
        .delay(Duration::from_millis(200))
        .respond_with(&())
        .times(1)
        .mount()
        .await;
    server
        .list_resource_servers()
        .with_per_page(5)
        .respond_error(&ListResourceServersError::Forbidden(Some(
            ErrorResponseContent {
                status_code: 403,
                error: "Forbidden".to_owned(),
                message: "Insufficient scope".to_owned(),
                error_code: Some("insufficient_scope".to_owned()),
            },
        )))
        .mount()
        .await;
    let client = server.client();
    let started = Instant::now();
    let deleted = client.delete_resource_server("rs_1").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(deleted.status().as_u16(), 204);
    let params = generated_client::params::ListResourceServersParams {
        per_page: Some(5),
        ..Default::default()
    };
    let Error::Api(api) = client.list_resource_servers(&params).await.unwrap_err() else {
        panic!("an API error");
    };
    assert_eq!(api.status.as_u16(), 403);
    assert!(
        matches!(&api.body, ListResourceServersError::Forbidden(Some(body))
        if body.error_code.as_deref() == Some("insufficient_scope"))
    );
    server.verify().await;
}

#[tokio::test]
async fn a_request_no_expectation_matches_names_the_operation_and_what_was_expected() {
    let server = MockServer::start().await;
    server
        .update_resource_server()
        .with_id("rs_1")
        .respond_with(&UpdateResourceServerResponseContent::default())
        .times(0)
        .mount()
        .await;
    let body = UpdateResourceServerRequestContent::default();
    let error = server
        .client()
        .update_resource_server("rs_2", &body)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(501));
    let message = std::panic::AssertUnwindSafe(server.verify());
    let panic = futures::FutureExt::catch_unwind(message).await.unwrap_err();
    let text = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        text.contains("PATCH")
            && text.contains("/resource-servers/rs_2")
            && text.contains("update_resource_server")
            && text.contains(r#"id = "rs_1""#),
        "{text}"
    );
    // Reported once: dropping the server now does not panic again.
    drop(server);
}
