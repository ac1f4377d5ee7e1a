//! Heap memory per call in flight: 1,000 concurrent `update_resource_server` calls through one
//! client, against the same 1,000 made by hand with `reqwest` and `serde_json`.
//!
//! Hand-written (not generated; declared in the generated `Cargo.toml` through `Config::bench`).
//! Run with `cargo bench -p generated-client --bench inflight`. Not criterion: it prints bytes.
//!
//! The bench counts every allocation of its process (a `GlobalAlloc` around `System`). So that
//! only the client side is counted, the server runs in a child process (this same binary with
//! `--serve`): a hyper server on loopback (`benches/common`) that, once told to hold, keeps every
//! answer until 1,000 requests have arrived (their bodies read), says so, and answers them all
//! when told to release.
//!
//! For each side, in turn: a fresh client (the generated one: static token, default settings;
//! the hand-written one: `reqwest::Client::new()`) makes one call (so that everything done once
//! per process or per client is done), the live heap is read (the baseline), 1,000 tasks are
//! spawned on a 2-worker tokio runtime, each making one call and dropping the decoded answer;
//! when the server holds all 1,000 requests the live heap is read again; then they are
//! released and joined. Printed per call: live bytes with all 1,000 in flight minus the
//! baseline, and the peak (reached while the answers are read and decoded) minus the baseline,
//! each divided by 1,000, and the allocations made per call.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use common::{Server, TOKEN};
use generated_client::Client;

/// The global allocator, counting live bytes, their peak and the number of allocations.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = System.alloc(layout);
        if !pointer.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = System.alloc_zeroed(layout);
        if !pointer.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        System.dealloc(pointer, layout);
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = System.realloc(pointer, layout, new_size);
        if !new.is_null() {
            ALLOCATIONS.fetch_add(1, Relaxed);
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The server process: prints `listening ADDR`; told `hold` (on stdin), says `holding` and keeps
/// the answers until `calls` requests have arrived, then prints `held` and waits for `release`.
fn serve(calls: usize) {
    struct Hold {
        holding: bool,
        arrived: usize,
    }
    let state = Arc::new(Mutex::new(Hold {
        holding: false,
        arrived: 0,
    }));
    let (release, released) = tokio::sync::watch::channel(0u64);
    let hold = {
        let state = state.clone();
        move || {
            let mut released = released.clone();
            // Read under the lock `release` takes, so a request counted in a round always
            // waits for that round's release, never the next one's.
            let (holding, round) = {
                let mut state = state.lock().unwrap();
                if state.holding {
                    state.arrived += 1;
                    if state.arrived == calls {
                        println!("held");
                        std::io::stdout().flush().unwrap();
                    }
                }
                (state.holding, *released.borrow_and_update())
            };
            async move {
                if holding {
                    let _ = released.wait_for(|r| *r > round).await;
                }
            }
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(common::serve(Arc::new(Server {
        answer: Bytes::from(common::response_json()),
        seen: Default::default(),
        hold,
    })));
    println!("listening {addr}");
    std::io::stdout().flush().unwrap();
    for line in std::io::stdin().lock().lines() {
        match line.unwrap().as_str() {
            "hold" => {
                *state.lock().unwrap() = Hold {
                    holding: true,
                    arrived: 0,
                };
                println!("holding");
                std::io::stdout().flush().unwrap();
            }
            "release" => {
                let mut state = state.lock().unwrap();
                state.holding = false;
                release.send_modify(|r| *r += 1);
            }
            _ => break,
        }
    }
}

/// What one side's run measured, per call.
struct PerCall {
    in_flight: f64,
    peak: f64,
    allocations: f64,
}

/// The parent's end of the server process.
struct Child {
    process: std::process::Child,
    input: std::process::ChildStdin,
    output: BufReader<std::process::ChildStdout>,
}

impl Child {
    fn tell(&mut self, what: &str) {
        writeln!(self.input, "{what}").unwrap();
        self.input.flush().unwrap();
    }

    fn hear(&mut self) -> String {
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        line.trim().to_owned()
    }
}

/// Makes `calls` concurrent calls with `call`, after one alone; see the module doc.
fn measure<F, Fut>(
    runtime: &tokio::runtime::Runtime,
    server: &mut Child,
    calls: usize,
    call: F,
) -> PerCall
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    runtime.block_on(call());
    let mut tasks = Vec::with_capacity(calls);
    server.tell("hold");
    assert_eq!(server.hear(), "holding");
    let baseline = LIVE.load(Relaxed);
    PEAK.store(baseline, Relaxed);
    let allocations = ALLOCATIONS.load(Relaxed);
    for _ in 0..calls {
        tasks.push(runtime.spawn(call()));
    }
    assert_eq!(server.hear(), "held");
    let in_flight = LIVE.load(Relaxed);
    server.tell("release");
    runtime.block_on(async {
        for task in tasks {
            task.await.unwrap();
        }
    });
    let per_call = |bytes: usize| bytes.saturating_sub(baseline) as f64 / calls as f64;
    PerCall {
        in_flight: per_call(in_flight),
        peak: per_call(PEAK.load(Relaxed)),
        allocations: (ALLOCATIONS.load(Relaxed) - allocations) as f64 / calls as f64,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` passes `--test`: a small run. Listing lists nothing.
    let calls = if args.iter().any(|a| a == "--test") {
        50
    } else {
        1_000
    };
    if let Some(at) = args.iter().position(|a| a == "--serve") {
        return serve(args[at + 1].parse().unwrap());
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let mut process = Command::new(std::env::current_exe().unwrap())
        .args(["--serve", &calls.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Child {
        input: process.stdin.take().unwrap(),
        output: BufReader::new(process.stdout.take().unwrap()),
        process,
    };
    let listening = server.hear();
    let addr = listening.strip_prefix("listening ").unwrap().to_owned();
    let base_url = format!("http://{addr}/api/v2");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let body = Arc::new(common::update_request());

    let generated = {
        let client = Arc::new(
            Client::builder()
                .base_url(&base_url)
                .bearer_token(TOKEN)
                .build()
                .unwrap(),
        );
        let body = body.clone();
        measure(&runtime, &mut server, calls, move || {
            let (client, body) = (client.clone(), body.clone());
            async move {
                let answer = client
                    .update_resource_server(common::ID, &body)
                    .await
                    .unwrap();
                assert_eq!(answer.id.as_deref(), Some(common::ID));
            }
        })
    };
    let hand_written = {
        let http = reqwest::Client::new();
        let (base_url, body) = (Arc::new(base_url.clone()), body.clone());
        measure(&runtime, &mut server, calls, move || {
            let (http, base_url, body) = (http.clone(), base_url.clone(), body.clone());
            async move {
                let answer = common::hand_written(&http, &base_url, &body).await;
                assert_eq!(answer.id.as_deref(), Some(common::ID));
            }
        })
    };
    server.tell("stop");
    server.process.wait().unwrap();

    println!(
        "{calls} concurrent calls, one client each side; heap bytes per call over the baseline"
    );
    println!(
        "{:<18} {:>12} {:>12} {:>14}",
        "", "in flight", "peak", "allocations"
    );
    for (name, side) in [
        ("generated_client", &generated),
        ("hand_written", &hand_written),
    ] {
        println!(
            "{name:<18} {:>12.0} {:>12.0} {:>14.1}",
            side.in_flight, side.peak, side.allocations
        );
    }
    println!(
        "generated_client / hand_written: in flight {:.3}, peak {:.3}",
        generated.in_flight / hand_written.in_flight,
        generated.peak / hand_written.peak
    );
}
