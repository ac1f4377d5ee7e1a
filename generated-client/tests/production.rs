//! What a production client needs, against real servers on loopback: retries and their waits,
//! rate-limit state, client-credentials tokens (fetched once, shared, refreshed), and many
//! concurrent calls through one client.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use generated_client::types::{
    DeleteResourceServerError, UpdateResourceServerError, UpdateResourceServerRequestContent,
};
use generated_client::{Client, Error, RetryPolicy};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "id": "rs_1", "name": "Payments" }))
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(10))
}

fn client_of(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .bearer_token("token")
        .retry(retry)
        .build()
        .unwrap()
}

async fn update(
    client: &Client,
) -> Result<
    generated_client::ResponseValue<generated_client::types::UpdateResourceServerResponseContent>,
    Error<UpdateResourceServerError>,
> {
    client
        .update_resource_server("rs_1", &UpdateResourceServerRequestContent::default())
        .await
}

/// A server that answers the first `times` PATCHes with `first`, and every later one with 200.
async fn answering_first(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ok())
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Answers the n-th request with the n-th template (the last one from then on), and notes when
/// each request arrived.
struct Sequence {
    answers: Vec<ResponseTemplate>,
    arrivals: Arc<Mutex<Vec<SystemTime>>>,
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push(SystemTime::now());
        self.answers[(arrivals.len() - 1).min(self.answers.len() - 1)].clone()
    }
}

/// A server that answers DELETEs with `answers` in turn, and the times the DELETEs arrived.
async fn answering_deletes(
    answers: Vec<ResponseTemplate>,
) -> (MockServer, Arc<Mutex<Vec<SystemTime>>>) {
    let server = MockServer::start().await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("DELETE"))
        .respond_with(Sequence {
            answers,
            arrivals: arrivals.clone(),
        })
        .mount(&server)
        .await;
    (server, arrivals)
}

fn now_unix() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap()
}

/// Deletes `rs_1` through a client with a fast backoff (10 ms), so that only a wait the server
/// asks for can take a second; a call that takes 10 s has waited for something else.
async fn delete_with_fast_backoff(
    server: &MockServer,
) -> Result<(), Error<DeleteResourceServerError>> {
    let client = client_of(server, fast_retries());
    tokio::time::timeout(
        Duration::from_secs(10),
        client.delete_resource_server("rs_1"),
    )
    .await
    .expect("the call waited longer than anything it was asked to")
    .map(|_| ())
}

/// The wait between the first and the second request.
fn first_wait(arrivals: &Mutex<Vec<SystemTime>>) -> Duration {
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2, "one retry");
    arrivals[1].duration_since(arrivals[0]).unwrap()
}

#[tokio::test]
async fn too_many_requests_waits_until_the_reset_then_succeeds() {
    // At least a second ahead: the backoff (10 ms) cannot cover the wait by chance. (How long
    // after the first request the retry came is not bounded below: the first may arrive a few
    // milliseconds less than a second before the reset.)
    let reset = now_unix().as_secs() + 2;
    let limited = ResponseTemplate::new(429)
        .insert_header("x-ratelimit-limit", "10")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-reset", reset.to_string().as_str());
    let (server, arrivals) = answering_deletes(vec![limited, ResponseTemplate::new(204)]).await;
    delete_with_fast_backoff(&server).await.unwrap();
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2, "one retry");
    let retried_at = arrivals[1];
    assert!(
        retried_at >= UNIX_EPOCH + Duration::from_secs(reset),
        "retried before the reset: {:?} < {reset}",
        retried_at.duration_since(UNIX_EPOCH).unwrap()
    );
}

#[tokio::test]
async fn retry_after_in_seconds_is_waited_for() {
    let busy = ResponseTemplate::new(503).insert_header("retry-after", "1");
    let (server, arrivals) = answering_deletes(vec![busy, ResponseTemplate::new(204)]).await;
    delete_with_fast_backoff(&server).await.unwrap();
    assert!(first_wait(&arrivals) >= Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() {
    // HTTP dates have whole seconds: two ahead is at least one ahead.
    let at = UNIX_EPOCH + Duration::from_secs(now_unix().as_secs() + 2);
    let limited = ResponseTemplate::new(429)
        .insert_header("retry-after", httpdate::fmt_http_date(at).as_str());
    let (server, arrivals) = answering_deletes(vec![limited, ResponseTemplate::new(204)]).await;
    delete_with_fast_backoff(&server).await.unwrap();
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2, "one retry");
    let retried_at = arrivals[1];
    assert!(
        retried_at >= at,
        "retried before the date: {retried_at:?} < {at:?}"
    );
}

#[tokio::test]
async fn retry_after_wins_over_the_reset_header() {
    // Retry-After says 1 s, the reset is 30 s away: waiting for the reset fails the timeout.
    let reset = now_unix().as_secs() + 30;
    let limited = ResponseTemplate::new(429)
        .insert_header("retry-after", "1")
        .insert_header("x-ratelimit-reset", reset.to_string().as_str());
    let (server, arrivals) = answering_deletes(vec![limited, ResponseTemplate::new(204)]).await;
    delete_with_fast_backoff(&server).await.unwrap();
    let waited = first_wait(&arrivals);
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
}

#[tokio::test]
async fn a_request_timeout_answer_is_retried() {
    let (server, arrivals) =
        answering_deletes(vec![ResponseTemplate::new(408), ResponseTemplate::new(204)]).await;
    delete_with_fast_backoff(&server).await.unwrap();
    assert_eq!(arrivals.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let server = answering_first(ResponseTemplate::new(503), 2).await;
    let updated = update(&client_of(&server, fast_retries())).await.unwrap();
    assert_eq!(updated.status().as_u16(), 200);
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn endless_rate_limiting_gives_up_with_the_last_answer() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({ "statusCode": 429, "error": "Too Many Requests", "message": "slow down" })),
        )
        .mount(&server)
        .await;
    let result = update(&client_of(&server, fast_retries().max_retries(3))).await;
    let Err(Error::Api(api)) = result else {
        panic!("expected the last 429, got {result:?}")
    };
    assert_eq!(api.status.as_u16(), 429);
    let UpdateResourceServerError::TooManyRequests(Some(body)) = &api.body else {
        panic!("expected a typed 429, got {:?}", api.body)
    };
    assert_eq!(body.message, "slow down");
    assert_eq!(requests(&server).await, 4, "the first try and 3 retries");
}

#[tokio::test]
async fn other_client_errors_are_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&server)
        .await;
    assert!(update(&client_of(&server, fast_retries())).await.is_err());
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn retries_can_be_turned_off_per_client_and_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_of(&server, fast_retries());
    assert!(update(&client.with_retry(RetryPolicy::none()))
        .await
        .is_err());
    assert_eq!(requests(&server).await, 1);
    assert!(update(&client_of(
        &server,
        fast_retries().retry_server_errors(false)
    ))
    .await
    .is_err());
    assert_eq!(requests(&server).await, 2);
    assert!(update(&client).await.is_err());
    assert_eq!(
        requests(&server).await,
        5,
        "the client itself still retries twice"
    );
}

#[tokio::test]
async fn a_connection_dropped_mid_answer_is_retried() {
    // A bare server: the first connection gets half an answer and is closed, the second a whole one.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        for attempt in 0..2 {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buffer = vec![0; 64 * 1024];
            let _ = socket.read(&mut buffer).await.unwrap();
            let answer: &[u8] = if attempt == 0 {
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"id\": \"rs"
            } else {
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 14\r\nconnection: close\r\n\r\n{\"id\": \"rs_1\"}"
            };
            socket.write_all(answer).await.unwrap();
            socket.shutdown().await.unwrap();
        }
    });
    let client = Client::builder()
        .base_url(format!("http://{address}/api/v2"))
        .bearer_token("token")
        .retry(fast_retries())
        .build()
        .unwrap();
    let result = tokio::time::timeout(Duration::from_secs(10), update(&client))
        .await
        .unwrap();
    assert_eq!(result.unwrap().id.as_deref(), Some("rs_1"));
    server.await.unwrap();
}

#[tokio::test]
async fn rate_limit_state_is_readable_on_success() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(
            ok().insert_header("x-ratelimit-limit", "50")
                .insert_header("x-ratelimit-remaining", "49")
                .insert_header("x-ratelimit-reset", "1767225600"),
        )
        .mount(&server)
        .await;
    let updated = update(&client_of(&server, fast_retries())).await.unwrap();
    let limit = updated.rate_limit().unwrap();
    assert_eq!(
        (limit.limit, limit.remaining, limit.reset),
        (Some(50), Some(49), Some(1_767_225_600))
    );
    // The answer still serializes as the resource server alone.
    assert_eq!(
        serde_json::to_value(&updated).unwrap(),
        json!({ "id": "rs_1", "name": "Payments" })
    );
}

/// Decodes an `application/x-www-form-urlencoded` body.
fn form(body: &[u8]) -> BTreeMap<String, String> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .unwrap()
            .into_owned()
    };
    std::str::from_utf8(body)
        .unwrap()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn credentials_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .client_credentials("my-client-id", "my-client-secret")
        .retry(fast_retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn client_credentials_fetch_one_token_for_many_concurrent_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    json!({ "access_token": "tok-1", "expires_in": 86400, "token_type": "Bearer" }),
                )
                .set_delay(Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ok())
        .mount(&server)
        .await;

    let client = credentials_client(&server);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { update(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    update(&client).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let token_request = requests
        .iter()
        .find(|r| r.url.path() == "/oauth/token/")
        .unwrap();
    let sent = form(&token_request.body);
    assert_eq!(sent["grant_type"], "client_credentials");
    assert_eq!(sent["client_id"], "my-client-id");
    assert_eq!(sent["client_secret"], "my-client-secret");
    assert_eq!(sent["audience"], format!("{}/api/v2/", server.uri()));
    assert!(!format!("{client:?}").contains("my-client-secret"));
}

#[tokio::test]
async fn client_credentials_refresh_an_expired_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "access_token": "tok-1", "expires_in": 4 })),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "access_token": "tok-2", "expires_in": 86400 })),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ok())
        .mount(&server)
        .await;

    // A 4 s token is refreshed halfway, 2 s after it was fetched: the second call has 2 s to
    // find it fresh, however busy the machine.
    let client = credentials_client(&server);
    update(&client).await.unwrap();
    let fetched_before = Instant::now();
    update(&client).await.unwrap(); // still fresh: no fetch
    let second_call = fetched_before.elapsed();
    // Past the refresh point, counted from after the first call (after the fetch).
    tokio::time::sleep_until((fetched_before + Duration::from_millis(2100)).into()).await;
    update(&client).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let tokens: Vec<&str> = requests
        .iter()
        .filter(|r| r.method.as_str() == "PATCH")
        .map(|r| r.headers.get("authorization").unwrap().to_str().unwrap())
        .collect();
    assert_eq!(
        tokens,
        ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"],
        "the second call took {second_call:?}"
    );
}

#[tokio::test]
async fn a_refused_token_request_is_a_clear_error_and_nothing_reaches_the_api() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token/"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({ "error": "access_denied", "error_description": "Unauthorized" }),
        ))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ok())
        .expect(0)
        .mount(&server)
        .await;
    let result = update(&credentials_client(&server)).await;
    let Err(error @ Error::Authentication { .. }) = result else {
        panic!("expected an authentication error, got {result:?}")
    };
    let shown = error.to_string();
    assert!(
        shown.contains("refused the client credentials")
            && shown.contains("401")
            && shown.contains("access_denied"),
        "{shown}"
    );
    assert!(
        !shown.contains("my-client-secret") && !format!("{error:?}").contains("my-client-secret")
    );
}

/// Answers a PATCH with the resource server it names: the id from its path, the name from its
/// body, after a delay that differs from one request to the next (so answers come back out of
/// order).
struct Echo;

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let id = request.url.path().rsplit('/').next().unwrap().to_owned();
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let n: u64 = id.trim_start_matches("rs_").parse().unwrap_or(0);
        ResponseTemplate::new(200)
            .set_body_json(json!({ "id": id, "name": body["name"] }))
            .set_delay(Duration::from_millis((n * 37) % 50))
    }
}

#[tokio::test]
async fn a_hundred_concurrent_updates_through_one_client() {
    fn shareable<T: Clone + Send + Sync + 'static>(_: &T) {}
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(Echo)
        .expect(100)
        .mount(&server)
        .await;
    let client = client_of(&server, fast_retries());
    shareable(&client);
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let body = UpdateResourceServerRequestContent {
                    name: Some(format!("api {i}")),
                    ..Default::default()
                };
                client
                    .update_resource_server(&format!("rs_{i}"), &body)
                    .await
            })
        })
        .collect();
    // Each call got the answer to its own request.
    for (i, call) in calls.into_iter().enumerate() {
        let updated = call.await.unwrap().unwrap();
        let expected_id = format!("rs_{i}");
        let expected_name = format!("api {i}");
        assert_eq!(
            (updated.id.as_deref(), updated.name.as_deref()),
            (Some(expected_id.as_str()), Some(expected_name.as_str()))
        );
    }
}

#[tokio::test]
async fn an_api_error_keeps_the_headers_of_the_last_answer() {
    let answer = |attempt: &str| {
        ResponseTemplate::new(503)
            .insert_header("x-request-id", format!("req-{attempt}").as_str())
            .insert_header("x-ratelimit-remaining", "7")
    };
    let (server, _) = answering_deletes(vec![answer("1"), answer("2"), answer("3")]).await;
    let Err(Error::Api(api)) = delete_with_fast_backoff(&server).await else {
        panic!("expected the last 503")
    };
    assert_eq!(requests(&server).await, 3, "the first try and 2 retries");
    assert_eq!(api.headers["x-request-id"], "req-3");
    assert_eq!(api.headers["x-ratelimit-remaining"], "7");
    assert_eq!(api.rate_limit.and_then(|limit| limit.remaining), Some(7));

    // Without retries too, and for a typed error answer.
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("x-request-id", "req-conflict")
                .set_body_json(
                    json!({ "statusCode": 409, "error": "Conflict", "message": "taken" }),
                ),
        )
        .mount(&server)
        .await;
    let Err(Error::Api(api)) = update(&client_of(&server, fast_retries())).await else {
        panic!("expected a 409")
    };
    assert!(
        matches!(&api.body, UpdateResourceServerError::Conflict(Some(body)) if body.message == "taken")
    );
    assert_eq!(api.headers["x-request-id"], "req-conflict");
    assert_eq!(api.headers["content-type"], "application/json");
}

#[tokio::test]
async fn a_timeout_can_be_set_per_call() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ok().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = client_of(&server, fast_retries()); // 60 s by default
    let result = update(&client.with_timeout(Duration::from_millis(200))).await;
    assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
    assert_eq!(requests(&server).await, 1, "a timeout is not retried");
}

#[tokio::test]
async fn an_error_is_one_line_a_person_can_act_on() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_string("<html>\n  <body>\n    Bad gateway\n  </body>\n</html>\n"),
        )
        .mount(&server)
        .await;
    let error = update(&client_of(&server, RetryPolicy::none()))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "PATCH /resource-servers/{id}: HTTP 502 Bad Gateway: <html> <body> Bad gateway </body> </html>"
    );
}
