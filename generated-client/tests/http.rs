//! The client against a real HTTP server on loopback (wiremock): what goes out, and how every
//! kind of answer comes back.

use generated_client::types::*;
use generated_client::{
    BuildError, Client, Error, Nullable, ResponseValue, RetryPolicy, SecretString,
};
use serde_json::json;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.secret-token";

/// A client of `server` with the default retry policy, but a 10 ms backoff so tests stay fast.
async fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .bearer_token(TOKEN)
        .retry(RetryPolicy::default().base_delay(std::time::Duration::from_millis(10)))
        .build()
        .unwrap()
}

/// Sends an empty update to a server that answers every PATCH with `template`.
async fn update_answered_by(
    template: ResponseTemplate,
) -> Result<ResponseValue<UpdateResourceServerResponseContent>, Error<UpdateResourceServerError>> {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(template)
        .mount(&server)
        .await;
    client(&server)
        .await
        .update_resource_server("rs_1", &Default::default())
        .await
}

fn answer() -> serde_json::Value {
    json!({ "id": "rs_1", "identifier": "https://api.example.com/", "name": "Payments", "token_lifetime": 3600 })
}

#[tokio::test]
async fn sends_patch_with_encoded_audience_token_and_exact_body() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(
            "/api/v2/resource-servers/https%3A%2F%2Fapi.example.com%2F",
        ))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({ "name": "Payments", "token_encryption": null, "scopes": [] }),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer()))
        .expect(1)
        .mount(&server)
        .await;
    let body = UpdateResourceServerRequestContent {
        name: Some("Payments".to_owned()),
        token_encryption: Nullable::Null,
        scopes: Some(vec![]),
        ..Default::default()
    };
    let updated = client(&server)
        .await
        .update_resource_server("https://api.example.com/", &body)
        .await
        .unwrap();
    assert_eq!(updated.id.as_deref(), Some("rs_1"));
    assert_eq!(updated.token_lifetime, Some(3600));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.path(),
        "/api/v2/resource-servers/https%3A%2F%2Fapi.example.com%2F"
    );
    let user_agent = requests[0]
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(user_agent.starts_with("generated-client/"), "{user_agent}");
}

#[tokio::test]
async fn path_parameters_are_one_segment_whatever_they_hold() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(answer()))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let body = UpdateResourceServerRequestContent::default();
    for id in ["a b/c?d#e%f", "ünï", "plain-id_1.2~x*'()!"] {
        client.update_resource_server(id, &body).await.unwrap();
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r: &Request| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/v2/resource-servers/a%20b%2Fc%3Fd%23e%25f",
            "/api/v2/resource-servers/%C3%BCn%C3%AF",
            "/api/v2/resource-servers/plain-id_1.2~x*'()!",
        ]
    );
    // A URL parser drops `.` and `..` segments (encoded or not), and an empty id would address
    // the collection: these are refused before sending.
    for id in ["", ".", ".."] {
        let result = client.update_resource_server(id, &body).await;
        let Err(Error::Validation(error)) = &result else {
            panic!("{id:?}: expected a validation error, got {result:?}")
        };
        assert_eq!(error.violations[0].path, "id");
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn any_2xx_gives_the_resource_server() {
    let updated = update_answered_by(ResponseTemplate::new(201).set_body_json(answer()))
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("Payments"));
}

#[tokio::test]
async fn error_statuses_carry_status_body_and_headers() {
    for (status, error, message) in [
        (
            400,
            "Bad Request",
            "Payload validation error: 'String is too long (201 chars)'",
        ),
        (401, "Unauthorized", "Invalid token"),
        (
            403,
            "Forbidden",
            "Insufficient scope, expected any of: update:resource_servers",
        ),
        (
            409,
            "Conflict",
            "A resource server with the same identifier already exists",
        ),
    ] {
        let body = json!({ "statusCode": status, "error": error, "message": message, "errorCode": "some_code" });
        let result = update_answered_by(ResponseTemplate::new(status).set_body_json(body)).await;
        let Err(Error::Api(api)) = result else {
            panic!("{status}: expected an API error, got {result:?}")
        };
        assert_eq!(api.status.as_u16(), status);
        // The error is typed by status: each declared status has its own variant.
        let parsed = match (status, &api.body) {
            (400, UpdateResourceServerError::BadRequest(Some(parsed)))
            | (401, UpdateResourceServerError::Unauthorized(Some(parsed)))
            | (403, UpdateResourceServerError::Forbidden(Some(parsed)))
            | (409, UpdateResourceServerError::Conflict(Some(parsed))) => parsed,
            (_, other) => panic!("{status}: wrong variant or unparsed body: {other:?}"),
        };
        assert_eq!(parsed.status_code, i64::from(status));
        assert_eq!(parsed.error, error);
        assert_eq!(parsed.message, message);
        assert_eq!(parsed.error_code.as_deref(), Some("some_code"));
        let shown = Error::Api(api).to_string();
        assert!(
            shown.contains(&status.to_string()) && shown.contains(message),
            "{shown}"
        );
        assert!(shown.contains("PATCH /resource-servers/{id}"), "{shown}");
    }
}

#[tokio::test]
async fn too_many_requests_carries_the_rate_limit() {
    let result = update_answered_by(
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-limit", "50")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", "1767225600")
            .set_body_json(json!({ "statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached" })),
    )
    .await;
    let Err(Error::Api(api)) = result else {
        panic!("expected an API error, got {result:?}")
    };
    assert_eq!(api.status.as_u16(), 429);
    let limit = api.rate_limit.expect("rate-limit headers");
    assert_eq!(
        (limit.limit, limit.remaining, limit.reset),
        (Some(50), Some(0), Some(1_767_225_600))
    );
    let UpdateResourceServerError::TooManyRequests(Some(body)) = &api.body else {
        panic!("expected a typed 429, got {:?}", api.body)
    };
    assert_eq!(body.error_code, None);
    assert!(Error::Api(api).to_string().contains("1767225600"));
}

#[tokio::test]
async fn an_error_body_that_is_not_json_is_kept_as_text() {
    let result =
        update_answered_by(ResponseTemplate::new(502).set_body_string("<html>Bad gateway</html>"))
            .await;
    let Err(Error::Api(api)) = result else {
        panic!("expected an API error, got {result:?}")
    };
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(api.body, UpdateResourceServerError::Other(None));
    assert_eq!(api.raw, "<html>Bad gateway</html>");
}

/// A 3xx without a `Location` is not followed: it is an error answer the spec does not declare,
/// which is how a mock answers `default` when every 4xx and 5xx is declared.
#[tokio::test]
async fn a_redirect_without_location_is_an_undeclared_error_answer() {
    let result =
        update_answered_by(ResponseTemplate::new(300).set_body_json(json!({"why": "choose"})))
            .await;
    let Err(Error::Api(api)) = result else {
        panic!("expected an API error, got {result:?}")
    };
    assert_eq!(api.status.as_u16(), 300);
    assert_eq!(
        api.body,
        UpdateResourceServerError::Other(Some(json!({"why": "choose"})))
    );
}

#[tokio::test]
async fn malformed_json_in_a_2xx_is_an_error_not_a_panic() {
    let result =
        update_answered_by(ResponseTemplate::new(200).set_body_string("{\"id\": \"rs_1\", ")).await;
    let Err(Error::Decode { status, body, .. }) = &result else {
        panic!("expected a decode error, got {result:?}")
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(body, "{\"id\": \"rs_1\", ");
}

#[tokio::test]
async fn an_invalid_request_is_never_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(answer()))
        .expect(0)
        .mount(&server)
        .await;
    let body = UpdateResourceServerRequestContent {
        name: Some("<bad>".to_owned()),
        token_lifetime: Some(-5),
        ..Default::default()
    };
    let result = client(&server)
        .await
        .update_resource_server("rs_1", &body)
        .await;
    let Err(Error::Validation(error)) = &result else {
        panic!("expected a validation error, got {result:?}")
    };
    let paths: Vec<&str> = error.violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["name", "token_lifetime"]);
    assert!(result
        .unwrap_err()
        .to_string()
        .starts_with("request not sent: 2 invalid fields"));
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v2", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder()
        .base_url(url)
        .bearer_token(TOKEN)
        .retry(RetryPolicy::default().base_delay(std::time::Duration::from_millis(10)))
        .build()
        .unwrap();
    let result = client
        .update_resource_server("rs_1", &Default::default())
        .await;
    assert!(matches!(result, Err(Error::Connect { .. })), "{result:?}");
}

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(answer())
                .set_delay(std::time::Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let result = client
        .update_resource_server("rs_1", &Default::default())
        .await;
    let Err(error @ Error::Timeout { .. }) = result else {
        panic!("expected a timeout, got {result:?}")
    };
    assert_eq!(
        error.to_string(),
        "PATCH /resource-servers/{id}: no answer within the timeout"
    );
}

#[tokio::test]
async fn debug_output_never_shows_the_token_or_signing_secret() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(400).set_body_json(
                json!({ "statusCode": 400, "error": "Bad Request", "message": "no" }),
            ),
        )
        .mount(&server)
        .await;
    let client = client(&server).await;
    let body = UpdateResourceServerRequestContent {
        signing_secret: Some(SecretString::from("signing-secret-0123456789")),
        ..Default::default()
    };
    let error = client
        .update_resource_server("rs_1", &body)
        .await
        .unwrap_err();
    let builder = Client::builder().bearer_token(TOKEN);
    let shown = format!("{client:?} {client:#?} {body:?} {error:?} {error} {builder:?}");
    assert!(
        !shown.contains("secret-token") && !shown.contains("signing-secret-0123"),
        "{shown}"
    );
    // The token was sent all the same.
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        sent.headers.get("authorization").unwrap(),
        &format!("Bearer {TOKEN}")
    );
}

#[tokio::test]
async fn an_answer_errors_keep_has_its_signing_secret_redacted() {
    // A 2xx answer that does not decode (`token_lifetime` is not an integer) but holds the
    // secret; an error answer that echoes it; and one that is not JSON but names the field.
    let secret = "signing-secret-0123456789";
    let answers = [
        ResponseTemplate::new(200).set_body_json(
            json!({ "id": "rs_1", "signing_secret": secret, "token_lifetime": "a day" }),
        ),
        ResponseTemplate::new(409).set_body_json(
            json!({ "statusCode": 409, "echo": [{ "signing_secret": secret }], "message": "no" }),
        ),
        ResponseTemplate::new(200).set_body_string(format!("\"signing_secret\": {secret}")),
    ];
    for (i, answer) in answers.into_iter().enumerate() {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(answer).mount(&server).await;
        let error = client(&server)
            .await
            .get_resource_server("rs_1", &Default::default())
            .await
            .unwrap_err();
        let kept = match &error {
            Error::Decode { body, .. } => body,
            Error::Api(api) => &api.raw,
            other => panic!("{i}: {other:?}"),
        };
        let shown = format!("{error:?} {error:#?} {error}");
        assert!(
            !shown.contains(secret) && !kept.contains(secret),
            "{i}: {shown}"
        );
        match i {
            2 => assert_eq!(
                kept,
                "<43 bytes, not shown: not JSON, and they name a secret field>"
            ),
            _ => assert!(
                kept.contains(r#""signing_secret":"<redacted>""#),
                "{i}: {kept}"
            ),
        }
    }
    // A body that names no secret field is kept as it came.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_string("{ \"message\" : \"gone\" }"))
        .mount(&server)
        .await;
    let error = client(&server)
        .await
        .get_resource_server("rs_1", &Default::default())
        .await
        .unwrap_err();
    let Error::Api(api) = error else {
        panic!("{error:?}")
    };
    assert_eq!(api.raw, "{ \"message\" : \"gone\" }");
}

#[test]
fn building_from_a_tenant_domain_or_a_base_url() {
    let client = Client::builder()
        .tenant_domain("my-tenant.eu.auth0.com")
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://my-tenant.eu.auth0.com/api/v2");
    let client = Client::builder()
        .base_url("http://127.0.0.1:8080/api/v2/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080/api/v2");

    assert!(matches!(
        Client::builder().build(),
        Err(BuildError::MissingServerVariable("tenantDomain"))
    ));
    for bad in ["https://my-tenant.auth0.com", "my-tenant.auth0.com/api", ""] {
        let result = Client::builder().tenant_domain(bad).build();
        assert!(
            matches!(result, Err(BuildError::InvalidServerVariable { .. })),
            "{bad}: {result:?}"
        );
    }
    let result = Client::builder().base_url("ftp://example.com").build();
    assert!(
        matches!(result, Err(BuildError::InvalidBaseUrl { .. })),
        "{result:?}"
    );
}
