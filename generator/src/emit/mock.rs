//! `src/mock.rs` (the `mock` feature): the typed mock server's operations. Each operation of the
//! spec is an `Operation` (its request and answer types) and a method of `MockServer` that
//! starts an expectation of it; path and query parameters get matchers named after them.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{ident, rust_type};
use super::{doc, inner_doc};
use crate::model::{Encoding, Model, Operation, ParamLocation, StatusMatch, Success};
use crate::names::{camel, Scope};

/// All of `src/mock.rs`.
pub(super) fn mock_rs(model: &Model) -> TokenStream {
    mock_part(model, 0..model.operations.len())
}

/// The part of `src/mock.rs` with the marker types of the operations in `range`; the first part
/// (the range starts at 0) also holds the file's head and the `MockServer` methods, the last one
/// (it ends at the last operation) the fake. Every part names the operations the same way.
pub(super) fn mock_part(model: &Model, range: std::ops::Range<usize>) -> TokenStream {
    let (first, last) = (range.start == 0, range.end == model.operations.len());
    let types = quote!(crate::types::);
    let mut names = Scope::with_reserved(&[
        "Expectation",
        "MockServer",
        "Operation",
        "OperationInfo",
        "Fake",
        "Resource",
        "Stored",
    ]);
    let operations: Vec<(&Operation, String, TokenStream)> = model
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let cfg = super::features::operation(model, i);
            (op, names.claim(camel(&op.ident)), cfg)
        })
        .collect();
    let fake = last.then(|| super::fake::fake_items(model, &mut names));
    let markers = operations[range]
        .iter()
        .map(|(op, marker, cfg)| operation(op, marker, &types, cfg));
    if !first {
        return quote!( #( #markers )* #fake );
    }
    let infos = operations.iter().map(|(op, _, cfg)| {
        let (name, method, path) = (&op.ident, &op.method, &op.path);
        quote!(#cfg OperationInfo { method_name: #name, method: #method, path: #path },)
    });
    let starters = operations.iter().map(|(op, marker, cfg)| {
        let method = ident(&op.ident);
        let marker = ident(marker);
        let doc = doc(&format!(
            "Expects calls of [`Client::{0}`](crate::Client::{0}) (`{1} {2}`).",
            op.ident, op.method, op.path
        ));
        let deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
        quote! {
            #doc
            #cfg
            #deprecated
            pub fn #method(&self) -> Expectation<'_, #marker> {
                Expectation::new(self)
            }
        }
    });
    // Doc examples are compiled with the default features.
    let example = operations
        .iter()
        .enumerate()
        .find(|(i, _)| {
            super::features::on_by_default(model, &super::features::operation_gate(model, *i))
        })
        .map(|(_, (op, _, _))| {
            let lines = [
                "".to_owned(),
                "```no_run".to_owned(),
                "# async fn example() {".to_owned(),
            ];
            let after = [
                "".to_owned(),
                "let server = MockServer::start().await;".to_owned(),
                format!("server.{}()", op.ident),
                "    .respond_status(503, None)".to_owned(),
                "    .times(1)".to_owned(),
                "    .mount()".to_owned(),
                "    .await;".to_owned(),
                "let client = server.client();".to_owned(),
                "// ... call the code under test with `client` ...".to_owned(),
                "server.verify().await;".to_owned(),
                "# }".to_owned(),
                "```".to_owned(),
            ];
            let after: Vec<String> = after.iter().map(|line| format!(" {line}")).collect();
            let lines: Vec<String> = lines.iter().map(|line| format!(" {line}")).collect();
            quote! {
                #( #![doc = #lines] )*
                #![doc = concat!(" use ", env!("CARGO_CRATE_NAME"), "::mock::MockServer;")]
                #( #![doc = #after] )*
            }
        });
    let module_doc = inner_doc(
        "A typed mock of the API on loopback, for testing code that calls the client (the `mock` \
         feature). [`MockServer::start`] starts one; a method per operation starts an \
         [`Expectation`] of its calls, which matches path parameters (`with_<name>`), query \
         parameters and the body with the generated types, and answers with a typed value, a \
         typed error or any status. Expected call counts, and that every request matched an \
         expectation, are checked by [`MockServer::verify`] and when the server is dropped.",
    );
    quote! {
        #module_doc
        #example

        pub use crate::fake::{Fake, Resource, Stored};
        pub use crate::mock_server::{Expectation, MockServer, Operation, OperationInfo};

        /// Every operation of the spec, to name the one a stray request was for.
        const OPERATIONS: &[OperationInfo] = &[ #( #infos )* ];

        impl MockServer {
            /// Starts a mock server on loopback, with no expectations.
            pub async fn start() -> MockServer {
                MockServer::start_with(OPERATIONS).await
            }

            #( #starters )*
        }

        #( #markers )*

        #fake
    }
}

/// The marker type of `op`, its `Operation` impl, and its parameter matchers.
fn operation(op: &Operation, marker: &str, types: &TokenStream, cfg: &TokenStream) -> TokenStream {
    let marker = ident(marker);
    let doc = doc(&format!(
        "`{} {}`, as the mock server sees it: [`Client::{2}`](crate::Client::{2}).",
        op.method, op.path, op.ident
    ));
    let (method_name, method, path) = (&op.ident, &op.method, &op.path);
    let success = proc_macro2::Literal::u16_unsuffixed(op.success_status);
    let body = match &op.body {
        Some(body) => match &body.encoding {
            Encoding::Json(shape) => rust_type(shape, types),
            _ => quote!(serde_json::Value),
        },
        None => quote!(serde_json::Value),
    };
    let ok = match &op.success {
        Success::Json(shape) => rust_type(shape, types),
        Success::Empty => quote!(()),
        Success::Bytes => quote!(serde_json::Value),
    };
    let error = ident(&op.error_name);
    let arms: Vec<TokenStream> = op
        .errors
        .iter()
        .map(|case| {
            let variant = ident(&case.variant);
            let status = match case.status {
                StatusMatch::Code(code) => code,
                StatusMatch::Range(range) => range * 100,
                StatusMatch::Default => default_status(op),
            };
            let status = proc_macro2::Literal::u16_unsuffixed(status);
            quote!(#types #error::#variant(body) => (#status, body.as_ref().map(json)),)
        })
        .collect();
    let json = (!arms.is_empty()).then(|| {
        quote! {
            fn json<T: serde::Serialize>(body: &T) -> serde_json::Value {
                serde_json::to_value(body).expect("an error body serializes")
            }
        }
    });
    // Without a `default` answer, statuses the spec does not declare are `Other`.
    let other = (!op
        .errors
        .iter()
        .any(|case| case.status == StatusMatch::Default))
    .then(|| quote!(#types #error::Other(body) => (500, body.clone()),));
    let mut params = Scope::with_reserved(&[]);
    let matchers = op
        .params
        .iter()
        .filter(|p| matches!(p.location, ParamLocation::Path | ParamLocation::Query))
        .filter_map(|p| {
            let name = params.claim(format!("with_{}", p.ident));
            (name == format!("with_{}", p.ident)).then_some((p, name))
        })
        .map(|(p, name)| {
            let name = ident(&name);
            let wire = &p.wire;
            let (text, call) = match p.location {
                ParamLocation::Path => (
                    format!("Matches only calls whose path parameter `{wire}` is `value`."),
                    quote!(self.path_param(#wire, value)),
                ),
                _ => (
                    format!("Matches only calls with the query parameter `{wire}` set to `value`."),
                    quote!(self.query_param(#wire, value)),
                ),
            };
            let doc = super::doc(&text);
            quote! {
                #doc
                pub fn #name(self, value: impl std::fmt::Display) -> Self {
                    #call
                }
            }
        })
        .collect::<Vec<_>>();
    let matchers = (!matchers.is_empty()).then(|| {
        quote! {
            #cfg
            impl Expectation<'_, #marker> {
                #( #matchers )*
            }
        }
    });
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, Copy)]
        pub struct #marker;

        #cfg
        impl Operation for #marker {
            const METHOD_NAME: &'static str = #method_name;
            const METHOD: &'static str = #method;
            const PATH: &'static str = #path;
            const SUCCESS: u16 = #success;
            type Body = #body;
            type Ok = #ok;
            type Error = #types #error;

            fn error_answer(error: &Self::Error) -> (u16, Option<serde_json::Value>) {
                #json
                match error {
                    #( #arms )*
                    #other
                }
            }
        }

        #matchers
    }
}

/// A status the client reads as the `default` answer: one no declared code or range covers
/// (500 when it can be).
fn default_status(op: &Operation) -> u16 {
    let covered = |status: u16| {
        op.errors.iter().any(|case| match case.status {
            StatusMatch::Code(code) => code == status,
            StatusMatch::Range(range) => range == status / 100,
            StatusMatch::Default => false,
        })
    };
    std::iter::once(500)
        .chain(400..600)
        .find(|status| !covered(*status))
        .unwrap_or(500)
}
