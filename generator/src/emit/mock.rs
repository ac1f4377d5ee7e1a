//! `src/mock.rs` (the `mock` feature): the typed mock server's operations. Each operation of the
//! spec is an `Operation` (its request and answer types) and a method of `MockServer` that
//! starts an expectation of it; path and query parameters get matchers named after them.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{ident, rust_type};
use super::{doc, inner_doc};
use crate::model::{Encoding, Model, Operation, ParamLocation, Success};
use crate::names::Scope;

/// All of `src/mock.rs`.
pub(super) fn mock_rs(model: &Model) -> TokenStream {
    mock_part(model, 0..model.operations.len())
}

/// The part of `src/mock.rs` with the marker types of the operations in `range`; the first part
/// (the range starts at 0) also holds the file's head and the `MockServer` methods, the last one
/// (it ends at the last operation) the fake. The marker types are named in the model
/// ([`Operation::mock_marker`]), so every part names them the same way.
pub(super) fn mock_part(model: &Model, range: std::ops::Range<usize>) -> TokenStream {
    let (first, last) = (range.start == 0, range.end == model.operations.len());
    let types = quote!(crate::types::);
    let fake = last.then(|| super::fake::fake_items(model));
    let markers = model.operations[range.clone()]
        .iter()
        .zip(range)
        .map(|(op, i)| operation(op, &types, &super::features::operation(model, i)));
    if !first {
        return quote!( #( #markers )* #fake );
    }
    let operations: Vec<(&Operation, TokenStream)> = model
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| (op, super::features::operation(model, i)))
        .collect();
    let infos = operations.iter().map(|(op, cfg)| {
        let (name, method, path) = (&op.ident, &op.method, &op.path);
        quote!(#cfg OperationInfo { method_name: #name, method: #method, path: #path },)
    });
    let starters = operations.iter().map(|(op, cfg)| {
        let method = ident(&op.ident);
        let marker = ident(&op.mock_marker);
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
        .map(|(_, (op, _))| {
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
        pub use crate::mock_server::{
            ErrorAnswer, Expectation, MockServer, Operation, OperationInfo,
        };

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
fn operation(op: &Operation, types: &TokenStream, cfg: &TokenStream) -> TokenStream {
    let marker = ident(&op.mock_marker);
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
        }

        #matchers
    }
}
