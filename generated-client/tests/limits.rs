//! Limits the client keeps to on behalf of all its callers: a 429's reset time held back for
//! every task sharing the client (per operation), the largest response body it reads, and a
//! token fetch that may pass retried (one that was refused not).

mod loopback;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use generated_client::params::{GetResourceServerParams, ListResourceServersParams};
use generated_client::{Client, Error, RetryPolicy};
use loopback::{Action, Loopback, Request};
use serde_json::json;

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn secs(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

/// One task's 429 with `X-RateLimit-Reset` 1-2 s ahead holds back the other tasks' requests
/// for that operation until the reset; another operation is sent at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_holds_back_every_task_calling_that_operation_until_the_reset() {
    // The reset: the second after next, so between 1 and 2 s ahead.
    let reset = unix_now().floor() as u64 + 2;
    let seen: Arc<Mutex<Vec<(String, String, f64)>>> = Arc::default();
    let limited = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (told, answered) = tokio::sync::oneshot::channel::<()>();
    let told = Mutex::new(Some(told));
    let server = Loopback::start(Arc::new({
        let seen = seen.clone();
        let limited = limited.clone();
        move |request: &Request| {
            seen.lock().unwrap().push((
                request.method.clone(),
                request.path.clone(),
                secs(request.at),
            ));
            let get = request.path.starts_with("/resource-servers/");
            // Every get before the reset is refused, the first one included.
            if get && secs(request.at) < reset as f64 {
                limited.store(true, std::sync::atomic::Ordering::SeqCst);
                if let Some(told) = told.lock().unwrap().take() {
                    let _ = told.send(());
                }
                return Action::status(429, &[("x-ratelimit-reset", reset.to_string())]);
            }
            if get {
                Action::json(200, json!({ "id": "rs_1", "identifier": "https://a" }))
            } else {
                Action::json(200, json!([]))
            }
        }
    }))
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .retry(
            RetryPolicy::default()
                .max_retries(3)
                .base_delay(Duration::from_millis(10))
                .max_delay(Duration::from_secs(5)),
        )
        .build()
        .unwrap();
    let first = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .get_resource_server("rs_1", &GetResourceServerParams::default())
                .await
        }
    });
    answered.await.unwrap();
    // Let the first task read its 429.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = unix_now();
    assert!(
        started < reset as f64 - 0.5,
        "the test started too late to see a hold"
    );
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let getter = client.clone();
        tasks.push(tokio::spawn(async move {
            getter
                .get_resource_server("rs_1", &GetResourceServerParams::default())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }));
        let lister = client.clone();
        tasks.push(tokio::spawn(async move {
            lister
                .list_resource_servers(&ListResourceServersParams::default())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    first.await.unwrap().unwrap();
    let seen = seen.lock().unwrap();
    let gets: Vec<f64> = seen
        .iter()
        .filter(|(m, p, _)| m == "GET" && p.starts_with("/resource-servers/"))
        .map(|(_, _, at)| *at)
        .collect();
    let early: Vec<f64> = gets
        .iter()
        .copied()
        .filter(|at| *at < reset as f64)
        .collect();
    assert_eq!(
        early.len(),
        1,
        "gets reached the server before the reset at {reset}: {early:?}"
    );
    assert_eq!(gets.len(), 12, "{gets:?}");
    let lists: Vec<f64> = seen
        .iter()
        .filter(|(m, p, _)| m == "GET" && p == "/resource-servers")
        .map(|(_, _, at)| *at)
        .collect();
    assert_eq!(lists.len(), 10);
    assert!(
        lists.iter().all(|at| *at < started + 0.5),
        "another operation was held back: started {started}, lists {lists:?}"
    );
}

fn client_for(server: &Loopback, limit: Option<usize>) -> Client {
    let mut builder = Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)));
    if let Some(limit) = limit {
        builder = builder.max_response_bytes(limit);
    }
    builder.build().unwrap()
}

fn big_list(items: usize) -> Vec<u8> {
    let items: Vec<_> = (0..items)
        .map(|i| json!({ "id": format!("rs_{i}"), "identifier": format!("https://api/{i}") }))
        .collect();
    serde_json::to_vec(&items).unwrap()
}

#[tokio::test]
async fn a_body_longer_than_the_limit_is_a_typed_error_and_not_retried() {
    let body = big_list(2000);
    let length = body.len();
    assert!(length > 64 * 1024);
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = Loopback::start(Arc::new({
        let calls = calls.clone();
        move |_: &Request| {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Action::Answer {
                status: 200,
                headers: vec![],
                body: body.clone(),
            }
        }
    }))
    .await;
    let list = ListResourceServersParams::default();
    let result = client_for(&server, Some(64 * 1024))
        .list_resource_servers(&list)
        .await;
    let Err(Error::ResponseTooLarge { status, limit, .. }) = &result else {
        panic!(
            "expected ResponseTooLarge, got {:?}",
            result.map(|answer| answer.status())
        )
    };
    assert_eq!((status.as_u16(), *limit), (200, 64 * 1024));
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Under the limit (the default, or one a byte over the length), the same body is read.
    client_for(&server, None)
        .list_resource_servers(&list)
        .await
        .unwrap();
    client_for(&server, Some(length))
        .list_resource_servers(&list)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_body_without_a_length_is_cut_at_the_limit() {
    // Chunked, no Content-Length: the limit is found while reading.
    let server = Loopback::start(Arc::new(|_: &Request| Action::Endless)).await;
    let started = std::time::Instant::now();
    let result = client_for(&server, Some(16 * 1024))
        .list_resource_servers(&ListResourceServersParams::default())
        .await;
    assert!(
        matches!(&result, Err(Error::ResponseTooLarge { limit: 16384, .. })),
        "{result:?}"
    );
    // 16 chunks of 1 KiB, 10 ms apart: well before the 500 ms timeout.
    assert!(started.elapsed() < Duration::from_millis(450));
}

#[tokio::test]
async fn a_body_that_never_ends_is_cut_by_the_timeout() {
    let server = Loopback::start(Arc::new(|_: &Request| Action::Endless)).await;
    let started = std::time::Instant::now();
    let result = client_for(&server, None)
        .list_resource_servers(&ListResourceServersParams::default())
        .await;
    assert!(matches!(&result, Err(Error::Timeout { .. })), "{result:?}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

/// A token endpoint answering `first` once, then a token; counts token and API requests.
async fn token_server(first: u16) -> (Loopback, Arc<Mutex<(u32, u32)>>) {
    let counts: Arc<Mutex<(u32, u32)>> = Arc::default();
    let server = Loopback::start(Arc::new({
        let counts = counts.clone();
        move |request: &Request| {
            let mut counts = counts.lock().unwrap();
            if request.path.starts_with("/oauth/token") {
                counts.0 += 1;
                if counts.0 == 1 {
                    return Action::status(first, &[]);
                }
                return Action::json(200, json!({ "access_token": "tok", "expires_in": 3600 }));
            }
            counts.1 += 1;
            Action::json(200, json!({ "id": "rs_1", "identifier": "https://a" }))
        }
    }))
    .await;
    (server, counts)
}

fn credentials_client(server: &Loopback) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("id", "secret")
        .retry(RetryPolicy::default().base_delay(Duration::from_millis(10)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_token_fetch_that_failed_with_a_503_is_retried_by_the_policy() {
    let (server, counts) = token_server(503).await;
    credentials_client(&server)
        .get_resource_server("rs_1", &GetResourceServerParams::default())
        .await
        .unwrap();
    assert_eq!(*counts.lock().unwrap(), (2, 1));
}

#[tokio::test]
async fn refused_client_credentials_are_not_retried() {
    let (server, counts) = token_server(401).await;
    let result = credentials_client(&server)
        .get_resource_server("rs_1", &GetResourceServerParams::default())
        .await;
    assert!(
        matches!(&result, Err(Error::Authentication { .. })),
        "{:?}",
        result.map(|_| ())
    );
    assert_eq!(*counts.lock().unwrap(), (1, 0));
}
