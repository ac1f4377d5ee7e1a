//! The soak run (issue 18): 200 tasks sharing one client make a mix of all five operations
//! against a loopback server that serves the API from memory and answers about one request in
//! five with a fault. Checked: every call ends (success or typed error) within its bound, no
//! panic, no task left running, attempts within the retry policy, no request the server acted on
//! sent again for an operation that is not idempotent, one token fetch per token lifetime, and
//! resident memory flat between warm-up and the end.
//!
//! `cargo test -p generated-client --test soak` runs 1,000 calls (part of `cargo test
//! --workspace`); the full run, 10,000 calls, is ignored by default:
//! `cargo test --release -p generated-client --test soak -- --ignored --nocapture`.

mod loopback;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use generated_client::params::{GetResourceServerParams, ListResourceServersParams};
use generated_client::types::{
    CreateResourceServerRequestContent, UpdateResourceServerRequestContent,
};
use generated_client::{Client, Error, HeaderName, HeaderValue, RetryPolicy};
use loopback::{Action, Loopback, Request};
use serde_json::{json, Value};

const TASKS: usize = 200;
/// The share of answers the server makes faulty by itself; storms add some.
const FAULT_RATE: f64 = 0.12;
/// A storm: the next requests of that operation get the same fault.
const STORM: u32 = 5;
const TIMEOUT: Duration = Duration::from_millis(1000);
/// How long a stalled answer stalls: past the timeout.
const STALL: Duration = Duration::from_millis(1500);
const MAX_RETRIES: u32 = 2;
const MAX_DELAY: Duration = Duration::from_millis(200);
/// Lifetime of a token: the client refreshes it halfway, every second.
const TOKEN_LIFETIME_SECS: u64 = 2;
const TOKEN_FAULT_RATE: f64 = 0.2;

const FAULTS: [&str; 9] = [
    "connection dropped mid-body",
    "stalled answer",
    "truncated JSON",
    "body not JSON",
    "5xx storm",
    "429 storm (reset 1 s ahead)",
    "429 with X-RateLimit-Reset in the past",
    "429 with X-RateLimit-Reset a day ahead",
    "503 with an absurd Retry-After",
];

/// What the server saw of one call (told apart by its `x-call` header).
#[derive(Default)]
struct CallLog {
    operation: &'static str,
    requests: u32,
    /// A request of it was acted on (stored, changed, deleted) before a fault.
    acted: bool,
    /// Requests that arrived after one was acted on.
    after_acted: u32,
}

#[derive(Default)]
struct Server {
    store: BTreeMap<String, Value>,
    next_id: u64,
    /// By call index; allocated for every call before the run, so that the server's own
    /// records do not grow the process's memory while it is measured.
    calls: HashMap<u64, CallLog>,
    requests: BTreeMap<&'static str, u64>,
    faults: BTreeMap<&'static str, u64>,
    storms: BTreeMap<&'static str, (u32, &'static str)>,
    token_fetches: Vec<Instant>,
    token_failures: u64,
    rng: Option<fastrand::Rng>,
}

fn operation(request: &Request) -> &'static str {
    let item = request.path.starts_with("/resource-servers/");
    match (request.method.as_str(), item) {
        ("POST", _) if request.path.starts_with("/oauth/token") => "token",
        ("GET", false) => "list",
        ("POST", false) => "create",
        ("GET", true) => "get",
        ("PATCH", true) => "update",
        ("DELETE", true) => "delete",
        _ => "other",
    }
}

fn call_index(request: &Request) -> u64 {
    request
        .header("x-call")
        .and_then(|v| v.parse().ok())
        .unwrap_or(u64::MAX)
}

fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

impl Server {
    fn rng(&mut self) -> &mut fastrand::Rng {
        self.rng.get_or_insert_with(|| fastrand::Rng::with_seed(18))
    }

    fn answer(&mut self, request: &Request) -> Action {
        let op = operation(request);
        *self.requests.entry(op).or_default() += 1;
        if op == "token" {
            return self.token();
        }
        let call = call_index(request);
        let log = self.calls.entry(call).or_default();
        log.operation = op;
        log.requests += 1;
        if log.acted {
            log.after_acted += 1;
        }
        let fault = match self.storms.get_mut(op) {
            Some((left, kind)) if *left > 0 => {
                *left -= 1;
                Some(*kind)
            }
            _ => {
                let rng = self.rng();
                if rng.f64() < FAULT_RATE {
                    let kind = FAULTS[rng.usize(..FAULTS.len())];
                    if kind.contains("storm") {
                        self.storms.insert(op, (STORM - 1, kind));
                    }
                    Some(kind)
                } else {
                    None
                }
            }
        };
        let Some(kind) = fault else {
            return self.serve(request, op);
        };
        *self.faults.entry(kind).or_default() += 1;
        let code = [500, 502, 503, 504][self.rng().usize(..4)];
        // Faults the server may have acted on first, as a real one could have.
        let acts = match kind {
            "5xx storm" => code != 503,
            _ => !kind.starts_with("429") && !kind.starts_with("503"),
        };
        if acts {
            let _ = self.serve(request, op);
            if let Some(log) = self.calls.get_mut(&call_index(request)) {
                log.acted = true;
            }
        }
        let absurd = [
            "999999999",
            "-1",
            "soon",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "18446744073709551616",
        ];
        match kind {
            "connection dropped mid-body" => Action::DropMidBody {
                announced: 400,
                sent: 40,
            },
            "stalled answer" => Action::Stall(STALL),
            "truncated JSON" => Action::Answer {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: br#"{"id":"rs_1","identif"#.to_vec(),
            },
            "body not JSON" => Action::Answer {
                status: 200,
                headers: vec![("content-type".into(), "text/html".into())],
                body: b"<html><body>502 Bad Gateway</body></html>".to_vec(),
            },
            "5xx storm" => Action::status(code, &[]),
            "429 storm (reset 1 s ahead)" => {
                Action::status(429, &[("x-ratelimit-reset", (unix_secs() + 1).to_string())])
            }
            "429 with X-RateLimit-Reset in the past" => Action::status(
                429,
                &[("x-ratelimit-reset", (unix_secs() - 3600).to_string())],
            ),
            "429 with X-RateLimit-Reset a day ahead" => Action::status(
                429,
                &[("x-ratelimit-reset", (unix_secs() + 86_400).to_string())],
            ),
            _ => {
                let value = absurd[self.rng().usize(..absurd.len())];
                Action::status(503, &[("retry-after", value.to_owned())])
            }
        }
    }

    fn token(&mut self) -> Action {
        // The first fetch fails, so every run sees a failed fetch retried; then one in five.
        if self.token_failures == 0 || self.rng().f64() < TOKEN_FAULT_RATE {
            self.token_failures += 1;
            return Action::status(503, &[]);
        }
        self.token_fetches.push(Instant::now());
        Action::json(
            200,
            json!({
                "access_token": format!("tok-{}", self.token_fetches.len()),
                "expires_in": TOKEN_LIFETIME_SECS,
            }),
        )
    }

    /// The answer of a server without faults, from memory.
    fn serve(&mut self, request: &Request, op: &str) -> Action {
        let id = request
            .path
            .strip_prefix("/resource-servers/")
            .unwrap_or_default()
            .to_owned();
        match op {
            "list" => {
                let items: Vec<&Value> = self.store.values().take(5).collect();
                Action::json(200, json!(items))
            }
            "create" => {
                let mut body: Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
                self.next_id += 1;
                let id = format!("rs_new_{}", self.next_id);
                body["id"] = json!(id);
                self.store.insert(id, body.clone());
                // Keeps the 100 newest created ones, so memory measures the client.
                if self.next_id > 100 {
                    self.store.remove(&format!("rs_new_{}", self.next_id - 100));
                }
                Action::json(201, body)
            }
            "get" => match self.store.get(&id) {
                Some(value) => Action::json(200, value.clone()),
                None => Action::json(404, json!({ "statusCode": 404, "message": "not found" })),
            },
            "update" => {
                let changes: Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
                let entry = self.store.entry(id.clone()).or_insert(json!({ "id": id }));
                if let (Some(entry), Some(changes)) = (entry.as_object_mut(), changes.as_object()) {
                    entry.extend(changes.clone());
                }
                Action::json(200, entry.clone())
            }
            "delete" => {
                self.store.remove(&id);
                Action::Answer {
                    status: 204,
                    headers: vec![],
                    body: vec![],
                }
            }
            _ => Action::json(404, json!({})),
        }
    }
}

/// What a call ended with, by kind.
fn outcome<T, E>(result: &Result<T, Error<E>>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(Error::Api(api)) => format!("HTTP {}", api.status.as_u16()),
        Err(Error::Timeout { .. }) => "timeout".into(),
        Err(Error::Connect { .. }) => "connect".into(),
        Err(Error::Transport { .. }) => "transport".into(),
        Err(Error::Decode { .. }) => "decode".into(),
        Err(Error::Authentication { .. }) => "authentication".into(),
        Err(Error::ResponseTooLarge { .. }) => "too large".into(),
        Err(other) => format!("other: {other}"),
    }
}

async fn call(client: &Client, index: usize) -> String {
    let client = client.with_header(
        HeaderName::from_static("x-call"),
        HeaderValue::from_str(&index.to_string()).unwrap(),
    );
    let id = format!("rs_{}", index % 50);
    match index % 20 {
        0..=5 => outcome(
            &client
                .list_resource_servers(&ListResourceServersParams::default())
                .await,
        ),
        6..=11 => outcome(
            &client
                .get_resource_server(&id, &GetResourceServerParams::default())
                .await,
        ),
        12..=14 => {
            let body = CreateResourceServerRequestContent::new(format!("https://api/{index}"));
            outcome(&client.create_resource_server(&body).await)
        }
        15..=17 => {
            let body = UpdateResourceServerRequestContent {
                name: Some(format!("name {index}")),
                ..Default::default()
            };
            outcome(&client.update_resource_server(&id, &body).await)
        }
        _ => outcome(
            &client
                .delete_resource_server(&format!("rs_new_{index}"))
                .await,
        ),
    }
}

async fn soak(calls: usize) {
    let state = Arc::new(Mutex::new(Server::default()));
    {
        let mut server = state.lock().unwrap();
        for i in 0..50 {
            let id = format!("rs_{i}");
            let value = json!({ "id": id, "identifier": format!("https://api/{i}") });
            server.store.insert(id, value);
        }
    }
    state.lock().unwrap().calls.reserve(calls + 1);
    let server = Loopback::start(Arc::new({
        let state = state.clone();
        move |request: &Request| state.lock().unwrap().answer(request)
    }))
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .client_credentials("soak-client", "soak-secret")
        .timeout(TIMEOUT)
        .retry(
            RetryPolicy::default()
                .max_retries(MAX_RETRIES)
                .base_delay(Duration::from_millis(10))
                .max_delay(MAX_DELAY),
        )
        .build()
        .unwrap();
    let attempts = MAX_RETRIES + 1;
    // Each attempt: a token (its fetch within the timeout, perhaps after another task's failed
    // one), a hold by a 429, the request within the timeout, the wait before the next.
    let bound = (TIMEOUT * 2 + MAX_DELAY * 2) * attempts + Duration::from_secs(2);
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let warm_rss = Arc::new(Mutex::new(None::<u64>));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..TASKS {
        let (client, next, done, warm_rss) =
            (client.clone(), next.clone(), done.clone(), warm_rss.clone());
        tasks.spawn(async move {
            let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
            let mut slowest = Duration::ZERO;
            loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                if index >= calls {
                    return (outcomes, slowest);
                }
                let began = Instant::now();
                let Ok(outcome) = tokio::time::timeout(bound, call(&client, index)).await else {
                    panic!("call {index} did not end within {bound:?}");
                };
                slowest = slowest.max(began.elapsed());
                *outcomes.entry(outcome).or_default() += 1;
                if done.fetch_add(1, Ordering::SeqCst) + 1 == calls / 5 {
                    *warm_rss.lock().unwrap() = Some(loopback::resident_bytes());
                }
            }
        });
    }
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut slowest = Duration::ZERO;
    while let Some(joined) = tasks.join_next().await {
        let (theirs, their_slowest) = joined.expect("a task panicked");
        for (outcome, n) in theirs {
            *outcomes.entry(outcome).or_default() += n;
        }
        slowest = slowest.max(their_slowest);
    }
    let duration = started.elapsed();
    let end_rss = loopback::resident_bytes();
    drop(client);
    drop(server);
    // No task left running: the client's connections and the server's end once both are gone
    // (a stalled answer within its stall).
    let metrics = tokio::runtime::Handle::current().metrics();
    let quiet_by = Instant::now() + STALL + Duration::from_secs(2);
    while metrics.num_alive_tasks() > 0 && Instant::now() < quiet_by {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let left_running = metrics.num_alive_tasks();

    let server = state.lock().unwrap();
    let total: u64 = outcomes.values().sum();
    let requests: u64 = server
        .requests
        .iter()
        .filter(|(op, _)| **op != "token")
        .map(|(_, n)| n)
        .sum();
    let faults: u64 = server.faults.values().sum();
    let most_attempts = server.calls.values().map(|c| c.requests).max().unwrap_or(0);
    let resent: Vec<(&u64, &CallLog)> = server
        .calls
        .iter()
        .filter(|(_, log)| log.operation == "create" && log.after_acted > 0)
        .collect();
    let acted_then_retried_idempotent: u32 = server
        .calls
        .values()
        .filter(|log| log.operation != "create")
        .map(|log| log.after_acted)
        .sum();
    let token_window = Duration::from_secs(TOKEN_LIFETIME_SECS) / 2;
    let most_fetches = (duration.as_secs_f64() / token_window.as_secs_f64()).ceil() as usize + 1;
    let warm_rss = warm_rss.lock().unwrap().unwrap_or(0);
    let growth = end_rss as f64 / warm_rss as f64 - 1.0;

    println!("soak: {calls} calls by {TASKS} tasks in {duration:.2?} (slowest call {slowest:.2?}, bound {bound:.2?})");
    println!("  outcomes: {outcomes:?}");
    println!(
        "  API requests: {requests} ({:.1} per call; {} retries), by operation {:?}",
        requests as f64 / calls as f64,
        requests - calls as u64,
        server.requests
    );
    println!(
        "  faulty answers: {faults} ({:.1}% of requests): {:?}",
        100.0 * faults as f64 / requests as f64,
        server.faults
    );
    println!("  most requests for one call: {most_attempts} (policy: {attempts}); creates acted on and sent again: {}; idempotent calls sent again after being acted on: {acted_then_retried_idempotent}", resent.len());
    println!(
        "  token fetches: {} succeeded (at most {most_fetches} allowed: one per {token_window:?} of refresh), {} failed and retried",
        server.token_fetches.len(),
        server.token_failures
    );
    println!(
        "  resident memory: {:.1} MiB after warm-up ({} calls), {:.1} MiB at the end ({:+.1}%)",
        warm_rss as f64 / 1048576.0,
        calls / 5,
        end_rss as f64 / 1048576.0,
        growth * 100.0
    );
    println!("  tasks left running: {left_running}");

    assert_eq!(total, calls as u64, "every call ends");
    assert!(
        outcomes.keys().all(|k| !k.starts_with("other")),
        "{outcomes:?}"
    );
    assert!(
        most_attempts <= attempts,
        "a call was sent {most_attempts} times"
    );
    assert!(
        resent.is_empty(),
        "creates acted on and sent again: {}",
        resent.len()
    );
    assert!(
        (0.15..0.30).contains(&(faults as f64 / requests as f64)),
        "fault rate"
    );
    assert!(server.faults.len() == FAULTS.len(), "every kind of fault");
    // A failed fetch is retried by each waiting call's policy: every task waits on the first
    // fetch, which always fails, so without retries about one call in five would end here. A
    // call whose attempts were already spent (on 5xx or 429 answers) when a fetch failed does
    // end with it, as the policy says: a few such calls in a run are expected.
    let authentication = outcomes.get("authentication").copied().unwrap_or(0);
    assert!(
        server.token_failures > 0 && authentication * 100 <= calls as u64,
        "failed token fetches are retried: {} failures, outcomes {outcomes:?}",
        server.token_failures
    );
    assert!(
        (1..=most_fetches).contains(&server.token_fetches.len()),
        "token fetches"
    );
    assert!(growth.abs() <= 0.10, "resident memory grew by {growth:.3}");
    assert_eq!(left_running, 0, "tasks left running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_1_000_calls() {
    soak(1_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the full soak run: cargo test --release -p generated-client --test soak -- --ignored --nocapture"]
async fn soak_10_000_calls() {
    soak(10_000).await;
}
