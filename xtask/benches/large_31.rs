//! `generator::generate` on the synthetic OpenAPI 3.1 document of Auth0's size (issue 6: under
//! 0.5 s for the whole document).
//!
//! Run with `cargo bench -p xtask`. The document (452 operations, 245 paths, 2,698 schemas, about
//! 3 MB of JSON) is built once by `xtask::fixture31::synthesize()`; each iteration is the whole
//! `generate` (load, 3.1 → 3.0 rewrite, model, emit, format), in memory, without writing files.
//! The whole process, files included, is timed with `target/release/xtask generate` (see
//! `BENCHMARKS.md`).

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use generator::Config;

/// The allocator `xtask` itself runs with (see `src/main.rs`), so the benchmark measures what
/// `cargo xtask codegen` does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn large_31(c: &mut Criterion) {
    let text = xtask::fixture31::synthesize();
    let config = Config::new("large-client");
    let mut group = c.benchmark_group("large_31");
    // Each iteration is about half a second: few samples, the minimum criterion accepts.
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(12));
    group.bench_function("generate", |b| {
        b.iter(|| generator::generate(black_box(&text), &config).unwrap())
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .configure_from_args();
    large_31(&mut criterion);
    criterion.final_summary();
}
