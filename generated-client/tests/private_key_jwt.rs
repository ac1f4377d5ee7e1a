//! `private_key_jwt`: the client-credentials flow with a signed client assertion. A loopback
//! token endpoint verifies each assertion with the public key and Auth0's rules, and only then
//! hands out a token. Needs the `private-key-jwt` feature (on in `cargo test --workspace`).
#![cfg(feature = "private-key-jwt")]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use generated_client::types::UpdateResourceServerRequestContent;
use generated_client::{AssertionAlgorithm, BuildError, Client, RetryPolicy};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PRIVATE_KEY: &str = include_str!("keys/test-private.pem");
const PUBLIC_KEY: &str = include_str!("keys/test-public.pem");

/// A token endpoint that checks the assertion as Auth0 does, remembering each `jti`.
struct TokenEndpoint {
    audience: String,
    algorithm: Algorithm,
    seen: Mutex<BTreeSet<String>>,
}

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let form: BTreeMap<String, String> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        let refuse = |why: &str| {
            ResponseTemplate::new(401)
                .set_body_json(json!({ "error": "invalid_client", "error_description": why }))
        };
        if form.get("grant_type").map(String::as_str) != Some("client_credentials")
            || form.get("client_assertion_type").map(String::as_str)
                != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            || form.contains_key("client_secret")
        {
            return refuse("not a client assertion request");
        }
        let mut validation = Validation::new(self.algorithm);
        validation.set_audience(&[&self.audience]);
        validation.set_issuer(&["my-client"]);
        validation.sub = Some("my-client".to_owned());
        validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        let key = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
        let Some(assertion) = form.get("client_assertion") else {
            return refuse("no assertion");
        };
        let claims = match jsonwebtoken::decode::<serde_json::Value>(assertion, &key, &validation) {
            Ok(data) => data.claims,
            Err(error) => return refuse(&error.to_string()),
        };
        let (iat, exp) = (
            claims["iat"].as_u64().unwrap(),
            claims["exp"].as_u64().unwrap(),
        );
        if exp <= iat || exp - iat > 300 {
            return refuse("lifetime over 5 minutes");
        }
        let jti = claims["jti"].as_str().unwrap_or_default().to_owned();
        if jti.is_empty() || !self.seen.lock().unwrap().insert(jti) {
            return refuse("jti missing or reused");
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "signed-in", "token_type": "Bearer", "expires_in": 1
        }))
    }
}

async fn run(algorithm: AssertionAlgorithm, expected: Algorithm) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(TokenEndpoint {
            audience: format!("{}/", server.uri()),
            algorithm: expected,
            seen: Mutex::new(BTreeSet::new()),
        })
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(header("authorization", "Bearer signed-in"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "rs_1" })))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .private_key_jwt("my-client", PRIVATE_KEY, algorithm)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let body = UpdateResourceServerRequestContent::default();
    client.update_resource_server("rs_1", &body).await.unwrap();
    // The token lives 1 s, so it is refreshed halfway: a second assertion, with a new `jti`.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    client.update_resource_server("rs_1", &body).await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn an_rs256_assertion_is_verified_by_the_token_endpoint() {
    run(AssertionAlgorithm::Rs256, Algorithm::RS256).await;
}

#[tokio::test]
async fn a_ps256_assertion_is_verified_by_the_token_endpoint() {
    run(AssertionAlgorithm::Ps256, Algorithm::PS256).await;
}

#[test]
fn a_key_that_is_not_an_rsa_private_key_is_a_build_error() {
    let error = Client::builder()
        .base_url("https://example.com/api/v2")
        .private_key_jwt("my-client", PUBLIC_KEY, AssertionAlgorithm::Rs256)
        .build()
        .unwrap_err();
    assert!(matches!(&error, BuildError::InvalidKey(_)), "{error:?}");
}
