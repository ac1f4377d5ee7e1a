//! The in-memory fake (the `mock` feature) on loopback: the user-style
//! `ensure_resource_server` against it (both paths, and a creation that loses a race), and each
//! operation directly: create, read (by id and by the `x-fake-keys` identifier), list pages in
//! both answer shapes, update (absent kept, `null` cleared, a value replaced), delete, 404, 400
//! (nothing stored) and 409.
#![cfg(feature = "mock")]

mod common {
    pub mod ensure;
}

use std::time::Duration;

use common::ensure::{ensure_resource_server, Ensured};
use generated_client::mock::Fake;
use generated_client::params::ListResourceServersParams;
use generated_client::types::*;
use generated_client::{Error, Nullable};
use serde_json::{json, Value};

fn scope(value: &str) -> ResourceServerScope {
    ResourceServerScope::new(value)
}

fn new(identifier: &str) -> CreateResourceServerRequestContent {
    CreateResourceServerRequestContent {
        name: Some(format!("API {identifier}")),
        ..CreateResourceServerRequestContent::new(identifier)
    }
}

/// Sends `body` as it is (the client would refuse to send an invalid one).
async fn raw(fake: &Fake, method: &str, path: &str, body: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method.parse().unwrap(), format!("{}{path}", fake.uri()))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn ensure_creates_a_missing_resource_server_with_its_scopes() {
    let fake = Fake::start().await;
    let outcome = ensure_resource_server(
        &fake.client(),
        "https://payments.example.com/",
        "Payments",
        vec![scope("pay")],
    )
    .await
    .unwrap();
    assert_eq!(outcome, Ensured::Created);
    let stored = fake.resource_servers().all_json();
    assert_eq!(stored.len(), 1);
    let stored = &stored[0];
    assert_eq!(stored["identifier"], "https://payments.example.com/");
    assert_eq!(stored["name"], "Payments");
    assert_eq!(stored["scopes"], json!([{ "value": "pay" }]));
    assert_eq!(
        stored["signing_alg"], "HS256",
        "the spec's default is filled"
    );
    assert_eq!(stored["is_system"], false, "x-fake-assigned is set");
    assert_eq!(
        stored["id"].as_str().unwrap().len(),
        24,
        "an id is assigned"
    );
    // The identifier, percent-encoded as one path segment, finds it again.
    let again = ensure_resource_server(
        &fake.client(),
        "https://payments.example.com/",
        "Payments",
        vec![scope("pay")],
    )
    .await
    .unwrap();
    assert_eq!(again, Ensured::Unchanged);
}

#[tokio::test]
async fn ensure_updates_only_the_scopes_of_an_existing_one_and_keeps_the_rest() {
    let fake = Fake::start().await;
    let seeded = fake
        .resource_servers()
        .insert(&CreateResourceServerRequestContent {
            scopes: Some(vec![scope("read")]),
            token_lifetime: Some(7200),
            ..new("urn:payments")
        });
    let client = fake.client();
    let outcome = ensure_resource_server(&client, "urn:payments", "Ignored", vec![scope("pay")])
        .await
        .unwrap();
    assert_eq!(outcome, Ensured::UpdatedScopes);
    let stored = fake.resource_servers().get("urn:payments").unwrap();
    assert_eq!(stored.id, seeded.id);
    assert_eq!(stored.scopes, Some(vec![scope("pay")]));
    assert_eq!(
        stored.name.as_deref(),
        Some("API urn:payments"),
        "the name is kept"
    );
    assert_eq!(stored.token_lifetime, Some(7200));
    let again = ensure_resource_server(&client, "urn:payments", "Ignored", vec![scope("pay")])
        .await
        .unwrap();
    assert_eq!(again, Ensured::Unchanged);
    assert_eq!(fake.resource_servers().all().len(), 1);
}

#[tokio::test]
async fn two_concurrent_ensures_create_once_and_the_loser_updates_after_its_409() {
    let fake = Fake::start().await;
    // Each answer is decided on arrival and sent 300 ms later: both reads see no resource
    // server, so both tasks create, and the second create meets the first's identifier.
    fake.set_delay(Duration::from_millis(300));
    let client = fake.client();
    let (a, b) = tokio::join!(
        ensure_resource_server(&client, "urn:race", "Race", vec![scope("a")]),
        ensure_resource_server(&client, "urn:race", "Race", vec![scope("b")]),
    );
    let mut outcomes = vec![a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(outcomes, [Ensured::Created, Ensured::UpdatedScopes]);
    let stored = fake.resource_servers().all();
    assert_eq!(stored.len(), 1, "one resource server, not two");
}

#[tokio::test]
async fn create_then_read_by_id_and_by_identifier() {
    let fake = Fake::start().await;
    let client = fake.client();
    let created = client.create_resource_server(&new("urn:a")).await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let created = created.into_inner();
    let id = created.id.clone().unwrap();
    assert_eq!(created.signing_alg, Some(SigningAlgorithmEnum::Hs256));
    let by_id = client
        .get_resource_server(&id, &Default::default())
        .await
        .unwrap()
        .into_inner();
    let by_identifier = client
        .get_resource_server("urn:a", &Default::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(by_id, by_identifier);
    assert_eq!(by_id.identifier.as_deref(), Some("urn:a"));
}

#[tokio::test]
async fn list_pages_as_an_array_or_with_totals() {
    let fake = Fake::start().await;
    for i in 0..5 {
        fake.resource_servers().insert(&new(&format!("urn:{i}")));
    }
    let client = fake.client();
    let page = client
        .list_resource_servers(&ListResourceServersParams {
            page: Some(1),
            per_page: Some(2),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ListResourceServerResponseContent::ResourceServerList(items) = page else {
        panic!("an array without include_totals: {page:?}");
    };
    let identifiers: Vec<_> = items
        .iter()
        .map(|r| r.identifier.clone().unwrap())
        .collect();
    assert_eq!(identifiers, ["urn:2", "urn:3"]);

    let page = client
        .list_resource_servers(&ListResourceServersParams {
            page: Some(2),
            per_page: Some(2),
            include_totals: Some(true),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let ListResourceServerResponseContent::ListResourceServerOffsetPaginatedResponseContent(page) =
        page
    else {
        panic!("the object with include_totals: {page:?}");
    };
    assert_eq!(page.total, Some(5.0));
    assert_eq!(page.start, Some(4.0));
    assert_eq!(page.limit, Some(2.0));
    assert_eq!(page.resource_servers.unwrap().len(), 1);

    let all = client
        .list_resource_servers_pages(ListResourceServersParams {
            per_page: Some(2),
            ..Default::default()
        })
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 5, "the pages walker reads every page");

    let (status, body) = raw(&fake, "GET", "/resource-servers?per_page=101", "").await;
    assert_eq!(status, 400, "per_page is at most 100: {body}");
}

#[tokio::test]
async fn update_keeps_absent_fields_clears_null_ones_and_replaces_values() {
    let fake = Fake::start().await;
    let seeded = fake
        .resource_servers()
        .insert(&CreateResourceServerRequestContent {
            scopes: Some(vec![scope("a"), scope("b")]),
            token_lifetime: Some(3600),
            consent_policy: Nullable::Value(
                ResourceServerConsentPolicyEnum::TransactionalAuthorizationWithMfa,
            ),
            ..new("urn:u")
        });
    let id = seeded.id.unwrap();
    let client = fake.client();
    let updated = client
        .update_resource_server(
            &id,
            &UpdateResourceServerRequestContent {
                scopes: Some(vec![scope("c")]),
                consent_policy: Nullable::Null,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.status().as_u16(), 201, "the spec's success status");
    let stored = fake.resource_servers().get_json(&id).unwrap();
    assert_eq!(
        stored["scopes"],
        json!([{ "value": "c" }]),
        "a value replaces (arrays whole)"
    );
    assert!(
        stored.get("consent_policy").is_none(),
        "null clears: {stored}"
    );
    assert_eq!(stored["token_lifetime"], 3600, "an absent field is kept");
    assert_eq!(stored["name"], "API urn:u");
    assert_eq!(stored["id"], id.as_str(), "the id is kept");

    let (status, _) = raw(
        &fake,
        "PATCH",
        &format!("/resource-servers/{id}"),
        r#"{"is_system":true}"#,
    )
    .await;
    assert_eq!(
        status, 400,
        "is_system is no field of the (closed) update request"
    );
    assert_eq!(
        fake.resource_servers().get_json(&id).unwrap()["is_system"],
        false
    );
}

#[tokio::test]
async fn delete_then_read_and_delete_again_are_404_with_the_error_body() {
    let fake = Fake::start().await;
    let id = fake.resource_servers().insert(&new("urn:d")).id.unwrap();
    let client = fake.client();
    let deleted = client.delete_resource_server(&id).await.unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    assert!(fake.resource_servers().all().is_empty());

    let error = client
        .get_resource_server(&id, &Default::default())
        .await
        .unwrap_err();
    let Error::Api(api) = error else {
        panic!("an API error: {error:?}")
    };
    let GetResourceServerError::NotFound(Some(body)) = &api.body else {
        panic!("a typed 404: {:?}", api.body)
    };
    assert_eq!(body.status_code, 404);
    assert_eq!(body.error, "Not Found");
    assert!(body.message.contains(&id), "{}", body.message);

    let error = client.delete_resource_server(&id).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let (status, _) = raw(&fake, "PATCH", "/resource-servers/nothing", "{}").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn an_invalid_body_is_400_and_stores_nothing() {
    let fake = Fake::start().await;
    for body in [
        r#"{"identifier":""}"#,
        r#"{"name":"no identifier"}"#,
        r#"{"identifier":"urn:x","name":"<b>"}"#,
        r#"{"identifier":"urn:x","unknown":1}"#,
        "not json",
    ] {
        let (status, error) = raw(&fake, "POST", "/resource-servers", body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error["statusCode"], 400, "{error}");
        assert_eq!(error["error"], "Bad Request");
    }
    assert!(fake.resource_servers().all().is_empty());
    let id = fake.resource_servers().insert(&new("urn:v")).id.unwrap();
    let (status, _) = raw(
        &fake,
        "PATCH",
        &format!("/resource-servers/{id}"),
        r#"{"token_lifetime":"long"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(fake
        .resource_servers()
        .get_json(&id)
        .unwrap()
        .get("token_lifetime")
        .is_none());
}

#[tokio::test]
async fn a_second_create_with_the_same_identifier_is_409() {
    let fake = Fake::start().await;
    let client = fake.client();
    client
        .create_resource_server(&new("urn:twice"))
        .await
        .unwrap();
    let error = client
        .create_resource_server(&new("urn:twice"))
        .await
        .unwrap_err();
    let Error::Api(api) = error else {
        panic!("an API error: {error:?}")
    };
    assert!(
        matches!(&api.body, CreateResourceServerError::Conflict(Some(body)) if body.status_code == 409),
        "{:?}",
        api.body
    );
    assert_eq!(fake.resource_servers().all().len(), 1);
}
