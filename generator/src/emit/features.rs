//! The tag features in the output ([`crate::model::TagFeatures`]): their `[features]` lines in
//! `Cargo.toml`, and the `#[cfg(...)]` put on each item an operation or a named type brings.
//! Without tag features ([`Model::features`] is `None`) every function here gives nothing, so
//! the output is what it was without them.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use super::Piece;
use crate::model::{Gate, Model, TagFeatures};

/// The `cfg` predicate of `gate`, or `None` when the item is compiled whatever the features
/// ([`Gate::Always`]).
fn predicate(features: &TagFeatures, gate: &Gate) -> Option<TokenStream> {
    match gate {
        Gate::Always => None,
        Gate::Any(list) => {
            let names: Vec<&str> = list
                .iter()
                .map(|i| features.features[*i].name.as_str())
                .collect();
            Some(match names.as_slice() {
                [one] => quote!(feature = #one),
                _ => quote!(any( #( feature = #names ),* )),
            })
        }
    }
}

/// `#[cfg(...)]` for an item compiled by `gate`; nothing when it always is.
pub(super) fn attr(model: &Model, gate: &Gate) -> TokenStream {
    let Some(features) = &model.features else {
        return TokenStream::new();
    };
    match predicate(features, gate) {
        Some(predicate) => quote!(#[cfg(#predicate)]),
        None => TokenStream::new(),
    }
}

/// The gate of the operation at `index` of [`Model::operations`].
pub(super) fn operation_gate(model: &Model, index: usize) -> Gate {
    match &model.features {
        Some(features) => features.operation(index).clone(),
        None => Gate::Always,
    }
}

/// `#[cfg(...)]` for an item of the operation at `index`.
pub(super) fn operation(model: &Model, index: usize) -> TokenStream {
    attr(model, &operation_gate(model, index))
}

/// `#[cfg(...)]` for an item of the named type `name`.
pub(super) fn named(model: &Model, name: &str) -> TokenStream {
    match &model.features {
        Some(features) => attr(model, features.named(name)),
        None => TokenStream::new(),
    }
}

/// The `cfg` predicate of an item that needs every one of `gates` (a collection of the fake
/// needs each of its operations), or `None` when it is always compiled.
fn every(model: &Model, gates: &[Gate]) -> Option<TokenStream> {
    let features = model.features.as_ref()?;
    // A gate that holds every feature of another is implied by it: `all(any(a, b), a)` is `a`.
    let implied = |gate: &Gate| {
        gates.iter().any(|other| match (gate, other) {
            (Gate::Any(wide), Gate::Any(narrow)) => {
                narrow.len() < wide.len() && narrow.iter().all(|f| wide.contains(f))
            }
            _ => false,
        })
    };
    let mut predicates: Vec<String> = Vec::new();
    let mut tokens: Vec<TokenStream> = Vec::new();
    for gate in gates.iter().filter(|gate| !implied(gate)) {
        if let Some(predicate) = predicate(features, gate) {
            let text = predicate.to_string();
            if !predicates.contains(&text) {
                predicates.push(text);
                tokens.push(predicate);
            }
        }
    }
    match tokens.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        _ => Some(quote!(all( #( #tokens ),* ))),
    }
}

/// `#[cfg(...)]` for an item that needs every one of `gates`.
pub(super) fn attr_every(model: &Model, gates: &[Gate]) -> TokenStream {
    match every(model, gates) {
        Some(predicate) => quote!(#[cfg(#predicate)]),
        None => TokenStream::new(),
    }
}

/// A `usize` expression: how many of the items that need every one of each of `before`'s gates
/// are compiled (the index of the next in a list that holds only those): a literal without
/// tag features.
pub(super) fn count_compiled(model: &Model, before: &[Vec<Gate>]) -> TokenStream {
    let mut always = 0usize;
    // Each predicate once, with how many items have it, in order of first appearance.
    let mut maybe: Vec<(String, TokenStream, usize)> = Vec::new();
    for gates in before {
        match every(model, gates) {
            Some(predicate) => {
                let text = predicate.to_string();
                match maybe.iter_mut().find(|(t, _, _)| *t == text) {
                    Some((_, _, count)) => *count += 1,
                    None => maybe.push((text, predicate, 1)),
                }
            }
            None => always += 1,
        }
    }
    let terms = maybe.into_iter().map(|(_, predicate, count)| match count {
        1 => quote!(cfg!(#predicate) as usize),
        n => {
            let n = proc_macro2::Literal::usize_unsuffixed(n);
            quote!(#n * cfg!(#predicate) as usize)
        }
    });
    let mut terms: Vec<TokenStream> = terms.collect();
    if always > 0 || terms.is_empty() {
        terms.insert(
            0,
            proc_macro2::Literal::usize_unsuffixed(always).into_token_stream(),
        );
    }
    quote!(#( #terms )+*)
}

/// Whether the item of `gate` is compiled by the `default` feature (doc examples are compiled
/// with the default features).
pub(super) fn on_by_default(model: &Model, gate: &Gate) -> bool {
    match (&model.features, gate) {
        (None, _) | (_, Gate::Always) => true,
        (Some(features), Gate::Any(list)) => list.iter().any(|i| features.default.contains(i)),
    }
}

/// The lines of `Cargo.toml`'s `[features]` table for the tags: `default` first, then one
/// feature per tag. Empty without tag features.
pub(super) fn cargo_features(model: &Model) -> String {
    let Some(features) = &model.features else {
        return String::new();
    };
    let mut toml = String::from(
        "# The operations of each tag, and the types they use, are compiled only with its feature.\n",
    );
    toml.push_str("default = [");
    if !features.default.is_empty() {
        toml.push('\n');
        for index in &features.default {
            toml.push_str(&format!("    {:?},\n", features.features[*index].name));
        }
    }
    toml.push_str("]\n");
    for feature in &features.features {
        let what = match (&feature.tag, feature.count) {
            (Some(tag), 1) => format!("Tag {tag:?} (1 operation)."),
            (Some(tag), n) => format!("Tag {tag:?} ({n} operations)."),
            (None, n) => format!("The {n} types no operation uses, and what they hold."),
        };
        toml.push_str(&format!("# {what}\n{} = []\n", feature.name));
    }
    toml
}

/// The crate doc's paragraph on the tag features.
pub(super) fn crate_doc(features: &TagFeatures) -> String {
    let on = match features.default.len() {
        n if n == features.features.len() => "`default` turns them all on".to_owned(),
        0 => "`default` turns none on".to_owned(),
        _ => {
            let names: Vec<String> = features
                .default
                .iter()
                .map(|i| format!("`{}`", features.features[*i].name))
                .collect();
            format!("`default` turns on {}", names.join(", "))
        }
    };
    format!(
        "\n\nEach tag of the API is a Cargo feature (`Cargo.toml` lists them; {on}): the methods \
         of a tag's operations, and the types they use, are compiled only with its feature. \
         Operations without a tag, and the types they use, are always compiled; the types no \
         operation uses come with the `{}` feature.",
        crate::model::UNUSED_TYPES
    )
}

/// The items written for one named type, each with the type's `cfg` (from [`named`]) after its
/// doc comment: the type, its impls and its macro calls alike. Without one, the items as they are.
pub(super) fn gate_items(items: Piece, cfg: &TokenStream) -> Piece {
    use syn::parse::Parser;

    if cfg.is_empty() {
        return items;
    }
    let gate = || {
        syn::Attribute::parse_outer
            .parse2(cfg.clone())
            .expect("a cfg attribute")
    };
    let gate_one = |item: &mut syn::Item| {
        let attrs = match item {
            syn::Item::Struct(item) => &mut item.attrs,
            syn::Item::Enum(item) => &mut item.attrs,
            syn::Item::Impl(item) => &mut item.attrs,
            syn::Item::Macro(item) => &mut item.attrs,
            syn::Item::Type(item) => &mut item.attrs,
            syn::Item::Fn(item) => &mut item.attrs,
            syn::Item::Const(item) => &mut item.attrs,
            other => unreachable!("a named type's items hold no {}", other.to_token_stream()),
        };
        let at = attrs
            .iter()
            .take_while(|attr| attr.path().is_ident("doc"))
            .count();
        attrs.splice(at..at, gate());
    };
    match items {
        Piece::Item(mut item) => {
            gate_one(&mut item);
            Piece::Item(item)
        }
        Piece::Tokens(items) => {
            let mut file: syn::File = syn::parse2(items).expect("the generator's items parse");
            file.items.iter_mut().for_each(gate_one);
            Piece::Tokens(file.items.iter().map(ToTokens::to_token_stream).collect())
        }
    }
}
