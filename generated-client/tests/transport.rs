//! How requests go out, against a real server on loopback (wiremock): which failures are retried
//! for idempotent and other operations, default and per-call headers, and the builder's settings
//! with a handed-in `reqwest::Client`. (Through a middleware stack: `tests/middleware.rs`.)

use std::time::Duration;

use generated_client::types::{
    CreateResourceServerRequestContent, UpdateResourceServerRequestContent,
};
use generated_client::{BuildError, Client, Error, HeaderName, HeaderValue, RetryPolicy};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn resource_server() -> serde_json::Value {
    json!({ "id": "rs_1", "identifier": "https://api.example.com/", "name": "Payments" })
}

fn client_of(base: &str) -> Client {
    Client::builder()
        .base_url(format!("{base}/api/v2"))
        .bearer_token("token")
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap()
}

/// A server that answers the first `times` requests of `verb` with `first`, and the later ones
/// with `then`.
async fn answering(verb: &str, first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method(verb))
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn create(client: &Client) -> Result<(), Error<impl std::fmt::Debug>> {
    let body = CreateResourceServerRequestContent::new("https://api.example.com/");
    client.create_resource_server(&body).await.map(drop)
}

async fn update(client: &Client) -> Result<(), Error<impl std::fmt::Debug>> {
    let body = UpdateResourceServerRequestContent::default();
    client.update_resource_server("rs_1", &body).await.map(drop)
}

fn created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(resource_server())
}

#[tokio::test]
async fn a_create_answered_500_is_sent_once() {
    for status in [500, 502, 504] {
        let server = answering("POST", ResponseTemplate::new(status), created()).await;
        let error = create(&client_of(&server.uri())).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            requests(&server).await,
            1,
            "a POST answered {status} may have created it: not sent again"
        );
    }
}

#[tokio::test]
async fn a_create_answered_429_or_503_is_sent_again() {
    for status in [429, 503, 408] {
        let server = answering("POST", ResponseTemplate::new(status), created()).await;
        create(&client_of(&server.uri())).await.unwrap();
        assert_eq!(requests(&server).await, 2, "{status}, then 201");
    }
}

#[tokio::test]
async fn the_update_marked_idempotent_is_sent_again_after_502() {
    let ok = ResponseTemplate::new(200).set_body_json(resource_server());
    let server = answering("PATCH", ResponseTemplate::new(502), ok).await;
    update(&client_of(&server.uri())).await.unwrap();
    assert_eq!(requests(&server).await, 2, "502, then 200");
}

#[tokio::test]
async fn a_delete_is_sent_again_after_500() {
    let server = answering(
        "DELETE",
        ResponseTemplate::new(500),
        ResponseTemplate::new(204),
    )
    .await;
    client_of(&server.uri())
        .delete_resource_server("rs_1")
        .await
        .unwrap();
    assert_eq!(requests(&server).await, 2, "500, then 204");
}

/// A bare server on loopback: reads each request whole, then closes the connection without an
/// answer. Returns its address and how many requests it read.
async fn hanging_up() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = vec![0; 64 * 1024];
            let read = socket.read(&mut buffer).await.unwrap();
            if read > 0 {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            socket.shutdown().await.unwrap();
        }
    });
    (format!("http://{address}"), seen)
}

#[tokio::test]
async fn a_connection_dropped_after_sending_is_retried_for_the_update_only() {
    let (base, seen) = hanging_up().await;
    let client = client_of(&base);
    let error = create(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(seen.swap(0, std::sync::atomic::Ordering::SeqCst), 1);
    let error = update(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(
        seen.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "sent, then 2 retries"
    );
}

#[tokio::test]
async fn default_and_per_call_headers_reach_the_server_on_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/resource-servers"))
        .and(header("x-telemetry", "tests/1.0"))
        .and(header("x-request-id", "call-1"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/resource-servers"))
        .and(header("x-telemetry", "tests/1.0"))
        .and(header("x-request-id", "call-1"))
        .respond_with(created())
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .default_header(
            HeaderName::from_static("x-telemetry"),
            HeaderValue::from_static("tests/1.0"),
        )
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap();
    let call = client
        .with_header(
            HeaderName::from_static("x-request-id"),
            HeaderValue::from_static("call-1"),
        )
        .with_timeout(Duration::from_secs(5));
    create(&call).await.unwrap();
    assert_eq!(requests(&server).await, 2, "429, then 201: both with both");
    // The per-call header stays with the handle it was set on.
    create(&client).await.unwrap_err();
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(last.headers.get("x-telemetry").unwrap(), "tests/1.0");
    assert!(last.headers.get("x-request-id").is_none());
}

#[tokio::test]
async fn a_per_call_header_replaces_a_default_one_of_the_same_name() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(created())
        .mount(&server)
        .await;
    let name = HeaderName::from_static("x-telemetry");
    let client = Client::builder()
        .base_url(server.uri())
        .default_header(name.clone(), HeaderValue::from_static("default"))
        .build()
        .unwrap()
        .with_header(name, HeaderValue::from_static("this call"));
    create(&client).await.unwrap();
    let request = server.received_requests().await.unwrap().pop().unwrap();
    let values: Vec<_> = request.headers.get_all("x-telemetry").iter().collect();
    assert_eq!(values, ["this call"]);
}

#[tokio::test]
async fn a_handed_in_client_with_a_connect_timeout_is_a_build_error() {
    let error = Client::builder()
        .base_url("http://127.0.0.1:9")
        .http_client(reqwest::Client::new())
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            BuildError::Incompatible {
                setting: "connect_timeout",
                with: "http_client",
                ..
            }
        ),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("`connect_timeout`") && text.contains("`http_client`"),
        "{text}"
    );
}

#[tokio::test]
async fn a_handed_in_client_keeps_the_builders_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        // A client without a timeout of its own.
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client.delete_resource_server("rs_1").await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}
