//! An OpenAPI 3.0 and 3.1 to Rust client generator: spec text in, the files of a Rust crate out.
//!
//! The work runs in three stages, one module each:
//!
//! 1. [`load`]: parse the document (`openapiv3` over `serde_yaml`/`serde_json`), check its version,
//!    and give access to it with every `$ref` resolved. A 3.1 document is first rewritten to 3.0.3
//!    by [`normalize`], so both versions give the same model.
//! 2. [`model`]: lower the document into named types, fields, constraints and operations. Every
//!    name is decided here; the model is sorted so the output is the same for the same input.
//! 3. [`emit`]: walk the model and build tokens with `quote!`, parse them with `syn`, and print
//!    them once with `prettyplease`.
//!
//! The library does no I/O: [`generate`] returns the files, and the caller (the `xtask`) writes them.
//!
//! ```
//! let spec = r##"
//! openapi: 3.0.3
//! info: { title: Pets, version: "1" }
//! paths:
//!   /pets/{id}:
//!     get:
//!       operationId: getPet
//!       parameters:
//!         - { name: id, in: path, required: true, schema: { type: string } }
//!       responses:
//!         "200":
//!           description: A pet.
//!           content:
//!             application/json:
//!               schema: { $ref: "#/components/schemas/Pet" }
//! components:
//!   schemas:
//!     Pet:
//!       type: object
//!       required: [name]
//!       properties:
//!         name: { type: string, maxLength: 50 }
//! "##;
//! let output = generator::generate(spec, &generator::Config::new("pets-client")).unwrap();
//! assert!(output.files["src/types.rs"].contains("pub struct Pet"));
//! assert!(output.files["src/client.rs"].contains("pub async fn get_pet"));
//! ```

mod check;
pub mod emit;
pub mod load;
pub mod model;
mod names;
pub mod normalize;

use std::collections::BTreeMap;
use std::fmt;

/// What to generate, beyond what the spec says.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The package name of the generated crate (`Cargo.toml`'s `name`).
    pub crate_name: String,
    /// The package version of the generated crate.
    pub crate_version: String,
    /// How the spec is named in the `@generated` header of every file, e.g. `spec/pets.yaml`.
    pub spec_label: String,
    /// Extra `[dev-dependencies]` lines for `Cargo.toml`, as `(name, TOML value)`, e.g. `("wiremock", "\"0.6\"")`.
    pub dev_dependencies: Vec<(String, String)>,
    /// Whether `Cargo.toml` gets an empty `[workspace]` table, so the crate builds on its own even
    /// inside another workspace's directory. Off for a crate that is a member of a workspace.
    pub own_workspace: bool,
    /// Benchmark targets for `Cargo.toml`: each becomes a `[[bench]]` with `harness = false`, for a
    /// hand-written `benches/<name>.rs` driven by a framework such as `criterion` (add it with
    /// [`Config::dev_dependency`]).
    pub benches: Vec<String>,
    /// Test targets that need Cargo features of the generated crate: each becomes a `[[test]]`
    /// with `required-features`, for a hand-written `tests/<name>.rs`, as `(name, features)`.
    pub feature_tests: Vec<(String, Vec<String>)>,
    /// Whether each tag of the document becomes a Cargo feature of the crate (off by default):
    /// an operation is compiled when a feature of one of its tags is on, and a type when a
    /// feature of an operation that uses it is. Operations without a tag (and what they use)
    /// are always compiled; the types no operation uses come with a feature of their own,
    /// `unused-types`. See [`model::TagFeatures`].
    pub tag_features: bool,
    /// Which tag features `default` turns on, when [`Config::tag_features`] is set: all of them
    /// unless told otherwise.
    pub default_features: DefaultFeatures,
}

/// Which tag features a crate's `default` feature turns on ([`Config::default_features`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DefaultFeatures {
    /// Every tag's feature: the whole API, as without tag features.
    #[default]
    All,
    /// None: a user names the features of the tags they call.
    None,
    /// These, each a tag as the document spells it or its feature's name; a name that is
    /// neither is an error.
    Only(Vec<String>),
}

impl DefaultFeatures {
    /// Reads `all`, `none` (or nothing) or a comma-separated list of names, as given on a
    /// command line.
    pub fn parse(text: &str) -> DefaultFeatures {
        match text.trim() {
            "all" => DefaultFeatures::All,
            "" | "none" => DefaultFeatures::None,
            list => DefaultFeatures::Only(
                list.split(',')
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty())
                    .collect(),
            ),
        }
    }
}

impl Config {
    /// A configuration with the given crate name, version `0.1.0`, and the spec labelled `the OpenAPI spec`.
    pub fn new(crate_name: impl Into<String>) -> Config {
        Config {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_owned(),
            spec_label: "the OpenAPI spec".to_owned(),
            dev_dependencies: Vec::new(),
            own_workspace: true,
            benches: Vec::new(),
            feature_tests: Vec::new(),
            tag_features: false,
            default_features: DefaultFeatures::All,
        }
    }

    /// Sets whether each tag becomes a Cargo feature of the crate ([`Config::tag_features`]).
    pub fn tag_features(mut self, on: bool) -> Config {
        self.tag_features = on;
        self
    }

    /// Sets which tag features are on by `default` ([`Config::default_features`]).
    pub fn default_features(mut self, default: DefaultFeatures) -> Config {
        self.default_features = default;
        self
    }

    /// Sets how the spec is named in the `@generated` header.
    pub fn spec_label(mut self, label: impl Into<String>) -> Config {
        self.spec_label = label.into();
        self
    }

    /// Sets whether `Cargo.toml` declares its own `[workspace]`.
    pub fn own_workspace(mut self, own: bool) -> Config {
        self.own_workspace = own;
        self
    }

    /// Adds a `[dev-dependencies]` entry to the generated `Cargo.toml`.
    pub fn dev_dependency(
        mut self,
        name: impl Into<String>,
        toml_value: impl Into<String>,
    ) -> Config {
        self.dev_dependencies.push((name.into(), toml_value.into()));
        self
    }

    /// Adds a `[[bench]]` target named `name` with `harness = false` to the generated `Cargo.toml`;
    /// its source, `benches/<name>.rs`, is written by hand next to the generated crate.
    pub fn bench(mut self, name: impl Into<String>) -> Config {
        self.benches.push(name.into());
        self
    }

    /// Adds a `[[test]]` target named `name` that is built only with `features` of the generated
    /// crate (`required-features`), such as `middleware`; its source, `tests/<name>.rs`, is
    /// written by hand next to the generated crate.
    pub fn feature_test(mut self, name: impl Into<String>, features: &[&str]) -> Config {
        let features = features.iter().map(|f| (*f).to_owned()).collect();
        self.feature_tests.push((name.into(), features));
        self
    }
}

/// The generated crate: file contents by path relative to the crate root, and what was worth a warning.
#[derive(Debug, Clone)]
pub struct Output {
    /// `Cargo.toml`, `src/lib.rs`, ... mapped to their contents.
    pub files: BTreeMap<String, String>,
    /// Constructs the generator handled by a documented fallback (each names where).
    pub warnings: Vec<Diagnostic>,
}

/// A problem in the spec: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where: a JSON pointer (`#/components/schemas/Foo/properties/bar`) or `line L column C`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn new(location: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Every error found in a spec; generation stops after the stage that found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<Diagnostic>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "error: {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// Generates the files of a client crate from the text of an OpenAPI 3.0 or 3.1 document (YAML or JSON).
///
/// Same input, same bytes. Fails with every problem found, each located, and never panics on bad input.
pub fn generate(spec: &str, config: &Config) -> Result<Output, Errors> {
    let document = load::load(spec)?;
    let (mut model, mut lowering_warnings) = model::lower(&document).map_err(|mut errors| {
        document.moved.relocate(&mut errors.0);
        errors
    })?;
    document.moved.relocate(&mut lowering_warnings);
    let mut warnings = document.warnings.clone();
    warnings.extend(lowering_warnings);
    if config.tag_features {
        let (features, feature_warnings) =
            model::tag_features(&model, &config.default_features).map_err(|e| Errors(vec![e]))?;
        model.features = Some(features);
        warnings.extend(feature_warnings);
    }
    // A schema lowered twice (once per direction, say) warns once.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|warning| seen.insert((warning.location.clone(), warning.message.clone())));
    // The model owns all it needs: free the document before the emit stage's peak, on a thread
    // of its own (a large document takes milliseconds to free).
    drop_in_background(document);
    let files = emit::emit(&model, config).map_err(|error| Errors(vec![error]))?;
    Ok(Output { files, warnings })
}

/// Drops `value` on a thread of its own (or here, when no thread can be started): freeing a
/// large document's tree takes milliseconds that the next stage need not wait for.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // A failed spawn drops the closure, and `value` with it, here.
    let _ = std::thread::Builder::new()
        .name("drop".to_owned())
        .spawn(move || drop(value));
}
