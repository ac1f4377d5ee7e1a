//! `src/types.rs`: a struct per object schema, an open enum per string enum (their impls are one
//! `open_enum!` call), and the file's head; unions are `union.rs`'s, error enums `errors.rs`'s.
//! Only request types ([`Usage::requests`](crate::model::Usage)) get `Validate` impls (one call per
//! check; empty for the unchecked) and `new()`; a strict struct gets `deny_unknown_fields`; a struct
//! written as a union's struct variant is not written as a type.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::check::{check_field, Value};
use super::errors::error_defs;
use super::union::union_def;
use super::{syntax, Piece};
use crate::model::{
    Bounds, Enum, Field, FloatType, IntType, Model, Presence, Shape, Struct, TypeDef, Usage,
};

pub(super) fn types_rs(model: &Model) -> TokenStream {
    let pieces = types_part(model, 0..model.types.len());
    quote!(#( #pieces )*)
}

/// A run of `src/types.rs`: the types in `range`, with the head of the file before them when the
/// range starts the list and the operations' error types after them when it ends it. The parts of
/// a split file, printed item by item, concatenate to the whole file's text.
pub(super) fn types_part(model: &Model, range: std::ops::Range<usize>) -> Vec<Piece> {
    let usage = &model.usage;
    let mut pieces = Vec::new();
    if range.start == 0 {
        pieces.push(Piece::Tokens(quote! {
            //! The request and response types of the API, one per schema of the spec, and the error
            //! answers of each operation, typed by status.
            //!
            //! A type or field the spec does not describe has no documentation here (`missing_docs`
            //! is allowed in this module) rather than words made up for it.
            #![allow(missing_docs)]
            #[allow(unused_imports)]
            use crate::validation::{self as v, Validate as _};
        }));
    }
    for t in &model.types[range.clone()] {
        let items = match t {
            TypeDef::Struct(s) if usage.inlined.contains(&s.name) => continue,
            TypeDef::Struct(s) => struct_def(s, usage),
            TypeDef::Enum(e) => enum_def(e),
            TypeDef::Union(u) => vec![Piece::Tokens(union_def(u, model))],
        };
        let cfg = super::features::named(model, t.name());
        pieces.extend(
            items
                .into_iter()
                .map(|piece| super::features::gate_items(piece, &cfg)),
        );
    }
    if range.end == model.types.len() {
        pieces.extend(error_defs(model));
    }
    pieces
}

pub(super) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// A shape's Rust type one level at a time, so that both printers ([`rust_type`], tokens, and
/// [`syn_type`], a syntax tree) write the same: a path, a named type (behind the caller's prefix),
/// a generic type of one argument, or a map (`std::collections::BTreeMap<String, _>`).
enum Outer<'a> {
    Path(&'static [&'static str]),
    Named(&'a str),
    Generic(&'static str, &'a Shape),
    Map(&'a Shape),
}

fn outer(shape: &Shape) -> Outer<'_> {
    match shape {
        Shape::String(rules) if rules.secret => Outer::Path(&["crate", "SecretString"]),
        Shape::String(_) => Outer::Path(&["String"]),
        Shape::Integer(int, _) => Outer::Path(match int {
            IntType::I8 => &["i8"],
            IntType::I16 => &["i16"],
            IntType::I32 => &["i32"],
            IntType::I64 => &["i64"],
            IntType::U8 => &["u8"],
            IntType::U16 => &["u16"],
            IntType::U32 => &["u32"],
            IntType::U64 => &["u64"],
        }),
        Shape::Number(FloatType::F32, _) => Outer::Path(&["f32"]),
        Shape::Number(FloatType::F64, _) => Outer::Path(&["f64"]),
        Shape::Boolean => Outer::Path(&["bool"]),
        Shape::Array { items, .. } => Outer::Generic("Vec", items),
        Shape::Map(values) => Outer::Map(values),
        Shape::Nullable(inner) => Outer::Generic("Option", inner),
        Shape::Named(name) => Outer::Named(name),
        Shape::Boxed(inner) => Outer::Generic("Box", inner),
        Shape::Any => Outer::Path(&["serde_json", "Value"]),
    }
}

/// The Rust type of a shape. `prefix` qualifies named types (`types::` outside this module).
pub(super) fn rust_type(shape: &Shape, prefix: &TokenStream) -> TokenStream {
    match outer(shape) {
        Outer::Path(path) => {
            let segments = path.iter().map(|segment| ident(segment));
            quote!(#( #segments )::*)
        }
        Outer::Named(name) => {
            let name = ident(name);
            quote!(#prefix #name)
        }
        Outer::Generic(generic, inner) => {
            let (generic, inner) = (ident(generic), rust_type(inner, prefix));
            quote!(#generic<#inner>)
        }
        Outer::Map(values) => {
            let values = rust_type(values, prefix);
            quote!(std::collections::BTreeMap<String, #values>)
        }
    }
}

/// [`rust_type`] as a syntax tree, named types unqualified.
pub(super) fn syn_type(shape: &Shape) -> syn::Type {
    match outer(shape) {
        Outer::Path(path) => syntax::type_path(path, Vec::new()),
        Outer::Named(name) => syntax::type_path(&[name], Vec::new()),
        Outer::Generic(generic, inner) => syntax::type_path(&[generic], vec![syn_type(inner)]),
        Outer::Map(values) => syntax::type_path(
            &["std", "collections", "BTreeMap"],
            vec![syntax::type_path(&["String"], Vec::new()), syn_type(values)],
        ),
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

/// A field's doc text: its description, then its constraints and server default in words.
fn field_doc(field: &Field) -> String {
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
    text
}

/// Where a field is defined, which decides how it is written and read.
#[derive(Clone, Copy)]
pub(super) enum FieldOf {
    /// A struct's: `pub`, its wire name and presence in the struct's `serde_struct!` call.
    Struct,
    /// A struct variant's: not `pub`; the union's serde impls name its wire name and presence.
    Variant,
}

/// A field of a struct or of a struct variant, as tokens.
pub(super) fn field_def(field: &Field, of: FieldOf) -> TokenStream {
    let field = syn_field(field, of);
    quote!(#field,)
}

/// A field of a struct or of a struct variant, as a syntax tree.
fn syn_field(field: &Field, of: FieldOf) -> syn::Field {
    let mut attrs = super::doc_attrs(&field_doc(field));
    if field.deprecated {
        attrs.push(syntax::word_attr("deprecated"));
    }
    let ty = syn_type(&field.shape);
    let ty = match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => syntax::type_path(&["Option"], vec![ty]),
        Presence::OptionalNullable => syntax::type_path(&["crate", "Nullable"], vec![ty]),
    };
    syntax::named_field(attrs, matches!(of, FieldOf::Struct), &field.ident, ty)
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

/// How a field is written and read by the runtime's serde macros (`runtime/wire.rs`):
/// `required` (missing is an error), `nullable` (an `Option` always sent: a required nullable
/// field, which serde reads as `None` when missing) or `optional` (missing is its default, and
/// left out it is not sent).
pub(super) fn serde_presence(field: &Field) -> &'static str {
    match field.presence {
        Presence::Required if matches!(field.shape, Shape::Nullable(_)) => "nullable",
        Presence::Required => "required",
        Presence::RequiredNullable => "nullable",
        Presence::Optional | Presence::OptionalNullable => "optional",
    }
}

/// The struct's `Serialize` and `Deserialize`: a `crate::wire::serde_struct!` call (see
/// `runtime/wire.rs`), which expands to a fraction of what serde's derives do, with the same
/// errors and the same output, each field with its [`serde_presence`]. Its wire name is always
/// written, even when it is the field's name: the macro then uses it as it is, where choosing
/// between the two took four inner macro calls per field (7 % of a large crate's check).
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
            let presence = serde_presence(field);
            let wire = super::string_literal(&field.wire);
            format!("{} = {wire} {presence}", field.ident)
        })
        .collect();
    super::item_macro(super::ItemMacro::SerdeStruct, &[&s.name, &unknown], &fields)
}

/// A struct, built as a syntax tree, then its `serde_struct!` call, `new` and `Validate` impl.
fn struct_def(s: &Struct, usage: &Usage) -> Vec<Piece> {
    let request = usage.requests.contains(&s.name);
    let name = ident(&s.name);
    let mut attrs = s.doc.as_deref().map(super::doc_attrs).unwrap_or_default();
    let default = s.fields.iter().all(|f| f.presence != Presence::Required);
    let derives = match default {
        true => quote!(Debug, Clone, PartialEq, Default,),
        false => quote!(Debug, Clone, PartialEq,),
    };
    attrs.push(syntax::list_attr("derive", derives));
    let mut fields: Vec<syn::Field> = s
        .fields
        .iter()
        .map(|field| syn_field(field, FieldOf::Struct))
        .collect();
    if let Some(values) = &s.additional {
        let doc = super::doc_attrs("Properties not listed in the schema, kept as received.");
        let ty = syntax::type_path(
            &["std", "collections", "BTreeMap"],
            vec![syntax::type_path(&["String"], Vec::new()), syn_type(values)],
        );
        fields.push(syntax::named_field(doc, true, &s.additional_ident, ty));
    }
    let definition = syntax::struct_item(attrs, &s.name, fields);
    let serde = serde_call(s, usage.strict.contains(&s.name));
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
    let mut pieces = vec![Piece::Item(Box::new(definition)), Piece::Tokens(serde)];
    // With required fields there is no `Default`: `new` takes them and leaves the rest out.
    if request && !default {
        let deprecated = deprecated_allow.is_some();
        pieces.push(Piece::Item(Box::new(constructor(s, deprecated))));
    }
    pieces.push(Piece::Tokens(validate));
    pieces
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

/// `new`, taking the required fields (a string as `impl Into<String>`, or `SecretString`) and
/// leaving the rest out.
fn constructor(s: &Struct, deprecated: bool) -> syn::Item {
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    let converted = |f: &Field| matches!(f.shape, Shape::String(_));
    let parameters = required
        .iter()
        .map(|f| {
            let ty = syn_type(&f.shape);
            let ty = if converted(f) {
                syntax::impl_into(ty)
            } else {
                ty
            };
            (f.ident.as_str(), ty)
        })
        .collect();
    let mut fields: Vec<(&str, syntax::Init)> = s
        .fields
        .iter()
        .map(|f| {
            let init = match f.presence {
                Presence::Required if converted(f) => syntax::Init::Into,
                Presence::Required => syntax::Init::Given,
                _ => syntax::Init::Default,
            };
            (f.ident.as_str(), init)
        })
        .collect();
    if s.additional.is_some() {
        fields.push((&s.additional_ident, syntax::Init::Default));
    }
    let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
    let listing = match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let text = match fields.len() > required.len() {
        true => format!("A value with the required {listing}, and every other field left out."),
        false if names.len() == 1 => format!("A value with {listing}, its only field."),
        false => format!("A value with {listing}, its only fields."),
    };
    let doc = super::doc_attrs(&text);
    let attrs = match deprecated {
        true => vec![syntax::list_attr("allow", quote!(deprecated))],
        false => Vec::new(),
    };
    syntax::constructor(attrs, &s.name, doc, parameters, fields)
}

/// An open enum, built as a syntax tree, then its `open_enum!` call.
fn enum_def(e: &Enum) -> Vec<Piece> {
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
    let mut variants: Vec<syn::Variant> = values
        .iter()
        .zip(&e.variants)
        .map(|(value, (variant, _))| {
            let doc = syntax::name_value_attr("doc", &format!(" `{value}`"));
            syntax::variant(vec![doc], variant, None)
        })
        .collect();
    let other_doc = super::doc_attrs(
        "A value the spec does not list, kept as received so it serializes back unchanged. \
         Requests carrying one fail validation.",
    );
    let string = syntax::type_path(&["String"], Vec::new());
    variants.push(syntax::variant(other_doc, &e.other, Some(string)));
    let mut attrs = super::doc_attrs(&text);
    attrs.push(syntax::list_attr(
        "derive",
        quote!(Debug, Clone, PartialEq, Eq, Hash),
    ));
    let pairs: Vec<String> = e
        .variants
        .iter()
        .map(|(variant, wire)| format!("{variant} = {}", super::string_literal(wire)))
        .collect();
    let call = super::item_macro(super::ItemMacro::OpenEnum, &[&e.name, &e.other], &pairs);
    vec![
        Piece::Item(Box::new(syntax::enum_item(attrs, &e.name, variants))),
        Piece::Tokens(call),
    ]
}
