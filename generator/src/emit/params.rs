//! `src/params.rs`: one struct per operation that takes query or header parameters, so that a
//! call names what it sets instead of passing a run of positional `Option`s.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{constraint_notes, ident, rust_type};
use super::{doc, inner_doc};
use crate::model::{Model, Operation, Param, ParamLocation, Shape};

/// Whether the crate has a `params` module: some operation takes query or header parameters.
pub(super) fn has_params(model: &Model) -> bool {
    model.operations.iter().any(|op| op.params_struct.is_some())
}

pub(super) fn params_rs(model: &Model) -> TokenStream {
    let structs = model
        .operations
        .iter()
        .enumerate()
        .filter_map(|(i, op)| params_struct(op, &super::features::operation(model, i)));
    // Doc examples are compiled with the default features.
    let example = model
        .operations
        .iter()
        .enumerate()
        .filter(|(i, op)| {
            has_default(op)
                && super::features::on_by_default(
                    model,
                    &super::features::operation_gate(model, *i),
                )
        })
        .find_map(|(_, op)| Some((op.params_struct.as_deref()?, op)))
        .map(|(name, op)| example(name, op));
    let module_doc = inner_doc(
        "The query and header parameters of each operation that takes any, as one struct: \
         `ListThingsParams` for `Client::list_things`. Path parameters and the request body are \
         arguments of the method itself.",
    );
    quote! {
        #module_doc
        #example

        #( #structs )*
    }
}

/// The module doc's example: building `name`, with one field set where one has a simple type.
fn example(name: &str, op: &Operation) -> TokenStream {
    let set = op.params.iter().find_map(|p| {
        let value = match &p.shape {
            _ if p.location == ParamLocation::Path => return None,
            Shape::Boolean => "true",
            Shape::Integer(..) => "1",
            Shape::Number(..) => "1.0",
            Shape::String(rules) if !rules.secret => "\"text\".to_owned()",
            _ => return None,
        };
        Some((p.ident.as_str(), value))
    });
    let build = match set {
        Some((field, value)) => vec![
            format!("let params = {name} {{"),
            format!("    {field}: Some({value}),"),
            "    ..Default::default()".to_owned(),
            "};".to_owned(),
            format!("assert!(params.{field}.is_some());"),
        ],
        None => vec![
            format!("let params = {name}::default();"),
            "# let _ = params;".to_owned(),
        ],
    };
    let build: Vec<String> = build.iter().map(|line| format!(" {line}")).collect();
    let before = [
        "",
        " Every field is public: set what the call needs and leave the rest to `Default`.",
        "",
        " ```",
    ];
    quote! {
        #( #![doc = #before] )*
        #![doc = concat!(" use ", env!("CARGO_CRATE_NAME"), "::params::", #name, ";")]
        #![doc = ""]
        #( #![doc = #build] )*
        #![doc = " ```"]
    }
}

/// Whether every parameter of the struct is optional, so the struct is `Default`.
fn has_default(op: &Operation) -> bool {
    op.params
        .iter()
        .all(|p| p.location == ParamLocation::Path || !p.required)
}

fn params_struct(op: &Operation, cfg: &TokenStream) -> Option<TokenStream> {
    let name = op.params_struct.as_deref()?;
    let method = &op.ident;
    let mut text = format!(
        "The query and header parameters of [`Client::{method}`](crate::Client::{method}) \
         (`{} {}`).",
        op.method, op.path
    );
    let required: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path && p.required)
        .collect();
    if !required.is_empty() {
        let names: Vec<String> = required.iter().map(|p| format!("`{}`", p.ident)).collect();
        text.push_str(&format!(
            "\n\nNot `Default`: {} must be given; `new()` takes {}.",
            names.join(", "),
            if names.len() == 1 { "it" } else { "them" }
        ));
    }
    let doc = doc(&text);
    let derives = match required.is_empty() {
        true => quote!(#[derive(Debug, Clone, Default)]),
        false => quote!(#[derive(Debug, Clone)]),
    };
    let fields = op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(field);
    let name = ident(name);
    let new = (!required.is_empty()).then(|| {
        // A string as `impl Into<String>` (or `SecretString`), as the types' `new` takes it.
        let converted = |p: &Param| matches!(p.shape, Shape::String(_));
        let args = required.iter().map(|p| {
            let arg = ident(&p.ident);
            let ty = rust_type(&p.shape, &quote!(crate::types::));
            match converted(p) {
                true => quote!(#arg: impl Into<#ty>),
                false => quote!(#arg: #ty),
            }
        });
        let set = required.iter().map(|p| {
            let arg = ident(&p.ident);
            match converted(p) {
                true => quote!(#arg: #arg.into()),
                false => quote!(#arg),
            }
        });
        let unset = op
            .params
            .iter()
            .filter(|p| p.location != ParamLocation::Path && !p.required)
            .map(|p| ident(&p.ident));
        quote! {
            #cfg
            impl #name {
                /// The parameters with the required ones given and every optional one left out.
                pub fn new(#( #args ),*) -> Self {
                    #name { #( #set, )* #( #unset: None, )* }
                }
            }
        }
    });
    Some(quote! {
        #doc
        #cfg
        #derives
        pub struct #name {
            #( #fields )*
        }

        #new
    })
}

fn field(param: &Param) -> TokenStream {
    let mut text = param.doc.clone().unwrap_or_default();
    let mut notes = Vec::new();
    let place = match param.location {
        ParamLocation::Header => "header",
        _ => "query parameter",
    };
    let mut sent = format!("Sent as the {place} `{}`", param.wire);
    if let (ParamLocation::Query, Shape::Array { .. }) = (param.location, &param.shape) {
        sent.push_str(match param.explode {
            true => ", once per item",
            false => ", the items joined by commas",
        });
    }
    sent.push('.');
    notes.push(sent);
    if param.deprecated {
        notes.push("Deprecated.".to_owned());
    }
    constraint_notes(&param.shape, &mut notes);
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&notes.join(" "));
    let doc = doc(&text);
    let name = ident(&param.ident);
    let ty = rust_type(&param.shape, &quote!(crate::types::));
    let ty = match param.required {
        true => ty,
        false => quote!(Option<#ty>),
    };
    quote! {
        #doc
        pub #name: #ty,
    }
}
