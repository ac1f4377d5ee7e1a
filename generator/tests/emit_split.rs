//! `emit::emit` prints each file a few items at a time to save memory; it must give exactly the
//! text of printing whole syntax trees (`emit::emit_syntax` then `emit::format`), on every spec
//! the repository has.

use std::path::Path;

use generator::{emit, load, model, Config};

#[test]
fn emit_is_emit_syntax_then_format_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives in the workspace");
    let config = Config::new("split-client");
    for spec in [
        "spec/resource-servers.yaml",
        "generator/tests/fixtures/specs/keeper.json",
        "generator/tests/fixtures/specs/buildomat.json",
        "generator/tests/fixtures/specs/nexus.json",
    ] {
        let text = std::fs::read_to_string(root.join(spec)).unwrap();
        let document = load::load(&text).unwrap();
        let (lowered, _) = model::lower(&document).unwrap();
        let streamed = emit::emit(&lowered, &config).unwrap();
        let whole = emit::format(&emit::emit_syntax(&lowered).unwrap(), &lowered, &config);
        assert_eq!(streamed.len(), whole.len(), "{spec}");
        for (path, contents) in &whole {
            assert!(streamed[path] == *contents, "{spec}: {path} differs");
        }
    }
}
