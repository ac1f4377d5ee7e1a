//! One `update_resource_server` round trip on loopback against the same request made by hand
//! with `reqwest` and `serde_json`, side by side.
//!
//! Hand-written (not generated; declared in the generated `Cargo.toml` through `Config::bench`).
//! Run with `cargo bench -p generated-client --bench roundtrip`. A hyper server on its own thread
//! (a current-thread tokio runtime, keep-alive) answers `PATCH /api/v2/resource-servers/{id}`
//! with a full resource-server JSON (200, 3.1 KB); the calls run one at a time on a
//! current-thread runtime of the bench's thread, each side with its own connection pool (one kept
//! connection).
//!
//! - `generated_client`: `Client::update_resource_server` (static token, default settings:
//!   validation, retries, the 60 s timeout, the rate-limit check, its tracing span), decoded into
//!   `UpdateResourceServerResponseContent`.
//! - `hand_written`: `reqwest::Client::new()`, the same method, URL, bearer header, content type
//!   and body bytes (`serde_json::to_vec` of the same request value), the answer read whole and
//!   decoded into the same type (`common::hand_written`).
//! - `hand_written_timeout` (paired table only): the same with the client's default `reqwest`
//!   settings (user agent, 60 s timeout, 10 s connect timeout), to tell what the client's code
//!   adds from what its default timeout costs inside `reqwest`.
//!
//! Criterion measures each side one after the other; the last table times them in alternating
//! batches and prints the median of the per-round ratios, the number to quote.

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{Seen, Server, ID, TOKEN};
use criterion::Criterion;
use generated_client::types::UpdateResourceServerRequestContent;
use generated_client::Client;

/// The server's hold: none, every answer is given at once.
type AtOnce = fn() -> std::future::Ready<()>;

/// Starts the server on a thread of its own; returns the base URL of the API.
fn start_server() -> (String, Arc<Server<AtOnce>>) {
    let server = Arc::new(Server {
        answer: Bytes::from(common::response_json()),
        seen: Default::default(),
        hold: (|| std::future::ready(())) as AtOnce,
    });
    let (tx, rx) = std::sync::mpsc::channel();
    let shared = server.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            tx.send(common::serve(shared).await).unwrap();
            std::future::pending::<()>().await
        })
    });
    let addr = rx.recv().unwrap();
    (format!("http://{addr}/api/v2"), server)
}

/// Both sides, ready to call.
struct Sides {
    runtime: tokio::runtime::Runtime,
    client: Client,
    http: reqwest::Client,
    http_timeout: reqwest::Client,
    base_url: String,
    body: UpdateResourceServerRequestContent,
}

impl Sides {
    fn new() -> Sides {
        let (base_url, server) = start_server();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = Client::builder()
            .base_url(&base_url)
            .bearer_token(TOKEN)
            .build()
            .unwrap();
        let http_timeout = reqwest::Client::builder()
            .user_agent(concat!("generated-client/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let sides = Sides {
            runtime,
            client,
            http: reqwest::Client::new(),
            http_timeout,
            base_url,
            body: common::update_request(),
        };
        // Every side sends the same request and reads the same answer.
        *server.seen.lock().unwrap() = Some(Vec::new());
        let answers = [
            sides.runtime.block_on(sides.generated()),
            sides.runtime.block_on(sides.hand_written()),
            sides.runtime.block_on(sides.hand_written_timeout()),
        ];
        let seen: Vec<Seen> = server.seen.lock().unwrap().take().unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0], seen[1]);
        assert_eq!(seen[0], seen[2]);
        assert_eq!(seen[0].path, common::PATH);
        assert_eq!(
            seen[0].authorization.as_deref(),
            Some(&*format!("Bearer {TOKEN}"))
        );
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0], answers[2]);
        assert_eq!(answers[0].id.as_deref(), Some(ID));
        sides
    }

    async fn generated(&self) -> generated_client::types::UpdateResourceServerResponseContent {
        self.client
            .update_resource_server(black_box(ID), black_box(&self.body))
            .await
            .unwrap()
            .into_inner()
    }

    async fn hand_written(&self) -> generated_client::types::UpdateResourceServerResponseContent {
        common::hand_written(&self.http, &self.base_url, black_box(&self.body)).await
    }

    async fn hand_written_timeout(
        &self,
    ) -> generated_client::types::UpdateResourceServerResponseContent {
        common::hand_written(&self.http_timeout, &self.base_url, black_box(&self.body)).await
    }

    /// Runs `calls` calls of one side, one after another; the time they took.
    fn time(&self, side: Side, calls: u64) -> Duration {
        self.measure(side, calls).0
    }

    /// Runs `calls` calls of one side, one after another; the time they took, and the CPU time
    /// of this thread meanwhile (all of the client's work: its runtime is this thread's).
    fn measure(&self, side: Side, calls: u64) -> (Duration, Duration) {
        self.runtime.block_on(async {
            let (start, cpu) = (Instant::now(), thread_cpu());
            for _ in 0..calls {
                match side {
                    Side::Generated => black_box(self.generated().await),
                    Side::HandWritten => black_box(self.hand_written().await),
                    Side::HandWrittenTimeout => black_box(self.hand_written_timeout().await),
                };
            }
            (start.elapsed(), thread_cpu() - cpu)
        })
    }
}

/// The CPU time this thread has used (user and system).
fn thread_cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid `timespec` to write to.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0);
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

#[derive(Clone, Copy)]
enum Side {
    Generated,
    HandWritten,
    HandWrittenTimeout,
}

fn roundtrip(c: &mut Criterion, sides: &Sides) {
    let mut group = c.benchmark_group("roundtrip");
    group.bench_function("generated_client", |b| {
        b.iter_custom(|calls| sides.time(Side::Generated, calls))
    });
    group.bench_function("hand_written", |b| {
        b.iter_custom(|calls| sides.time(Side::HandWritten, calls))
    });
    group.finish();
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Times the three sides in alternating batches (the order rotates every round), so all see the
/// same machine load, and prints the median time per call of each and the medians of the
/// per-round ratios against `hand_written`: of wall time, and of the CPU time of the thread that
/// runs the client (less moved by other processes on a busy machine).
fn paired_summary(sides: &Sides) {
    const ROUNDS: usize = 101;
    const BATCH: u64 = 200;
    let order = [Side::Generated, Side::HandWritten, Side::HandWrittenTimeout];
    for side in order {
        sides.time(side, BATCH);
    }
    // Per side: wall and CPU time per call, each round.
    let mut wall = [Vec::new(), Vec::new(), Vec::new()];
    let mut cpu = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..ROUNDS {
        for i in 0..3 {
            let which = (i + round) % 3;
            let (w, c) = sides.measure(order[which], BATCH);
            wall[which].push(w.as_nanos() as f64 / BATCH as f64);
            cpu[which].push(c.as_nanos() as f64 / BATCH as f64);
        }
    }
    println!(
        "\npaired, alternating ({ROUNDS} rounds of {BATCH} calls per side; medians; ratios are \
         the median of the per-round ratios)"
    );
    for (what, times) in [("wall", &wall), ("client thread CPU", &cpu)] {
        let ratios = |a: usize, b: usize| -> Vec<f64> {
            times[a].iter().zip(&times[b]).map(|(x, y)| x / y).collect()
        };
        let (mut ratio, mut ratio_timeout, mut timeout_ratio) =
            (ratios(0, 1), ratios(0, 2), ratios(2, 1));
        let mut sorted = ratio.clone();
        sorted.sort_by(f64::total_cmp);
        let mut t = times.clone();
        println!("{what}:");
        println!(
            "  generated_client {:>6.1} µs   hand_written {:>6.1} µs   \
             hand_written_timeout {:>6.1} µs",
            median(&mut t[0]) / 1e3,
            median(&mut t[1]) / 1e3,
            median(&mut t[2]) / 1e3,
        );
        println!(
            "  generated_client / hand_written          {:.3} (rounds: min {:.3}, max {:.3})",
            median(&mut ratio),
            sorted[0],
            sorted[sorted.len() - 1]
        );
        println!(
            "  generated_client / hand_written_timeout  {:.3}",
            median(&mut ratio_timeout)
        );
        println!(
            "  hand_written_timeout / hand_written      {:.3}",
            median(&mut timeout_ratio)
        );
    }
}

fn main() {
    let sides = Sides::new();
    // `--calls SIDE N`: only N calls of one side (`generated`, `hand_written` or
    // `hand_written_timeout`), for `perf stat` or `perf record`.
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--calls") {
        let side = match args[at + 1].as_str() {
            "generated" => Side::Generated,
            "hand_written" => Side::HandWritten,
            "hand_written_timeout" => Side::HandWrittenTimeout,
            other => panic!("no side {other:?}"),
        };
        let calls: u64 = args[at + 2].parse().unwrap();
        let took = sides.time(side, calls);
        println!(
            "{:.1} µs per call",
            took.as_nanos() as f64 / calls as f64 / 1e3
        );
        return;
    }
    let mut criterion = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    roundtrip(&mut criterion, &sides);
    criterion.final_summary();
    // Not in `cargo test --benches` (which passes `--test`), nor when listing or profiling one
    // side (`--profile-time`).
    let quick =
        std::env::args().any(|arg| matches!(arg.as_str(), "--test" | "--list" | "--profile-time"));
    if !quick {
        paired_summary(&sides);
    }
}
