//! Syntax trees built directly, with no tokens for `syn` to parse: the struct and enum
//! definitions most of a large `src/types.rs` is made of are built as [`syn::Item`]s and printed
//! by `prettyplease` as they are (a [`Piece::Item`](super::Piece)). Printing one gives the text
//! of printing its tokens parsed (`tests/emit_split.rs` checks that on every document the
//! repository has: the route of [`emit_syntax`](super::emit_syntax) turns these items into
//! tokens and parses them).

use proc_macro2::{Span, TokenStream};

/// `a::b::c`.
pub(super) fn path(segments: &[&str]) -> syn::Path {
    syn::Path {
        leading_colon: None,
        segments: segments
            .iter()
            .map(|segment| syn::PathSegment::from(super::types::ident(segment)))
            .collect(),
    }
}

/// `a::b::C<arguments>` (`a::b::C` without arguments).
pub(super) fn type_path(segments: &[&str], arguments: Vec<syn::Type>) -> syn::Type {
    let mut path = path(segments);
    if !arguments.is_empty() {
        let last = path.segments.last_mut().expect("a type has a name");
        last.arguments = syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args: arguments
                .into_iter()
                .map(syn::GenericArgument::Type)
                .collect(),
            gt_token: Default::default(),
        });
    }
    syn::Type::Path(syn::TypePath { qself: None, path })
}

fn outer(meta: syn::Meta) -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta,
    }
}

/// `#[name = "value"]`.
pub(super) fn name_value_attr(name: &str, value: &str) -> syn::Attribute {
    outer(syn::Meta::NameValue(syn::MetaNameValue {
        path: path(&[name]),
        eq_token: Default::default(),
        value: syn::Expr::Lit(syn::ExprLit {
            attrs: Vec::new(),
            lit: syn::Lit::Str(syn::LitStr::new(value, Span::call_site())),
        }),
    }))
}

/// `#[name(tokens)]`.
pub(super) fn list_attr(name: &str, tokens: TokenStream) -> syn::Attribute {
    outer(syn::Meta::List(syn::MetaList {
        path: path(&[name]),
        delimiter: syn::MacroDelimiter::Paren(Default::default()),
        tokens,
    }))
}

/// `#[name]`.
pub(super) fn word_attr(name: &str) -> syn::Attribute {
    outer(syn::Meta::Path(path(&[name])))
}

/// A named field, `pub` or not: `#[attrs] pub name: ty`.
pub(super) fn named_field(
    attrs: Vec<syn::Attribute>,
    public: bool,
    name: &str,
    ty: syn::Type,
) -> syn::Field {
    field(attrs, public, Some(name), ty)
}

/// A field, named (`name: ty`) or not (`ty`, in a tuple variant).
fn field(
    attrs: Vec<syn::Attribute>,
    public: bool,
    name: Option<&str>,
    ty: syn::Type,
) -> syn::Field {
    syn::Field {
        attrs,
        vis: match public {
            true => syn::Visibility::Public(Default::default()),
            false => syn::Visibility::Inherited,
        },
        mutability: syn::FieldMutability::None,
        ident: name.map(super::types::ident),
        colon_token: name.map(|_| Default::default()),
        ty,
    }
}

/// `#[attrs] pub struct name { fields }`.
pub(super) fn struct_item(
    attrs: Vec<syn::Attribute>,
    name: &str,
    fields: Vec<syn::Field>,
) -> syn::Item {
    syn::Item::Struct(syn::ItemStruct {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        struct_token: Default::default(),
        ident: super::types::ident(name),
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named: fields.into_iter().collect(),
        }),
        semi_token: None,
    })
}

/// A variant: `#[attrs] name`, or `#[attrs] name(ty)` with a type.
pub(super) fn variant(
    attrs: Vec<syn::Attribute>,
    name: &str,
    ty: Option<syn::Type>,
) -> syn::Variant {
    let fields = match ty {
        None => syn::Fields::Unit,
        Some(ty) => syn::Fields::Unnamed(syn::FieldsUnnamed {
            paren_token: Default::default(),
            unnamed: std::iter::once(field(Vec::new(), false, None, ty)).collect(),
        }),
    };
    syn::Variant {
        attrs,
        ident: super::types::ident(name),
        fields,
        discriminant: None,
    }
}

/// `#[attrs] pub enum name { variants }`.
pub(super) fn enum_item(
    attrs: Vec<syn::Attribute>,
    name: &str,
    variants: Vec<syn::Variant>,
) -> syn::Item {
    syn::Item::Enum(syn::ItemEnum {
        attrs,
        vis: syn::Visibility::Public(Default::default()),
        enum_token: Default::default(),
        ident: super::types::ident(name),
        generics: Default::default(),
        brace_token: Default::default(),
        variants: variants.into_iter().collect(),
    })
}

/// How [`constructor`] sets a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Init {
    /// From the parameter of its name, as given.
    Given,
    /// From the parameter of its name, an `impl Into<T>`, with `.into()`.
    Into,
    /// `Default::default()`.
    Default,
}

/// `impl Into<ty>`.
pub(super) fn impl_into(ty: syn::Type) -> syn::Type {
    let syn::Type::Path(into) = type_path(&["Into"], vec![ty]) else {
        unreachable!("type_path gives a path")
    };
    syn::Type::ImplTrait(syn::TypeImplTrait {
        impl_token: Default::default(),
        bounds: std::iter::once(syn::TypeParamBound::Trait(syn::TraitBound {
            paren_token: None,
            modifier: syn::TraitBoundModifier::None,
            lifetimes: None,
            path: into.path,
        }))
        .collect(),
    })
}

/// `#[attrs] impl name { #[doc] pub fn new(parameters) -> Self { Self { fields } } }`, each
/// field set as its [`Init`] says.
pub(super) fn constructor(
    attrs: Vec<syn::Attribute>,
    name: &str,
    doc: Vec<syn::Attribute>,
    parameters: Vec<(&str, syn::Type)>,
    fields: Vec<(&str, Init)>,
) -> syn::Item {
    let expr_path = |segments: &[&str]| {
        syn::Expr::Path(syn::ExprPath {
            attrs: Vec::new(),
            qself: None,
            path: path(segments),
        })
    };
    let inputs = parameters.into_iter().map(|(name, ty)| {
        syn::FnArg::Typed(syn::PatType {
            attrs: Vec::new(),
            pat: Box::new(syn::Pat::Ident(syn::PatIdent {
                attrs: Vec::new(),
                by_ref: None,
                mutability: None,
                ident: super::types::ident(name),
                subpat: None,
            })),
            colon_token: Default::default(),
            ty: Box::new(ty),
        })
    });
    let fields = fields.into_iter().map(|(name, init)| syn::FieldValue {
        attrs: Vec::new(),
        member: syn::Member::Named(super::types::ident(name)),
        colon_token: (init != Init::Given).then(Default::default),
        expr: match init {
            Init::Given => expr_path(&[name]),
            Init::Into => syn::Expr::MethodCall(syn::ExprMethodCall {
                attrs: Vec::new(),
                receiver: Box::new(expr_path(&[name])),
                dot_token: Default::default(),
                method: super::types::ident("into"),
                turbofish: None,
                paren_token: Default::default(),
                args: Default::default(),
            }),
            Init::Default => syn::Expr::Call(syn::ExprCall {
                attrs: Vec::new(),
                func: Box::new(expr_path(&["Default", "default"])),
                paren_token: Default::default(),
                args: Default::default(),
            }),
        },
    });
    let body = syn::Expr::Struct(syn::ExprStruct {
        attrs: Vec::new(),
        qself: None,
        path: path(&["Self"]),
        brace_token: Default::default(),
        fields: fields.collect(),
        dot2_token: None,
        rest: None,
    });
    let new = syn::ImplItemFn {
        attrs: doc,
        vis: syn::Visibility::Public(Default::default()),
        defaultness: None,
        sig: syn::Signature {
            constness: None,
            asyncness: None,
            unsafety: None,
            abi: None,
            fn_token: Default::default(),
            ident: super::types::ident("new"),
            generics: Default::default(),
            paren_token: Default::default(),
            inputs: inputs.collect(),
            variadic: None,
            output: syn::ReturnType::Type(
                Default::default(),
                Box::new(type_path(&["Self"], Vec::new())),
            ),
        },
        block: syn::Block {
            brace_token: Default::default(),
            stmts: vec![syn::Stmt::Expr(body, None)],
        },
    };
    syn::Item::Impl(syn::ItemImpl {
        attrs,
        defaultness: None,
        unsafety: None,
        impl_token: Default::default(),
        generics: Default::default(),
        trait_: None,
        self_ty: Box::new(type_path(&[name], Vec::new())),
        brace_token: Default::default(),
        items: vec![syn::ImplItem::Fn(new)],
    })
}
