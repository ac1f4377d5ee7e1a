//! `src/types.rs`: a struct per object schema, an open enum per string enum (their impls are one
//! `open_enum!` call), and the file's head; unions are `union.rs`'s, error enums `errors.rs`'s.
//! Only request types ([`Usage::requests`](crate::model::Usage)) get `Validate` impls (one call per
//! check; empty for the unchecked) and `new()`; a strict struct gets `deny_unknown_fields`; a struct
//! written as a union's struct variant is not written as a type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::check::{check_field, Value};
use super::doc;
use super::errors::error_defs;
use super::union::union_def;
use crate::model::{
    Bounds, Enum, Field, FloatType, IntType, Model, Presence, Shape, Struct, TypeDef, Usage,
};

pub(super) fn types_rs(model: &Model) -> TokenStream {
    types_part(model, 0..model.types.len())
}

/// A run of `src/types.rs`: the types in `range`, with the head of the file before them when the
/// range starts the list and the operations' error types after them when it ends it. The parts of
/// a split file, printed item by item, concatenate to the whole file's text.
pub(super) fn types_part(model: &Model, range: std::ops::Range<usize>) -> TokenStream {
    let usage = &model.usage;
    let items = model.types[range.clone()].iter().map(|t| {
        let items = match t {
            TypeDef::Struct(s) if usage.inlined.contains(&s.name) => quote!(),
            TypeDef::Struct(s) => struct_def(s, usage),
            TypeDef::Enum(e) => enum_def(e),
            TypeDef::Union(u) => union_def(u, model),
        };
        super::features::gate_items(items, &super::features::named(model, t.name()))
    });
    let head = (range.start == 0).then(|| {
        quote! {
            //! The request and response types of the API, one per schema of the spec, and the error
            //! answers of each operation, typed by status.
            //!
            //! A type or field the spec does not describe has no documentation here (`missing_docs`
            //! is allowed in this module) rather than words made up for it.
            #![allow(missing_docs)]
            #[allow(unused_imports)]
            use crate::validation::{self as v, Validate as _};
        }
    });
    let errors = (range.end == model.types.len()).then(|| error_defs(model));
    quote! {
        #head
        #( #items )*
        #errors
    }
}

pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a shape. `prefix` qualifies named types (`types::` outside this module).
pub(super) fn rust_type(shape: &Shape, prefix: &TokenStream) -> TokenStream {
    match shape {
        Shape::String(rules) if rules.secret => quote!(crate::SecretString),
        Shape::String(_) => quote!(String),
        Shape::Integer(int, _) => int_type(*int),
        Shape::Number(FloatType::F32, _) => quote!(f32),
        Shape::Number(FloatType::F64, _) => quote!(f64),
        Shape::Boolean => quote!(bool),
        Shape::Array { items, .. } => {
            let items = rust_type(items, prefix);
            quote!(Vec<#items>)
        }
        Shape::Map(values) => {
            let values = rust_type(values, prefix);
            quote!(std::collections::BTreeMap<String, #values>)
        }
        Shape::Nullable(inner) => {
            let inner = rust_type(inner, prefix);
            quote!(Option<#inner>)
        }
        Shape::Named(name) => {
            let name = ident(name);
            quote!(#prefix #name)
        }
        Shape::Boxed(inner) => {
            let inner = rust_type(inner, prefix);
            quote!(Box<#inner>)
        }
        Shape::Any => quote!(serde_json::Value),
    }
}

fn int_type(int: IntType) -> TokenStream {
    match int {
        IntType::I8 => quote!(i8),
        IntType::I16 => quote!(i16),
        IntType::I32 => quote!(i32),
        IntType::I64 => quote!(i64),
        IntType::U8 => quote!(u8),
        IntType::U16 => quote!(u16),
        IntType::U32 => quote!(u32),
        IntType::U64 => quote!(u64),
    }
}

/// `1 character`, `2 characters`.
fn characters(n: u64) -> String {
    format!("{n} character{}", if n == 1 { "" } else { "s" })
}

/// The constraints of a shape, in words, for doc comments.
pub(super) fn constraint_notes(shape: &Shape, notes: &mut Vec<String>) {
    match shape {
        Shape::String(rules) => {
            if let Some(n) = rules.min_length {
                notes.push(format!("Minimum length: {}.", characters(n)));
            }
            if let Some(n) = rules.max_length {
                notes.push(format!("Maximum length: {}.", characters(n)));
            }
            if let Some(p) = &rules.pattern {
                notes.push(format!("Pattern: `{p}`."));
            }
            if rules.secret {
                notes.push("Secret: redacted in `Debug` output.".to_owned());
            }
        }
        Shape::Integer(_, bounds) | Shape::Number(_, bounds) => {
            let Bounds {
                min,
                max,
                multiple_of,
            } = bounds;
            if let Some(m) = multiple_of {
                notes.push(format!("A multiple of {m}."));
            }
            if let Some((v, exclusive)) = min {
                notes.push(format!(
                    "Minimum: {v}{}.",
                    if *exclusive { " (exclusive)" } else { "" }
                ));
            }
            if let Some((v, exclusive)) = max {
                notes.push(format!(
                    "Maximum: {v}{}.",
                    if *exclusive { " (exclusive)" } else { "" }
                ));
            }
        }
        Shape::Array {
            items,
            min_items,
            max_items,
            unique,
        } => {
            if *unique {
                notes.push("Items: unique.".to_owned());
            }
            if let Some(n) = min_items {
                notes.push(format!("Minimum items: {n}."));
            }
            if let Some(n) = max_items {
                notes.push(format!("Maximum items: {n}."));
            }
            let mut inner = Vec::new();
            constraint_notes(items, &mut inner);
            notes.extend(inner.into_iter().map(|note| format!("Each item: {note}")));
        }
        Shape::Nullable(inner) | Shape::Map(inner) | Shape::Boxed(inner) => {
            constraint_notes(inner, notes)
        }
        Shape::Boolean | Shape::Named(_) | Shape::Any => {}
    }
}

fn field_doc(field: &Field) -> TokenStream {
    let mut text = field.doc.clone().unwrap_or_default();
    let mut notes = Vec::new();
    // The type says whether a field is required (`T`), optional (`Option<T>`) or three-state
    // (`Nullable<T>`); only a required field that may be `null` needs words.
    if field.presence == Presence::RequiredNullable {
        notes.push("Always sent; `None` is sent as `null`.".to_owned());
    }
    constraint_notes(&field.shape, &mut notes);
    if let Some(default) = &field.default {
        notes.push(format!("Server default: `{default}`."));
    }
    if !notes.is_empty() {
        text.push_str("\n\n");
        text.push_str(&notes.join(" "));
    }
    doc(&text)
}

/// Where a field is defined, which decides how it is written and read.
#[derive(Clone, Copy)]
pub(super) enum FieldOf {
    /// A struct's: `pub`, its wire name and presence in the struct's `serde_struct!` call.
    Struct,
    /// A struct variant's: the union derives `Serialize`, so the field carries its `#[serde(...)]`.
    Variant,
}

/// A field of a struct or of a struct variant.
pub(super) fn field_def(field: &Field, of: FieldOf) -> TokenStream {
    let doc = field_doc(field);
    let ident = ident(&field.ident);
    let ty = field_type(field, &quote!());
    let (visibility, attr) = match of {
        FieldOf::Struct => (Some(quote!(pub)), None),
        FieldOf::Variant => (None, serde_attr(field, true)),
    };
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #doc
        #deprecated
        #attr
        #visibility #ident: #ty,
    }
}

/// A field's Rust type (named types behind `prefix`).
pub(super) fn field_type(field: &Field, prefix: &TokenStream) -> TokenStream {
    let ty = rust_type(&field.shape, prefix);
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(crate::Nullable<#ty>),
    }
}

/// A field's `#[serde(...)]` for `serialize` (its JSON name, and that a field left out is not
/// sent) or for `deserialize` (its JSON name, and `default` when it may be missing), if it needs
/// one.
pub(super) fn serde_attr(field: &Field, serialize: bool) -> Option<TokenStream> {
    let rename = (field.ident != field.wire).then(|| {
        let wire = &field.wire;
        quote!(rename = #wire,)
    });
    let rest = match (field.presence, serialize) {
        (Presence::Required, _) | (Presence::RequiredNullable, true) => None,
        (_, false) => Some(quote!(default)),
        (Presence::Optional, true) => Some(quote!(skip_serializing_if = "Option::is_none")),
        (Presence::OptionalNullable, true) => {
            Some(quote!(skip_serializing_if = "crate::Nullable::is_absent"))
        }
    };
    (rename.is_some() || rest.is_some()).then(|| quote!(#[serde(#rename #rest)]))
}

/// The struct's `Serialize` and `Deserialize`: a `crate::wire::serde_struct!` call (see
/// `runtime/wire.rs`), which expands to a fraction of what serde's derives do, with the same
/// errors and the same output. A field is `required` (missing is an error), `nullable` (an
/// `Option` always sent: a required nullable field, which serde reads as `None` when missing) or
/// `optional` (missing is its default, and left out it is not sent); its wire name is given only
/// when it is not the field's name.
fn serde_call(s: &Struct, strict: bool) -> TokenStream {
    let unknown = match &s.additional {
        Some(_) => format!("keep({})", s.additional_ident),
        None if strict => "deny".to_owned(),
        None => "ignore".to_owned(),
    };
    let fields: Vec<String> = s
        .fields
        .iter()
        .map(|field| {
            let presence = match field.presence {
                Presence::Required if matches!(field.shape, Shape::Nullable(_)) => "nullable",
                Presence::Required => "required",
                Presence::RequiredNullable => "nullable",
                Presence::Optional | Presence::OptionalNullable => "optional",
            };
            match field.ident == field.wire {
                true => format!("{} {presence}", field.ident),
                false => format!(
                    "{} = {} {presence}",
                    field.ident,
                    super::string_literal(&field.wire)
                ),
            }
        })
        .collect();
    super::item_macro(super::ItemMacro::SerdeStruct, &[&s.name, &unknown], &fields)
}

fn struct_def(s: &Struct, usage: &Usage) -> TokenStream {
    let request = usage.requests.contains(&s.name);
    let name = ident(&s.name);
    let doc = s.doc.as_deref().map(doc);
    let here = quote!();
    let serde = serde_call(s, usage.strict.contains(&s.name));
    let fields = s
        .fields
        .iter()
        .map(|field| field_def(field, FieldOf::Struct));
    let additional = s.additional.as_ref().map(|values| {
        let ident = ident(&s.additional_ident);
        let values = rust_type(values, &here);
        quote! {
            /// Properties not listed in the schema, kept as received.
            pub #ident: std::collections::BTreeMap<String, #values>,
        }
    });
    let default = s
        .fields
        .iter()
        .all(|f| f.presence != Presence::Required)
        .then(|| quote!(Default,));
    let checks = struct_checks(s, usage);
    let deprecated_allow = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let validate = if !request {
        quote!()
    } else if checks.is_empty() {
        quote!(impl crate::Validate for #name {})
    } else {
        quote! {
            #deprecated_allow
            impl crate::Validate for #name {
                fn validate_at(&self, path: &crate::FieldPath<'_>, out: &mut Vec<crate::Violation>) {
                    #( #checks )*
                }
            }
        }
    };
    // With required fields there is no `Default`: `new` takes them and leaves the rest out.
    let constructor = (request && default.is_none()).then(|| constructor(s, &deprecated_allow));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #( #fields )*
            #additional
        }

        #serde

        #constructor

        #validate
    }
}

/// The statements of a struct's `validate_at`: its fields' checks, then `dependentRequired`.
fn struct_checks(s: &Struct, usage: &Usage) -> Vec<TokenStream> {
    s.fields
        .iter()
        .filter(|field| usage.has_checks(&field.shape))
        .map(|field| {
            let ident = ident(&field.ident);
            check_field(field, &Value::Place(quote!(self.#ident)), usage)
        })
        .chain(s.dependent_required.iter().map(|(field, requires)| {
            let present = |i: &usize| {
                let field = &s.fields[*i];
                let ident = ident(&field.ident);
                match field.presence {
                    Presence::Required | Presence::RequiredNullable => quote!(true),
                    Presence::Optional => quote!(self.#ident.is_some()),
                    Presence::OptionalNullable => quote!(!self.#ident.is_absent()),
                }
            };
            let wire = &s.fields[*field].wire;
            let names = requires.iter().map(|i| &s.fields[*i].wire);
            let (present, set) = (present(field), requires.iter().map(present));
            quote! {
                v::dependent(&path.field(#wire), #present, &[#( #names ),*], &[#( #set ),*], out);
            }
        }))
        .collect()
}

/// `new`, taking the required fields and leaving the rest out.
fn constructor(s: &Struct, deprecated_allow: &Option<TokenStream>) -> TokenStream {
    let (name, here) = (ident(&s.name), quote!());
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    let params = required.iter().map(|f| {
        let ident = ident(&f.ident);
        let ty = rust_type(&f.shape, &here);
        quote!(#ident: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let ident = ident(&f.ident);
        if f.presence == Presence::Required {
            quote!(#ident,)
        } else {
            quote!(#ident: Default::default(),)
        }
    });
    let rest = s.additional.as_ref().map(|_| {
        let ident = ident(&s.additional_ident);
        quote!(#ident: Default::default(),)
    });
    let listing = required
        .iter()
        .map(|f| format!("`{}`", f.wire))
        .collect::<Vec<_>>()
        .join(", ");
    let text = super::doc(&format!(
        "A value with the required {listing}, and any other field left out."
    ));
    quote! {
        #deprecated_allow
        impl #name {
            #text
            pub fn new(#( #params ),*) -> Self {
                Self { #( #inits )* #rest }
            }
        }
    }
}

fn enum_def(e: &Enum) -> TokenStream {
    let name = ident(&e.name);
    let values: Vec<&str> = e.variants.iter().map(|(_, wire)| wire.as_str()).collect();
    let listing = values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let text = match &e.doc {
        Some(doc) => format!(
            "{doc}\n\nOne of {listing}; any other value is kept as `{}`.",
            e.other
        ),
        None => format!(
            "One of {listing}; any other value is kept as `{}`.",
            e.other
        ),
    };
    let doc = doc(&text);
    let variants: Vec<Ident> = e.variants.iter().map(|(v, _)| ident(v)).collect();
    let variant_docs = values.iter().map(|v| format!(" `{v}`"));
    let other = ident(&e.other);
    let other_doc = super::doc(
        "A value the spec does not list, kept as received so it serializes back unchanged. \
         Requests carrying one fail validation.",
    );
    let pairs: Vec<String> = e
        .variants
        .iter()
        .map(|(variant, wire)| format!("{variant} = {}", super::string_literal(wire)))
        .collect();
    let call = super::item_macro(super::ItemMacro::OpenEnum, &[&e.name, &e.other], &pairs);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            #other_doc
            #other(String),
        }

        #call
    }
}
