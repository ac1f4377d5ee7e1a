//! The generated types on the wire against a plain `serde` floor of the same shape, side by side.
//!
//! Hand-written (not generated; declared in the generated `Cargo.toml` through `Config::bench`).
//! Run with `cargo bench -p generated-client`: each criterion group measures `generated` and
//! `serde_floor` in the same run, and a last table times the two sides of every group in
//! alternating batches and prints the median of their per-round ratio, the number to quote.
//!
//! - `decode_response` / `encode_response`: a full resource-server answer, every field set.
//! - `encode_update_request`: an update request, every field set.
//! - `build_request`: what `update_resource_server` does before sending (validate, encode the path
//!   segment, serialize, build the `reqwest::Request`), against the same without validation.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use generated_client::types::*;
use generated_client::{encode_path_segment, Nullable, SecretString, Validate};
use serde::{Deserialize, Serialize};

/// The floor: plain `serde` structs, `Option<T>` with `skip_serializing_if` for every optional or
/// nullable field, `String` for every enum, no unknown-field map, no validation.
mod floor {
    use super::*;

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Scope {
        pub value: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct EncryptionKey {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        pub alg: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kid: Option<String>,
        pub pem: String,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct TokenEncryption {
        pub format: String,
        pub encryption_key: EncryptionKey,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct ProofOfPossession {
        pub mechanism: String,
        pub required: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub required_for: Option<String>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct Policy {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub policy: Option<String>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct SubjectTypeAuthorization {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub user: Option<Policy>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client: Option<Policy>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct AuthorizationPolicy {
        pub policy_id: String,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct ResourceServer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub is_system: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub identifier: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scopes: Option<Vec<Scope>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub signing_alg: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub signing_secret: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allow_offline_access: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allow_online_access: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allow_online_access_with_ephemeral_sessions: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub skip_consent_for_verifiable_first_party_clients: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_lifetime: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_lifetime_for_web: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub enforce_policies: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_dialect: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_encryption: Option<TokenEncryption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub consent_policy: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authorization_details: Option<Vec<serde_json::Value>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub proof_of_possession: Option<ProofOfPossession>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subject_type_authorization: Option<SubjectTypeAuthorization>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authorization_policy: Option<AuthorizationPolicy>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub client_id: Option<String>,
    }

    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct UpdateRequest {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub scopes: Option<Vec<Scope>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub signing_alg: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub signing_secret: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub skip_consent_for_verifiable_first_party_clients: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allow_offline_access: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allow_online_access: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub allow_online_access_with_ephemeral_sessions: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_lifetime: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_dialect: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub enforce_policies: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_encryption: Option<TokenEncryption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub consent_policy: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authorization_details: Option<Vec<serde_json::Value>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub proof_of_possession: Option<ProofOfPossession>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subject_type_authorization: Option<SubjectTypeAuthorization>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub authorization_policy: Option<AuthorizationPolicy>,
    }
}

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
fn response_json() -> String {
    let scopes: Vec<serde_json::Value> = (0..12)
        .map(|i| {
            serde_json::json!({
                "value": format!("read:payments-{i}"),
                "description": format!("Read the payments of account group {i}, including refunds and disputes"),
            })
        })
        .collect();
    serde_json::json!({
        "id": "66f1e0b4c5a3a2e9d1f0b7c8",
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
fn update_json() -> String {
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
    value.to_string()
}

fn decode_response(c: &mut Criterion) {
    let json = response_json();
    // Both sides parse the same bytes, and the generated type writes them back unchanged.
    let ours: UpdateResourceServerResponseContent = serde_json::from_str(&json).unwrap();
    assert_eq!(
        serde_json::to_value(&ours).unwrap(),
        serde_json::from_str::<serde_json::Value>(&json).unwrap()
    );
    let mut group = c.benchmark_group("decode_response");
    group.bench_function("generated", |b| {
        b.iter(|| {
            serde_json::from_str::<UpdateResourceServerResponseContent>(black_box(&json)).unwrap()
        })
    });
    group.bench_function("serde_floor", |b| {
        b.iter(|| serde_json::from_str::<floor::ResourceServer>(black_box(&json)).unwrap())
    });
    group.finish();
}

fn encode_response(c: &mut Criterion) {
    let json = response_json();
    let ours: UpdateResourceServerResponseContent = serde_json::from_str(&json).unwrap();
    let plain: floor::ResourceServer = serde_json::from_str(&json).unwrap();
    assert_eq!(
        serde_json::to_vec(&ours).unwrap().len(),
        serde_json::to_vec(&plain).unwrap().len()
    );
    let mut group = c.benchmark_group("encode_response");
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::to_vec(black_box(&ours)).unwrap())
    });
    group.bench_function("serde_floor", |b| {
        b.iter(|| serde_json::to_vec(black_box(&plain)).unwrap())
    });
    group.finish();
}

fn update_request() -> UpdateResourceServerRequestContent {
    let request: UpdateResourceServerRequestContent = serde_json::from_str(&update_json()).unwrap();
    // The fixture must be a full, valid request.
    assert!(matches!(request.token_encryption, Nullable::Value(_)));
    assert_eq!(
        request.signing_secret,
        Some(SecretString::from("q8Jt0bF3xZkP2mW9vR6sL1yH4nD7cA5e"))
    );
    request.validate().unwrap();
    request
}

fn encode_update_request(c: &mut Criterion) {
    let ours = update_request();
    let plain: floor::UpdateRequest = serde_json::from_str(&update_json()).unwrap();
    assert_eq!(
        serde_json::to_vec(&ours).unwrap(),
        serde_json::to_vec(&plain).unwrap()
    );
    let mut group = c.benchmark_group("encode_update_request");
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::to_vec(black_box(&ours)).unwrap())
    });
    group.bench_function("serde_floor", |b| {
        b.iter(|| serde_json::to_vec(black_box(&plain)).unwrap())
    });
    group.finish();
}

/// The request `update_resource_server` sends, built without sending it.
fn build(http: &reqwest::Client, id: &str, body: Vec<u8>) -> reqwest::Request {
    let url = format!(
        "https://tenant.example.com/api/v2/resource-servers/{}",
        encode_path_segment(id)
    );
    http.request(reqwest::Method::PATCH, url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .build()
        .unwrap()
}

fn build_request(c: &mut Criterion) {
    let ours = update_request();
    let plain: floor::UpdateRequest = serde_json::from_str(&update_json()).unwrap();
    let http = reqwest::Client::new();
    let id = "https://payments.example.com/api/v2/";
    let mut group = c.benchmark_group("build_request");
    group.bench_function("generated_validated", |b| {
        b.iter(|| {
            let body = black_box(&ours);
            body.validate().unwrap();
            build(&http, black_box(id), serde_json::to_vec(body).unwrap())
        })
    });
    group.bench_function("serde_floor_unvalidated", |b| {
        b.iter(|| {
            build(
                &http,
                black_box(id),
                serde_json::to_vec(black_box(&plain)).unwrap(),
            )
        })
    });
    group.bench_function("validate_only", |b| {
        b.iter(|| black_box(&ours).validate().unwrap())
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// Times `a` and `b` in alternating batches (`a` first in even rounds, `b` first in odd ones), so
/// both see the same machine load, and prints the median time of each and the median of the
/// per-round ratios `a / b`. Criterion measures one side after the other; on a shared, noisy
/// machine this paired ratio is the steadier number.
fn paired(name: &str, mut a: impl FnMut(), mut b: impl FnMut()) {
    const ROUNDS: usize = 41;
    const BATCH: u32 = 2_000;
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..BATCH {
            f();
        }
        start.elapsed().as_nanos() as f64 / f64::from(BATCH)
    };
    // Warm-up.
    time(&mut a);
    time(&mut b);
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (x, y) = if round % 2 == 0 {
            let x = time(&mut a);
            (x, time(&mut b))
        } else {
            let y = time(&mut b);
            (time(&mut a), y)
        };
        ta.push(x);
        tb.push(y);
        ratios.push(x / y);
    }
    println!(
        "{name:<24} {:>10.0} ns {:>10.0} ns {:>8.3}",
        median(&mut ta),
        median(&mut tb),
        median(&mut ratios)
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The paired, alternating comparison of every group (see [`paired`]).
fn paired_summary() {
    let json = response_json();
    let ours: UpdateResourceServerResponseContent = serde_json::from_str(&json).unwrap();
    let plain: floor::ResourceServer = serde_json::from_str(&json).unwrap();
    let request = update_request();
    let plain_request: floor::UpdateRequest = serde_json::from_str(&update_json()).unwrap();
    let http = reqwest::Client::new();
    let id = "https://payments.example.com/api/v2/";
    println!("\npaired, alternating (41 rounds of 2000 iterations; median per iteration)");
    println!(
        "{:<24} {:>13} {:>13} {:>8}",
        "group", "generated", "serde_floor", "ratio"
    );
    paired(
        "decode_response",
        || {
            black_box(
                serde_json::from_str::<UpdateResourceServerResponseContent>(black_box(&json))
                    .unwrap(),
            );
        },
        || {
            black_box(serde_json::from_str::<floor::ResourceServer>(black_box(&json)).unwrap());
        },
    );
    paired(
        "encode_response",
        || {
            black_box(serde_json::to_vec(black_box(&ours)).unwrap());
        },
        || {
            black_box(serde_json::to_vec(black_box(&plain)).unwrap());
        },
    );
    paired(
        "encode_update_request",
        || {
            black_box(serde_json::to_vec(black_box(&request)).unwrap());
        },
        || {
            black_box(serde_json::to_vec(black_box(&plain_request)).unwrap());
        },
    );
    paired(
        "build_request",
        || {
            let body = black_box(&request);
            body.validate().unwrap();
            black_box(build(
                &http,
                black_box(id),
                serde_json::to_vec(body).unwrap(),
            ));
        },
        || {
            black_box(build(
                &http,
                black_box(id),
                serde_json::to_vec(black_box(&plain_request)).unwrap(),
            ));
        },
    );
}

fn main() {
    let mut criterion = config().configure_from_args();
    decode_response(&mut criterion);
    encode_response(&mut criterion);
    encode_update_request(&mut criterion);
    build_request(&mut criterion);
    criterion.final_summary();
    // Not in `cargo test --benches` (which passes `--test`), nor when listing.
    let quick = std::env::args().any(|arg| arg == "--test" || arg == "--list");
    if !quick {
        paired_summary();
    }
}
