//! `generator::generate` on Auth0's whole published Management API document
//! (`spec/reference/management-api-oas.json`: OpenAPI 3.1, 3.7 MB, 452 operations, 2,698
//! schemas), in memory, without writing files: load, 3.1 → 3.0 rewrite, model, emit, format.
//!
//! Run with `cargo bench -p xtask --bench auth0_whole`. The whole process, files included, is
//! timed with `target/release/xtask generate` (see `BENCHMARKS.md`).

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use generator::Config;

/// The allocator `xtask` itself runs with (see `src/main.rs`), so the benchmark measures what
/// `cargo xtask codegen` does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn auth0_whole(c: &mut Criterion) {
    let path = xtask::codegen::workspace_root().join("spec/reference/management-api-oas.json");
    let text = std::fs::read_to_string(path).unwrap();
    let config = Config::new("auth0-management");
    let mut group = c.benchmark_group("auth0_whole");
    // Each iteration takes a few hundred milliseconds: few samples, the minimum criterion accepts.
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
    auth0_whole(&mut criterion);
    criterion.final_summary();
}
