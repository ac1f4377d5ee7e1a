//! The error types of operations: an enum per distinct set of declared error answers, with a
//! variant per answer typed by status, named for the first operation (path, then method) that
//! declares it; the other operations get a `pub type` alias to it. Each enum's statuses are listed
//! once, in a `crate::http::error_answers!` call: how the client reads an answer as a variant,
//! and (the `mock` feature) the status the mock server answers a variant with.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{ident, syn_type};
use super::{doc, doc_attrs, syntax, Piece};
use crate::model::{Gate, Model, Operation, StatusMatch};

/// The error types of the operations. Operations that declare the same error answers share one
/// enum, named for the first of them; the others' error types are aliases of it.
pub(super) fn error_defs(model: &Model) -> Vec<Piece> {
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
            vec![Piece::Tokens(quote! {
                #doc
                #cfg
                pub type #name = #shared_name;
            })]
        });
    defs.flatten().collect()
}

/// The error answers of one operation (and of `others` more that declare the same): a variant
/// per declared status, and `Other` unless the spec declares a `default` answer.
fn error_def(op: &Operation, others: usize, cfg: &TokenStream) -> Vec<Piece> {
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for case in &op.errors {
        let body = case.body.as_ref().map_or_else(
            || syntax::type_path(&["serde_json", "Value"], Vec::new()),
            syn_type,
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
        let body = syntax::type_path(&["Option"], vec![body]);
        variants.push(syntax::variant(doc_attrs(&text), &case.variant, Some(body)));
        let (pattern, answered) = match case.status {
            StatusMatch::Code(code) => (code.to_string(), code),
            StatusMatch::Range(range) => (
                format!("{}..={}", range * 100, range * 100 + 99),
                range * 100,
            ),
            StatusMatch::Default => ("_".to_owned(), default_status(op)),
        };
        arms.push(format!("{pattern} => {}({answered})", case.variant));
    }
    if !op
        .errors
        .iter()
        .any(|case| case.status == StatusMatch::Default)
    {
        let doc = doc_attrs(
            "A status the spec does not declare for this operation; the body if it is JSON.",
        );
        let value = syntax::type_path(&["serde_json", "Value"], Vec::new());
        let body = syntax::type_path(&["Option"], vec![value]);
        variants.push(syntax::variant(doc, "Other", Some(body)));
        // Answered with a status the client reads as `Other`, not as a declared one.
        arms.push(format!("_ => Other({})", default_status(op)));
    }
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
    let mut attrs = doc_attrs(&text);
    attrs.push(syntax::list_attr("derive", quote!(Debug, Clone, PartialEq)));
    let definition = syntax::enum_item(attrs, &op.error_name, variants);
    let call = super::item_macro(super::ItemMacro::ErrorAnswers, &[&op.error_name], &arms);
    // The `cfg` after the doc comment, as on every other gated item.
    let definition = super::features::gate_items(Piece::Item(Box::new(definition)), cfg);
    vec![definition, Piece::Tokens(quote!(#cfg #call))]
}

/// The status a mock server answers the `default` answer (or `Other`) with: one no declared code
/// or range covers, so that the client reads it back as the same variant (500 when it can be;
/// when `4XX` and `5XX` are both declared, a 3xx, which the client returns as an error too when it
/// has no `Location` to follow).
fn default_status(op: &Operation) -> u16 {
    let covered = |status: u16| {
        op.errors.iter().any(|case| match case.status {
            StatusMatch::Code(code) => code == status,
            StatusMatch::Range(range) => range == status / 100,
            StatusMatch::Default => false,
        })
    };
    std::iter::once(500)
        .chain(400..600)
        .chain(300..400)
        .find(|status| !covered(*status))
        .unwrap_or(500)
}
