//! The client built on a `reqwest_middleware` stack (the `middleware` feature), against a real
//! server on loopback (wiremock): each attempt goes through the stack once, with the retries
//! outside it; a middleware's own failure is `Error::Middleware`; the builder's timeouts with a
//! handed-in stack.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use generated_client::params::GetResourceServerParams;
use generated_client::types::CreateResourceServerRequestContent;
use generated_client::{BuildError, Client, Error, RetryPolicy};
use reqwest_middleware::{ClientWithMiddleware, Middleware, Next};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Adds `x-signed: yes` to every request it passes on, and counts them.
#[derive(Clone, Default)]
struct Signing {
    attempts: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl Middleware for Signing {
    async fn handle(
        &self,
        mut request: reqwest::Request,
        extensions: &mut http_crate::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        request
            .headers_mut()
            .insert("x-signed", reqwest::header::HeaderValue::from_static("yes"));
        next.run(request, extensions).await
    }
}

/// Refuses every request without sending it.
struct Refusing;

#[derive(Debug)]
struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refused by policy")
    }
}

impl std::error::Error for Refused {}

#[async_trait::async_trait]
impl Middleware for Refusing {
    async fn handle(
        &self,
        _: reqwest::Request,
        _: &mut http_crate::Extensions,
        _: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        Err(reqwest_middleware::Error::middleware(Refused))
    }
}

fn stack(middleware: impl Middleware) -> ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(middleware)
        .build()
}

fn client_on(base: &str, stack: ClientWithMiddleware) -> Client {
    Client::builder()
        .base_url(format!("{base}/api/v2"))
        .bearer_token("token")
        .middleware_client(stack)
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap()
}

/// The one place these tests call the get operation.
async fn get(client: &Client) -> Result<(), Error<impl std::fmt::Debug>> {
    let params = GetResourceServerParams::default();
    client.get_resource_server("rs_1", &params).await.map(drop)
}

#[tokio::test]
async fn each_attempt_goes_through_the_middleware_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/resource-servers/rs_1"))
        .and(header("x-signed", "yes"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/resource-servers/rs_1"))
        .and(header("x-signed", "yes"))
        .and(header("authorization", "Bearer token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "rs_1" })))
        .mount(&server)
        .await;
    let signing = Signing::default();
    let client = client_on(&server.uri(), stack(signing.clone()));
    get(&client).await.unwrap();
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 2, "500, then 200");
    assert!(seen
        .iter()
        .all(|r| r.headers.get("x-signed").unwrap() == "yes"));
    assert_eq!(
        signing.attempts.load(Ordering::SeqCst),
        2,
        "the retry loop is outside the stack"
    );
}

#[tokio::test]
async fn a_create_that_cannot_connect_is_retried_through_the_stack() {
    // A port nothing listens on: the connection is refused, so nothing was sent.
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let signing = Signing::default();
    let client = client_on(&format!("http://{address}"), stack(signing.clone()));
    let body = CreateResourceServerRequestContent::new("https://api.example.com/");
    let error = client.create_resource_server(&body).await.unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    assert_eq!(
        signing.attempts.load(Ordering::SeqCst),
        3,
        "sent, then 2 retries"
    );
}

#[tokio::test]
async fn a_middlewares_own_failure_is_a_typed_error_and_not_retried() {
    let server = MockServer::start().await;
    let client = client_on(&server.uri(), stack(Refusing));
    let error = get(&client).await.unwrap_err();
    let Error::Middleware { operation, source } = &error else {
        panic!("a middleware error: {error:?}")
    };
    assert_eq!(*operation, "GET /resource-servers/{id}");
    let reqwest_middleware::Error::Middleware(inner) = source else {
        panic!("the middleware's own error: {source:?}")
    };
    assert!(inner.downcast_ref::<Refused>().is_some());
    assert!(error.to_string().contains("refused by policy"), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn a_stack_keeps_the_builders_timeout_and_refuses_a_connect_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .middleware_client(stack(Signing::default()))
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");

    let error = Client::builder()
        .base_url(server.uri())
        .middleware_client(stack(Signing::default()))
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            BuildError::Incompatible {
                setting: "connect_timeout",
                with: "middleware_client",
                ..
            }
        ),
        "{error:?}"
    );
    let error = Client::builder()
        .base_url(server.uri())
        .http_client(reqwest::Client::new())
        .middleware_client(stack(Signing::default()))
        .build()
        .unwrap_err();
    assert!(
        matches!(error, BuildError::Incompatible { .. }),
        "{error:?}"
    );
}
