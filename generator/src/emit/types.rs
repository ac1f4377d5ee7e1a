//! `src/types.rs`: a struct per object schema, an open enum per string enum, and their checks.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::doc;
use crate::model::{
    Body, Bounds, Encoding, Enum, Field, FloatType, Gate, IntType, Model, Operation, Presence,
    Shape, StatusMatch, Struct, Success, TypeDef, Union, Variant,
};
use crate::names::Scope;

pub(super) fn types_rs(model: &Model) -> TokenStream {
    types_part(model, &Sets::new(model), 0..model.types.len())
}

/// What the emitters need to know about the named types as a whole.
pub(super) struct Sets {
    /// The types a request can hold: those of parameters and request bodies, and every type
    /// inside them. Only these implement `Validate` and get a `new` constructor: nothing checks
    /// or builds an answer by hand.
    pub(super) requests: BTreeSet<String>,
    /// The types an answer can hold. A type only requests hold may be strict (refuse unknown
    /// properties when read); one that answers hold never is, as servers add properties.
    pub(super) responses: BTreeSet<String>,
    /// The request types whose values have something to check ([`checked_types`]).
    pub(super) checked: BTreeSet<String>,
    /// The structs written as a union's struct variant ([`crate::model::Variant::inline`]), not
    /// as types of their own.
    pub(super) inlined: BTreeSet<String>,
}

impl Sets {
    pub(super) fn new(model: &Model) -> Sets {
        let requests = request_types(model);
        let checked = checked_types(model, &requests);
        let inlined = model
            .types
            .iter()
            .filter_map(|t| match t {
                TypeDef::Union(u) => Some(u),
                _ => None,
            })
            .flat_map(|u| &u.variants)
            .filter(|v| v.inline)
            .filter_map(|v| inline_name(&v.shape).map(str::to_owned))
            .collect();
        Sets {
            responses: response_types(model),
            requests,
            checked,
            inlined,
        }
    }
}

/// The struct an inline variant's shape names (boxed when the variant is on a cycle).
fn inline_name(shape: &Shape) -> Option<&str> {
    match shape {
        Shape::Named(name) => Some(name),
        Shape::Boxed(inner) => inline_name(inner),
        _ => None,
    }
}

/// The struct named `name` (the model's types are sorted by name).
fn named_struct<'m>(model: &'m Model, name: &str) -> Option<&'m Struct> {
    let index = model.types.binary_search_by(|t| t.name().cmp(name)).ok()?;
    match &model.types[index] {
        TypeDef::Struct(s) => Some(s),
        _ => None,
    }
}

/// The types a request can hold ([`Sets::requests`]).
pub(super) fn request_types(model: &Model) -> BTreeSet<String> {
    let mut stack: Vec<&Shape> = Vec::new();
    for op in &model.operations {
        stack.extend(op.params.iter().map(|p| &p.shape));
        if let Some(Body {
            encoding: Encoding::Json(shape) | Encoding::Form(shape),
            ..
        }) = &op.body
        {
            stack.push(shape);
        }
    }
    reachable(model, stack)
}

/// The types an answer can hold, success or error ([`Sets::responses`]).
fn response_types(model: &Model) -> BTreeSet<String> {
    let mut stack: Vec<&Shape> = Vec::new();
    for op in &model.operations {
        if let Success::Json(shape) = &op.success {
            stack.push(shape);
        }
        stack.extend(op.errors.iter().filter_map(|e| e.body.as_ref()));
    }
    reachable(model, stack)
}

/// The named types of `stack` and every type inside them.
fn reachable<'m>(model: &'m Model, mut stack: Vec<&'m Shape>) -> BTreeSet<String> {
    let by_name: std::collections::HashMap<&str, &TypeDef> =
        model.types.iter().map(|t| (t.name(), t)).collect();
    let mut requests = BTreeSet::new();
    while let Some(shape) = stack.pop() {
        match shape {
            Shape::Array { items: inner, .. }
            | Shape::Map(inner)
            | Shape::Nullable(inner)
            | Shape::Boxed(inner) => stack.push(inner),
            Shape::Named(name) if requests.insert(name.clone()) => {
                match by_name.get(name.as_str()) {
                    Some(TypeDef::Struct(s)) => {
                        stack.extend(s.fields.iter().map(|f| &f.shape));
                        stack.extend(&s.additional);
                    }
                    Some(TypeDef::Union(u)) => stack.extend(u.variants.iter().map(|v| &v.shape)),
                    Some(TypeDef::Enum(_)) | None => {}
                }
            }
            _ => {}
        }
    }
    requests
}

/// A run of `src/types.rs`: the types in `range`, with the head of the file before them when the
/// range starts the list and the operations' error types after them when it ends it. The parts of
/// a split file, printed item by item, concatenate to the whole file's text.
pub(super) fn types_part(model: &Model, sets: &Sets, range: std::ops::Range<usize>) -> TokenStream {
    let items = model.types[range.clone()].iter().map(|t| {
        let cfg = super::features::named(model, t.name());
        match t {
            TypeDef::Struct(s) if sets.inlined.contains(&s.name) => quote!(),
            TypeDef::Struct(s) => struct_def(s, sets, &cfg),
            TypeDef::Enum(e) => enum_def(e, &cfg),
            TypeDef::Union(u) => union_def(u, model, in_params(model, &u.name), sets, &cfg),
        }
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

/// A field of a struct (`visibility` is `pub`) or of a struct variant (nothing).
fn field_def(field: &Field, visibility: TokenStream) -> TokenStream {
    let doc = field_doc(field);
    let ident = ident(&field.ident);
    let ty = field_type(field, &quote!());
    let attr = serde_attr(field, true);
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    quote! {
        #doc
        #deprecated
        #attr
        #visibility #ident: #ty,
    }
}

/// A field's Rust type (named types behind `prefix`).
fn field_type(field: &Field, prefix: &TokenStream) -> TokenStream {
    let ty = rust_type(&field.shape, prefix);
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(Option<#ty>),
        Presence::OptionalNullable => quote!(crate::Nullable<#ty>),
    }
}

/// A field's `#[serde(...)]`, if it needs one: its JSON name, `default` when it may be missing,
/// and, when the type is `serialized` too, that a field left out is not sent.
fn serde_attr(field: &Field, serialized: bool) -> Option<TokenStream> {
    let rename = (field.ident != field.wire).then(|| {
        let wire = &field.wire;
        quote!(rename = #wire,)
    });
    let (default, skip) = match field.presence {
        Presence::Required => (None, None),
        Presence::RequiredNullable => (Some(quote!(default,)), None),
        Presence::Optional => (
            Some(quote!(default,)),
            Some(quote!(skip_serializing_if = "Option::is_none",)),
        ),
        Presence::OptionalNullable => (
            Some(quote!(default,)),
            Some(quote!(skip_serializing_if = "crate::Nullable::is_absent",)),
        ),
    };
    let skip = skip.filter(|_| serialized);
    (rename.is_some() || default.is_some()).then(|| quote!(#[serde(#rename #default #skip)]))
}

fn struct_def(s: &Struct, sets: &Sets, cfg: &TokenStream) -> TokenStream {
    let (checked, request) = (&sets.checked, sets.requests.contains(&s.name));
    let name = ident(&s.name);
    let doc = s.doc.as_deref().map(doc);
    let here = quote!();
    // Only requests hold it and its schema allows no other property: reading JSON with an
    // unknown (say misspelt) property is an error naming it, as the server would refuse it.
    let strict = (s.closed && request && !sets.responses.contains(&s.name))
        .then(|| quote!(#[serde(deny_unknown_fields)]));
    let fields = s.fields.iter().map(|field| field_def(field, quote!(pub)));
    let additional = s.additional.as_ref().map(|values| {
        let ident = ident(&s.additional_ident);
        let values = rust_type(values, &here);
        quote! {
            /// Properties not listed in the schema, kept as received.
            #[serde(flatten)]
            pub #ident: std::collections::BTreeMap<String, #values>,
        }
    });
    let default = s
        .fields
        .iter()
        .all(|f| f.presence != Presence::Required)
        .then(|| quote!(Default,));
    let checks: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|field| {
            let ident = ident(&field.ident);
            check_field(field, &quote!(&self.#ident), checked)
        })
        .filter(|c| !c.is_empty())
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
        .collect();
    let deprecated_allow = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let validate = if !request {
        quote!()
    } else if checks.is_empty() {
        quote!(#cfg impl crate::Validate for #name {})
    } else {
        quote! {
            #cfg
            #deprecated_allow
            impl crate::Validate for #name {
                fn validate_at(&self, path: &crate::FieldPath<'_>, out: &mut Vec<crate::Violation>) {
                    #( #checks )*
                }
            }
        }
    };
    // With required fields there is no `Default`: `new` takes them and leaves the rest out.
    let constructor = (request && default.is_none()).then(|| {
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
            #cfg
            #deprecated_allow
            impl #name {
                #text
                pub fn new(#( #params ),*) -> Self {
                    Self { #( #inits )* #rest }
                }
            }
        }
    });
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #strict
        pub struct #name {
            #( #fields )*
            #additional
        }

        #constructor

        #validate
    }
}

/// The request types whose values have something to check, themselves or inside: every enum (an
/// unlisted value), and every struct or union holding a constrained value or such a type.
fn checked_types(model: &Model, requests: &BTreeSet<String>) -> BTreeSet<String> {
    let mut checked: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = checked.len();
        for t in model.types.iter().filter(|t| requests.contains(t.name())) {
            let needed = match t {
                TypeDef::Enum(_) => true,
                TypeDef::Struct(s) => {
                    !s.dependent_required.is_empty()
                        || s.fields.iter().any(|f| needs(&f.shape, &checked))
                }
                TypeDef::Union(u) => u.variants.iter().any(|v| needs(&v.shape, &checked)),
            };
            if needed {
                checked.insert(t.name().to_owned());
            }
        }
        if checked.len() == before {
            return checked;
        }
    }
}

/// Whether a value of `shape` has anything to check.
pub(super) fn needs(shape: &Shape, checked: &BTreeSet<String>) -> bool {
    match shape {
        Shape::String(rules) => {
            rules.min_length.is_some() || rules.max_length.is_some() || rules.pattern.is_some()
        }
        Shape::Integer(_, bounds) | Shape::Number(_, bounds) => {
            bounds.min.is_some() || bounds.max.is_some() || bounds.multiple_of.is_some()
        }
        Shape::Array {
            items,
            min_items,
            max_items,
            unique,
        } => min_items.is_some() || max_items.is_some() || *unique || needs(items, checked),
        Shape::Map(inner) | Shape::Nullable(inner) | Shape::Boxed(inner) => needs(inner, checked),
        Shape::Named(name) => checked.contains(name),
        Shape::Boolean | Shape::Any => false,
    }
}

/// Whether the only checks of `shape` are those of named types inside arrays, maps, options and
/// boxes, which the runtime's `Validate` impls for those containers reach on their own.
fn delegates(shape: &Shape) -> bool {
    match shape {
        Shape::Named(_) => true,
        Shape::Array {
            items,
            min_items: None,
            max_items: None,
            unique: false,
        } => delegates(items),
        Shape::Map(inner) | Shape::Nullable(inner) | Shape::Boxed(inner) => delegates(inner),
        _ => false,
    }
}

/// `value`, an expression of type `&T`, as a method receiver: `&self.x` is `self.x` (method calls
/// borrow on their own).
fn receiver(value: &TokenStream) -> TokenStream {
    match value.clone().into_iter().next() {
        Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '&' => {
            value.clone().into_iter().skip(1).collect()
        }
        _ => value.clone(),
    }
}

/// The checks of a value of `shape`: `value` is an expression of type `&T`, `place` one of type
/// `FieldPath` (or a reference to one) naming where the value is. Empty when there is nothing to check.
pub(super) fn check(
    shape: &Shape,
    value: &TokenStream,
    place: &TokenStream,
    checked: &BTreeSet<String>,
) -> TokenStream {
    if !needs(shape, checked) {
        return TokenStream::new();
    }
    // The path as a reference: `path` already is one.
    let at = if place.to_string() == "path" {
        quote!(path)
    } else {
        quote!(&#place)
    };
    let receiver = receiver(value);
    if delegates(shape) {
        return quote!(#receiver.validate_at(#at, out););
    }
    match shape {
        Shape::String(rules) => {
            let secret = rules.secret;
            let text = if secret {
                quote!(#receiver.expose_secret())
            } else {
                quote!(#value)
            };
            let mut checks = TokenStream::new();
            if rules.min_length.is_some() || rules.max_length.is_some() {
                let (min, max) = (option(rules.min_length), option(rules.max_length));
                let length = if secret {
                    quote!(v::secret_length)
                } else {
                    quote!(v::length)
                };
                checks.extend(quote!(#length(#at, #text, #min, #max, out);));
            }
            if let Some(pattern) = &rules.pattern {
                checks.extend(quote! {
                    static PATTERN: crate::pattern::Pattern = crate::pattern::Pattern::new(#pattern);
                    PATTERN.check(#at, #text, #secret, out);
                });
            }
            if rules.pattern.is_some() {
                quote!({ #checks })
            } else {
                checks
            }
        }
        Shape::Integer(_, bounds) | Shape::Number(_, bounds) => {
            // `*&self.x` is `self.x`.
            let number = if receiver.to_string() == value.to_string() {
                quote!(*#value)
            } else {
                receiver.clone()
            };
            let exclusive =
                matches!(bounds.min, Some((_, true))) || matches!(bounds.max, Some((_, true)));
            let bound = |b: Option<(f64, bool)>| match b {
                Some((v, exclusive_bound)) => {
                    let v = proc_macro2::Literal::f64_unsuffixed(v);
                    if exclusive {
                        quote!(Some((#v, #exclusive_bound)))
                    } else {
                        quote!(Some(#v))
                    }
                }
                None => quote!(None),
            };
            let (min, max) = (bound(bounds.min), bound(bounds.max));
            let range = if bounds.min.is_none() && bounds.max.is_none() {
                quote!()
            } else if exclusive {
                quote!(v::check_range(#at, #number as f64, #min, #max, out);)
            } else {
                quote!(v::range(#at, #number as f64, #min, #max, out);)
            };
            let multiple = bounds.multiple_of.map(|m| {
                let m = proc_macro2::Literal::u64_unsuffixed(m);
                quote!(v::multiple_of(#at, #number as i128, #m, out);)
            });
            quote!(#range #multiple)
        }
        Shape::Array {
            items,
            min_items,
            max_items,
            unique,
        } => {
            let mut checks = TokenStream::new();
            if min_items.is_some() || max_items.is_some() {
                let (min, max) = (option(*min_items), option(*max_items));
                checks.extend(quote!(v::items(#at, #receiver.len(), #min, #max, out);));
            }
            if *unique {
                checks.extend(quote!(v::unique(#at, &#receiver, out);));
            }
            if delegates(items) {
                if needs(items, checked) {
                    checks.extend(quote!(#receiver.validate_at(#at, out);));
                }
            } else {
                let item = check(items, &quote!(item), &quote!(#place.index(index)), checked);
                if !item.is_empty() {
                    checks.extend(quote! {
                        for (index, item) in #receiver.iter().enumerate() { #item }
                    });
                }
            }
            checks
        }
        Shape::Map(values) => {
            let item = check(values, &quote!(item), &quote!(#place.key(key)), checked);
            quote!(for (key, item) in #value { #item })
        }
        Shape::Nullable(inner) => {
            let inner = check(inner, &quote!(inner), place, checked);
            quote!(if let Some(inner) = #value { #inner })
        }
        // Only named types are boxed, and those delegate above; method calls see through a `Box`.
        Shape::Boxed(inner) => check(inner, value, place, checked),
        Shape::Named(_) | Shape::Boolean | Shape::Any => TokenStream::new(),
    }
}

/// The checks of a field, at `path.field(wire)`; `value` is an expression of type `&T` for it
/// (`&self.name`, or a binding of a struct variant's field).
fn check_field(field: &Field, value: &TokenStream, checked: &BTreeSet<String>) -> TokenStream {
    let wire = &field.wire;
    let place = quote!(path.field(#wire));
    if !needs(&field.shape, checked) {
        return TokenStream::new();
    }
    // `Validate` is implemented for `Option` and `Nullable` too.
    if delegates(&field.shape) {
        let receiver = receiver(value);
        return quote!(#receiver.validate_at(&#place, out););
    }
    if field.presence == Presence::Required {
        return check(&field.shape, value, &place, checked);
    }
    let check_value = check(&field.shape, &quote!(value), &place, checked);
    match field.presence {
        Presence::OptionalNullable => {
            quote!(if let crate::Nullable::Value(value) = #value { #check_value })
        }
        _ => quote!(if let Some(value) = #value { #check_value }),
    }
}

fn option(value: Option<u64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = proc_macro2::Literal::u64_unsuffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}

fn enum_def(e: &Enum, cfg: &TokenStream) -> TokenStream {
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
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #[doc = #variant_docs] #variants, )*
            #other_doc
            #other(String),
        }

        #cfg
        crate::open_enum::open_enum!(#name, #other, [#( #variants = #values ),*]);
    }
}

/// Whether the type `name` is (the item type of) a parameter, so it needs `Display`.
fn in_params(model: &Model, name: &str) -> bool {
    model
        .operations
        .iter()
        .flat_map(|op| &op.params)
        .any(|p| match &p.shape {
            Shape::Named(n) => n == name,
            Shape::Array { items, .. } => matches!(&**items, Shape::Named(n) if n == name),
            _ => false,
        })
}

fn union_def(
    u: &Union,
    model: &Model,
    display: bool,
    sets: &Sets,
    cfg: &TokenStream,
) -> TokenStream {
    let checked = &sets.checked;
    let name = ident(&u.name);
    let here = quote!();
    let other = ident(&u.other);
    let mut text = u.doc.clone().unwrap_or_default();
    match &u.discriminator {
        Some(property) => text.push_str(&format!(
            "\n\nOne of these, told apart by the `{property}` property; a value with another `{property}` is kept as `{}`.",
            u.other
        )),
        None => text.push_str(&format!(
            "\n\nOne of these, tried in the order listed; a value none of them accepts is kept as `{}`.",
            u.other
        )),
    }
    let doc = doc(&text);
    let members = members(u, model);
    let deprecated_allow = members
        .iter()
        .any(|(_, s)| s.is_some_and(|s| s.fields.iter().any(|f| f.deprecated)))
        .then(|| quote!(#[allow(deprecated)]));
    let variants = members.iter().map(|(v, fields)| {
        let variant = ident(&v.ident);
        let what = match v.tags.as_slice() {
            [] => {
                let article = match v.ident.starts_with(['A', 'E', 'I', 'O', 'U']) {
                    true => "An",
                    false => "A",
                };
                format!("{article} `{}` value.", v.ident)
            }
            tags => format!(
                "`{}` is {}.",
                u.discriminator.as_deref().unwrap_or_default(),
                tags.iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        let variant_doc = match fields.and_then(|s| s.doc.as_deref()) {
            Some(text) => super::doc(&format!("{text}\n\n{what}")),
            None => super::doc(&what),
        };
        let rename = match v.tags.first() {
            Some(tag) if u.writes_tag() => quote!(#[serde(rename = #tag)]),
            _ => quote!(),
        };
        let payload = match fields {
            None => {
                let ty = rust_type(&v.shape, &here);
                quote!((#ty))
            }
            Some(s) if s.fields.is_empty() => quote!(),
            Some(s) => {
                let fields = s.fields.iter().map(|f| field_def(f, quote!()));
                quote!({ #( #fields )* })
            }
        };
        quote!(#variant_doc #rename #variant #payload,)
    });
    let other_doc =
        super::doc("A value no variant accepts, kept as received so it serializes back unchanged.");
    let checks = members.iter().map(|(v, fields)| {
        let variant = ident(&v.ident);
        let Some(s) = fields else {
            let check = check(&v.shape, &quote!(value), &quote!(path), checked);
            return if check.is_empty() {
                (quote!(Self::#variant(_) => {}), false)
            } else {
                (quote!(Self::#variant(value) => { #check }), true)
            };
        };
        // The fields with checks, bound by their names unless those are the method's own.
        let mut bindings = Scope::with_reserved(&["path", "out"]);
        let mut pattern = Vec::new();
        let mut field_checks = Vec::new();
        for field in &s.fields {
            let binding = ident(&bindings.claim(field.ident.clone()));
            let check = check_field(field, &quote!(#binding), checked);
            if !check.is_empty() {
                let field = ident(&field.ident);
                pattern.push(if field == binding {
                    quote!(#field)
                } else {
                    quote!(#field: #binding)
                });
                field_checks.push(check);
            }
        }
        if field_checks.is_empty() {
            let pattern = any_value_of(&variant, s);
            (quote!(#pattern => {}), false)
        } else {
            (
                quote!(Self::#variant { #( #pattern, )* .. } => { #( #field_checks )* }),
                true,
            )
        }
    });
    let display = display.then(|| union_display(u, &members, model, cfg));
    let checks: Vec<(TokenStream, bool)> = checks.collect();
    let validate = sets
        .requests
        .contains(&u.name)
        .then(|| union_validate(u, checks, deprecated_allow.clone(), cfg));
    let (derive, deserialize) = match &u.discriminator {
        None => (quote!(serde::Deserialize,), quote!()),
        Some(property) if u.writes_tag() => (
            quote!(),
            tag_writing_deserialize(u, property, &members, deprecated_allow, cfg),
        ),
        Some(property) => {
            let arms = u.variants.iter().map(|v| {
                let variant = ident(&v.ident);
                let tags = &v.tags;
                quote! {
                    Some(#( #tags )|*) => serde_json::from_value(value)
                        .map(Self::#variant)
                        .map_err(serde::de::Error::custom),
                }
            });
            let deserialize = quote! {
                #cfg
                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                        let tag = value.get(#property).and_then(serde_json::Value::as_str);
                        match tag {
                            #( #arms )*
                            _ => Ok(Self::#other(value)),
                        }
                    }
                }
            };
            (quote!(), deserialize)
        }
    };
    // Members that leave the tag out get it from serde's internally tagged form; the catch-all
    // holds the value as received, tag included.
    let (form, other_form) = match &u.discriminator {
        Some(property) if u.writes_tag() => (
            quote!(#[serde(tag = #property)]),
            quote!(#[serde(untagged)]),
        ),
        _ => (quote!(#[serde(untagged)]), quote!()),
    };
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, serde::Serialize, #derive)]
        #form
        pub enum #name {
            #( #variants )*
            #other_doc
            #other_form
            #other(serde_json::Value),
        }

        #deserialize
        #display
        #validate
    }
}

/// Each variant of `u`, with the struct whose fields it holds when it is a struct variant.
fn members<'m>(u: &'m Union, model: &'m Model) -> Vec<(&'m Variant, Option<&'m Struct>)> {
    u.variants
        .iter()
        .map(|v| {
            let fields = v.inline.then(|| {
                inline_name(&v.shape)
                    .and_then(|n| named_struct(model, n))
                    .expect("an inline variant names a struct of the model")
            });
            (v, fields)
        })
        .collect()
}

/// The pattern matching any value of the struct variant `variant` holding the fields of `s`: a
/// unit variant (nothing but the tag) is matched as one.
fn any_value_of(variant: &Ident, s: &Struct) -> TokenStream {
    match s.fields.is_empty() {
        true => quote!(Self::#variant),
        false => quote!(Self::#variant { .. }),
    }
}

/// `Deserialize` for a union that writes its tag (its variants are struct variants): an unknown
/// tag keeps the value whole; a known one reads the variant's fields through a private struct
/// with serde's derive, so a bad value under a known tag is an error naming what is wrong.
fn tag_writing_deserialize(
    u: &Union,
    property: &str,
    members: &[(&Variant, Option<&Struct>)],
    deprecated_allow: Option<TokenStream>,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(&u.name);
    let other = ident(&u.other);
    // Named types by their full path: the private struct's name cannot shadow a spec type.
    let prefix = quote!(crate::types::);
    let arms = members.iter().map(|(v, s)| {
        let s = s.expect("a tag-writing union's variants are struct variants");
        let variant = ident(&v.ident);
        let tag = &v.tags[0];
        if s.fields.is_empty() {
            return quote!(Some(#tag) => Ok(Self::#variant),);
        }
        let fields = s.fields.iter().map(|f| {
            let field = ident(&f.ident);
            let ty = field_type(f, &prefix);
            let attr = serde_attr(f, false);
            quote!(#attr #field: #ty,)
        });
        let names: Vec<Ident> = s.fields.iter().map(|f| ident(&f.ident)).collect();
        quote! {
            Some(#tag) => {
                #[derive(serde::Deserialize)]
                struct Fields { #( #fields )* }
                let fields: Fields = serde::Deserialize::deserialize(value)
                    .map_err(serde::de::Error::custom)?;
                Ok(Self::#variant { #( #names: fields.#names ),* })
            }
        }
    });
    quote! {
        #cfg
        #deprecated_allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #( #arms )*
                    _ => Ok(Self::#other(value)),
                }
            }
        }
    }
}

fn union_display(
    u: &Union,
    members: &[(&Variant, Option<&Struct>)],
    model: &Model,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(&u.name);
    let other = ident(&u.other);
    // Text for a query or path parameter: scalars as themselves, anything else as JSON.
    let display_arms = members.iter().map(|(v, fields)| {
        let variant = ident(&v.ident);
        let scalar = match &v.shape {
            Shape::String(rules) => !rules.secret,
            Shape::Integer(..) | Shape::Number(..) | Shape::Boolean => true,
            Shape::Named(name) => model
                .types
                .iter()
                .any(|t| t.name() == name && !matches!(t, TypeDef::Struct(_))),
            _ => false,
        };
        if scalar {
            quote!(Self::#variant(value) => write!(f, "{value}"),)
        } else if let Some(s) = fields {
            // A struct variant is written as the union, whose JSON is its own (with the tag
            // when the union writes one).
            let pattern = any_value_of(&variant, s);
            quote!(#pattern => f.write_str(&serde_json::to_string(self).map_err(|_| std::fmt::Error)?),)
        } else {
            quote!(Self::#variant(value) => f.write_str(&serde_json::to_string(value).map_err(|_| std::fmt::Error)?),)
        }
    });
    quote! {
        /// Scalars as themselves, anything else as JSON: the text sent in a path or query parameter.
        #cfg
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    #( #display_arms )*
                    Self::#other(serde_json::Value::String(text)) => f.write_str(text),
                    Self::#other(value) => write!(f, "{value}"),
                }
            }
        }
    }
}

/// `checks`: each variant's match arm, and whether it checks anything.
fn union_validate(
    u: &Union,
    checks: Vec<(TokenStream, bool)>,
    deprecated_allow: Option<TokenStream>,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(&u.name);
    let other = ident(&u.other);
    if !checks.iter().any(|(_, checks)| *checks) {
        return quote!(#cfg impl crate::Validate for #name {});
    }
    let checks = checks.into_iter().map(|(arm, _)| arm);
    quote! {
        #cfg
        #deprecated_allow
        impl crate::Validate for #name {
            fn validate_at(&self, path: &crate::FieldPath<'_>, out: &mut Vec<crate::Violation>) {
                match self {
                    #( #checks )*
                    Self::#other(_) => {}
                }
            }
        }
    }
}

/// The error types of the operations. Operations that declare the same error answers share one
/// enum, named for the first of them; the others' error types are aliases of it.
fn error_defs(model: &Model) -> TokenStream {
    let mut first: Vec<&Operation> = Vec::new();
    let mut sharing = vec![0usize; model.operations.len()];
    let mut owner = Vec::with_capacity(model.operations.len());
    for op in &model.operations {
        let index = match first.iter().position(|f| f.errors == op.errors) {
            Some(index) => index,
            None => {
                first.push(op);
                first.len() - 1
            }
        };
        sharing[index] += 1;
        owner.push(index);
    }
    // A shared enum is compiled with any operation that uses it; an alias with its operation.
    let mut gates: Vec<Option<Gate>> = vec![None; first.len()];
    for (i, index) in owner.iter().enumerate() {
        let gate = super::features::operation_gate(model, i);
        gates[*index] = Some(match &gates[*index] {
            Some(before) => before.or(&gate),
            None => gate,
        });
    }
    let defs = model
        .operations
        .iter()
        .zip(owner)
        .enumerate()
        .map(|(i, (op, index))| {
            let shared = first[index];
            if std::ptr::eq(shared, op) {
                let gate = gates[index]
                    .as_ref()
                    .expect("the enum's own operation shares it");
                let cfg = super::features::attr(model, gate);
                return error_def(op, sharing[index] - 1, &cfg);
            }
            let cfg = super::features::operation(model, i);
            let (name, shared_name) = (ident(&op.error_name), ident(&shared.error_name));
            let text = format!(
                "The error answers of `{} {}` ([`crate::Client::{}`]): the same as [`{}`]'s.",
                op.method, op.path, op.ident, shared.error_name
            );
            let doc = doc(&text);
            quote! {
                #doc
                #cfg
                pub type #name = #shared_name;
            }
        });
    quote!(#( #defs )*)
}

/// The error answers of one operation (and of `others` more that declare the same): a variant
/// per declared status, and `Other` unless the spec declares a `default` answer.
fn error_def(op: &Operation, others: usize, cfg: &TokenStream) -> TokenStream {
    let name = ident(&op.error_name);
    let here = quote!();
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut bodies = Vec::new();
    for case in &op.errors {
        let variant = ident(&case.variant);
        let body = case.body.as_ref().map_or_else(
            || quote!(serde_json::Value),
            |shape| rust_type(shape, &here),
        );
        let status = match case.status {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Range(range) => format!("{range}XX"),
            StatusMatch::Default => "Any other status".to_owned(),
        };
        let text = match &case.doc {
            Some(doc) => format!("{status}: {doc}"),
            None => format!("{status}."),
        };
        let doc = doc(&text);
        variants.push(quote! {
            #doc
            #variant(Option<#body>),
        });
        let pattern = match case.status {
            StatusMatch::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            StatusMatch::Range(range) => {
                let low = proc_macro2::Literal::u16_unsuffixed(range * 100);
                let high = proc_macro2::Literal::u16_unsuffixed(range * 100 + 99);
                quote!(#low..=#high)
            }
            StatusMatch::Default => quote!(_),
        };
        let body = quote!(Self::#variant(serde_json::from_slice(body).ok()));
        arms.push(quote!(#pattern => #body,));
        bodies.push(body);
    }
    if !op
        .errors
        .iter()
        .any(|case| case.status == StatusMatch::Default)
    {
        variants.push(quote! {
            /// A status the spec does not declare for this operation; the body if it is JSON.
            Other(Option<serde_json::Value>),
        });
        let body = quote!(Self::Other(serde_json::from_slice(body).ok()));
        arms.push(quote!(_ => #body,));
        bodies.push(body);
    }
    // One arm is the catch-all (`_`): every status gets the same variant.
    let from_answer = match &bodies[..] {
        [only] => quote! {
            fn from_answer(_status: u16, body: &[u8]) -> Self {
                #only
            }
        },
        _ => quote! {
            fn from_answer(status: u16, body: &[u8]) -> Self {
                match status {
                    #( #arms )*
                }
            }
        },
    };
    let mut text = format!(
        "The error answers of `{} {}` ([`crate::Client::{}`]), one variant per status the spec declares. \
         Each holds the body when it is the declared JSON; the raw text is always in [`crate::ApiError::raw`].",
        op.method, op.path, op.ident
    );
    match others {
        0 => {}
        1 => text.push_str("\n\nOne other operation declares the same answers: its error type is an alias of this one."),
        n => text.push_str(&format!("\n\n{n} other operations declare the same answers: their error types are aliases of this one.")),
    }
    let doc = doc(&text);
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #( #variants )*
        }

        #cfg
        impl crate::http::ErrorBody for #name {
            #from_answer
        }
    }
}
