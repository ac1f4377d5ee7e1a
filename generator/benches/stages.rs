//! The generator, stage by stage and whole, on this project's spec and on a large real-world one.
//!
//! Run with `cargo bench -p generator`. For each spec, the groups are:
//!
//! - `load`: text to `openapiv3` document (parse, version check).
//! - `model`: `model::lower`, the document to the model.
//! - `emit`: `emit::emit_syntax`, the model to `syn` trees (`quote!`, then `syn::parse2`).
//! - `format`: `emit::format`, the trees printed by `prettyplease`, `Cargo.toml` and the runtime.
//! - `whole`: `generator::generate`, all of the above.
//!
//! The specs are read from the repository: `spec/resource-servers.yaml` and
//! `generator/tests/fixtures/specs/nexus.json` (437 KB, 134 paths).

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion};
use generator::{emit, load, model, Config};

/// `(label, path relative to the workspace root)`.
const SPECS: &[(&str, &str)] = &[
    ("resource-servers", "spec/resource-servers.yaml"),
    ("nexus", "generator/tests/fixtures/specs/nexus.json"),
];

fn read(relative: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives in the workspace");
    std::fs::read_to_string(root.join(relative))
        .unwrap_or_else(|error| panic!("cannot read {relative}: {error}"))
}

fn stages(c: &mut Criterion) {
    let config = Config::new("bench-client");
    for (label, path) in SPECS {
        let text = read(path);
        let document = load::load(&text).expect("the spec loads");
        let (lowered, _warnings) = model::lower(&document).expect("the spec lowers");
        let syntax = emit::emit_syntax(&lowered).expect("the model emits");
        // The split is the whole: what the stages make is what `generate` makes.
        assert_eq!(
            emit::format(&syntax, &lowered, &config),
            generator::generate(&text, &config).unwrap().files
        );

        let mut group = c.benchmark_group(*label);
        if text.len() > 100_000 {
            // A nexus-sized spec: each iteration is a large fraction of a second.
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(6));
        }
        group.bench_function(BenchmarkId::from_parameter("load"), |b| {
            b.iter(|| load::load(black_box(&text)).unwrap())
        });
        group.bench_function(BenchmarkId::from_parameter("model"), |b| {
            b.iter(|| model::lower(black_box(&document)).unwrap())
        });
        group.bench_function(BenchmarkId::from_parameter("emit"), |b| {
            b.iter(|| emit::emit_syntax(black_box(&lowered)).unwrap())
        });
        group.bench_function(BenchmarkId::from_parameter("format"), |b| {
            b.iter(|| emit::format(black_box(&syntax), &lowered, &config))
        });
        group.bench_function(BenchmarkId::from_parameter("whole"), |b| {
            b.iter(|| generator::generate(black_box(&text), &config).unwrap())
        });
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
}

fn main() {
    let mut criterion = config().configure_from_args();
    stages(&mut criterion);
    criterion.final_summary();
}
