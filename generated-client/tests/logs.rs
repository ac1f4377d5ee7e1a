//! What the client logs through `tracing`: each request and retry, with the operation, status,
//! attempt and delay; never a token or a secret, even at the most verbose level.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use generated_client::types::UpdateResourceServerRequestContent;
use generated_client::{Client, RetryPolicy, SecretString};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn requests_and_retries_are_logged_without_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "access_token": "access-token-value", "expires_in": 3600 })),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "rs_1" })))
        .mount(&server)
        .await;

    let client = Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .client_credentials("client-id", "client-secret-value")
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap();
    let body = UpdateResourceServerRequestContent {
        signing_secret: Some(SecretString::from("signing-secret-value")),
        ..Default::default()
    };
    client.update_resource_server("rs_1", &body).await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("operation=\"PATCH /resource-servers/{id}\""),
        "{logs}"
    );
    assert!(
        logs.contains("retrying")
            && logs.contains("status=Some(503)")
            && logs.contains("delay_ms="),
        "{logs}"
    );
    assert!(
        logs.contains("answered") && logs.contains("status=200") && logs.contains("attempt=2"),
        "{logs}"
    );
    assert!(logs.contains("fetching an access token"), "{logs}");
    for secret in [
        "access-token-value",
        "client-secret-value",
        "signing-secret-value",
    ] {
        assert!(!logs.contains(secret), "{secret} was logged:\n{logs}");
    }
}
