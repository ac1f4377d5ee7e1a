//! Unions: a Rust enum per `oneOf`/`anyOf`, with a variant per member and one for anything
//! else, its serde impls, `Display` (when a parameter holds it) and `Validate` (when a request does).
//! The serde impls are a `serde_union!` call (`runtime/wire.rs`), or for a union of struct variants
//! written out by `tag_writing_impls`: an unknown tag is kept whole, a known one's fields are read
//! through a private struct with its `serde_struct!` call, so a bad value under a known tag is an
//! error that names the field.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::check::{check, check_field, Path, Value};
use super::doc;
use super::types::{field_def, field_type, ident, rust_type, serde_presence, FieldOf};
use crate::model::{Model, Shape, Struct, TypeDef, Union, Usage, Variant};
use crate::names::Scope;

/// A union's enum with its serde impls, `Display` (when a parameter holds it) and `Validate`
/// (when a request does).
pub(super) fn union_def(u: &Union, model: &Model) -> TokenStream {
    let usage = &model.usage;
    let name = ident(&u.name);
    let other = ident(&u.other);
    let doc = union_doc(u);
    let members = members(u, model);
    let deprecated_allow = members
        .iter()
        .any(|(_, s)| s.is_some_and(|s| s.fields.iter().any(|f| f.deprecated)))
        .then(|| quote!(#[allow(deprecated)]));
    let variants = members.iter().map(|(v, fields)| variant_def(u, v, *fields));
    let other_doc =
        super::doc("A value no variant accepts, kept as received so it serializes back unchanged.");
    let display = usage
        .in_params
        .contains(&u.name)
        .then(|| union_display(u, &members, model));
    let checks: Vec<(TokenStream, bool)> = members
        .iter()
        .map(|(v, fields)| variant_check(v, *fields, usage))
        .collect();
    let validate = usage
        .requests
        .contains(&u.name)
        .then(|| union_validate(u, checks, deprecated_allow.clone()));
    let serde = serde_impls(u, &members, deprecated_allow);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #( #variants )*
            #other_doc
            #other(serde_json::Value),
        }

        #serde
        #display
        #validate
    }
}

/// The union's documentation: the schema's, and how a value is told apart.
fn union_doc(u: &Union) -> TokenStream {
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
    doc(&text)
}

/// A variant: its doc, its tag when the union writes it, and its value or fields.
fn variant_def(u: &Union, v: &Variant, fields: Option<&Struct>) -> TokenStream {
    let here = quote!();
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
    let payload = match fields {
        None => {
            let ty = rust_type(&v.shape, &here);
            quote!((#ty))
        }
        Some(s) if s.fields.is_empty() => quote!(),
        Some(s) => {
            let fields = s.fields.iter().map(|f| field_def(f, FieldOf::Variant));
            quote!({ #( #fields )* })
        }
    };
    quote!(#variant_doc #variant #payload,)
}

/// A variant's arm of `validate_at`, and whether it checks anything.
fn variant_check(v: &Variant, fields: Option<&Struct>, usage: &Usage) -> (TokenStream, bool) {
    let variant = ident(&v.ident);
    let Some(s) = fields else {
        if !usage.has_checks(&v.shape) {
            return (quote!(Self::#variant(_) => {}), false);
        }
        let check = check(&v.shape, &Value::Ref(quote!(value)), &Path::Given, usage);
        return (quote!(Self::#variant(value) => { #check }), true);
    };
    // The fields with checks, bound by their names unless those are the method's own.
    let mut bindings = Scope::with_reserved(&["path", "out"]);
    let mut pattern = Vec::new();
    let mut field_checks = Vec::new();
    for field in s.fields.iter().filter(|f| usage.has_checks(&f.shape)) {
        let binding = ident(&bindings.claim(field.ident.clone()));
        let check = check_field(field, &Value::Ref(quote!(#binding)), usage);
        let field = ident(&field.ident);
        pattern.push(if field == binding {
            quote!(#field)
        } else {
            quote!(#field: #binding)
        });
        field_checks.push(check);
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
}

/// The union's `Serialize` and `Deserialize`: a `crate::wire::serde_union!` call for variants that
/// each hold a value (tried in order, or picked by their tag), or impls written out for the struct
/// variants of a union that writes its tag.
fn serde_impls(
    u: &Union,
    members: &[(&Variant, Option<&Struct>)],
    deprecated_allow: Option<TokenStream>,
) -> TokenStream {
    let form = match &u.discriminator {
        Some(property) if u.writes_tag() => {
            return tag_writing_impls(u, property, members, deprecated_allow)
        }
        Some(property) => format!("tag({})", super::string_literal(property)),
        None => "untagged".to_owned(),
    };
    let variants: Vec<String> = u
        .variants
        .iter()
        .map(|v| match &u.discriminator {
            Some(_) => {
                let tags: Vec<String> = v.tags.iter().map(|t| super::string_literal(t)).collect();
                format!("{} = {}", v.ident, tags.join(" | "))
            }
            None => v.ident.clone(),
        })
        .collect();
    super::item_macro(
        super::ItemMacro::SerdeUnion,
        &[&u.name, &u.other, &form],
        &variants,
    )
}

/// Each variant of `u`, with the struct whose fields it holds when it is a struct variant.
fn members<'m>(u: &'m Union, model: &'m Model) -> Vec<(&'m Variant, Option<&'m Struct>)> {
    u.variants
        .iter()
        .map(|v| {
            let fields = v.inline.then(|| {
                v.struct_name()
                    .and_then(|n| model.struct_named(n))
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

/// `Serialize` and `Deserialize` for a union that writes its tag (its variants are struct
/// variants), as serde's internally tagged form: a variant is written as an object with the tag
/// first; an unknown tag keeps the value whole, a known one reads the variant's fields through a
/// private struct with its `serde_struct!` call, so a bad value under a known tag is an error naming
/// what is wrong.
fn tag_writing_impls(
    u: &Union,
    property: &str,
    members: &[(&Variant, Option<&Struct>)],
    deprecated_allow: Option<TokenStream>,
) -> TokenStream {
    let name = ident(&u.name);
    let other = ident(&u.other);
    let type_name = &u.name;
    // Named types by their full path: the private struct's name cannot shadow a spec type.
    let prefix = quote!(crate::types::);
    let mut write_arms = Vec::new();
    let mut read_arms = Vec::new();
    for (v, s) in members {
        let s = s.expect("a tag-writing union's variants are struct variants");
        let variant = ident(&v.ident);
        let tag = &v.tags[0];
        let names: Vec<Ident> = s.fields.iter().map(|f| ident(&f.ident)).collect();
        let wires: Vec<&String> = s.fields.iter().map(|f| &f.wire).collect();
        let presences: Vec<Ident> = s
            .fields
            .iter()
            .map(|f| Ident::new(serde_presence(f), proc_macro2::Span::call_site()))
            .collect();
        if s.fields.is_empty() {
            write_arms.push(quote! {
                Self::#variant => crate::wire::tagged(serializer, #type_name, 0, #property, #tag).end(),
            });
            read_arms.push(quote!(Some(#tag) => Ok(Self::#variant),));
            continue;
        }
        write_arms.push(quote! {
            Self::#variant { #( #names ),* } => {
                let len = #( crate::wire::count::#presences(#names) )+*;
                let mut out = crate::wire::tagged(serializer, #type_name, len, #property, #tag);
                #( out.#presences(#wires, #names); )*
                out.end()
            }
        });
        let fields = s.fields.iter().map(|f| {
            let field = ident(&f.ident);
            let ty = field_type(f, &prefix);
            quote!(#field: #ty,)
        });
        read_arms.push(quote! {
            Some(#tag) => {
                struct Fields { #( #fields )* }
                crate::wire::serde_struct!(Fields, ignore, [#( #names = #wires #presences ),*]);
                let fields: Fields = serde::Deserialize::deserialize(value)
                    .map_err(serde::de::Error::custom)?;
                Ok(Self::#variant { #( #names: fields.#names ),* })
            }
        });
    }
    quote! {
        #deprecated_allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( #write_arms )*
                    Self::#other(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        #deprecated_allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #( #read_arms )*
                    _ => Ok(Self::#other(value)),
                }
            }
        }
    }
}

fn union_display(u: &Union, members: &[(&Variant, Option<&Struct>)], model: &Model) -> TokenStream {
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
) -> TokenStream {
    let name = ident(&u.name);
    let other = ident(&u.other);
    if !checks.iter().any(|(_, checks)| *checks) {
        return quote!(impl crate::Validate for #name {});
    }
    let checks = checks.into_iter().map(|(arm, _)| arm);
    quote! {
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
