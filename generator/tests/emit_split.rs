//! `emit::emit` prints each file a few items at a time, with doc text and the runtime's item
//! macro calls laid out from a table rather than printed by `prettyplease`; it must give exactly
//! the text of printing whole syntax trees (`emit::emit_syntax` then `emit::format`), on every spec
//! the repository has: Auth0's whole document (with and without tag features, which put a `cfg`
//! before items), the real-world fixtures and the corpus.

use std::path::Path;

use generator::{emit, load, model, Config, DefaultFeatures};

fn both_routes_agree(root: &Path, spec: &str, tag_features: bool) {
    let text = std::fs::read_to_string(root.join(spec)).unwrap();
    let document = load::load(&text).unwrap();
    let (mut lowered, _) = model::lower(&document).unwrap();
    if tag_features {
        let (features, _) = model::tag_features(&lowered, &DefaultFeatures::All).unwrap();
        lowered.features = Some(features);
    }
    let config = Config::new("split-client");
    let streamed = emit::emit(&lowered, &config).unwrap();
    let whole = emit::format(&emit::emit_syntax(&lowered).unwrap(), &lowered, &config);
    assert_eq!(streamed.len(), whole.len(), "{spec}");
    for (path, contents) in &whole {
        if streamed[path] != *contents {
            let line = streamed[path]
                .lines()
                .zip(contents.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            panic!("{spec} (tag features: {tag_features}): {path} differs from line {line}");
        }
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives in the workspace")
}

#[test]
fn emit_is_emit_syntax_then_format_byte_for_byte() {
    for spec in [
        "spec/resource-servers.yaml",
        "generator/tests/fixtures/specs/keeper.json",
        "generator/tests/fixtures/specs/buildomat.json",
        "generator/tests/fixtures/specs/nexus.json",
    ] {
        both_routes_agree(root(), spec, false);
    }
    both_routes_agree(root(), "generator/tests/fixtures/tags/tags.yaml", true);
}

#[test]
fn emit_is_emit_syntax_then_format_on_auth0s_whole_document() {
    both_routes_agree(root(), "spec/reference/management-api-oas.json", false);
}

#[test]
fn emit_is_emit_syntax_then_format_on_auth0s_whole_document_with_tag_features() {
    both_routes_agree(root(), "spec/reference/management-api-oas.json", true);
}

#[test]
fn emit_is_emit_syntax_then_format_on_the_corpus() {
    let dir = root().join("generator/tests/fixtures/corpus");
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json") || name.ends_with(".yaml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 20, "the corpus is in {}", dir.display());
    for spec in specs {
        both_routes_agree(
            root(),
            &format!("generator/tests/fixtures/corpus/{spec}"),
            false,
        );
    }
}
