//! Stage 3: the model as files. Emit only prints: what to write for each type and operation is
//! decided in the model (its names, [`Usage`](crate::model::Usage), `Operation::idempotent`, ...).
//! Rust is built as tokens with `quote!`, parsed by `syn` and printed by `prettyplease`; the support
//! modules every client needs (`runtime/`) are copied in as they are. What most of a large
//! `src/types.rs` is made of is cheaper: its struct, enum and error-enum definitions and
//! constructors are built as `syn` trees directly (`syntax.rs`, a `Piece::Item`), and the
//! calls of the runtime's item macros and all doc text are laid out as text while the tokens hold
//! a numbered marker (`with_text_table`). Each is checked to give the bytes of the plain route.
//!
//! [`emit`] cuts the Rust files into parts (`src/lib.rs`; 64 types of `src/types.rs`; 16 operations
//! of `src/client.rs`; `src/params.rs`; 16 operations of `src/mock.rs`), which `run_parts` builds,
//! parses, prints and lays out on one thread per core (tokens cannot cross threads, so each part's
//! are built where it is printed), and joins the texts in order (client parts give up their `impl
//! Client {` / `}` lines but the first's and the last's; `print::join_laid_out` decides the blank
//! line where two parts meet). No part is much larger than another, so neither thread is left
//! with a long last part. [`emit_syntax`] + [`format()`] do the same work in two steps
//! (whole `syn::File`s, then `prettyplease`) so `benches/stages.rs` can time each; both routes give
//! the same bytes (`tests/emit_split.rs`) and finish the text with the same layout passes
//! (`print.rs`). Doc text is wrapped (`wrap`), and a type or field the spec does not describe gets
//! no invented doc (`src/types.rs` allows `missing_docs`).
//!
//! One module per construct: `types.rs` (structs, open enums), `union.rs`, `errors.rs`, `check.rs`
//! (the checks of request values), `client.rs` (the builder and client), `operation.rs` (an
//! operation's method), `pages.rs`, `params.rs`, `mock.rs` and `fake.rs` (the `mock` feature),
//! `print.rs` and `syntax.rs`.

mod check;
mod client;
mod errors;
mod fake;
mod features;
mod mock;
mod operation;
mod pages;
mod params;
mod print;
mod syntax;
mod types;
mod union;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Encoding, Model, PatternEngine, Shape, TypeDef};
use crate::{Config, Diagnostic};

use print::{invalid, lay_out, print_items};

/// Support modules written into every generated crate, unchanged: `(file, source)`.
const RUNTIME: &[(&str, &str)] = &[
    ("src/auth.rs", include_str!("../runtime/auth.rs")),
    ("src/error.rs", include_str!("../runtime/error.rs")),
    ("src/fake.rs", include_str!("../runtime/fake.rs")),
    ("src/http.rs", include_str!("../runtime/http.rs")),
    (
        "src/mock_server.rs",
        include_str!("../runtime/mock_server.rs"),
    ),
    ("src/nullable.rs", include_str!("../runtime/nullable.rs")),
    ("src/open_enum.rs", include_str!("../runtime/open_enum.rs")),
    ("src/pages.rs", include_str!("../runtime/pages.rs")),
    ("src/retry.rs", include_str!("../runtime/retry.rs")),
    ("src/secret.rs", include_str!("../runtime/secret.rs")),
    (
        "src/validation.rs",
        include_str!("../runtime/validation.rs"),
    ),
    ("src/wire.rs", include_str!("../runtime/wire.rs")),
];

/// Whether `path` (relative to the crate root) is a support module copied in unchanged rather than
/// built from the spec: the same text in every generated crate, apart from its header.
pub fn is_runtime_file(path: &str) -> bool {
    path == "src/pattern.rs" || RUNTIME.iter().any(|(file, _)| *file == path)
}

/// Builds the tokens of one Rust file of the crate.
type BuildFile = fn(&Model) -> TokenStream;

/// The Rust files of the crate and the function that builds each one's tokens.
fn rust_files(model: &Model) -> Vec<(&'static str, BuildFile)> {
    let mut files: Vec<(&'static str, BuildFile)> =
        vec![("src/lib.rs", lib_rs), ("src/types.rs", types::types_rs)];
    if params::has_params(model) {
        files.push(("src/params.rs", params::params_rs));
    }
    files.push(("src/client.rs", client::client_rs));
    files.push(("src/mock.rs", mock::mock_rs));
    files
}

/// Writes the crate for `model`: `Cargo.toml`, `src/lib.rs`, `src/types.rs`, `src/client.rs` and the support modules.
///
/// The same text as [`emit_syntax`] followed by [`format()`] (the split exists so each half can be
/// measured on its own, `cargo bench -p generator`), made faster and with less memory: the files
/// are cut into parts (64 types, or 16 operations, each) that are built, parsed and printed one
/// item at a time on as many threads as there are cores, so only a few parts' tokens are alive
/// at once, and the texts are joined in order.
pub fn emit(model: &Model, config: &Config) -> Result<BTreeMap<String, String>, Diagnostic> {
    let header = header(config);
    let parts = parts(model);
    // Each part is laid out where it is printed; only where two parts meet is left to the join.
    let texts = run_parts(&parts, |part| {
        let (text, docs) = with_text_table(|| part.print(model));
        text.map(|text| lay_out(&text, &docs))
    })?;
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_owned(), cargo_toml(model, config));
    for (part, text) in parts.iter().zip(texts) {
        let file = files
            .entry(part.path().to_owned())
            .or_insert_with(|| lay_out(&format!("{header}\n"), &[]));
        print::join_laid_out(file, &text);
    }
    insert_runtime(&mut files, &header, model);
    Ok(files)
}

/// How many types, or operations, one part of `src/types.rs`, or `src/client.rs`, holds.
const TYPES_PER_PART: usize = 64;
const OPERATIONS_PER_PART: usize = 16;

/// A piece of a Rust file that can be built and printed on its own; the printed parts of a file,
/// in order, are its text.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Lib,
    /// The types in the range, and the file's head or tail when the range touches an end.
    Types(std::ops::Range<usize>),
    /// The operations' parameter structs.
    Params,
    /// The typed mock server's operations in the range (the first part holds the file's head,
    /// the last the fake).
    Mock(std::ops::Range<usize>),
    /// The operations in the range, as `impl Client` methods (the first part holds the rest of
    /// the file, the builder, and the block's opening line; the last one its closing brace).
    Client(std::ops::Range<usize>),
}

impl Part {
    fn path(&self) -> &'static str {
        match self {
            Part::Lib => "src/lib.rs",
            Part::Types(_) => "src/types.rs",
            Part::Params => "src/params.rs",
            Part::Mock(_) => "src/mock.rs",
            Part::Client(_) => "src/client.rs",
        }
    }

    fn print(&self, model: &Model) -> Result<String, Diagnostic> {
        let path = self.path();
        match self {
            Part::Lib => print_items(path, [Piece::Tokens(lib_rs(model))]),
            Part::Types(range) => print_items(path, types::types_part(model, range.clone())),
            Part::Params => print_items(path, [Piece::Tokens(params::params_rs(model))]),
            Part::Mock(range) => {
                print_items(path, [Piece::Tokens(mock::mock_part(model, range.clone()))])
            }
            Part::Client(range) => {
                let tokens = client::client_part(model, range.clone());
                let text = print_items(path, [Piece::Tokens(tokens)])?;
                // Only the first part keeps the block's opening line, only the last its `}`.
                let text = match range.start {
                    0 => text.as_str(),
                    _ => text
                        .strip_prefix(client::CLIENT_IMPL_OPEN)
                        .ok_or_else(|| unjoinable(path))?,
                };
                let text = match range.end == model.operations.len() {
                    true => text,
                    false => text.strip_suffix("}\n").ok_or_else(|| unjoinable(path))?,
                };
                Ok(text.to_owned())
            }
        }
    }
}

fn unjoinable(path: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        "internal error: a part of the client was not printed as expected",
    )
}

/// The parts of the Rust files, in file order.
fn parts(model: &Model) -> Vec<Part> {
    fn ranges(len: usize, size: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
        // An empty list is still one (empty) part: it holds the file's head and tail.
        (0..len.div_ceil(size).max(1)).map(move |i| i * size..((i + 1) * size).min(len))
    }
    std::iter::once(Part::Lib)
        .chain(ranges(model.types.len(), TYPES_PER_PART).map(Part::Types))
        .chain(params::has_params(model).then_some(Part::Params))
        .chain(ranges(model.operations.len(), OPERATIONS_PER_PART).map(Part::Client))
        .chain(ranges(model.operations.len(), OPERATIONS_PER_PART).map(Part::Mock))
        .collect()
}

/// `print` of every part, on one thread per core (`proc_macro2` tokens cannot cross threads, so
/// each part's tokens are built where they are printed); the texts come back in order.
fn run_parts<P: Sync>(
    parts: &[P],
    print: impl Fn(&P) -> Result<String, Diagnostic> + Sync,
) -> Result<Vec<String>, Diagnostic> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(parts.len());
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = parts.get(index) else {
                return done;
            };
            done.push((index, print(part)));
        }
    };
    let mut done = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for helper in helpers {
            match helper.join() {
                Ok(more) => done.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, text)| text).collect()
}

/// The Rust sources of the crate as syntax trees, before printing: `(path, file)` for
/// `src/lib.rs`, `src/types.rs` and `src/client.rs`, built with `quote!` and parsed by `syn`.
pub fn emit_syntax(model: &Model) -> Result<Vec<(&'static str, syn::File)>, Diagnostic> {
    rust_files(model)
        .into_iter()
        .map(|(path, build)| {
            let file = syn::parse2::<syn::File>(build(model)).map_err(|e| invalid(path, e))?;
            Ok((path, file))
        })
        .collect()
}

/// The files of the crate: the syntax trees of [`emit_syntax`] printed once by `prettyplease`,
/// `Cargo.toml`, and the support modules, each under the `@generated` header.
pub fn format(
    syntax: &[(&'static str, syn::File)],
    model: &Model,
    config: &Config,
) -> BTreeMap<String, String> {
    let header = header(config);
    let mut files = BTreeMap::new();
    files.insert("Cargo.toml".to_owned(), cargo_toml(model, config));
    for (path, file) in syntax {
        let text = format!("{header}\n{}", prettyplease::unparse(file));
        files.insert((*path).to_owned(), lay_out(&text, &[]));
    }
    insert_runtime(&mut files, &header, model);
    files
}

fn header(config: &Config) -> String {
    format!(
        "// @generated by `cargo xtask codegen`; do not edit by hand.\n// From {}.\n",
        config.spec_label
    )
}

fn insert_runtime(files: &mut BTreeMap<String, String>, header: &str, model: &Model) {
    for (path, source) in RUNTIME {
        files.insert((*path).to_owned(), format!("{header}\n{source}"));
    }
    let source = match model.usage.pattern_engine {
        Some(PatternEngine::Backtracking) => include_str!("../runtime/fancy_pattern.rs"),
        Some(PatternEngine::Regex) => include_str!("../runtime/pattern.rs"),
        None => return,
    };
    files.insert("src/pattern.rs".to_owned(), format!("{header}\n{source}"));
}

fn cargo_toml(model: &Model, config: &Config) -> String {
    let uses_form = model
        .operations
        .iter()
        .any(|op| matches!(&op.body, Some(b) if matches!(b.encoding, Encoding::Form(_))));
    let mut toml = format!(
        "# @generated by `cargo xtask codegen` from {label}; do not edit by hand.\n\
         [package]\n\
         name = {name:?}\n\
         version = {version:?}\n\
         edition = \"2021\"\n\
         rust-version = \"1.80\"\n\
         description = {description:?}\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         bytes = \"1\"\n\
         fastrand = \"2\"\n\
         futures-core = \"0.3\"\n\
         httpdate = \"1\"\n\
         jsonwebtoken = {{ version = \"9\", optional = true }}\n\
         percent-encoding = \"2\"\n",
        label = config.spec_label,
        name = config.crate_name,
        version = config.crate_version,
        description = format!(
            "Rust client for {}{}, generated from its OpenAPI document.",
            model.title,
            match model.version.is_empty() {
                true => String::new(),
                false => format!(" {}", model.version),
            }
        ),
    );
    match model.usage.pattern_engine {
        Some(PatternEngine::Backtracking) => toml.push_str("fancy-regex = \"0.20\"\n"),
        Some(PatternEngine::Regex) => toml.push_str("regex = \"1\"\n"),
        None => {}
    }
    toml.push_str(
        "reqwest = { version = \"0.12\", default-features = false, features = [\"rustls-tls\", \"http2\"] }\n\
         # Only with the `middleware` feature: `ClientBuilder::middleware_client`.\n\
         reqwest-middleware = { version = \"0.4\", default-features = false, optional = true }\n\
         # Without `derive`: `wire.rs`'s macros write the impls, so no proc macro is built first.\n\
         serde = \"1\"\n\
         serde_json = \"1\"\n",
    );
    if uses_form {
        toml.push_str("serde_urlencoded = \"0.7\"\n");
    }
    toml.push_str(
        "tokio = { version = \"1\", features = [\"sync\", \"time\"] }\n\
         # Without `attributes` (`#[instrument]`, not used here): it builds a proc macro and its `syn` first.\n\
         tracing = { version = \"0.1\", default-features = false, features = [\"std\"] }\n\
         wiremock = { version = \"0.6\", optional = true }\n\
         \n\
         [features]\n",
    );
    toml.push_str(&features::cargo_features(model));
    toml.push_str(
        "# Send requests through a `reqwest_middleware::ClientWithMiddleware`.\n\
         middleware = [\"dep:reqwest-middleware\"]\n\
         # A typed mock server of the API, for testing code that calls the client (`mock`).\n\
         mock = [\"dep:wiremock\"]\n\
         # The OAuth2 client-credentials flow with a signed client assertion (`PrivateKeyJwt`).\n\
         private-key-jwt = [\"dep:jsonwebtoken\"]\n\
         \n\
         [dev-dependencies]\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n",
    );
    for (name, value) in &config.dev_dependencies {
        toml.push_str(&format!("{name} = {value}\n"));
    }
    for name in &config.benches {
        toml.push_str(&format!("\n[[bench]]\nname = {name:?}\nharness = false\n"));
    }
    for (name, features) in &config.feature_tests {
        toml.push_str(&format!(
            "\n[[test]]\nname = {name:?}\nrequired-features = {features:?}\n"
        ));
    }
    if config.own_workspace {
        toml.push_str("\n[workspace]\n");
    }
    toml
}

fn lib_rs(model: &Model) -> TokenStream {
    // With tag features, which support code is called depends on the features too; without
    // operations (a document of webhooks only), little of it is.
    let lenient = (model.features.is_some() || model.operations.is_empty())
        .then(|| quote!(#[allow(dead_code)]));
    let pattern = model.usage.pattern_engine.is_some().then(|| {
        quote! {
            #[rustfmt::skip]
            #lenient
            mod pattern;
        }
    });
    let params = params::has_params(model).then(|| {
        quote! {
            #[rustfmt::skip]
            pub mod params;
        }
    });
    let mut text = match model.version.is_empty() {
        true => format!("A Rust client for {}.", model.title),
        false => format!(
            "A Rust client for {} (API version {}).",
            model.title, model.version
        ),
    };
    if let Some(description) = &model.description {
        text.push_str("\n\n");
        text.push_str(description);
    }
    text.push_str(
        "\n\nGenerated from the API's OpenAPI document: [`Client`] has one async method per operation, \
         [`types`] holds the request and response types",
    );
    if params.is_some() {
        text.push_str(", [`params`] the query and header parameters of each operation");
    }
    text.push_str(
        ". Optional fields that may also be `null` are [`Nullable`], so a request can leave a field \
         out or clear it.",
    );
    if let Some(features) = &model.features {
        text.push_str(&features::crate_doc(features));
    }
    let doc = inner_doc(&text);
    let secret_keys = secret_keys(model);
    quote! {
        #doc
        #![forbid(unsafe_code)]
        #![deny(missing_docs)]
        // Descriptions come from the spec, written for HTML renderers, not rustdoc.
        #![allow(rustdoc::bare_urls, rustdoc::invalid_html_tags, rustdoc::broken_intra_doc_links)]
        #![allow(clippy::too_many_arguments, clippy::large_enum_variant, clippy::doc_lazy_continuation)]

        // Generated code is formatted by the generator (prettyplease), not by rustfmt.
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod auth;
        #[rustfmt::skip]
        #lenient
        mod client;
        #[rustfmt::skip]
        #lenient
        mod error;
        // Support code: which helpers a client calls depends on its spec.
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod http;
        #[rustfmt::skip]
        #lenient
        mod nullable;
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod open_enum;
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod pages;
        #[rustfmt::skip]
        #lenient
        mod retry;
        #[rustfmt::skip]
        #lenient
        mod secret;
        #[rustfmt::skip]
        pub mod types;
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod validation;
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod wire;
        #pattern
        #params
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        #[allow(dead_code)]
        mod fake;
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        #lenient
        mod mock_server;
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        pub mod mock;

        pub use auth::{ClientCredentials, StaticToken, TokenError, TokenFuture, TokenProvider};
        #[cfg(feature = "private-key-jwt")]
        pub use auth::{AssertionAlgorithm, PrivateKeyJwt};
        pub use client::{Client, ClientBuilder};
        pub use error::{ApiError, BuildError, Error, RateLimit};
        pub use error::{HeaderMap, HeaderName, HeaderValue, StatusCode};
        pub use http::{encode_path_segment, ResponseValue};
        pub use nullable::Nullable;
        pub use pages::Pages;
        pub use retry::RetryPolicy;
        pub use secret::SecretString;
        pub use validation::{FieldPath, Rule, Validate, ValidationError, Violation};
        /// The `reqwest-middleware` that [`ClientBuilder::middleware_client`] takes (its
        /// `reqwest` is this crate's), for building a stack without depending on it by hand.
        /// Only with the `middleware` feature.
        #[cfg(feature = "middleware")]
        pub use reqwest_middleware;

        /// The JSON names of the spec's secret fields: an error's copy of an answer's body has
        /// their values redacted (`secret::redact_body`).
        #lenient
        const SECRET_KEYS: &[&str] = &[#( #secret_keys ),*];
    }
}

/// The JSON names of the fields whose values are secrets ([`SecretString`]s, or arrays and maps
/// of them), in any struct, sorted and each once.
fn secret_keys(model: &Model) -> std::collections::BTreeSet<&str> {
    let holds_secret =
        |shape: &Shape| matches!(shape.innermost(), Shape::String(rules) if rules.secret);
    model
        .types
        .iter()
        .filter_map(|def| match def {
            TypeDef::Struct(s) => Some(s),
            _ => None,
        })
        .flat_map(|s| &s.fields)
        .filter(|field| holds_secret(&field.shape))
        .map(|field| field.wire.as_str())
        .collect()
}

/// Turns spec text into doc comment lines rustdoc reads as prose: code fences become `text`
/// blocks and indentation (which would start a doctest) is dropped.
fn doc_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    let mut lines = Vec::new();
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // Whatever language a fence names, rustdoc must not compile it.
            in_fence = !in_fence;
            lines.push(if in_fence { " ```text" } else { " ```" }.to_owned());
            continue;
        }
        let line = if in_fence {
            line.trim_end()
        } else {
            line.trim()
        };
        if line.is_empty() {
            lines.push(String::new());
        } else if in_fence || line.starts_with('|') || line.starts_with('#') {
            lines.push(format!(" {line}"));
        } else {
            wrap(line, DOC_WIDTH, &mut lines);
        }
    }
    lines
}

/// How wide a line of doc text may be: with `        /// ` before it (a struct variant's field),
/// 100 columns.
const DOC_WIDTH: usize = 88;

/// A line of prose as doc lines of at most `width` characters, broken at spaces (a word longer
/// than that keeps its own line), each after the space that follows `///`, pushed onto `lines`;
/// the lines of a list item go on two spaces in.
fn wrap(line: &str, width: usize, lines: &mut Vec<String>) {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let list_item = line.starts_with("- ")
        || line.starts_with("* ")
        || (digits > 0 && line[digits..].starts_with(". "));
    let first = lines.len();
    // The line being filled, after its leading spaces, and its length in characters.
    // A line is at most `width` characters after its spaces (but for a longer word).
    let start = |spaces: &str| {
        let mut line = String::with_capacity(width + 4);
        line.push_str(spaces);
        line
    };
    let (mut current, mut chars) = (start(" "), 0);
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let indent = if lines.len() == first || !list_item {
            0
        } else {
            2
        };
        let word_chars = match word.is_ascii() {
            true => word.len(),
            false => word.chars().count(),
        };
        if chars > 0 && chars + 1 + word_chars + indent > width {
            let spaces = if list_item { "   " } else { " " };
            lines.push(std::mem::replace(&mut current, start(spaces)));
            chars = 0;
        }
        if chars > 0 {
            current.push(' ');
            chars += 1;
        }
        current.push_str(word);
        chars += word_chars;
    }
    lines.push(current);
}

/// `#[doc = "..."]` attributes for an item; while a part is built by [`with_text_table`], one
/// `#[doc = "N"]` that stands for them.
fn doc(text: &str) -> TokenStream {
    let values = doc_values(text);
    quote! { #( #[doc = #values] )* }
}

/// [`doc`] as syntax trees, for items built without tokens (`syntax.rs`).
fn doc_attrs(text: &str) -> Vec<syn::Attribute> {
    doc_values(text)
        .iter()
        .map(|value| syntax::name_value_attr("doc", value))
        .collect()
}

/// The values of an item's `#[doc = "..."]` attributes: its doc lines, or while a part is built by
/// [`with_text_table`], the number of the table's entry that holds them.
fn doc_values(text: &str) -> Vec<String> {
    let lines = doc_lines(text);
    if lines.is_empty() {
        return lines;
    }
    TEXT_TABLE.with_borrow_mut(|table| match table {
        Some(table) => {
            let marker = table.len().to_string();
            table.push(lines);
            vec![marker]
        }
        None => lines,
    })
}

/// What a part of a file is built as, item by item: tokens, which [`print_items`] parses, or
/// items built as syntax trees (`syntax.rs`), which it prints as they are.
pub(super) enum Piece {
    Tokens(TokenStream),
    Item(Box<syn::Item>),
}

impl quote::ToTokens for Piece {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Piece::Tokens(more) => more.to_tokens(tokens),
            Piece::Item(item) => item.to_tokens(tokens),
        }
    }
}

/// The runtime's macros that write impls for a type the generated code defines: a call of one is
/// an item of its own, `path!(arguments, [items]);`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ItemMacro {
    /// `open_enum!` (`runtime/open_enum.rs`).
    OpenEnum,
    /// `serde_struct!` (`runtime/wire.rs`).
    SerdeStruct,
    /// `error_answers!` (`runtime/http.rs`).
    ErrorAnswers,
    /// `serde_union!` (`runtime/wire.rs`).
    SerdeUnion,
}

impl ItemMacro {
    const ALL: [ItemMacro; 4] = [
        ItemMacro::OpenEnum,
        ItemMacro::SerdeStruct,
        ItemMacro::ErrorAnswers,
        ItemMacro::SerdeUnion,
    ];

    /// The call's text up to its first argument.
    fn opener(self) -> &'static str {
        match self {
            ItemMacro::OpenEnum => "crate::open_enum::open_enum!(",
            ItemMacro::SerdeStruct => "crate::wire::serde_struct!(",
            ItemMacro::ErrorAnswers => "crate::http::error_answers!(",
            ItemMacro::SerdeUnion => "crate::wire::serde_union!(",
        }
    }

    fn path(self) -> TokenStream {
        match self {
            ItemMacro::OpenEnum => quote!(crate::open_enum::open_enum),
            ItemMacro::SerdeStruct => quote!(crate::wire::serde_struct),
            ItemMacro::ErrorAnswers => quote!(crate::http::error_answers),
            ItemMacro::SerdeUnion => quote!(crate::wire::serde_union),
        }
    }
}

/// A call `path!(arguments, [items]);` of `mac`, each argument and item given as its text, laid
/// out as [`print::item_macro_lines`] lays it out. While a part is built by [`with_text_table`],
/// the lines wait in the table and the tokens are `path!(N);`, which [`lay_out`] replaces with
/// them: the call's tokens are not built, parsed by `syn` or printed by `prettyplease`, whose
/// layout of them the layout passes would redo anyway. Otherwise they are the call's tokens.
fn item_macro(mac: ItemMacro, arguments: &[&str], items: &[String]) -> TokenStream {
    let call = format!(
        "{}{}, [{}]);",
        mac.opener(),
        arguments.join(", "),
        items.join(", ")
    );
    TEXT_TABLE.with_borrow_mut(|table| match table {
        Some(table) => {
            let number = proc_macro2::Literal::usize_unsuffixed(table.len());
            table.push(print::item_macro_lines(mac, call, arguments, items));
            let path = mac.path();
            quote!(#path!(#number);)
        }
        None => call
            .parse()
            .expect("an item macro's call is made of tokens"),
    })
}

/// A string literal as Rust source, as `prettyplease` prints it.
fn string_literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

thread_local! {
    /// The text of the part being built on this thread, by number (see [`with_text_table`]):
    /// an item's doc lines, or a call's lines.
    static TEXT_TABLE: std::cell::RefCell<Option<Vec<Vec<String>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `build` with [`doc`] and [`item_macro`] keeping the text they make in a table and leaving
/// only its number in the tokens, and returns the table with what `build` returns.
///
/// Doc text is much of a crate (a third of the lines of a large `src/types.rs`): as attributes
/// it is escaped into literals, copied into `syn`'s buffer, parsed as a meta item and unescaped
/// again to be printed, about a sixth of all the work. A number goes through `syn` and
/// `prettyplease` instead, which print it as a `///N` line (no doc line [`doc_lines`] makes
/// starts with a digit), and [`lay_out`] writes the lines in its place, as `prettyplease` would
/// print them. The calls of the runtime's item macros (a fifth of the lines) are the same: `path!(N);`
/// in the tokens (no call has a number for its only argument), their lines in the table.
fn with_text_table<T>(build: impl FnOnce() -> T) -> (T, Vec<Vec<String>>) {
    /// Ends the table however `build` ends, so that no later [`doc`] on this thread (one of
    /// [`emit_syntax`]'s, say) leaves a marker after a panic.
    struct Table;
    impl Drop for Table {
        fn drop(&mut self) {
            TEXT_TABLE.with_borrow_mut(|table| *table = None);
        }
    }
    TEXT_TABLE.with_borrow_mut(|table| *table = Some(Vec::new()));
    let guard = Table;
    let built = build();
    let table = TEXT_TABLE.with_borrow_mut(Option::take).unwrap_or_default();
    drop(guard);
    (built, table)
}

/// `#![doc = "..."]` attributes for a module.
fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}
