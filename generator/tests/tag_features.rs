//! Tag features (`Config::tag_features`), as text: the features `Cargo.toml` declares and the
//! `#[cfg(...)]` each item gets, on `fixtures/tags/tags.yaml` (an operation with two tags, one
//! without a tag, tags that collide in kebab-case or with the `mock` feature, types shared by some
//! tags or by all, types no operation uses, two collections of the fake). That the crates compile
//! in each combination, with warnings denied, is `xtask/tests/tag_features.rs`.

use std::path::Path;

use generator::{generate, Config, DefaultFeatures, Output};

fn spec() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tags/tags.yaml");
    std::fs::read_to_string(path).unwrap()
}

fn tagged(default: DefaultFeatures) -> Output {
    let config = Config::new("tags")
        .tag_features(true)
        .default_features(default);
    generate(&spec(), &config).unwrap_or_else(|errors| panic!("{errors}"))
}

/// The `#[cfg(...)]` attribute of the item whose line (trimmed) starts with `item`, in `file` of
/// `output`: `None` when the item has none. Panics when there is no such item.
fn cfg_of(output: &Output, file: &str, item: &str) -> Option<String> {
    let text = one_line_cfgs(&output.files[file]);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.trim_start().starts_with(item))
        .unwrap_or_else(|| panic!("no {item:?} in {file}"));
    lines[..at]
        .iter()
        .rev()
        .map(|line| line.trim_start())
        .take_while(|line| line.starts_with("#[") || line.starts_with("///"))
        .find(|line| line.starts_with("#[cfg("))
        .map(|line| line.to_string())
}

/// `text` with each `#[cfg(...)]` that `prettyplease` broke over several lines on one line, as
/// it prints a short one.
fn one_line_cfgs(text: &str) -> String {
    let mut out = String::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some((indent, attr)) = &mut open {
            attr.push_str(line.trim());
            if line.trim() == ")]" {
                let attr = attr.replace(", ", ",").replace(',', ", ");
                out.push_str(&format!("{indent}{attr}\n"));
                open = None;
            }
        } else if line.trim() == "#[cfg(" {
            let indent = &line[..line.len() - line.trim_start().len()];
            open = Some((indent.to_owned(), "#[cfg(".to_owned()));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn cfg(predicate: &str) -> Option<String> {
    Some(format!("#[cfg({predicate})]"))
}

#[test]
fn each_tag_is_a_feature_named_in_kebab_case_and_all_are_default() {
    let output = tagged(DefaultFeatures::All);
    let toml = &output.files["Cargo.toml"];
    let features = toml
        .split("[features]\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap();
    assert_eq!(
        features,
        "# The operations of each tag, and the types they use, are compiled only with its feature.
default = [
    \"mock-2\",
    \"pet-stores\",
    \"pet-stores-2\",
    \"pets\",
    \"unused-types\",
]
# Tag \"mock\" (2 operations).
mock-2 = []
# Tag \"Pet stores\" (1 operation).
pet-stores = []
# Tag \"pet_stores\" (2 operations).
pet-stores-2 = []
# Tag \"Pets\" (3 operations).
pets = []
# The 2 types no operation uses, and what they hold.
unused-types = []
# Send requests through a `reqwest_middleware::ClientWithMiddleware`.
middleware = [\"dep:reqwest-middleware\"]
# A typed mock server of the API, for testing code that calls the client (`mock`).
mock = [\"dep:wiremock\"]
# The OAuth2 client-credentials flow with a signed client assertion (`PrivateKeyJwt`).
private-key-jwt = [\"dep:jsonwebtoken\"]"
    );
    let doc = output.files["src/lib.rs"].replace("\n//! ", " ");
    assert!(doc.contains(
        "Each tag of the API is a Cargo feature (`Cargo.toml` lists them; `default` turns them all \
         on)"
    ));
}

#[test]
fn operations_are_compiled_with_any_of_their_tags() {
    let output = tagged(DefaultFeatures::All);
    let method = |name: &str| cfg_of(&output, "src/client.rs", &format!("pub async fn {name}("));
    assert_eq!(method("list_pets"), cfg("feature = \"pets\""));
    assert_eq!(
        method("create_pet"),
        cfg("any(feature = \"pet-stores\", feature = \"pets\")")
    );
    assert_eq!(method("create_store"), cfg("feature = \"pet-stores-2\""));
    assert_eq!(method("get_mock"), cfg("feature = \"mock-2\""));
    // No tag: always compiled.
    assert_eq!(method("health"), None);
    // The pages walker, the parameters struct and the mock's items go with their operation.
    assert_eq!(
        cfg_of(&output, "src/client.rs", "pub fn list_pets_pages<"),
        cfg("feature = \"pets\"")
    );
    assert_eq!(
        cfg_of(&output, "src/params.rs", "pub struct ListPetsParams"),
        cfg("feature = \"pets\"")
    );
    for item in [
        "pub struct CreatePet;",
        "impl Operation for CreatePet",
        "pub fn create_pet(&self)",
    ] {
        assert_eq!(
            cfg_of(&output, "src/mock.rs", item),
            cfg("any(feature = \"pet-stores\", feature = \"pets\")"),
            "{item}"
        );
    }
    assert!(output.files["src/mock.rs"].contains(
        "    #[cfg(any(feature = \"pet-stores\", feature = \"pets\"))]\n    OperationInfo {\n        \
         method_name: \"create_pet\","
    ));
    assert_eq!(cfg_of(&output, "src/mock.rs", "pub struct Health;"), None);
}

#[test]
fn types_are_compiled_with_the_features_of_the_operations_that_reach_them() {
    let output = tagged(DefaultFeatures::All);
    let types = |item: &str| cfg_of(&output, "src/types.rs", item);
    // Only `Pets` and `Pet stores` create pets.
    assert_eq!(
        types("pub struct NewPet {"),
        cfg("any(feature = \"pet-stores\", feature = \"pets\")")
    );
    assert_eq!(
        types("impl crate::Validate for NewPet {"),
        cfg("any(feature = \"pet-stores\", feature = \"pets\")")
    );
    // A store holds a pet: `pet_stores` reaches `Pet` (and its enum) through `Store`.
    let pet = cfg("any(feature = \"pet-stores\", feature = \"pet-stores-2\", feature = \"pets\")");
    assert_eq!(types("pub struct Pet {"), pet);
    assert_eq!(types("pub enum Kind {"), pet);
    assert_eq!(types("crate::open_enum::open_enum!(Kind,"), pet);
    assert_eq!(
        types("pub struct Store {"),
        cfg("feature = \"pet-stores-2\"")
    );
    assert_eq!(types("pub enum Mock {"), cfg("feature = \"mock-2\""));
    // Every tag reaches `Owner` and the error body: still compiled only with a tag's feature.
    let every = cfg(
        "any(feature = \"mock-2\", feature = \"pet-stores\", feature = \"pet-stores-2\", feature = \"pets\")",
    );
    assert_eq!(types("pub struct Owner {"), every);
    assert_eq!(types("pub struct Problem {"), every);
    // An untagged operation's types are always compiled, even when an unused type holds them.
    assert_eq!(types("pub struct Health {"), None);
    assert_eq!(types("pub enum Status {"), None);
    // Unused types, and what only they hold, have a feature of their own.
    assert_eq!(
        types("pub struct Orphan {"),
        cfg("feature = \"unused-types\"")
    );
    assert_eq!(
        types("pub struct Leaf {"),
        cfg("feature = \"unused-types\"")
    );
}

#[test]
fn shared_error_enums_are_compiled_with_any_operation_that_uses_them() {
    let output = tagged(DefaultFeatures::All);
    let types = |item: &str| cfg_of(&output, "src/types.rs", item);
    // Every tag declares the same 404: the enum named for the first is shared by all.
    assert_eq!(
        types("pub enum ListPetsError {"),
        cfg("any(feature = \"mock-2\", feature = \"pet-stores\", feature = \"pet-stores-2\", feature = \"pets\")")
    );
    assert_eq!(
        types("pub type CreatePetError = ListPetsError;"),
        cfg("any(feature = \"pet-stores\", feature = \"pets\")")
    );
    assert_eq!(
        types("pub type GetStoreError = ListPetsError;"),
        cfg("feature = \"pet-stores-2\"")
    );
    // Shared by an untagged operation and a tagged one: always.
    assert_eq!(types("pub enum HealthError {"), None);
    assert_eq!(
        types("pub type ResetMocksError = HealthError;"),
        cfg("feature = \"mock-2\"")
    );
}

#[test]
fn a_collection_of_the_fake_needs_each_of_its_operations() {
    let output = tagged(DefaultFeatures::All);
    let mock = |item: &str| cfg_of(&output, "src/mock.rs", item);
    // Created by `Pets` or `Pet stores`, read by `Pets` alone: `pets`.
    assert_eq!(mock("pub struct Pets;"), cfg("feature = \"pets\""));
    assert_eq!(mock("pub fn pets(&self)"), cfg("feature = \"pets\""));
    assert_eq!(mock("fn check_create_pet("), cfg("feature = \"pets\""));
    assert_eq!(
        mock("pub struct Stores;"),
        cfg("feature = \"pet-stores-2\"")
    );
    // A collection's index counts only the collections compiled before it.
    let text = &output.files["src/mock.rs"];
    assert!(text.contains("impl Resource for Pets {\n    const INDEX: usize = 0;"));
    assert!(text.contains(
        "impl Resource for Stores {\n    const INDEX: usize = cfg!(feature = \"pets\") as usize;"
    ));
}

#[test]
fn default_features_can_be_some_or_none() {
    let some = tagged(DefaultFeatures::Only(vec![
        "Pets".to_owned(),
        "mock-2".to_owned(),
    ]));
    let toml = &some.files["Cargo.toml"];
    assert!(toml.contains("default = [\n    \"pets\",\n    \"mock-2\",\n]\n"));
    let doc = some.files["src/lib.rs"].replace("\n//! ", " ");
    assert!(doc.contains("`default` turns on `pets`, `mock-2`"), "{doc}");
    // Doc examples are compiled with the default features: the mock's is of a default operation.
    let none = tagged(DefaultFeatures::None);
    assert!(none.files["Cargo.toml"].contains("default = []\n"));
    // The first operation compiled without any tag feature is the untagged one.
    assert!(!none.files["src/mock.rs"].contains("server.list_pets()"));
    assert!(none.files["src/mock.rs"].contains("server.health()"));
    let all = tagged(DefaultFeatures::All);
    assert!(all.files["src/mock.rs"].contains("server.list_pets()"));
}

#[test]
fn a_default_feature_that_is_no_tag_is_an_error() {
    let config = Config::new("tags")
        .tag_features(true)
        .default_features(DefaultFeatures::parse("pets,cats"));
    let errors = generate(&spec(), &config).unwrap_err();
    assert_eq!(
        errors.to_string(),
        "error: default features: \"cats\" is neither a tag of the document nor one of the tag \
         features: mock-2, pet-stores, pet-stores-2, pets, unused-types"
    );
}

#[test]
fn the_command_lines_default_features() {
    assert_eq!(DefaultFeatures::parse("all"), DefaultFeatures::All);
    assert_eq!(DefaultFeatures::parse("none"), DefaultFeatures::None);
    assert_eq!(DefaultFeatures::parse(""), DefaultFeatures::None);
    assert_eq!(
        DefaultFeatures::parse("pets, Pet stores"),
        DefaultFeatures::Only(vec!["pets".to_owned(), "Pet stores".to_owned()])
    );
}

#[test]
fn without_tag_features_nothing_is_gated() {
    let plain = generate(&spec(), &Config::new("tags")).unwrap();
    for (path, text) in &plain.files {
        if path.ends_with(".rs") && !generator::emit::is_runtime_file(path) {
            assert!(!text.contains("feature = \"pets\""), "{path}");
        }
    }
    assert!(!plain.files["Cargo.toml"].contains("default ="));
}

#[test]
fn a_document_without_tags_warns_and_gates_nothing() {
    let spec = "openapi: 3.0.3
info: { title: T, version: '1' }
paths:
  /a:
    get:
      operationId: getA
      responses: { '204': { description: none } }
";
    let output = generate(spec, &Config::new("t").tag_features(true)).unwrap();
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["#/paths: no operation has a tag: the crate has no tag features, and every operation is \
          always compiled"]
    );
    assert!(output.files["Cargo.toml"].contains("default = []\n"));
    assert_eq!(
        cfg_of(&output, "src/client.rs", "pub async fn get_a("),
        None
    );
}
