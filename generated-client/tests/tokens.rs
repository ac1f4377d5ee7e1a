//! Where tokens come from: a provider of the user's own, shared by two clients; the
//! client-credentials provider refreshing a refused token once; a fixed token that is refused.
//! Against a real HTTP server on loopback (wiremock).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use generated_client::types::{UpdateResourceServerError, UpdateResourceServerRequestContent};
use generated_client::{
    BuildError, Client, ClientCredentials, Error, RetryPolicy, SecretString, TokenFuture,
    TokenProvider,
};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn update_body() -> UpdateResourceServerRequestContent {
    UpdateResourceServerRequestContent {
        name: Some("Payments".to_owned()),
        ..Default::default()
    }
}

async fn update(client: &Client) -> Result<(), Error<UpdateResourceServerError>> {
    client
        .update_resource_server("rs_1", &update_body())
        .await
        .map(drop)
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "id": "rs_1", "name": "Payments" }))
}

fn token(value: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": value, "token_type": "Bearer", "expires_in": 86400
    }))
}

/// A provider of the user's own: hands out `token-<n>`, a new `n` after each refusal, and counts
/// how often it is asked.
#[derive(Default)]
struct Rotating {
    generation: AtomicUsize,
    asked: AtomicUsize,
}

impl TokenProvider for Rotating {
    fn token(&self) -> TokenFuture<'_> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let n = self.generation.load(Ordering::SeqCst);
        Box::pin(async move { Ok(SecretString::from(format!("token-{n}"))) })
    }

    fn refused(&self, token: &SecretString) -> bool {
        let n = self.generation.load(Ordering::SeqCst);
        if token.expose_secret() == format!("token-{n}") {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        true
    }
}

fn client_with(server: &MockServer, provider: impl TokenProvider + 'static) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .token_provider(provider)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_provider_shared_by_two_clients_refreshes_once_for_both() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(header("authorization", "Bearer token-0"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "statusCode": 401, "error": "Unauthorized", "message": "Expired token"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ok())
        .expect(3)
        .mount(&server)
        .await;
    let shared = Arc::new(Rotating::default());
    let first = client_with(&server, shared.clone());
    let second = client_with(&server, shared.clone());
    // The first client's token is refused: it is asked for another, which both clients then use.
    update(&first).await.unwrap();
    update(&second).await.unwrap();
    update(&first).await.unwrap();
    assert_eq!(shared.generation.load(Ordering::SeqCst), 1);
    assert_eq!(shared.asked.load(Ordering::SeqCst), 4, "once per attempt");
}

#[tokio::test]
async fn a_refused_client_credentials_token_is_fetched_anew_once_then_the_401_is_the_error() {
    let server = MockServer::start().await;
    // The token endpoint hands out `old`, then `new` ever after.
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(token("old"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(token("new"))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(header("authorization", "Bearer new"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .client_credentials("id", "secret")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // 401 with `old`, a new token, 200 with `new`: one call, retries turned off.
    update(&client).await.unwrap();
    server.verify().await;

    // A server that refuses every token: one refresh, then the second 401 is the error.
    let refusing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(token("any"))
        .expect(2)
        .mount(&refusing)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&refusing)
        .await;
    let source = ClientCredentials::new(
        format!("{}/oauth/token/", refusing.uri()),
        "id",
        "secret",
        Vec::new(),
        reqwest::Client::new(),
    );
    let client = client_with(&refusing, source);
    let error = update(&client).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
    refusing.verify().await;
}

#[tokio::test]
async fn a_fixed_token_that_is_refused_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(header("authorization", "Bearer fixed"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .bearer_token("fixed")
        .build()
        .unwrap();
    let error = update(&client).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    server.verify().await;
}

#[tokio::test]
async fn a_failing_provider_is_an_authentication_error_and_nothing_is_sent() {
    struct Broken;
    impl TokenProvider for Broken {
        fn token(&self) -> TokenFuture<'_> {
            Box::pin(async { Err("the token cache is down".into()) })
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ok())
        .expect(0)
        .mount(&server)
        .await;
    let error = update(&client_with(&server, Broken)).await.unwrap_err();
    assert!(
        matches!(&error, Error::Authentication { message, .. } if message == "the token cache is down"),
        "{error:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_token_no_header_can_hold_is_refused_by_build_or_is_invalid_request_and_never_sent() {
    // A bearer token read from a file with its newline: refused when the client is built, and
    // neither the message nor `Debug` shows it.
    let result = Client::builder()
        .base_url("http://127.0.0.1:9/api/v2")
        .bearer_token("secret-token\n")
        .build();
    let Err(error) = result else {
        panic!("a token with a line break was accepted")
    };
    assert!(matches!(error, BuildError::InvalidBearerToken), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("secret-token"));

    // The same from a provider is known only per call: an `InvalidRequest`, nothing sent.
    struct Newline;
    impl TokenProvider for Newline {
        fn token(&self) -> TokenFuture<'_> {
            Box::pin(async { Ok(SecretString::from("secret-token\n")) })
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ok())
        .expect(0)
        .mount(&server)
        .await;
    let error = update(&client_with(&server, Newline)).await.unwrap_err();
    let Error::InvalidRequest { operation, message } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*operation, "PATCH /resource-servers/{id}");
    assert!(
        message.starts_with("the request cannot be built: "),
        "{message}"
    );
    assert!(!format!("{error} {error:?}").contains("secret-token"));
    server.verify().await;
}
