//! What `benches/roundtrip.rs` and `benches/inflight.rs` share: the request and answer bodies
//! (the same as `benches/codec.rs`'s), the hand-written call they are measured against, and a
//! loopback HTTP/1.1 server on hyper (keep-alive) answering `PATCH
//! /api/v2/resource-servers/{id}`.

#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use generated_client::types::{
    UpdateResourceServerRequestContent, UpdateResourceServerResponseContent,
};
use generated_client::Validate;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// The bearer token both sides send.
pub const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.bench.token";

/// The id of the resource server updated (Auth0's ids are 24 hex digits).
pub const ID: &str = "66f1e0b4c5a3a2e9d1f0b7c8";

/// The path of the update, under the server's root.
pub const PATH: &str = "/api/v2/resource-servers/66f1e0b4c5a3a2e9d1f0b7c8";

/// An RSA-2048 public key in PEM, the size Auth0 stores for token encryption.
const PEM: &str = "-----BEGIN PUBLIC KEY-----\r\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\r\n\
4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\r\n\
+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyeh\r\n\
kd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ\r\n\
0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdg\r\n\
cKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbc\r\n\
mwIDAQAB\r\n\
-----END PUBLIC KEY-----\r\n";

/// A full resource-server answer: every field the spec declares is set, with realistic sizes
/// (twelve scopes with descriptions, a 2048-bit PEM key, authorization details).
pub fn response_json() -> String {
    let scopes: Vec<serde_json::Value> = (0..12)
        .map(|i| {
            serde_json::json!({
                "value": format!("read:payments-{i}"),
                "description": format!("Read the payments of account group {i}, including refunds and disputes"),
            })
        })
        .collect();
    serde_json::json!({
        "id": ID,
        "name": "Payments API",
        "is_system": false,
        "identifier": "https://payments.example.com/api/v2/",
        "scopes": scopes,
        "signing_alg": "RS256",
        "signing_secret": "q8Jt0bF3xZkP2mW9vR6sL1yH4nD7cA5e",
        "allow_offline_access": true,
        "allow_online_access": false,
        "allow_online_access_with_ephemeral_sessions": false,
        "skip_consent_for_verifiable_first_party_clients": true,
        "token_lifetime": 86400,
        "token_lifetime_for_web": 7200,
        "enforce_policies": true,
        "token_dialect": "access_token_authz",
        "token_encryption": {
            "format": "compact-nested-jwe",
            "encryption_key": {
                "name": "payments-encryption-2025",
                "alg": "RSA-OAEP-256",
                "kid": "kid-8c2f0b9e4d1a",
                "pem": PEM,
            }
        },
        "consent_policy": "transactional-authorization-with-mfa",
        "authorization_details": [
            { "type": "payment_initiation", "locations": ["https://payments.example.com"] },
            { "type": "account_information", "actions": ["read", "list"] }
        ],
        "proof_of_possession": { "mechanism": "dpop", "required": true, "required_for": "public_clients" },
        "subject_type_authorization": {
            "user": { "policy": "require_client_grant" },
            "client": { "policy": "deny_all" }
        },
        "authorization_policy": { "policy_id": "pol_2xV9kq7LmN3pR8sT" },
        "client_id": "Fq1XoZ7sY2bK9mW4vT6rL3nH8cD5eA0g"
    })
    .to_string()
}

/// A full update request: every field set, every value valid.
pub fn update_request() -> UpdateResourceServerRequestContent {
    let mut value: serde_json::Value = serde_json::from_str(&response_json()).unwrap();
    let object = value.as_object_mut().unwrap();
    for read_only in [
        "id",
        "is_system",
        "identifier",
        "token_lifetime_for_web",
        "client_id",
    ] {
        object.remove(read_only);
    }
    object.insert("token_dialect".into(), "rfc9068_profile_authz".into());
    let request: UpdateResourceServerRequestContent = serde_json::from_value(value).unwrap();
    request.validate().unwrap();
    request
}

/// The hand-written call: the same method, URL, bearer header and JSON body bytes as
/// `update_resource_server`, the answer decoded into the same generated type; no validation,
/// no retries, no rate-limit bookkeeping, no tracing span.
pub async fn hand_written(
    http: &reqwest::Client,
    base_url: &str,
    body: &UpdateResourceServerRequestContent,
) -> UpdateResourceServerResponseContent {
    let response = http
        .patch(format!("{base_url}/resource-servers/{ID}"))
        .bearer_auth(TOKEN)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// A request as the server read it (for checking that both sides send the same).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: Bytes,
}

/// How the server answers: after `hold` resolves for each request (at once for the round-trip
/// bench), 200 with the resource-server JSON for `PATCH PATH`, 404 for anything else.
pub struct Server<H> {
    pub answer: Bytes,
    /// Every request is kept here when set (`Some`).
    pub seen: Mutex<Option<Vec<Seen>>>,
    /// Awaited before each answer, once the request body is read.
    pub hold: H,
}

/// Serves `server` on a loopback port of the current tokio runtime; returns the address.
pub async fn serve<H, F>(server: Arc<Server<H>>) -> SocketAddr
where
    H: Fn() -> F + Send + Sync + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let server = server.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let server = server.clone();
                    async move { Ok::<_, Infallible>(answer(&server, request).await) }
                });
                // HTTP/1.1 with keep-alive (hyper's default).
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

async fn answer<H, F>(server: &Server<H>, request: Request<Incoming>) -> Response<Full<Bytes>>
where
    H: Fn() -> F,
    F: Future<Output = ()>,
{
    let (head, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let header = |name: &str| {
        head.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if let Some(seen) = server.seen.lock().unwrap().as_mut() {
        seen.push(Seen {
            method: head.method.to_string(),
            path: head.uri.to_string(),
            authorization: header("authorization"),
            content_type: header("content-type"),
            body: body.clone(),
        });
    }
    (server.hold)().await;
    let found = head.method == hyper::Method::PATCH && head.uri.path() == PATH;
    let (status, body) = if found {
        (200, server.answer.clone())
    } else {
        (404, Bytes::from_static(b"{\"statusCode\":404}"))
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(Full::new(body))
        .unwrap()
}
