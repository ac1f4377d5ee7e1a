//! Page-numbered lists: the `_pages` method beside an operation's own, a stream of its items.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc;
use super::operation::{param_type, success_type};
use super::types::{ident, rust_type};
use crate::model::{IntType, Items, Operation, Paging, ParamLocation, Shape};

/// `<operation>_pages`: the same arguments, the parameters struct by value, and a [`Pages`] that
/// walks the pages from the struct's page number (or the first page) on.
pub(super) fn pages(
    op: &Operation,
    paging: &Paging,
    types: &TokenStream,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(&op.ident);
    let pages_name = ident(&format!("{}_pages", op.ident));
    let lifetime = quote!('a);
    let params_arg = ident(&op.locals.params);
    let mut args = Vec::new();
    let mut call = Vec::new();
    for param in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let arg = ident(&param.ident);
        let ty = param_type(param, types, &lifetime);
        args.push(quote!(#arg: #ty));
        call.push(quote!(#arg));
    }
    let struct_name = op.params_struct.as_deref().map(ident);
    args.push(quote!(#params_arg: crate::params::#struct_name));
    call.push(quote!(&#params_arg));
    let page = op
        .params
        .iter()
        .find(|p| p.ident == paging.page)
        .expect("the page parameter is a parameter");
    let page_field = ident(&page.ident);
    let page_local = ident(&op.locals.page);
    let first = proc_macro2::Literal::i64_unsuffixed(paging.first);
    let (start, set_page) = match &page.shape {
        Shape::Integer(IntType::I64, _) => (
            quote!(#params_arg.#page_field.unwrap_or(#first)),
            quote!(Some(#page_local)),
        ),
        Shape::Integer(int, _) => {
            let ty = rust_type(&Shape::Integer(*int, Default::default()), types);
            (
                quote!(#params_arg.#page_field.map_or(#first, |page| page as i64)),
                quote!(Some(#page_local as #ty)),
            )
        }
        _ => (quote!(#first), quote!(Some(#page_local))),
    };
    let item = rust_type(&paging.item, types);
    let ok = success_type(&op.success, types);
    let label = format!("{} {}", op.method, op.path);
    let extract = take_items(&paging.items, quote!(value), types, &label);
    // Only a union's form without items reads the status, for its error.
    let status =
        matches!(paging.items, Items::Union(..)).then(|| quote!(let status = answer.status();));
    let err = ident(&op.error_name);
    let text = format!(
        "Every page of [`Self::{}`], from `{}.{}` on (page {} when it is `None`).\n\n\
         [`Pages`](crate::Pages) is a [`Stream`](futures_core::Stream) of the items, and can be walked \
         a page at a time with [`next_page`](crate::Pages::next_page). Each page is fetched when it is \
         needed; the walk ends at the first empty page, or at the first error (an answer that holds no \
         list, such as a form of it the spec does not declare, is an [`Error::Decode`]).",
        op.ident, op.locals.params, paging.page, paging.first
    );
    let doc = doc(&text);
    let example = example(op, &pages_name.to_string());
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let allow = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    quote! {
        #doc
        #example
        #cfg
        #deprecated
        pub fn #pages_name<'a>(&'a self, #( #args ),*) -> crate::Pages<'a, #item, Error<#types #err>> {
            crate::Pages::new(#start, Box::new(move |#page_local| {
                let mut #params_arg = #params_arg.clone();
                #params_arg.#page_field = #set_page;
                Box::pin(async move {
                    #allow
                    let answer = self.#name(#( #call ),*).await?;
                    #status
                    let value: #ok = answer.into_inner();
                    Ok(#extract)
                })
            }))
        }
    }
}

/// The `# Example` of a `_pages` method: a walk a page at a time, each item printed.
fn example(op: &Operation, method: &str) -> TokenStream {
    let (line, args) = super::operation::example_inputs(op, true);
    let call = super::operation::example_call("let mut pages", method, &args, false);
    let walk = [
        " while let Some(page) = pages.next_page().await {",
        "     for item in page? {",
        "         println!(\"{item:?}\");",
        "     }",
        " }",
    ];
    super::operation::example_doc(&line, &call, &walk)
}

/// The expression that takes the items out of `value`, an answer of the operation `label`: a
/// union's form without items returns an error from the page's future.
fn take_items(items: &Items, value: TokenStream, types: &TokenStream, label: &str) -> TokenStream {
    match items {
        Items::Whole => value,
        Items::Field {
            ident: field,
            optional: false,
        } => {
            let field = ident(field);
            quote!(#value.#field)
        }
        Items::Field {
            ident: field,
            optional: true,
        } => {
            let field = ident(field);
            quote!(#value.#field.unwrap_or_default())
        }
        Items::Union(union, arms) => {
            let union = ident(union);
            let arms = arms.iter().map(|arm| {
                let variant = ident(&arm.variant);
                match (&arm.items, arm.inline) {
                    // A struct variant: the field holding the items is bound as `inner`.
                    (
                        Items::Field {
                            ident: field,
                            optional,
                        },
                        true,
                    ) => {
                        let field = ident(field);
                        let inner = match optional {
                            true => quote!(inner.unwrap_or_default()),
                            false => quote!(inner),
                        };
                        quote!(Answer::#variant { #field: inner, .. } => #inner,)
                    }
                    (items, _) => {
                        let inner = take_items(items, quote!(inner), types, label);
                        quote!(Answer::#variant(inner) => #inner,)
                    }
                }
            });
            // The union under a short name, so each arm fits on a line.
            quote! {
                {
                    use #types #union as Answer;
                    match #value {
                        #( #arms )*
                        other => return Err(crate::pages::unreadable(#label, status, &other)),
                    }
                }
            }
        }
    }
}
