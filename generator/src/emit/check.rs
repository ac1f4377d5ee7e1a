//! The checks of request values (`Validate`): what each shape is checked against, as the
//! statements `validate_at` runs.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Bounds, Field, Presence, Shape, StringRules, Usage};

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

/// A value to check, as an expression: which kind it is decides how it is borrowed, called on
/// and read, so nothing is decided from the printed tokens.
#[derive(Clone)]
pub(super) enum Value {
    /// A place of type `T` (`self.name`, `params.name`, a path argument): borrowed as `&place`,
    /// a method receiver as it is, a number read from it as it is.
    Place(TokenStream),
    /// A binding of type `&T` (`value`, `item`, `body`): a reference already, a method receiver
    /// as it is (method calls borrow on their own), a number read through `*`.
    Ref(TokenStream),
}

impl Value {
    /// An expression of type `&T`.
    fn reference(&self) -> TokenStream {
        match self {
            Value::Place(place) => quote!(&#place),
            Value::Ref(binding) => binding.clone(),
        }
    }

    /// The value as the receiver of a method call.
    fn receiver(&self) -> &TokenStream {
        match self {
            Value::Place(expression) | Value::Ref(expression) => expression,
        }
    }

    /// A number's value (numbers are `Copy`).
    fn number(&self) -> TokenStream {
        match self {
            Value::Place(place) => place.clone(),
            Value::Ref(binding) => quote!(*#binding),
        }
    }
}

/// Where a checked value is, for the violations found in it.
pub(super) enum Path {
    /// `path`, the `&FieldPath` that `validate_at` is given.
    Given,
    /// An expression of type `FieldPath` (`path.field("name")`, `v::param("id")`).
    Built(TokenStream),
}

impl Path {
    /// An expression of type `&FieldPath`.
    fn reference(&self) -> TokenStream {
        match self {
            Path::Given => quote!(path),
            Path::Built(path) => quote!(&#path),
        }
    }

    /// The path of a part of the value: `step` is a method of `FieldPath` (`index`, `key`) and
    /// `of` its argument.
    fn child(&self, step: &str, of: &str) -> Path {
        let (step, of) = (super::types::ident(step), super::types::ident(of));
        let path = match self {
            Path::Given => quote!(path),
            Path::Built(path) => path.clone(),
        };
        Path::Built(quote!(#path.#step(#of)))
    }
}

/// The checks of a value of `shape` at `path`. Empty when there is nothing to check (exactly
/// when [`Usage::has_checks`] says so).
pub(super) fn check(shape: &Shape, value: &Value, path: &Path, usage: &Usage) -> TokenStream {
    if !usage.has_checks(shape) {
        return TokenStream::new();
    }
    let at = path.reference();
    if delegates(shape) {
        let receiver = value.receiver();
        return quote!(#receiver.validate_at(#at, out););
    }
    match shape {
        Shape::String(rules) => check_string(rules, value, &at),
        Shape::Integer(_, bounds) | Shape::Number(_, bounds) => check_number(bounds, value, &at),
        Shape::Array {
            items,
            min_items,
            max_items,
            unique,
        } => {
            let receiver = value.receiver();
            let mut checks = TokenStream::new();
            if min_items.is_some() || max_items.is_some() {
                let (min, max) = (option(*min_items), option(*max_items));
                checks.extend(quote!(v::items(#at, #receiver.len(), #min, #max, out);));
            }
            if *unique {
                checks.extend(quote!(v::unique(#at, &#receiver, out);));
            }
            if delegates(items) {
                if usage.has_checks(items) {
                    checks.extend(quote!(#receiver.validate_at(#at, out);));
                }
            } else if usage.has_checks(items) {
                let item = Value::Ref(quote!(item));
                let item = check(items, &item, &path.child("index", "index"), usage);
                checks.extend(quote! {
                    for (index, item) in #receiver.iter().enumerate() { #item }
                });
            }
            checks
        }
        Shape::Map(values) => {
            let item = check(
                values,
                &Value::Ref(quote!(item)),
                &path.child("key", "key"),
                usage,
            );
            let map = value.reference();
            quote!(for (key, item) in #map { #item })
        }
        Shape::Nullable(inner) => {
            let inner = check(inner, &Value::Ref(quote!(inner)), path, usage);
            let option = value.reference();
            quote!(if let Some(inner) = #option { #inner })
        }
        // Only named types are boxed, and those delegate above; method calls see through a `Box`.
        Shape::Boxed(inner) => check(inner, value, path, usage),
        Shape::Named(_) | Shape::Boolean | Shape::Any => TokenStream::new(),
    }
}

/// The checks of a string: its length in characters, and its pattern.
fn check_string(rules: &StringRules, value: &Value, at: &TokenStream) -> TokenStream {
    let secret = rules.secret;
    let text = if secret {
        let receiver = value.receiver();
        quote!(#receiver.expose_secret())
    } else {
        value.reference()
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

/// The checks of a number: its bounds (exclusive ones as such), and `multipleOf`.
fn check_number(bounds: &Bounds, value: &Value, at: &TokenStream) -> TokenStream {
    let number = value.number();
    let exclusive = matches!(bounds.min, Some((_, true))) || matches!(bounds.max, Some((_, true)));
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

/// The checks of a field, at `path.field(wire)`: `value` is the field's own (an `Option` or
/// `Nullable` when it may be absent). Empty when there is nothing to check.
pub(super) fn check_field(field: &Field, value: &Value, usage: &Usage) -> TokenStream {
    let wire = &field.wire;
    let path = Path::Built(quote!(path.field(#wire)));
    if !usage.has_checks(&field.shape) {
        return TokenStream::new();
    }
    // `Validate` is implemented for `Option` and `Nullable` too.
    if delegates(&field.shape) {
        let (receiver, at) = (value.receiver(), path.reference());
        return quote!(#receiver.validate_at(#at, out););
    }
    if field.presence == Presence::Required {
        return check(&field.shape, value, &path, usage);
    }
    let check_value = check(&field.shape, &Value::Ref(quote!(value)), &path, usage);
    let held = value.reference();
    match field.presence {
        Presence::OptionalNullable => {
            quote!(if let crate::Nullable::Value(value) = #held { #check_value })
        }
        _ => quote!(if let Some(value) = #held { #check_value }),
    }
}

pub(super) fn option(value: Option<u64>) -> TokenStream {
    match value {
        Some(v) => {
            let v = proc_macro2::Literal::u64_unsuffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    }
}
