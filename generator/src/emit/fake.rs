//! The in-memory fake's part of `src/mock.rs` (the `mock` feature): `Fake::start`, a
//! `CollectionSpec` per collection of the model (its paths, statuses, id, keys, defaults, error
//! body and list answer), the functions that check request bodies with the generated types,
//! and a marker type and accessor per collection.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};

use super::types::{ident, rust_type};
use super::{doc, features};
use crate::model::{
    Collection, Encoding, ErrorField, Gate, IntParam, ListAnswer, Model, Operation, Shape, Success,
};
use crate::names::Scope;

/// The fake's items.
pub(super) fn fake_items(model: &Model) -> TokenStream {
    let types = quote!(crate::types::);
    let mut fns = Scope::with_reserved(&[]);
    let mut validators = Vec::new();
    let mut specs = Vec::new();
    let mut markers = Vec::new();
    let mut accessors = Vec::new();
    // A collection is compiled when each of its operations is.
    let gates: Vec<Vec<Gate>> = model
        .collections
        .iter()
        .map(|c| {
            [Some(c.create), Some(c.read), c.list, c.update, c.delete]
                .into_iter()
                .flatten()
                .map(|i| features::operation_gate(model, i))
                .collect()
        })
        .collect();
    for (index, collection) in model.collections.iter().enumerate() {
        let cfg = features::attr_every(model, &gates[index]);
        let op = |i: usize| &model.operations[i];
        let mut endpoint = |i: usize| {
            let op = op(i);
            let status = Literal::u16_unsuffixed(op.success_status);
            let method = &op.method;
            let validate = match validator(op, &types) {
                Some(body) => {
                    let name = ident(&fns.claim(format!("check_{}", op.ident)));
                    let doc = doc(&format!(
                        "Checks a request body of `{} {}` as the generated request type.",
                        op.method, op.path
                    ));
                    validators.push(quote! {
                        #doc
                        #cfg
                        fn #name(body: &serde_json::Value) -> Result<(), String> {
                            #body
                        }
                    });
                    quote!(Some(#name))
                }
                None => quote!(None),
            };
            quote!(crate::fake::Endpoint { method: #method, status: #status, validate: #validate })
        };
        let create = endpoint(collection.create);
        let read = endpoint(collection.read);
        let list = option(collection.list.map(&mut endpoint));
        let update = option(collection.update.map(&mut endpoint));
        let delete = option(collection.delete.map(&mut endpoint));
        let spec = spec(collection, create, read, list, update, delete);
        specs.push(quote!(#cfg #spec));
        let marker = ident(&collection.marker);
        let new = match &op(collection.create).body {
            Some(body) => match &body.encoding {
                Encoding::Json(shape) => rust_type(shape, &types),
                _ => quote!(serde_json::Value),
            },
            None => quote!(serde_json::Value),
        };
        let stored = match &op(collection.read).success {
            Success::Json(shape) => rust_type(shape, &types),
            _ => quote!(serde_json::Value),
        };
        // Its index among the collections compiled.
        let index = features::count_compiled(model, &gates[..index]);
        let marker_doc = doc(&format!(
            "The resources at `{}` (created by [`Client::{}`](crate::Client::{1})), as the \
             in-memory fake keeps them.",
            collection.path,
            op(collection.create).ident
        ));
        markers.push(quote! {
            #marker_doc
            #cfg
            #[derive(Debug, Clone, Copy)]
            pub struct #marker;

            #cfg
            impl Resource for #marker {
                const INDEX: usize = #index;
                type New = #new;
                type Stored = #stored;
            }
        });
        let accessor = ident(&collection.ident);
        let accessor_doc = doc(&format!(
            "The resources the fake keeps at `{}`, to seed and inspect them.",
            collection.path
        ));
        accessors.push(quote! {
            #accessor_doc
            #cfg
            pub fn #accessor(&self) -> Stored<'_, #marker> {
                self.stored()
            }
        });
    }
    quote! {
        /// The collections the in-memory fake keeps.
        const COLLECTIONS: &[crate::fake::CollectionSpec] = &[ #( #specs ),* ];

        impl Fake {
            /// Starts the in-memory fake on loopback, with no resources.
            pub async fn start() -> Fake {
                Fake::start_with(COLLECTIONS).await
            }

            #( #accessors )*
        }

        #( #markers )*

        #( #validators )*
    }
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// The body of the function checking `op`'s JSON request body: read as the generated type, and,
/// when it is a named type, its `Validate` impl.
fn validator(op: &Operation, types: &TokenStream) -> Option<TokenStream> {
    let Encoding::Json(shape) = &op.body.as_ref()?.encoding else {
        return None;
    };
    let ty = rust_type(shape, types);
    Some(match shape {
        Shape::Named(_) => quote! {
            let value: #ty = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
            crate::Validate::validate(&value).map_err(|e| e.to_string())
        },
        _ => quote! {
            serde_json::from_value::<#ty>(body.clone()).map(drop).map_err(|e| e.to_string())
        },
    })
}

fn spec(
    collection: &Collection,
    create: TokenStream,
    read: TokenStream,
    list: TokenStream,
    update: TokenStream,
    delete: TokenStream,
) -> TokenStream {
    let (path, item_path, id) = (&collection.path, &collection.item_path, &collection.id);
    let id_integer = collection.id_integer;
    let (keys, unique) = (&collection.keys, &collection.unique);
    let json = |pairs: &[(String, serde_json::Value)]| {
        let map: serde_json::Map<String, serde_json::Value> = pairs.iter().cloned().collect();
        serde_json::Value::Object(map).to_string()
    };
    let assigned = json(&collection.assigned);
    let defaults = json(&collection.defaults);
    let error_fields = collection.error_fields.iter().map(|(name, field)| {
        let field = match field {
            ErrorField::Status => quote!(crate::fake::ErrorField::Status),
            ErrorField::Reason => quote!(crate::fake::ErrorField::Reason),
            ErrorField::Message => quote!(crate::fake::ErrorField::Message),
        };
        quote!((#name, #field))
    });
    let int = |param: &Option<IntParam>| {
        option(param.as_ref().map(|p| {
            let wire = &p.wire;
            let min = option(
                p.min
                    .map(|m| Literal::i64_unsuffixed(m).into_token_stream()),
            );
            let max = option(
                p.max
                    .map(|m| Literal::i64_unsuffixed(m).into_token_stream()),
            );
            quote!(crate::fake::IntParam { wire: #wire, min: #min, max: #max })
        }))
    };
    let page = int(&collection.page);
    let per_page = int(&collection.per_page);
    let totals = option(collection.totals.as_ref().map(|t| quote!(#t)));
    let list_answer = match &collection.list_answer {
        ListAnswer::Array => quote!(crate::fake::ListAnswer::Array),
        ListAnswer::Object { items, numbers } => {
            quote!(crate::fake::ListAnswer::Object { items: #items, numbers: &[ #( #numbers ),* ] })
        }
        ListAnswer::Either { items, numbers } => {
            quote!(crate::fake::ListAnswer::Either { items: #items, numbers: &[ #( #numbers ),* ] })
        }
    };
    quote! {
        crate::fake::CollectionSpec {
            path: #path,
            item_path: #item_path,
            id: #id,
            id_integer: #id_integer,
            keys: &[ #( #keys ),* ],
            unique: &[ #( #unique ),* ],
            assigned: #assigned,
            defaults: #defaults,
            error_fields: &[ #( #error_fields ),* ],
            create: #create,
            read: #read,
            list: #list,
            update: #update,
            delete: #delete,
            page: #page,
            per_page: #per_page,
            totals: #totals,
            list_answer: #list_answer,
        }
    }
}
