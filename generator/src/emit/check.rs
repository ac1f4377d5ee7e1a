//! The checks of request values (`Validate`): what each shape is checked against, as the
//! statements `validate_at` runs.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Field, Presence, Shape, Usage};

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
    usage: &Usage,
) -> TokenStream {
    if !usage.has_checks(shape) {
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
                if usage.has_checks(items) {
                    checks.extend(quote!(#receiver.validate_at(#at, out);));
                }
            } else {
                let item = check(items, &quote!(item), &quote!(#place.index(index)), usage);
                if !item.is_empty() {
                    checks.extend(quote! {
                        for (index, item) in #receiver.iter().enumerate() { #item }
                    });
                }
            }
            checks
        }
        Shape::Map(values) => {
            let item = check(values, &quote!(item), &quote!(#place.key(key)), usage);
            quote!(for (key, item) in #value { #item })
        }
        Shape::Nullable(inner) => {
            let inner = check(inner, &quote!(inner), place, usage);
            quote!(if let Some(inner) = #value { #inner })
        }
        // Only named types are boxed, and those delegate above; method calls see through a `Box`.
        Shape::Boxed(inner) => check(inner, value, place, usage),
        Shape::Named(_) | Shape::Boolean | Shape::Any => TokenStream::new(),
    }
}

/// The checks of a field, at `path.field(wire)`; `value` is an expression of type `&T` for it
/// (`&self.name`, or a binding of a struct variant's field).
pub(super) fn check_field(field: &Field, value: &TokenStream, usage: &Usage) -> TokenStream {
    let wire = &field.wire;
    let place = quote!(path.field(#wire));
    if !usage.has_checks(&field.shape) {
        return TokenStream::new();
    }
    // `Validate` is implemented for `Option` and `Nullable` too.
    if delegates(&field.shape) {
        let receiver = receiver(value);
        return quote!(#receiver.validate_at(&#place, out););
    }
    if field.presence == Presence::Required {
        return check(&field.shape, value, &place, usage);
    }
    let check_value = check(&field.shape, &quote!(value), &place, usage);
    match field.presence {
        Presence::OptionalNullable => {
            quote!(if let crate::Nullable::Value(value) = #value { #check_value })
        }
        _ => quote!(if let Some(value) = #value { #check_value }),
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
